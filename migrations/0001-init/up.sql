-- 0001-init: the first thresh schema.
-- Why: thresh keeps everything a person needs to answer "what came in, what was
-- kept, what was cut and why, what duplicates what, what failed" in one SQLite
-- file that opens with plain `sqlite3`. Tables named in the public contract
-- (documents, runs, removed_segments, the FTS index) keep their column names
-- forever; later migrations only add.

-- One row per invocation of a command that writes (ingest, refresh).
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    started_at     TEXT NOT NULL,                 -- ISO 8601, UTC
    finished_at    TEXT,                          -- NULL while running (or if killed)
    status         TEXT NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'finished', 'aborted', 'interrupted')),
    command        TEXT NOT NULL,                 -- ingest | refresh
    args           TEXT,                          -- JSON array: the command line
    config         TEXT,                          -- JSON: the effective configuration
    threads        INTEGER,
    thresh_version TEXT,
    n_inputs       INTEGER NOT NULL DEFAULT 0,    -- inputs seen
    n_new          INTEGER NOT NULL DEFAULT 0,    -- documents added (duplicates included)
    n_updated      INTEGER NOT NULL DEFAULT 0,    -- documents whose input changed
    n_unchanged    INTEGER NOT NULL DEFAULT 0,    -- inputs identical to what is stored
    n_duplicates   INTEGER NOT NULL DEFAULT 0,    -- of the new/updated, how many are duplicates
    n_dropped      INTEGER NOT NULL DEFAULT 0,    -- inputs that cleaned to nothing
    n_errors       INTEGER NOT NULL DEFAULT 0     -- inputs that failed
);

-- One row per input locator ever seen: a file path, '-', a URL, or FILE#OFFSET.
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    locator       TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('file', 'stdin', 'warc', 'url')),
    url           TEXT,                           -- the page URL, when known
    raw_sha256    TEXT,                           -- sha256 of the bytes last read
    etag          TEXT,                           -- HTTP validators, for conditional GET
    last_modified TEXT,
    fetched_at    TEXT,
    first_run     INTEGER REFERENCES runs(id),
    last_run      INTEGER REFERENCES runs(id),
    last_status   TEXT,                           -- new | updated | unchanged | dropped | error
    last_error    TEXT
);

-- The clean documents. Duplicates are rows too, with dup_of set: never lost.
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL UNIQUE,           -- the locator it came from
    source_id     INTEGER REFERENCES sources(id),
    url           TEXT,                           -- page URL (input URL, else canonical)
    canonical_url TEXT,                           -- <link rel=canonical> / og:url
    title         TEXT,
    published_at  TEXT,                           -- ISO 8601 or NULL
    author        TEXT,
    site          TEXT,                           -- site name
    lang          TEXT,                           -- ISO 639-1
    text          TEXT NOT NULL,                  -- clean body, paragraphs separated by '\n'
    text_sha256   TEXT NOT NULL CHECK (length(text_sha256) = 64),  -- of the normalised text
    dup_of        INTEGER REFERENCES documents(id), -- the earliest document this duplicates
    dup_kind      TEXT CHECK (dup_kind IN ('exact', 'near')),
    media_type    TEXT NOT NULL CHECK (media_type IN ('html', 'text')),
    charset       TEXT,
    method        TEXT,                           -- how the body was found
    raw_sha256    TEXT,
    raw_bytes     INTEGER,
    n_chars       INTEGER,                        -- characters of clean text
    n_removed     INTEGER,                        -- segments removed
    first_run     INTEGER REFERENCES runs(id),
    last_run      INTEGER REFERENCES runs(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX documents_text_sha256 ON documents(text_sha256);
CREATE INDEX documents_dup_of ON documents(dup_of) WHERE dup_of IS NOT NULL;

-- The decoded input each document was cleaned from (for `show --raw` and re-cleaning).
CREATE TABLE document_raw (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    body        TEXT NOT NULL
);

-- Every piece of text the cleaner cut: the answer to "why is this line missing?".
CREATE TABLE removed_segments (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,                 -- order within the document
    kind        TEXT NOT NULL,                    -- widget, donation-appeal, icon-string, ...
    rule        TEXT NOT NULL,                    -- the rule that fired
    text        TEXT NOT NULL
);
CREATE INDEX removed_segments_document ON removed_segments(document_id);
CREATE INDEX removed_segments_kind ON removed_segments(kind);

-- Inputs that failed: what, where (file / URL / offset), why.
CREATE TABLE errors (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES runs(id),
    locator TEXT NOT NULL,
    stage   TEXT NOT NULL,                        -- fetch | clean | store
    kind    TEXT NOT NULL,                        -- io | gzip | empty | binary | too_large | ...
    message TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX errors_run ON errors(run_id);

-- Inputs that were read but not stored as documents, with a stable reason.
CREATE TABLE drops (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES runs(id),
    locator TEXT NOT NULL,
    reason  TEXT NOT NULL,                        -- empty_after_clean | too_large | ...
    at      TEXT NOT NULL
);
CREATE INDEX drops_run ON drops(run_id);

-- Per-run, per-stage counters (docs in/kept, removals by kind, chars in/kept, ...).
CREATE TABLE run_stats (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    stage  TEXT NOT NULL,
    name   TEXT NOT NULL,
    value  INTEGER NOT NULL,
    PRIMARY KEY (run_id, stage, name)
) WITHOUT ROWID;

-- Full-text search over title and text, kept in step with documents by triggers
-- (the standard external-content setup).
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text,
    content = 'documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Views for the questions people ask most.
CREATE VIEW current_documents AS
    SELECT * FROM documents WHERE dup_of IS NULL;

CREATE VIEW removals_by_kind AS
    SELECT kind, count(*) AS segments, count(DISTINCT document_id) AS documents,
           sum(length(text)) AS chars
    FROM removed_segments GROUP BY kind ORDER BY segments DESC;

CREATE VIEW duplicate_clusters AS
    SELECT d.dup_of AS original_id, o.source AS original_source,
           count(*) AS n_duplicates, group_concat(d.id) AS duplicate_ids
    FROM documents d JOIN documents o ON o.id = d.dup_of
    GROUP BY d.dup_of;

CREATE VIEW run_summary AS
    SELECT id, command, status, started_at, finished_at,
           round((julianday(finished_at) - julianday(started_at)) * 86400.0, 3) AS seconds,
           n_inputs, n_new, n_updated, n_unchanged, n_duplicates, n_dropped, n_errors
    FROM runs ORDER BY id;
