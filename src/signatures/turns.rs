//! What a decision's extract and a meeting's protocol share: rendered once when the first signer signs, then
//! signed in turn by the commission's signers (PAdES incremental updates), final once everyone has signed.
//! Only the storage tables, the signers and the rendering differ between the two.
use super::{appearance, next_position, SignatureStatus};
use crate::audit;
use crate::commission::{self, Seat};
use crate::db::Tx;
use crate::documents;
use crate::error::{Error, Result, Rule};
use crate::i18n::{tr, Lang};
use crate::people::Actor;
use crate::pki;
use crate::signing::pades::{self, SignRequest};
use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

/// The tables of a kind of document (its documents and its signatures, both keyed by `key`) and its audit names.
struct Store {
    table: &'static str,
    signatures: &'static str,
    key: &'static str,
    entity: &'static str,
    rendered: &'static str,
    signed: &'static str,
}

/// A document the commission signs in turn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Doc {
    Decision(Uuid),
    Minutes(Uuid),
}

impl Doc {
    fn id(self) -> Uuid {
        match self {
            Doc::Decision(id) | Doc::Minutes(id) => id,
        }
    }

    /// Where it is kept and how the audit trail names it.
    fn store(self) -> Store {
        match self {
            Doc::Decision(_) => Store {
                table: "decision_documents",
                signatures: "document_signatures",
                key: "decision_id",
                entity: "decision",
                rendered: "document.render",
                signed: "decision.sign",
            },
            Doc::Minutes(_) => Store {
                table: "minutes_documents",
                signatures: "minutes_signatures",
                key: "meeting_id",
                entity: "meeting",
                rendered: "minutes.render",
                signed: "minutes.sign",
            },
        }
    }

    fn signers(self, conn: &Connection) -> Result<Vec<Seat>> {
        match self {
            Doc::Decision(id) => {
                let d = commission::decision(conn, id)?;
                Ok(commission::protocol(conn, d.meeting_id, d.case_id)?.signers)
            }
            Doc::Minutes(id) => Ok(commission::minutes(conn, id)?.signers),
        }
    }

    pub(crate) fn render(self, conn: &Connection, lang: Lang) -> Result<documents::Rendered> {
        match self {
            Doc::Decision(id) => {
                let d = commission::decision(conn, id)?;
                documents::render_decision(&documents::decision_sheet(conn, &d)?, lang)
            }
            Doc::Minutes(id) => documents::render_minutes(conn, id, lang),
        }
    }

    /// The signature's reason, as PDF readers show it.
    fn reason(self, conn: &Connection, lang: Lang, seat: &Seat) -> Result<String> {
        let role = ("role", tr(lang, &format!("seat.{}", seat.role.code()), &[]));
        Ok(match self {
            Doc::Decision(id) => {
                tr(lang, "doc.signature_reason", &[("number", commission::decision(conn, id)?.number), role])
            }
            Doc::Minutes(id) => tr(
                lang,
                "minutes.signature_reason",
                &[("number", commission::meeting(conn, id)?.number.to_string()), role],
            ),
        })
    }

    /// A protocol is signed once its meeting is closed.
    pub(crate) fn require_ready(self, conn: &Connection) -> Result<()> {
        if let Doc::Minutes(id) = self {
            if commission::meeting(conn, id)?.open {
                return Err(Error::Refused(Rule::MeetingStillOpen));
            }
        }
        Ok(())
    }
}

/// Who must sign the document and who has.
pub(crate) fn status(conn: &Connection, doc: Doc) -> Result<SignatureStatus> {
    let Store { table, signatures, key, .. } = doc.store();
    let mut signers = Vec::new();
    let mut serials = Vec::new();
    for seat in doc.signers(conn)? {
        let row: Option<(String, String)> = conn
            .query_row(
                &format!("SELECT signed_at, serial FROM {signatures} WHERE {key} = ?1 AND user_id = ?2"),
                params![doc.id(), seat.user_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((_, serial)) = &row {
            serials.push((serial.clone(), seat.login.clone()));
        }
        signers.push((seat, row.map(|(at, _)| at)));
    }
    let signed_sha256: Option<String> = conn
        .query_row(&format!("SELECT signed_sha256 FROM {table} WHERE {key} = ?1"), [doc.id()], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(SignatureStatus { complete: signed_sha256.is_some(), signers, serials, signed_sha256 })
}

/// The document as stored (signed or partly signed) and whether it is final; `None` before its first signature.
pub(crate) fn pdf(conn: &Connection, doc: Doc) -> Result<Option<(Vec<u8>, bool)>> {
    let Store { table, key, .. } = doc.store();
    Ok(conn
        .query_row(&format!("SELECT pdf, signed_sha256 IS NOT NULL FROM {table} WHERE {key} = ?1"), [doc.id()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// A signature made outside the write lock over the document as it stood, waiting to be stored.
pub(crate) struct Prepared {
    /// The document the signature was added to: the stored PDF, or the first rendering.
    base: Vec<u8>,
    /// The first rendering, when nothing was stored yet (it is stored with the first signature).
    rendered: Option<documents::Rendered>,
    signed: Vec<u8>,
    seq: usize,
    others_pending: bool,
    time: DateTime<FixedOffset>,
}

/// A signature box as stored: page, x1, y1, x2, y2.
type SignatureBox = [f32; 5];

/// The stored PDF and its signature boxes, if the document has been stored.
fn stored(conn: &Connection, doc: Doc) -> Result<Option<(Vec<u8>, Vec<SignatureBox>)>> {
    let Store { table, key, .. } = doc.store();
    let row: Option<(Vec<u8>, String)> = conn
        .query_row(&format!("SELECT pdf, signature_boxes FROM {table} WHERE {key} = ?1"), [doc.id()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(row.map(|(pdf, boxes)| (pdf, serde_json::from_str(&boxes).unwrap_or_default())))
}

fn boxes_of(rendered: &documents::Rendered) -> Vec<[f32; 5]> {
    rendered.signature_boxes.iter().map(|b| [b.page as f32, b.x, b.y, b.x + b.w, b.y + b.h]).collect()
}

/// Makes the actor's signature over the document as it stands (rendering it if this is the first signature),
/// claiming `time`. Reads only: a token or the external tool may take long, and no write lock is held.
pub(crate) fn prepare(
    conn: &Connection,
    actor: &Actor,
    key: &pki::outside::Unlocked,
    doc: Doc,
    lang: Lang,
    time: DateTime<FixedOffset>,
) -> Result<Prepared> {
    doc.require_ready(conn)?;
    let before = status(conn, doc)?;
    let position = next_position(&before, actor.id())?;
    let others_pending = before.signers.iter().enumerate().any(|(i, (_, at))| i != position && at.is_none());
    let (base, boxes, rendered) = match stored(conn, doc)? {
        Some((pdf, boxes)) => (pdf, boxes, None),
        None => {
            let rendered = doc.render(conn, lang)?;
            (rendered.pdf.clone(), boxes_of(&rendered), Some(rendered))
        }
    };
    let seat = &before.signers[position].0;
    let seq = before.signers.iter().filter(|(_, at)| at.is_some()).count() + 1;
    let root = pki::root_cert(conn)?;
    let field = format!("{} {seq}", tr(lang, "doc.signature_field", &[]));
    let reason = doc.reason(conn, lang, seat)?;
    let location = crate::org::get(conn)?.name;
    let stamp = [
        crate::names::short(&seat.full_name),
        time.format("%d.%m.%Y %H:%M:%S %:z").to_string(),
        tr(lang, "doc.stamp_certificate", &[("serial", key.serial().to_string())]),
    ];
    let appearance = appearance(&boxes, position, &stamp)?;
    let signed = key.sign(&root, |signer, chain| {
        pades::sign(
            &base,
            &SignRequest {
                signer,
                chain,
                field_name: &field,
                signer_name: &seat.full_name,
                reason: &reason,
                location: &location,
                time,
                appearance,
            },
        )
    })?;
    Ok(Prepared { base, rendered, signed, seq, others_pending, time })
}

/// Stores a prepared signature, if the document is still as it was signed: anyone else's signature in
/// between refuses it with [`Rule::DocumentChanged`] (the caller signs again over the new document).
pub(crate) fn commit(
    tx: &Tx,
    actor: &Actor,
    key: &pki::outside::Unlocked,
    doc: Doc,
    p: &Prepared,
) -> Result<SignatureStatus> {
    doc.require_ready(tx)?;
    let before = status(tx, doc)?;
    next_position(&before, actor.id())?;
    let seq = before.signers.iter().filter(|(_, at)| at.is_some()).count() + 1;
    // Signed over the stored PDF, which is still that one; or over the first rendering, and nothing is stored.
    let unchanged = seq == p.seq
        && match stored(tx, doc)? {
            Some((pdf, _)) => p.rendered.is_none() && pdf == p.base,
            None => p.rendered.is_some(),
        };
    if !unchanged {
        return Err(Error::Refused(Rule::DocumentChanged));
    }
    write(tx, actor, key, doc, p)
}

/// Writes a prepared signature: the first rendering when it is the first signature, the signed PDF, the
/// signature row, the final digest once nobody else is pending, and the audit entry.
fn write(tx: &Tx, actor: &Actor, key: &pki::outside::Unlocked, doc: Doc, p: &Prepared) -> Result<SignatureStatus> {
    let Store { table, signatures, key: id_column, entity, rendered: rendered_action, signed: action } = doc.store();
    let id = doc.id();
    if let Some(rendered) = &p.rendered {
        let boxes = boxes_of(rendered);
        tx.execute(
            &format!(
                "INSERT INTO {table} ({id_column}, content_sha256, pdf, signature_boxes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)"
            ),
            params![
                id,
                rendered.content_sha256,
                rendered.pdf,
                serde_json::to_string(&boxes).unwrap_or_default(),
                tx.now_text()
            ],
        )?;
        audit::append(tx, "system", rendered_action, entity, &id.to_string(), &rendered.content_sha256)?;
    }
    let signed_at = p.time.to_rfc3339();
    tx.execute(&format!("UPDATE {table} SET pdf = ?1 WHERE {id_column} = ?2"), params![p.signed, id])?;
    tx.execute(
        &format!("INSERT INTO {signatures} ({id_column}, user_id, serial, seq, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)"),
        params![id, actor.id(), key.serial(), p.seq as i64, signed_at],
    )?;
    if !p.others_pending {
        tx.execute(
            &format!("UPDATE {table} SET signed_sha256 = ?1, signed_at = ?2 WHERE {id_column} = ?3"),
            params![crate::digest::sha256_hex(&p.signed), signed_at, id],
        )?;
    }
    audit::record(tx, actor, action, entity, &id.to_string(), &(key.serial(), p.seq))?;
    status(tx, doc)
}

/// Signs and stores in one go, inside the caller's transaction (the benchmark clinic's seeding, whose keys are
/// in memory already).
pub(crate) fn add(
    tx: &Tx,
    actor: &Actor,
    key: &pki::outside::Unlocked,
    doc: Doc,
    lang: Lang,
) -> Result<SignatureStatus> {
    // Prepared inside the same transaction: nothing can have changed, so it is written without the re-check.
    let prepared = prepare(tx, actor, key, doc, lang, tx.now())?;
    write(tx, actor, key, doc, &prepared)
}
