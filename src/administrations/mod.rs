//! Recording that the product was given. The core refuses unless every rule holds, and names the one that
//! failed: the permit in force (rule 1), an approved, current and unused decision (rule 5), the date inside
//! its window and the setting it names (never outpatient, rule 2), consent in force on the day (rule 6), and
//! the label of a released, unexpired batch made for this patient and case (rule 7). At the bedside the
//! physician first sees the scanned batch's card beside the decision's terms and confirms it; the dose and
//! route are the decision's unless a reason for the difference is given.
mod bedside;

pub use bedside::{bedside, case_readiness, readiness, BedsideCard, Readiness};

use crate::audit;
use crate::cases::Setting;
use crate::commission::{self, decision::usable};
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::{consent, org, validate};
use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewAdministration {
    pub decision_id: Uuid,
    /// `ДД.ММ.ГГГГ ЧЧ:ММ`
    pub administered_at: String,
    pub setting: String,
    pub department: String,
    pub dose: String,
    pub route: String,
    pub batch: String,
    /// The staff who gave the product (ФИО, positions).
    pub staff: String,
    /// The physician confirmed the bedside card: this patient, this product, this batch, in date.
    pub bedside_confirmed: bool,
    /// Why the dose or route differs from the decision's (required then, ignored otherwise).
    pub deviation_reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Administration {
    pub id: Uuid,
    pub decision_id: Uuid,
    pub case_id: Uuid,
    pub administered_at: NaiveDateTime,
    pub setting: Setting,
    pub department: String,
    pub dose: String,
    pub route: String,
    pub batch: String,
    pub staff: String,
    pub deviation: Option<Deviation>,
}

/// Records an administration. Physicians only.
pub fn record(db: &mut Db, actor: &Actor, a: &NewAdministration) -> Result<Uuid> {
    actor.require(Operation::AdministrationRecord)?;
    let at = validate::instant("administered_at", &a.administered_at)?;
    if at > db.clock().now().naive_local() {
        return Err(Error::invalid("administered_at", Check::NotInFuture));
    }
    let setting = Setting::parse(&a.setting)?;
    let department = validate::text("department", &a.department, 200)?;
    let dose = validate::text("dose", &a.dose, 300)?;
    let route = validate::text("route", &a.route, 200)?;
    validate::text("batch", &a.batch, 100)?;
    let staff = validate::text("staff", &a.staff, 1000)?;
    if !a.bedside_confirmed {
        return Err(Error::Refused(Rule::BedsideNotConfirmed));
    }
    db.tx(|tx| {
        org::check_permit(tx)?;
        let d = commission::decision(tx, a.decision_id)?;
        usable(&d)?;
        crate::signatures::require_signed(tx, d.id)?;
        let day = at.date();
        if day < d.window_from || day > d.window_to {
            return Err(Error::Refused(Rule::OutsideWindow {
                from: validate::show_date(d.window_from),
                to: validate::show_date(d.window_to),
            }));
        }
        if setting != d.setting {
            return Err(Error::Refused(Rule::SettingMismatch { decided: d.setting.code().to_string() }));
        }
        consent::in_force(tx, d.case_id, day)?;
        let deviation = if dose != d.dose || route != d.route {
            Some(validate::text("deviation_reason", &a.deviation_reason, 2000)?)
        } else {
            None
        };
        // Rule 7: the label's code names a released, unexpired batch made for this patient and case.
        let batch = crate::production::administer(tx, actor, &a.batch, d.case_id, at, &department)?;
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO administrations (id, decision_id, case_id, administered_at, setting, department, dose,
                 route, batch, staff, recorded_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id,
                d.id,
                d.case_id,
                at,
                setting.code(),
                department,
                dose,
                route,
                batch,
                staff,
                actor.id(),
                tx.now_text()
            ],
        )
        .map_err(|e| match e.sqlite_error_code() {
            // The UNIQUE index on decision_id backs rule 5 even against a concurrent writer.
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Refused(Rule::DecisionUsed),
            _ => e.into(),
        })?;
        if let Some(reason) = &deviation {
            tx.execute(
                "INSERT INTO administration_deviations (administration_id, decided_dose, decided_route, reason)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, d.dose, d.route, reason],
            )?;
        }
        let summary = (&d.number, at, setting, &department, &dose, &route, &batch, &deviation);
        audit::record(tx, actor, "administration.record", "administration", &id.to_string(), &summary)?;
        // Rule 9: every use opens its report to Roszdravnadzor, due counted from the day of the use.
        crate::reports::open_for_use(tx, id, day)?;
        Ok(id)
    })
}

/// How an administration's dose or route differed from its decision's, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    pub decided_dose: String,
    pub decided_route: String,
    pub reason: String,
}

const COLUMNS: &str = "a.id, a.decision_id, a.case_id, a.administered_at, a.setting, a.department, a.dose, a.route,
    a.batch, a.staff, v.decided_dose, v.decided_route, v.reason";
const FROM: &str = "administrations a LEFT JOIN administration_deviations v ON v.administration_id = a.id";

fn from_row(r: &Row) -> rusqlite::Result<Administration> {
    Ok(Administration {
        id: r.get(0)?,
        decision_id: r.get(1)?,
        case_id: r.get(2)?,
        administered_at: r.get(3)?,
        setting: Setting::parse(&r.get::<_, String>(4)?).unwrap_or(Setting::Inpatient),
        department: r.get(5)?,
        dose: r.get(6)?,
        route: r.get(7)?,
        batch: r.get(8)?,
        staff: r.get(9)?,
        deviation: match (r.get(10)?, r.get(11)?, r.get(12)?) {
            (Some(decided_dose), Some(decided_route), Some(reason)) => {
                Some(Deviation { decided_dose, decided_route, reason })
            }
            _ => None,
        },
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Administration> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "administration", id: id.to_string() })
}

pub fn for_case(conn: &Connection, case_id: Uuid) -> Result<Vec<Administration>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM {FROM} WHERE a.case_id = ?1 ORDER BY a.administered_at"))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
