//! `thresh search`, `show`, `export`, `runs`, `schema`: looking into a database.

use std::io::{BufWriter, Write};

use serde_json::{json, Value};
use thresh_store::{SearchFilter, Store, StoreError};

use crate::args::{ExportArgs, ExportFormat, Format, QuerySyntax, SearchArgs, ShowArgs, StatsArgs};
use crate::output::{Json, Listing};
use crate::{exit, Fatal};

/// A failed write of the output goes through [`Fatal::output`] (a broken
/// pipe, `thresh export | head`, is not an error).
fn quiet_pipe(r: Result<(), StoreError>) -> Result<(), Fatal> {
    match r {
        Err(StoreError::Output(e)) => Err(Fatal::output(e)),
        r => Ok(r?),
    }
}

pub fn search(a: SearchArgs) -> Result<u8, Fatal> {
    let store = Store::open_existing(&a.db)?;
    let f = SearchFilter {
        site: a.site,
        since: a.since,
        until: a.until,
        lang: a.lang,
        include_dups: a.include_dups,
        limit: a.limit.max(1),
        budget: Some(std::time::Duration::from_secs_f64(a.max_seconds)),
        raw: a.syntax == QuerySyntax::Fts5,
    };
    // At most --limit hits, and how many match in all.
    let found = store.search(&a.query, &f)?;
    let hits = found.hits;
    let out = BufWriter::new(std::io::stdout().lock());
    let w = |r: std::io::Result<()>| r.map_err(StoreError::Output);
    let res: Result<(), StoreError> = match a.format.listing() {
        Some(how) => (|| {
            let mut list = Listing::new(out, how);
            for h in &hits {
                // (`published` is the old spelling of `published_at`, kept for one release.)
                let v = json!({"id": h.id, "title": h.title, "source": h.source, "url": h.url,
                    "published_at": h.published_at, "published": h.published_at, "site": h.site, "lang": h.lang,
                    "dup_of": h.dup_of, "snippet": h.snippet, "rank": h.rank});
                w(list.item(&v))?;
            }
            w(list.finish())
        })(),
        None => (|| {
            let mut out = out;
            for h in &hits {
                let date = h.published_at.as_deref().map(|d| &d[..d.len().min(10)]).unwrap_or("");
                w(writeln!(
                    out,
                    "#{} {}  {}  {}",
                    h.id,
                    h.title.as_deref().unwrap_or("(untitled)"),
                    date,
                    h.site.as_deref().unwrap_or("")
                ))?;
                w(writeln!(out, "    {}", h.url.as_deref().unwrap_or(&h.source)))?;
                w(writeln!(out, "    {}\n", h.snippet.replace('\n', " ")))?;
            }
            w(out.flush())
        })(),
    };
    quiet_pipe(res)?;
    if a.format == Format::Text && hits.is_empty() {
        eprintln!("no matches");
    }
    if found.total > hits.len() as u64 {
        eprintln!("({} of {} matches shown, best first; --limit N shows more)", hits.len(), found.total);
    }
    Ok(exit::OK)
}

pub fn show(a: ShowArgs) -> Result<u8, Fatal> {
    let store = Store::open_existing(&a.db)?;
    // A file is stored by its canonical path: any name of it finds it.
    let canonical = match a.id.parse::<i64>() {
        Ok(_) => None,
        Err(_) => thresh_fetch::canonical(std::path::Path::new(&a.id)).ok(),
    };
    let by_path = match canonical {
        Some(c) => store.document(&c.to_string_lossy())?,
        None => None,
    };
    let found = match by_path {
        Some(v) => Some(v),
        None => store.document(&a.id)?,
    };
    let Some(v) = found else {
        return Err(anyhow::anyhow!("{}: no document {:?}", a.db.display(), a.id).into());
    };
    if a.format != Format::Text {
        let mut j = json!({"document": v.row, "versions": v.versions});
        if a.raw {
            j["raw"] = json!(v.raw);
        }
        if a.explain {
            j["removed"] = json!(v
                .removed
                .iter()
                .map(|r| json!({"kind": r.kind, "rule": r.rule, "text": r.text}))
                .collect::<Vec<_>>());
        }
        say!("{}", a.format.one(&j).unwrap_or_default());
        return Ok(exit::OK);
    }
    if a.raw {
        say_raw!("{}", v.raw.unwrap_or_default());
        return Ok(exit::OK);
    }
    let field = |k: &str| match &v.row[k] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        x => Some(x.to_string()),
    };
    say!("# {}", field("title").unwrap_or_else(|| "(untitled)".into()));
    for k in [
        "id",
        "source",
        "url",
        "canonical_url",
        "published_at",
        "published_local",
        "author",
        "site",
        "lang",
        "media_type",
        "method",
        "dup_of",
        "dup_kind",
        "dup_similarity",
        "updated_at",
    ] {
        if let Some(val) = field(k) {
            say!("{k:<14} {val}");
        }
    }
    if v.versions > 0 {
        say!("{:<14} {} earlier (document_versions)", "versions", v.versions);
    }
    say!();
    let text = field("text").unwrap_or_default();
    if a.explain {
        if field("method").is_some_and(|m| m.ends_with("-fallback")) {
            say!("fallback: the rules removed everything, so the longest run of prose");
            say!("          (or, without one, every line that is not noise) was kept");
            say!();
        }
        // Kept paragraphs, then what was cut and why.
        for p in text.split('\n') {
            say!("  KEEP  {p}");
        }
        say!();
        say!("removed ({}):", v.removed.len());
        for r in &v.removed {
            say!("  {:<20} {:<28} {}", r.kind, r.rule, r.text.replace('\n', " "));
        }
    } else {
        for p in text.split('\n') {
            say!("{p}\n");
        }
    }
    Ok(exit::OK)
}

pub fn export(a: ExportArgs) -> Result<u8, Fatal> {
    let store = Store::open_existing(&a.db)?;
    let stdout = std::io::stdout();
    let res = match a.format {
        ExportFormat::Jsonl | ExportFormat::Json => {
            let how = if a.format == ExportFormat::Json { Json::Array } else { Json::Lines };
            let mut list = Listing::new(BufWriter::new(stdout.lock()), how);
            let r = store.export(a.since_run, a.include_dups, |v| list.item(&v));
            r.and_then(|_| list.finish().map_err(StoreError::Output))
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(BufWriter::new(stdout.lock()));
            let header = w.write_record(thresh_store::EXPORT_COLUMNS).map_err(csv_io);
            header.map_err(StoreError::Output).and_then(|_| {
                let r = store.export(a.since_run, a.include_dups, |v| {
                    let cells = thresh_store::EXPORT_COLUMNS.iter().map(|c| match &v[*c] {
                        Value::Null => String::new(),
                        Value::String(s) if a.raw_csv => s.clone(),
                        Value::String(s) => defuse_formula(s),
                        x => x.to_string(),
                    });
                    w.write_record(cells).map_err(csv_io)
                });
                r.and_then(|_| w.flush().map_err(StoreError::Output))
            })
        }
    };
    quiet_pipe(res.map(|_| ()))?;
    Ok(exit::OK)
}

/// A text cell a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return), with a `'` in front, as
/// OWASP advises for CSV files; other cells as they are.
fn defuse_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        k => std::io::Error::other(format!("{k:?}")),
    }
}

pub fn runs(a: StatsArgs) -> Result<u8, Fatal> {
    let store = Store::open_existing(&a.db)?;
    let rows = store.rows("SELECT * FROM run_summary")?;
    if let Some(how) = a.format.listing() {
        let mut list = Listing::new(BufWriter::new(std::io::stdout().lock()), how);
        let res = rows.iter().try_for_each(|r| list.item(r)).and_then(|_| list.finish());
        quiet_pipe(res.map_err(StoreError::Output))?;
        return Ok(exit::OK);
    }
    say!(
        "{:>4}  {:<8} {:<11} {:<24} {:>8} {:>6} {:>5} {:>5} {:>7} {:>9} {:>5} {:>7} {:>5} {:>6}  {}",
        "id",
        "command",
        "status",
        "started",
        "seconds",
        "inputs",
        "new",
        "dups",
        "updated",
        "unchanged",
        "drops",
        "skipped",
        "gone",
        "errors",
        "shard"
    );
    for r in &rows {
        let n = |k: &str| r[k].as_i64().unwrap_or(0);
        let secs = r["seconds"].as_f64().map_or("-".to_string(), |s| format!("{s:.2}"));
        // A shard's run: its K/N, and the merge run that copied it here.
        let shard = match (r["shard"].as_str(), r["merged_by"].as_i64()) {
            (Some(s), Some(m)) => format!("{s} (merged by run {m})"),
            (Some(s), None) => s.to_string(),
            (None, Some(m)) => format!("(merged by run {m})"),
            (None, None) => String::new(),
        };
        let line = format!(
            "{:>4}  {:<8} {:<11} {:<24} {:>8} {:>6} {:>5} {:>5} {:>7} {:>9} {:>5} {:>7} {:>5} {:>6}  {}",
            n("id"),
            r["command"].as_str().unwrap_or(""),
            r["status"].as_str().unwrap_or(""),
            r["started_at"].as_str().unwrap_or(""),
            secs,
            n("n_inputs"),
            n("n_new"),
            n("n_duplicates"),
            n("n_updated"),
            n("n_unchanged"),
            n("n_dropped"),
            n("n_skipped"),
            n("n_gone"),
            n("n_errors"),
            shard
        );
        say!("{}", line.trim_end());
    }
    Ok(exit::OK)
}

pub fn schema() -> Result<u8, Fatal> {
    for (name, sql) in Store::schema_sql() {
        say!("-- ===== migrations/{name}/up.sql =====");
        say!("{sql}");
    }
    Ok(exit::OK)
}
