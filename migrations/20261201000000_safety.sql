-- Issue 13. New tables rather than new columns: a column added to a sealed table would change the seal of
-- every existing row (src/db/seals.rs covers every column).

-- A conflict of interest entered by the secretary or chair on the member's word («со слов члена комиссии»):
-- who entered it and their note. A recusal without a row here was declared by the member themselves.
CREATE TABLE recusal_entries (
    meeting_id TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES users (id),
    note       TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_id, user_id),
    FOREIGN KEY (meeting_id, case_id, user_id) REFERENCES recusals (meeting_id, case_id, user_id)
);

-- Where the dose or route given differs from the decision's, what the decision said and why it differs.
CREATE TABLE administration_deviations (
    administration_id TEXT PRIMARY KEY REFERENCES administrations (id),
    decided_dose      TEXT NOT NULL,
    decided_route     TEXT NOT NULL,
    reason            TEXT NOT NULL
);
CREATE TRIGGER administration_deviations_no_update BEFORE UPDATE ON administration_deviations
BEGIN SELECT RAISE(ABORT, 'administration records are immutable'); END;
CREATE TRIGGER administration_deviations_no_delete BEFORE DELETE ON administration_deviations
BEGIN SELECT RAISE(ABORT, 'administration records are immutable'); END;
