-- 0008-run-status: a run that went through every input says whether some
-- failed, and a run that stopped on an error of its own says so.
-- Why: `finished` was written even when inputs failed (the exit code said 1,
-- the table did not), and a run whose writer crashed stayed `running` until
-- the next run marked it `interrupted`. The statuses now:
--   running      the run is going on (or was killed: the next run marks it)
--   finished     every input went through, none failed
--   partial      every input went through, some failed (see `errors`)
--   failed       the run stopped early on an error of its own (the database
--                could not be written, its writer crashed); what it had
--                committed is kept
--   interrupted  killed or stopped from outside, found by the next run
-- `aborted`, the old name of `failed`, is rewritten; it stays allowed for
-- rows an older thresh might still write.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
-- With legacy_alter_table the rename leaves the other tables' foreign keys
-- naming `runs`, which the new table then is; the view over it is made again.
PRAGMA legacy_alter_table = ON;
DROP VIEW run_summary;
ALTER TABLE runs RENAME TO runs_0007;
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    started_at     TEXT NOT NULL,                 -- ISO 8601, UTC
    finished_at    TEXT,                          -- NULL while running (or if killed)
    status         TEXT NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'finished', 'partial', 'failed', 'interrupted', 'aborted')),
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
    n_errors       INTEGER NOT NULL DEFAULT 0,    -- inputs that failed
    n_skipped      INTEGER NOT NULL DEFAULT 0,    -- inputs not meant as documents
    n_gone         INTEGER NOT NULL DEFAULT 0     -- URL sources that answered 404 / 410
);
INSERT INTO runs SELECT * FROM runs_0007;
UPDATE runs SET status = 'failed' WHERE status = 'aborted';
DROP TABLE runs_0007;
CREATE VIEW run_summary AS
    SELECT id, command, status, started_at, finished_at,
           round((julianday(finished_at) - julianday(started_at)) * 86400.0, 3) AS seconds,
           n_inputs, n_new, n_updated, n_unchanged, n_duplicates, n_dropped, n_skipped, n_gone, n_errors
    FROM runs ORDER BY id;
PRAGMA legacy_alter_table = OFF;
