//! What a meeting's tallies and protocols are computed from — its votes and recusals — read in two queries,
//! for one agenda item or for every item at once (the meeting screen, the protocol of the whole meeting), so
//! that a meeting of 300 items costs what a meeting of one does. `tally` and `protocol` are computed here
//! and nowhere else.
use super::composition::SeatRole;
use super::meeting::Meeting;
use super::protocol::{OnWord, Protocol, Recusal, VoteRecord};
use super::vote::{Choice, Tally};
use crate::error::Result;
use crate::org::VotingRules;
use rusqlite::{params, Connection};
use uuid::Uuid;

struct Vote {
    case_id: Uuid,
    user_id: Uuid,
    choice: Choice,
    reason: Option<String>,
}

struct Recused {
    case_id: Uuid,
    user_id: Uuid,
    reason: String,
    entered_by: Option<String>,
    note: Option<String>,
}

/// The votes (in the order they were cast) and recusals of one meeting, or of one item of it.
pub struct Record {
    votes: Vec<Vote>,
    recusals: Vec<Recused>,
}

/// Reads the record of `meeting_id`: every item's, or only `case_id`'s.
pub fn record(conn: &Connection, meeting_id: Uuid, case_id: Option<Uuid>) -> Result<Record> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, user_id, choice, reason FROM votes WHERE meeting_id = ?1 AND (?2 IS NULL OR case_id = ?2)
         ORDER BY cast_at, user_id",
    )?;
    let rows = stmt
        .query_map(params![meeting_id, case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?)))?;
    let mut votes = Vec::new();
    for row in rows {
        let (case_id, user_id, choice, reason) = row?;
        votes.push(Vote { case_id, user_id, choice: Choice::parse(&choice)?, reason });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.case_id, r.user_id, r.reason, u.full_name, e.note FROM recusals r
         LEFT JOIN recusal_entries e USING (meeting_id, case_id, user_id)
         LEFT JOIN users u ON u.id = e.entered_by
         WHERE r.meeting_id = ?1 AND (?2 IS NULL OR r.case_id = ?2)",
    )?;
    let rows = stmt.query_map(params![meeting_id, case_id], |r| {
        Ok(Recused {
            case_id: r.get(0)?,
            user_id: r.get(1)?,
            reason: r.get(2)?,
            entered_by: r.get(3)?,
            note: r.get(4)?,
        })
    })?;
    Ok(Record { votes, recusals: rows.collect::<rusqlite::Result<_>>()? })
}

impl Record {
    /// Counts the vote on `case_id` at `meeting` against the quorum and majority `rules`.
    pub fn tally(&self, meeting: &Meeting, rules: &VotingRules, case_id: Uuid) -> Tally {
        let voting: Vec<Uuid> = meeting.composition.voting().map(|s| s.user_id).collect();
        let present = meeting.present.iter().filter(|u| voting.contains(u)).count();
        let recused =
            self.recusals.iter().filter(|r| r.case_id == case_id && meeting.present.contains(&r.user_id)).count();
        let count = |choice: Choice| self.votes.iter().filter(|v| v.case_id == case_id && v.choice == choice).count();
        Tally {
            composition_size: voting.len(),
            present,
            recused,
            votes_for: count(Choice::For),
            votes_against: count(Choice::Against),
            votes_abstain: count(Choice::Abstain),
            quorum_needed: rules.quorum_needed(voting.len()),
            votes_needed: rules.votes_needed(present - recused),
        }
    }

    /// What the protocol records about `case_id`: who was present, recusals, votes in the order of the
    /// attendance, and the signers — the secretary, every member who voted, the presiding member last.
    pub fn protocol(&self, m: &Meeting, case_id: Uuid) -> Protocol {
        let seat_of = |user: Uuid| m.composition.seats.iter().find(|s| s.user_id == user).cloned();
        let present: Vec<_> = m.composition.seats.iter().filter(|s| m.present.contains(&s.user_id)).cloned().collect();
        let recused = self
            .recusals
            .iter()
            .filter(|r| r.case_id == case_id)
            .filter_map(|r| {
                let on_word =
                    r.entered_by.clone().zip(r.note.clone()).map(|(entered_by, note)| OnWord { entered_by, note });
                seat_of(r.user_id).map(|seat| Recusal { seat, reason: r.reason.clone(), on_word })
            })
            .collect();
        let mut votes: Vec<VoteRecord> = self
            .votes
            .iter()
            .filter(|v| v.case_id == case_id)
            .filter_map(|v| {
                seat_of(v.user_id).map(|seat| VoteRecord { seat, choice: v.choice, reason: v.reason.clone() })
            })
            .collect();
        votes.sort_by_key(|v| present.iter().position(|s| s.user_id == v.seat.user_id));
        let presiding = [SeatRole::Chair, SeatRole::DeputyChair]
            .iter()
            .find_map(|role| votes.iter().find(|v| v.seat.role == *role).map(|v| v.seat.user_id));
        let mut signers: Vec<_> = present.iter().filter(|s| s.role == SeatRole::Secretary).cloned().collect();
        signers.extend(votes.iter().filter(|v| Some(v.seat.user_id) != presiding).map(|v| v.seat.clone()));
        signers.extend(votes.iter().filter(|v| Some(v.seat.user_id) == presiding).map(|v| v.seat.clone()));
        Protocol { present, recused, votes, signers }
    }
}
