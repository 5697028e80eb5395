-- The initial schema. Ids are UUID v7 text; dates are ISO 8601 (YYYY-MM-DD); instants are RFC 3339.

CREATE TABLE organization (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            TEXT NOT NULL,
    licence         TEXT NOT NULL,
    permit_number   TEXT NOT NULL,
    permit_date     TEXT NOT NULL,
    permit_status   TEXT NOT NULL CHECK (permit_status IN ('active', 'suspended', 'revoked')),
    last_confirmed  TEXT,
    icu_present     INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    position      TEXT NOT NULL,
    roles         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE compositions (
    id             TEXT PRIMARY KEY,
    order_ref      TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    created_at     TEXT NOT NULL
);

CREATE TABLE composition_members (
    composition_id TEXT NOT NULL REFERENCES compositions (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    role           TEXT NOT NULL CHECK (role IN ('chair', 'deputy_chair', 'secretary', 'member')),
    PRIMARY KEY (composition_id, user_id)
);

CREATE TABLE icd_codes (
    code   TEXT PRIMARY KEY,
    title  TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('chapter', 'block', 'code')),
    source TEXT NOT NULL
);

CREATE TABLE patients (
    id             TEXT PRIMARY KEY,
    last_name      TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    patronymic     TEXT,
    birth_date     TEXT NOT NULL,
    sex            TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    snils          TEXT UNIQUE,
    oms_kind       TEXT CHECK (oms_kind IN ('enp', 'other')),
    oms_number     TEXT,
    lacks_capacity INTEGER NOT NULL DEFAULT 0,
    rep_full_name  TEXT,
    rep_relation   TEXT,
    rep_document   TEXT,
    name_key       TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX patients_name ON patients (name_key);

CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    product_name  TEXT NOT NULL,
    genetic_study TEXT NOT NULL,
    icd_code      TEXT NOT NULL REFERENCES icd_codes (code),
    indication    TEXT NOT NULL,
    physician_id  TEXT NOT NULL REFERENCES users (id),
    state         TEXT NOT NULL,
    setting       TEXT CHECK (setting IN ('inpatient', 'day_hospital')),
    department    TEXT,
    icu_access    INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX cases_patient ON cases (patient_id);
CREATE INDEX cases_state ON cases (state);

CREATE TABLE assessment_findings (
    case_id       TEXT NOT NULL REFERENCES cases (id),
    kind          TEXT NOT NULL,
    finding       TEXT NOT NULL,
    justification TEXT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (case_id, kind)
);

CREATE TABLE consents (
    id                   TEXT PRIMARY KEY,
    case_id              TEXT NOT NULL REFERENCES cases (id),
    form_version         TEXT NOT NULL,
    info_sheet_version   TEXT NOT NULL,
    signer_kind          TEXT NOT NULL CHECK (signer_kind IN ('patient', 'representative')),
    signer_name          TEXT NOT NULL,
    representative_ground TEXT,
    signed_on            TEXT NOT NULL,
    informing_physician  TEXT NOT NULL REFERENCES users (id),
    scan                 BLOB,
    scan_mime            TEXT,
    scan_sha256          TEXT,
    withdrawn_on         TEXT,
    withdrawal_note      TEXT,
    created_at           TEXT NOT NULL
);
CREATE INDEX consents_case ON consents (case_id);

CREATE TABLE meetings (
    id             TEXT PRIMARY KEY,
    meeting_date   TEXT NOT NULL,
    composition_id TEXT NOT NULL REFERENCES compositions (id),
    state          TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);

CREATE TABLE meeting_attendance (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE agenda_items (
    meeting_id  TEXT NOT NULL REFERENCES meetings (id),
    case_id     TEXT NOT NULL REFERENCES cases (id),
    window_from TEXT NOT NULL,
    window_to   TEXT NOT NULL,
    dose        TEXT NOT NULL,
    route       TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_id)
);

CREATE TABLE recusals (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    case_id    TEXT NOT NULL REFERENCES cases (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_id, user_id)
);

CREATE TABLE votes (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    case_id    TEXT NOT NULL REFERENCES cases (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    choice     TEXT NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    reason     TEXT,
    cast_at    TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_id, user_id)
);

CREATE TABLE decisions (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    year              INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    case_id           TEXT NOT NULL REFERENCES cases (id),
    meeting_id        TEXT NOT NULL REFERENCES meetings (id),
    outcome           TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected', 'deferred')),
    decided_on        TEXT NOT NULL,
    setting           TEXT NOT NULL CHECK (setting IN ('inpatient', 'day_hospital')),
    department        TEXT NOT NULL,
    window_from       TEXT NOT NULL,
    window_to         TEXT NOT NULL,
    dose              TEXT NOT NULL,
    route             TEXT NOT NULL,
    composition_size  INTEGER NOT NULL,
    present           INTEGER NOT NULL,
    recused           INTEGER NOT NULL,
    votes_for         INTEGER NOT NULL,
    votes_against     INTEGER NOT NULL,
    votes_abstain     INTEGER NOT NULL,
    threshold         INTEGER NOT NULL,
    supersedes        TEXT UNIQUE REFERENCES decisions (id),
    correction_reason TEXT,
    created_by        TEXT NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX decisions_case ON decisions (case_id);

-- An adopted decision is a legal document: it is never changed or removed. A correction is a new decision
-- that names the one it supersedes.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are immutable'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are immutable'); END;

CREATE TABLE administrations (
    id              TEXT PRIMARY KEY,
    decision_id     TEXT NOT NULL UNIQUE REFERENCES decisions (id),
    case_id         TEXT NOT NULL REFERENCES cases (id),
    administered_at TEXT NOT NULL,
    setting         TEXT NOT NULL CHECK (setting IN ('inpatient', 'day_hospital')),
    department      TEXT NOT NULL,
    dose            TEXT NOT NULL,
    route           TEXT NOT NULL,
    batch           TEXT NOT NULL,
    staff           TEXT NOT NULL,
    recorded_by     TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL
);

CREATE TABLE adverse_reactions (
    id                TEXT PRIMARY KEY,
    administration_id TEXT NOT NULL REFERENCES administrations (id),
    description       TEXT NOT NULL,
    onset_on          TEXT NOT NULL,
    seriousness       TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    causality         TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    digest    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
