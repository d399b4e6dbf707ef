-- 0011-shards-and-merge: sharded runs, and merging their databases.
-- Why: a crawl bigger than one machine is split with `ingest --shard K/N`,
-- each shard writing its own database, and `thresh merge` joins them into
-- one that decides duplicates and learns site lines as one run over the
-- same inputs would. For that the merge needs, for every document, where
-- its input stood in the run's list of inputs (the order one run would have
-- met it in), and, for every run, which shard it was and where a merged run
-- came from, so a second merge of the same shards adds only what is new.

-- The run that last decided the document (stored it new, or changed it;
-- not one that found it unchanged), and where its input stood in that run:
-- the input's position in the command's list of inputs (files in walk
-- order, then URLs) times 2^32, plus the record's number within a WARC
-- archive. The same for every shard of one run, so shards interleave exactly.
ALTER TABLE documents ADD COLUMN input_run INTEGER REFERENCES runs(id);
ALTER TABLE documents ADD COLUMN input_seq INTEGER;

-- 'K/N' for a run of `ingest --shard K/N`, NULL for an unsplit run.
ALTER TABLE runs ADD COLUMN shard TEXT;
-- For a run copied in by `thresh merge`: the database it ran on (its
-- database_identity) and its id there; and the merge run that copied it.
ALTER TABLE runs ADD COLUMN origin_db TEXT;
ALTER TABLE runs ADD COLUMN origin_run INTEGER;
ALTER TABLE runs ADD COLUMN merged_by INTEGER REFERENCES runs(id);
CREATE UNIQUE INDEX runs_origin ON runs(origin_db, origin_run) WHERE origin_db IS NOT NULL;

-- A name for this database that stays with the file when it is copied or
-- moved: what a merge remembers a shard by.
CREATE TABLE database_identity (
    id TEXT NOT NULL PRIMARY KEY               -- 32 hex digits, random, made once
) WITHOUT ROWID;
INSERT INTO database_identity(id) VALUES (lower(hex(randomblob(16))));

-- The run history shows which shard a run was, and which merge brought it.
DROP VIEW run_summary;
CREATE VIEW run_summary AS
    SELECT id, command, status, started_at, finished_at,
           round((julianday(finished_at) - julianday(started_at)) * 86400.0, 3) AS seconds,
           n_inputs, n_new, n_updated, n_unchanged, n_duplicates, n_dropped, n_skipped, n_gone, n_errors,
           shard, merged_by
    FROM runs ORDER BY id;

-- Documents stored before this migration: the run that last decided one is
-- the last that changed it (it kept a version), else the one that stored
-- it; each run wrote in input order, so ids order them within the run.
UPDATE documents SET input_seq = id,
    input_run = coalesce((SELECT max(v.run_id) FROM document_versions v WHERE v.document_id = documents.id),
                         first_run);
-- A merge reads each shard run's documents in input order, a page at a time.
CREATE INDEX documents_input ON documents(input_run, input_seq, id);
