//! The deadline board: everything the clinic must still do by a date, overdue items first. Reports to
//! Roszdravnadzor not yet sent; benefit–risk reports a product's uses call for but nobody has opened; the
//! permit's 5-year confirmation (from half a year before it is due); approved decisions not yet administered
//! whose window ends within a month or ended within the last 90 days; the steps an application to the
//! Ministry awaits; evidence of the organization's requirements that runs out within 60 days. Consents carry no expiry date in this
//! clinic's forms, so none appear.
use crate::calendar;
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::order::Order;
use crate::org;
use crate::reports::{self, Filter, Kind, Status};
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

/// How long before the permit's confirmation date the board starts showing it.
pub const PERMIT_NOTICE_DAYS: i64 = 183;
/// Approved, unused decisions: shown from this many days before their window ends …
const WINDOW_NOTICE_DAYS: u64 = 30;
/// … until this many days after it ended (then only the case page keeps them).
const WINDOW_LAPSED_DAYS: u64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A report opened and not yet sent.
    Report,
    /// A benefit–risk report due for a product and period but not yet opened.
    BenefitRiskMissing,
    PermitConfirmation,
    /// An approved decision not yet administered; due at the end of its window.
    DecisionWindow,
    /// A step an application to the Ministry awaits (the clinic's answer, the Ministry's decision, the
    /// expert conclusion).
    Application,
    /// Evidence of an organization requirement that has run out or runs out soon.
    Evidence,
}

impl ItemKind {
    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Report => "report",
            ItemKind::BenefitRiskMissing => "benefit_risk_missing",
            ItemKind::PermitConfirmation => "permit_confirmation",
            ItemKind::DecisionWindow => "decision_window",
            ItemKind::Application => "application",
            ItemKind::Evidence => "evidence",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub due_on: NaiveDate,
    /// Negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
    /// The production calendar for the due date's year is provisional (no adopted transfer decree yet).
    pub provisional: bool,
    pub report_kind: Option<Kind>,
    pub report_status: Option<Status>,
    pub report_id: Option<Uuid>,
    pub decision_id: Option<Uuid>,
    pub decision_number: Option<String>,
    pub case_id: Option<Uuid>,
    pub patient_name: Option<String>,
    pub product_name: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub application_id: Option<Uuid>,
    /// The application's reference (its outgoing number).
    pub reference: Option<String>,
    /// The step awaited (an application) or the requirement (evidence), as a code.
    pub subject: Option<String>,
}

impl Item {
    /// What is due, in the user's language.
    pub fn title(&self, lang: Lang) -> String {
        match self.kind {
            ItemKind::Report => tr(lang, &format!("report.kind.{}", self.report_kind.map_or("use", Kind::code)), &[]),
            ItemKind::Application | ItemKind::Evidence => {
                let prefix = if self.kind == ItemKind::Application { "application_step" } else { "requirement" };
                let what = tr(lang, &format!("{prefix}.{}", self.subject.as_deref().unwrap_or_default()), &[]);
                tr(lang, &format!("due.kind.{}", self.kind.code()), &[("what", what)])
            }
            other => tr(lang, &format!("due.kind.{}", other.code()), &[]),
        }
    }

    /// Who or what it is about: the decision number, the patient, the product, the period.
    pub fn about(&self) -> String {
        [
            self.decision_number.clone().map(|n| format!("№ {n}")),
            self.reference.clone(),
            self.patient_name.clone(),
            self.product_name.clone(),
            self.period_from.map(|_| reports::show_period(self.period_from, self.period_to)),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    }

    fn new(kind: ItemKind, due_on: NaiveDate, today: NaiveDate) -> Item {
        let days_left = (due_on - today).num_days();
        Item {
            kind,
            due_on,
            days_left,
            overdue: days_left < 0,
            provisional: calendar::is_provisional(due_on),
            report_kind: None,
            report_status: None,
            report_id: None,
            decision_id: None,
            decision_number: None,
            case_id: None,
            patient_name: None,
            product_name: None,
            period_from: None,
            period_to: None,
            application_id: None,
            reference: None,
            subject: None,
        }
    }
}

/// The board as of `today`: overdue items first, then by due date.
pub fn board(conn: &Connection, today: NaiveDate) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    let (open, _) = reports::list(conn, Filter::Open, None, Order::Deadline, i64::MAX, 0)?;
    for r in open {
        let mut i = Item::new(ItemKind::Report, r.due_on, today);
        i.report_kind = Some(r.kind);
        i.report_status = Some(r.status);
        i.report_id = Some(r.id);
        i.case_id = r.case_id;
        i.patient_name = r.patient_name;
        i.product_name = Some(r.product_name);
        i.period_from = r.period_from;
        i.period_to = r.period_to;
        items.push(i);
    }
    items.extend(missing_benefit_risk(conn, today)?);
    if let Ok(o) = org::get(conn) {
        if o.days_to_confirmation(today) <= PERMIT_NOTICE_DAYS {
            items.push(Item::new(ItemKind::PermitConfirmation, o.confirmation_due(), today));
        }
    }
    items.extend(unused_decisions(conn, today)?);
    for a in org::applications::list(conn)?.into_iter().filter(|a| !a.decided) {
        for d in a.deadlines.iter().filter(|d| d.met_on.is_none()) {
            let mut i = Item::new(ItemKind::Application, d.due, today);
            i.application_id = Some(a.id);
            i.subject = Some(d.awaits.code().to_string());
            i.reference = Some(a.reference.clone());
            items.push(i);
        }
    }
    for r in org::checklist::checklist(conn, today)? {
        if let (org::checklist::State::Expiring | org::checklist::State::Expired, Some(until)) =
            (r.state, r.valid_until)
        {
            let mut i = Item::new(ItemKind::Evidence, until, today);
            i.subject = Some(r.code.to_string());
            items.push(i);
        }
    }
    items.sort_by_key(|i| (!i.overdue, i.due_on));
    Ok(items)
}

/// Products used in a period that has ended, with no benefit–risk report opened for it. Walks the periods from
/// the first administration on, asking per product and period whether a use falls in it — each use opened a
/// report carrying its product and day, so one index probe answers — and never scans the administrations.
fn missing_benefit_risk(conn: &Connection, today: NaiveDate) -> Result<Vec<Item>> {
    let rules = reports::deadline_rules(conn)?;
    let months = rules.benefit_risk_months.clamp(1, 12);
    let first: Option<NaiveDate> =
        conn.query_row("SELECT date(min(administered_at)) FROM administrations", [], |r| r.get(0))?;
    let Some(first) = first else { return Ok(Vec::new()) };
    let products = reports::products(conn)?;
    let mut used = conn.prepare(
        "SELECT EXISTS (SELECT 1 FROM reports WHERE kind = 'use' AND product_name = ?3 AND event_on >= ?1
         AND event_on < ?2)",
    )?;
    let mut opened = conn.prepare(
        "SELECT EXISTS (SELECT 1 FROM reports WHERE kind = 'benefit_risk' AND product_name = ?1 AND period_from = ?2)",
    )?;
    let mut items = Vec::new();
    let (mut from, mut to) = reports::period_of(first, months);
    while to < today {
        let next = to.succ_opt().unwrap_or(to);
        for product in &products {
            if opened.query_row(params![product, from], |r| r.get(0))? {
                continue;
            }
            if used.query_row(params![from, next, product], |r| r.get(0))? {
                let mut i = Item::new(ItemKind::BenefitRiskMissing, rules.benefit_risk_period().due(to), today);
                i.report_kind = Some(Kind::BenefitRisk);
                i.product_name = Some(product.clone());
                i.period_from = Some(from);
                i.period_to = Some(to);
                items.push(i);
            }
        }
        (from, to) = reports::period_of(next, months);
    }
    Ok(items)
}

fn unused_decisions(conn: &Connection, today: NaiveDate) -> Result<Vec<Item>> {
    let from = today.checked_sub_days(Days::new(WINDOW_LAPSED_DAYS)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(WINDOW_NOTICE_DAYS)).unwrap_or(today);
    let mut stmt = conn.prepare(
        "SELECT d.id, d.number, d.window_to, d.case_id, c.product_name,
                p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, '')
         FROM decisions d JOIN cases c ON c.id = d.case_id JOIN patients p ON p.id = c.patient_id
         WHERE d.outcome = 'approved' AND d.window_to BETWEEN ?1 AND ?2
           AND NOT EXISTS (SELECT 1 FROM administrations a WHERE a.decision_id = d.id)
           AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        let mut i = Item::new(ItemKind::DecisionWindow, r.get(2)?, today);
        i.decision_id = Some(r.get(0)?);
        i.decision_number = Some(r.get(1)?);
        i.case_id = Some(r.get(3)?);
        i.product_name = Some(r.get(4)?);
        i.patient_name = Some(r.get(5)?);
        Ok(i)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
