-- 0009-canonical-sources: a file's source is its canonical absolute path.
-- Why: sources were the path as typed, so `samples/a.txt` and
-- `/srv/samples/a.txt` were two documents (the second a duplicate of the
-- first), and a cron job started from another directory doubled the
-- database. thresh now stores canonical paths. A relative path written
-- before can only be resolved against the directory the run that wrote it
-- started in, which the database never recorded: the rows are listed here,
-- and each later ingest or refresh resolves them from its own directory,
-- rewrites those whose file it finds, and takes them off the list.
CREATE TABLE relative_sources (
    locator TEXT PRIMARY KEY                   -- sources.locator of a row to resolve
) WITHOUT ROWID;
INSERT INTO relative_sources
    SELECT locator FROM sources
    WHERE (kind = 'file' AND locator NOT LIKE '/%')
       OR (kind = 'warc' AND archive IS NOT NULL AND archive NOT LIKE '/%');
