//! Decisions of the commission. Adopted once every eligible member has voted, with the outcome computed
//! from the tally (rule 4), numbered per year (`17/2026`), and immutable from then on: the table refuses
//! updates and deletes, and a correction is a new decision that supersedes the old one (both kept).
//! An approved decision authorises exactly one administration, in its window and setting (rule 5).
use super::meeting::{meeting, on_agenda, open_meeting};
use super::vote::tally;
use crate::audit;
use crate::cases::{self, CaseState, Setting};
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::org;
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Rejected,
    Deferred,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Rejected => "rejected",
            Outcome::Deferred => "deferred",
        }
    }

    fn parse(code: &str) -> Outcome {
        match code {
            "approved" => Outcome::Approved,
            "rejected" => Outcome::Rejected,
            _ => Outcome::Deferred,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub id: Uuid,
    pub number: String,
    pub case_id: Uuid,
    pub meeting_id: Uuid,
    pub outcome: Outcome,
    pub decided_on: NaiveDate,
    pub setting: Setting,
    pub department: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub dose: String,
    pub route: String,
    pub composition_size: i64,
    pub present: i64,
    pub recused: i64,
    pub votes_for: i64,
    pub votes_against: i64,
    pub votes_abstain: i64,
    pub threshold: i64,
    pub supersedes: Option<Uuid>,
    pub superseded_by: Option<Uuid>,
    pub correction_reason: Option<String>,
    pub used: bool,
}

/// Adopts the commission's decision on an agenda item once every eligible member has voted. Chair or
/// secretary. Refused while the permit is not in force (rule 1).
pub fn adopt(db: &mut Db, actor: &Actor, meeting_id: Uuid, case_id: Uuid) -> Result<Uuid> {
    adopt_as(db, actor, meeting_id, case_id, None)
}

/// Adopts the decision the user confirmed under `number` (from `preview`): refused, changing nothing, when
/// another decision took that number in the meantime, so the number the user read is the number it gets.
pub fn adopt_confirmed(db: &mut Db, actor: &Actor, meeting_id: Uuid, case_id: Uuid, number: &str) -> Result<Uuid> {
    adopt_as(db, actor, meeting_id, case_id, Some(number))
}

fn adopt_as(db: &mut Db, actor: &Actor, meeting_id: Uuid, case_id: Uuid, number: Option<&str>) -> Result<Uuid> {
    actor.require(Operation::DecisionAdopt)?;
    db.tx(|tx| {
        org::check_permit(tx)?;
        let row = draft(tx, meeting_id, case_id)?;
        if let Some(confirmed) = number {
            let (next, _) = next_number(tx, row.decided_on.year())?;
            if next != confirmed.trim() {
                return Err(Error::Refused(Rule::DecisionNumberChanged { number: next }));
            }
        }
        let id = insert(tx, actor, row)?;
        cases::set_state(tx, case_id, CaseState::Decided)?;
        Ok(id)
    })
}

/// What a decision's operative text states: its outcome and the terms of the one administration.
#[derive(Debug, Clone, Serialize)]
pub struct Terms {
    pub outcome: Outcome,
    pub setting: Setting,
    pub department: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub dose: String,
    pub route: String,
}

impl Decision {
    pub fn terms(&self) -> Terms {
        Terms {
            outcome: self.outcome,
            setting: self.setting,
            department: self.department.clone(),
            window_from: self.window_from,
            window_to: self.window_to,
            dose: self.dose.clone(),
            route: self.route.clone(),
        }
    }
}

/// What adopting would record now, for the confirmation the user sees first: the number the decision will
/// get and its terms. Refused exactly as `adopt` would be; changes nothing.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub number: String,
    pub case_id: Uuid,
    pub terms: Terms,
}

pub fn preview(db: &Db, actor: &Actor, meeting_id: Uuid, case_id: Uuid) -> Result<Draft> {
    actor.require(Operation::DecisionAdopt)?;
    let conn = db.conn();
    org::get(conn)?.check_permit(db.today())?;
    let d = draft(conn, meeting_id, case_id)?;
    Ok(Draft {
        number: next_number(conn, d.decided_on.year())?.0,
        case_id,
        terms: Terms {
            outcome: d.outcome,
            setting: d.setting,
            department: d.department,
            window_from: d.window_from,
            window_to: d.window_to,
            dose: d.dose,
            route: d.route,
        },
    })
}

/// The decision the tally on an agenda item gives, once every eligible member has voted.
fn draft(conn: &Connection, meeting_id: Uuid, case_id: Uuid) -> Result<NewRow> {
    let m = open_meeting(conn, meeting_id)?;
    let plan = on_agenda(conn, meeting_id, case_id)?;
    let case = cases::get(conn, case_id)?;
    cases::require_state(&case, &[CaseState::Scheduled])?;
    let t = tally(conn, &m, case_id)?;
    if !t.quorum_met() {
        return Err(Error::Refused(Rule::NoQuorum { present: t.present, needed: t.quorum_needed }));
    }
    let outcome = t.outcome().ok_or(Error::Refused(Rule::VotingUnfinished { missing: t.eligible() - t.cast() }))?;
    let setting = case.setting.ok_or(Error::Refused(Rule::SettingNotChosen))?;
    Ok(NewRow {
        case_id,
        meeting_id,
        outcome,
        decided_on: m.date,
        setting,
        department: case.department.clone().unwrap_or_default(),
        window_from: validate::date("window_from", &plan.window_from)?,
        window_to: validate::date("window_to", &plan.window_to)?,
        dose: plan.dose,
        route: plan.route,
        counts: [
            t.composition_size,
            t.present,
            t.recused,
            t.votes_for,
            t.votes_against,
            t.votes_abstain,
            t.votes_needed,
        ],
        supersedes: None,
        correction_reason: None,
    })
}

/// The next decision number of `year` (`17/2026`) and its sequence.
fn next_number(conn: &Connection, year: i32) -> Result<(String, i64)> {
    let seq: i64 =
        conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM decisions WHERE year = ?1", [year], |r| r.get(0))?;
    Ok((format!("{seq}/{year}"), seq))
}

/// A correction of an approved, unused decision's terms: a new decision (with a new number) that supersedes
/// it. The vote stands; the old decision can no longer authorise an administration. Chair only.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub window_from: String,
    pub window_to: String,
    pub dose: String,
    pub route: String,
    pub department: String,
    pub reason: String,
}

pub fn correct(db: &mut Db, actor: &Actor, decision_id: Uuid, c: &Correction) -> Result<Uuid> {
    actor.require(Operation::DecisionCorrect)?;
    let from = validate::date("window_from", &c.window_from)?;
    let to = validate::date("window_to", &c.window_to)?;
    if to < from {
        return Err(Error::invalid("window_to", Check::EndBeforeStart));
    }
    let reason = validate::text("correction_reason", &c.reason, 2000)?;
    let dose = validate::text("dose", &c.dose, 300)?;
    let route = validate::text("route", &c.route, 200)?;
    let department = validate::text("department", &c.department, 200)?;
    db.tx(|tx| {
        org::check_permit(tx)?;
        let old = get(tx, decision_id)?;
        usable(&old)?;
        insert(
            tx,
            actor,
            NewRow {
                case_id: old.case_id,
                meeting_id: old.meeting_id,
                outcome: old.outcome,
                decided_on: tx.today(),
                setting: old.setting,
                department,
                window_from: from,
                window_to: to,
                dose,
                route,
                counts: [
                    old.composition_size,
                    old.present,
                    old.recused,
                    old.votes_for,
                    old.votes_against,
                    old.votes_abstain,
                    old.threshold,
                ]
                .map(|n| n as usize),
                supersedes: Some(old.id),
                correction_reason: Some(reason.clone()),
            },
        )
    })
}

/// Refuses unless the decision is approved, current (not superseded) and not yet used.
pub(crate) fn usable(d: &Decision) -> Result<()> {
    if d.outcome != Outcome::Approved {
        return Err(Error::Refused(Rule::DecisionNotApproved));
    }
    if d.superseded_by.is_some() {
        return Err(Error::Refused(Rule::DecisionSuperseded));
    }
    if d.used {
        return Err(Error::Refused(Rule::DecisionUsed));
    }
    Ok(())
}

struct NewRow {
    case_id: Uuid,
    meeting_id: Uuid,
    outcome: Outcome,
    decided_on: NaiveDate,
    setting: Setting,
    department: String,
    window_from: NaiveDate,
    window_to: NaiveDate,
    dose: String,
    route: String,
    /// composition size, present, recused, for, against, abstain, votes needed
    counts: [usize; 7],
    supersedes: Option<Uuid>,
    correction_reason: Option<String>,
}

fn insert(tx: &Tx, actor: &Actor, d: NewRow) -> Result<Uuid> {
    let year = d.decided_on.year();
    let (number, seq) = next_number(tx, year)?;
    let id = Uuid::now_v7();
    let c = d.counts.map(|n| n as i64);
    tx.execute(
        "INSERT INTO decisions (id, number, year, seq, case_id, meeting_id, outcome, decided_on, setting, department,
             window_from, window_to, dose, route, composition_size, present, recused, votes_for, votes_against,
             votes_abstain, threshold, supersedes, correction_reason, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
             ?22, ?23, ?24, ?25)",
        params![
            id,
            number,
            year,
            seq,
            d.case_id,
            d.meeting_id,
            d.outcome.code(),
            d.decided_on,
            d.setting.code(),
            d.department,
            d.window_from,
            d.window_to,
            d.dose,
            d.route,
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            c[6],
            d.supersedes,
            d.correction_reason,
            actor.id(),
            tx.now_text()
        ],
    )?;
    let summary = (&number, d.outcome, d.case_id, d.window_from, d.window_to, &d.dose, &d.route, d.supersedes);
    audit::record(tx, actor, "decision.adopt", "decision", &id.to_string(), &summary)?;
    Ok(id)
}

pub(crate) const COLUMNS: &str =
    "d.id, d.number, d.case_id, d.meeting_id, d.outcome, d.decided_on, d.setting, d.department,
    d.window_from, d.window_to, d.dose, d.route, d.composition_size, d.present, d.recused, d.votes_for,
    d.votes_against, d.votes_abstain, d.threshold, d.supersedes,
    (SELECT n.id FROM decisions n WHERE n.supersedes = d.id), d.correction_reason,
    EXISTS (SELECT 1 FROM administrations a WHERE a.decision_id = d.id)";

pub(crate) fn from_row(r: &Row) -> rusqlite::Result<Decision> {
    Ok(Decision {
        id: r.get(0)?,
        number: r.get(1)?,
        case_id: r.get(2)?,
        meeting_id: r.get(3)?,
        outcome: Outcome::parse(&r.get::<_, String>(4)?),
        decided_on: r.get(5)?,
        setting: Setting::parse(&r.get::<_, String>(6)?).unwrap_or(Setting::Inpatient),
        department: r.get(7)?,
        window_from: r.get(8)?,
        window_to: r.get(9)?,
        dose: r.get(10)?,
        route: r.get(11)?,
        composition_size: r.get(12)?,
        present: r.get(13)?,
        recused: r.get(14)?,
        votes_for: r.get(15)?,
        votes_against: r.get(16)?,
        votes_abstain: r.get(17)?,
        threshold: r.get(18)?,
        supersedes: r.get(19)?,
        superseded_by: r.get(20)?,
        correction_reason: r.get(21)?,
        used: r.get(22)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Decision> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM decisions d WHERE d.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "decision", id: id.to_string() })
}

/// Decisions, newest first; optionally those of one case.
pub fn list(conn: &Connection, case_id: Option<Uuid>, limit: i64, offset: i64) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM decisions d WHERE ?1 IS NULL OR d.case_id = ?1
         ORDER BY d.year DESC, d.seq DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(params![case_id, limit, offset], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds a decision by its number, such as `17/2026`.
pub fn by_number(conn: &Connection, number: &str) -> Result<Decision> {
    let id: Uuid = conn
        .query_row("SELECT id FROM decisions WHERE number = ?1", [number.trim()], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { entity: "decision", id: number.to_string() })?;
    get(conn, id)
}

/// The meeting a decision came from (for documents and the case page).
pub fn meeting_of(conn: &Connection, d: &Decision) -> Result<super::Meeting> {
    meeting(conn, d.meeting_id)
}
