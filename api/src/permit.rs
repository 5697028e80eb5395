//! The Ministry permit: its status history and events, applications with their steps and deadlines, and the
//! organization's requirements checklist with evidence documents.
use crate::dto::{day, parse_id};
use crate::files::Upload;
use btlp_commission::i18n::tr;
use btlp_commission::org::{applications, checklist, permit};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct PermitEventRow {
    pub kind: String,
    pub title: String,
    pub on_date: String,
    pub reference: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DeadlineRow {
    /// The step awaited (decision, clinic_answer, expert_conclusion).
    pub awaits: String,
    pub title: String,
    pub from: String,
    pub due: String,
    /// `working_days:3`, `calendar_days:90` (the UI words it with the language's plural forms)
    pub rule: String,
    pub met_on: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct StepRow {
    pub step: String,
    pub title: String,
    pub on_date: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ApplicationRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub reference: String,
    pub decided: bool,
    pub steps: Vec<StepRow>,
    pub deadlines: Vec<DeadlineRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct EvidenceRow {
    pub id: String,
    pub title: String,
    pub file_name: String,
    pub sha256: String,
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct RequirementRow {
    pub code: String,
    pub title: String,
    /// met, expiring, expired or missing
    pub state: String,
    pub valid_until: Option<String>,
    pub evidence: Vec<EvidenceRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct PermitOverview {
    pub number: String,
    /// active, suspended or revoked
    pub status: String,
    pub status_title: String,
    pub confirmation_due: String,
    pub in_force: bool,
    pub history: Vec<PermitEventRow>,
    pub applications: Vec<ApplicationRow>,
    pub requirements: Vec<RequirementRow>,
}

/// Everything the permit screen shows.
pub fn permit_overview(s: &mut Session, lang: Lang) -> Result<PermitOverview> {
    let today = s.db.today();
    let t = |prefix: &str, code: &str| tr(lang, &format!("{prefix}.{code}"), &[]);
    let screen = btlp_commission::screens::permit(s.db.conn(), today)?;
    let o = &screen.org;
    let history = screen
        .history
        .into_iter()
        .map(|e| PermitEventRow {
            kind: e.kind.code().into(),
            title: t("permit_event", e.kind.code()),
            on_date: day(e.on_date),
            reference: e.reference,
            note: e.note,
        })
        .collect();
    let applications = screen
        .applications
        .iter()
        .map(|a| ApplicationRow {
            id: a.id.to_string(),
            kind: a.kind.code().into(),
            title: t("application_kind", a.kind.code()),
            reference: a.reference.clone(),
            decided: a.decided,
            steps: a
                .steps
                .iter()
                .map(|st| StepRow {
                    step: st.step.code().into(),
                    title: t("application_step", st.step.code()),
                    on_date: day(st.on_date),
                    note: st.note.clone(),
                })
                .collect(),
            deadlines: a
                .deadlines
                .iter()
                .map(|d| DeadlineRow {
                    awaits: d.awaits.code().into(),
                    title: t("application_step", d.awaits.code()),
                    from: day(d.from),
                    due: day(d.due),
                    rule: d.rule.code(),
                    met_on: d.met_on.map(day),
                    overdue: a.overdue(d, today),
                })
                .collect(),
        })
        .collect();
    let requirements = screen
        .requirements
        .into_iter()
        .map(|r| RequirementRow {
            code: r.code.into(),
            title: t("requirement", r.code),
            state: r.state.code().into(),
            valid_until: r.valid_until.map(day),
            evidence: r
                .evidence
                .into_iter()
                .map(|e| EvidenceRow {
                    id: e.id.to_string(),
                    title: e.title,
                    file_name: e.file_name,
                    sha256: e.sha256,
                    valid_until: e.valid_until.map(day),
                })
                .collect(),
        })
        .collect();
    Ok(PermitOverview {
        number: o.permit_number.clone(),
        status: o.permit_status.code().into(),
        status_title: t("permit_status", o.permit_status.code()),
        confirmation_due: day(o.confirmation_due()),
        in_force: screen.in_force,
        history,
        applications,
        requirements,
    })
}

/// Records a permit event (confirmed, suspended, reinstated, revoked); admins.
pub fn permit_record_event(
    s: &mut Session,
    _: Lang,
    kind: String,
    on_date: String,
    reference: String,
    note: String,
) -> Result<()> {
    permit::record(&mut s.db, &s.actor, &kind, &on_date, &reference, &note)
}

/// Opens an application (permit, confirmation, change) submitted on `on_date`; admins.
pub fn applications_open(s: &mut Session, _: Lang, kind: String, reference: String, on_date: String) -> Result<String> {
    Ok(applications::open(&mut s.db, &s.actor, &kind, &reference, &on_date)?.to_string())
}

/// Records an application's next step; admins.
pub fn applications_add_step(
    s: &mut Session,
    _: Lang,
    id: String,
    step: String,
    on_date: String,
    note: String,
) -> Result<()> {
    applications::add_step(&mut s.db, &s.actor, parse_id("application_id", &id)?, &step, &on_date, &note)
}

/// Attaches an evidence document (read on the workstation) to a requirement of the checklist.
pub fn checklist_attach(
    s: &mut Session,
    _: Lang,
    requirement: String,
    title: String,
    file: Upload,
    valid_until: String,
) -> Result<()> {
    checklist::attach(&mut s.db, &s.actor, &requirement, &title, &file.name, &file.bytes, &valid_until).map(|_| ())
}
