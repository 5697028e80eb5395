//! Informed voluntary consent (art. 20 of 323-FZ; forms of Order 1051н): who signed (the patient, or a legal
//! representative for a child under 15 or a person declared incapable, with the ground), the form and
//! patient-information-sheet versions, the date, the informing physician and the scanned copy. The patient
//! may withdraw at any time; a withdrawal ends that consent for good and blocks every administration relying
//! on it. Art. 20 gives a right to refuse, not a bar on changing one's mind: the patient may later consent
//! again, recorded as a new consent from its own date (not before the withdrawal it follows).
mod scan;

pub use scan::{Scan, MAX_MB as SCAN_MAX_MB};

use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::{cases, patients, validate};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerKind {
    Patient,
    Representative,
}

impl SignerKind {
    pub fn code(self) -> &'static str {
        match self {
            SignerKind::Patient => "patient",
            SignerKind::Representative => "representative",
        }
    }

    pub fn parse(code: &str) -> Result<SignerKind> {
        match code.trim() {
            "patient" => Ok(SignerKind::Patient),
            "representative" => Ok(SignerKind::Representative),
            _ => Err(Error::invalid("signer_kind", Check::OneOf { allowed: "patient, representative".into() })),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewConsent {
    pub case_id: Uuid,
    pub form_version: String,
    pub info_sheet_version: String,
    /// `patient` or `representative`
    pub signer_kind: String,
    /// The representative's ФИО (the patient's own name is taken from the registry).
    pub signer_name: String,
    /// Why the representative signs (e.g. "мать несовершеннолетнего", "опекун по решению суда").
    pub representative_ground: String,
    /// ДД.ММ.ГГГГ
    pub signed_on: String,
    pub scan: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consent {
    pub id: Uuid,
    pub case_id: Uuid,
    pub form_version: String,
    pub info_sheet_version: String,
    pub signer_kind: SignerKind,
    pub signer_name: String,
    pub representative_ground: Option<String>,
    pub signed_on: NaiveDate,
    pub informing_physician: Uuid,
    pub scan_mime: Option<String>,
    pub scan_sha256: Option<String>,
    pub withdrawn_on: Option<NaiveDate>,
}

/// Records a signed consent. The informing physician is the actor.
pub fn record(db: &mut Db, actor: &Actor, c: &NewConsent) -> Result<Uuid> {
    actor.require(Operation::ConsentRecord)?;
    let form = validate::text("form_version", &c.form_version, 100)?;
    let sheet = validate::text("info_sheet_version", &c.info_sheet_version, 100)?;
    let signer_kind = SignerKind::parse(&c.signer_kind)?;
    let signed_on = validate::date("signed_on", &c.signed_on)?;
    if signed_on > db.today() {
        return Err(Error::invalid("signed_on", Check::NotInFuture));
    }
    let scan = c.scan.as_deref().map(Scan::check).transpose()?;
    db.tx(|tx| {
        let case = cases::get(tx, c.case_id)?;
        let patient = patients::get(tx, case.patient_id)?;
        let (signer_name, ground) = match (signer_kind, patient.needs_representative(signed_on)) {
            (SignerKind::Patient, true) => return Err(Error::Refused(Rule::RepresentativeMustSign)),
            (SignerKind::Representative, false) => return Err(Error::Refused(Rule::PatientMustSign)),
            (SignerKind::Patient, false) => (patient.full_name(), None),
            (SignerKind::Representative, true) => (
                validate::text("signer_name", &c.signer_name, 200)?,
                Some(validate::text("representative_ground", &c.representative_ground, 300)?),
            ),
        };
        if let Some(last) = withdrawn(tx, c.case_id)?.filter(|w| signed_on < *w) {
            return Err(Error::Refused(Rule::ConsentBeforeWithdrawal { date: validate::show_date(last) }));
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO consents (id, case_id, form_version, info_sheet_version, signer_kind, signer_name,
                 representative_ground, signed_on, informing_physician, scan, scan_mime, scan_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                id,
                c.case_id,
                form,
                sheet,
                signer_kind.code(),
                signer_name,
                ground,
                signed_on,
                actor.id(),
                scan.as_ref().map(|s| s.bytes),
                scan.as_ref().map(|s| s.mime),
                scan.as_ref().map(|s| s.sha256.clone()),
                tx.now_text()
            ],
        )?;
        let digest = scan.as_ref().map(|s| s.sha256.clone());
        audit::record(tx, actor, "consent.record", "consent", &id.to_string(), &(&form, &sheet, signed_on, digest))?;
        Ok(id)
    })
}

/// Records the patient's withdrawal of consent on `on`. Physicians only; final for this consent (a later
/// consent is a new record).
pub fn withdraw(db: &mut Db, actor: &Actor, consent_id: Uuid, on: &str, note: &str) -> Result<()> {
    actor.require(Operation::ConsentWithdraw)?;
    let on = validate::date("withdrawn_on", on)?;
    if on > db.today() {
        return Err(Error::invalid("withdrawn_on", Check::NotInFuture));
    }
    let note = validate::optional_text("withdrawal_note", note, 2000)?;
    db.tx(|tx| {
        let consent = get(tx, consent_id)?;
        if consent.withdrawn_on.is_some() {
            return Err(Error::Refused(Rule::ConsentWithdrawn));
        }
        if on < consent.signed_on {
            return Err(Error::invalid("withdrawn_on", Check::EndBeforeStart));
        }
        tx.execute(
            "UPDATE consents SET withdrawn_on = ?1, withdrawal_note = ?2 WHERE id = ?3",
            params![on, note, consent_id],
        )?;
        audit::record(tx, actor, "consent.withdraw", "consent", &consent_id.to_string(), &(on, &note))
    })
}

/// The latest withdrawal in the case, if any.
fn withdrawn(conn: &Connection, case_id: Uuid) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_row(
            "SELECT max(withdrawn_on) FROM consents WHERE case_id = ?1 AND withdrawn_on IS NOT NULL",
            [case_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The consent that allows an intervention in the case on `day` (rule 6): the latest signed on or before
/// that day, by the right signer for the patient on that day, never withdrawn and not older than any
/// withdrawal. A withdrawn consent allows nothing, even on days before its withdrawal; only a consent signed
/// on or after the withdrawal, and by `day`, takes its place.
pub fn in_force(conn: &Connection, case_id: Uuid, day: NaiveDate) -> Result<Consent> {
    let all = for_case(conn, case_id)?;
    let Some(latest) = all.iter().filter(|c| c.signed_on <= day).max_by_key(|c| c.signed_on) else {
        return match all.iter().map(|c| c.signed_on).min() {
            Some(first) => Err(Error::Refused(Rule::ConsentAfterDate { date: validate::show_date(first) })),
            None => Err(Error::Refused(Rule::NoConsent)),
        };
    };
    // A withdrawal ends the consent withdrawn and every consent signed before it: only a consent signed on or
    // after the latest withdrawal can be in force.
    if latest.withdrawn_on.is_some() || all.iter().any(|c| c.withdrawn_on.is_some_and(|w| w > latest.signed_on)) {
        return Err(Error::Refused(Rule::ConsentWithdrawn));
    }
    let case = cases::get(conn, case_id)?;
    let patient = patients::get(conn, case.patient_id)?;
    if patient.needs_representative(day) && latest.signer_kind == SignerKind::Patient {
        return Err(Error::Refused(Rule::RepresentativeMustSign));
    }
    Ok(latest.clone())
}

const COLUMNS: &str = "id, case_id, form_version, info_sheet_version, signer_kind, signer_name,
    representative_ground, signed_on, informing_physician, scan_mime, scan_sha256, withdrawn_on";

fn from_row(r: &Row) -> rusqlite::Result<Consent> {
    Ok(Consent {
        id: r.get(0)?,
        case_id: r.get(1)?,
        form_version: r.get(2)?,
        info_sheet_version: r.get(3)?,
        signer_kind: SignerKind::parse(&r.get::<_, String>(4)?).unwrap_or(SignerKind::Patient),
        signer_name: r.get(5)?,
        representative_ground: r.get(6)?,
        signed_on: r.get(7)?,
        informing_physician: r.get(8)?,
        scan_mime: r.get(9)?,
        scan_sha256: r.get(10)?,
        withdrawn_on: r.get(11)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Consent> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM consents WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "consent", id: id.to_string() })
}

pub fn for_case(conn: &Connection, case_id: Uuid) -> Result<Vec<Consent>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM consents WHERE case_id = ?1 ORDER BY signed_on, id"))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored scan of a consent, with its type.
pub fn scan_bytes(conn: &Connection, id: Uuid) -> Result<Option<(String, Vec<u8>)>> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> = conn
        .query_row("SELECT scan_mime, scan FROM consents WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(Error::NotFound { entity: "consent", id: id.to_string() }),
        Some((Some(mime), Some(bytes))) => Ok(Some((mime, bytes))),
        Some(_) => Ok(None),
    }
}
