//! The quality-control journal (Resolution 213): each test of a batch with its specification, method,
//! result, pass or fail, analyst and date. A result is recorded once and never changed. A batch is released
//! only by QC staff, after its quality-control stage, when it has tests and every required one passed.
use super::batches::{self, Entry, Stage};
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::exports;
use crate::i18n::{tr, Lang};
use crate::people::{Actor, Operation};
use crate::{audit, documents, journal::Format, org, validate};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewTest {
    pub name: String,
    pub specification: String,
    pub method: String,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Test {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub batch_code: String,
    pub name: String,
    pub specification: String,
    pub method: String,
    pub required: bool,
    pub result: Option<String>,
    pub passed: Option<bool>,
    pub analyst: Option<String>,
    pub tested_on: Option<NaiveDate>,
}

/// What a release records besides the stage: the shelf life and the storage conditions.
#[derive(Debug, Clone, Default)]
pub struct Release {
    pub done_at: String,
    pub place: String,
    pub expires_on: String,
    pub storage: String,
}

/// Plans a test of a manufactured, not yet released batch. QC staff only.
pub fn plan(db: &mut Db, actor: &Actor, batch_id: Uuid, t: &NewTest) -> Result<Uuid> {
    actor.require(Operation::QcPlan)?;
    let name = validate::text("test_name", &t.name, 200)?;
    let spec = validate::text("specification", &t.specification, 500)?;
    let method = validate::text("method", &t.method, 500)?;
    db.tx(|tx| {
        let b = batches::get(tx, batch_id)?;
        // Tests are planned once the batch is made and until it is released: the stages at which quality
        // control may begin (after manufacture) or is under way.
        if b.last_stage != Some(Stage::QualityControl) {
            batches::check_order(b.last_stage, Stage::QualityControl)?;
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO qc_tests (id, batch_id, name, specification, method, required, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, batch_id, name, spec, method, t.required, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "qc.plan", "batch", &batch_id.to_string(), &(&name, &spec, &method, t.required))?;
        Ok(id)
    })
}

/// Records a test's result once; the analyst is the user. QC staff only.
pub fn record_result(db: &mut Db, actor: &Actor, test_id: Uuid, result: &str, passed: bool, on: &str) -> Result<()> {
    actor.require(Operation::QcResult)?;
    let result = validate::text("test_result", result, 1000)?;
    let on = validate::date("tested_on", on)?;
    if on > db.today() {
        return Err(Error::invalid("tested_on", Check::NotInFuture));
    }
    db.tx(|tx| {
        let (batch, done): (Uuid, bool) = tx
            .query_row("SELECT batch_id, result IS NOT NULL FROM qc_tests WHERE id = ?1", [test_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(Error::NotFound { entity: "qc_test", id: test_id.to_string() })?;
        if done {
            return Err(Error::Refused(Rule::QcResultFinal));
        }
        tx.execute(
            "UPDATE qc_tests SET result = ?2, passed = ?3, analyst_id = ?4, tested_on = ?5 WHERE id = ?1",
            params![test_id, result, passed, actor.id(), on],
        )?;
        audit::record(tx, actor, "qc.result", "batch", &batch.to_string(), &(test_id, &result, passed, on))
    })
}

/// Releases a batch: after its quality-control stage, with at least one test and every required test passed;
/// records its expiry date and storage conditions. QC staff only.
pub fn release(db: &mut Db, actor: &Actor, batch_id: Uuid, r: &Release) -> Result<()> {
    actor.require(Operation::BatchRelease)?;
    let at = batches::past(db, "done_at", &r.done_at)?;
    let place = validate::text("place", &r.place, 300)?;
    let expires = validate::date("expires_on", &r.expires_on)?;
    if expires <= at.date() {
        return Err(Error::invalid("expires_on", Check::EndBeforeStart));
    }
    let storage = validate::text("storage", &r.storage, 500)?;
    db.tx(|tx| {
        let all = tests(tx, Some(batch_id), None, None)?;
        if all.is_empty() {
            return Err(Error::Refused(Rule::QcNoTests));
        }
        if let Some(t) = all.iter().find(|t| t.required && t.passed.is_none()) {
            return Err(Error::Refused(Rule::QcMissing { test: t.name.clone() }));
        }
        if let Some(t) = all.iter().find(|t| t.required && t.passed == Some(false)) {
            return Err(Error::Refused(Rule::QcFailed { test: t.name.clone() }));
        }
        let e = Entry { stage: Stage::Release, at, place: &place, result: "released", quantity: None, method: None };
        batches::append(tx, actor, batch_id, &e)?;
        tx.execute(
            "UPDATE batches SET expires_on = ?2, storage = ?3 WHERE id = ?1",
            params![batch_id, expires, storage],
        )?;
        audit::record(tx, actor, "batch.release_terms", "batch", &batch_id.to_string(), &(expires, &storage))
    })
}

fn from_row(r: &Row) -> rusqlite::Result<Test> {
    Ok(Test {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        batch_code: r.get(2)?,
        name: r.get(3)?,
        specification: r.get(4)?,
        method: r.get(5)?,
        required: r.get(6)?,
        result: r.get(7)?,
        passed: r.get(8)?,
        analyst: r.get(9)?,
        tested_on: r.get(10)?,
    })
}

/// The journal's tests: one batch's, or those tested in `[from, to]` (either open), in the order planned.
pub fn tests(
    conn: &Connection,
    batch: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Test>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.batch_id, b.code, t.name, t.specification, t.method, t.required, t.result, t.passed,
             u.full_name, t.tested_on
         FROM qc_tests t JOIN batches b ON b.id = t.batch_id LEFT JOIN users u ON u.id = t.analyst_id
         WHERE (?1 IS NULL OR t.batch_id = ?1) AND (?2 IS NULL OR t.tested_on >= ?2)
           AND (?3 IS NULL OR t.tested_on <= ?3)
         ORDER BY t.created_at, t.id",
    )?;
    let rows = stmt.query_map(params![batch, from, to], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const COLUMNS: [&str; 8] = ["batch", "test", "specification", "method", "result", "verdict", "analyst", "date"];

/// The journal's columns in the user's language.
pub fn sheet(lang: Lang) -> exports::Sheet {
    exports::Sheet {
        name: tr(lang, "qc.sheet", &[]),
        header: COLUMNS.iter().map(|c| tr(lang, &format!("qc.col.{c}"), &[])).collect(),
        widths: vec![26, 24, 30, 24, 30, 12, 24, 12],
    }
}

/// One test as the journal's cells.
pub fn cells(x: &Test, lang: Lang) -> Vec<String> {
    let t = |k: &str| tr(lang, &format!("qc.{k}"), &[]);
    let verdict = match x.passed {
        Some(true) => t("passed"),
        Some(false) => t("failed"),
        None => t("pending"),
    };
    let name = if x.required { x.name.clone() } else { format!("{} ({})", x.name, t("optional")) };
    vec![
        x.batch_code.clone(),
        name,
        x.specification.clone(),
        x.method.clone(),
        x.result.clone().unwrap_or_default(),
        verdict,
        x.analyst.clone().unwrap_or_default(),
        x.tested_on.map(validate::show_date).unwrap_or_default(),
    ]
}

/// The QC journal of tests made in `[from, to]` on screen, with the export's columns. For those who may read
/// batches (the lab, the physician, admins: `people::readers`).
pub fn table(conn: &Connection, actor: &Actor, from: &str, to: &str, lang: Lang) -> Result<exports::Table> {
    if !actor.may_read(crate::notices::Subject::Batch) {
        return Err(Error::Forbidden { action: "read_qc_journal" });
    }
    let (from, to) = validate::period(from, to)?;
    let rows = tests(conn, None, from, to)?.iter().map(|x| cells(x, lang)).collect();
    Ok(exports::Table { header: sheet(lang).header, rows })
}

/// Writes the QC journal of tests made in `[from, to]` (either empty for open) as XLSX or PDF. QC staff and
/// admins. Returns how many tests it holds.
#[allow(clippy::too_many_arguments)]
pub fn export(
    db: &mut Db,
    actor: &Actor,
    reason: &str,
    from: &str,
    to: &str,
    format: Format,
    lang: Lang,
    out: &Path,
) -> Result<usize> {
    actor.require(Operation::QcExport)?;
    let reason = exports::reason(reason)?;
    let (from, to) = validate::period(from, to)?;
    let rows = tests(db.conn(), None, from, to)?;
    let entry =
        exports::LogEntry { kind: exports::ExportKind::Qc, from, to, records: rows.len(), out, reason: &reason };
    let org = org::get(db.conn())?;
    let sheet = sheet(lang);
    let title = format!("{} ({})", tr(lang, "qc.title", &[]), validate::show_open_period(from, to, lang));
    let pdf = || {
        let cells: Vec<Vec<String>> = rows.iter().map(|x| cells(x, lang)).collect();
        let widths = [0.16, 0.14, 0.16, 0.13, 0.15, 0.08, 0.11, 0.07];
        documents::render_table(&sheet.header, &cells, &widths, &org, &title, lang)
    };
    let audit = |tx: &crate::db::Tx| {
        exports::log(tx, actor, &entry)?;
        audit::record(tx, actor, "export.qc", "batch", "*", &(from, to, rows.len()))
    };
    exports::write_table(db, out, format, &sheet, rows.iter().map(|x| cells(x, lang)), pdf, audit)?;
    Ok(rows.len())
}
