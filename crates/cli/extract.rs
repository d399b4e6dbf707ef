//! `thresh extract`: clean and print, no database. The JSON form is the
//! interface the accuracy checks use.

use std::io::{BufWriter, Write};

use serde_json::json;
use thresh_clean::Cleaner;
use thresh_doc::Doc;

use crate::args::{ExtractArgs, Format, Global};
use crate::pipeline::{self, Processed};
use crate::{exit, Fatal};

fn to_json(doc: &Doc, dropped: Option<&str>, with_comments: bool) -> serde_json::Value {
    let mut v = json!({
        "path": doc.source.locator,
        "title": doc.title,
        "published": doc.published,
        "author": doc.author,
        "site": doc.site,
        "lang": doc.lang,
        "url": doc.url.as_ref().or(doc.canonical_url.as_ref()),
        "canonical_url": doc.canonical_url,
        "media_type": doc.media_type.as_str(),
        "method": doc.method,
        "text": doc.text(),
        "removed": doc.removed.iter().map(|r| json!({"kind": r.kind, "rule": r.rule, "text": r.text})).collect::<Vec<_>>(),
    });
    if with_comments {
        v["comments"] = json!(doc.comments);
    }
    if let Some(reason) = dropped {
        v["dropped"] = json!(reason);
    }
    v
}

fn to_text(doc: &Doc, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "==> {}", doc.source.locator)?;
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

pub fn run(g: &Global, a: ExtractArgs, show_progress: bool) -> Result<u8, Fatal> {
    let cfg = a.clean.clean_config();
    let mut stages = pipeline::Stages::new(a.clean.load_config(), Cleaner::new(&cfg)?);
    stages.manifest = a.clean.manifest()?;
    let inputs = thresh_fetch::enumerate(&a.paths);
    let pool = pipeline::pool(g.threads())?;
    let progress = pipeline::progress_bar(pipeline::known_len(&inputs), show_progress, "extract");
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut io_error = None;
    pipeline::run_batches(pipeline::jobs(inputs), &pool, &stages, &progress, |batch| {
        for p in batch {
            let r = match &p {
                Processed::Kept(doc, _) => match a.format {
                    Format::Json => writeln!(out, "{}", to_json(doc, None, cfg.include_comments)),
                    Format::Text => to_text(doc, &mut out),
                },
                Processed::Dropped(doc, reason) => match a.format {
                    Format::Json => writeln!(out, "{}", to_json(doc, Some(reason.as_str()), cfg.include_comments)),
                    Format::Text => {
                        writeln!(out, "==> {} (dropped: {reason})\n", doc.source.locator)
                    }
                },
                Processed::Failed { message, .. } => {
                    failed += 1;
                    eprintln!("thresh: error: {message}");
                    Ok(())
                }
                Processed::Skipped(..) | Processed::NotModified(_) | Processed::Gone(..) => Ok(()),
            };
            if let Err(e) = r {
                io_error = Some(e);
                return false;
            }
        }
        true
    });
    if let Some(e) = io_error.or_else(|| out.flush().err()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(exit::OK);
        }
        return Err(anyhow::Error::new(e).context("writing output").into());
    }
    Ok(if failed > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
