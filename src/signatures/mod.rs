//! Signing the record's documents. A decision's PDF is rendered once, when its first signer signs, and
//! stored with the digest its QR code carries; each required signer (the secretary, every member who voted,
//! the presiding member last) then adds a PAdES signature as an incremental update, unlocking their own key
//! with their password. Once everyone has signed, the bytes are final and their SHA-256 is kept; until then
//! no administration may rely on the decision.
mod turns;

use turns::Doc;

/// Who must sign a meeting's protocol and who has.
pub fn minutes_status(conn: &Connection, meeting_id: Uuid) -> Result<SignatureStatus> {
    turns::status(conn, Doc::Minutes(meeting_id))
}

/// The meeting's protocol as stored (and whether it is final); `None` before its first signature.
pub fn minutes_pdf(conn: &Connection, meeting_id: Uuid) -> Result<Option<(Vec<u8>, bool)>> {
    turns::pdf(conn, Doc::Minutes(meeting_id))
}

/// The actor signs the closed meeting's protocol with their own key, unlocked by `password`, in turn: the same
/// signers in the same order as a decision.
pub fn sign_minutes<'s>(
    db: &mut Db,
    actor: &Actor,
    meeting_id: Uuid,
    secret: impl Into<Secret<'s>>,
    lang: Lang,
) -> Result<SignatureStatus> {
    sign_in_turn(db, actor, Doc::Minutes(meeting_id), secret.into(), lang)
}

use crate::audit;
use crate::commission::Seat;
use crate::db::{Db, Tx};
use crate::documents;
use crate::error::{Error, Result, Rule};
use crate::i18n::{tr, Lang};
use crate::people::Actor;
use crate::pki;
pub use crate::pki::outside::Secret;
use crate::signing::pades::{self, Appearance, SignRequest, SignatureCheck};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct SignatureStatus {
    /// Required signers in signing order, with the time each signed (if they have).
    pub signers: Vec<(Seat, Option<String>)>,
    /// The certificate serial each signer who signed used (hex), by login: how a signature in the PDF is
    /// matched to its signer when an outside certificate's name is not the user's.
    pub serials: Vec<(String, String)>,
    pub complete: bool,
    pub signed_sha256: Option<String>,
}

/// Who must sign a decision and who has.
pub fn status(conn: &Connection, decision_id: Uuid) -> Result<SignatureStatus> {
    turns::status(conn, Doc::Decision(decision_id))
}

/// Decisions waiting for `user_id`'s signature now (they are a required signer who has not signed, and the
/// order lets them sign next), oldest first: the work list for signing in a batch.
pub fn awaiting(conn: &Connection, user_id: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare(
        "SELECT d.id FROM decisions d LEFT JOIN decision_documents dd ON dd.decision_id = d.id
         WHERE dd.signed_sha256 IS NULL ORDER BY d.year, d.seq",
    )?;
    let open: Vec<Uuid> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut ready = Vec::new();
    for id in open {
        if next_position(&status(conn, id)?, user_id).is_ok() {
            ready.push(id);
        }
    }
    Ok(ready)
}

/// Whether `user_id` may sign the decision now (a required signer, not yet signed, their turn).
pub fn may_sign_now(conn: &Connection, decision_id: Uuid, user_id: Uuid) -> Result<bool> {
    Ok(next_position(&status(conn, decision_id)?, user_id).is_ok())
}

/// Where `user_id` stands among the signers, if the order lets them sign now: not yet signed, a required
/// signer, and the presiding member only once everyone else has signed.
pub(crate) fn next_position(s: &SignatureStatus, user_id: Uuid) -> Result<usize> {
    if s.complete {
        return Err(Error::Refused(Rule::AlreadySigned));
    }
    let Some(position) = s.signers.iter().position(|(seat, _)| seat.user_id == user_id) else {
        return Err(Error::Refused(Rule::NotASigner));
    };
    if s.signers[position].1.is_some() {
        return Err(Error::Refused(Rule::AlreadySigned));
    }
    let last = position == s.signers.len() - 1;
    let others_pending = s.signers.iter().enumerate().any(|(i, (_, at))| i != position && at.is_none());
    if last && others_pending {
        return Err(Error::Refused(Rule::PresidingSignsLast));
    }
    Ok(position)
}

/// Whether every required signer has signed the decision (its final bytes are stored).
pub fn is_signed(conn: &Connection, decision_id: Uuid) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT signed_sha256 IS NOT NULL FROM decision_documents WHERE decision_id = ?1",
            [decision_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// Refuses unless every required signer has signed the decision (used before an administration).
pub(crate) fn require_signed(conn: &Connection, decision_id: Uuid) -> Result<()> {
    if is_signed(conn, decision_id)? {
        Ok(())
    } else {
        Err(Error::Refused(Rule::DecisionUnsigned))
    }
}

/// The visible signature in the signer's row of the signature table: the signer's short name, the signing
/// time and the certificate's number, typeset with the document's font. `boxes` are the stored signature
/// boxes (page, x1, y1, x2, y2); public for the documents benchmark, which signs as the clinic does.
pub fn appearance(boxes: &[[f32; 5]], position: usize, lines: &[String]) -> Result<Option<Appearance>> {
    let Some(b) = boxes.get(position) else { return Ok(None) };
    let inset = 1.0;
    let rect = [b[1] + inset, b[2] + inset, b[3] - inset, b[4] - inset];
    let stamp = documents::stamp(lines, rect[2] - rect[0], rect[3] - rect[1])?;
    Ok(Some(Appearance { page: b[0] as usize, rect, stamp }))
}

/// The actor signs the decision with their own key, unlocked by `password`.
pub fn sign_decision<'s>(
    db: &mut Db,
    actor: &Actor,
    decision_id: Uuid,
    secret: impl Into<Secret<'s>>,
    lang: Lang,
) -> Result<SignatureStatus> {
    sign_in_turn(db, actor, Doc::Decision(decision_id), secret.into(), lang)
}

/// Signs `doc` in turn. Before the write lock, so that other writers do not wait for them: the order (a signer
/// out of turn learns it without the wait), unsealing the key (argon2id) or logging in to the token, rendering
/// the PDF for the first signature, and the signature itself. The order and the document are checked again
/// inside the transaction.
fn sign_in_turn(db: &mut Db, actor: &Actor, doc: Doc, secret: Secret, lang: Lang) -> Result<SignatureStatus> {
    doc.require_ready(db.conn())?;
    next_position(&turns::status(db.conn(), doc)?, actor.id())?;
    let key = pki::outside::unlock(db.conn(), actor.id(), secret, db.clock().now().with_timezone(&Utc))?;
    // Signed outside the write lock (a token, or the external tool with its own PIN prompt, may take a while),
    // then stored if nobody signed in between; if somebody did, signed again over the new document.
    let mut attempt = 1;
    loop {
        let prepared = turns::prepare(db.conn(), actor, &key, doc, lang, db.clock().now())?;
        match db.tx(|tx| turns::commit(tx, actor, &key, doc, &prepared)) {
            Err(Error::Refused(Rule::DocumentChanged)) if attempt < 3 => attempt += 1,
            other => return other,
        }
    }
}

/// Adds the actor's signature (with their unlocked key) to the decision's PDF, in turn, inside `tx`.
pub(crate) fn add_signature(
    tx: &Tx,
    actor: &Actor,
    key: &pki::outside::Unlocked,
    decision_id: Uuid,
    lang: Lang,
) -> Result<SignatureStatus> {
    turns::add(tx, actor, key, Doc::Decision(decision_id), lang)
}

/// A record that the physician who made it signs: a consent or an administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Consent,
    Administration,
}

impl RecordKind {
    fn code(self) -> &'static str {
        match self {
            RecordKind::Consent => "consent",
            RecordKind::Administration => "administration",
        }
    }
}

/// Renders and signs a consent or administration record; only the physician who recorded it signs, once. The
/// signature is made outside the write lock (a token or the external tool may take a while); the transaction
/// stores it unless the record was signed meanwhile.
pub fn sign_record<'s>(
    db: &mut Db,
    actor: &Actor,
    kind: RecordKind,
    id: Uuid,
    secret: impl Into<Secret<'s>>,
    lang: Lang,
) -> Result<()> {
    let conn = db.conn();
    let (sheet, author): (documents::RecordSheet, Uuid) = match kind {
        RecordKind::Consent => {
            let author = crate::consent::get(conn, id)?.informing_physician;
            (documents::consent_sheet(conn, id, lang)?, author)
        }
        RecordKind::Administration => {
            let author = conn
                .query_row("SELECT recorded_by FROM administrations WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(Error::NotFound { entity: "administration", id: id.to_string() })?;
            (documents::administration_sheet(conn, id, lang)?, author)
        }
    };
    if author != actor.id() {
        return Err(Error::Refused(Rule::NotASigner));
    }
    if record_pdf(conn, kind, id)?.is_some() {
        return Err(Error::Refused(Rule::AlreadySigned));
    }
    let now = db.clock().now();
    let key = pki::outside::unlock(conn, actor.id(), secret.into(), now.with_timezone(&Utc))?;
    let (rendered, signed) = sign_sheet(conn, actor, &key, &sheet, lang, now)?;
    db.tx(|tx| {
        if record_pdf(tx, kind, id)?.is_some() {
            return Err(Error::Refused(Rule::AlreadySigned));
        }
        tx.execute(
            "INSERT INTO record_documents (kind, subject_id, content_sha256, pdf, signed_sha256, signer_id, serial,
                 signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                kind.code(),
                id,
                rendered.content_sha256,
                signed,
                crate::digest::sha256_hex(&signed),
                actor.id(),
                key.serial(),
                now.to_rfc3339()
            ],
        )?;
        audit::record(tx, actor, &format!("{}.sign", kind.code()), kind.code(), &id.to_string(), &key.serial())
    })
}

/// One signer's document: renders `sheet` and signs it with the actor's unlocked key, claiming `time`.
/// Returns the rendering and the signed bytes.
pub(crate) fn sign_sheet(
    conn: &Connection,
    actor: &Actor,
    key: &pki::outside::Unlocked,
    sheet: &documents::RecordSheet,
    lang: Lang,
    time: chrono::DateTime<chrono::FixedOffset>,
) -> Result<(documents::Rendered, Vec<u8>)> {
    let rendered = documents::render_record(sheet, lang)?;
    let root = pki::root_cert(conn)?;
    let field = format!("{} 1", tr(lang, "doc.signature_field", &[]));
    let signed = key.sign(&root, |signer, chain| {
        pades::sign(
            &rendered.pdf,
            &SignRequest {
                signer,
                chain,
                field_name: &field,
                signer_name: &actor.full_name,
                reason: &sheet.title,
                location: &sheet.org.name,
                time,
                appearance: None,
            },
        )
    })?;
    Ok((rendered, signed))
}

/// A signed consent or administration record, if it has been signed.
pub fn record_pdf(conn: &Connection, kind: RecordKind, id: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT pdf FROM record_documents WHERE kind = ?1 AND subject_id = ?2",
            params![kind.code(), id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The decision's PDF as stored (signed or partly signed), and whether every required signature is on it.
pub fn decision_pdf(conn: &Connection, decision_id: Uuid) -> Result<Option<(Vec<u8>, bool)>> {
    turns::pdf(conn, Doc::Decision(decision_id))
}

/// Checks every signature in `pdf` against the clinic's root and its revocation list.
pub fn verify(pdf: &[u8], root_der: &[u8], revoked: &[String]) -> Result<Vec<SignatureCheck>> {
    Ok(pades::verify(pdf, root_der, revoked)?)
}

/// Checks against what the database trusts: the clinic root and its revocation list, the imported roots, and
/// OpenSSL's gost engine for GOST signatures.
pub fn verify_with_db(conn: &Connection, pdf: &[u8]) -> Result<Vec<SignatureCheck>> {
    let store = pki::outside::TrustStore::read(conn)?;
    Ok(pades::verify_trusting(pdf, &store.trust())?)
}
