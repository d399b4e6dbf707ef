//! Command-line arguments, and the one place stage configurations are built.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use thresh_clean::{CleanConfig, Favor};

/// Turn scraped web and news pages into clean, deduplicated documents in SQLite.
#[derive(Debug, Parser)]
#[command(name = "thresh", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Most worker threads: more only cost memory (each holds a batch of inputs).
const MAX_THREADS: u64 = 1024;
/// Largest size cap in MiB (1 TiB): the cap in bytes must fit in 64 bits.
const MAX_MIB: u64 = 1 << 20;

/// Seconds, a positive finite number up to a day.
fn seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 86400 seconds".into())
    }
}

/// A date or instant for `--since` / `--until`, as the prefix of a stored
/// UTC timestamp it compares with: `2019`, `2019-11`, `2019-11-19`, or an
/// instant with its offset (`2019-11-19T10:00:00+02:00`, turned to UTC).
fn date_bound(s: &str) -> Result<String, String> {
    use chrono::{DateTime, NaiveDate};
    let s = s.trim();
    let bad = || format!("{s:?} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 instant");
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    let full = match s.len() {
        4 => format!("{s}-01-01"),
        7 => format!("{s}-01"),
        10 => s.to_string(),
        _ => return Err(bad()),
    };
    let digits_and_dashes =
        s.bytes().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() });
    match NaiveDate::parse_from_str(&full, "%Y-%m-%d") {
        Ok(_) if digits_and_dashes => Ok(s.to_string()),
        _ => Err(bad()),
    }
}

/// A similarity: a number in (0, 1].
fn fraction(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 1".into())
    }
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Worker threads (default: one per core). Results are identical for any value.
    #[arg(long, global = true, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_THREADS))]
    pub threads: Option<usize>,
    /// No progress bar and no summary; errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

impl Global {
    pub fn threads(&self) -> usize {
        self.threads.filter(|&n| n > 0).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, clean, deduplicate and store inputs: files, directories, WARC archives, stdin, URL lists.
    Ingest(IngestArgs),
    /// Revalidate every stored URL with a conditional GET; store what changed.
    Refresh(RefreshArgs),
    /// Clean inputs and print them, without a database.
    Extract(ExtractArgs),
    /// Print documents, duplicates, removals by kind, errors, per run.
    Stats(StatsArgs),
    /// List duplicate clusters: each original with its exact and near duplicates and their similarity.
    Dups(StatsArgs),
    /// Full-text search (FTS5, bm25-ranked) over titles and text, with snippets.
    Search(SearchArgs),
    /// Show one document (by id, URL or source path): metadata and clean text.
    Show(ShowArgs),
    /// Stream every document with its metadata as JSON lines or CSV.
    Export(ExportArgs),
    /// Run history: counts and durations.
    Runs(StatsArgs),
    /// Print the database schema, every table and column commented.
    Schema,
    /// Write a self-contained HTML report with charts.
    Report(ReportArgs),
    /// Compress inputs stored before compression, and give freed space back to the file system.
    Vacuum(VacuumArgs),
    /// Join the databases of a split run (`ingest --shard K/N`) into one, deciding
    /// duplicates and learning site lines as one run over all the inputs would.
    Merge(MergeArgs),
}

/// How cleaning behaves (shared by ingest and extract).
#[derive(Debug, Args, Clone)]
pub struct CleanArgs {
    /// Trade precision against recall.
    #[arg(long, value_enum, default_value_t = FavorArg::Balanced)]
    pub favor: FavorArg,
    /// Keep user comments (in their own field), instead of dropping them.
    #[arg(long)]
    pub include_comments: bool,
    /// Extra boilerplate phrase rules (same format as crates/clean/rules/boilerplate.tsv); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Largest input accepted, in MiB (after decompression).
    #[arg(long, default_value_t = 64, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=MAX_MIB))]
    pub max_input_mib: u64,
    /// Page URLs for input files: CSV with a `path,url` header, or JSON lines {"path","url"}.
    /// Gives text dumps a site, so per-site boilerplate learning applies to them.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FavorArg {
    Precision,
    Balanced,
    Recall,
}

impl CleanArgs {
    pub fn clean_config(&self) -> CleanConfig {
        CleanConfig {
            favor: match self.favor {
                FavorArg::Precision => Favor::Precision,
                FavorArg::Balanced => Favor::Balanced,
                FavorArg::Recall => Favor::Recall,
            },
            include_comments: self.include_comments,
            rule_files: self.rules.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
            ..CleanConfig::default()
        }
    }

    pub fn manifest(&self) -> anyhow::Result<Option<crate::manifest::Manifest>> {
        self.manifest.as_deref().map(crate::manifest::Manifest::read).transpose()
    }

    pub fn load_config(&self) -> thresh_fetch::LoadConfig {
        thresh_fetch::LoadConfig { max_bytes: self.max_input_mib << 20, ..Default::default() }
    }
}

/// What is kept of each input in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RawArg {
    /// As text (readable in sqlite3; the largest database).
    Keep,
    /// zstd-compressed (read back by `show --raw` and re-cleaning as text).
    Compress,
    /// Nothing (`show --raw` shows nothing; per-site learning cannot clean
    /// stored documents again).
    Drop,
}

/// How documents are stored (ingest and refresh).
#[derive(Debug, Args, Clone)]
pub struct StorageArgs {
    /// What is kept of each input, for `show --raw` and cleaning again.
    #[arg(long, value_enum, default_value_t = RawArg::Compress)]
    pub raw: RawArg,
}

impl StorageArgs {
    pub fn raw_mode(&self) -> thresh_store::RawMode {
        match self.raw {
            RawArg::Keep => thresh_store::RawMode::Keep,
            RawArg::Compress => thresh_store::RawMode::Compress,
            RawArg::Drop => thresh_store::RawMode::Drop,
        }
    }
}

/// `thresh vacuum`.
#[derive(Debug, Args)]
pub struct VacuumArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
}

/// `thresh merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The merged database (created if missing; merging into one that holds
    /// earlier merges adds what is new).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The shard databases, in any order. Their runs recorded how they
    /// cleaned and decided duplicates; the merge does the same (they must agree).
    #[arg(required = true, value_name = "SHARD_DB")]
    pub shards: Vec<PathBuf>,
}

/// Duplicate detection options.
#[derive(Debug, Args, Clone)]
pub struct DedupArgs {
    /// Estimated Jaccard similarity (word 5-gram MinHash) at which a document is a near duplicate.
    #[arg(long, default_value_t = 0.8, value_name = "F", value_parser = fraction)]
    pub near_threshold: f64,
    /// Only exact duplicates (no MinHash signatures are computed or stored).
    #[arg(long)]
    pub no_near_dups: bool,
    /// A line on this many original documents of one host is learned as that site's boilerplate.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub site_min_docs: u32,
    /// Do not learn boilerplate per site (nor remove what was learned before).
    #[arg(long)]
    pub no_site_learning: bool,
}

impl Default for DedupArgs {
    /// The options' defaults, as clap gives them with none given.
    fn default() -> Self {
        use clap::FromArgMatches;
        let matches = DedupArgs::augment_args(clap::Command::new("defaults")).get_matches_from(["defaults"]);
        DedupArgs::from_arg_matches(&matches).expect("the defaults parse")
    }
}

impl DedupArgs {
    pub fn site_config(&self) -> anyhow::Result<Option<thresh_store::SiteConfig>> {
        if self.site_min_docs < 2 {
            anyhow::bail!("--site-min-docs must be at least 2, got {}", self.site_min_docs);
        }
        Ok((!self.no_site_learning).then_some(thresh_store::SiteConfig {
            min_docs: self.site_min_docs,
            learn: true,
            sample: crate::site::sample,
        }))
    }

    pub fn near_config(&self) -> anyhow::Result<Option<thresh_store::NearDupConfig>> {
        if !(self.near_threshold > 0.0 && self.near_threshold <= 1.0) {
            anyhow::bail!("--near-threshold must be in (0, 1], got {}", self.near_threshold);
        }
        Ok((!self.no_near_dups).then_some(thresh_store::NearDupConfig {
            threshold: self.near_threshold,
            confirm: crate::pipeline::confirm_near,
            max_bucket: 256,
            verify: Some(thresh_dedup::minhash::exact_near_duplicate),
            verify_margin: thresh_dedup::minhash::VERIFY_MARGIN,
        }))
    }
}

/// How URLs are fetched.
#[derive(Debug, Args, Clone)]
pub struct HttpArgs {
    /// User-Agent header; its first word is the token matched in robots.txt.
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Whole-request timeout in seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECS", value_parser = seconds)]
    pub timeout: f64,
    /// Largest response body, in MiB (after content decoding).
    #[arg(long, default_value_t = 16, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=MAX_MIB))]
    pub max_body_mib: u64,
    /// Retries after 429 / 5xx / connection failures (exponential backoff, Retry-After honoured).
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Requests in flight to one host at a time.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    pub per_host: usize,
    /// Pause between two requests to the same host, in milliseconds (robots.txt Crawl-delay wins if larger).
    #[arg(long, default_value_t = 250, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub delay_ms: u64,
    /// Do not fetch or obey robots.txt.
    #[arg(long)]
    pub ignore_robots: bool,
}

impl HttpArgs {
    pub fn config(&self) -> thresh_fetch::HttpConfig {
        let d = thresh_fetch::HttpConfig::default();
        thresh_fetch::HttpConfig {
            user_agent: self.user_agent.clone().unwrap_or(d.user_agent),
            timeout: std::time::Duration::from_secs_f64(self.timeout.max(0.001)),
            connect_timeout: std::time::Duration::from_secs_f64(self.timeout.clamp(0.001, 10.0)),
            max_body: self.max_body_mib << 20,
            retries: self.retries,
            per_host: self.per_host.max(1),
            per_host_delay: std::time::Duration::from_millis(self.delay_ms),
            robots: !self.ignore_robots,
            ..d
        }
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The SQLite database (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Files, directories or WARC archives (.warc, .warc.gz) to ingest; `-` reads stdin.
    #[arg(required_unless_present = "urls", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A file listing URLs to fetch, one per line (`-` for stdin).
    #[arg(long, value_name = "LIST")]
    pub urls: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub clean: CleanArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    /// Take only shard K of N (1 <= K <= N) of the inputs, chosen by a hash
    /// of each input's stable key (a file's canonical path, a URL, a WARC
    /// record's URI and payload digest), for splitting one crawl over machines.
    #[arg(long, value_name = "K/N", value_parser = shard)]
    pub shard: Option<crate::pipeline::Shard>,
}

fn shard(s: &str) -> Result<crate::pipeline::Shard, String> {
    let bad = || format!("{s:?}: a shard is K/N with 1 <= K <= N, e.g. 3/8");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok(crate::pipeline::Shard { k, n })
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Only sources last fetched longer ago than this (e.g. 12h, 7d).
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<humantime::Duration>,
    /// Also re-check sources marked gone (404 / 410).
    #[arg(long)]
    pub include_gone: bool,
    #[command(flatten)]
    pub clean: CleanArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// Output format (one rule for every command, see `output.rs`).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// One JSON value (a list is an array; `extract` streams one object per line).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// For people.
    Text,
}

impl Format {
    /// How a listing is written, for the JSON formats.
    pub fn listing(self) -> Option<crate::output::Json> {
        match self {
            Format::Json => Some(crate::output::Json::Array),
            Format::Jsonl => Some(crate::output::Json::Lines),
            Format::Text => None,
        }
    }

    /// One value (`stats`, `show`): pretty for `json`, one line for `jsonl`.
    pub fn one(self, v: &serde_json::Value) -> Option<String> {
        match self {
            Format::Json => serde_json::to_string_pretty(v).ok(),
            Format::Jsonl => serde_json::to_string(v).ok(),
            Format::Text => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Output format: one JSON object per input per line (`json` and
    /// `jsonl` alike), or readable text.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Files, directories or http(s) URLs; `-` reads stdin. URLs are fetched
    /// after the files, with the fetcher of `ingest --urls`.
    #[arg(required = true, value_name = "PATH|URL")]
    pub paths: Vec<PathBuf>,
    /// Write one file per document into DIR (created if needed), named after
    /// its input (`page.html` gives `page.txt`, or `page.json` with a JSON
    /// format; a URL its host and path), instead of printing to stdout.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub clean: CleanArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// How inputs are found (directories walked) and named (stdin).
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// In directories, also take files with these extensions (comma-separated,
    /// no dot; `none` for files without one), e.g. `php,asp,none` for a site
    /// mirror. Pages, text and archives (.html .htm .xhtml .txt .warc .wet,
    /// and .gz of each) are always taken; a file named on the command line
    /// is taken whatever its name.
    #[arg(long, value_name = "EXT,...", value_delimiter = ',')]
    pub include_ext: Vec<String>,
    /// Name every file a directory walk skipped, one line each.
    #[arg(long)]
    pub verbose: bool,
    /// The name stdin's document is stored under (`-` input); without it,
    /// `stdin:<sha256 of the bytes>`, so two different inputs never replace
    /// each other.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The page URL of stdin's document (its site, for per-site learning).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// When not one of the paths named on the command line exists (and nothing
/// else was asked for), the command line is wrong, not the inputs: a usage
/// error (exit 2) before anything is read or written. A missing path among
/// others is that input's failure (exit 1), as any bad input is.
pub fn all_paths_missing(paths: &[PathBuf]) -> Option<anyhow::Error> {
    let missing = |p: &PathBuf| p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err();
    if paths.is_empty() || !paths.iter().all(missing) {
        return None;
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let what = if names.len() == 1 { "no such file or directory" } else { "none of these exist" };
    let hint = if paths.iter().any(|p| thresh_fetch::looks_like_url(p)) {
        format!(" ({})", thresh_fetch::URL_HINT)
    } else {
        String::new()
    };
    Some(anyhow::anyhow!("{}: {what}; nothing to do{hint}", names.join(", ")))
}

impl InputArgs {
    /// `clean`'s load limits, with what stdin is called: `--name`, else
    /// `unnamed` (None: by its content, for a database, where it is an identity).
    pub fn load_config(&self, clean: &CleanArgs, unnamed: Option<&str>) -> thresh_fetch::LoadConfig {
        let stdin_name = self.name.clone().or_else(|| unnamed.map(str::to_string));
        thresh_fetch::LoadConfig { stdin_name, stdin_url: self.url.clone(), ..clean.load_config() }
    }

    /// Walk the inputs; say on stderr what was skipped (unless `quiet`).
    pub fn enumerate(&self, paths: &[PathBuf], quiet: bool) -> thresh_fetch::Enumerated {
        let walk = thresh_fetch::Walk {
            include_ext: self
                .include_ext
                .iter()
                .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
        };
        let e = thresh_fetch::enumerate_walk(paths, &walk);
        if self.verbose {
            for (path, ext) in &e.skipped {
                eprintln!("thresh: skipped {} (extension: {ext})", path.display());
            }
        }
        if let Some(line) = thresh_fetch::skipped_summary(&e.skipped).filter(|_| !quiet) {
            eprintln!("thresh: {line}");
        }
        e
    }
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How `search` reads its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuerySyntax {
    /// What a person types.
    Plain,
    /// SQLite FTS5 query syntax, as it is.
    Fts5,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// What to look for: words, "phrases", AND / OR / NOT, prefix*,
    /// title:word, (groups). Anything else is searched as plain words
    /// (`Putin's`, `e-mail`, `C++` need no quoting).
    pub query: String,
    /// How to read the query: `plain` (what a person types; FTS5 syntax kept
    /// where it is used as such) or `fts5` (passed to SQLite as it is).
    #[arg(long, value_enum, default_value_t = QuerySyntax::Plain)]
    pub syntax: QuerySyntax,
    /// Only this site (site name or host).
    #[arg(long)]
    pub site: Option<String>,
    /// Published on or after: 2019, 2019-11, 2019-11-19, or an RFC 3339
    /// instant (2019-11-19T10:00:00+02:00, compared in UTC).
    #[arg(long, value_parser = date_bound)]
    pub since: Option<String>,
    /// Published on or before (the same forms; a date includes its whole day).
    #[arg(long, value_parser = date_bound)]
    pub until: Option<String>,
    /// Only this language (ISO 639-1, e.g. en).
    #[arg(long)]
    pub lang: Option<String>,
    /// Include documents marked as duplicates.
    #[arg(long)]
    pub include_dups: bool,
    /// Most results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Longest the search may run, in seconds; a query that needs longer is
    /// stopped with an error.
    #[arg(long, default_value_t = 10.0, value_name = "SECS", value_parser = seconds)]
    pub max_seconds: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Document id, URL, or source path.
    pub id: String,
    /// Print the original input instead of the clean text.
    #[arg(long)]
    pub raw: bool,
    /// Also print every removed segment with its kind and the rule that removed it.
    #[arg(long)]
    pub explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// One object per line.
    Jsonl,
    /// One JSON array.
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Only documents added or updated by run N or later.
    #[arg(long, value_name = "N")]
    pub since_run: Option<i64>,
    /// Include documents marked as duplicates (default: originals only).
    #[arg(long, alias = "keep-dups")]
    pub include_dups: bool,
    /// CSV: write text cells exactly as stored. By default a cell that starts
    /// with = + - @ TAB or CR gets a leading ' so spreadsheets do not run it.
    #[arg(long)]
    pub raw_csv: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Where to write the HTML page.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,
    /// Replace `--out` even when it is not an earlier report (never the database).
    #[arg(long)]
    pub force: bool,
}

#[cfg(test)]
mod tests {
    use super::date_bound;

    #[test]
    fn date_bounds_are_checked_and_instants_turned_to_utc() {
        for ok in ["2019", "2019-11", "2019-11-19"] {
            assert_eq!(date_bound(ok).unwrap(), ok);
        }
        assert_eq!(date_bound("2019-11-19T10:00:00+02:00").unwrap(), "2019-11-19T08:00:00Z");
        for bad in ["19-11-2019", "garbage", "2019/11/19", "2019-13", "2019-02-30", "2019-1-5", ""] {
            assert!(date_bound(bad).is_err(), "{bad}");
        }
    }
}
