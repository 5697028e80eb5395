-- Row seals (src/db/seals.rs): a keyed digest of every row as the program last wrote it, updated in the same
-- transaction as the row. WITHOUT ROWID, so writing a seal does not itself call for a seal.
CREATE TABLE row_seals (
    tbl TEXT NOT NULL,
    row INTEGER NOT NULL,
    mac BLOB NOT NULL,
    PRIMARY KEY (tbl, row)
) WITHOUT ROWID;

-- When the rows that existed before sealing began were sealed (one row; none until then).
CREATE TABLE seal_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_at TEXT NOT NULL
) WITHOUT ROWID;

-- An account locked after too many failed sign-ins stays locked until an admin unlocks it.
ALTER TABLE users ADD COLUMN locked_at TEXT;
