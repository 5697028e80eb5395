//! The case page: the case and its patient, the indication's МКБ-10 title, the assessment's findings, the
//! consents, every decision with whether it can authorise an administration today, the administrations with
//! their adverse reactions, and the timeline.
use crate::administrations::{self, Administration, Readiness};
use crate::cases::{self, Case, Finding};
use crate::commission::Decision;
use crate::consent::{self, Consent};
use crate::error::Result;
use crate::icd;
use crate::patients::{self, Patient};
use crate::safety::{self, Reaction};
use chrono::NaiveDate;
use rusqlite::Connection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct CaseScreen {
    pub case: Case,
    pub patient: Patient,
    /// Empty when the code is not in the loaded МКБ-10 list.
    pub icd_title: String,
    pub findings: Vec<Finding>,
    pub consents: Vec<Consent>,
    pub decisions: Vec<(Decision, Readiness)>,
    pub administrations: Vec<(Administration, Vec<Reaction>)>,
    pub timeline: Vec<cases::Event>,
}

pub fn case(conn: &Connection, id: Uuid, today: NaiveDate) -> Result<CaseScreen> {
    let case = cases::get(conn, id)?;
    let icd_title = icd::require_code(conn, "icd_code", &case.icd_code).map(|e| e.title).unwrap_or_default();
    let mut given = Vec::new();
    for a in administrations::for_case(conn, id)? {
        let reactions = safety::for_administration(conn, a.id)?;
        given.push((a, reactions));
    }
    Ok(CaseScreen {
        patient: patients::get(conn, case.patient_id)?,
        icd_title,
        findings: cases::findings(conn, id)?,
        consents: consent::for_case(conn, id)?,
        decisions: administrations::case_readiness(conn, id, today)?,
        administrations: given,
        timeline: cases::timeline(conn, id)?,
        case,
    })
}
