//! `thresh stats`: what the database holds, per run.

use crate::args::StatsArgs;
use crate::{exit, Fatal};

pub fn run(a: StatsArgs) -> Result<u8, Fatal> {
    let store = thresh_store::Store::open_existing(&a.db)?;
    let s = store.stats()?;
    if let Some(one) = a.format.one(&s.to_json()) {
        say!("{one}");
        return Ok(exit::OK);
    }
    say!("database   {}", a.db.display());
    say!("documents  {} ({} duplicates, {} originals)", s.documents, s.duplicates, s.documents - s.duplicates);
    say!("by extraction method (a fallback kept the best prose after the rules removed all):");
    for (k, n) in &s.documents_by_method {
        say!("  {k:<22} {n}");
    }
    say!("errors     {}", s.errors);
    for (k, n) in &s.errors_by_kind {
        say!("  {k:<22} {n}");
    }
    if !s.skipped_by_reason.is_empty() {
        say!("inputs skipped, by reason:");
        for (k, n) in &s.skipped_by_reason {
            say!("  {k:<22} {n}");
        }
    }
    say!("removed segments by kind:");
    for (k, n) in &s.removals_by_kind {
        say!("  {k:<22} {n}");
    }
    say!("runs:");
    say!(
        "  {:>4}  {:<8} {:<11} {:<24} {:>6} {:>5} {:>5} {:>7} {:>9} {:>5} {:>6}",
        "id",
        "command",
        "status",
        "started",
        "inputs",
        "new",
        "dups",
        "updated",
        "unchanged",
        "drops",
        "errors"
    );
    for r in &s.runs {
        say!(
            "  {:>4}  {:<8} {:<11} {:<24} {:>6} {:>5} {:>5} {:>7} {:>9} {:>5} {:>6}",
            r.id,
            r.command,
            r.status,
            r.started_at,
            r.n_inputs,
            r.n_new,
            r.n_duplicates,
            r.n_updated,
            r.n_unchanged,
            r.n_dropped,
            r.n_errors
        );
    }
    Ok(exit::OK)
}

/// `thresh dups`: every cluster with its members and their similarity.
pub fn dups(a: StatsArgs) -> Result<u8, Fatal> {
    let store = thresh_store::Store::open_existing(&a.db)?;
    let clusters = store.dup_clusters()?;
    if let Some(how) = a.format.listing() {
        let mut list = crate::output::Listing::new(std::io::BufWriter::new(std::io::stdout().lock()), how);
        for c in &clusters {
            let v = serde_json::json!({
                "original": {"id": c.original.id, "source": c.original.source, "title": c.original.title},
                "duplicates": c.members.iter().map(|m| serde_json::json!({
                    "id": m.doc.id, "source": m.doc.source, "title": m.doc.title,
                    "kind": m.kind, "similarity": m.similarity,
                })).collect::<Vec<_>>(),
            });
            if let Err(e) = list.item(&v) {
                return Err(Fatal::output(e));
            }
        }
        list.finish().map_err(Fatal::output)?;
        return Ok(exit::OK);
    }
    for c in &clusters {
        say!("#{} {}  {}", c.original.id, c.original.source, c.original.title.as_deref().unwrap_or(""));
        for m in &c.members {
            let sim = m.similarity.map_or("-".to_string(), |s| format!("{s:.3}"));
            say!(
                "  #{:<6} {:<5} {sim:>5}  {}  {}",
                m.doc.id,
                m.kind,
                m.doc.source,
                m.doc.title.as_deref().unwrap_or("")
            );
        }
    }
    let n: usize = clusters.iter().map(|c| c.members.len()).sum();
    say!("{} clusters, {n} duplicates", clusters.len());
    Ok(exit::OK)
}
