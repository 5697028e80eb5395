//! Read models for the meeting screens: the meetings (open first), a meeting's agenda with each item's
//! plan and whether it has been decided, and the recusals on an item.
use crate::error::Result;
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct MeetingRow {
    pub id: Uuid,
    pub date: NaiveDate,
    pub open: bool,
    pub items: u32,
}

/// Meetings, open ones first, then newest first.
pub fn meetings(conn: &Connection, limit: i64) -> Result<Vec<MeetingRow>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.meeting_date, m.state = 'open', (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id)
         FROM meetings m ORDER BY m.state = 'open' DESC, m.meeting_date DESC, m.id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| Ok(MeetingRow { id: r.get(0)?, date: r.get(1)?, open: r.get(2)?, items: r.get(3)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub case_id: Uuid,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub dose: String,
    pub route: String,
    /// The decision adopted on this item at this meeting, if any.
    pub decision_id: Option<Uuid>,
}

pub fn agenda(conn: &Connection, meeting_id: Uuid) -> Result<Vec<AgendaItem>> {
    let mut stmt = conn.prepare(
        "SELECT a.case_id, a.window_from, a.window_to, a.dose, a.route,
                (SELECT d.id FROM decisions d WHERE d.meeting_id = a.meeting_id AND d.case_id = a.case_id
                 AND d.supersedes IS NULL)
         FROM agenda_items a WHERE a.meeting_id = ?1 ORDER BY a.rowid",
    )?;
    let rows = stmt.query_map(params![meeting_id], |r| {
        Ok(AgendaItem {
            case_id: r.get(0)?,
            window_from: r.get(1)?,
            window_to: r.get(2)?,
            dose: r.get(3)?,
            route: r.get(4)?,
            decision_id: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Members recused on a case at a meeting: (user id, reason).
pub fn recusals(conn: &Connection, meeting_id: Uuid, case_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    let mut stmt = conn.prepare("SELECT user_id, reason FROM recusals WHERE meeting_id = ?1 AND case_id = ?2")?;
    let rows = stmt.query_map(params![meeting_id, case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
