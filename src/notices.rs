//! Change notices: after a transaction commits, every process-local subscriber of that database file learns
//! what it changed — a kind and an id per changed record, never the record itself — so the screens showing it
//! can reload (the meeting at the secretary's seat when a member votes from theirs).
//!
//! The notices come from the audit trail: every change writes an audit entry inside `Db::tx`, and the entry's
//! entity and id are collected there and published once the commit succeeded (a rolled-back change is never
//! announced). Who may receive which notice is the read policy in `people::authz::may_read`.
//!
//! A hub is kept per database file and per process: every connection to the file in this process (each
//! server session, the desktop app's windows) publishes to the same subscribers. Changes made by another
//! process (the `btlp` CLI beside a running server) are not seen.
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

/// The kinds of record a notice can name (the audit trail's entities that screens show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
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
}

impl Subject {
    pub const ALL: [Subject; 16] = [
        Subject::Patient,
        Subject::Case,
        Subject::Consent,
        Subject::Meeting,
        Subject::Decision,
        Subject::Administration,
        Subject::AdverseReaction,
        Subject::Report,
        Subject::Batch,
        Subject::Room,
        Subject::Organization,
        Subject::Application,
        Subject::Settings,
        Subject::Composition,
        Subject::Certificate,
        Subject::User,
    ];

    /// The subject of an audit entry's entity; `None` for entities no screen shows (the key file, the CA).
    pub fn of_entity(entity: &str) -> Option<Subject> {
        Some(match entity {
            "patient" => Subject::Patient,
            "case" => Subject::Case,
            "consent" => Subject::Consent,
            "meeting" => Subject::Meeting,
            "decision" => Subject::Decision,
            "administration" => Subject::Administration,
            "adverse_reaction" => Subject::AdverseReaction,
            "report" => Subject::Report,
            "batch" => Subject::Batch,
            "room" => Subject::Room,
            "organization" => Subject::Organization,
            "application" => Subject::Application,
            "settings" => Subject::Settings,
            "composition" => Subject::Composition,
            "certificate" => Subject::Certificate,
            "user" => Subject::User,
            _ => return None,
        })
    }
}

/// One changed record: its kind and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Notice {
    pub subject: Subject,
    pub id: String,
}

/// The subscribers of one database file in this process.
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<Sender<Vec<Notice>>>>,
}

impl Hub {
    /// The hub of the database at `path` (the same one for every connection to that file in this process).
    pub(crate) fn of(path: &Path) -> Arc<Hub> {
        static HUBS: OnceLock<Mutex<HashMap<PathBuf, Arc<Hub>>>> = OnceLock::new();
        // The same key before the file exists (the app subscribes before first-start set-up) and after.
        let key = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) => {
                std::fs::canonicalize(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
                    .map(|d| d.join(name))
                    .unwrap_or_else(|_| path.to_path_buf())
            }
            _ => path.to_path_buf(),
        };
        let mut hubs = HUBS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        hubs.entry(key).or_default().clone()
    }

    /// Every notice committed from now on, one batch per transaction; dropping the receiver unsubscribes.
    pub fn subscribe(&self) -> Receiver<Vec<Notice>> {
        let (tx, rx) = channel();
        self.subscribers.lock().unwrap_or_else(|p| p.into_inner()).push(tx);
        rx
    }

    pub(crate) fn publish(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subscribers.retain(|s| s.send(notices.clone()).is_ok());
    }
}

/// Subscribes to the changes committed to the database at `path` by this process.
pub fn subscribe(path: &Path) -> Receiver<Vec<Notice>> {
    Hub::of(path).subscribe()
}
