//! Read models for the app's lists and the case page: cases with their patient, paged and filtered, and a
//! case's timeline assembled from the audit trail (which records every change, with who and when).
use super::{from_row, Case, CaseState};
use crate::error::Result;
use crate::patients;
use rusqlite::{params, Connection};
use uuid::Uuid;

/// A case as the lists show it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub case: Case,
    pub patient_name: String,
    pub birth_date: chrono::NaiveDate,
}

/// One page of cases, newest first, filtered by state and by a part of the patient's ФИО; with the total.
pub fn page(
    conn: &Connection,
    state: Option<CaseState>,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CaseRow>, u32)> {
    let name = format!("%{}%", patients::fold(query.trim()));
    let filter = "(?1 IS NULL OR c.state = ?1) AND (?2 = '%%' OR p.name_key LIKE ?2)";
    let total: u32 = conn.query_row(
        &format!("SELECT count(*) FROM cases c JOIN patients p ON p.id = c.patient_id WHERE {filter}"),
        params![state.map(|s| s.code()), name],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''), p.birth_date
         FROM cases c JOIN patients p ON p.id = c.patient_id WHERE {filter}
         ORDER BY c.created_at DESC, c.id DESC LIMIT ?3 OFFSET ?4",
        super::COLUMNS_C
    ))?;
    let rows = stmt.query_map(params![state.map(|s| s.code()), name, limit, offset], |r| {
        Ok(CaseRow { case: from_row(r)?, patient_name: r.get(12)?, birth_date: r.get(13)? })
    })?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Cases of one patient, newest first.
pub fn of_patient(conn: &Connection, patient_id: Uuid) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM cases c WHERE c.patient_id = ?1 ORDER BY c.created_at DESC",
        super::COLUMNS_C
    ))?;
    let rows = stmt.query_map([patient_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One event in a case's history.
#[derive(Debug, Clone)]
pub struct Event {
    /// RFC 3339, as the audit trail stores it.
    pub at: String,
    pub actor: String,
    /// The audit action, e.g. `case.submit`, `vote.cast`, `decision.sign`.
    pub action: String,
}

/// The case's history, oldest first: its own changes, its consents, decisions, signatures, administrations,
/// adverse reactions, and the votes cast on it.
pub fn timeline(conn: &Connection, case_id: Uuid) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT e.at, coalesce(u.full_name, e.actor), e.action FROM (
             SELECT at, actor, action, seq FROM audit_log WHERE entity = 'case' AND entity_id = ?1
             UNION ALL SELECT at, actor, action, seq FROM audit_log
                 WHERE entity = 'consent' AND entity_id IN (SELECT id FROM consents WHERE case_id = ?1)
             UNION ALL SELECT at, actor, action, seq FROM audit_log
                 WHERE entity = 'decision' AND entity_id IN (SELECT id FROM decisions WHERE case_id = ?1)
             UNION ALL SELECT at, actor, action, seq FROM audit_log
                 WHERE entity = 'administration' AND entity_id IN (SELECT id FROM administrations WHERE case_id = ?1)
             UNION ALL SELECT at, actor, action, seq FROM audit_log
                 WHERE entity = 'adverse_reaction' AND entity_id IN (
                     SELECT r.id FROM adverse_reactions r JOIN administrations a ON a.id = r.administration_id
                     WHERE a.case_id = ?1)
             UNION ALL SELECT v.cast_at, u2.login, 'vote.cast', NULL FROM votes v JOIN users u2 ON u2.id = v.user_id
                 WHERE v.case_id = ?1
         ) e LEFT JOIN users u ON u.login = e.actor ORDER BY e.at, e.seq",
    )?;
    let rows =
        stmt.query_map(params![case_id], |r| Ok(Event { at: r.get(0)?, actor: r.get(1)?, action: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
