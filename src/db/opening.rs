//! What a slow first open after an upgrade is doing, for whoever shows it (the CLI on its terminal, the
//! desktop app at its sign-in form): migrations that rebuild indexes, then sealing rows that have no seal yet.
//! One observer per process, set before opening; without one, opening is as quiet as before.
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Schema migrations are running (an index being built takes a while on a large clinic).
    Migrating,
    /// Rows written before seals, or by a migration, are being sealed: `done` of `total`.
    Sealing { done: u64, total: u64 },
    /// The database is open.
    Done,
}

type Observer = Arc<dyn Fn(Opening) + Send + Sync>;

static OBSERVER: Mutex<Option<Observer>> = Mutex::new(None);

/// Sets the process's observer of slow opens (replacing any earlier one).
pub fn observe(f: impl Fn(Opening) + Send + Sync + 'static) {
    if let Ok(mut o) = OBSERVER.lock() {
        *o = Some(Arc::new(f));
    }
}

pub(crate) fn tell(what: Opening) {
    let observer = OBSERVER.lock().ok().and_then(|o| o.clone());
    if let Some(f) = observer {
        f(what);
    }
}
