//! The permit's status history: granted (its entry in the register, from the set-up), then confirmations
//! every 5 years, suspensions, reinstatements and a revocation, each with its date and the document that
//! ordered it. Recording an event moves the permit's status; rule 1 then follows from that status.
use super::{get, PermitStatus};
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitEvent {
    Granted,
    Confirmed,
    Suspended,
    Reinstated,
    Revoked,
}

impl PermitEvent {
    pub fn code(self) -> &'static str {
        match self {
            PermitEvent::Granted => "granted",
            PermitEvent::Confirmed => "confirmed",
            PermitEvent::Suspended => "suspended",
            PermitEvent::Reinstated => "reinstated",
            PermitEvent::Revoked => "revoked",
        }
    }

    /// The events a user records (the grant comes from the set-up).
    pub fn parse(code: &str) -> Result<PermitEvent> {
        match code.trim() {
            "confirmed" => Ok(PermitEvent::Confirmed),
            "suspended" => Ok(PermitEvent::Suspended),
            "reinstated" => Ok(PermitEvent::Reinstated),
            "revoked" => Ok(PermitEvent::Revoked),
            _ => Err(Error::invalid(
                "permit_event",
                Check::OneOf { allowed: "confirmed, suspended, reinstated, revoked".into() },
            )),
        }
    }

    /// The status this event leaves the permit in, when it may follow `from`.
    fn after(self, from: PermitStatus) -> Option<PermitStatus> {
        use PermitStatus::*;
        match (self, from) {
            (PermitEvent::Confirmed, Active) => Some(Active),
            (PermitEvent::Suspended, Active) => Some(Suspended),
            (PermitEvent::Reinstated, Suspended) => Some(Active),
            (PermitEvent::Revoked, Active | Suspended) => Some(Revoked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub kind: PermitEvent,
    pub on_date: NaiveDate,
    pub reference: String,
    pub note: String,
}

/// Records a permit event dated `on` (not in the future, not before the latest one) with the document that
/// ordered it. Admins only.
pub fn record(db: &mut Db, actor: &Actor, kind: &str, on: &str, reference: &str, note: &str) -> Result<()> {
    actor.require(Operation::PermitUpdate)?;
    let kind = PermitEvent::parse(kind)?;
    let on = validate::date("on_date", on)?;
    if on > db.today() {
        return Err(Error::invalid("on_date", Check::NotInFuture));
    }
    let reference = validate::text("reference", reference, 200)?;
    let note = validate::optional_text("note", note, 2000)?.unwrap_or_default();
    db.tx(|tx| {
        let org = get(tx)?;
        let status = kind.after(org.permit_status).ok_or_else(|| {
            Error::Refused(Rule::PermitTransition { from: org.permit_status.code().into(), to: kind.code().into() })
        })?;
        let latest = history(tx)?.last().map(|e| e.on_date).unwrap_or(org.permit_date);
        if on < latest {
            return Err(Error::invalid("on_date", Check::EndBeforeStart));
        }
        let confirmed = if kind == PermitEvent::Confirmed { Some(on) } else { org.last_confirmed };
        tx.execute(
            "UPDATE organization SET permit_status = ?1, last_confirmed = ?2 WHERE id = 1",
            params![status.code(), confirmed],
        )?;
        tx.execute(
            "INSERT INTO permit_events (id, kind, on_date, reference, note, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![Uuid::now_v7(), kind.code(), on, reference, note, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "org.permit", "organization", "1", &(kind, on, &reference, status))
    })
}

/// The permit's history, oldest first, starting with its grant.
pub fn history(conn: &Connection) -> Result<Vec<HistoryEntry>> {
    let org = get(conn)?;
    let mut out = vec![HistoryEntry {
        kind: PermitEvent::Granted,
        on_date: org.permit_date,
        reference: org.permit_number.clone(),
        note: String::new(),
    }];
    let mut stmt =
        conn.prepare("SELECT kind, on_date, reference, note FROM permit_events ORDER BY on_date, recorded_at")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, NaiveDate>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    for row in rows {
        let (kind, on_date, reference, note) = row?;
        out.push(HistoryEntry { kind: PermitEvent::parse(&kind)?, on_date, reference, note });
    }
    Ok(out)
}
