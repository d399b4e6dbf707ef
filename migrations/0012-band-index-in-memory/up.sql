-- 0012-band-index-in-memory: the LSH band table goes.
-- Why: every stored signature added 16 rows at random places in
-- `minhash_bands`, so each document dirtied 16 B-tree pages that the WAL
-- wrote and the checkpoint wrote back; a writer's cost per document grew
-- threefold from 10k to 1M stored documents. The band keys are kept with each
-- signature (`minhash_signatures.bands`), and the writer now builds its index
-- over them in memory when a run first needs it (about 200 MB for a million
-- documents), so the cost of a document no longer depends on how many are
-- stored. Nothing else read the table.
DROP TABLE minhash_bands;
