//! Read models for the app's lists and the case page: cases with their patient, paged and filtered, and a
//! case's timeline assembled from the audit trail (which records every change, with who and when).
use super::{from_row, Case, CaseState};
use crate::error::Result;
use crate::order::Order;
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

/// One page of cases in `order` (newest, oldest or by the patient's ФИО), filtered by state and by a part of
/// the patient's ФИО; with the total. By date without a name filter the page is cut from the cases table alone
/// (its index on creation time) before patients are joined, so a late page over 100,000 cases does not join
/// every skipped row.
pub fn page(
    conn: &Connection,
    state: Option<CaseState>,
    query: &str,
    order: Order,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CaseRow>, u32)> {
    let by = match order.without_deadline()? {
        Order::Oldest => "c.created_at, c.id",
        Order::Patient => "p.name_key, c.created_at DESC, c.id DESC",
        _ => "c.created_at DESC, c.id DESC",
    };
    let state = state.map(|s| s.code());
    let name = query.trim();
    let person = "p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''), p.birth_date";
    let (total, sql): (u32, String) = if name.is_empty() {
        let total =
            conn.query_row("SELECT count(*) FROM cases WHERE ?1 IS NULL OR state = ?1", [state], |r| r.get(0))?;
        let sql = if order == Order::Patient {
            format!(
                "SELECT {}, {person} FROM cases c JOIN patients p ON p.id = c.patient_id
                 WHERE (?1 IS NULL OR c.state = ?1) AND ?2 IS NULL ORDER BY {by} LIMIT ?3 OFFSET ?4",
                super::COLUMNS_C
            )
        } else {
            format!(
                "SELECT {}, {person}
                 FROM (SELECT * FROM cases c WHERE ?1 IS NULL OR state = ?1 ORDER BY {by} LIMIT ?3 OFFSET ?4) c
                 JOIN patients p ON p.id = c.patient_id WHERE ?2 IS NULL ORDER BY {by}",
                super::COLUMNS_C
            )
        };
        (total, sql)
    } else {
        let filter = "(?1 IS NULL OR c.state = ?1) AND p.name_key LIKE ?2";
        let total = conn.query_row(
            &format!("SELECT count(*) FROM cases c JOIN patients p ON p.id = c.patient_id WHERE {filter}"),
            params![state, format!("%{}%", patients::fold(name))],
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {}, {person} FROM cases c JOIN patients p ON p.id = c.patient_id WHERE {filter}
             ORDER BY {by} LIMIT ?3 OFFSET ?4",
            super::COLUMNS_C
        );
        (total, sql)
    };
    let pattern = (!name.is_empty()).then(|| format!("%{}%", patients::fold(name)));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![state, pattern, limit, offset], |r| {
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
/// adverse reactions, and the votes cast on it. The audit trail names entities by their UUID text, while the
/// tables key them by UUID blobs, so the case's related ids are gathered first.
pub fn timeline(conn: &Connection, case_id: Uuid) -> Result<Vec<Event>> {
    let ids = |sql: &str| -> Result<Vec<Uuid>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([case_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let mut subjects: Vec<(&str, Uuid)> = vec![("case", case_id)];
    for (entity, sql) in [
        ("consent", "SELECT id FROM consents WHERE case_id = ?1"),
        ("decision", "SELECT id FROM decisions WHERE case_id = ?1"),
        ("administration", "SELECT id FROM administrations WHERE case_id = ?1"),
        (
            "adverse_reaction",
            "SELECT r.id FROM adverse_reactions r JOIN administrations a ON a.id = r.administration_id
             WHERE a.case_id = ?1",
        ),
    ] {
        subjects.extend(ids(sql)?.into_iter().map(|id| (entity, id)));
    }
    let mut events: Vec<(String, i64, Event)> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT e.at, e.seq, coalesce(u.full_name, e.actor), e.action FROM audit_log e
         LEFT JOIN users u ON u.login = e.actor WHERE e.entity = ?1 AND e.entity_id = ?2",
    )?;
    for (entity, id) in subjects {
        let rows = stmt.query_map(params![entity, id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, Event { at: r.get(0)?, actor: r.get(2)?, action: r.get(3)? }))
        })?;
        for row in rows {
            events.push(row?);
        }
    }
    // A vote's audit entry names the meeting, not the case; its sequence number orders votes among events
    // recorded in the same second.
    let mut votes = conn.prepare(
        "SELECT v.cast_at, u.full_name, u.login, v.meeting_id FROM votes v JOIN users u ON u.id = v.user_id
         WHERE v.case_id = ?1",
    )?;
    let mut seq_of = conn.prepare(
        "SELECT min(seq) FROM audit_log WHERE action = 'vote.cast' AND entity = 'meeting' AND entity_id = ?1
         AND actor = ?2 AND at = ?3",
    )?;
    let rows = votes.query_map([case_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Uuid>(3)?))
    })?;
    for row in rows {
        let (at, name, login, meeting) = row?;
        let seq: Option<i64> = seq_of.query_row(params![meeting.to_string(), login, at], |r| r.get(0))?;
        events.push((at.clone(), seq.unwrap_or(i64::MAX), Event { at, actor: name, action: "vote.cast".into() }));
    }
    events.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(events.into_iter().map(|(_, _, e)| e).collect())
}
