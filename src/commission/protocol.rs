//! What the protocol of a meeting records about one agenda item: who was present, who declared a conflict
//! of interest and why, how each member voted (with the dissenting opinion), and who must sign the decision:
//! the secretary, every member who voted, and the presiding member (the chair, or the deputy chair in the
//! chair's absence) last.
use super::composition::Seat;
use super::meeting::meeting;
use super::vote::Choice;
use crate::error::Result;
use rusqlite::Connection;
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

/// The protocol of one agenda item (see `Record::protocol`).
pub fn protocol(conn: &Connection, meeting_id: Uuid, case_id: Uuid) -> Result<Protocol> {
    let m = meeting(conn, meeting_id)?;
    Ok(super::record::record(conn, meeting_id, Some(case_id))?.protocol(&m, case_id))
}
