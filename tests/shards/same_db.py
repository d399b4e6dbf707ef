#!/usr/bin/env python3
"""Do two thresh databases hold the same result?

    same_db.py A.db B.db

Compares what a run decides, not when or in which run it did: documents by
source (text, metadata, fingerprint, and duplicate decisions, with dup_of
named by the source it points at), removed segments, learned site lines,
drops and errors. Prints the differences; exits 1 if there are any.
"""
import sqlite3
import sys

QUERIES = {
    "documents": """
        SELECT d.source, d.title, d.text, d.text_sha256, d.dup_kind, o.source, round(d.dup_similarity, 6),
               d.host, d.lang, d.published_at, d.author, d.media_type, d.raw_sha256, d.n_removed
        FROM documents d LEFT JOIN documents o ON o.id = d.dup_of ORDER BY d.source""",
    "removed_segments": """
        SELECT d.source, r.seq, r.kind, r.rule, r.text
        FROM removed_segments r JOIN documents d ON d.id = r.document_id ORDER BY d.source, r.seq""",
    "site_lines": "SELECT host, line_key, n_documents, sample FROM site_lines ORDER BY host, line_key",
    "drops": "SELECT locator, reason FROM drops ORDER BY locator, reason",
    "errors": "SELECT locator, stage, kind FROM errors ORDER BY locator, stage, kind",
    "raw": """
        SELECT d.source, length(r.body), typeof(r.body) FROM document_raw r JOIN documents d ON d.id = r.document_id
        ORDER BY d.source""",
}


def rows(db, sql):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def main():
    a, b = sys.argv[1], sys.argv[2]
    different = 0
    for name, sql in QUERIES.items():
        ra, rb = rows(a, sql), rows(b, sql)
        if ra == rb:
            print(f"{name}: {len(ra)} rows, the same")
            continue
        different += 1
        only_a = [r for r in ra if r not in set(rb)]
        only_b = [r for r in rb if r not in set(ra)]
        print(f"{name}: DIFFERENT ({len(ra)} vs {len(rb)} rows)")
        for r in only_a[:5]:
            print(f"  only in {a}: {str(r)[:300]}")
        for r in only_b[:5]:
            print(f"  only in {b}: {str(r)[:300]}")
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
