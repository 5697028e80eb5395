//! Batches and their chain of identity. A batch is made for exactly one patient and one case; its code
//! (patient code + product code + batch number) is printed on the label and checked at the bedside. Every
//! stage from the collection of the patient's material to administration or disposal is recorded with who,
//! when, where and the result, and stages happen in order (rule 8).
use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Collection,
    GeneticStudy,
    Manufacture,
    QualityControl,
    Release,
    Storage,
    Transport,
    Administration,
    Disposal,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Collection,
        Stage::GeneticStudy,
        Stage::Manufacture,
        Stage::QualityControl,
        Stage::Release,
        Stage::Storage,
        Stage::Transport,
        Stage::Administration,
        Stage::Disposal,
    ];

    /// The stages production and QC staff record directly; release, administration and disposal have their
    /// own operations with their own checks.
    pub const RECORDED: [Stage; 6] = [
        Stage::Collection,
        Stage::GeneticStudy,
        Stage::Manufacture,
        Stage::QualityControl,
        Stage::Storage,
        Stage::Transport,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Collection => "collection",
            Stage::GeneticStudy => "genetic_study",
            Stage::Manufacture => "manufacture",
            Stage::QualityControl => "quality_control",
            Stage::Release => "release",
            Stage::Storage => "storage",
            Stage::Transport => "transport",
            Stage::Administration => "administration",
            Stage::Disposal => "disposal",
        }
    }

    pub fn parse(code: &str) -> Result<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code.trim()).ok_or_else(|| {
            let allowed = Stage::RECORDED.map(Stage::code).join(", ");
            Error::invalid("stage", Check::OneOf { allowed })
        })
    }
}

/// What may come next after the stages recorded so far (their latest is `last`): the fixed chain from
/// collection to release, then storage and transport as often as needed, then administration (again, for a
/// split dose); disposal at any point after collection. Nothing follows a disposal.
pub fn check_order(last: Option<Stage>, next: Stage) -> Result<()> {
    use Stage::*;
    if last == Some(Disposal) {
        return Err(Error::Refused(Rule::BatchDisposed));
    }
    let allowed = match next {
        Collection => last.is_none(),
        GeneticStudy => last == Some(Collection),
        Manufacture => last == Some(GeneticStudy),
        QualityControl => last == Some(Manufacture),
        Release => last == Some(QualityControl),
        Storage | Transport => matches!(last, Some(Release | Storage | Transport)),
        Administration => matches!(last, Some(Release | Storage | Transport | Administration)),
        Disposal => last.is_some(),
    };
    if allowed {
        return Ok(());
    }
    let expected = match last {
        None => Collection,
        Some(Collection) => GeneticStudy,
        Some(GeneticStudy) => Manufacture,
        Some(Manufacture) => QualityControl,
        Some(QualityControl) => Release,
        Some(_) => Administration,
    };
    Err(Error::Refused(Rule::StageOutOfOrder { stage: next.code().into(), expected: expected.code().into() }))
}

#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub id: Uuid,
    /// The chain-of-identity code printed on the label.
    pub code: String,
    pub case_id: Uuid,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub birth_date: NaiveDate,
    pub product_name: String,
    pub product_code: String,
    pub number: u32,
    pub expires_on: Option<NaiveDate>,
    pub storage: Option<String>,
    /// The latest stage recorded, if any.
    pub last_stage: Option<Stage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageRecord {
    pub stage: Stage,
    pub done_at: NaiveDateTime,
    pub place: String,
    pub result: String,
    pub quantity: Option<String>,
    pub method: Option<String>,
    pub done_by: String,
}

/// What a stage record asks for.
#[derive(Debug, Clone, Default)]
pub struct NewStage {
    pub stage: String,
    /// `ДД.ММ.ГГГГ ЧЧ:ММ`
    pub done_at: String,
    pub place: String,
    pub result: String,
}

/// A disposal (утилизация): when, where, how much, how and why.
#[derive(Debug, Clone, Default)]
pub struct Disposal {
    pub done_at: String,
    pub place: String,
    pub quantity: String,
    pub method: String,
    pub reason: String,
}

/// The patient part of the chain-of-identity code: `P` and the last ten hex digits of the patient's id (its
/// random part), short enough to type and read aloud.
pub fn patient_code(patient_id: Uuid) -> String {
    let hex = patient_id.simple().to_string().to_ascii_uppercase();
    format!("P{}", &hex[hex.len() - 10..])
}

/// Normalises a typed or scanned code: trimmed, capitals.
pub fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

fn product_code(value: &str) -> Result<String> {
    let v = normalise_code(value);
    let ok = (2..=12).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if v.is_empty() {
        return Err(Error::invalid("product_code", Check::Required));
    }
    ok.then_some(v).ok_or(Error::invalid("product_code", Check::CodeFormat))
}

/// Starts a batch of the case's product for its patient, numbered after the patient's earlier batches of the
/// same product. Production staff only.
pub fn create(db: &mut Db, actor: &Actor, case_id: Uuid, product: &str) -> Result<Batch> {
    actor.require(Operation::BatchCreate)?;
    let product = product_code(product)?;
    let id = db.tx(|tx| {
        let patient: Uuid = tx
            .query_row("SELECT patient_id FROM cases WHERE id = ?1", [case_id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { entity: "case", id: case_id.to_string() })?;
        let number: u32 = tx.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM batches WHERE patient_id = ?1 AND product_code = ?2",
            params![patient, product],
            |r| r.get(0),
        )?;
        let code = format!("{}-{product}-{number:03}", patient_code(patient));
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO batches (id, code, case_id, patient_id, product_code, number, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, code, case_id, patient, product, number, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "batch.create", "batch", &id.to_string(), &(&code, case_id))?;
        Ok(id)
    })?;
    get(db.conn(), id)
}

const COLUMNS: &str = "b.id, b.code, b.case_id, b.patient_id,
    p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''), p.birth_date, c.product_name,
    b.product_code, b.number, b.expires_on, b.storage,
    (SELECT stage FROM batch_stages s WHERE s.batch_id = b.id ORDER BY s.done_at DESC, s.recorded_at DESC LIMIT 1)";
const FROM: &str = "batches b JOIN cases c ON c.id = b.case_id JOIN patients p ON p.id = b.patient_id";

fn from_row(r: &Row) -> rusqlite::Result<Batch> {
    Ok(Batch {
        id: r.get(0)?,
        code: r.get(1)?,
        case_id: r.get(2)?,
        patient_id: r.get(3)?,
        patient_name: r.get(4)?,
        birth_date: r.get(5)?,
        product_name: r.get(6)?,
        product_code: r.get(7)?,
        number: r.get(8)?,
        expires_on: r.get(9)?,
        storage: r.get(10)?,
        last_stage: r.get::<_, Option<String>>(11)?.and_then(|s| Stage::parse(&s).ok()),
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Batch> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE b.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "batch", id: id.to_string() })
}

/// The batch carrying `code` (as typed or scanned), if any.
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Batch>> {
    let code = normalise_code(code);
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE b.code = ?1"), [code], from_row).optional()?)
}

/// Every batch, newest first; or one case's.
pub fn list(conn: &Connection, case_id: Option<Uuid>) -> Result<Vec<Batch>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE ?1 IS NULL OR b.case_id = ?1 ORDER BY b.created_at DESC LIMIT 1000"
    ))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A batch's stages in the order they happened.
pub fn stages(conn: &Connection, batch_id: Uuid) -> Result<Vec<StageRecord>> {
    let mut stmt = conn.prepare(
        "SELECT s.stage, s.done_at, s.place, s.result, s.quantity, s.method, u.full_name
         FROM batch_stages s JOIN users u ON u.id = s.done_by
         WHERE s.batch_id = ?1 ORDER BY s.done_at, s.recorded_at",
    )?;
    let rows = stmt.query_map([batch_id], |r| {
        Ok(StageRecord {
            stage: Stage::parse(&r.get::<_, String>(0)?).unwrap_or(Stage::Collection),
            done_at: r.get(1)?,
            place: r.get(2)?,
            result: r.get(3)?,
            quantity: r.get(4)?,
            method: r.get(5)?,
            done_by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest stage of a batch and when it happened.
fn latest(tx: &Tx, batch_id: Uuid) -> Result<Option<(Stage, NaiveDateTime)>> {
    let row: Option<(String, NaiveDateTime)> = tx
        .query_row(
            "SELECT stage, done_at FROM batch_stages WHERE batch_id = ?1 ORDER BY done_at DESC, recorded_at DESC
             LIMIT 1",
            [batch_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(s, at)| Ok((Stage::parse(&s)?, at))).transpose()
}

/// The details of one stage row.
pub(crate) struct Entry<'a> {
    pub stage: Stage,
    pub at: NaiveDateTime,
    pub place: &'a str,
    pub result: &'a str,
    pub quantity: Option<&'a str>,
    pub method: Option<&'a str>,
}

/// Appends a stage after checking that it follows the batch's latest stage, in order and in time.
pub(crate) fn append(tx: &Tx, actor: &Actor, batch_id: Uuid, e: &Entry) -> Result<()> {
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM batches WHERE id = ?1)", [batch_id], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound { entity: "batch", id: batch_id.to_string() });
    }
    let last = latest(tx, batch_id)?;
    check_order(last.map(|l| l.0), e.stage)?;
    if let Some((_, previous)) = last.filter(|(_, at)| e.at < *at) {
        return Err(Error::Refused(Rule::StageBeforePrevious {
            previous: previous.format("%d.%m.%Y %H:%M").to_string(),
        }));
    }
    tx.execute(
        "INSERT INTO batch_stages (id, batch_id, stage, done_at, place, result, quantity, method, done_by,
             recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            Uuid::now_v7(),
            batch_id,
            e.stage.code(),
            e.at,
            e.place,
            e.result,
            e.quantity,
            e.method,
            actor.id(),
            tx.now_text()
        ],
    )?;
    let what = (e.stage, e.at, e.place, e.result, e.quantity, e.method);
    audit::record(tx, actor, &format!("batch.{}", e.stage.code()), "batch", &batch_id.to_string(), &what)
}

/// A moment of the past: when a stage happened.
pub(crate) fn past(db: &Db, field: &'static str, value: &str) -> Result<NaiveDateTime> {
    let at = validate::instant(field, value)?;
    if at > db.clock().now().naive_local() {
        return Err(Error::invalid(field, Check::NotInFuture));
    }
    Ok(at)
}

/// Records one of the stages staff record directly (`Stage::RECORDED`). Production staff; QC staff may
/// record the quality-control stage (samples received).
pub fn record_stage(db: &mut Db, actor: &Actor, batch_id: Uuid, s: &NewStage) -> Result<()> {
    let stage = Stage::parse(&s.stage)?;
    if !Stage::RECORDED.contains(&stage) {
        let allowed = Stage::RECORDED.map(Stage::code).join(", ");
        return Err(Error::invalid("stage", Check::OneOf { allowed }));
    }
    actor.require(if stage == Stage::QualityControl { Operation::QcStage } else { Operation::BatchStage })?;
    let at = past(db, "done_at", &s.done_at)?;
    let place = validate::text("place", &s.place, 300)?;
    let result = validate::text("result", &s.result, 2000)?;
    db.tx(|tx| {
        let e = Entry { stage, at, place: &place, result: &result, quantity: None, method: None };
        append(tx, actor, batch_id, &e)
    })
}

/// Records the disposal of a batch (quantity, method, reason). Nothing can follow it. Production or QC staff.
pub fn dispose(db: &mut Db, actor: &Actor, batch_id: Uuid, d: &Disposal) -> Result<()> {
    actor.require(Operation::BatchDispose)?;
    let at = past(db, "done_at", &d.done_at)?;
    let place = validate::text("place", &d.place, 300)?;
    let quantity = validate::text("quantity", &d.quantity, 200)?;
    let method = validate::text("disposal_method", &d.method, 500)?;
    let reason = validate::text("reason", &d.reason, 2000)?;
    db.tx(|tx| {
        let e = Entry {
            stage: Stage::Disposal,
            at,
            place: &place,
            result: &reason,
            quantity: Some(&quantity),
            method: Some(&method),
        };
        append(tx, actor, batch_id, &e)
    })
}

/// The bedside check (rule 7): the batch with `code` must be made for this patient and this case, released,
/// not expired on `day` and not disposed of. Returns the batch and when it was released.
pub fn bedside_check(conn: &Connection, code: &str, case_id: Uuid, day: NaiveDate) -> Result<(Batch, NaiveDateTime)> {
    let batch =
        by_code(conn, code)?.ok_or_else(|| Error::Refused(Rule::BatchUnknown { code: normalise_code(code) }))?;
    let patient: Uuid = conn.query_row("SELECT patient_id FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?;
    if batch.patient_id != patient {
        return Err(Error::Refused(Rule::BatchOtherPatient));
    }
    if batch.case_id != case_id {
        return Err(Error::Refused(Rule::BatchOtherCase));
    }
    let released: Option<NaiveDateTime> = conn.query_row(
        "SELECT max(done_at) FROM batch_stages WHERE batch_id = ?1 AND stage = 'release'",
        [batch.id],
        |r| r.get(0),
    )?;
    if batch.last_stage == Some(Stage::Disposal) {
        return Err(Error::Refused(Rule::BatchDisposed));
    }
    let released = released.ok_or(Error::Refused(Rule::BatchNotReleased))?;
    if let Some(on) = batch.expires_on.filter(|e| day > *e) {
        return Err(Error::Refused(Rule::BatchExpired { on: validate::show_date(on) }));
    }
    Ok((batch, released))
}

/// The bedside check inside the administration's transaction; records the administration stage and returns
/// the batch's code as stored.
pub(crate) fn administer(
    tx: &Tx,
    actor: &Actor,
    code: &str,
    case_id: Uuid,
    at: NaiveDateTime,
    department: &str,
) -> Result<String> {
    let (batch, _) = bedside_check(tx, code, case_id, at.date())?;
    let e = Entry {
        stage: Stage::Administration,
        at,
        place: department,
        result: "administered",
        quantity: None,
        method: None,
    };
    append(tx, actor, batch.id, &e)?;
    Ok(batch.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_chain() {
        use Stage::*;
        assert!(check_order(None, Collection).is_ok(), "a batch starts with the collection");
        assert!(check_order(None, Manufacture).is_err(), "manufacture before collection must be refused");
        assert!(check_order(Some(Collection), Manufacture).is_err(), "the genetic study cannot be skipped");
        assert!(check_order(Some(Manufacture), Release).is_err(), "release without QC must be refused");
        assert!(check_order(Some(Release), Storage).is_ok(), "storage after release");
        assert!(check_order(Some(Transport), Storage).is_ok(), "storage and transport may repeat");
        assert!(check_order(Some(Administration), Administration).is_ok(), "a split dose");
        assert!(check_order(Some(Administration), Storage).is_err(), "nothing is stored once given");
        assert!(check_order(Some(Manufacture), Disposal).is_ok(), "a batch may be disposed of at any point");
        assert!(
            matches!(check_order(Some(Disposal), Administration), Err(Error::Refused(Rule::BatchDisposed))),
            "nothing follows a disposal"
        );
        assert!(
            matches!(
                check_order(Some(Collection), Collection),
                Err(Error::Refused(Rule::StageOutOfOrder { ref expected, .. })) if expected == "genetic_study"
            ),
            "the refusal names the stage that is due"
        );
    }

    #[test]
    fn the_patient_code_is_short_and_stable() {
        let id = Uuid::parse_str("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").unwrap();
        assert_eq!(patient_code(id), "P1D2E3F4A5B", "P and the last ten hex digits, in capitals");
        assert!(product_code("cart19").is_ok(), "lower case is accepted and raised");
        assert!(product_code("CAR-T").is_err(), "a dash would break the code's parts");
        assert!(product_code("КАРТ").is_err(), "the code is Latin so every scanner reads it");
    }
}
