//! Signing the record's documents. A decision's PDF is rendered once, when its first signer signs, and
//! stored with the digest its QR code carries; each required signer (the secretary, every member who voted,
//! the presiding member last) then adds a PAdES signature as an incremental update, unlocking their own key
//! with their password. Once everyone has signed, the bytes are final and their SHA-256 is kept; until then
//! no administration may rely on the decision.
mod minutes;

pub use minutes::{minutes_pdf, minutes_status, sign_minutes};

use crate::audit;
use crate::commission::{self, Seat};
use crate::db::{Db, Tx};
use crate::documents;
use crate::error::{Error, Result, Rule};
use crate::i18n::{tr, Lang};
use crate::people::Actor;
use crate::pki;
use crate::signing::pades::{self, Appearance, SignRequest, SignatureCheck};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct SignatureStatus {
    /// Required signers in signing order, with the time each signed (if they have).
    pub signers: Vec<(Seat, Option<String>)>,
    pub complete: bool,
    pub signed_sha256: Option<String>,
}

/// Who must sign a decision and who has.
pub fn status(conn: &Connection, decision_id: Uuid) -> Result<SignatureStatus> {
    let d = commission::decision(conn, decision_id)?;
    let protocol = commission::protocol(conn, d.meeting_id, d.case_id)?;
    let mut signers = Vec::new();
    for seat in protocol.signers {
        let at: Option<String> = conn
            .query_row(
                "SELECT signed_at FROM document_signatures WHERE decision_id = ?1 AND user_id = ?2",
                params![decision_id, seat.user_id],
                |r| r.get(0),
            )
            .optional()?;
        signers.push((seat, at));
    }
    let signed_sha256: Option<String> = conn
        .query_row("SELECT signed_sha256 FROM decision_documents WHERE decision_id = ?1", [decision_id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(SignatureStatus { complete: signed_sha256.is_some(), signers, signed_sha256 })
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

fn has_document(conn: &Connection, decision_id: Uuid) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM decision_documents WHERE decision_id = ?1)",
        [decision_id],
        |r| r.get(0),
    )?)
}

fn render(conn: &Connection, decision_id: Uuid, lang: Lang) -> Result<documents::Rendered> {
    let d = commission::decision(conn, decision_id)?;
    documents::render_decision(&documents::decision_sheet(conn, &d)?, lang)
}

/// The stored PDF and the signature boxes; stored on first use, from `rendered` when the caller rendered it
/// already (outside the write lock), else rendered here. A decision and its protocol no longer change once
/// adopted, so a rendering made a moment earlier is the same document.
fn stored_pdf(
    tx: &Tx,
    decision_id: Uuid,
    lang: Lang,
    rendered: Option<documents::Rendered>,
) -> Result<(Vec<u8>, Vec<[f32; 5]>)> {
    let row: Option<(Vec<u8>, String)> = tx
        .query_row("SELECT pdf, signature_boxes FROM decision_documents WHERE decision_id = ?1", [decision_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((pdf, boxes)) = row {
        return Ok((pdf, serde_json::from_str(&boxes).unwrap_or_default()));
    }
    let rendered = match rendered {
        Some(r) => r,
        None => render(tx, decision_id, lang)?,
    };
    let boxes: Vec<[f32; 5]> =
        rendered.signature_boxes.iter().map(|b| [b.page as f32, b.x, b.y, b.x + b.w, b.y + b.h]).collect();
    tx.execute(
        "INSERT INTO decision_documents (decision_id, content_sha256, pdf, signature_boxes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            decision_id,
            rendered.content_sha256,
            rendered.pdf,
            serde_json::to_string(&boxes).unwrap_or_default(),
            tx.now_text()
        ],
    )?;
    audit::append(tx, "system", "document.render", "decision", &decision_id.to_string(), &rendered.content_sha256)?;
    Ok((rendered.pdf, boxes))
}

/// The visible signature in the signer's row of the signature table: signing time and certificate number.
pub(crate) fn appearance(boxes: &[[f32; 5]], position: usize, time: &str, serial: &str) -> Option<Appearance> {
    let b = boxes.get(position)?;
    let inset = 1.0;
    Some(Appearance {
        page: b[0] as usize,
        rect: [b[1] + inset, b[2] + inset, b[3] - inset, b[4] - inset],
        lines: vec![time.to_string(), format!("No {serial}")],
    })
}

/// The actor signs the decision with their own key, unlocked by `password`.
pub fn sign_decision(
    db: &mut Db,
    actor: &Actor,
    decision_id: Uuid,
    password: &str,
    lang: Lang,
) -> Result<SignatureStatus> {
    // Before the write lock, so that other writers do not wait for them: the order (a signer out of turn learns
    // it without the wait), unsealing the key (argon2id) and, for the first signature, rendering the PDF. The
    // order is checked again inside the transaction.
    let conn = db.conn();
    next_position(&status(conn, decision_id)?, actor.id())?;
    let key = pki::unlock_signing_key(conn, actor.id(), password, db.clock().now().with_timezone(&Utc))?;
    let rendered = if has_document(conn, decision_id)? { None } else { Some(render(conn, decision_id, lang)?) };
    db.tx(|tx| add_signature(tx, actor, &key, decision_id, lang, rendered))
}

/// Adds the actor's signature (with their unlocked key) to the decision's PDF, in turn.
pub(crate) fn add_signature(
    tx: &Tx,
    actor: &Actor,
    key: &pki::SigningKey,
    decision_id: Uuid,
    lang: Lang,
    rendered: Option<documents::Rendered>,
) -> Result<SignatureStatus> {
    let before = status(tx, decision_id)?;
    let position = next_position(&before, actor.id())?;
    let others_pending = before.signers.iter().enumerate().any(|(i, (_, at))| i != position && at.is_none());
    let (pdf, boxes) = stored_pdf(tx, decision_id, lang, rendered)?;
    let seat = &before.signers[position].0;
    let seq = before.signers.iter().filter(|(_, at)| at.is_some()).count() + 1;
    let d = commission::decision(tx, decision_id)?;
    let chain = vec![pki::root_cert(tx)?];
    let field = format!("{} {seq}", tr(lang, "doc.signature_field", &[]));
    let reason = tr(
        lang,
        "doc.signature_reason",
        &[("number", d.number.clone()), ("role", tr(lang, &format!("seat.{}", seat.role.code()), &[]))],
    );
    let location = crate::org::get(tx)?.name;
    let signed = pades::sign(
        &pdf,
        &SignRequest {
            cert_der: &key.cert_der,
            key: &key.key,
            chain: &chain,
            field_name: &field,
            signer_name: &seat.full_name,
            reason: &reason,
            location: &location,
            time: tx.now(),
            appearance: appearance(
                &boxes,
                position,
                &tx.now().format("%d.%m.%Y %H:%M:%S %:z").to_string(),
                &key.serial,
            ),
        },
    )?;
    tx.execute("UPDATE decision_documents SET pdf = ?1 WHERE decision_id = ?2", params![signed, decision_id])?;
    tx.execute(
        "INSERT INTO document_signatures (decision_id, user_id, serial, seq, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![decision_id, actor.id(), key.serial, seq as i64, tx.now_text()],
    )?;
    if !others_pending {
        tx.execute(
            "UPDATE decision_documents SET signed_sha256 = ?1, signed_at = ?2 WHERE decision_id = ?3",
            params![documents::sha256_hex(&signed), tx.now_text(), decision_id],
        )?;
    }
    audit::record(tx, actor, "decision.sign", "decision", &decision_id.to_string(), &(&key.serial, seq))?;
    status(tx, decision_id)
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

/// Renders and signs a consent or administration record; only the physician who recorded it signs, once.
pub fn sign_record(db: &mut Db, actor: &Actor, kind: RecordKind, id: Uuid, password: &str, lang: Lang) -> Result<()> {
    db.tx(|tx| {
        let (sheet, author): (documents::RecordSheet, Uuid) = match kind {
            RecordKind::Consent => {
                let author = crate::consent::get(tx, id)?.informing_physician;
                (documents::consent_sheet(tx, id, lang)?, author)
            }
            RecordKind::Administration => {
                let author = tx
                    .query_row("SELECT recorded_by FROM administrations WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?
                    .ok_or(Error::NotFound { entity: "administration", id: id.to_string() })?;
                (documents::administration_sheet(tx, id, lang)?, author)
            }
        };
        if author != actor.id() {
            return Err(Error::Refused(Rule::NotASigner));
        }
        if record_pdf(tx, kind, id)?.is_some() {
            return Err(Error::Refused(Rule::AlreadySigned));
        }
        let (rendered, signed, key) = sign_sheet(tx, actor, password, &sheet, lang)?;
        tx.execute(
            "INSERT INTO record_documents (kind, subject_id, content_sha256, pdf, signed_sha256, signer_id, serial,
                 signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                kind.code(),
                id,
                rendered.content_sha256,
                signed,
                documents::sha256_hex(&signed),
                actor.id(),
                key,
                tx.now_text()
            ],
        )?;
        audit::record(tx, actor, &format!("{}.sign", kind.code()), kind.code(), &id.to_string(), &key)
    })
}

/// One signer's document: renders `sheet` and signs it with the actor's key (unlocked by `password`).
/// Returns the rendering, the signed bytes and the serial of the certificate used.
pub(crate) fn sign_sheet(
    tx: &Tx,
    actor: &Actor,
    password: &str,
    sheet: &documents::RecordSheet,
    lang: Lang,
) -> Result<(documents::Rendered, Vec<u8>, String)> {
    let key = pki::unlock_signing_key(tx, actor.id(), password, tx.now().with_timezone(&Utc))?;
    let rendered = documents::render_record(sheet, lang)?;
    let chain = vec![pki::root_cert(tx)?];
    let field = format!("{} 1", tr(lang, "doc.signature_field", &[]));
    let signed = pades::sign(
        &rendered.pdf,
        &SignRequest {
            cert_der: &key.cert_der,
            key: &key.key,
            chain: &chain,
            field_name: &field,
            signer_name: &actor.full_name,
            reason: &sheet.title,
            location: &sheet.org.name,
            time: tx.now(),
            appearance: None,
        },
    )?;
    Ok((rendered, signed, key.serial))
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
    Ok(conn
        .query_row(
            "SELECT pdf, signed_sha256 IS NOT NULL FROM decision_documents WHERE decision_id = ?1",
            [decision_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Checks every signature in `pdf` against the clinic's root and its revocation list.
pub fn verify(pdf: &[u8], root_der: &[u8], revoked: &[String]) -> Result<Vec<SignatureCheck>> {
    Ok(pades::verify(pdf, root_der, revoked)?)
}

/// Checks against the root and revocation list stored in the database.
pub fn verify_with_db(conn: &Connection, pdf: &[u8]) -> Result<Vec<SignatureCheck>> {
    verify(pdf, &pki::root_cert(conn)?, &pki::revoked_serials(conn)?)
}
