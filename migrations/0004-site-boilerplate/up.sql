-- 0004-site-boilerplate: boilerplate learned per site.
-- Why: site chrome that no rule knows ("Explore the Gazette", a weather strip,
-- the site's own newsletter pitch) recurs on every page of a host. thresh
-- counts, per host, on how many distinct documents each line occurs (text-dump
-- lines and glued sentences, HTML paragraphs; keyed by a hash of the normalised
-- line). A line on >= N original documents of a host (N = --site-min-docs,
-- default 3) is boilerplate there: it is removed from that host's documents,
-- including those stored before it crossed the threshold (they are re-cleaned
-- from document_raw). Duplicates (exact or near: syndicated copies) do not
-- count, so an article stored twice does not teach its own text as
-- boilerplate. Counts persist, so cron runs keep learning.

-- The host of the page URL (lower case, no "www."): what learning groups by.
ALTER TABLE documents ADD COLUMN host TEXT;
CREATE INDEX documents_host ON documents(host) WHERE host IS NOT NULL;

-- Lines not (yet) learned, and the documents they occurred on. A line's rows
-- are deleted once it is learned: from then on only its count matters.
CREATE TABLE site_line_docs (
    host        TEXT NOT NULL,
    line_key    INTEGER NOT NULL,                 -- thresh_clean::site::line_key of the normalised line
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    counted     INTEGER NOT NULL CHECK (counted IN (0, 1)),  -- 0 for duplicates: seen, not counted
    PRIMARY KEY (host, line_key, document_id)
) WITHOUT ROWID;
CREATE INDEX site_line_docs_document ON site_line_docs(document_id);

-- The learned boilerplate, one row per host and line, with its text.
CREATE TABLE site_lines (
    host        TEXT NOT NULL,
    line_key    INTEGER NOT NULL,
    n_documents INTEGER NOT NULL,                 -- original documents of the host it occurred on
    sample      TEXT,                             -- the line as it read on the document that taught it
    learned_run INTEGER NOT NULL REFERENCES runs(id),  -- the run in which it crossed the threshold
    PRIMARY KEY (host, line_key)
) WITHOUT ROWID;

-- Per host: how many documents, how many learned lines.
CREATE VIEW site_boilerplate AS
    SELECT d.host, d.n_documents, coalesce(l.n_lines, 0) AS n_learned_lines
    FROM (SELECT host, count(*) AS n_documents FROM documents WHERE host IS NOT NULL GROUP BY host) d
    LEFT JOIN (SELECT host, count(*) AS n_lines FROM site_lines GROUP BY host) l USING (host)
    ORDER BY n_learned_lines DESC, d.host;
