//! What the physician sees at the bedside before recording: whether the decision can authorise an
//! administration today (and if not, which rule stands in the way and since when), and, once the label is
//! scanned, the batch's card beside the decision's terms. Both are reads over the same rules `record`
//! enforces; neither changes anything.
use crate::cases::Setting;
use crate::commission::{self, decision::usable, Decision};
use crate::error::{Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::{patients, production, signatures};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

/// Whether an administration can be recorded under a decision today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Readiness {
    Ready,
    /// Rejected or deferred: it authorises nothing.
    NotApproved,
    /// A correction replaced it: decision `by` of `on`.
    Superseded {
        by: String,
        on: NaiveDate,
    },
    /// Its one administration was recorded, given at `on`.
    Used {
        on: NaiveDateTime,
    },
    /// Not every required signer has signed it yet.
    Unsigned,
    /// Its window opens on `from`.
    NotYetOpen {
        from: NaiveDate,
    },
    /// Its window ended on `on`.
    WindowEnded {
        on: NaiveDate,
    },
}

pub fn readiness(conn: &Connection, d: &Decision, today: NaiveDate) -> Result<Readiness> {
    match usable(d) {
        Ok(()) => {}
        Err(Error::Refused(Rule::DecisionNotApproved)) => return Ok(Readiness::NotApproved),
        Err(Error::Refused(Rule::DecisionSuperseded)) => {
            let (by, on) =
                conn.query_row("SELECT number, decided_on FROM decisions WHERE supersedes = ?1", [d.id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            return Ok(Readiness::Superseded { by, on });
        }
        Err(Error::Refused(Rule::DecisionUsed)) => {
            let on =
                conn.query_row("SELECT administered_at FROM administrations WHERE decision_id = ?1", [d.id], |r| {
                    r.get(0)
                })?;
            return Ok(Readiness::Used { on });
        }
        Err(e) => return Err(e),
    }
    Ok(if !signatures::is_signed(conn, d.id)? {
        Readiness::Unsigned
    } else if today < d.window_from {
        Readiness::NotYetOpen { from: d.window_from }
    } else if today > d.window_to {
        Readiness::WindowEnded { on: d.window_to }
    } else {
        Readiness::Ready
    })
}

/// The card shown after the label is scanned: whose batch it is, what and until when, and what the
/// decision allows.
#[derive(Debug, Clone, Serialize)]
pub struct BedsideCard {
    pub patient_name: String,
    pub birth_date: NaiveDate,
    pub product_name: String,
    pub batch_code: String,
    pub expires_on: Option<NaiveDate>,
    pub released_at: NaiveDateTime,
    pub storage: Option<String>,
    pub decision_number: String,
    pub dose: String,
    pub route: String,
    pub setting: Setting,
    pub department: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
}

/// The bedside card for the batch labelled `code` under `decision_id` on `day`. Physicians only; refused with
/// the batch's rule (another patient, not released, expired, disposed of) exactly as recording would be.
pub fn bedside(conn: &Connection, actor: &Actor, decision_id: Uuid, code: &str, day: NaiveDate) -> Result<BedsideCard> {
    actor.require(Operation::AdministrationRecord)?;
    let d = commission::decision(conn, decision_id)?;
    let (batch, released_at) = production::bedside_check(conn, code, d.case_id, day)?;
    let patient = patients::get(conn, batch.patient_id)?;
    Ok(BedsideCard {
        patient_name: patient.full_name(),
        birth_date: patient.birth_date,
        product_name: batch.product_name,
        batch_code: batch.code,
        expires_on: batch.expires_on,
        released_at,
        storage: batch.storage,
        decision_number: d.number,
        dose: d.dose,
        route: d.route,
        setting: d.setting,
        department: d.department,
        window_from: d.window_from,
        window_to: d.window_to,
    })
}

/// Every decision of a case, newest first, with whether each can authorise an administration today.
pub fn case_readiness(conn: &Connection, case_id: Uuid, today: NaiveDate) -> Result<Vec<(Decision, Readiness)>> {
    commission::decisions(conn, Some(case_id), 100, 0)?
        .into_iter()
        .map(|d| readiness(conn, &d, today).map(|r| (d, r)))
        .collect()
}
