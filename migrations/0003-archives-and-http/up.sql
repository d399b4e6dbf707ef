-- 0003-archives-and-http: WARC positions, HTTP fetch results, refresh history.
-- Why: thresh now reads WARC archives and fetches URL lists over HTTP, and a
-- cron `refresh` revalidates stored URLs. A person needs to see where in an
-- archive a document was read, what HTTP said last time (status, validators,
-- redirects), when a page went away, and what a changed page said before.

ALTER TABLE runs ADD COLUMN n_skipped INTEGER NOT NULL DEFAULT 0;  -- inputs not meant as documents (non-HTML WARC records, robots.txt)
ALTER TABLE runs ADD COLUMN n_gone INTEGER NOT NULL DEFAULT 0;     -- URL sources that answered 404 / 410

ALTER TABLE sources ADD COLUMN archive TEXT;      -- FILE#OFFSET of the WARC record last read
ALTER TABLE sources ADD COLUMN http_status INTEGER; -- status of the last HTTP answer
ALTER TABLE sources ADD COLUMN final_url TEXT;    -- the URL answered from, after redirects
ALTER TABLE sources ADD COLUMN redirects TEXT;    -- JSON array of the URLs redirected through
ALTER TABLE sources ADD COLUMN gone_at TEXT;      -- when a 404 / 410 was first seen (NULL while alive)

-- The previous version of a document, kept when its input changed.
CREATE TABLE document_versions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    run_id       INTEGER REFERENCES runs(id),     -- the run that replaced it
    replaced_at  TEXT NOT NULL,
    title        TEXT,
    published_at TEXT,
    text         TEXT NOT NULL,
    text_sha256  TEXT NOT NULL,
    raw_sha256   TEXT
);
CREATE INDEX document_versions_document ON document_versions(document_id);

DROP VIEW run_summary;
CREATE VIEW run_summary AS
    SELECT id, command, status, started_at, finished_at,
           round((julianday(finished_at) - julianday(started_at)) * 86400.0, 3) AS seconds,
           n_inputs, n_new, n_updated, n_unchanged, n_duplicates, n_dropped, n_skipped, n_gone, n_errors
    FROM runs ORDER BY id;
