//! Read models: what one screen shows, gathered by one core function, so that every transport (the desktop
//! shell, the CLI, the clinic server) carries the same data and none assembles it with a query per row.
//! They sit above the domain modules and change nothing.
mod batch;
mod case;
mod decision;
mod decisions;
mod meeting;
mod permit;
mod worklist;

pub use batch::{batch, BatchScreen};
pub use case::{case, CaseScreen};
pub use decision::{decision, DecisionScreen};
pub use decisions::{decisions, DecisionFilter, DecisionItem};
pub use meeting::{meeting, AgendaView, MeetingScreen};
pub use permit::{permit, PermitScreen};
pub use worklist::{worklist, ToSign, ToVote, Worklist, DUE_SOON_DAYS};
