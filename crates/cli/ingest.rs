//! `thresh ingest`: the main job.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use anyhow::Context;
use thresh_clean::Cleaner;
use thresh_doc::StageStats;
use thresh_store::{Item, Outcome, Store};

use crate::args::{Global, IngestArgs};
use crate::pipeline::{self, Processed};
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

/// Counts shown in the summary line.
#[derive(Default)]
struct Summary {
    new: u64,
    duplicates: u64,
    updated: u64,
    unchanged: u64,
    dropped: u64,
    errors: u64,
}

pub fn run(g: &Global, a: IngestArgs, show_progress: bool) -> Result<u8, Fatal> {
    let clean_cfg = a.clean.clean_config();
    let near = a.dedup.near_config()?;
    let stages = pipeline::Stages {
        load: a.clean.load_config(),
        cleaner: Cleaner::new(&clean_cfg)?,
        minhasher: near.map(|_| thresh_dedup::MinHasher::new()),
    };
    let threads = g.threads();
    let _lock = lock(&a.db)?;
    let mut store = Store::open(&a.db)?;
    store.set_near_dups(near);
    let args_json = serde_json::to_string(&std::env::args().collect::<Vec<_>>())?;
    let near_json = near.map(|n| {
        serde_json::json!({"threshold": n.threshold, "shingle_words": 5, "permutations": 128, "bands": 16, "rows": 8})
    });
    let config_json = serde_json::json!({
        "clean": clean_cfg,
        "max_input_bytes": stages.load.max_bytes,
        "near_dups": near_json,
    })
    .to_string();
    let run = store.begin_run("ingest", &args_json, &config_json, threads)?;

    let inputs = thresh_fetch::enumerate(&a.paths);
    let pool = pipeline::pool(threads)?;
    let progress = pipeline::progress_bar(inputs.len(), show_progress, "ingest");

    // The single writer thread owns the connection; batches arrive in input order.
    let (tx, rx) = sync_channel::<Vec<Processed>>(2);
    let writer = std::thread::spawn(move || -> (Store, Summary, StageStats, Option<thresh_store::StoreError>) {
        let mut summary = Summary::default();
        let mut stats = StageStats::default();
        for batch in rx {
            let items: Vec<Item<'_>> = batch
                .iter()
                .map(|p| match p {
                    Processed::Kept(doc, prints) => Item::Doc { doc, fp: prints.fingerprint() },
                    Processed::Dropped(doc, reason) => Item::Dropped { doc, reason: *reason },
                    Processed::Failed { locator, stage, kind, message } => {
                        Item::Error { locator, stage, kind, message }
                    }
                })
                .collect();
            let outcomes = match store.write_batch(run, &items) {
                Ok(o) => o,
                Err(e) => return (store, summary, stats, Some(e)),
            };
            for (p, o) in batch.iter().zip(&outcomes) {
                match p {
                    Processed::Kept(doc, _) => stats.count(doc, None),
                    Processed::Dropped(doc, r) => stats.count(doc, Some(*r)),
                    Processed::Failed { message, .. } => {
                        stats.errors += 1;
                        eprintln!("thresh: error: {message}");
                    }
                }
                match o {
                    Outcome::New { dup_of, .. } => {
                        summary.new += 1;
                        summary.duplicates += u64::from(dup_of.is_some());
                    }
                    Outcome::Updated { dup_of, .. } => {
                        summary.updated += 1;
                        summary.duplicates += u64::from(dup_of.is_some());
                    }
                    Outcome::Unchanged { .. } => summary.unchanged += 1,
                    Outcome::Dropped => summary.dropped += 1,
                    Outcome::Error => summary.errors += 1,
                }
            }
        }
        (store, summary, stats, None)
    });

    pipeline::run_batches(inputs, &pool, &stages, &progress, |batch| tx.send(batch).is_ok());
    drop(tx);
    let (mut store, summary, stats, write_error) =
        writer.join().map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;

    if let Some(e) = write_error {
        // Every batch committed before this one is kept; this run is marked aborted.
        let _ = store.finish_run(run, "aborted");
        return Err(anyhow::Error::new(e).context(format!("run {run} aborted")).into());
    }
    let mut values: Vec<(String, u64)> = vec![
        ("docs_in".into(), stats.docs_in),
        ("kept".into(), stats.kept),
        ("errors".into(), stats.errors),
        ("chars_in".into(), stats.chars_in),
        ("chars_kept".into(), stats.chars_kept),
    ];
    values.extend(stats.dropped.iter().map(|(k, v)| (format!("dropped:{k}"), *v)));
    values.extend(stats.removed_by_kind.iter().map(|(k, v)| (format!("removed:{k}"), *v)));
    store.put_run_stats(run, "clean", &values)?;
    store.finish_run(run, "finished")?;

    // A summary for people at a terminal; cron logs stay clean unless something failed.
    if show_progress || (!g.quiet && summary.errors > 0) {
        eprintln!(
            "thresh: run {run}: {} new ({} duplicates), {} updated, {} unchanged, {} dropped, {} failed",
            summary.new, summary.duplicates, summary.updated, summary.unchanged, summary.dropped, summary.errors
        );
    }
    Ok(if summary.errors > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
