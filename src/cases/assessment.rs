//! The patient-interest assessment (art. 6 of 323-FZ): structured findings, each with a written
//! justification. A case goes to a vote only when every finding is present and the setting is chosen.
use super::{get, require_state, set_state, CaseState};
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Diagnosis,
    PriorTreatment,
    Alternatives,
    ExpectedBenefit,
    KnownRisks,
    Contraindications,
    Condition,
    GeneticStudy,
}

impl FindingKind {
    pub const ALL: [FindingKind; 8] = [
        FindingKind::Diagnosis,
        FindingKind::PriorTreatment,
        FindingKind::Alternatives,
        FindingKind::ExpectedBenefit,
        FindingKind::KnownRisks,
        FindingKind::Contraindications,
        FindingKind::Condition,
        FindingKind::GeneticStudy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Diagnosis => "diagnosis",
            FindingKind::PriorTreatment => "prior_treatment",
            FindingKind::Alternatives => "alternatives",
            FindingKind::ExpectedBenefit => "expected_benefit",
            FindingKind::KnownRisks => "known_risks",
            FindingKind::Contraindications => "contraindications",
            FindingKind::Condition => "condition",
            FindingKind::GeneticStudy => "genetic_study_finding",
        }
    }

    pub fn parse(code: &str) -> Result<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.code() == code.trim()).ok_or_else(|| {
            Error::invalid("finding_kind", Check::OneOf { allowed: FindingKind::ALL.map(|k| k.code()).join(", ") })
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub finding: String,
    pub justification: String,
}

/// Records (or replaces) one finding. Physicians and the commission's secretary and chair; not once the
/// case is on a meeting's agenda.
pub fn record_finding(
    db: &mut Db,
    actor: &Actor,
    case_id: Uuid,
    kind: FindingKind,
    finding: &str,
    justification: &str,
) -> Result<()> {
    actor.require(Operation::AssessmentRecord)?;
    let finding = validate::text("finding", finding, 5000)?;
    let justification = validate::text("justification", justification, 5000)?;
    db.tx(|tx| {
        let case = get(tx, case_id)?;
        require_state(&case, &[CaseState::Draft, CaseState::Submitted, CaseState::Assessed])?;
        tx.execute(
            "INSERT INTO assessment_findings (case_id, kind, finding, justification, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (case_id, kind) DO UPDATE SET finding = excluded.finding,
                 justification = excluded.justification, recorded_by = excluded.recorded_by,
                 recorded_at = excluded.recorded_at",
            params![case_id, kind.code(), finding, justification, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "assessment.finding", "case", &case_id.to_string(), &(kind, &finding, &justification))
    })
}

pub fn findings(conn: &Connection, case_id: Uuid) -> Result<Vec<Finding>> {
    let mut stmt = conn.prepare("SELECT kind, finding, justification FROM assessment_findings WHERE case_id = ?1")?;
    let rows = stmt.query_map([case_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, finding, justification) = row?;
        out.push(Finding { kind: FindingKind::parse(&kind)?, finding, justification });
    }
    out.sort_by_key(|f| FindingKind::ALL.iter().position(|k| *k == f.kind));
    Ok(out)
}

/// Checks that every finding is recorded and the setting chosen (rule 2).
pub(crate) fn check_complete(conn: &Connection, case_id: Uuid) -> Result<()> {
    let have = findings(conn, case_id)?;
    let missing: Vec<&str> =
        FindingKind::ALL.iter().filter(|k| !have.iter().any(|f| f.kind == **k)).map(|k| k.code()).collect();
    if !missing.is_empty() {
        return Err(Error::Refused(Rule::AssessmentIncomplete { missing: missing.join(", ") }));
    }
    if get(conn, case_id)?.setting.is_none() {
        return Err(Error::Refused(Rule::SettingNotChosen));
    }
    Ok(())
}

/// Marks the assessment complete: the case becomes `assessed` and may be scheduled for a meeting.
pub fn complete_assessment(db: &mut Db, actor: &Actor, case_id: Uuid) -> Result<()> {
    actor.require(Operation::AssessmentComplete)?;
    db.tx(|tx| {
        let case = get(tx, case_id)?;
        require_state(&case, &[CaseState::Submitted])?;
        check_complete(tx, case_id)?;
        set_state(tx, case_id, CaseState::Assessed)?;
        audit::record(tx, actor, "assessment.complete", "case", &case_id.to_string(), &())
    })
}
