//! `thresh ingest` (the main job) and `thresh refresh` (revalidate stored URLs):
//! both feed jobs through the pipeline into the single SQLite writer.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use anyhow::Context;
use thresh_clean::Cleaner;
use thresh_doc::StageStats;
use thresh_fetch::{Input, Validators};
use thresh_store::{Item, Outcome, RunStatus, Store};

use crate::args::{Global, IngestArgs, RefreshArgs};
use crate::pipeline::{self, Job, Processed, Stages};
use crate::{exit, Fatal};

/// An exclusive lock beside the database, held for the whole run, so two
/// scheduled runs never overlap. The OS releases it if the process dies.
pub struct RunLock {
    _file: File,
}

pub fn lock(db: &Path) -> Result<RunLock, Fatal> {
    let path = lock_path(db);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("{}: cannot create lock file", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(Fatal {
            code: exit::LOCKED,
            error: anyhow::anyhow!(
                "{}: another thresh run is using this database (lock {})",
                db.display(),
                path.display()
            ),
        }),
        Err(TryLockError::Error(e)) => {
            Err(anyhow::Error::new(e).context(format!("{}: cannot lock", path.display())).into())
        }
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Fault injection for tests: the process aborts (as if killed) right after
/// committing this many batches.
pub const STOP_AFTER: &str = "THRESH_TEST_ABORT_AFTER_BATCHES";
/// Fault injection for tests: the writer thread panics (a bug in it) right
/// after committing this many batches.
const PANIC_AFTER: &str = "THRESH_TEST_WRITER_PANIC_AFTER_BATCHES";

/// Stored inputs compressed per transaction.
const RAW_BATCH: usize = 256;

/// `thresh vacuum`: compress what was stored before compression, then
/// rebuild the file; locked like a run.
pub fn vacuum(a: crate::args::VacuumArgs) -> Result<u8, Fatal> {
    let _lock = lock(&a.db)?;
    let mut store = Store::open_existing(&a.db)?;
    let n = store.compress_stored_raw(RAW_BATCH)?;
    let (before, after) = store.vacuum()?;
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    eprintln!(
        "thresh: {}: {n} stored inputs compressed; {:.1} MiB -> {:.1} MiB",
        a.db.display(),
        mib(before),
        mib(after)
    );
    Ok(exit::OK)
}

/// Counts shown in the summary line (of ingest, refresh and merge).
#[derive(Default)]
pub struct Summary {
    pub new: u64,
    pub duplicates: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub dropped: u64,
    pub skipped: u64,
    pub gone: u64,
    pub errors: u64,
    /// URLs given to ingest that answered 404 / 410 (also counted as gone).
    pub missing: u64,
}

impl Summary {
    /// Count what the writer did with one item.
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::New { dup_of, .. } => {
                self.new += 1;
                self.duplicates += u64::from(dup_of.is_some());
            }
            Outcome::Updated { dup_of, .. } => {
                self.updated += 1;
                self.duplicates += u64::from(dup_of.is_some());
            }
            Outcome::Unchanged { .. } => self.unchanged += 1,
            Outcome::Dropped => self.dropped += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Gone => self.gone += 1,
            Outcome::Error => self.errors += 1,
        }
    }
}

/// Start a run of `command`, or continue the last one when it is one that
/// was stopped (killed) and `same(its config, its arguments)` holds: the
/// run's id, and for a continued run how many inputs it had committed.
pub fn start_run(
    g: &Global,
    store: &mut Store,
    command: &str,
    (args_json, config): (&str, &serde_json::Value),
    threads: usize,
    same: impl Fn(&serde_json::Value, Option<&serde_json::Value>) -> bool,
) -> Result<(i64, Option<u64>), thresh_store::StoreError> {
    match store.resumable_run(command, same)? {
        Some((run, written)) => {
            if !g.quiet {
                eprintln!("thresh: {command} run {run} was stopped after {written} inputs; continuing it");
            }
            Ok((run, Some(written)))
        }
        None => Ok((store.begin_run(command, args_json, &config.to_string(), threads)?, None)),
    }
}

/// Read a URL list: one URL per line; blank lines and `#` comments ignored.
fn read_url_list(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading URL list from stdin")?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("{}: cannot read URL list", path.display()))?
    };
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect())
}

pub fn run(g: &Global, a: IngestArgs, show_progress: bool) -> Result<u8, Fatal> {
    if a.urls.is_none() {
        if let Some(e) = crate::args::all_paths_missing(&a.paths) {
            return Err(e.into());
        }
    }
    let urls = match &a.urls {
        Some(p) => read_url_list(p)?,
        None => Vec::new(),
    };
    let _lock = lock(&a.db)?;
    let mut store = Store::open(&a.db)?;
    let validators = store.validators(&urls)?;
    let walked = a.input.enumerate(&a.paths, g.quiet);
    let skipped_ext = walked.skipped.len() as u64;
    let shard = a.shard.unwrap_or(pipeline::Shard::ALL);
    // Jobs are numbered over all the inputs (so every shard numbers them
    // alike), then those of other shards are left out: a file before it is
    // read, a WARC record as it is read.
    let inputs = walked.inputs;
    let owned_files = inputs
        .iter()
        .filter(|i| match i {
            // (The key of a file's job, see Job::shard_key.)
            Ok(file @ Input::File(_)) => shard.owns_key(&file.locator()),
            _ => true,
        })
        .count();
    let first_url = inputs.len();
    let count = pipeline::known_len(&inputs).map(|_| owned_files + urls.iter().filter(|u| shard.owns_key(u)).count());
    let url_jobs = urls.into_iter().enumerate().map(move |(i, u)| {
        let v = validators.get(&u).cloned().map(|(etag, last_modified)| Validators { etag, last_modified });
        (pipeline::seq(first_url + i, 0), Job::Url(u, v))
    });
    let jobs = pipeline::jobs(inputs).chain(url_jobs).filter(move |(_, j)| shard.owns(j));
    let http = (a.urls.is_some()).then(|| a.http.config());
    let load = a.input.load_config(&a.clean, None);
    store.set_raw_mode(a.storage.raw_mode());
    let run = Spec { command: "ingest", shard: a.shard };
    execute(g, &mut store, run, &a.clean, &a.dedup, http, jobs, count, show_progress, (load, skipped_ext))
}

/// What kind of run [`execute`] records.
struct Spec {
    /// `ingest` or `refresh`.
    command: &'static str,
    /// The shard of a split run: its database is one part of a merge, so
    /// site lines are counted but learned only when the parts are merged
    /// (a shard sees a fraction of each site's pages).
    shard: Option<pipeline::Shard>,
}

pub fn refresh(g: &Global, a: RefreshArgs, show_progress: bool) -> Result<u8, Fatal> {
    let _lock = lock(&a.db)?;
    let mut store = Store::open_existing(&a.db)?;
    let cutoff = a.older_than.map(|d| {
        let age: std::time::Duration = d.into();
        thresh_store::iso_millis(std::time::SystemTime::now().checked_sub(age).unwrap_or(std::time::UNIX_EPOCH))
    });
    let sources = store.url_sources(cutoff.as_deref(), a.include_gone)?;
    let count = Some(sources.len());
    let jobs = sources.into_iter().enumerate().map(|(i, (url, (etag, last_modified)))| {
        (pipeline::seq(i, 0), Job::Url(url, Some(Validators { etag, last_modified })))
    });
    let load = a.clean.load_config();
    store.set_raw_mode(a.storage.raw_mode());
    let run = Spec { command: "refresh", shard: None };
    execute(g, &mut store, run, &a.clean, &a.dedup, Some(a.http.config()), jobs, count, show_progress, (load, 0))
}

/// The configuration a writing run records (`runs.config`): how it cleans,
/// and how it decides duplicates and learns site lines.
pub fn run_config(
    clean: &thresh_clean::CleanConfig,
    near: Option<thresh_store::NearDupConfig>,
    site: Option<thresh_store::SiteConfig>,
) -> serde_json::Value {
    let near = near.map(|n| {
        serde_json::json!({"threshold": n.threshold, "shingle_words": 5, "permutations": 128, "bands": 16, "rows": 8, "exact_check_margin": n.verify.map(|_| n.verify_margin)})
    });
    serde_json::json!({
        "clean": clean,
        "near_dups": near,
        "site_learning": site.map(|s| serde_json::json!({"min_docs": s.min_docs, "learn": s.learn})),
    })
}

/// Run jobs through the workers into the writer; record the run.
#[allow(clippy::too_many_arguments)]
fn execute(
    g: &Global,
    store: &mut Store,
    spec: Spec,
    clean: &crate::args::CleanArgs,
    dedup: &crate::args::DedupArgs,
    http: Option<thresh_fetch::HttpConfig>,
    jobs: impl Iterator<Item = (pipeline::Seq, Job)>,
    count: Option<usize>,
    show_progress: bool,
    // How inputs load, and how many files a directory walk skipped.
    (load, skipped_ext): (thresh_fetch::LoadConfig, u64),
) -> Result<u8, Fatal> {
    // Paths stored before they were canonical (0009), resolved from here.
    let adopted = store.adopt_relative_sources(|p| {
        thresh_fetch::canonical(Path::new(p)).ok().map(|c| c.to_string_lossy().into_owned())
    })?;
    if adopted.rewritten > 0 && show_progress {
        eprintln!("thresh: {} stored relative paths are now absolute", adopted.rewritten);
    }
    // Inputs stored as text before compression (0010), compressed now.
    if store.raw_mode() == thresh_store::RawMode::Compress {
        let n = store.compress_stored_raw(RAW_BATCH)?;
        if n > 0 && show_progress {
            eprintln!("thresh: {n} stored inputs compressed (`thresh vacuum` gives the space back)");
        }
    }
    let clean_cfg = clean.clean_config();
    let near = dedup.near_config()?;
    let http_json = http.as_ref().map(|h| {
        serde_json::json!({
            "user_agent": h.user_agent, "timeout_s": h.timeout.as_secs_f64(), "max_body": h.max_body,
            "retries": h.retries, "per_host": h.per_host, "per_host_delay_ms": h.per_host_delay.as_millis() as u64,
            "robots": h.robots, "max_redirects": h.max_redirects,
        })
    });
    let command = spec.command;
    // A shard learns no lines (its merge does), nor does a refresh of one.
    let shard_db = spec.shard.is_some() || store.holds_shard_runs()?;
    let site = dedup.site_config()?.map(|s| thresh_store::SiteConfig { learn: !shard_db, ..s });
    let mut stages = Stages::new(load, Cleaner::new(&clean_cfg)?);
    stages.minhasher = near.map(|_| thresh_dedup::MinHasher::new());
    stages.raw = Some(store.raw_mode());
    stages.http = http.map(thresh_fetch::HttpFetcher::new);
    stages.manifest = clean.manifest()?;
    let threads = g.threads();
    store.set_near_dups(near);
    store.set_site_learning(site);
    let args_json = serde_json::to_string(&std::env::args().collect::<Vec<_>>())?;
    let mut config = run_config(&clean_cfg, near, site);
    config["max_input_bytes"] = stages.load.max_bytes.into();
    config["http"] = http_json.into();
    // The same command killed last time (the last run, unfinished, same
    // arguments and configuration) is continued as that run: what it wrote
    // is found unchanged, the rest is written as it would have been, and
    // what it learned is cleaned away at its end — so a killed and repeated
    // run ends as an uninterrupted one (bench/crash.py).
    let args_now = serde_json::Value::String(args_json.clone());
    let (run, resumed) = start_run(g, store, command, (&args_json, &config), threads, |c, args| {
        *c == config && args == Some(&args_now)
    })?;
    let continued = resumed.is_some();
    // A continued run does not read again what it has already written (its
    // sources carry its id): their outcomes, counters and rows are there.
    let done = if continued { store.sources_of_run(run)? } else { Default::default() };
    let jobs = jobs.filter(move |(_, j)| done.is_empty() || !done.contains(&j.locator()));
    if let Some(shard) = spec.shard {
        store.set_run_shard(run, &shard.to_string())?;
    }
    if site.is_some() {
        stages.site = Some(crate::site::SiteView::open(store.path(), run)?);
    }
    let pool = pipeline::pool(threads)?;
    let progress = pipeline::progress_bar(count, show_progress, command);

    // The single writer thread owns the connection; batches arrive in input order.
    let (tx, rx) = sync_channel::<Vec<(pipeline::Seq, Processed)>>(2);
    let result = std::thread::scope(|scope| {
        let writer = scope.spawn(
            || -> (Summary, StageStats, std::collections::BTreeMap<String, u64>, Option<thresh_store::StoreError>) {
                let mut summary = Summary::default();
                let mut stats = StageStats::default();
                let mut skipped = std::collections::BTreeMap::new();
                let mut batches = 0u64;
                let after = |var: &str| -> Option<u64> { std::env::var(var).ok().and_then(|v| v.parse().ok()) };
                let (stop_after, panic_after) = (after(STOP_AFTER), after(PANIC_AFTER));
                let stages = &stages;
                let pool = &pool;
                // What an earlier run queued for re-cleaning and did not get
                // to (it was killed) is done first; a continued run's own
                // queue waits for its end, as it would have.
                if !continued {
                    match crate::reclean::reclean(store, stages, pool) {
                        Ok(n) => stats.recleaned += n as u64,
                        Err(e) => return (summary, stats, skipped, Some(e)),
                    }
                }
                for batch in rx {
                    let items: Vec<Item<'_>> = batch
                        .iter()
                        .map(|(seq, p)| match p {
                            Processed::Kept(doc, prints) => Item::Doc {
                                doc,
                                fp: prints.fingerprint(),
                                raw: prints.raw.as_ref(),
                                seq: Some(*seq as i64),
                            },
                            Processed::Dropped(doc, reason) => Item::Dropped { doc, reason: *reason },
                            Processed::Skipped(locator, reason) => Item::Skipped { locator, reason },
                            Processed::NotModified(locator) => Item::NotModified { locator },
                            Processed::Gone(locator, status) => Item::Gone { locator, status: *status },
                            Processed::Failed { locator, stage, kind, message } => {
                                Item::Error { locator, stage, kind, message }
                            }
                        })
                        .collect();
                    let outcomes = match store.write_batch(run, &items) {
                        Ok(o) => o,
                        Err(e) => return (summary, stats, skipped, Some(e)),
                    };
                    batches += 1;
                    if stop_after == Some(batches) {
                        // A crash right after a commit, as kill -9 would make it.
                        std::process::abort();
                    }
                    assert!(panic_after != Some(batches), "fault injected by {PANIC_AFTER}");
                    for ((_, p), o) in batch.iter().zip(&outcomes) {
                        match p {
                            Processed::Kept(doc, _) => stats.count(doc, None),
                            Processed::Dropped(doc, r) => stats.count(doc, Some(*r)),
                            Processed::Skipped(_, reason) => *skipped.entry(reason.to_string()).or_insert(0) += 1,
                            Processed::Failed { message, .. } => {
                                stats.errors += 1;
                                eprintln!("thresh: error: {message}");
                            }
                            // A URL given to ingest that is not there is a failure
                            // (cron must hear of it); it is also recorded as gone.
                            // To refresh, a known page that went away is news, not one.
                            Processed::Gone(url, status) if command == "ingest" => {
                                summary.missing += 1;
                                eprintln!("thresh: error: {url}: HTTP {status}");
                            }
                            Processed::NotModified(_) | Processed::Gone(..) => {}
                        }
                        summary.add(o);
                    }
                }
                // Lines of a site were learned: clean its affected documents
                // again, once every input is in. (Not after each batch: the
                // decisions of a run then depend on nothing but its inputs'
                // order, not on where batches happened to end, so the shards
                // of a run merge into what the one run gives.)
                match crate::reclean::reclean(store, stages, pool) {
                    Ok(n) => stats.recleaned += n as u64,
                    Err(e) => return (summary, stats, skipped, Some(e)),
                }
                (summary, stats, skipped, None)
            },
        );
        pipeline::run_batches(jobs, &pool, &stages, &progress, |batch| tx.send(batch).is_ok());
        drop(tx);
        writer.join()
    });
    // Every batch committed before a failure is kept; the run is marked
    // failed, or (when the database cannot be written even for that: an
    // outside lock) left for the next run, which marks it interrupted.
    let mark_failed = |store: &mut Store| match store.finish_run(run, RunStatus::Failed) {
        Ok(()) => format!("run {run} failed"),
        Err(_) => format!("run {run} stopped (it could not be marked failed; the next run marks it interrupted)"),
    };
    let Ok((summary, stats, skipped, write_error)) = result else {
        // (The panic's message was printed by the hook.)
        return Err(anyhow::anyhow!("{}: the database writer crashed", mark_failed(store)).into());
    };
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context(mark_failed(store)).into());
    }
    let mut values: Vec<(String, u64)> = vec![
        ("docs_in".into(), stats.docs_in),
        ("kept".into(), stats.kept),
        ("errors".into(), stats.errors),
        ("chars_in".into(), stats.chars_in),
        ("chars_kept".into(), stats.chars_kept),
        ("recleaned".into(), stats.recleaned),
    ];
    values.extend(stats.dropped.iter().map(|(k, v)| (format!("dropped:{k}"), *v)));
    values.extend(stats.removed_by_kind.iter().map(|(k, v)| (format!("removed:{k}"), *v)));
    values.extend(skipped.iter().map(|(k, v)| (format!("skipped:{k}"), *v)));
    if skipped_ext > 0 {
        // Files a directory walk left out (their extension), told on stderr too.
        values.push(("skipped:extension".into(), skipped_ext));
    }
    store.put_run_stats(run, "clean", &values)?;
    store.finish_run(run, RunStatus::completed(summary.errors + summary.missing))?;

    // A summary for people at a terminal; cron logs stay clean unless something failed.
    if show_progress || (!g.quiet && summary.errors + summary.missing > 0) {
        eprintln!(
            "thresh: {command} run {run}: {} new ({} duplicates), {} updated, {} unchanged, {} gone, {} dropped, {} skipped, {} failed",
            summary.new,
            summary.duplicates,
            summary.updated,
            summary.unchanged,
            summary.gone,
            summary.dropped,
            summary.skipped,
            summary.errors
        );
    }
    Ok(if summary.errors + summary.missing > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
