//! What the protocol of a meeting records about one agenda item: who was present, who declared a conflict
//! of interest and why, how each member voted (with the dissenting opinion), and who must sign the decision:
//! the secretary, every member who voted, and the presiding member (the chair, or the deputy chair in the
//! chair's absence) last.
use super::composition::{Seat, SeatRole};
use super::meeting::meeting;
use super::vote::Choice;
use crate::error::Result;
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct VoteRecord {
    pub seat: Seat,
    pub choice: Choice,
    pub reason: Option<String>,
}

/// A member recused for a conflict of interest, and how it was put on record.
#[derive(Debug, Clone, Serialize)]
pub struct Recusal {
    pub seat: Seat,
    pub reason: String,
    /// Entered by the secretary or chair on the member's word: their name and note. `None` when the member
    /// declared it themselves.
    pub on_word: Option<OnWord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OnWord {
    pub entered_by: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Protocol {
    pub present: Vec<Seat>,
    pub recused: Vec<Recusal>,
    pub votes: Vec<VoteRecord>,
    /// In signing order: secretary first, presiding member last.
    pub signers: Vec<Seat>,
}

pub fn protocol(conn: &Connection, meeting_id: Uuid, case_id: Uuid) -> Result<Protocol> {
    let m = meeting(conn, meeting_id)?;
    let seat_of = |user: Uuid| m.composition.seats.iter().find(|s| s.user_id == user).cloned();
    let present: Vec<Seat> = m.composition.seats.iter().filter(|s| m.present.contains(&s.user_id)).cloned().collect();
    let mut stmt = conn.prepare(
        "SELECT r.user_id, r.reason, u.full_name, e.note FROM recusals r
         LEFT JOIN recusal_entries e USING (meeting_id, case_id, user_id)
         LEFT JOIN users u ON u.id = e.entered_by
         WHERE r.meeting_id = ?1 AND r.case_id = ?2",
    )?;
    let rows = stmt
        .query_map(params![meeting_id, case_id], |r| {
            Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<(Uuid, String, Option<String>, Option<String>)>>>()?;
    let recused = rows
        .into_iter()
        .filter_map(|(u, reason, by, note)| {
            let on_word = by.zip(note).map(|(entered_by, note)| OnWord { entered_by, note });
            seat_of(u).map(|seat| Recusal { seat, reason, on_word })
        })
        .collect();
    let mut stmt = conn.prepare(
        "SELECT user_id, choice, reason FROM votes WHERE meeting_id = ?1 AND case_id = ?2 ORDER BY cast_at, user_id",
    )?;
    let rows = stmt
        .query_map(params![meeting_id, case_id], |r| {
            Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut votes = Vec::new();
    for (user, choice, reason) in rows {
        if let Some(seat) = seat_of(user) {
            votes.push(VoteRecord { seat, choice: Choice::parse(&choice)?, reason });
        }
    }
    votes.sort_by_key(|v| present.iter().position(|s| s.user_id == v.seat.user_id));
    let presiding = [SeatRole::Chair, SeatRole::DeputyChair]
        .iter()
        .find_map(|role| votes.iter().find(|v| v.seat.role == *role).map(|v| v.seat.user_id));
    let mut signers: Vec<Seat> = present.iter().filter(|s| s.role == SeatRole::Secretary).cloned().collect();
    signers.extend(votes.iter().filter(|v| Some(v.seat.user_id) != presiding).map(|v| v.seat.clone()));
    signers.extend(votes.iter().filter(|v| Some(v.seat.user_id) == presiding).map(|v| v.seat.clone()));
    Ok(Protocol { present, recused, votes, signers })
}
