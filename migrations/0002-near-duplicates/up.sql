-- 0002-near-duplicates: MinHash signatures and LSH bands.
-- Why: syndicated and re-published articles differ by a byline, a dropped
-- paragraph, a few edited words; exact hashes miss them. Each document's
-- MinHash signature (128 values over word 5-gram shingles) is stored, and so
-- are its 16 LSH band keys, so a new document finds its candidates with 16
-- indexed lookups however large the database grows. The index lives here,
-- not in memory.

-- Estimated Jaccard similarity with the document named in dup_of (1.0 for exact copies).
ALTER TABLE documents ADD COLUMN dup_similarity REAL;

-- One signature per document that is not an exact duplicate.
CREATE TABLE minhash_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    n_shingles  INTEGER NOT NULL,                 -- distinct word 5-grams in the text
    sig         BLOB NOT NULL,                    -- 128 little-endian u32 minimums
    bands       BLOB NOT NULL                     -- its 16 band keys, little-endian i64 (to delete them)
);

-- LSH: document_id has band number `band` equal to `key`. Compact: no rowid.
CREATE TABLE minhash_bands (
    band        INTEGER NOT NULL,                 -- 0..15
    key         INTEGER NOT NULL,                 -- xxh3 of the band's 8 values
    document_id INTEGER NOT NULL,
    PRIMARY KEY (band, key, document_id)
) WITHOUT ROWID;

-- Clusters with their similarity range, for `thresh dups` and for people.
DROP VIEW duplicate_clusters;
CREATE VIEW duplicate_clusters AS
    SELECT d.dup_of AS original_id, o.source AS original_source, o.title AS original_title,
           count(*) AS n_duplicates,
           sum(d.dup_kind = 'exact') AS n_exact, sum(d.dup_kind = 'near') AS n_near,
           min(d.dup_similarity) AS min_similarity,
           group_concat(d.id) AS duplicate_ids
    FROM documents d JOIN documents o ON o.id = d.dup_of
    GROUP BY d.dup_of;
