//! The protocol of a whole meeting («протокол заседания врачебной комиссии»): attendance, every agenda item with
//! its recusals, votes (dissenting opinions in full) and decision, and who signs it — by the same rule as a
//! decision, across the meeting: the secretary first, every member who voted on any item, the presiding member
//! (the chair, or the deputy chair in the chair's absence) last.
use super::agenda::{agenda, AgendaItem};
use super::composition::{Seat, SeatRole};
use super::decision::{get as decision, Decision};
use super::meeting::{meeting, Meeting};
use super::protocol::Protocol;
use crate::error::Result;
use rusqlite::Connection;
use uuid::Uuid;

/// One agenda item as the protocol records it.
#[derive(Debug, Clone)]
pub struct MinutesItem {
    pub item: AgendaItem,
    pub protocol: Protocol,
    pub decision: Option<Decision>,
}

#[derive(Debug, Clone)]
pub struct Minutes {
    pub meeting: Meeting,
    pub present: Vec<Seat>,
    pub absent: Vec<Seat>,
    pub items: Vec<MinutesItem>,
    /// In signing order.
    pub signers: Vec<Seat>,
}

pub fn minutes(conn: &Connection, meeting_id: Uuid) -> Result<Minutes> {
    let m = meeting(conn, meeting_id)?;
    let (present, absent): (Vec<Seat>, Vec<Seat>) =
        m.composition.seats.iter().cloned().partition(|s| m.present.contains(&s.user_id));
    let record = super::record::record(conn, meeting_id, None)?;
    let mut items = Vec::new();
    for item in agenda(conn, meeting_id)? {
        let protocol = record.protocol(&m, item.case_id);
        let decision = item.decision_id.map(|id| decision(conn, id)).transpose()?;
        items.push(MinutesItem { item, protocol, decision });
    }
    let voted = |seat: &Seat| items.iter().any(|i| i.protocol.votes.iter().any(|v| v.seat.user_id == seat.user_id));
    let presiding = [SeatRole::Chair, SeatRole::DeputyChair]
        .iter()
        .find_map(|role| present.iter().find(|s| s.role == *role && (voted(s) || items.is_empty())))
        .map(|s| s.user_id);
    let mut signers: Vec<Seat> = present.iter().filter(|s| s.role == SeatRole::Secretary).cloned().collect();
    signers.extend(
        present.iter().filter(|s| s.role != SeatRole::Secretary && voted(s) && Some(s.user_id) != presiding).cloned(),
    );
    signers.extend(present.iter().filter(|s| Some(s.user_id) == presiding).cloned());
    Ok(Minutes { meeting: m, present, absent, items, signers })
}

/// The meeting whose protocol is `number` («12/2026»: the number in its year).
pub fn meeting_by_protocol(conn: &Connection, number: &str) -> Result<Uuid> {
    let not_found = || crate::error::Error::NotFound { entity: "meeting", id: number.to_string() };
    let (n, year) = number.trim().split_once('/').ok_or_else(not_found)?;
    let (n, year): (u32, i32) =
        (n.trim().parse().map_err(|_| not_found())?, year.trim().parse().map_err(|_| not_found())?);
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT meeting_id FROM meeting_protocols WHERE year = ?1 AND number = ?2",
        rusqlite::params![year, n],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(not_found)
}
