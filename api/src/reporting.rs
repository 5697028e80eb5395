//! Reports to Roszdravnadzor (list, page with its fields, sign, mark sent, benefit–risk reports), the
//! deadline board, the commission's journal export and the deadline settings.
use crate::dto::{day, moment, parse_id, Page};
use btlp_commission::deadlines;
use btlp_commission::{Lang, Result, Session};

use btlp_commission::reports::{self, DeadlineRules, Filter, Kind, Report, Status};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ReportRow {
    pub id: String,
    /// use, reaction or benefit_risk
    pub kind: String,
    /// draft, signed or sent
    pub status: String,
    pub product_name: String,
    /// The patient (use, reaction) or the period (benefit–risk).
    pub about: String,
    pub case_id: Option<String>,
    pub event_on: String,
    pub due_on: String,
    pub days_left: i32,
    pub overdue: bool,
    pub signed_at: Option<String>,
    pub signer_name: Option<String>,
    pub sent_on: Option<String>,
    pub outgoing_ref: Option<String>,
}

fn report_row(r: &Report, today: chrono::NaiveDate) -> ReportRow {
    ReportRow {
        id: r.id.to_string(),
        kind: r.kind.code().into(),
        status: r.status.code().into(),
        product_name: r.product_name.clone(),
        about: r.about(),
        case_id: r.case_id.map(|c| c.to_string()),
        event_on: day(r.event_on),
        due_on: day(r.due_on),
        days_left: (r.due_on - today).num_days() as i32,
        overdue: r.overdue(today),
        signed_at: r.signed_at.as_deref().map(moment),
        signer_name: r.signer_name.clone(),
        sent_on: r.sent_on.map(day),
        outgoing_ref: r.outgoing_ref.clone(),
    }
}

/// Reports: `filter` is open (not yet sent; the default), all, draft, signed or sent; `kind` narrows to one
/// kind.
pub fn reports_list(
    s: &mut Session,
    _: Lang,
    filter: String,
    kind: Option<String>,
    order: crate::dto::ListOrder,
    offset: u32,
    limit: u32,
) -> Result<Page<ReportRow>> {
    let filter = match filter.as_str() {
        "" | "open" => Filter::Open,
        "all" => Filter::All,
        other => Filter::Status(Status::parse(other)?),
    };
    let kind = kind.as_deref().filter(|k| !k.is_empty()).map(Kind::parse).transpose()?;
    let today = s.db.today();
    let (rows, total) = reports::list(s.db.conn(), filter, kind, order.into(), limit as i64, offset as i64)?;
    Ok(Page { items: rows.iter().map(|r| report_row(r, today)).collect(), total: total as u32 })
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct FieldRow {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ReportDetail {
    pub report: ReportRow,
    /// The report's fields as its PDF prints them, in the user's language.
    pub fields: Vec<FieldRow>,
    pub conclusion: Option<String>,
    /// The data as JSON (docs/schemas) and CSV, for saving beside the PDF.
    pub json: String,
    pub csv: String,
}

pub fn reports_get(s: &mut Session, lang: Lang, id: String) -> Result<ReportDetail> {
    let id = parse_id("report_id", &id)?;
    let r = reports::get(s.db.conn(), id)?;
    let data = reports::data(s.db.conn(), id, s.db.today())?;
    let fields = reports::rows(&data, lang).into_iter().map(|(label, value)| FieldRow { label, value }).collect();
    Ok(ReportDetail {
        report: report_row(&r, s.db.today()),
        fields,
        conclusion: r.conclusion.clone(),
        json: serde_json::to_string_pretty(&data).unwrap_or_default(),
        csv: String::from_utf8_lossy(&reports::to_csv(&data)).into_owned(),
    })
}

/// The signed report's PDF.
pub fn reports_pdf(s: &mut Session, _: Lang, id: String) -> Result<Vec<u8>> {
    reports::pdf(s.db.conn(), parse_id("report_id", &id)?)?
        .ok_or(btlp_commission::Error::Refused(btlp_commission::error::Rule::ReportUnsigned))
}

/// Signs the report as the signed-in user, with their password.
pub fn reports_sign(s: &mut Session, lang: Lang, id: String, password: String) -> Result<()> {
    let actor = s.actor.clone();
    reports::sign(&mut s.db, &actor, parse_id("report_id", &id)?, &password, lang)
}

/// Records that a signed report was sent on `sent_on` (ДД.ММ.ГГГГ) under `outgoing_ref`.
pub fn reports_mark_sent(s: &mut Session, _: Lang, id: String, sent_on: String, outgoing_ref: String) -> Result<()> {
    let actor = s.actor.clone();
    reports::mark_sent(&mut s.db, &actor, parse_id("report_id", &id)?, &sent_on, &outgoing_ref)
}

/// Opens the benefit–risk report of `product_name` for the period containing `period` (ДД.ММ.ГГГГ).
pub fn reports_open_benefit_risk(
    s: &mut Session,
    _: Lang,
    product_name: String,
    period: String,
    conclusion: String,
) -> Result<String> {
    let actor = s.actor.clone();
    Ok(reports::open_benefit_risk(&mut s.db, &actor, &product_name, &period, &conclusion)?.to_string())
}

pub fn reports_set_conclusion(s: &mut Session, _: Lang, id: String, conclusion: String) -> Result<()> {
    let actor = s.actor.clone();
    reports::set_conclusion(&mut s.db, &actor, parse_id("report_id", &id)?, &conclusion)
}

/// The products the clinic's cases name.
pub fn reports_products(s: &mut Session, _: Lang) -> Result<Vec<String>> {
    reports::products(s.db.conn())
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DueRow {
    /// report, benefit_risk_missing, permit_confirmation or decision_window
    pub kind: String,
    /// What is due, in the user's language.
    pub title: String,
    /// Who or what it is about: the patient, the product, the period, the decision number.
    pub about: String,
    pub due_on: String,
    pub days_left: i32,
    pub overdue: bool,
    /// The calendar of the due date's year is provisional.
    pub provisional: bool,
    pub report_id: Option<String>,
    pub report_status: Option<String>,
    pub decision_id: Option<String>,
    pub case_id: Option<String>,
    pub product_name: Option<String>,
    pub period_on: Option<String>,
}

/// The deadline board: overdue first, then by due date.
pub fn deadlines_board(s: &mut Session, lang: Lang) -> Result<Vec<DueRow>> {
    let items = deadlines::board(s.db.conn(), s.db.today())?;
    Ok(items
        .into_iter()
        .map(|i| DueRow {
            kind: i.kind.code().into(),
            title: i.title(lang),
            about: i.about(),
            due_on: day(i.due_on),
            days_left: i.days_left as i32,
            overdue: i.overdue,
            provisional: i.provisional,
            report_id: i.report_id.map(|r| r.to_string()),
            report_status: i.report_status.map(|r| r.code().into()),
            decision_id: i.decision_id.map(|d| d.to_string()),
            case_id: i.case_id.map(|c| c.to_string()),
            product_name: i.product_name.clone(),
            period_on: i.period_from.map(day),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DeadlineSettings {
    pub use_working_days: u32,
    pub urgent_reaction_working_days: u32,
    pub reaction_calendar_days: u32,
    pub benefit_risk_months: u32,
    pub benefit_risk_due_days: u32,
}

pub fn deadline_rules_get(s: &mut Session, _: Lang) -> Result<DeadlineSettings> {
    let r = reports::deadline_rules(s.db.conn())?;
    Ok(DeadlineSettings {
        use_working_days: r.use_working_days,
        urgent_reaction_working_days: r.urgent_reaction_working_days,
        reaction_calendar_days: r.reaction_calendar_days,
        benefit_risk_months: r.benefit_risk_months,
        benefit_risk_due_days: r.benefit_risk_due_days,
    })
}

/// Changes the deadline settings (admins); reports already open keep their deadlines.
pub fn deadline_rules_set(s: &mut Session, _: Lang, rules: DeadlineSettings) -> Result<()> {
    let actor = s.actor.clone();
    let r = DeadlineRules {
        use_working_days: rules.use_working_days,
        urgent_reaction_working_days: rules.urgent_reaction_working_days,
        reaction_calendar_days: rules.reaction_calendar_days,
        benefit_risk_months: rules.benefit_risk_months,
        benefit_risk_due_days: rules.benefit_risk_due_days,
    };
    reports::set_deadline_rules(&mut s.db, &actor, r)
}

/// A journal on screen: the export's column titles and each row's cells.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TableView {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl From<btlp_commission::exports::Table> for TableView {
    fn from(t: btlp_commission::exports::Table) -> Self {
        TableView { header: t.header, rows: t.rows }
    }
}

/// The commission's journal of decisions of a period (ДД.ММ.ГГГГ, either empty), as on screen.
pub fn journal_view(s: &mut Session, lang: Lang, from: String, to: String) -> Result<TableView> {
    Ok(btlp_commission::journal::table(s.db.conn(), &s.actor, &from, &to, lang)?.into())
}

/// The QC journal of a period, as on screen.
pub fn qc_journal_view(s: &mut Session, lang: Lang, from: String, to: String) -> Result<TableView> {
    Ok(btlp_commission::production::qc::table(s.db.conn(), &s.actor, &from, &to, lang)?.into())
}

/// A decision waiting for this user's signature.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SignItem {
    pub decision_id: String,
    pub number: String,
    pub patient_name: String,
}

/// An open meeting with cases waiting for this member's vote.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct VoteItem {
    pub meeting_id: String,
    pub date: String,
    pub number: u32,
    pub cases: u32,
}

/// The age of the last backup, for admins.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BackupAge {
    /// No backup was ever made.
    pub never: bool,
    pub days: u32,
}

/// What waits for the signed-in user (the home screen).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct WorklistView {
    pub to_sign: Vec<SignItem>,
    pub to_vote: Vec<VoteItem>,
    /// For those who sign reports: overdue, and due within `due_soon_days`.
    pub reports_overdue: Option<u32>,
    pub reports_due: Option<u32>,
    pub due_soon_days: u32,
    /// For admins, when it falls due soon: days to the permit's confirmation (negative: overdue).
    pub permit_days: Option<i32>,
    pub backup: Option<BackupAge>,
}

pub fn home_worklist(s: &mut Session, _: Lang) -> Result<WorklistView> {
    let w = btlp_commission::screens::worklist(s.db.conn(), &s.actor, s.db.today())?;
    Ok(WorklistView {
        to_sign: w
            .to_sign
            .into_iter()
            .map(|d| SignItem {
                decision_id: d.decision_id.to_string(),
                number: d.number,
                patient_name: d.patient_name,
            })
            .collect(),
        to_vote: w
            .to_vote
            .into_iter()
            .map(|m| VoteItem {
                meeting_id: m.meeting_id.to_string(),
                date: day(m.date),
                number: m.number,
                cases: m.cases,
            })
            .collect(),
        reports_overdue: w.reports.map(|r| r.0),
        reports_due: w.reports.map(|r| r.1),
        due_soon_days: btlp_commission::screens::DUE_SOON_DAYS as u32,
        permit_days: w.permit_days.map(|d| d as i32),
        backup: w.backup_age_days.map(|age| BackupAge { never: age.is_none(), days: age.unwrap_or(0).max(0) as u32 }),
    })
}
