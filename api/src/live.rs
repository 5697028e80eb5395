//! Live screens: what the server's notice stream (`GET /api/v1/notices`, Server-Sent Events) and the desktop
//! app's `btlp://live` event carry to a screen — the kind and id of each record a transaction changed, never
//! its contents, and only kinds the session's user may read (`people::authz::readers`).
use btlp_commission::notices::{Notice, Subject};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The name of the desktop app's event, and of the stream's event, that carry a batch of notices.
pub const EVENT: &str = "btlp://live";

macro_rules! subjects {
    ($($v:ident),* $(,)?) => {
        /// The kind of a changed record (the core's `notices::Subject`, as the UI names it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
        #[serde(rename_all = "snake_case")]
        pub enum NoticeSubject { $($v),* }

        impl From<Subject> for NoticeSubject {
            fn from(s: Subject) -> Self {
                match s { $(Subject::$v => NoticeSubject::$v),* }
            }
        }
    };
}

subjects!(
    Patient,
    Case,
    Consent,
    Meeting,
    Decision,
    Administration,
    AdverseReaction,
    Report,
    Batch,
    Room,
    Organization,
    Application,
    Settings,
    Composition,
    Certificate,
    User,
);

/// One changed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LiveNotice {
    pub subject: NoticeSubject,
    pub id: String,
}

impl From<&Notice> for LiveNotice {
    fn from(n: &Notice) -> Self {
        LiveNotice { subject: n.subject.into(), id: n.id.clone() }
    }
}

/// What a screen hears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Records changed (one transaction's, filtered for the reader).
    Notices { notices: Vec<LiveNotice> },
    /// The stream was lost and is back: what changed meanwhile is unknown, so every live screen reloads once.
    Resync,
}

/// The notices of a committed batch that `actor` may hear of, as they cross; `None` when there are none.
pub fn for_reader(actor: &btlp_commission::Actor, batch: &[Notice]) -> Option<LiveEvent> {
    let notices: Vec<LiveNotice> = actor.readable(batch).iter().map(LiveNotice::from).collect();
    (!notices.is_empty()).then_some(LiveEvent::Notices { notices })
}

/// The event that tells a window what a slow first open after an upgrade is doing (the desktop app's sign-in).
pub const OPENING_EVENT: &str = "btlp://opening";

/// What a slow open is doing: schema migrations, sealing rows (`done` of `total`), or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpeningEvent {
    Migrating,
    Sealing { done: u32, total: u32 },
    Done,
}

impl From<btlp_commission::db::Opening> for OpeningEvent {
    fn from(o: btlp_commission::db::Opening) -> Self {
        use btlp_commission::db::Opening as O;
        match o {
            O::Migrating => OpeningEvent::Migrating,
            O::Sealing { done, total } => OpeningEvent::Sealing {
                done: done.min(u32::MAX as u64) as u32,
                total: total.min(u32::MAX as u64) as u32,
            },
            O::Done => OpeningEvent::Done,
        }
    }
}
