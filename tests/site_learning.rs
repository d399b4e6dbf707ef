//! Per-site boilerplate learning, end to end: a corpus of text dumps from two
//! sites whose chrome no built-in rule knows, given their URLs by a manifest.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Chrome of each site: sentences that read like article text, so only
/// their recurrence gives them away.
const GAZETTE_CHROME: &[&str] = &[
    "Welcome back to the Gazette, where we bring you the stories that matter most to the valley and its people.",
    "The Meridian Gazette has been reporting on the valley and the people who live in it since 1887, and we are proud of it.",
    "Tell us what you think about this story by writing to the letters desk, and we may print your reply on Saturday.",
];
const LEDGER_CHROME: &[&str] = &[
    "Read the Ledger every morning for the latest on markets, politics and the world, delivered before breakfast.",
    "This story was produced by the Ledger's own newsroom, which is independent of our owners and of our advertisers.",
];

/// Article paragraphs: the long paragraphs thresh keeps from the bundled
/// sample dumps (real article text, each used once).
fn paragraphs() -> Vec<String> {
    let out = thresh(&["extract", "--format", "json", samples().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut ps: Vec<String> = Vec::new();
    for line in stdout(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for p in v["text"].as_str().unwrap().lines() {
            if p.len() >= 150 && !ps.iter().any(|q| q == p) {
                ps.push(p.to_string());
            }
        }
    }
    ps
}

struct Page {
    path: PathBuf,
    url: String,
    body: Vec<String>,
}

/// `n` pages of a site, each with its own three article paragraphs taken
/// from `pool`, wrapped in the site's chrome.
fn site_pages(dir: &Path, host: &str, name: &str, chrome: &[&str], pool: &mut Vec<String>, n: usize) -> Vec<Page> {
    (0..n)
        .map(|i| {
            let body: Vec<String> = pool.drain(..2).collect();
            let title =
                format!("{name} report {i}: {}", body[0].split_whitespace().take(6).collect::<Vec<_>>().join(" "));
            let mut lines = vec![name.to_string(), "Home".into(), "Valley News".into(), "Opinion".into(), title];
            lines.push(chrome[0].to_string());
            lines.extend(body.iter().cloned());
            lines.extend(chrome[1..].iter().map(|s| s.to_string()));
            lines.push(format!("© 2024 {name}"));
            let path = dir.join(format!("{host}-{i:02}.txt"));
            std::fs::write(&path, lines.join("\n")).unwrap();
            Page { path, url: format!("https://www.{host}/news/{i}"), body }
        })
        .collect()
}

fn write_manifest(dir: &Path, pages: &[&Page]) -> PathBuf {
    let m = dir.join("manifest.csv");
    let rows: String =
        pages.iter().map(|p| format!("{},{}\n", p.path.file_name().unwrap().to_str().unwrap(), p.url)).collect();
    std::fs::write(&m, format!("path,url\n{rows}")).unwrap();
    m
}

/// `source → text` for every document.
fn texts(db: &Path) -> std::collections::BTreeMap<String, String> {
    let c = open(db);
    let mut st = c.prepare("SELECT source, text FROM documents").unwrap();
    st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .map(|(s, t)| (Path::new(&s).file_name().unwrap().to_str().unwrap().to_string(), t))
        .collect()
}

#[test]
fn site_chrome_is_learned_from_recurrence_and_removed_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    let mut pool = paragraphs();
    assert!(pool.len() >= 40, "{} paragraphs", pool.len());
    let gazette = site_pages(&dir, "gazette.example", "Meridian Gazette", GAZETTE_CHROME, &mut pool, 10);
    let ledger = site_pages(&dir, "ledger.example", "The Ledger", LEDGER_CHROME, &mut pool, 10);
    let all: Vec<&Page> = gazette.iter().chain(&ledger).collect();
    let manifest = write_manifest(&dir, &all);
    let chrome: Vec<&str> = GAZETTE_CHROME.iter().chain(LEDGER_CHROME).copied().collect();
    let survivors =
        |db: &Path| -> usize { texts(db).values().map(|t| chrome.iter().filter(|c| t.contains(*c)).count()).sum() };

    // Without URLs there is no site: the rules alone keep the chrome.
    let plain = tmp.path().join("plain.db");
    assert!(ingest(&plain, &[&dir], &["--quiet"]).status.success());
    let kept_by_rules = survivors(&plain);
    assert!(kept_by_rules >= 40, "the chrome must survive the rules for this test to mean anything: {kept_by_rules}");

    // With the manifest: learned, and removed from every page — the first
    // pages too, which were stored before the lines crossed the threshold.
    let db = tmp.path().join("sites.db");
    let m = manifest.to_str().unwrap();
    let out = ingest(&db, &[&dir], &["--quiet", "--manifest", m]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(survivors(&db), 0, "{:#?}", texts(&db));
    for p in &all {
        let t = &texts(&db)[p.path.file_name().unwrap().to_str().unwrap()];
        for b in &p.body {
            assert!(t.contains(b.as_str()), "article text lost from {}", p.url);
        }
    }
    let learned: Vec<(String, String)> = {
        let c = open(&db);
        let mut st = c.prepare("SELECT host, sample FROM site_lines ORDER BY host, sample").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
    };
    for c in &chrome {
        assert!(learned.iter().any(|(_, s)| s == c), "{c} not learned: {learned:?}");
    }
    assert!(learned.iter().all(|(h, _)| h == "gazette.example" || h == "ledger.example"));
    assert_eq!(
        count(&db, "SELECT count(DISTINCT document_id) FROM removed_segments WHERE kind = 'site-boilerplate'"),
        20
    );
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE host = 'gazette.example'"), 10);

    // The result does not depend on input order, nor on how the inputs are
    // split into runs.
    let reversed = tmp.path().join("reversed.db");
    let mut rev: Vec<&Path> = all.iter().map(|p| p.path.as_path()).collect();
    rev.reverse();
    assert!(ingest(&reversed, &rev, &["--quiet", "--manifest", m]).status.success());
    assert_eq!(texts(&reversed), texts(&db));
    let runs = tmp.path().join("runs.db");
    for chunk in all.chunks(7) {
        let paths: Vec<&Path> = chunk.iter().map(|p| p.path.as_path()).collect();
        assert!(ingest(&runs, &paths, &["--quiet", "--manifest", m]).status.success());
    }
    assert_eq!(texts(&runs), texts(&db));

    // Explain names the rule.
    let first = gazette[0].path.to_str().unwrap();
    let out = thresh(&["show", "--db", db.to_str().unwrap(), first, "--explain"]);
    assert!(stdout(&out).contains("site-boilerplate"), "{}", stdout(&out));
}

#[test]
fn syndicated_text_is_not_learned_as_boilerplate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    let mut pool = paragraphs();
    let mut pages = site_pages(&dir, "gazette.example", "Meridian Gazette", GAZETTE_CHROME, &mut pool, 4);
    // The same wire story, lightly edited, on three more pages of the site.
    let story: Vec<String> = pool.drain(..4).collect();
    for (i, edit) in ["", " (AP)", " Updated."].iter().enumerate() {
        let mut lines = vec!["Meridian Gazette".to_string(), format!("Wire story{edit}")];
        lines.extend(story.iter().enumerate().map(|(j, p)| if j == 3 { format!("{p}{edit}") } else { p.clone() }));
        let path = dir.join(format!("wire-{i}.txt"));
        std::fs::write(&path, lines.join("\n")).unwrap();
        pages.push(Page { path, url: format!("https://gazette.example/wire/{i}"), body: story.clone() });
    }
    let manifest = write_manifest(&dir, &pages.iter().collect::<Vec<_>>());
    let db = tmp.path().join("t.db");
    let out = ingest(&db, &[&dir], &["--quiet", "--manifest", manifest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE dup_of IS NOT NULL"), 2, "the copies are duplicates");
    for p in &story {
        let learned =
            count(&db, &format!("SELECT count(*) FROM site_lines WHERE sample = '{}'", p.replace('\'', "''")));
        assert_eq!(learned, 0, "syndicated paragraph learned as boilerplate: {p}");
    }
    for (src, text) in texts(&db) {
        if src.starts_with("wire-") {
            assert!(story.iter().take(3).all(|p| text.contains(p.as_str())), "{src}: {text}");
        }
    }
}

/// A kill between the batch that learns a site's lines and the re-clean of
/// the documents stored before leaves the queue on disk: the next run, on
/// unrelated input, cleans them, and the database ends as an uninterrupted
/// run leaves it.
#[test]
fn a_reclean_cut_short_by_a_kill_is_finished_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    let mut pool = paragraphs();
    let pages = site_pages(&dir, "gazette.example", "Meridian Gazette", GAZETTE_CHROME, &mut pool, 6);
    let manifest = write_manifest(&dir, &pages.iter().collect::<Vec<_>>());
    let m = manifest.to_str().unwrap();
    let whole = tmp.path().join("whole.db");
    assert!(ingest(&whole, &[&dir], &["--quiet", "--manifest", m]).status.success());

    // The writer aborts right after its first commit: the lines are learned,
    // the pages stored before they were still hold them.
    let db = tmp.path().join("killed.db");
    let out = ingest_aborting_after(1, &db, &[&dir], &["--quiet", "--manifest", m]);
    assert!(!out.status.success());
    let queued = count(&db, "SELECT count(*) FROM reclean_queue");
    assert!(queued >= 2, "{queued} queued");
    let holding = |db: &Path| texts(db).values().filter(|t| t.contains(GAZETTE_CHROME[1])).count();
    assert!(holding(&db) >= 2, "the kill must leave documents to fix for this test to mean anything");

    // An unrelated run (one sample dump, no URL) finishes the re-clean.
    let other = samples().join("003_ef1a346737207dae.txt");
    let out = ingest(&db, &[&other], &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM reclean_queue"), 0);
    assert_eq!(holding(&db), 0, "{:#?}", texts(&db));
    let mut fixed = texts(&db);
    fixed.remove("003_ef1a346737207dae.txt");
    assert_eq!(fixed, texts(&whole));

    // Re-running the first ingest then changes nothing: no new versions.
    let versions = count(&db, "SELECT count(*) FROM document_versions");
    let out = ingest(&db, &[&dir], &["--quiet", "--manifest", m]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM document_versions"), versions);
}

/// A page stored as a near copy of another, which re-cleaning then makes
/// identical to it (the other held the site's chrome, learned later in the
/// run), is an exact duplicate, as it is when the two arrive in separate runs.
#[test]
fn a_copy_that_re_cleaning_makes_identical_is_exact_however_runs_split() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dumps");
    std::fs::create_dir(&dir).unwrap();
    let mut pool = paragraphs();
    let pages = site_pages(&dir, "gazette.example", "Meridian Gazette", GAZETTE_CHROME, &mut pool, 4);
    // The first page again, on another URL of the site, without the chrome.
    let first = std::fs::read_to_string(&pages[0].path).unwrap();
    let bare: Vec<&str> = first.lines().filter(|l| !GAZETTE_CHROME.contains(l)).collect();
    let copy = dir.join("copy.txt");
    std::fs::write(&copy, bare.join("\n")).unwrap();
    let mut all: Vec<&Page> = pages.iter().collect();
    let copy_page = Page { path: copy.clone(), url: "https://www.gazette.example/reprint/0".into(), body: vec![] };
    all.push(&copy_page);
    let manifest = write_manifest(&dir, &all);
    let m = manifest.to_str().unwrap();
    let dup = |db: &Path| -> Vec<(String, String)> {
        let c = open(db);
        let mut st =
            c.prepare("SELECT d.dup_kind, o.source FROM documents d JOIN documents o ON o.id = d.dup_of").unwrap();
        st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .map(|(k, s)| (k, Path::new(&s).file_name().unwrap().to_str().unwrap().to_string()))
            .collect()
    };
    // One run: the copy comes second, before the chrome is learned.
    let one = tmp.path().join("one.db");
    let order = [&pages[0].path, &copy, &pages[1].path, &pages[2].path, &pages[3].path];
    let paths: Vec<&Path> = order.iter().map(|p| p.as_path()).collect();
    assert!(ingest(&one, &paths, &["--quiet", "--manifest", m]).status.success());
    // Two runs: the copy after the chrome was learned.
    let two = tmp.path().join("two.db");
    let first_run: Vec<&Path> = pages.iter().map(|p| p.path.as_path()).collect();
    assert!(ingest(&two, &first_run, &["--quiet", "--manifest", m]).status.success());
    assert!(ingest(&two, &[&copy], &["--quiet", "--manifest", m]).status.success());
    let expected = vec![("exact".to_string(), pages[0].path.file_name().unwrap().to_str().unwrap().to_string())];
    assert_eq!(dup(&two), expected);
    assert_eq!(dup(&one), expected);
    assert_eq!(count(&one, "SELECT count(*) FROM documents WHERE dup_kind = 'exact' AND dup_similarity = 1.0"), 1);
}
