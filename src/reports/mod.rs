//! Reports to Roszdravnadzor (Resolution 213 rules §15, DOMAIN.md §5): a "fact of use" notice for every
//! administration and an adverse-reaction notice for every reaction, both opened automatically in the same
//! transaction as the record (rule 9), and periodic benefit–risk reports per product. Each carries a deadline
//! computed when it is opened, moves draft → signed → sent, and exists as structured data (JSON and CSV, see
//! `docs/schemas/`) and as a PDF signed by a physician or the clinic's responsible person (an admin). Once
//! signed, its data and PDF never change; sending records the date and the outgoing reference.
mod data;
mod rules;

pub use data::{flatten, paths, rows, schema_id, to_csv};
pub use rules::{deadline_rules, set_deadline_rules, DeadlineRules, Period};

use crate::audit;
use crate::db::{Db, Tx};
use crate::documents::RecordSheet;
use crate::error::{Check, Error, Result, Rule};
use crate::i18n::{tr, Lang};
use crate::order::Order;
use crate::people::{Actor, Operation, Role};
use crate::{administrations, cases, org, safety, signatures, validate};
use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Use,
    Reaction,
    BenefitRisk,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Use => "use",
            Kind::Reaction => "reaction",
            Kind::BenefitRisk => "benefit_risk",
        }
    }

    pub fn parse(code: &str) -> Result<Kind> {
        match code.trim() {
            "use" => Ok(Kind::Use),
            "reaction" => Ok(Kind::Reaction),
            "benefit_risk" => Ok(Kind::BenefitRisk),
            _ => Err(Error::invalid("kind", Check::OneOf { allowed: "use, reaction, benefit_risk".into() })),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Signed,
    Sent,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Signed => "signed",
            Status::Sent => "sent",
        }
    }

    pub fn parse(code: &str) -> Result<Status> {
        match code.trim() {
            "draft" => Ok(Status::Draft),
            "signed" => Ok(Status::Signed),
            "sent" => Ok(Status::Sent),
            _ => Err(Error::invalid("status", Check::OneOf { allowed: "draft, signed, sent".into() })),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: Uuid,
    pub kind: Kind,
    /// The administration (use) or adverse reaction (reaction) reported on.
    pub subject_id: Option<Uuid>,
    pub product_name: String,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub conclusion: Option<String>,
    /// The day the clock started.
    pub event_on: NaiveDate,
    /// The last day to send.
    pub due_on: NaiveDate,
    /// How `due_on` was counted, e.g. `working_days:5`.
    pub due_rule: String,
    pub status: Status,
    pub signed_at: Option<String>,
    pub signer_name: Option<String>,
    pub sent_on: Option<NaiveDate>,
    pub outgoing_ref: Option<String>,
    /// The case (and its patient) a use or reaction report is about.
    pub case_id: Option<Uuid>,
    pub patient_name: Option<String>,
}

/// A period as people read it: `ДД.ММ.ГГГГ — ДД.ММ.ГГГГ` (empty unless both ends are known).
pub fn show_period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("{} — {}", validate::show_date(f), validate::show_date(t)),
        _ => String::new(),
    }
}

impl Report {
    /// What the report is about, for a list: the patient, or the period of a benefit–risk report.
    pub fn about(&self) -> String {
        self.patient_name.clone().unwrap_or_else(|| show_period(self.period_from, self.period_to))
    }

    /// Not sent and past its last day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status != Status::Sent && self.due_on < today
    }
}

const SELECT: &str = "SELECT r.id, r.kind, r.subject_id, r.product_name, r.period_from, r.period_to, r.conclusion,
        r.event_on, r.due_on, r.due_rule, r.status, r.signed_at, u.full_name, r.sent_on, r.outgoing_ref, c.id,
        p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, '')
    FROM reports r
    LEFT JOIN users u ON u.id = r.signer_id
    LEFT JOIN adverse_reactions x ON r.kind = 'reaction' AND x.id = r.subject_id
    LEFT JOIN administrations a
        ON a.id = CASE r.kind WHEN 'use' THEN r.subject_id WHEN 'reaction' THEN x.administration_id END
    LEFT JOIN cases c ON c.id = a.case_id
    LEFT JOIN patients p ON p.id = c.patient_id";

fn from_row(r: &Row) -> rusqlite::Result<Report> {
    Ok(Report {
        id: r.get(0)?,
        kind: Kind::parse(&r.get::<_, String>(1)?).unwrap_or(Kind::Use),
        subject_id: r.get(2)?,
        product_name: r.get(3)?,
        period_from: r.get(4)?,
        period_to: r.get(5)?,
        conclusion: r.get(6)?,
        event_on: r.get(7)?,
        due_on: r.get(8)?,
        due_rule: r.get(9)?,
        status: Status::parse(&r.get::<_, String>(10)?).unwrap_or(Status::Draft),
        signed_at: r.get(11)?,
        signer_name: r.get(12)?,
        sent_on: r.get(13)?,
        outgoing_ref: r.get(14)?,
        case_id: r.get(15)?,
        patient_name: r.get(16)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Report> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "report", id: id.to_string() })
}

/// Which reports a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Not yet sent (drafts and signed), the nearest deadline first.
    Open,
    Status(Status),
    All,
}

/// A page of reports in `order` and how many match in all. By deadline, the unsent ones come first, the
/// nearest deadline first; by date, the event's day (the administration, the reaction learnt of, the period's
/// end); by patient, the ФИО (periodic reports, about no one patient, last).
pub fn list(
    conn: &Connection,
    filter: Filter,
    kind: Option<Kind>,
    order: Order,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Report>, i64)> {
    let by = match order {
        Order::Deadline => "CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END, r.due_on, r.id",
        Order::Newest => "r.event_on DESC, r.id DESC",
        Order::Oldest => "r.event_on, r.id",
        Order::Patient => "p.name_key IS NULL, p.name_key, r.event_on DESC, r.id DESC",
    };
    // Each filter is its own condition (no "?1 IS NULL OR …"), so the (status, due_on) index serves it.
    let status = match filter {
        Filter::Open => "r.status IN ('draft', 'signed')".to_string(),
        Filter::Status(s) => format!("r.status = '{}'", s.code()),
        Filter::All => "1".to_string(),
    };
    let wh = format!("WHERE {status} AND (?1 IS NULL OR r.kind = ?1)");
    let kind = kind.map(Kind::code);
    let mut stmt = conn.prepare(&format!("{SELECT} {wh} ORDER BY {by} LIMIT ?2 OFFSET ?3"))?;
    let rows = stmt.query_map(params![kind, limit, offset], from_row)?;
    let page = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = conn.query_row(&format!("SELECT count(*) FROM reports r {wh}"), params![kind], |r| r.get(0))?;
    Ok((page, total))
}

/// The reports about one case's administrations and reactions.
pub fn for_case(conn: &Connection, case_id: Uuid) -> Result<Vec<Report>> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE c.id = ?1 ORDER BY r.event_on, r.id"))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn insert(
    tx: &Connection,
    kind: Kind,
    subject: Option<Uuid>,
    product: &str,
    event: NaiveDate,
    p: Period,
    now: &str,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO reports (id, kind, subject_id, product_name, event_on, due_on, due_rule, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8)",
        params![id, kind.code(), subject, product, event, p.due(event), p.code(), now],
    )?;
    Ok(id)
}

/// Opens the fact-of-use report of an administration given on `day`.
pub(crate) fn open_for_use(tx: &Tx, administration_id: Uuid, day: NaiveDate) -> Result<Uuid> {
    let a = administrations::get(tx, administration_id)?;
    let product = cases::get(tx, a.case_id)?.product_name;
    let p = deadline_rules(tx)?.use_period();
    insert(tx, Kind::Use, Some(administration_id), &product, day, p, &tx.now_text())
}

/// Opens the report of an adverse reaction the clinic learnt of on `known_on`.
pub(crate) fn open_for_reaction(tx: &Tx, reaction: &safety::Reaction, known_on: NaiveDate) -> Result<Uuid> {
    let a = administrations::get(tx, reaction.administration_id)?;
    let product = cases::get(tx, a.case_id)?.product_name;
    let p = deadline_rules(tx)?.reaction_period(reaction.urgent());
    insert(tx, Kind::Reaction, Some(reaction.id), &product, known_on, p, &tx.now_text())
}

/// The benefit–risk period of `months` months (aligned to the calendar year) that contains `day`.
pub fn period_of(day: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let months = months.clamp(1, 12);
    let first = day.month0() / months * months + 1;
    let from = NaiveDate::from_ymd_opt(day.year(), first, 1).unwrap_or(day);
    let to = from.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(day);
    (from, to)
}

/// Opens the benefit–risk report of `product` for the period that contains `day` (ДД.ММ.ГГГГ). The period must
/// have ended and the product must have been used in the clinic; one report per product and period.
/// Physicians and admins.
pub fn open_benefit_risk(db: &mut Db, actor: &Actor, product: &str, day: &str, conclusion: &str) -> Result<Uuid> {
    actor.require(Operation::ReportOpen)?;
    let product = validate::text("product_name", product, 300)?;
    let day = validate::date("period", day)?;
    let conclusion = validate::optional_text("conclusion", conclusion, 10_000)?;
    db.tx(|tx| {
        let rules = deadline_rules(tx)?;
        let (from, to) = period_of(day, rules.benefit_risk_months);
        if to >= tx.today() {
            return Err(Error::Refused(Rule::PeriodNotOver { to: validate::show_date(to) }));
        }
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE kind = 'use' AND product_name = ?1)",
            [&product],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::invalid("product_name", Check::UnknownProduct));
        }
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE kind = 'benefit_risk' AND product_name = ?1 AND period_from = ?2)",
            params![product, from],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::invalid("period", Check::Taken));
        }
        let p = rules.benefit_risk_period();
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO reports (id, kind, product_name, period_from, period_to, conclusion, event_on, due_on, due_rule,
                 status, created_by, created_at) VALUES (?1, 'benefit_risk', ?2, ?3, ?4, ?5, ?4, ?6, ?7, 'draft', ?8, ?9)",
            params![id, product, from, to, conclusion, p.due(to), p.code(), actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "report.open", "report", &id.to_string(), &(&product, from, to))?;
        Ok(id)
    })
}

/// Changes a draft benefit–risk report's conclusion. Physicians and admins.
pub fn set_conclusion(db: &mut Db, actor: &Actor, id: Uuid, conclusion: &str) -> Result<()> {
    actor.require(Operation::ReportOpen)?;
    let conclusion = validate::text("conclusion", conclusion, 10_000)?;
    db.tx(|tx| {
        let r = get(tx, id)?;
        if r.status != Status::Draft {
            return Err(Error::Refused(Rule::AlreadySigned));
        }
        tx.execute("UPDATE reports SET conclusion = ?1 WHERE id = ?2", params![conclusion, id])?;
        audit::record(tx, actor, "report.conclusion", "report", &id.to_string(), &conclusion)
    })
}

/// The report's data: as signed (stored), or for a draft as the records now stand.
pub fn data(conn: &Connection, id: Uuid, today: NaiveDate) -> Result<Value> {
    let r = get(conn, id)?;
    let stored: Option<String> = conn.query_row("SELECT data FROM reports WHERE id = ?1", [id], |x| x.get(0))?;
    match stored {
        Some(text) => Ok(serde_json::from_str(&text).map_err(|e| crate::error::Storage::Document(e.to_string()))?),
        None => data::compile(conn, &r, today),
    }
}

fn title(kind: Kind, lang: Lang) -> String {
    tr(lang, &format!("report.title.{}", kind.code()), &[])
}

/// Freezes the report's data with the signer as reporter, renders it and signs it. Physicians and admins;
/// a benefit–risk report needs its conclusion first. The signature is made outside the write lock (a token or
/// the external tool may take a while); the transaction stores it if the report is still a draft.
pub fn sign<'s>(
    db: &mut Db,
    actor: &Actor,
    id: Uuid,
    secret: impl Into<signatures::Secret<'s>>,
    lang: Lang,
) -> Result<()> {
    actor.require(Operation::ReportSign)?;
    let conn = db.conn();
    let now = db.clock().now();
    // The draft and its data as of now; compiled again inside the transaction, where a difference (a conclusion
    // edited, an event recorded while the signature was being made) refuses the signature.
    let compile = |conn: &rusqlite::Connection| -> Result<(Report, serde_json::Value)> {
        let r = get(conn, id)?;
        if r.status != Status::Draft {
            return Err(Error::Refused(Rule::AlreadySigned));
        }
        let mut data = data::compile(conn, &r, now.date_naive())?;
        let position: String =
            conn.query_row("SELECT position FROM users WHERE id = ?1", [actor.id()], |x| x.get(0))?;
        data["reporter"] = serde_json::json!({ "full_name": actor.full_name, "position": position });
        Ok((r, data))
    };
    let (r, data) = compile(conn)?;
    if r.kind == Kind::BenefitRisk && r.conclusion.as_deref().unwrap_or("").trim().is_empty() {
        return Err(Error::invalid("conclusion", Check::Required));
    }
    let role = if actor.has(Role::Physician) { "doc.physician" } else { "doc.responsible_person" };
    let sheet = RecordSheet {
        kind: "report",
        org: org::get(conn)?,
        title: title(r.kind, lang),
        rows: data::rows(&data, lang),
        signer_name: actor.full_name.clone(),
        signer_role: tr(lang, role, &[]),
        created: now,
        code: format!("BTLP-REPORT;{id}"),
    };
    let key = crate::pki::outside::unlock(conn, actor.id(), secret.into(), now.with_timezone(&chrono::Utc))?;
    let (_, signed) = signatures::sign_sheet(conn, actor, &key, &sheet, lang, now)?;
    db.tx(|tx| {
        if compile(tx)?.1 != data {
            return Err(Error::Refused(Rule::DocumentChanged));
        }
        tx.execute(
            "UPDATE reports SET status = 'signed', data = ?1, pdf = ?2, signed_sha256 = ?3, signer_id = ?4, serial = ?5,
                 signed_at = ?6 WHERE id = ?7",
            params![
                data.to_string(),
                signed,
                crate::digest::sha256_hex(&signed),
                actor.id(),
                key.serial(),
                now.to_rfc3339(),
                id
            ],
        )?;
        audit::record(tx, actor, "report.sign", "report", &id.to_string(), &key.serial())
    })
}

/// Records that a signed report was sent on `sent_on` (ДД.ММ.ГГГГ, not before signing, not in the future)
/// under the clinic's outgoing reference. Physicians and admins.
pub fn mark_sent(db: &mut Db, actor: &Actor, id: Uuid, sent_on: &str, outgoing_ref: &str) -> Result<()> {
    actor.require(Operation::ReportSend)?;
    let sent_on = validate::date("sent_on", sent_on)?;
    let reference = validate::text("outgoing_ref", outgoing_ref, 100)?;
    if sent_on > db.today() {
        return Err(Error::invalid("sent_on", Check::NotInFuture));
    }
    db.tx(|tx| {
        let r = get(tx, id)?;
        match r.status {
            Status::Draft => return Err(Error::Refused(Rule::ReportUnsigned)),
            Status::Sent => return Err(Error::Refused(Rule::ReportSent)),
            Status::Signed => {}
        }
        let signed_on = r.signed_at.as_deref().and_then(|s| s.get(..10)).and_then(|s| s.parse::<NaiveDate>().ok());
        if signed_on.is_some_and(|d| sent_on < d) {
            return Err(Error::invalid("sent_on", Check::EndBeforeStart));
        }
        tx.execute(
            "UPDATE reports SET status = 'sent', sent_on = ?1, outgoing_ref = ?2 WHERE id = ?3",
            params![sent_on, reference, id],
        )?;
        audit::record(tx, actor, "report.sent", "report", &id.to_string(), &(sent_on, &reference))
    })
}

/// The products the clinic has used (each use opened a report), for choosing one to report on. One index
/// seek per product, however many uses there were.
pub fn products(conn: &Connection) -> Result<Vec<String>> {
    let mut next = conn.prepare("SELECT min(product_name) FROM reports WHERE kind = 'use' AND product_name > ?1")?;
    let mut out: Vec<String> = Vec::new();
    while let Some(p) = next.query_row([out.last().map_or("", String::as_str)], |r| r.get::<_, Option<String>>(0))? {
        out.push(p);
    }
    Ok(out)
}

/// The signed PDF, once signed.
pub fn pdf(conn: &Connection, id: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT pdf FROM reports WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten())
}
