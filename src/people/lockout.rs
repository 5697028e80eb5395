//! Failed sign-ins slow down and then lock the account.
//!
//! A wrong password usually fails before the database can be opened (it does not unwrap the key), so the count
//! lives in a small file beside the database (`<db>.signin`, replaced atomically like the key file). Each failure
//! and each lock is also queued there and written to the audit trail by the next successful sign-in; a lock
//! then also marks the user in the database, so deleting the file does not unlock them. Only an admin unlocks
//! an account (or resets its password).
use crate::error::{AuthFailure, Error, Result, Storage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Failures in a row that lock an account.
pub const LOCK_AFTER: u32 = 10;
/// Failures in a row allowed without waiting.
const FREE: u32 = 2;
const MAX_WAIT_SECONDS: i64 = 300;

/// How long to wait after `failures` failures in a row: none for the first two, then 2, 4, 8 … seconds.
pub fn wait_after(failures: u32) -> i64 {
    if failures <= FREE {
        0
    } else {
        (1i64 << (failures - FREE).min(16)).min(MAX_WAIT_SECONDS)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Account {
    failures: u32,
    last_failure: Option<DateTime<Utc>>,
    locked_at: Option<DateTime<Utc>>,
}

/// A failure or lock not yet in the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    pub login: String,
    pub at: DateTime<Utc>,
    /// `user.sign_in_failed` or `user.lock`.
    pub action: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    accounts: BTreeMap<String, Account>,
    pending: Vec<Event>,
}

const FORMAT: &str = "btlp-signin";

/// The sign-in counters of one database.
pub struct Guard {
    path: PathBuf,
    file: File,
    /// Whether `file` differs from what is on disk (a sign-in with nothing to record writes nothing).
    changed: bool,
}

impl Guard {
    pub fn path_for(db_path: &Path) -> PathBuf {
        let mut name = db_path.as_os_str().to_owned();
        name.push(".signin");
        PathBuf::from(name)
    }

    /// The counters beside `db_path`; none yet is an empty set.
    pub fn load(db_path: &Path) -> Result<Guard> {
        let path = Guard::path_for(db_path);
        let empty = File { format: FORMAT.into(), version: 1, accounts: BTreeMap::new(), pending: vec![] };
        let file = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<File>(&bytes) {
                Ok(f) if f.format == FORMAT && f.version == 1 => f,
                _ => return Err(Storage::Document(format!("{} is damaged", path.display())).into()),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => empty,
            Err(e) => return Err(e.into()),
        };
        Ok(Guard { path, file, changed: false })
    }

    /// Loads the counters, lets `f` change them and saves, keeping other writers out meanwhile (no failure is
    /// lost when two workstations sign in at once). Nothing is saved when `f` fails.
    pub fn update<T>(db_path: &Path, f: impl FnOnce(&mut Guard) -> Result<T>) -> Result<T> {
        crate::db::with_lock(&Guard::path_for(db_path), || {
            let mut guard = Guard::load(db_path)?;
            let out = f(&mut guard)?;
            guard.save()?;
            Ok(out)
        })
    }

    /// Refuses a locked account, or one that must still wait after its last failure.
    pub fn check(&self, login: &str, now: DateTime<Utc>) -> Result<()> {
        let Some(a) = self.file.accounts.get(login) else { return Ok(()) };
        if a.locked_at.is_some() {
            return Err(Error::Auth(AuthFailure::Locked { after: LOCK_AFTER }));
        }
        if let Some(last) = a.last_failure {
            let left = wait_after(a.failures) - (now - last).num_seconds();
            if left > 0 {
                return Err(Error::Auth(AuthFailure::TooSoon { seconds: left as u64 }));
            }
        }
        Ok(())
    }

    /// Counts a failure (and locks the account at `LOCK_AFTER`); saved at once. Returns whether it is now locked.
    pub fn fail(&mut self, login: &str, now: DateTime<Utc>) -> Result<bool> {
        let a = self.file.accounts.entry(login.to_string()).or_default();
        a.failures += 1;
        a.last_failure = Some(now);
        let locked = a.failures >= LOCK_AFTER && a.locked_at.is_none();
        self.file.pending.push(Event { login: login.into(), at: now, action: "user.sign_in_failed".into() });
        if locked {
            a.locked_at = Some(now);
            self.file.pending.push(Event { login: login.into(), at: now, action: "user.lock".into() });
        }
        let locked = a.locked_at.is_some();
        self.changed = true;
        self.save()?;
        Ok(locked)
    }

    /// Forgets an account's failures (a successful sign-in, an admin's unlock or password reset).
    pub fn clear(&mut self, login: &str) {
        self.changed |= self.file.accounts.remove(login).is_some();
    }

    /// Failures and locks not yet audited; `save` after they are.
    pub fn take_pending(&mut self) -> Vec<Event> {
        self.changed |= !self.file.pending.is_empty();
        std::mem::take(&mut self.file.pending)
    }

    /// Writes the counters if anything changed since they were loaded or last saved.
    pub fn save(&mut self) -> Result<()> {
        if !std::mem::take(&mut self.changed) {
            return Ok(());
        }
        let json = serde_json::to_vec_pretty(&self.file).map_err(|_| Storage::Crypto)?;
        crate::db::replace_file(&self.path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stay_bounded() {
        assert_eq!([0, 1, 2, 3, 4, 5].map(wait_after), [0, 0, 0, 2, 4, 8], "two free tries, then doubling");
        assert_eq!(wait_after(40), MAX_WAIT_SECONDS, "the wait is capped");
    }
}
