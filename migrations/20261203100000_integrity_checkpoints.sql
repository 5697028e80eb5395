-- Issue 17. The integrity check of what changed since the last verified check. Each seal carries the
-- generation it was written in (one per transaction, rising; 0 for seals written before this migration), so
-- the seals written since a check are found by their index instead of reading every row. A checkpoint
-- records what a check verified: the audit chain up to an entry and its hash, the seals up to a generation,
-- each sealed table's last rowid. row_seals is not itself sealed, so it may take a column.
ALTER TABLE row_seals ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;
CREATE INDEX row_seals_gen ON row_seals (gen);

CREATE TABLE integrity_checkpoints (
    id         INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL,
    whole      INTEGER NOT NULL CHECK (whole IN (0, 1)),
    audit_seq  INTEGER NOT NULL,
    audit_hash TEXT NOT NULL,
    seal_gen   INTEGER NOT NULL,
    rowids     TEXT NOT NULL
);
