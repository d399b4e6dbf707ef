//! `thresh report`: one self-contained HTML page (no scripts, nothing
//! fetched) with charts drawn as inline SVG: documents per site, removals by
//! kind, share of text removed per site, duplicate clusters, runs over time.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;
use thresh_store::Store;

use crate::args::ReportArgs;
use crate::{exit, Fatal};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn num(v: &Value) -> f64 {
    v.as_f64().or_else(|| v.as_i64().map(|n| n as f64)).unwrap_or(0.0)
}

const PALETTE: [&str; 4] = ["#2f6db5", "#e07b39", "#4a9a5b", "#c0392b"];

/// A horizontal bar chart: one labelled bar per row.
fn hbars(id: &str, title: &str, rows: &[(String, f64)], unit: &str, color: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "<section id=\"{id}\"><h2>{}</h2>", esc(title));
    if rows.is_empty() {
        s.push_str("<p class=\"empty\">Nothing to show yet.</p></section>\n");
        return s;
    }
    // A share is drawn against the whole (100%), not against the largest
    // share: a 70% bar filling the chart would read as "all of it".
    let max = if unit == "%" { 100.0 } else { rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9) };
    let (label_w, bar_w, row_h) = (260.0, 460.0, 24.0);
    let h = row_h * rows.len() as f64 + 10.0;
    let _ = writeln!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{h}\" viewBox=\"0 0 {} {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title),
        label_w + bar_w + 90.0,
        label_w + bar_w + 90.0
    );
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (v / max * bar_w).max(1.0);
        let shown = if unit == "%" { format!("{v:.1}%") } else { format!("{}", *v as i64) };
        // Long labels are cut to fit left of the bars; the ellipsis says so
        // (the bar's tooltip has the whole label).
        let short: String =
            if label.chars().count() > 38 { label.chars().take(37).chain(['…']).collect() } else { label.clone() };
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{color}\"><title>{}: {shown}</title></rect><text x=\"{:.1}\" y=\"{}\" class=\"value\">{shown}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            esc(&short),
            row_h - 6.0,
            esc(label),
            label_w + w + 6.0,
            y + row_h * 0.65
        );
    }
    s.push_str("</svg></section>\n");
    s
}

/// Grouped vertical bars per run (new, updated, unchanged, errors): the
/// `runs` shown are the latest of `total`.
fn run_bars(runs: &[Value], total: usize) -> String {
    let title = if total > runs.len() {
        format!("Runs over time: the last {} of {total} runs", runs.len())
    } else {
        "Runs over time".to_string()
    };
    let mut s = format!("<section id=\"runs\"><h2>{}</h2>\n", esc(&title));
    if runs.is_empty() {
        s.push_str("<p class=\"empty\">No runs yet.</p></section>\n");
        return s;
    }
    let series = [("new", "n_new"), ("updated", "n_updated"), ("unchanged", "n_unchanged"), ("failed", "n_errors")];
    let max = runs.iter().flat_map(|r| series.iter().map(move |(_, k)| num(&r[*k]))).fold(1.0, f64::max);
    let (plot_h, left, top, right) = (200.0, 50.0, 20.0, 40.0);
    // A group is at most 80 px wide, narrower when there are many runs, so the
    // chart fits the page (940 px) instead of running off its right edge.
    let group_w = ((940.0 - left - right) / runs.len() as f64).min(80.0);
    let pad = group_w * 0.12;
    let pitch = (group_w - 2.0 * pad) / series.len() as f64;
    // A run's label ("#12 ingest" over its date) is centred under its group.
    // When labels are wider than the groups (about 6.7 px a character), only
    // every k-th run, counted back from the latest, is labelled: labels never
    // overlap, and the latest run always has one.
    let label = |r: &Value| format!("#{} {}", num(&r["id"]) as i64, r["command"].as_str().unwrap_or(""));
    let label_w = (runs.iter().map(|r| label(r).chars().count()).max().unwrap_or(0) as f64 * 6.7).max(62.0) + 8.0;
    let every = ((label_w / group_w).ceil() as usize).max(1);
    // Wide enough for the bars, the last label's overhang (`right`) and the
    // legend under them (90 px an entry).
    let width = (left + group_w * runs.len() as f64 + right).max(left + 90.0 * series.len() as f64 + 20.0).ceil();
    let height = top + plot_h + 60.0;
    let _ = writeln!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-label=\"{t}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = esc(&title)
    );
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>",
        top + plot_h,
        width - 10.0,
        top + plot_h
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"value\">{}</text>",
        left - 6.0,
        top + 8.0,
        max as i64
    );
    for (i, r) in runs.iter().enumerate() {
        let x0 = left + i as f64 * group_w + pad;
        for (j, (name, key)) in series.iter().enumerate() {
            let v = num(&r[*key]);
            let h = v / max * plot_h;
            let _ = writeln!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>run {}: {} {name}</title></rect>",
                x0 + j as f64 * pitch,
                top + plot_h - h,
                (pitch - 1.0).max(1.0),
                PALETTE[j],
                num(&r["id"]) as i64,
                v as i64
            );
        }
        if !(runs.len() - 1 - i).is_multiple_of(every) {
            continue;
        }
        let center = left + (i as f64 + 0.5) * group_w;
        let date = r["started_at"].as_str().unwrap_or("").get(5..16).unwrap_or("").replace('T', " ");
        let _ = writeln!(
            s,
            "<text x=\"{center:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"label\">{}</text><text x=\"{center:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"small\">{}</text>",
            top + plot_h + 16.0,
            esc(&label(r)),
            top + plot_h + 30.0,
            esc(&date)
        );
    }
    for (j, (name, _)) in series.iter().enumerate() {
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" class=\"small\">{name}</text>",
            left + j as f64 * 90.0,
            top + plot_h + 42.0,
            PALETTE[j],
            left + j as f64 * 90.0 + 14.0,
            top + plot_h + 51.0
        );
    }
    s.push_str("</svg></section>\n");
    s
}

pub fn run(a: ReportArgs) -> Result<u8, Fatal> {
    let store = Store::open_existing(&a.db)?;
    let pairs = |sql: &str, label: &str, value: &str| -> Result<Vec<(String, f64)>, thresh_store::StoreError> {
        Ok(store
            .rows(sql)?
            .iter()
            .map(|r| (r[label].as_str().map(String::from).unwrap_or_else(|| r[label].to_string()), num(&r[value])))
            .collect())
    };
    let per_site = pairs(
        "SELECT coalesce(site, '(unknown)') AS site, count(*) AS n FROM documents WHERE dup_of IS NULL
         GROUP BY 1 ORDER BY n DESC, site LIMIT 20",
        "site",
        "n",
    )?;
    let by_kind = pairs("SELECT kind, segments FROM removals_by_kind", "kind", "segments")?;
    let removed_share = pairs(
        "SELECT coalesce(d.site, '(unknown)') AS site,
                100.0 * sum(coalesce(r.chars, 0)) / max(1, sum(coalesce(r.chars, 0)) + sum(length(d.text))) AS pct
         FROM documents d LEFT JOIN (SELECT document_id, sum(length(text)) AS chars FROM removed_segments GROUP BY 1) r
              ON r.document_id = d.id
         GROUP BY 1 ORDER BY pct DESC, site LIMIT 20",
        "site",
        "pct",
    )?;
    let cluster_sizes = pairs(
        "SELECT (n_duplicates + 1) || ' copies' AS size, count(*) AS clusters FROM duplicate_clusters
         GROUP BY n_duplicates ORDER BY n_duplicates",
        "size",
        "clusters",
    )?;
    let top_clusters = store.rows(
        "SELECT original_id, coalesce(original_title, original_source) AS title, n_duplicates, n_exact, n_near,
                min_similarity FROM duplicate_clusters ORDER BY n_duplicates DESC, original_id LIMIT 10",
    )?;
    let runs = store.rows("SELECT * FROM run_summary ORDER BY id DESC LIMIT 30")?;
    let runs: Vec<Value> = runs.into_iter().rev().collect();
    let totals = &store.rows(
        "SELECT (SELECT count(*) FROM documents) AS docs, (SELECT count(*) FROM documents WHERE dup_of IS NOT NULL) AS dups,
                (SELECT count(*) FROM removed_segments) AS removed, (SELECT count(*) FROM errors) AS errors,
                (SELECT count(*) FROM runs) AS runs, (SELECT count(DISTINCT site) FROM documents) AS sites,
                (SELECT count(DISTINCT site) FROM documents WHERE dup_of IS NULL) AS original_sites,
                EXISTS (SELECT 1 FROM documents WHERE site IS NULL) AS any_unknown,
                EXISTS (SELECT 1 FROM documents WHERE site IS NULL AND dup_of IS NULL) AS original_unknown,
                (SELECT count(*) FROM duplicate_clusters) AS clusters",
    )?[0];
    let last = runs.last();

    let mut html = String::new();
    // Charts have a fixed width; `svg.chart` lets one shrink, proportions kept
    // by its viewBox, in a window narrower than it instead of being cut off.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n{MARK}\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>thresh report: {db}</title>\n<style>\
         body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:980px;color:#222;padding:0 1em}}\
         h1{{font-size:1.6em;margin-bottom:.2em}} h2{{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #ddd}}\
         .cards{{display:flex;gap:1em;flex-wrap:wrap}} .card{{background:#f4f6f9;border-radius:6px;padding:.6em 1em;min-width:8em}}\
         .card b{{display:block;font-size:1.5em}} .label{{font-size:12px;fill:#333}} .value{{font-size:11px;fill:#555}}\
         .small{{font-size:10px;fill:#666}} table{{border-collapse:collapse;font-size:.9em}} td,th{{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left}}\
         caption{{text-align:left;margin:.8em 0 .3em;color:#444}}\
         svg.chart{{max-width:100%;height:auto}} .empty{{color:#888}} .ok{{color:#2e7d32}} .bad{{color:#c62828}}</style></head><body>\n<h1>thresh report</h1>\n<p>{db}</p>\n",
        db = esc(&a.db.display().to_string())
    );
    let status = last.map(|r| {
        let errors = num(&r["n_errors"]) as i64;
        let st = r["status"].as_str().unwrap_or("?");
        let class = if st == "finished" && errors == 0 { "ok" } else { "bad" };
        format!(
            "<p>Last run: <b>#{}</b> {} — <span class=\"{class}\">{st}, {errors} failed</span>, {} new, {} updated, {} unchanged, started {}.</p>",
            num(&r["id"]) as i64,
            esc(r["command"].as_str().unwrap_or("")),
            num(&r["n_new"]) as i64,
            num(&r["n_updated"]) as i64,
            num(&r["n_unchanged"]) as i64,
            esc(r["started_at"].as_str().unwrap_or(""))
        )
    });
    html.push_str(&status.unwrap_or_else(|| "<p>No runs yet.</p>".into()));
    html.push_str("<div class=\"cards\">");
    for (k, label) in [
        ("docs", "documents"),
        ("dups", "duplicates"),
        ("sites", "sites"),
        ("removed", "segments removed"),
        ("errors", "errors"),
        ("runs", "runs"),
    ] {
        let _ = write!(html, "<div class=\"card\"><b>{}</b>{label}</div>", num(&totals[k]) as i64);
    }
    html.push_str("</div>\n");
    // How many rows a per-site chart could have had: the sites, plus one for
    // "(unknown)" (documents without a site), which the charts show as a site
    // but count(DISTINCT site) does not count. The first chart is over
    // originals, the share chart over all documents.
    let out_of = |sites: &str, unknown: &str| {
        let n = num(&totals[sites]) as usize;
        if num(&totals[unknown]) > 0.0 {
            (n + 1, format!("{} sites, counting (unknown) as one", n + 1))
        } else {
            (n, format!("{n} sites"))
        }
    };
    let (groups, of) = out_of("original_sites", "original_unknown");
    let per_site_title = if groups > per_site.len() {
        format!("Documents per site (originals): the top {} of {of}", per_site.len())
    } else {
        "Documents per site (originals)".to_string()
    };
    let mut share_title = String::from(
        "Share of text removed, per site: removed characters out of the page text cleaning started from (kept + removed); ",
    );
    let (groups, of) = out_of("sites", "any_unknown");
    if groups > removed_share.len() {
        let _ = write!(share_title, "the {} highest of {of}", removed_share.len());
    } else {
        share_title.push_str("highest first");
    }
    html.push_str(&hbars("per-site", &per_site_title, &per_site, "", PALETTE[0]));
    html.push_str(&hbars("by-kind", "Removed segments by kind", &by_kind, "", PALETTE[1]));
    html.push_str(&hbars("removed-share", &share_title, &removed_share, "%", PALETTE[3]));
    html.push_str(&hbars("clusters", "Duplicate clusters by size", &cluster_sizes, "", PALETTE[2]));
    if !top_clusters.is_empty() {
        // The table lists at most 10 clusters: its caption says of how many,
        // and that "copies" in the chart above counts the original too.
        let clusters = num(&totals["clusters"]) as usize;
        let which = if clusters > top_clusters.len() {
            format!("The {} largest of {clusters} duplicate clusters", top_clusters.len())
        } else {
            format!("All {clusters} duplicate clusters")
        };
        let _ = writeln!(
            html,
            "<table><caption>{which}, largest first (a cluster of 3 copies is an original and 2 duplicates)</caption>\n\
             <tr><th>original</th><th>title</th><th>duplicates</th><th>exact</th><th>near</th><th>min similarity</th></tr>"
        );
        for c in &top_clusters {
            let _ = writeln!(
                html,
                "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                num(&c["original_id"]) as i64,
                esc(c["title"].as_str().unwrap_or("")),
                num(&c["n_duplicates"]) as i64,
                num(&c["n_exact"]) as i64,
                num(&c["n_near"]) as i64,
                c["min_similarity"].as_f64().map_or("-".into(), |s| format!("{s:.3}"))
            );
        }
        html.push_str("</table>\n");
    }
    html.push_str(&run_bars(&runs, num(&totals["runs"]) as usize));
    html.push_str("</body></html>\n");
    write_report(&a.out, &a.db, &html, a.force)?;
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("thresh: wrote {} ({} KB)", a.out.display(), html.len().div_ceil(1024));
    }
    Ok(exit::OK)
}

/// The line that marks a page as a thresh report (one it may replace).
const MARK: &str = "<!-- thresh report -->";

/// Write the page to `out`, through a temporary file renamed into place (a
/// reader never sees half a page). An existing file is replaced only when
/// it is an earlier report, or with `force`; never when it is the database
/// itself, and never through a symbolic link.
fn write_report(out: &Path, db: &Path, html: &str, force: bool) -> anyhow::Result<()> {
    let shown = out.display();
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        let same_as_db = match (out.canonicalize(), db.canonicalize()) {
            (Ok(o), Ok(d)) => o == d,
            _ => false,
        };
        if same_as_db {
            anyhow::bail!("{shown}: is the database; write the report elsewhere");
        }
        if meta.file_type().is_symlink() {
            anyhow::bail!("{shown}: is a symbolic link; give the file itself");
        }
        if !meta.is_file() {
            anyhow::bail!("{shown}: exists and is not a file");
        }
        let earlier = std::fs::File::open(out).ok().and_then(|f| {
            let mut head = String::new();
            std::io::Read::read_to_string(&mut std::io::Read::take(f, 256), &mut head).ok()?;
            Some(head.contains(MARK))
        });
        if earlier != Some(true) && !force {
            anyhow::bail!("{shown}: exists and is not a thresh report; add --force to replace it");
        }
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // A temporary file is private (0600); the report is a page to share or
    // serve, so it gets the mode any new file would (0666 less the umask).
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| anyhow::anyhow!("{shown}: cannot write report: {e}"))?;
    std::io::Write::write_all(&mut tmp, html.as_bytes())
        .map_err(|e| anyhow::anyhow!("{shown}: cannot write report: {e}"))?;
    tmp.persist(out).map_err(|e| anyhow::anyhow!("{shown}: cannot write report: {}", e.error))?;
    Ok(())
}
