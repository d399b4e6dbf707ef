//! Split runs and `thresh merge`: N shards merged give what one run over the
//! same inputs gives — the same documents, duplicate decisions, removed
//! segments and learned site lines — in any order, and again after a second
//! crawl. The corpus and the comparison are the scripts in `tests/shards/`,
//! which `just slurm-e2e` uses too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// `tests/shards/SCRIPT ARGS` with python3.
fn script(name: &str, args: &[&str]) -> std::process::Output {
    Command::new("python3").arg(root().join("tests/shards").join(name)).args(args).output().expect("python3 runs")
}

fn make_corpus(dir: &Path, round: u32) {
    let out = script("make_corpus.py", &[dir.to_str().unwrap(), "--round", &round.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Both databases hold the same result (`same_db.py` prints what differs).
fn assert_same(a: &Path, b: &Path) {
    let out = script("same_db.py", &[a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(out.status.success(), "{} and {} differ:\n{}", a.display(), b.display(), stdout(&out));
}

/// One run of ingest over the corpus into `db` (`--shard` in `extra`).
fn ingest_corpus(dir: &Path, db: &Path, extra: &[&str]) {
    let manifest = dir.join("manifest.csv");
    let mut args = vec!["--quiet", "--manifest", manifest.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = ingest(db, &[&dir.join("pages")], &args);
    // The corpus holds one file that is not text: exit 1 when it is read.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

/// The corpus ingested as `n` shards (`--shard K/N` added to `extra`), into
/// `dir/shardK.db`, which it returns; run again, each continues its database.
fn ingest_shards(corpus: &Path, dir: &Path, n: usize, extra: &[&str]) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let db = dir.join(format!("shard{k}.db"));
            let shard = format!("{k}/{n}");
            let mut args = extra.to_vec();
            args.extend(["--shard", shard.as_str()]);
            ingest_corpus(corpus, &db, &args);
            db
        })
        .collect()
}

fn merge(db: &Path, shards: &[&PathBuf], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["merge", "--db", db.to_str().unwrap()];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    args.extend_from_slice(extra);
    thresh(&args)
}

#[test]
fn four_shards_merged_are_one_run_in_any_order_and_again_after_a_second_crawl() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    make_corpus(&corpus, 1);
    let one = tmp.path().join("one.db");
    ingest_corpus(&corpus, &one, &[]);
    // What the corpus must hold for this test to mean anything.
    assert!(count(&one, "SELECT count(*) FROM documents WHERE dup_kind = 'exact'") >= 10);
    assert!(count(&one, "SELECT count(*) FROM documents WHERE dup_kind = 'near'") >= 10);
    assert!(count(&one, "SELECT count(*) FROM site_lines") >= 12);
    assert!(count(&one, "SELECT count(*) FROM removed_segments WHERE kind = 'site-boilerplate'") >= 100);

    let shards = ingest_shards(&corpus, tmp.path(), 4, &[]);
    // Every document is in exactly one shard, and no shard learns alone.
    let in_shards: i64 = shards.iter().map(|s| count(s, "SELECT count(*) FROM documents")).sum();
    assert_eq!(in_shards, count(&one, "SELECT count(*) FROM documents"));
    assert!(shards.iter().all(|s| count(s, "SELECT count(*) FROM site_lines") == 0));

    let merged = tmp.path().join("merged.db");
    let out = merge(&merged, &[&shards[2], &shards[0], &shards[3], &shards[1]], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same(&one, &merged);
    let other_order = tmp.path().join("other.db");
    let out = merge(&other_order, &[&shards[0], &shards[1], &shards[2], &shards[3]], &["--threads", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same(&merged, &other_order);

    // The shards' runs are kept, each with its shard and where it came from.
    let runs: Vec<[String; 4]> = {
        let c = open(&merged);
        let mut st = c
            .prepare("SELECT command, coalesce(shard, ''), coalesce(origin_run, 0), coalesce(merged_by, 0) FROM runs ORDER BY shard")
            .unwrap();
        st.query_map([], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.to_string(), r.get::<_, i64>(3)?.to_string()])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(runs.len(), 5, "{runs:?}");
    assert_eq!(runs[0][0], "merge");
    for (k, r) in runs[1..].iter().enumerate() {
        assert_eq!((r[0].as_str(), r[1].clone(), r[2].as_str()), ("ingest", format!("{}/4", k + 1), "1"));
        assert_eq!(r[3], "1", "merged by the merge run");
    }
    assert_eq!(count(&merged, "SELECT count(DISTINCT origin_db) FROM runs"), 4);
    assert_eq!(
        count(&merged, "SELECT count(*) FROM errors e JOIN runs r ON r.id = e.run_id WHERE r.shard IS NOT NULL"),
        1
    );

    // The merged database is an ordinary one: a plain ingest into it learns
    // (the shard runs it holds are copies).
    let more = tmp.path().join("more");
    std::fs::create_dir(&more).unwrap();
    let merged_copy = tmp.path().join("merged-copy.db");
    std::fs::copy(&merged, &merged_copy).unwrap();
    let site_lines = count(&merged_copy, "SELECT count(*) FROM site_lines");
    for i in 0..3 {
        let page = format!("Meridian Gazette\nA line no rule knows, on every new page of the gazette, read by all.\nStory {i} tells of the {i}th bridge over the river, opened by the mayor on a winter morning at last.\n");
        std::fs::write(more.join(format!("new-{i}.txt")), page).unwrap();
    }
    std::fs::write(
        more.join("m.csv"),
        "path,url\nnew-0.txt,https://gazette.example/n/0\nnew-1.txt,https://gazette.example/n/1\nnew-2.txt,https://gazette.example/n/2\n",
    )
    .unwrap();
    let out = ingest(&merged_copy, &[&more], &["--quiet", "--manifest", more.join("m.csv").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(count(&merged_copy, "SELECT count(*) FROM site_lines") > site_lines, "nothing learned");

    // Merging the same shards again adds nothing, and says so.
    let out = merge(&merged, &[&shards[0], &shards[1], &shards[2], &shards[3]], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing new to merge"), "{}", stderr(&out));
    assert_eq!(count(&merged, "SELECT count(*) FROM runs"), 5);

    // A second crawl: new pages, copies of old ones, one page changed. One
    // database run twice, and shards run twice then merged again, agree.
    make_corpus(&corpus, 2);
    ingest_corpus(&corpus, &one, &[]);
    ingest_shards(&corpus, tmp.path(), 4, &[]);
    let out = merge(&merged, &[&shards[3], &shards[2], &shards[1], &shards[0]], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same(&one, &merged);
    assert_eq!(count(&merged, "SELECT count(*) FROM document_versions"), 1);
    // Both crawls merged at once: the shard where a page changed between
    // them is refused (a merge sees only a document's last state), with a
    // line saying to merge after each run; the others merge.
    let at_once = tmp.path().join("at_once.db");
    let out = merge(&at_once, &[&shards[1], &shards[0], &shards[3], &shards[2]], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("documents changed between runs not merged yet; merge after each run"), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains("changed between runs")).count(), 1, "{err}");
}

/// The merge decides with the options the shards ran with (recorded in
/// their runs), and refuses shards that ran otherwise than each other.
#[test]
fn the_merge_takes_the_shards_options_and_refuses_mixed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    make_corpus(&corpus, 1);
    let opts = ["--site-min-docs", "5", "--near-threshold", "0.9"];
    let one = tmp.path().join("one.db");
    ingest_corpus(&corpus, &one, &opts);
    let default_one = tmp.path().join("default.db");
    ingest_corpus(&corpus, &default_one, &[]);
    let shards = ingest_shards(&corpus, tmp.path(), 2, &opts);
    let merged = tmp.path().join("merged.db");
    let out = merge(&merged, &[&shards[1], &shards[0]], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_same(&one, &merged);
    // (The options matter on this corpus: the default run differs.)
    let differs = script("same_db.py", &[one.to_str().unwrap(), default_one.to_str().unwrap()]);
    assert!(!differs.status.success(), "the options changed nothing here");

    let mixed = tmp.path().join("mixed.db");
    ingest_corpus(&corpus, &mixed, &["--shard", "2/2"]);
    let out = merge(&tmp.path().join("refused.db"), &[&shards[0], &mixed], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("configured otherwise"), "{}", stderr(&out));

    // The second runs do not line up (an ingest on one shard, a refresh on
    // the other): refused, not merged as one run.
    let mut again = opts.to_vec();
    again.extend(["--shard", "1/2"]);
    ingest_corpus(&corpus, &shards[0], &again);
    let mut refresh = vec!["refresh", "--db", shards[1].to_str().unwrap(), "--quiet"];
    refresh.extend(opts);
    let out = thresh(&refresh);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = merge(&merged, &[&shards[0], &shards[1]], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is not the same command as"), "{}", stderr(&out));
}

/// A merge killed after its first batch (learned lines not yet cleaned
/// away, the shards' runs not yet copied) is finished by the next merge,
/// which ends where an uninterrupted one does.
#[test]
fn a_merge_killed_midway_is_finished_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    make_corpus(&corpus, 1);
    let one = tmp.path().join("one.db");
    ingest_corpus(&corpus, &one, &[]);
    let shards = ingest_shards(&corpus, tmp.path(), 3, &[]);
    let merged = tmp.path().join("merged.db");
    let mut args = vec!["merge", "--db", merged.to_str().unwrap()];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    let out = assert_cmd::Command::cargo_bin("thresh")
        .unwrap()
        .args(&args)
        .env("THRESH_TEST_ABORT_AFTER_BATCHES", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the merge was to abort");
    let written = count(&merged, "SELECT count(*) FROM documents");
    assert!(written > 0 && written < count(&one, "SELECT count(*) FROM documents"), "{written}");
    let out = thresh(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("continuing it"), "{}", stderr(&out));
    assert_same(&one, &merged);
    // One merge run, continued: finished, with the three shard runs under it.
    assert_eq!(count(&merged, "SELECT count(*) FROM runs WHERE command = 'merge' AND status = 'finished'"), 1);
    assert_eq!(count(&merged, "SELECT count(*) FROM runs WHERE command = 'merge'"), 1);
    assert_eq!(count(&merged, "SELECT count(*) FROM runs WHERE shard IS NOT NULL AND merged_by = 1"), 3);
}

#[test]
fn shards_that_cannot_be_merged_are_named_and_the_rest_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let input = numbered_dumps(tmp.path(), 6);
    let shards: Vec<PathBuf> = (1..=2).map(|k| tmp.path().join(format!("s{k}.db"))).collect();
    for (k, db) in shards.iter().enumerate() {
        let out = ingest(db, &[&input], &["--quiet", "--shard", &format!("{}/2", k + 1)]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out_db = tmp.path().join("out.db");
    let missing = tmp.path().join("missing.db");
    let garbage = tmp.path().join("garbage.db");
    std::fs::write(&garbage, "not a database").unwrap();
    let out = merge(&out_db, &[&shards[0], &missing, &shards[0], &garbage, &out_db, &shards[1]], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("missing.db: no such database"), "{err}");
    assert!(err.contains("s1.db: named twice"), "{err}");
    assert!(err.contains("garbage.db"), "{err}");
    assert!(err.contains("out.db: is the database being merged into"), "{err}");
    assert_eq!(err.lines().count(), 5, "one line each, and the summary: {err}");
    assert_eq!(count(&out_db, "SELECT count(*) FROM documents"), 6);

    // A shard whose last run did not finish (killed) is left out, with what
    // to do; run again, it continues, and the next merge adds it.
    let cut = tmp.path().join("cut.db");
    assert!(!ingest_aborting_after(1, &cut, &[&input], &["--quiet", "--shard", "1/1"]).status.success());
    let out_cut = tmp.path().join("out-cut.db");
    let out = merge(&out_cut, &[&cut], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cut.db: its last run (1) did not finish; run the same command again"),
        "{}",
        stderr(&out)
    );
    assert!(ingest(&cut, &[&input], &["--quiet", "--shard", "1/1"]).status.success());
    assert_eq!(count(&cut, "SELECT count(*) FROM runs"), 1, "the same run, continued");
    assert_eq!(merge(&out_cut, &[&cut], &[]).status.code(), Some(0));
    assert_eq!(count(&out_cut, "SELECT count(*) FROM documents"), 6);

    // A shard document whose stored input is damaged is that document's
    // failure, named with its shard and id; the rest merge.
    let damaged = tmp.path().join("damaged.db");
    assert!(ingest(&damaged, &[&input], &["--quiet"]).status.success());
    open(&damaged).execute("UPDATE document_raw SET body = x'28b52ffd0000' WHERE document_id = 2", []).unwrap();
    let out_damaged = tmp.path().join("out-damaged.db");
    let out = merge(&out_damaged, &[&damaged], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("damaged.db: document 2:"), "{err}");
    assert_eq!(count(&out_damaged, "SELECT count(*) FROM documents"), 5);
    assert_eq!(count(&out_damaged, "SELECT count(*) FROM errors WHERE stage = 'merge'"), 1);
    assert_eq!(count(&out_damaged, "SELECT count(*) FROM runs WHERE command = 'merge' AND status = 'partial'"), 1);

    // A shard being written (an ingest holds its lock) is left for a later
    // merge, which then adds it.
    std::fs::create_dir(tmp.path().join("more")).unwrap();
    let again = numbered_dumps(&tmp.path().join("more"), 24);
    assert!(ingest(&shards[1], &[&again], &["--quiet", "--shard", "2/2"]).status.success());
    let held = std::fs::File::create(tmp.path().join("s2.db.lock")).unwrap();
    held.lock().unwrap();
    let out = merge(&out_db, &[&shards[0], &shards[1]], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("s2.db: another thresh run is using this database"), "{}", stderr(&out));
    held.unlock().unwrap();
    let before = count(&out_db, "SELECT count(*) FROM documents");
    let out = merge(&out_db, &[&shards[0], &shards[1]], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(count(&out_db, "SELECT count(*) FROM documents") > before);
}
