//! The application tracker: an application to the Ministry of Health (a permit, its confirmation or a
//! change) and its steps — submission, the Ministry's request for more documents and the clinic's answer,
//! referral to the expert institution and its conclusion, the decision — with the deadlines DOMAIN.md §2
//! gives: the Ministry decides within 3 working days (the time the clinic takes to send documents and the
//! expert review are not counted, so the clock starts again after the answer or the conclusion); the clinic
//! answers a request within 90 days; the expert review takes at most 50 working days.
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::reports::Period;
use crate::validate;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

/// The Ministry's time to decide, from the submission or from the last answer or conclusion.
pub const MINISTRY: Period = Period::WorkingDays(3);
/// The clinic's time to send the documents the Ministry asked for.
pub const ANSWER: Period = Period::CalendarDays(90);
/// The expert institution's time for its review.
pub const EXPERT: Period = Period::WorkingDays(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Submitted,
    MinistryRequest,
    ClinicAnswer,
    ExpertReferral,
    ExpertConclusion,
    Decision,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Submitted,
        Step::MinistryRequest,
        Step::ClinicAnswer,
        Step::ExpertReferral,
        Step::ExpertConclusion,
        Step::Decision,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Submitted => "submitted",
            Step::MinistryRequest => "ministry_request",
            Step::ClinicAnswer => "clinic_answer",
            Step::ExpertReferral => "expert_referral",
            Step::ExpertConclusion => "expert_conclusion",
            Step::Decision => "decision",
        }
    }

    pub fn parse(code: &str) -> Result<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code.trim()).ok_or_else(|| {
            Error::invalid("application_step", Check::OneOf { allowed: Step::ALL.map(Step::code).join(", ") })
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Permit,
    Confirmation,
    Change,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Permit => "permit",
            Kind::Confirmation => "confirmation",
            Kind::Change => "change",
        }
    }

    pub fn parse(code: &str) -> Result<Kind> {
        match code.trim() {
            "permit" => Ok(Kind::Permit),
            "confirmation" => Ok(Kind::Confirmation),
            "change" => Ok(Kind::Change),
            _ => {
                Err(Error::invalid("application_kind", Check::OneOf { allowed: "permit, confirmation, change".into() }))
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    pub step: Step,
    pub on_date: NaiveDate,
    pub note: String,
}

/// A deadline that a step sets for the next one: who must act, by when, and when they did.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    /// The step awaited: `decision` (the Ministry), `clinic_answer` or `expert_conclusion`.
    pub awaits: Step,
    pub from: NaiveDate,
    pub due: NaiveDate,
    /// How it is counted.
    pub rule: Period,
    pub met_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub id: Uuid,
    pub kind: Kind,
    pub reference: String,
    pub steps: Vec<StepRecord>,
    pub deadlines: Vec<Deadline>,
    pub decided: bool,
}

impl Application {
    /// Whether `d`, one of this application's deadlines, passed unmet by `today` (none is, once decided).
    pub fn overdue(&self, d: &Deadline, today: NaiveDate) -> bool {
        d.met_on.is_none() && !self.decided && d.due < today
    }
}

/// Whether `next` may follow `steps` (in date order): a request must be answered and a referral concluded
/// before anything else happens, an answer needs an open request, a conclusion an open referral, and nothing
/// follows the decision.
fn may_follow(steps: &[Step], next: Step) -> bool {
    let open = |opened: Step, closed: Step| {
        steps.iter().filter(|s| **s == opened).count() > steps.iter().filter(|s| **s == closed).count()
    };
    let request_open = open(Step::MinistryRequest, Step::ClinicAnswer);
    let referral_open = open(Step::ExpertReferral, Step::ExpertConclusion);
    if steps.contains(&Step::Decision) || steps.is_empty() != (next == Step::Submitted) {
        return false;
    }
    match next {
        Step::Submitted => true,
        Step::ClinicAnswer => request_open,
        Step::ExpertConclusion => referral_open,
        Step::MinistryRequest | Step::ExpertReferral | Step::Decision => !request_open && !referral_open,
    }
}

/// The deadlines each step sets, and when they were met (by the step awaited, or for the Ministry by any step
/// it takes next).
pub fn deadlines(steps: &[StepRecord]) -> Vec<Deadline> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let later = &steps[i + 1..];
        let (awaits, rule, met) = match s.step {
            Step::Submitted | Step::ClinicAnswer | Step::ExpertConclusion => (
                Step::Decision,
                MINISTRY,
                later.iter().find(|l| matches!(l.step, Step::MinistryRequest | Step::ExpertReferral | Step::Decision)),
            ),
            Step::MinistryRequest => (Step::ClinicAnswer, ANSWER, later.iter().find(|l| l.step == Step::ClinicAnswer)),
            Step::ExpertReferral => {
                (Step::ExpertConclusion, EXPERT, later.iter().find(|l| l.step == Step::ExpertConclusion))
            }
            Step::Decision => continue,
        };
        let due = rule.due(s.on_date);
        out.push(Deadline { awaits, from: s.on_date, due, rule, met_on: met.map(|m| m.on_date) });
    }
    out
}

/// Opens an application submitted on `submitted_on`. Admins only.
pub fn open(db: &mut Db, actor: &Actor, kind: &str, reference: &str, submitted_on: &str) -> Result<Uuid> {
    actor.require(Operation::ApplicationManage)?;
    let kind = Kind::parse(kind)?;
    let reference = validate::text("reference", reference, 200)?;
    let on = validate::date("on_date", submitted_on)?;
    if on > db.today() {
        return Err(Error::invalid("on_date", Check::NotInFuture));
    }
    db.tx(|tx| {
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO permit_applications (id, kind, reference, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, kind.code(), reference, actor.id(), tx.now_text()],
        )?;
        insert_step(tx, actor, id, Step::Submitted, on, "")?;
        Ok(id)
    })
}

fn insert_step(tx: &crate::db::Tx, actor: &Actor, app: Uuid, step: Step, on: NaiveDate, note: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO application_steps (id, application_id, kind, on_date, note, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![Uuid::now_v7(), app, step.code(), on, note, actor.id(), tx.now_text()],
    )?;
    audit::record(tx, actor, "application.step", "application", &app.to_string(), &(step, on, note))
}

/// Records the next step of an application, dated `on` (not in the future, not before the latest step).
/// Admins only.
pub fn add_step(db: &mut Db, actor: &Actor, app: Uuid, step: &str, on: &str, note: &str) -> Result<()> {
    actor.require(Operation::ApplicationManage)?;
    let step = Step::parse(step)?;
    let on = validate::date("on_date", on)?;
    if on > db.today() {
        return Err(Error::invalid("on_date", Check::NotInFuture));
    }
    let note = validate::optional_text("note", note, 2000)?.unwrap_or_default();
    db.tx(|tx| {
        let a = get(tx, app)?;
        let kinds: Vec<Step> = a.steps.iter().map(|s| s.step).collect();
        if !may_follow(&kinds, step) {
            return Err(Error::Refused(Rule::ApplicationStep { step: step.code().into() }));
        }
        if let Some(last) = a.steps.last().filter(|l| on < l.on_date) {
            return Err(Error::Refused(Rule::ApplicationStepBefore { previous: validate::show_date(last.on_date) }));
        }
        insert_step(tx, actor, app, step, on, &note)
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Application> {
    let (kind, reference): (String, String) = conn
        .query_row("SELECT kind, reference FROM permit_applications WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or(Error::NotFound { entity: "application", id: id.to_string() })?;
    let mut stmt = conn.prepare(
        "SELECT kind, on_date, note FROM application_steps WHERE application_id = ?1 ORDER BY on_date, recorded_at",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
    let mut steps = Vec::new();
    for row in rows {
        let (step, on_date, note) = row?;
        steps.push(StepRecord { step: Step::parse(&step)?, on_date, note });
    }
    let decided = steps.iter().any(|s| s.step == Step::Decision);
    Ok(Application { id, kind: Kind::parse(&kind)?, reference, deadlines: deadlines(&steps), steps, decided })
}

/// Every application, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Application>> {
    let ids: Vec<Uuid> = conn
        .prepare("SELECT id FROM permit_applications ORDER BY created_at DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get(conn, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        validate::date("on_date", s).unwrap()
    }

    fn rec(step: Step, on: &str) -> StepRecord {
        StepRecord { step, on_date: d(on), note: String::new() }
    }

    #[test]
    fn steps_follow_the_procedure() {
        use Step::*;
        assert!(may_follow(&[], Submitted), "an application starts with its submission");
        assert!(!may_follow(&[], Decision), "nothing before the submission");
        assert!(!may_follow(&[Submitted], ClinicAnswer), "an answer needs a request");
        assert!(!may_follow(&[Submitted, MinistryRequest], Decision), "the Ministry waits for the answer");
        assert!(may_follow(&[Submitted, MinistryRequest, ClinicAnswer], ExpertReferral), "then it may refer");
        assert!(!may_follow(&[Submitted, ExpertReferral], Decision), "the review comes first");
        assert!(!may_follow(&[Submitted, Decision], MinistryRequest), "nothing follows the decision");
    }

    #[test]
    fn the_ministry_clock_restarts_after_the_answer_and_skips_holidays() {
        use Step::*;
        // Submitted on Friday 08.05.2026: 3 working days skip the weekend and the 11.05 holiday → 14.05.
        let steps = [rec(Submitted, "08.05.2026"), rec(MinistryRequest, "13.05.2026"), rec(ClinicAnswer, "01.06.2026")];
        let ds = deadlines(&steps);
        assert_eq!(ds[0].due, d("14.05.2026"), "Victory Day's transferred holiday is not a working day");
        assert_eq!(ds[0].met_on, Some(d("13.05.2026")), "the request met the Ministry's first deadline");
        assert_eq!(ds[1].due, d("11.08.2026"), "90 calendar days to answer");
        assert_eq!(ds[1].met_on, Some(d("01.06.2026")));
        assert_eq!((ds[2].awaits, ds[2].due, ds[2].met_on), (Decision, d("04.06.2026"), None), "a new 3 days");
    }
}
