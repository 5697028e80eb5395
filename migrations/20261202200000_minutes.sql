-- Issue 16. The protocol of a whole meeting, as one PDF signed by the same signers in the same order as a
-- decision (the secretary, every member who voted, the presiding member last), rendered when its first signer
-- signs after the meeting closed; final and immutable once everyone has signed.
CREATE TABLE minutes_documents (
    meeting_id      TEXT PRIMARY KEY REFERENCES meetings (id),
    content_sha256  TEXT NOT NULL,
    pdf             BLOB NOT NULL,
    signature_boxes TEXT NOT NULL,
    signed_sha256   TEXT,
    signed_at       TEXT,
    created_at      TEXT NOT NULL
);
CREATE TRIGGER minutes_documents_final BEFORE UPDATE ON minutes_documents
WHEN OLD.signed_sha256 IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a fully signed meeting protocol is immutable'); END;
CREATE TRIGGER minutes_documents_no_delete BEFORE DELETE ON minutes_documents
BEGIN SELECT RAISE(ABORT, 'a meeting protocol is never deleted'); END;

CREATE TABLE minutes_signatures (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    serial     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    signed_at  TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE TRIGGER minutes_signatures_no_update BEFORE UPDATE ON minutes_signatures
BEGIN SELECT RAISE(ABORT, 'a signature is never changed'); END;
CREATE TRIGGER minutes_signatures_no_delete BEFORE DELETE ON minutes_signatures
BEGIN SELECT RAISE(ABORT, 'a signature is never removed'); END;
