-- Issue 19. Signatures with the keys clinicians already carry.
-- How a member signs, when not with the clinic key (no row): a certificate on a PKCS#11 token (its serial and
-- the key's CKA_ID), or the clinic's external signing command (GOST through CryptoPro). The chosen certificate
-- is kept, so the command's output and the token's key are checked against it at every signature.
CREATE TABLE signing_methods (
    user_id      BLOB PRIMARY KEY REFERENCES users (id),
    method       TEXT NOT NULL CHECK (method IN ('token', 'external')),
    token_serial TEXT,
    key_id       BLOB,
    cert_der     BLOB NOT NULL,
    cert_sha256  TEXT NOT NULL,
    chosen_at    TEXT NOT NULL,
    CHECK (method = 'external' OR (token_serial IS NOT NULL AND key_id IS NOT NULL))
);

-- Who an outside certificate may belong to, recorded by an administrator: the member's СНИЛС (a qualified
-- certificate carries its holder's) or a certificate's SHA-256. A member can choose only a certificate that
-- matches one of these, so nobody signs as someone else.
CREATE TABLE signer_identities (
    user_id     BLOB PRIMARY KEY REFERENCES users (id),
    snils       TEXT UNIQUE,
    cert_sha256 TEXT UNIQUE,
    recorded_at TEXT NOT NULL,
    CHECK (snils IS NOT NULL OR cert_sha256 IS NOT NULL)
);

-- Roots an administrator imported (the accredited CAs the clinic's members hold certificates from). A
-- signature whose certificate chains to none of them nor to the clinic root is never shown as valid.
CREATE TABLE trusted_roots (
    sha256      TEXT PRIMARY KEY,
    cert_der    BLOB NOT NULL,
    subject     TEXT NOT NULL,
    imported_by BLOB NOT NULL REFERENCES users (id),
    imported_at TEXT NOT NULL
);

-- A signature row names the certificate that signed by its serial. Until now that was always one of the
-- clinic's own (a foreign key to `certificates`); a token's or a qualified certificate is not, so both tables
-- are rebuilt without that key, every row kept with its rowid (and so its seal) as it was. The chosen
-- certificate itself is in `signing_methods` and in the signed PDF.
CREATE TABLE document_signatures_v2 (
    decision_id TEXT NOT NULL REFERENCES decisions (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    serial      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    signed_at   TEXT NOT NULL,
    PRIMARY KEY (decision_id, user_id),
    UNIQUE (decision_id, seq)
);
INSERT INTO document_signatures_v2 (rowid, decision_id, user_id, serial, seq, signed_at)
    SELECT rowid, decision_id, user_id, serial, seq, signed_at FROM document_signatures;
DROP TABLE document_signatures;
ALTER TABLE document_signatures_v2 RENAME TO document_signatures;

CREATE TABLE record_documents_v2 (
    kind           TEXT NOT NULL CHECK (kind IN ('consent', 'administration')),
    subject_id     TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    pdf            BLOB NOT NULL,
    signed_sha256  TEXT NOT NULL,
    signer_id      TEXT NOT NULL REFERENCES users (id),
    serial         TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    PRIMARY KEY (kind, subject_id)
);
INSERT INTO record_documents_v2 (rowid, kind, subject_id, content_sha256, pdf, signed_sha256, signer_id, serial,
        signed_at)
    SELECT rowid, kind, subject_id, content_sha256, pdf, signed_sha256, signer_id, serial, signed_at
    FROM record_documents;
DROP TABLE record_documents;
ALTER TABLE record_documents_v2 RENAME TO record_documents;
CREATE TRIGGER record_documents_no_update BEFORE UPDATE ON record_documents
BEGIN SELECT RAISE(ABORT, 'signed records are immutable'); END;
CREATE TRIGGER record_documents_no_delete BEFORE DELETE ON record_documents
BEGIN SELECT RAISE(ABORT, 'signed records are immutable'); END;

-- Outside certificates an administrator revoked (a lost token, a certificate its CA withdrew), by SHA-256:
-- they no longer sign, and signatures made with them show as revoked (the clinic has no CRL or OCSP client).
CREATE TABLE outside_revocations (
    cert_sha256 TEXT PRIMARY KEY,
    revoked_by  BLOB NOT NULL REFERENCES users (id),
    revoked_at  TEXT NOT NULL
);
