//! The medical commission (Order 180н): its composition over time, meetings with attendance and declared
//! conflicts of interest, each member's own vote, the tally against the quorum and majority settings, and
//! the decisions it adopts. Outcomes are computed from the votes, never typed in.
mod agenda;
mod composition;
pub(crate) mod decision;
mod meeting;
mod minutes;
mod protocol;
mod record;
mod vote;

pub use agenda::{agenda, meetings, recusals, AgendaItem, MeetingRow};
pub use composition::{compose, effective_on, Composition, NewComposition, Seat, SeatRole};
pub use decision::{
    adopt, adopt_confirmed, by_number, correct, get as decision, list as decisions, meeting_of,
    preview as adoption_preview, Correction, Decision, Draft, Outcome, Terms,
};
pub use meeting::{
    add_to_agenda, close_meeting, create_meeting, declare_conflict, meeting, set_attendance, Declarant, Meeting,
    NewMeeting, Plan,
};
pub use minutes::{meeting_by_protocol, minutes, Minutes, MinutesItem};
pub use protocol::{protocol, OnWord, Protocol, Recusal, VoteRecord};
pub use record::{record, Record};
pub use vote::{cast, tally, Choice, Tally};
