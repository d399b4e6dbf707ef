//! `thresh extract`: clean and print, no database. The JSON form is the
//! interface the accuracy checks use.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use thresh_clean::Cleaner;
use thresh_doc::Doc;

use crate::args::{ExtractArgs, Format, Global};
use crate::pipeline::{self, Job, Processed};
use crate::{exit, Fatal};

fn write_json(out: &mut impl Write, doc: &Doc, dropped: Option<&str>, with_comments: bool) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &doc.record(dropped, with_comments))?;
    writeln!(out)
}

fn to_text(doc: &Doc, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "==> {}", doc.source.locator)?;
    text_body(doc, out)
}

/// The title, metadata lines and paragraphs of [`to_text`].
fn text_body(doc: &Doc, out: &mut impl Write) -> std::io::Result<()> {
    if let Some(t) = &doc.title {
        writeln!(out, "# {t}")?;
    }
    for (k, v) in [("published", &doc.published), ("author", &doc.author), ("site", &doc.site), ("lang", &doc.lang)] {
        if let Some(v) = v {
            writeln!(out, "{k}: {v}")?;
        }
    }
    writeln!(out)?;
    for p in &doc.paragraphs {
        writeln!(out, "{p}\n")?;
    }
    Ok(())
}

/// Where `-o DIR` writes each document: a name from its input, made unique
/// within the run (`-2`, `-3` … in input order, so the same inputs always
/// give the same names).
struct OutDir {
    dir: PathBuf,
    ext: &'static str,
    taken: HashSet<String>,
}

impl OutDir {
    fn create(dir: &Path, format: Format) -> anyhow::Result<OutDir> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the output directory", dir.display()))?;
        let ext = if format == Format::Text { "txt" } else { "json" };
        Ok(OutDir { dir: dir.to_path_buf(), ext, taken: HashSet::new() })
    }

    /// The file for a document from `locator`.
    fn path_for(&mut self, locator: &str) -> PathBuf {
        let base = file_stem_for(locator);
        let mut name = base.clone();
        let mut n = 1;
        while !self.taken.insert(name.clone()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        self.dir.join(format!("{name}.{}", self.ext))
    }
}

/// A file name (without extension) for a document: a file's own name less
/// its extensions (`page.html.gz` gives `page`), a URL's host and path with
/// `_` for what a file name should not hold, `stdin-` and the start of its
/// hash for stdin.
fn file_stem_for(locator: &str) -> String {
    let safe = |s: &str| -> String {
        let t: String =
            s.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
        let t = t.trim_matches(['_', '.']).chars().take(120).collect::<String>();
        if t.is_empty() {
            "document".into()
        } else {
            t
        }
    };
    if let Some(hash) = locator.strip_prefix("stdin:") {
        return format!("stdin-{}", &hash[..hash.len().min(12)]);
    }
    if thresh_fetch::looks_like_url(Path::new(locator)) {
        let rest = locator.split_once("://").map_or(locator, |(_, r)| r);
        let rest = rest.split(['?', '#']).next().unwrap_or(rest).trim_end_matches('/');
        return safe(rest);
    }
    let name = Path::new(locator).file_name().map_or(locator.into(), |n| n.to_string_lossy());
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    safe(stem)
}

pub fn run(g: &Global, a: ExtractArgs, show_progress: bool) -> Result<u8, Fatal> {
    let cfg = a.clean.clean_config();
    let mut stages = pipeline::Stages::new(a.input.load_config(&a.clean, Some("-")), Cleaner::new(&cfg)?);
    stages.manifest = a.clean.manifest()?;
    // URLs are fetched (after the files), as `ingest --urls` fetches them.
    let (urls, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        a.paths.iter().cloned().partition(|p| thresh_fetch::looks_like_url(p) && !p.exists());
    if urls.is_empty() {
        if let Some(e) = crate::args::all_paths_missing(&paths) {
            return Err(e.into());
        }
    } else {
        stages.http = Some(thresh_fetch::HttpFetcher::new(a.http.config()));
    }
    let inputs = if paths.is_empty() { Vec::new() } else { a.input.enumerate(&paths, g.quiet).inputs };
    let count = pipeline::known_len(&inputs).map(|n| n + urls.len());
    let first_url = inputs.len();
    let url_jobs = urls
        .into_iter()
        .enumerate()
        .map(move |(i, u)| (pipeline::seq(first_url + i, 0), Job::Url(u.to_string_lossy().into_owned(), None)));
    let jobs = pipeline::jobs(inputs).chain(url_jobs);
    let mut out_dir = a.output_dir.as_deref().map(|d| OutDir::create(d, a.format)).transpose()?;
    let pool = pipeline::pool(g.threads())?;
    let progress = pipeline::progress_bar(count, show_progress, "extract");
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut io_error = None;
    let json = a.format != Format::Text;
    pipeline::run_batches(jobs, &pool, &stages, &progress, |batch| {
        for (_, p) in batch {
            let r = match (&p, out_dir.as_mut()) {
                (Processed::Kept(doc, _), Some(dir)) => {
                    let path = dir.path_for(&doc.source.locator);
                    let mut buf = Vec::new();
                    let written = if json {
                        write_json(&mut buf, doc, None, cfg.include_comments)
                    } else {
                        text_body(doc, &mut buf)
                    };
                    match written.and_then(|_| std::fs::write(&path, buf)) {
                        Ok(()) => Ok(()),
                        Err(e) => {
                            // A file that cannot be written is that input's failure.
                            failed += 1;
                            eprintln!("thresh: error: {}: cannot write {}: {e}", doc.source.locator, path.display());
                            Ok(())
                        }
                    }
                }
                (Processed::Dropped(doc, reason), Some(_)) => {
                    if !g.quiet {
                        eprintln!("thresh: {}: nothing kept ({reason}), no file written", doc.source.locator);
                    }
                    Ok(())
                }
                (Processed::Kept(doc, _), None) if json => write_json(&mut out, doc, None, cfg.include_comments),
                (Processed::Kept(doc, _), None) => to_text(doc, &mut out),
                (Processed::Dropped(doc, reason), None) if json => {
                    write_json(&mut out, doc, Some(reason.as_str()), cfg.include_comments)
                }
                (Processed::Dropped(doc, reason), None) => {
                    writeln!(out, "==> {} (dropped: {reason})\n", doc.source.locator)
                }
                (Processed::Failed { message, .. }, _) => {
                    failed += 1;
                    eprintln!("thresh: error: {message}");
                    Ok(())
                }
                (Processed::Gone(url, status), _) => {
                    failed += 1;
                    eprintln!("thresh: error: {url}: HTTP {status}");
                    Ok(())
                }
                (Processed::Skipped(..) | Processed::NotModified(_), _) => Ok(()),
            };
            if let Err(e) = r {
                io_error = Some(e);
                return false;
            }
        }
        true
    });
    if let Some(e) = io_error.or_else(|| out.flush().err()) {
        return Err(Fatal::output(e));
    }
    Ok(if failed > 0 { exit::INPUT_ERRORS } else { exit::OK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_come_from_the_input() {
        for (locator, stem) in [
            ("/srv/pages/story.html", "story"),
            ("/srv/pages/story.html.gz", "story"),
            ("/srv/pages/README", "README"),
            ("https://news.example/2024/05/a-story/?utm=x#top", "news.example_2024_05_a-story"),
            ("https://news.example/", "news.example"),
            ("stdin:0123456789abcdef0123", "stdin-0123456789ab"),
            ("/srv/pages/..html", "document"),
        ] {
            assert_eq!(file_stem_for(locator), stem, "{locator}");
        }
        let mut d = OutDir { dir: PathBuf::from("o"), ext: "txt", taken: HashSet::new() };
        let names: Vec<PathBuf> =
            ["/a/x.html", "/b/x.htm", "/c/x.txt", "/a/y.html"].iter().map(|l| d.path_for(l)).collect();
        assert_eq!(names, ["o/x.txt", "o/x-2.txt", "o/x-3.txt", "o/y.txt"].map(PathBuf::from));
    }
}
