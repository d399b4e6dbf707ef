-- 0010-raw-compression: document inputs stored compressed.
-- Why: the decoded input of every document was kept as text, so a database
-- was larger than the pages it came from (180 MB for 159 MB of news pages).
-- New bodies are zstd-compressed BLOBs in the same column (`--raw keep` still
-- writes text, `--raw drop` nothing); a TEXT body reads as before. The plain
-- bodies already stored are listed here and compressed by the next `ingest`,
-- `refresh` or `thresh vacuum`, in batches that a kill does not lose; `thresh
-- vacuum` then gives the freed space back to the file system.
CREATE TABLE raw_to_compress (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
);
INSERT INTO raw_to_compress SELECT document_id FROM document_raw WHERE typeof(body) = 'text';

-- The index of removed segments by kind goes: every segment written paid for
-- it (the writer is a run's one serial stage), it held a tenth of a news
-- database once bodies were compressed, and what reads by kind (`stats`, the
-- `removals_by_kind` view) counts every segment anyway, which a scan does.
DROP INDEX removed_segments_kind;
