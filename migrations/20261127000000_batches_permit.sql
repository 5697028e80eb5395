-- Issue 6: batches with their chain-of-identity code and production stages, the quality-control journal, the
-- permit's status history, the application tracker and the evidence for the organization's requirements.

-- A batch is made for exactly one patient and one case. `code` (patient code + product + batch number) is
-- printed on the label and typed or scanned at the bedside. Expiry and storage are set at release.
CREATE TABLE batches (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    product_code TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number > 0),
    expires_on   TEXT,
    storage      TEXT,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    UNIQUE (patient_id, product_code, number)
);
CREATE INDEX batches_case ON batches (case_id);

-- Every stage of production is documented: who, when, where and the result (Resolution 213). Stages are
-- appended, never changed; a disposal also records quantity, method and reason.
CREATE TABLE batch_stages (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    stage       TEXT NOT NULL CHECK (stage IN ('collection', 'genetic_study', 'manufacture', 'quality_control',
                    'release', 'storage', 'transport', 'administration', 'disposal')),
    done_at     TEXT NOT NULL,
    place       TEXT NOT NULL,
    result      TEXT NOT NULL,
    quantity    TEXT,
    method      TEXT,
    done_by     TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX batch_stages_batch ON batch_stages (batch_id, done_at);
CREATE TRIGGER batch_stages_append_only_u BEFORE UPDATE ON batch_stages
BEGIN SELECT RAISE(ABORT, 'batch stages are never changed'); END;
CREATE TRIGGER batch_stages_append_only_d BEFORE DELETE ON batch_stages
BEGIN SELECT RAISE(ABORT, 'batch stages are never deleted'); END;

-- The quality-control journal: a test is planned with its specification and method, then its result is
-- recorded once by an analyst and never changed.
CREATE TABLE qc_tests (
    id            TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batches (id),
    name          TEXT NOT NULL,
    specification TEXT NOT NULL,
    method        TEXT NOT NULL,
    required      INTEGER NOT NULL DEFAULT 1,
    result        TEXT,
    passed        INTEGER,
    analyst_id    TEXT REFERENCES users (id),
    tested_on     TEXT,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    CHECK ((result IS NULL) = (passed IS NULL))
);
CREATE INDEX qc_tests_batch ON qc_tests (batch_id);
CREATE TRIGGER qc_results_final BEFORE UPDATE ON qc_tests WHEN OLD.result IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a recorded QC result is never changed'); END;
CREATE TRIGGER qc_tests_kept BEFORE DELETE ON qc_tests
BEGIN SELECT RAISE(ABORT, 'QC tests are never deleted'); END;

-- The permit's status history: granted, confirmed (every 5 years), suspended, reinstated, revoked.
CREATE TABLE permit_events (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('granted', 'confirmed', 'suspended', 'reinstated', 'revoked')),
    on_date     TEXT NOT NULL,
    reference   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);

-- Applications to the Ministry of Health (a permit, its confirmation or a change) and their steps.
CREATE TABLE permit_applications (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('permit', 'confirmation', 'change')),
    reference    TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE TABLE application_steps (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES permit_applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('submitted', 'ministry_request', 'clinic_answer',
                       'expert_referral', 'expert_conclusion', 'decision')),
    on_date        TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL
);
CREATE INDEX application_steps_app ON application_steps (application_id, on_date);

-- Evidence that the organization meets a requirement (licence, ICU, research, trials, premises, device).
CREATE TABLE requirement_evidence (
    id          TEXT PRIMARY KEY,
    requirement TEXT NOT NULL,
    title       TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    valid_until TEXT,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX requirement_evidence_req ON requirement_evidence (requirement);
