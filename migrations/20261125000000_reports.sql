-- Reports to Roszdravnadzor (Resolution 213 rules §15): one per administration ("fact of use"), one per adverse
-- reaction, and periodic benefit–risk reports per product. Each has a deadline computed when it is opened (the
-- rule that gave it is kept beside it), a status draft → signed → sent, and once signed its data (JSON) and
-- signed PDF never change.
CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('use', 'reaction', 'benefit_risk')),
    -- The administration (use) or adverse reaction (reaction); NULL for benefit–risk reports.
    subject_id   TEXT UNIQUE,
    product_name TEXT NOT NULL,
    period_from  TEXT,
    period_to    TEXT,
    conclusion   TEXT,
    -- The day the clock starts, the last day to send, and the rule that set it (e.g. "working_days:5").
    event_on     TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    due_rule     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'signed', 'sent')),
    data         TEXT,
    pdf          BLOB,
    signed_sha256 TEXT,
    signer_id    TEXT REFERENCES users (id),
    serial       TEXT,
    signed_at    TEXT,
    sent_on      TEXT,
    outgoing_ref TEXT,
    created_by   TEXT REFERENCES users (id),
    created_at   TEXT NOT NULL,
    UNIQUE (kind, product_name, period_from)
);
CREATE INDEX reports_open ON reports (status, due_on);

-- Signed content never changes: only the status may move on (signed → sent) with its date and reference.
CREATE TRIGGER reports_signed_immutable BEFORE UPDATE ON reports
WHEN OLD.status <> 'draft' AND (NEW.data IS NOT OLD.data OR NEW.pdf IS NOT OLD.pdf OR NEW.due_on IS NOT OLD.due_on
    OR NEW.signed_sha256 IS NOT OLD.signed_sha256 OR NEW.conclusion IS NOT OLD.conclusion)
BEGIN SELECT RAISE(ABORT, 'a signed report is immutable'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are never deleted'); END;

CREATE INDEX administrations_at ON administrations (administered_at);
CREATE INDEX decisions_decided ON decisions (decided_on);
-- The deadline board: approved decisions whose window ends soon or lately ended; each product's uses by day
-- (for the benefit–risk periods that need a report).
CREATE INDEX decisions_window ON decisions (outcome, window_to);
CREATE INDEX reports_product ON reports (kind, product_name, event_on);
