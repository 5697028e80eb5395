//! Signing the protocol of a whole meeting: rendered when its first signer signs after the meeting closed,
//! then signed in turn by the same signers in the same order as a decision (PAdES incremental updates, each
//! signer's own key unlocked with their password), final once everyone has signed.
use super::{appearance, next_position, SignatureStatus};
use crate::audit;
use crate::commission;
use crate::db::{Db, Tx};
use crate::documents;
use crate::error::{Error, Result, Rule};
use crate::i18n::{tr, Lang};
use crate::people::Actor;
use crate::pki;
use crate::signing::pades::{self, SignRequest};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

/// Who must sign the meeting's protocol and who has.
pub fn minutes_status(conn: &Connection, meeting_id: Uuid) -> Result<SignatureStatus> {
    let m = commission::minutes(conn, meeting_id)?;
    let mut signers = Vec::new();
    for seat in m.signers {
        let at: Option<String> = conn
            .query_row(
                "SELECT signed_at FROM minutes_signatures WHERE meeting_id = ?1 AND user_id = ?2",
                params![meeting_id, seat.user_id],
                |r| r.get(0),
            )
            .optional()?;
        signers.push((seat, at));
    }
    let signed_sha256: Option<String> = conn
        .query_row("SELECT signed_sha256 FROM minutes_documents WHERE meeting_id = ?1", [meeting_id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(SignatureStatus { complete: signed_sha256.is_some(), signers, signed_sha256 })
}

/// The protocol as stored (and whether it is fully signed); `None` before its first signature.
pub fn minutes_pdf(conn: &Connection, meeting_id: Uuid) -> Result<Option<(Vec<u8>, bool)>> {
    Ok(conn
        .query_row(
            "SELECT pdf, signed_sha256 IS NOT NULL FROM minutes_documents WHERE meeting_id = ?1",
            [meeting_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn require_closed(conn: &Connection, meeting_id: Uuid) -> Result<()> {
    if commission::meeting(conn, meeting_id)?.open {
        return Err(Error::Refused(Rule::MeetingStillOpen));
    }
    Ok(())
}

/// The actor signs the meeting's protocol with their own key, unlocked by `password`, in turn.
pub fn sign_minutes(
    db: &mut Db,
    actor: &Actor,
    meeting_id: Uuid,
    password: &str,
    lang: Lang,
) -> Result<SignatureStatus> {
    let conn = db.conn();
    require_closed(conn, meeting_id)?;
    next_position(&minutes_status(conn, meeting_id)?, actor.id())?;
    let key = pki::unlock_signing_key(conn, actor.id(), password, db.clock().now().with_timezone(&Utc))?;
    let stored = minutes_pdf(conn, meeting_id)?.is_some();
    let rendered = if stored { None } else { Some(documents::render_minutes(conn, meeting_id, lang)?) };
    db.tx(|tx| add(tx, actor, &key, meeting_id, lang, rendered))
}

fn stored(
    tx: &Tx,
    meeting_id: Uuid,
    lang: Lang,
    rendered: Option<documents::Rendered>,
) -> Result<(Vec<u8>, Vec<[f32; 5]>)> {
    let row: Option<(Vec<u8>, String)> = tx
        .query_row("SELECT pdf, signature_boxes FROM minutes_documents WHERE meeting_id = ?1", [meeting_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((pdf, boxes)) = row {
        return Ok((pdf, serde_json::from_str(&boxes).unwrap_or_default()));
    }
    let rendered = match rendered {
        Some(r) => r,
        None => documents::render_minutes(tx, meeting_id, lang)?,
    };
    let boxes: Vec<[f32; 5]> =
        rendered.signature_boxes.iter().map(|b| [b.page as f32, b.x, b.y, b.x + b.w, b.y + b.h]).collect();
    tx.execute(
        "INSERT INTO minutes_documents (meeting_id, content_sha256, pdf, signature_boxes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            meeting_id,
            rendered.content_sha256,
            rendered.pdf,
            serde_json::to_string(&boxes).unwrap_or_default(),
            tx.now_text()
        ],
    )?;
    audit::append(tx, "system", "minutes.render", "meeting", &meeting_id.to_string(), &rendered.content_sha256)?;
    Ok((rendered.pdf, boxes))
}

fn add(
    tx: &Tx,
    actor: &Actor,
    key: &pki::SigningKey,
    meeting_id: Uuid,
    lang: Lang,
    rendered: Option<documents::Rendered>,
) -> Result<SignatureStatus> {
    require_closed(tx, meeting_id)?;
    let before = minutes_status(tx, meeting_id)?;
    let position = next_position(&before, actor.id())?;
    let others_pending = before.signers.iter().enumerate().any(|(i, (_, at))| i != position && at.is_none());
    let (pdf, boxes) = stored(tx, meeting_id, lang, rendered)?;
    let seat = &before.signers[position].0;
    let seq = before.signers.iter().filter(|(_, at)| at.is_some()).count() + 1;
    let m = commission::meeting(tx, meeting_id)?;
    let chain = vec![pki::root_cert(tx)?];
    let field = format!("{} {seq}", tr(lang, "doc.signature_field", &[]));
    let reason = tr(
        lang,
        "minutes.signature_reason",
        &[("number", m.number.to_string()), ("role", tr(lang, &format!("seat.{}", seat.role.code()), &[]))],
    );
    let location = crate::org::get(tx)?.name;
    let time = tx.now().format("%d.%m.%Y %H:%M:%S %:z").to_string();
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
            appearance: appearance(&boxes, position, &time, &key.serial),
        },
    )?;
    tx.execute("UPDATE minutes_documents SET pdf = ?1 WHERE meeting_id = ?2", params![signed, meeting_id])?;
    tx.execute(
        "INSERT INTO minutes_signatures (meeting_id, user_id, serial, seq, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![meeting_id, actor.id(), key.serial, seq as i64, tx.now_text()],
    )?;
    if !others_pending {
        tx.execute(
            "UPDATE minutes_documents SET signed_sha256 = ?1, signed_at = ?2 WHERE meeting_id = ?3",
            params![documents::sha256_hex(&signed), tx.now_text(), meeting_id],
        )?;
    }
    audit::record(tx, actor, "minutes.sign", "meeting", &meeting_id.to_string(), &(&key.serial, seq))?;
    minutes_status(tx, meeting_id)
}
