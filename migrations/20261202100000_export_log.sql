-- Issue 16. Every export with who made it, when, of what, and why (the reason the admin gave, e.g. «запрос
-- Росздравнадзора № …»): the log admins read. Written in the export's own audited transaction.
CREATE TABLE export_log (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('decisions', 'journal', 'qc')),
    period_from TEXT,
    period_to   TEXT,
    records     INTEGER NOT NULL,
    file        TEXT NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX export_log_at ON export_log (at);

CREATE TRIGGER export_log_no_update BEFORE UPDATE ON export_log
BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
CREATE TRIGGER export_log_no_delete BEFORE DELETE ON export_log
BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
