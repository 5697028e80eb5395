//! The organization's requirements for making and using individual BTLP (DOMAIN.md §2): a licence covering
//! them, an intensive-care and resuscitation unit, scientific research, clinical trials, equipped premises
//! and a registered genetic-testing device. Each is met by an evidence document (a scan kept in the database
//! with its SHA-256) that is in force; the admin sees what is missing or expires soon.
use crate::audit;
use crate::consent::Scan;
use crate::db::Db;
use crate::error::{Check, Error, Result};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

pub const REQUIREMENTS: [&str; 6] = ["licence", "icu", "research", "clinical_trials", "premises", "genetic_device"];
/// Evidence expiring within this many days is flagged.
pub const EXPIRY_NOTICE_DAYS: u64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Met,
    Expiring,
    Expired,
    Missing,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Expiring => "expiring",
            State::Expired => "expired",
            State::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: Uuid,
    pub title: String,
    pub file_name: String,
    pub sha256: String,
    pub valid_until: Option<NaiveDate>,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub code: &'static str,
    pub state: State,
    /// The date the best evidence runs out, when it does.
    pub valid_until: Option<NaiveDate>,
    pub evidence: Vec<Evidence>,
}

/// Attaches an evidence document to a requirement. Admins only.
pub fn attach(
    db: &mut Db,
    actor: &Actor,
    requirement: &str,
    title: &str,
    file_name: &str,
    bytes: &[u8],
    valid_until: &str,
) -> Result<Uuid> {
    actor.require(Operation::ChecklistManage)?;
    let requirement = REQUIREMENTS
        .into_iter()
        .find(|r| *r == requirement.trim())
        .ok_or_else(|| Error::invalid("requirement", Check::OneOf { allowed: REQUIREMENTS.join(", ") }))?;
    let title = validate::text("title", title, 300)?;
    let file_name = validate::text("file_name", file_name, 260)?;
    let scan = Scan::check_as("evidence", bytes)?;
    let until = validate::optional_text("valid_until", valid_until, 20)?
        .map(|v| validate::date("valid_until", &v))
        .transpose()?;
    db.tx(|tx| {
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO requirement_evidence (id, requirement, title, file_name, content, sha256, valid_until,
                 uploaded_by, uploaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, requirement, title, file_name, scan.bytes, scan.sha256, until, actor.id(), tx.now_text()],
        )?;
        let what = (requirement, &title, &file_name, &scan.sha256, until);
        audit::record(tx, actor, "checklist.attach", "organization", "1", &what)?;
        Ok(id)
    })
}

/// Every requirement with its evidence and state on `today`.
pub fn checklist(conn: &Connection, today: NaiveDate) -> Result<Vec<Requirement>> {
    let mut stmt = conn.prepare(
        "SELECT id, title, file_name, sha256, valid_until, uploaded_at FROM requirement_evidence
         WHERE requirement = ?1 ORDER BY uploaded_at DESC",
    )?;
    let soon = today.checked_add_days(Days::new(EXPIRY_NOTICE_DAYS)).unwrap_or(today);
    let mut out = Vec::new();
    for code in REQUIREMENTS {
        let evidence: Vec<Evidence> = stmt
            .query_map([code], |r| {
                Ok(Evidence {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    file_name: r.get(2)?,
                    sha256: r.get(3)?,
                    valid_until: r.get(4)?,
                    uploaded_at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // The best evidence is one without an end, else the one that lasts longest.
        let best = evidence.iter().map(|e| e.valid_until.unwrap_or(NaiveDate::MAX)).max();
        let state = match best {
            None => State::Missing,
            Some(d) if d < today => State::Expired,
            Some(d) if d <= soon => State::Expiring,
            Some(_) => State::Met,
        };
        out.push(Requirement { code, state, valid_until: best.filter(|d| *d != NaiveDate::MAX), evidence });
    }
    Ok(out)
}

/// One evidence document's file: (name, bytes).
pub fn file(conn: &Connection, id: Uuid) -> Result<(String, Vec<u8>)> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT file_name, content FROM requirement_evidence WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or(Error::NotFound { entity: "evidence", id: id.to_string() })
}
