//! A case: one patient, the individual BTLP proposed for them, the indication (МКБ-10) and the submitting
//! physician, carried through a state machine:
//! `draft → submitted → assessed → scheduled → decided`, and from `decided` back to `scheduled` when a
//! deferred case returns or a further administration needs a new decision.
mod assessment;
mod overview;
mod setting;

pub(crate) use assessment::check_complete;
pub use assessment::{complete_assessment, findings, record_finding, Finding, FindingKind};
pub use overview::{of_patient, page, timeline, CaseRow, Event};
pub use setting::{set_setting, Setting};

use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::icd;
use crate::people::{Actor, Operation};
use crate::validate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Draft,
    Submitted,
    Assessed,
    Scheduled,
    Decided,
}

impl CaseState {
    pub const ALL: [CaseState; 5] =
        [CaseState::Draft, CaseState::Submitted, CaseState::Assessed, CaseState::Scheduled, CaseState::Decided];

    pub fn code(self) -> &'static str {
        match self {
            CaseState::Draft => "draft",
            CaseState::Submitted => "submitted",
            CaseState::Assessed => "assessed",
            CaseState::Scheduled => "scheduled",
            CaseState::Decided => "decided",
        }
    }

    fn parse(code: &str) -> CaseState {
        CaseState::ALL.into_iter().find(|s| s.code() == code).unwrap_or(CaseState::Draft)
    }

    /// A state named by a user (a list filter); a typed error naming the allowed codes otherwise.
    pub fn from_code(field: &'static str, code: &str) -> Result<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code.trim()).ok_or_else(|| {
            Error::invalid(field, Check::OneOf { allowed: "draft, submitted, assessed, scheduled, decided".into() })
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub patient_id: Uuid,
    pub product_name: String,
    /// The genetic study of the patient's own material the product is synthesised from.
    pub genetic_study: String,
    pub icd_code: String,
    pub indication: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub product_name: String,
    pub genetic_study: String,
    pub icd_code: String,
    pub indication: String,
    pub physician_id: Uuid,
    pub state: CaseState,
    pub setting: Option<Setting>,
    pub department: Option<String>,
    pub icu_access: Option<bool>,
    pub created_at: String,
}

/// Opens a case in `draft` for a registered patient. Physicians only; the actor is the submitting physician.
pub fn create(db: &mut Db, actor: &Actor, c: &NewCase) -> Result<Uuid> {
    actor.require(Operation::CaseCreate)?;
    let product = validate::text("product_name", &c.product_name, 300)?;
    let study = validate::text("genetic_study", &c.genetic_study, 2000)?;
    let indication = validate::text("indication", &c.indication, 2000)?;
    db.tx(|tx| {
        crate::patients::get(tx, c.patient_id)?;
        let code = icd::require_code(tx, "icd_code", &c.icd_code)?.code;
        let id = Uuid::now_v7();
        let now = tx.now_text();
        tx.execute(
            "INSERT INTO cases (id, patient_id, product_name, genetic_study, icd_code, indication, physician_id,
                 state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?8)",
            params![id, c.patient_id, product, study, code, indication, actor.id(), now],
        )?;
        audit::record(tx, actor, "case.create", "case", &id.to_string(), &(&product, &code, c.patient_id))?;
        Ok(id)
    })
}

/// Sends a draft case to the commission. Physicians only.
pub fn submit(db: &mut Db, actor: &Actor, case_id: Uuid) -> Result<()> {
    actor.require(Operation::CaseSubmit)?;
    db.tx(|tx| {
        let case = get(tx, case_id)?;
        require_state(&case, &[CaseState::Draft])?;
        set_state(tx, case_id, CaseState::Submitted)?;
        audit::record(tx, actor, "case.submit", "case", &case_id.to_string(), &())
    })
}

pub(crate) fn require_state(case: &Case, allowed: &[CaseState]) -> Result<()> {
    if allowed.contains(&case.state) {
        Ok(())
    } else {
        Err(Error::Refused(Rule::CaseState { state: case.state.code().to_string() }))
    }
}

pub(crate) fn set_state(tx: &Tx, case_id: Uuid, state: CaseState) -> Result<()> {
    tx.execute(
        "UPDATE cases SET state = ?1, updated_at = ?2 WHERE id = ?3",
        params![state.code(), tx.now_text(), case_id],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, patient_id, product_name, genetic_study, icd_code, indication, physician_id, state, setting,
    department, icu_access, created_at";
/// The same columns of `cases c` in a join.
const COLUMNS_C: &str = "c.id, c.patient_id, c.product_name, c.genetic_study, c.icd_code, c.indication, c.physician_id,
    c.state, c.setting, c.department, c.icu_access, c.created_at";

fn from_row(r: &Row) -> rusqlite::Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        product_name: r.get(2)?,
        genetic_study: r.get(3)?,
        icd_code: r.get(4)?,
        indication: r.get(5)?,
        physician_id: r.get(6)?,
        state: CaseState::parse(&r.get::<_, String>(7)?),
        setting: r.get::<_, Option<String>>(8)?.and_then(|s| Setting::parse(&s).ok()),
        department: r.get(9)?,
        icu_access: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Case> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM cases WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "case", id: id.to_string() })
}

/// Cases, newest first, optionally only those in `state`; `limit`/`offset` page through long lists.
pub fn list(conn: &Connection, state: Option<CaseState>, limit: i64, offset: i64) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM cases WHERE ?1 IS NULL OR state = ?1 ORDER BY created_at DESC, id DESC
         LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![state.map(|s| s.code()), limit, offset], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Parses a case id given by a user (a UUID); a clear error otherwise.
pub fn parse_id(text: &str) -> Result<Uuid> {
    validate::id("case_id", text)
}
