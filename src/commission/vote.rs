//! Votes and the tally. Each member casts their own vote, once, on an agenda item; a vote against carries
//! its reason (the dissenting opinion printed in the decision). The tally applies the quorum and majority
//! settings; the outcome follows from it.
use super::meeting::{on_agenda, open_meeting, Meeting};
use crate::audit;
use crate::cases;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::org::{self, VotingRules};
use crate::people::{Actor, Operation};
use crate::validate;
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    For,
    Against,
    Abstain,
}

impl Choice {
    pub fn code(self) -> &'static str {
        match self {
            Choice::For => "for",
            Choice::Against => "against",
            Choice::Abstain => "abstain",
        }
    }

    pub fn parse(code: &str) -> Result<Choice> {
        match code.trim() {
            "for" => Ok(Choice::For),
            "against" => Ok(Choice::Against),
            "abstain" => Ok(Choice::Abstain),
            _ => Err(Error::invalid("choice", Check::OneOf { allowed: "for, against, abstain".into() })),
        }
    }
}

/// The state of the vote on one agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Voting members of the composition.
    pub composition_size: usize,
    /// Voting members present.
    pub present: usize,
    /// Present members recused for a conflict of interest.
    pub recused: usize,
    pub votes_for: usize,
    pub votes_against: usize,
    pub votes_abstain: usize,
    pub quorum_needed: usize,
    /// "For" votes that adopt the decision: ⌈majority × (present − recused)⌉.
    pub votes_needed: usize,
}

impl Tally {
    pub fn quorum_met(&self) -> bool {
        self.present >= self.quorum_needed
    }

    /// Members who may vote: present and not recused.
    pub fn eligible(&self) -> usize {
        self.present - self.recused
    }

    pub fn cast(&self) -> usize {
        self.votes_for + self.votes_against + self.votes_abstain
    }

    /// Approved when "for" reaches the majority, rejected when "against" does, deferred otherwise (no
    /// qualified majority either way). `None` until every eligible member has voted.
    pub fn outcome(&self) -> Option<super::Outcome> {
        use super::Outcome;
        if self.cast() < self.eligible() {
            return None;
        }
        Some(if self.votes_for >= self.votes_needed {
            Outcome::Approved
        } else if self.votes_against >= self.votes_needed {
            Outcome::Rejected
        } else {
            Outcome::Deferred
        })
    }
}

/// Counts the vote on `case_id` at `meeting` (see `Record::tally`).
pub fn tally(conn: &Connection, meeting: &Meeting, case_id: Uuid) -> Result<Tally> {
    let rules: VotingRules = org::rules(conn)?;
    Ok(super::record::record(conn, meeting.id, Some(case_id))?.tally(meeting, &rules, case_id))
}

/// The actor casts their own vote on a case on the meeting's agenda (rules 2 and 3). The choice is the
/// member's own act: nothing is chosen for them, so a vote without one is refused.
pub fn cast(
    db: &mut Db,
    actor: &Actor,
    meeting_id: Uuid,
    case_id: Uuid,
    choice: Option<Choice>,
    reason: &str,
) -> Result<()> {
    actor.require(Operation::Vote)?;
    let choice = choice.ok_or(Error::invalid("choice", Check::Required))?;
    let reason = validate::optional_text("reason", reason, 5000)?;
    if choice == Choice::Against && reason.is_none() {
        return Err(Error::Refused(Rule::AgainstNeedsReason));
    }
    db.tx(|tx| {
        let m = open_meeting(tx, meeting_id)?;
        on_agenda(tx, meeting_id, case_id)?;
        let case = cases::get(tx, case_id)?;
        cases::require_state(&case, &[cases::CaseState::Scheduled])?;
        cases::check_complete(tx, case_id)?;
        let seat = m.composition.seat(actor.id()).filter(|s| s.role.votes());
        if seat.is_none() {
            return Err(Error::Refused(Rule::NotCommissionMember));
        }
        if !m.present.contains(&actor.id()) {
            return Err(Error::Refused(Rule::NotPresent));
        }
        let recused: bool = tx.query_row(
            "SELECT count(*) > 0 FROM recusals WHERE meeting_id = ?1 AND case_id = ?2 AND user_id = ?3",
            params![meeting_id, case_id, actor.id()],
            |r| r.get(0),
        )?;
        if recused {
            return Err(Error::Refused(Rule::Recused));
        }
        let t = tally(tx, &m, case_id)?;
        if !t.quorum_met() {
            return Err(Error::Refused(Rule::NoQuorum { present: t.present, needed: t.quorum_needed }));
        }
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO votes (meeting_id, case_id, user_id, choice, reason, cast_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![meeting_id, case_id, actor.id(), choice.code(), reason, tx.now_text()],
        )?;
        if inserted == 0 {
            // The same vote again is a retry whose answer was lost (the natural key: meeting, case, member):
            // it is stored once and answered as stored. A different vote by the same member is refused.
            let stored: (String, Option<String>) = tx.query_row(
                "SELECT choice, reason FROM votes WHERE meeting_id = ?1 AND case_id = ?2 AND user_id = ?3",
                params![meeting_id, case_id, actor.id()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if stored == (choice.code().to_string(), reason.clone()) {
                return Ok(());
            }
            return Err(Error::Refused(Rule::AlreadyVoted));
        }
        audit::record(tx, actor, "vote.cast", "meeting", &meeting_id.to_string(), &(case_id, choice, &reason))?;
        // Entered at another user's workstation (each member typing their password at the secretary's screen):
        // the trail names that session too.
        if let Some(session) = actor.entered_at() {
            audit::append(tx, session, "vote.entered", "meeting", &meeting_id.to_string(), &(case_id, &actor.login))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commission::Outcome;

    fn t(present: usize, recused: usize, f: usize, a: usize, ab: usize) -> Tally {
        let r = VotingRules::default();
        Tally {
            composition_size: 5,
            present,
            recused,
            votes_for: f,
            votes_against: a,
            votes_abstain: ab,
            quorum_needed: r.quorum_needed(5),
            votes_needed: r.votes_needed(present - recused),
        }
    }

    #[test]
    fn two_of_five_does_not_adopt() {
        assert_eq!(t(5, 0, 2, 1, 2).outcome(), Some(Outcome::Deferred), "2 of 5 is short of ⌈2/3 × 5⌉ = 4");
        assert_eq!(t(5, 0, 3, 2, 0).outcome(), Some(Outcome::Deferred), "3 of 5 is also short of 4");
        assert_eq!(t(5, 0, 4, 1, 0).outcome(), Some(Outcome::Approved), "4 of 5 adopts");
        assert_eq!(t(5, 0, 1, 4, 0).outcome(), Some(Outcome::Rejected), "4 against of 5 rejects");
    }

    #[test]
    fn recused_members_leave_the_base() {
        let tally = t(4, 1, 2, 1, 0);
        assert_eq!(tally.votes_needed, 2, "with 3 eligible, ⌈2/3 × 3⌉ = 2");
        assert_eq!(tally.outcome(), Some(Outcome::Approved), "2 of 3 eligible adopts");
    }

    #[test]
    fn no_outcome_until_everyone_eligible_has_voted() {
        assert_eq!(t(5, 0, 4, 0, 0).outcome(), None, "one eligible member has not voted yet");
    }
}
