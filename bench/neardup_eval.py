#!/usr/bin/env python3
"""Near-duplicate accuracy: build a corpus from gold article texts, ingest it
with thresh, and score pairwise precision / recall of the duplicate clusters.

The corpus is generated into a temporary folder at run time from
../shared/eval/scrapinghub/gold.json (the texts are the publishers'; nothing
is copied into the repository). For every article with at least 80 words:

  positives (same cluster as the original):
    boiler   the same text wrapped in different page chrome (nav, share, newsletter, footer lines)
    edit     about 1.5% of words replaced
    drop     one paragraph removed (articles of 6+ paragraphs)
    add      one paragraph added (an editor's note)
    byline   a byline line and a "first published" credit added
    rewrap   paragraphs re-wrapped: pairs merged, or split at sentence ends
    fold     every copy also hard-wrapped at 55-80 columns (as fold / fmt / e-mail
             write it), with or without blank lines between paragraphs, CRLF or LF,
             a syndicated copy's paragraphs merged or split as well
  hard negatives (clusters of their own):
    rewrite  a heavy rewrite: 40% of words replaced and sentences shuffled
    quote    a different article (halves of two others) that quotes one paragraph of this one

Pairwise: every pair of files in the same predicted cluster (documents.dup_of)
is a predicted pair; every pair in the same true cluster is a true pair.

Usage: python3 bench/neardup_eval.py target/release/thresh ../shared/eval/scrapinghub/gold.json [THRESHOLD [SEED]]
"""
import json, random, re, sqlite3, subprocess, sys, tempfile, pathlib, itertools, textwrap

thresh, gold_path = sys.argv[1], sys.argv[2]
threshold = sys.argv[3] if len(sys.argv) > 3 else "0.8"
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261121
rng = random.Random(seed)
gold = json.load(open(gold_path))
articles = []
for k in sorted(gold):
    paras = [p.strip() for p in gold[k]["articleBody"].split("\n") if p.strip()]
    if sum(len(p.split()) for p in paras) >= 80:
        articles.append(paras)
vocab = sorted({w for paras in articles for p in paras for w in p.split() if w.isalpha() and len(w) > 3})

CHROME_TOP = ["Home", "News", "World", "Business", "Sport", "Menu", "Search", "Sign in"]
CHROME_BOTTOM = ["Share this article", "Share on Facebook", "Subscribe to our newsletter", "Related stories",
                 "Most read", "© 2019 Example Media Group. All rights reserved.", "Privacy policy", "Contact us"]

def dump(title, paras, top=(), bottom=()):
    return "\n".join([*top, title, *paras, *bottom]) + "\n"

def fold(title, paras):
    width = rng.randrange(55, 81)
    gap = rng.random() < 0.5
    eol = "\r\n" if rng.random() < 0.3 else "\n"
    lines = [title, ""]
    for p in paras:
        lines.extend(textwrap.wrap(p, width))
        if gap:
            lines.append("")
    return eol.join(lines) + eol

def regroup(paras):
    v = []
    for j in range(0, len(paras), 2):
        merged = " ".join(paras[j:j + 2])
        v.extend(sentences(merged) if rng.random() < 0.5 else [merged])
    return v

def replace_words(paras, frac):
    out = []
    for p in paras:
        words = p.split()
        for i in range(len(words)):
            if rng.random() < frac:
                words[i] = rng.choice(vocab)
        out.append(" ".join(words))
    return out

def sentences(p):
    return [s for s in re.split(r"(?<=[.!?])\s+", p) if s]

files, truth = {}, {}
for i, paras in enumerate(articles):
    title = f"Story number {i}: " + " ".join(paras[0].split()[:8])
    cid = f"c{i}"
    def add(name, text, cluster):
        files[name] = text
        truth[name] = cluster
    add(f"a{i:03d}_orig.txt", dump(title, paras), cid)
    add(f"a{i:03d}_boiler.txt", dump(title, paras, rng.sample(CHROME_TOP, 4), rng.sample(CHROME_BOTTOM, 5)), cid)
    kinds = ["edit", "byline", "rewrap", "add"] + (["drop"] if len(paras) >= 6 else [])
    for kind in rng.sample(kinds, 2):
        if kind == "edit":
            v = replace_words(paras, 0.015)
        elif kind == "drop":
            j = rng.randrange(1, len(paras))
            v = paras[:j] + paras[j + 1:]
        elif kind == "add":
            j = rng.randrange(1, len(paras)) if len(paras) > 1 else 1
            note = "Editor's note: this article was updated after publication to include a response from the company, which had not replied to requests for comment by the time the first version appeared."
            v = paras[:j] + [note] + paras[j:]
        elif kind == "byline":
            v = ["By Jordan Example, Example Wire Service"] + paras + ["This story was first published by Example Wire Service."]
        else:
            v = regroup(paras)
        add(f"a{i:03d}_{kind}.txt", dump(title, v), cid)
    add(f"a{i:03d}_fold.txt", fold(title, regroup(paras) if rng.random() < 0.5 else paras), cid)
    # hard negatives
    ss = [sentences(p) for p in replace_words(paras, 0.4)]
    for s in ss:
        rng.shuffle(s)
    add(f"a{i:03d}_rewrite.txt", dump("Rewritten: " + title, [" ".join(s) for s in ss]), f"r{i}")
    # half of one other article, the quoted paragraph, half of another: shares at most
    # half its text with anything else in the corpus
    js = [x for p in articles[(i + 7) % len(articles)] for x in sentences(p)]
    ks = [x for p in articles[(i + 13) % len(articles)] for x in sentences(p)]
    quoted = [" ".join(js[: len(js) // 2]), paras[min(1, len(paras) - 1)], " ".join(ks[len(ks) // 2 :])]
    add(f"a{i:03d}_quote.txt", dump("Other story quoting " + title, quoted), f"q{i}")

def pairs(groups):
    out = set()
    for members in groups.values():
        out.update(itertools.combinations(sorted(members), 2))
    return out

def score(db):
    con = sqlite3.connect(db)
    pred = {}
    for src, root in con.execute("SELECT source, coalesce(dup_of, id) FROM documents"):
        pred.setdefault(root, []).append(pathlib.Path(src).name)
    stored = {pathlib.Path(s).name for (s,) in con.execute("SELECT source FROM documents")}
    true_groups = {}
    for name, c in truth.items():
        if name in stored:
            true_groups.setdefault(c, []).append(name)
    p, t = pairs(pred), pairs(true_groups)
    tp = len(p & t)
    return tp / max(len(p), 1), tp / max(len(t), 1), len(p), len(t), len(stored)

tmp = pathlib.Path(tempfile.mkdtemp())
corpus = tmp / "corpus"
corpus.mkdir()
for name, text in files.items():
    (corpus / name).write_text(text)
print(f"seed {seed}; corpus: {len(articles)} articles, {len(files)} files, {sum(1 for c in set(truth.values()) if c.startswith('c'))} positive clusters, threshold {threshold}")

def run(db, paths):
    r = subprocess.run([thresh, "ingest", "--quiet", "--near-threshold", threshold, "--db", str(db), *map(str, paths)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"thresh failed ({r.returncode}): {r.stderr[-300:]}")

run(tmp / "one.db", [corpus])
p, r, np_, nt, n = score(tmp / "one.db")
print(f"one run:      precision {p:.4f}  recall {r:.4f}  (predicted pairs {np_}, true pairs {nt}, documents {n})")

names = sorted(files)
rng.shuffle(names)
parts = [names[k::3] for k in range(3)]
for k, part in enumerate(parts):
    d = tmp / f"part{k}"
    d.mkdir()
    for name in part:
        (d / name).write_text(files[name])
    run(tmp / "three.db", [d])
p3, r3, np_, nt, n = score(tmp / "three.db")
print(f"three runs:   precision {p3:.4f}  recall {r3:.4f}  (predicted pairs {np_}, true pairs {nt}, documents {n})")
print(f"(corpus and databases left in {tmp})")
