-- 0007-fts-declaration: the full-text index declared as sqlite-utils and
-- Datasette look for it.
-- Why: they find a table's FTS index by the text of its declaration,
-- `content="documents"` (double quotes, no spaces); 0001 wrote
-- `content = 'documents'`, so `sqlite-utils search` and Datasette's search box
-- said the table had no full-text search. Same columns, same tokenizer; the
-- index is rebuilt from documents. The triggers that keep it in step name it,
-- not its declaration, and stay.
DROP TABLE documents_fts;
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text,
    content="documents", content_rowid="id",
    tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
