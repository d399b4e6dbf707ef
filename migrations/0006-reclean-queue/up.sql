-- 0006-reclean-queue: the documents waiting to be cleaned again, on disk.
-- Why: when a line of a site is learned as boilerplate, the documents that
-- hold it are cleaned again from document_raw. The queue of those documents
-- lived in memory: a kill -9 between the batch that learned the line and the
-- re-clean lost it, and the documents kept the boilerplate for good. Now the
-- queue is written in the same transaction as the learned line, and a row
-- leaves it in the same transaction as the document's new text; any later
-- run that writes (ingest, refresh) first finishes what an earlier one left.
CREATE TABLE reclean_queue (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    queued_run  INTEGER NOT NULL REFERENCES runs(id)
);
