//! `thresh merge`: the databases of a split run (`ingest --shard K/N`) joined
//! into one, as if one run had read every input.
//!
//! A shard counts its site lines but learns none, and numbers its inputs as
//! the whole run does (`documents.input_seq`). The merge writes every shard
//! document again through the ordinary writer, in the one run's order (the
//! rank of the shard run that wrote it, then its input's number), so exact
//! and near duplicates are decided, and lines learned, as that run would
//! have: across shards, pointing at the earliest document. Documents a line
//! learned here touches are cleaned again from their stored input, as in an
//! ingest (the writer keeps earlier versions of changed documents, as one
//! run's would). Then each shard's record (runs, errors, drops, counters,
//! source status) is copied with the shard's name. Merging again adds only runs
//! not merged before; the order of the shard arguments does not matter.

use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;
use thresh_clean::Cleaner;
use thresh_doc::{Doc, DropReason, Verdict};
use thresh_store::{Item, RunStatus, ShardDoc, ShardRun, Store};

use crate::args::{Global, MergeArgs};
use crate::ingest::{lock, RunLock, Summary};
use crate::pipeline::{self, Prints, Stages};
use crate::{exit, Fatal};

/// One shard database, locked for the merge.
struct Shard {
    path: std::path::PathBuf,
    store: Store,
    /// Its `database_identity`.
    id: String,
    /// Its runs not merged before.
    runs: Vec<ShardRun>,
    _lock: RunLock,
}

/// A shard document after the parallel stage.
enum Ready {
    Kept(Box<Doc>, Box<Prints>, thresh_store::StoredRaw, Option<i64>),
    Dropped(Box<Doc>, DropReason),
    Failed { locator: String, message: String },
}

pub fn run(g: &Global, a: MergeArgs, show_progress: bool) -> Result<u8, Fatal> {
    let _lock = lock(&a.db)?;
    let mut store = Store::open(&a.db)?;
    let own_id = store.identity()?;
    let out_path = a.db.canonicalize().with_context(|| format!("{}: cannot resolve", a.db.display()))?;
    let mut failed = 0u64;

    // Open and lock every shard (no ingest may write one while it is read).
    // One that cannot be used is reported and left out; the others merge,
    // and a later merge adds it.
    let mut shards: Vec<Shard> = Vec::new();
    for path in &a.shards {
        match open_shard(path, (&out_path, &own_id), &store, &shards) {
            Ok(s) => shards.push(s),
            Err(e) => {
                failed += 1;
                eprintln!("thresh: error: {}", crate::one_line(&e));
            }
        }
    }
    // A stable order whatever order the shards were named in.
    shards.sort_by(|x, y| x.id.cmp(&y.id));

    // Clean and decide duplicates as the shards' runs did.
    let settings = recorded_settings(&shards)?;
    let clean_cfg = settings.clean;
    let near = settings.dedup.near_config()?;
    let site = settings.dedup.site_config()?;
    let mut stages = Stages::new(thresh_fetch::LoadConfig::default(), Cleaner::new(&clean_cfg)?);
    stages.minhasher = near.map(|_| thresh_dedup::MinHasher::new());
    store.set_near_dups(near);
    store.set_site_learning(site);
    for s in &shards {
        if s.runs.iter().any(|r| r.command == "ingest" && r.shard.is_none()) {
            eprintln!(
                "thresh: warning: {}: holds runs of ingest without --shard; their documents merge as cleaned there",
                s.path.display()
            );
        }
    }

    // The shards' runs are replayed rank by rank: the k-th runs of the
    // shards are one run of the split job, and become one merge run here,
    // which cleans again what its learned lines touch before the next.
    let ranks: std::collections::BTreeSet<u32> = shards.iter().flat_map(|s| s.runs.iter().map(|r| r.rank)).collect();
    if ranks.is_empty() {
        if !g.quiet && failed == 0 {
            eprintln!("thresh: {}: nothing new to merge", a.db.display());
        }
        return Ok(if failed > 0 { exit::INPUT_ERRORS } else { exit::OK });
    }
    // The k-th runs of the shards must be the same command (but for the
    // shard, the database and how it ran), or ranks do not line up: a
    // refresh run on some shards only, say. Refused, not merged wrongly.
    for &rank in &ranks {
        let mut first: Option<(Vec<String>, String)> = None;
        for s in &shards {
            for r in s.runs.iter().filter(|r| r.rank == rank) {
                let Some(job) = job_of(r) else { continue };
                let here = format!("{} run {}", s.path.display(), r.id);
                match &first {
                    None => first = Some((job, here)),
                    Some((j, there)) if *j != job => {
                        return Err(anyhow::anyhow!(
                            "{here} ({}) is not the same command as {there} ({}): the shards' runs do not line up; \
                             run the same commands on every shard",
                            job.join(" "),
                            j.join(" ")
                        )
                        .into())
                    }
                    Some(_) => {}
                }
            }
        }
    }
    // Documents per rank, for the progress bar.
    let mut total = 0u64;
    for s in &shards {
        for r in &s.runs {
            total += s.store.count_documents_of_run(r.id)?;
        }
    }
    let args_json = serde_json::to_string(&std::env::args().collect::<Vec<_>>())?;
    let mut config = crate::ingest::run_config(&clean_cfg, near, site);
    config["shards"] = shards.iter().map(|s| serde_json::json!({"path": s.path, "id": s.id})).collect();
    let threads = g.threads();
    let pool = pipeline::pool(threads)?;
    let progress = pipeline::progress_bar(Some(total as usize), show_progress, "merge");
    let mut summary = Summary::default();
    let mut recleaned = 0;
    let mut merge_runs = Vec::new();
    let mut partial = false;
    for rank in ranks {
        config["rank"] = rank.into();
        // A merge killed during this very phase (the last run, with the same
        // shards, rank and options) is continued where it stopped, as the same run:
        // its documents are not written twice, and what it learned is cleaned
        // away at the end, exactly as in a merge that was never killed.
        let (run, resumed) =
            crate::ingest::start_run(g, &mut store, "merge", (&args_json, &config), threads, |c, _| *c == config)?;
        let skip = resumed.unwrap_or(0);
        merge_runs.push(run);
        if site.is_some() {
            stages.site = Some(crate::site::SiteView::open(store.path(), run)?);
        }
        let phase = Interleave::new(&shards, rank).map_err(Fatal::from).and_then(|order| {
            merge_documents(&mut store, run, order, skip, &shards, &stages, &pool, &progress, &mut summary)
        });
        let n = match phase {
            Ok(n) => n,
            Err(e) => {
                let _ = store.finish_run(run, RunStatus::Failed);
                return Err(e);
            }
        };
        recleaned += n;
        for s in &shards {
            let runs: Vec<ShardRun> = s.runs.iter().filter(|r| r.rank == rank).cloned().collect();
            store.copy_shard_history(run, &s.path, &s.id, &runs)?;
        }
        store.put_run_stats(run, "merge", &[("shards".into(), shards.len() as u64), ("recleaned".into(), n)])?;
        // (From the run's own count: a continued run's includes what it
        // recorded before it was stopped.)
        let errors = store.run_errors(run)?;
        partial |= errors > 0;
        store.finish_run(run, RunStatus::completed(errors))?;
    }
    progress.finish_and_clear();
    failed += summary.errors;
    if show_progress || (!g.quiet && failed > 0) {
        let runs: Vec<String> = merge_runs.iter().map(i64::to_string).collect();
        eprintln!(
            "thresh: merge run {}: {} shards; {} new ({} duplicates), {} updated, {} unchanged, {} dropped, {} failed; {recleaned} cleaned again",
            runs.join(", "),
            shards.len(),
            summary.new,
            summary.duplicates,
            summary.updated,
            summary.unchanged,
            summary.dropped,
            failed
        );
    }
    Ok(if failed > 0 || partial { exit::INPUT_ERRORS } else { exit::OK })
}

/// A shard run's command line without what differs between the shards of
/// one job (the program's path, `--db`, `--shard`, `--threads`, `--quiet`).
fn job_of(run: &ShardRun) -> Option<Vec<String>> {
    let argv: Vec<String> = serde_json::from_str(run.args.as_deref()?).ok()?;
    let mut out = Vec::new();
    let mut it = argv.into_iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" | "--shard" | "--threads" => {
                it.next();
            }
            "--quiet" | "-q" => {}
            _ if ["--db=", "--shard=", "--threads="].iter().any(|p| a.starts_with(p)) => {}
            _ => out.push(a),
        }
    }
    Some(out)
}

/// How the shards' runs to merge cleaned and decided duplicates.
struct Settings {
    clean: thresh_clean::CleanConfig,
    dedup: crate::args::DedupArgs,
}

/// The settings recorded by the shards' runs not merged yet (`runs.config`),
/// which must all agree: a merge decides as one run would, and one run has
/// one configuration. Runs that recorded none (merges, older versions) do
/// not count; with none at all, the defaults.
fn recorded_settings(shards: &[Shard]) -> anyhow::Result<Settings> {
    let mut found: Option<(serde_json::Value, String)> = None;
    for s in shards {
        for r in s.runs.iter().filter(|r| matches!(r.command.as_str(), "ingest" | "refresh")) {
            let Some(c) = &r.config else { continue };
            let key = serde_json::json!({
                "clean": c.get("clean"),
                "near_threshold": c.get("near_dups").map(|n| n.get("threshold")),
                "site_min_docs": c.get("site_learning").map(|n| n.get("min_docs")),
            });
            let here = format!("{} run {}", s.path.display(), r.id);
            match &found {
                None => found = Some((key, here)),
                Some((k, first)) if *k != key => anyhow::bail!(
                    "{here} was configured otherwise than {first} (cleaning, --near-threshold or --site-min-docs): \
                     the shards of one run must be run alike"
                ),
                Some(_) => {}
            }
        }
    }
    let Some((key, _)) = found else {
        return Ok(Settings { clean: Default::default(), dedup: crate::args::DedupArgs::default() });
    };
    let clean = match key.get("clean") {
        Some(c) if !c.is_null() => serde_json::from_value(c.clone()).context("a shard's recorded cleaning options")?,
        _ => Default::default(),
    };
    let number = |k: &str| key.get(k).filter(|v| !v.is_null());
    let defaults = crate::args::DedupArgs::default();
    let dedup = crate::args::DedupArgs {
        near_threshold: number("near_threshold").and_then(|v| v.as_f64()).unwrap_or(defaults.near_threshold),
        no_near_dups: number("near_threshold").is_none(),
        site_min_docs: number("site_min_docs").and_then(|v| v.as_u64()).map_or(defaults.site_min_docs, |n| n as u32),
        no_site_learning: number("site_min_docs").is_none(),
    };
    Ok(Settings { clean, dedup })
}

/// `out` is the merged database, with its path and identity.
fn open_shard(path: &Path, (out_path, out_id): (&Path, &str), out: &Store, others: &[Shard]) -> anyhow::Result<Shard> {
    if !path.exists() {
        anyhow::bail!("{}: no such database", path.display());
    }
    let canonical = path.canonicalize().with_context(|| format!("{}: cannot resolve", path.display()))?;
    if canonical == out_path {
        anyhow::bail!("{}: is the database being merged into", path.display());
    }
    if let Some(o) = others.iter().find(|o| o.path == canonical) {
        anyhow::bail!("{}: named twice (as {})", path.display(), o.path.display());
    }
    let lock = lock(path).map_err(|f| f.error)?;
    let store = Store::open_existing(path)?;
    let id = store.identity()?;
    if id == out_id {
        anyhow::bail!("{}: a copy of the database being merged into", path.display());
    }
    if let Some(o) = others.iter().find(|o| o.id == id) {
        anyhow::bail!("{}: a copy of {}", path.display(), o.path.display());
    }
    // It is read once, front to back: SQLite's small default page cache
    // will do (the merged database's is the one that matters), so that
    // memory does not grow with the number of shards.
    store.conn().execute_batch("PRAGMA cache_size = -8192").map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let all = store.shard_runs()?;
    if let Some(last) = all.last().filter(|r| !r.complete) {
        anyhow::bail!(
            "{}: its last run ({}) did not finish; run the same command again (it continues the run), then merge",
            path.display(),
            last.id
        );
    }
    let merged = out.merged_runs(&id)?;
    let runs: Vec<ShardRun> = all.into_iter().filter(|r| !merged.contains(&r.id)).collect();
    let ranks: std::collections::BTreeSet<u32> = runs.iter().map(|r| r.rank).collect();
    if ranks.len() > 1 {
        let n = store.redecided(&runs)?;
        if n > 0 {
            anyhow::bail!(
                "{}: {n} documents changed between runs not merged yet; merge after each run of the split job \
                 (a merge sees only a document's last state)",
                path.display()
            );
        }
    }
    Ok(Shard { path: canonical, store, id, runs, _lock: lock })
}

/// Documents read from a shard database at a time.
const PAGE: usize = 1024;

/// Where a merge stands in one shard run: its shard, the run, the documents
/// read and not yet handed out (`(input_seq, id)`), and where the next page
/// starts.
struct Cursor {
    shard: usize,
    run: i64,
    read: std::collections::VecDeque<(i64, i64)>,
    after: (i64, i64),
}

/// The documents of the shard runs of one rank, in the one run's order: a
/// k-way merge of each shard run's documents in input order (`input_seq`;
/// ties, which one split run cannot make, go by the shards' order, then id),
/// read a page at a time, so memory does not grow with the crawl. (A shard
/// can have two runs of a rank: one that did not finish, and its retry.)
struct Interleave<'a> {
    shards: &'a [Shard],
    cursors: Vec<Cursor>,
    /// `(input_seq, shard, id, cursor)` of each cursor's next document.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(i64, usize, i64, usize)>>,
}

impl<'a> Interleave<'a> {
    fn new(shards: &'a [Shard], rank: u32) -> Result<Interleave<'a>, thresh_store::StoreError> {
        let cursors = shards
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.runs.iter().filter(|r| r.rank == rank).map(move |r| Cursor {
                    shard: i,
                    run: r.id,
                    read: Default::default(),
                    after: (i64::MIN, i64::MIN),
                })
            })
            .collect::<Vec<_>>();
        let n = cursors.len();
        let mut it = Interleave { shards, cursors, heap: Default::default() };
        for c in 0..n {
            it.advance(c)?;
        }
        Ok(it)
    }

    /// Put cursor `c`'s next document on the heap, reading a page if needed.
    fn advance(&mut self, c: usize) -> Result<(), thresh_store::StoreError> {
        let cur = &mut self.cursors[c];
        if cur.read.is_empty() {
            cur.read.extend(self.shards[cur.shard].store.documents_of_run(cur.run, cur.after, PAGE)?);
            if let Some(&last) = cur.read.back() {
                cur.after = last;
            }
        }
        if let Some((seq, id)) = cur.read.pop_front() {
            self.heap.push(std::cmp::Reverse((seq, cur.shard, id, c)));
        }
        Ok(())
    }

    /// The next `n` documents, as (shard, id).
    fn take(&mut self, n: usize) -> Result<Vec<(usize, i64)>, thresh_store::StoreError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some(std::cmp::Reverse((_, shard, id, c))) = self.heap.pop() else { break };
            out.push((shard, id));
            self.advance(c)?;
        }
        Ok(out)
    }
}

/// Write the shard documents `order` hands out, as merge run `run`, but for
/// the first `skip` (written before the run was stopped); then clean again
/// what the lines it learned touch. Counts outcomes into `summary`; returns
/// how many documents were cleaned again.
#[allow(clippy::too_many_arguments)]
fn merge_documents(
    store: &mut Store,
    run: i64,
    mut order: Interleave<'_>,
    skip: u64,
    shards: &[Shard],
    stages: &Stages,
    pool: &rayon::ThreadPool,
    progress: &indicatif::ProgressBar,
    summary: &mut Summary,
) -> Result<u64, Fatal> {
    // What an earlier run queued for cleaning again and did not get to
    // (a continued run's own queue waits for its end, as it would have).
    let mut recleaned = 0;
    if skip == 0 {
        recleaned += crate::reclean::reclean(store, stages, pool)? as u64;
    }
    let mut skipped = 0;
    while skipped < skip {
        let n = order.take(pipeline::BATCH.min((skip - skipped) as usize))?.len() as u64;
        if n == 0 {
            break;
        }
        skipped += n;
        progress.inc(n);
    }
    let stop_after: Option<u64> = std::env::var(crate::ingest::STOP_AFTER).ok().and_then(|v| v.parse().ok());
    let mut batches = 0u64;
    loop {
        let chunk = order.take(pipeline::BATCH)?;
        if chunk.is_empty() {
            break;
        }
        // (A document that cannot be read is that document's failure, under
        // its shard's path.)
        let loaded: Vec<Result<ShardDoc, Ready>> = chunk
            .iter()
            .map(|&(i, id)| {
                let s = &shards[i];
                let failed = |why: String| Ready::Failed {
                    locator: s.path.display().to_string(),
                    message: format!("{}: document {id}{why}", s.path.display()),
                };
                match s.store.shard_doc(id) {
                    Ok(Some(d)) => Ok(d),
                    Ok(None) => Err(failed(" went away during the merge".into())),
                    Err(e) => Err(failed(format!(": {e}"))),
                }
            })
            .collect();
        let ready: Vec<Ready> = pool.install(|| loaded.into_par_iter().map(|d| prepare(d, stages)).collect());
        let items: Vec<Item<'_>> = ready
            .iter()
            .map(|r| match r {
                Ready::Kept(doc, prints, raw, seq) => {
                    Item::Doc { doc, fp: prints.fingerprint(), raw: Some(raw), seq: *seq }
                }
                Ready::Dropped(doc, reason) => Item::Dropped { doc, reason: *reason },
                Ready::Failed { locator, message } => Item::Error { locator, stage: "merge", kind: "shard", message },
            })
            .collect();
        let outcomes = store.write_batch(run, &items)?;
        batches += 1;
        if stop_after == Some(batches) {
            // A crash right after a commit, as kill -9 would make it (tests).
            std::process::abort();
        }
        for (o, r) in outcomes.iter().zip(&ready) {
            if let Ready::Failed { message, .. } = r {
                eprintln!("thresh: error: {message}");
            }
            summary.add(o);
        }
        progress.inc(chunk.len() as u64);
    }
    recleaned += crate::reclean::reclean(store, stages, pool)? as u64;
    Ok(recleaned)
}

/// A shard document as one run's worker would have handed it to the writer.
/// The shard cleaned it knowing no learned lines; one run would have cleaned
/// it with the lines learned before it (in earlier runs of the merged
/// database), so when it holds one of those it is cleaned again with them.
/// Then its fingerprints.
fn prepare(d: Result<ShardDoc, Ready>, stages: &Stages) -> Ready {
    let ShardDoc { doc, raw, seq } = match d {
        Ok(d) => d,
        Err(failed) => return failed,
    };
    let learned = stages.site.as_ref().map(|s| s.learned_for(&doc)).unwrap_or_default();
    let stale = !learned.is_empty() && doc.site_keys.iter().any(|&k| learned.has_key(k));
    let doc = if stale && raw != thresh_store::StoredRaw::Nothing {
        match stages.cleaner.apply_with(doc.uncleaned(), &learned) {
            Verdict::Keep(doc) => doc,
            Verdict::Drop(doc, reason) => return Ready::Dropped(Box::new(doc), reason),
        }
    } else {
        doc
    };
    let prints = pipeline::fingerprint(&doc, stages);
    Ready::Kept(Box::new(doc), Box::new(prints), raw, seq)
}
