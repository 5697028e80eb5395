-- The clinic's certificate authority, each user's signing key and certificate, and decision documents
-- with their signatures.

-- The root certificate (one row) and its private key sealed once per administrator under their password.
CREATE TABLE ca_root (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    cert_der   BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE ca_key_copies (
    user_id    TEXT PRIMARY KEY REFERENCES users (id),
    sealed_key BLOB NOT NULL
);

-- A user's signing certificates; the newest unrevoked one is current. The private key is sealed under a key
-- derived from the user's own password.
CREATE TABLE certificates (
    serial      TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    cert_der    BLOB NOT NULL,
    sealed_key  BLOB NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    revoked_at  TEXT,
    revoked_by  TEXT REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX certificates_user ON certificates (user_id);

-- A decision's PDF: rendered once (unsigned, with the digest its QR code carries), then grown by one
-- incremental update per signature. `signed_sha256` is set when every required signer has signed; from then
-- on the bytes never change.
CREATE TABLE decision_documents (
    decision_id    TEXT PRIMARY KEY REFERENCES decisions (id),
    content_sha256 TEXT NOT NULL,
    pdf            BLOB NOT NULL,
    -- Where each signer's signature shows, in signing order: JSON [[page, x1, y1, x2, y2], ...].
    signature_boxes TEXT NOT NULL,
    signed_sha256  TEXT,
    signed_at      TEXT,
    created_at     TEXT NOT NULL
);
CREATE TRIGGER decision_documents_final BEFORE UPDATE ON decision_documents
WHEN OLD.signed_sha256 IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a fully signed decision document is immutable'); END;
CREATE TRIGGER decision_documents_no_delete BEFORE DELETE ON decision_documents
BEGIN SELECT RAISE(ABORT, 'decision documents are never deleted'); END;

CREATE TABLE document_signatures (
    decision_id TEXT NOT NULL REFERENCES decisions (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    serial      TEXT NOT NULL REFERENCES certificates (serial),
    seq         INTEGER NOT NULL,
    signed_at   TEXT NOT NULL,
    PRIMARY KEY (decision_id, user_id),
    UNIQUE (decision_id, seq)
);

-- Consent and administration records as signed PDFs (one signature: the physician who recorded them).
CREATE TABLE record_documents (
    kind           TEXT NOT NULL CHECK (kind IN ('consent', 'administration')),
    subject_id     TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    pdf            BLOB NOT NULL,
    signed_sha256  TEXT NOT NULL,
    signer_id      TEXT NOT NULL REFERENCES users (id),
    serial         TEXT NOT NULL REFERENCES certificates (serial),
    signed_at      TEXT NOT NULL,
    PRIMARY KEY (kind, subject_id)
);
CREATE TRIGGER record_documents_no_update BEFORE UPDATE ON record_documents
BEGIN SELECT RAISE(ABORT, 'signed records are immutable'); END;
CREATE TRIGGER record_documents_no_delete BEFORE DELETE ON record_documents
BEGIN SELECT RAISE(ABORT, 'signed records are immutable'); END;
