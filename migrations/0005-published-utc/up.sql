-- 0005-published-utc: one shape for published_at.
-- Why: pages write dates as a day, a local time, or a time with an offset
-- ("2019-11-19", "2019-11-19T10:04", "2019-11-19T22:04:05-05:00", ...), and
-- published_at held them as written, so sorting on it was wrong. From now on
-- published_at is UTC, RFC 3339 with seconds and "Z" ("2019-11-20T03:04:05Z";
-- a day alone is midnight UTC, a time without an offset is taken as UTC), and
-- published_local keeps the date as the page wrote it.
ALTER TABLE documents ADD COLUMN published_local TEXT;
ALTER TABLE document_versions ADD COLUMN published_local TEXT;

UPDATE documents SET published_local = published_at,
    published_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', published_at), published_at)
WHERE published_at IS NOT NULL;
UPDATE document_versions SET published_local = published_at,
    published_at = coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', published_at), published_at)
WHERE published_at IS NOT NULL;

CREATE INDEX documents_published ON documents(published_at) WHERE published_at IS NOT NULL;
