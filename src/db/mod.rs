//! The one SQLite file: opening it (SQLCipher key, pragmas, migrations), transactions and the clock.
//!
//! A database is created once with `Db::create`; `Db::open` never creates or changes a file it cannot prove
//! is ours (right key, a schema this program knows). Every change runs in `Db::tx`, so a refused step rolls
//! back the whole operation.
pub mod fixes;
mod keyring;
mod migrations;
mod opening;
mod seals;
pub mod unlock_file;

pub use keyring::{DbKey, Keyring};
pub use migrations::SchemaFinding;
pub use opening::{observe as observe_opening, Opening};
/// The connection type the read functions take, re-exported so callers need no rusqlite of their own.
pub use rusqlite::Connection;
pub use seals::{RowCheck, RowFinding, Tamper};

/// The schema version of a database this program fully migrated.
pub fn schema_version() -> i64 {
    migrations::count()
}

use crate::error::{Result, Storage};
use chrono::{DateTime, FixedOffset, Local, NaiveDate};
use rusqlite::{OpenFlags, Transaction};
use std::path::Path;

/// Where "now" comes from: the system clock, or a fixed instant for tests and demos.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => Local::now().fixed_offset(),
            Clock::Fixed(t) => *t,
        }
    }
}

pub struct Db {
    conn: Connection,
    clock: Clock,
    sealer: seals::Sealer,
    /// Where committed changes are announced (none for a database in memory).
    hub: Option<std::sync::Arc<crate::notices::Hub>>,
}

/// A transaction with the clock's instant fixed for its whole duration.
pub struct Tx<'a> {
    pub(crate) tx: Transaction<'a>,
    pub(crate) now: DateTime<FixedOffset>,
    /// What the transaction changed, announced after it commits (collected by the audit trail).
    notices: std::cell::RefCell<Vec<crate::notices::Notice>>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Tx<'_> {
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
    pub fn now_text(&self) -> String {
        self.now.to_rfc3339()
    }

    /// Notes that the record `entity`/`id` changed (the audit trail calls it for every entry).
    pub(crate) fn changed(&self, entity: &str, id: &str) {
        let Some(subject) = crate::notices::Subject::of_entity(entity) else { return };
        let notice = crate::notices::Notice { subject, id: id.to_string() };
        let mut notices = self.notices.borrow_mut();
        if !notices.contains(&notice) {
            notices.push(notice);
        }
    }
}

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

impl Db {
    /// Creates a new encrypted database at `path`; refuses to touch an existing file.
    pub fn create(path: &Path, key: &DbKey) -> Result<Db> {
        if path.exists() {
            return Err(Storage::AlreadyExists(path.to_path_buf()).into());
        }
        // SQLite would make the file 0644; made here first, 0600, it gives its WAL and journal the same mode.
        crate::files::create_private_new(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let conn = Connection::open_with_flags(path, flags)?;
        apply_key(&conn, key)?;
        Db::prepare(conn, key).map(|db| db.announcing(path))
    }

    /// Opens an existing encrypted database. A wrong key, a file that is not a database or a schema newer
    /// than this program gives a clear error and leaves the file as it was.
    pub fn open(path: &Path, key: &DbKey) -> Result<Db> {
        if !path.is_file() {
            return Err(Storage::Missing(path.to_path_buf()).into());
        }
        // SQLite would quietly open a write-protected file read-only and fail at the first change; say so now.
        // (The permission bits are checked as well as an open for writing: root may write a 0444 file.)
        let protected = std::fs::metadata(path)?.permissions().readonly()
            || std::fs::OpenOptions::new().write(true).open(path).is_err();
        if protected {
            return Err(Storage::ReadOnly.into());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE;
        let conn = Connection::open_with_flags(path, flags)?;
        apply_key(&conn, key)?;
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
                return Err(not_ours(path));
            }
            return Err(e.into());
        }
        Db::prepare(conn, key).map(|db| db.announcing(path))
    }

    /// A connection to the file as it is, keyed but neither migrated nor sealed: for reading what an older
    /// program left (the upgrade tests) without changing it. Never for the program's own work.
    #[doc(hidden)]
    pub fn open_as_is(path: &Path, key: &DbKey) -> Result<Connection> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        apply_key(&conn, key)?;
        Ok(conn)
    }

    fn announcing(mut self, path: &Path) -> Db {
        self.hub = Some(crate::notices::Hub::of(path));
        self
    }

    /// Copies the whole database into a new file at `dest`, encrypted with the same `key`, through SQLite's
    /// online backup API: a consistent snapshot even while another connection writes.
    pub fn backup_to(&self, key: &DbKey, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Storage::AlreadyExists(dest.to_path_buf()).into());
        }
        crate::files::create_private_new(dest)?;
        let mut out = Connection::open(dest)?;
        apply_key(&out, key)?;
        rusqlite::backup::Backup::new(&self.conn, &mut out)?.run_to_completion(
            1024,
            std::time::Duration::ZERO,
            None,
        )?;
        Ok(())
    }

    /// A fresh database in memory, for tests and tools.
    pub fn in_memory() -> Result<Db> {
        Db::prepare(Connection::open_in_memory()?, &DbKey::random())
    }

    fn prepare(mut conn: Connection, key: &DbKey) -> Result<Db> {
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let supported = migrations::count();
        if found > supported {
            return Err(Storage::NewerSchema { found, supported }.into());
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every commit reaches the disk before it is reported (a power cut loses nothing reported saved).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL is not available for in-memory databases; SQLite keeps "memory" there, which is fine.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if found < supported && found > 0 {
            opening::tell(Opening::Migrating);
        }
        let written = migrations::run(&mut conn)?;
        // Enough cached statements for one "SELECT * FROM <table>" per table when sealing.
        conn.set_prepared_statement_cache_capacity(128);
        let sealer = seals::Sealer::attach(&conn, seals::derive_key(key.bytes()))?;
        sealer.baseline(&conn, &Clock::System.now().to_rfc3339())?;
        sealer.seal_tables(&conn, &written)?;
        if found < supported && found > 0 {
            opening::tell(Opening::Done);
        }
        Ok(Db { conn, clock: Clock::System, sealer, hub: None })
    }

    /// Seals the rows changed outside `tx` on this connection (bulk tools that manage their own transaction
    /// call it before committing).
    pub(crate) fn seal_changes(&self) -> Result<usize> {
        self.sealer.flush(&self.conn)
    }

    /// Recomputes every row's seal: rows changed, added or removed behind the program's back.
    pub fn verify_rows(&self) -> Result<RowCheck> {
        self.sealer.verify(&self.conn)
    }

    /// What changed since a check that saw seals up to `gen` and each table up to its rowid in `last` (see
    /// `Sealer::verify_since`).
    pub fn verify_rows_since(&self, gen: i64, last: &std::collections::BTreeMap<String, i64>) -> Result<RowCheck> {
        self.sealer.verify_since(&self.conn, gen, last)
    }

    /// Whether the row's seal matches it.
    pub fn row_sealed(&self, table: &str, rowid: i64) -> Result<bool> {
        self.sealer.verify_row(&self.conn, table, rowid)
    }

    /// The newest seals' generation and each sealed table's last rowid: where a check that ends now got to.
    pub fn seal_mark(&self) -> Result<(i64, std::collections::BTreeMap<String, i64>)> {
        Ok((seals::generation(&self.conn)?, seals::last_rowids(&self.conn)?))
    }

    /// Tables, indexes and triggers that differ from the schema this program's migrations make (a dropped
    /// append-only trigger, say).
    pub fn schema_differences(&self) -> Result<Vec<SchemaFinding>> {
        migrations::differences(&self.conn)
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled back otherwise. The transaction takes
    /// the write lock when it begins (IMMEDIATE), waiting up to the busy timeout for another instance's write
    /// to end: a deferred one that reads and then writes would fail at once with "database is locked" when
    /// another instance wrote in between (WAL cannot upgrade a stale read snapshot).
    pub fn tx<T>(&mut self, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let behavior = rusqlite::TransactionBehavior::Immediate;
        self.sealer.forget();
        let tx = Tx { tx: self.conn.transaction_with_behavior(behavior)?, now, notices: Default::default() };
        let value = match f(&tx).and_then(|v| self.sealer.flush(&tx).map(|_| v)) {
            Ok(v) => v,
            Err(e) => {
                self.sealer.forget();
                return Err(e);
            }
        };
        let Tx { tx, notices, .. } = tx;
        tx.commit()?;
        if let Some(hub) = &self.hub {
            hub.publish(notices.into_inner());
        }
        Ok(value)
    }
}

/// Replaces the small file at `path` (the key file, the sign-in counters) all at once: written beside it under
/// `.tmp`, flushed to disk, then renamed over it, so a crash leaves the old file or the new one, never half.
/// Runs `f` holding an exclusive lock on `<path>.lock`, so that load → change → save of a small file beside
/// the database (the key file, the sign-in counters) has one writer at a time, across threads and processes
/// (two admins adding users at once must not lose one). The lock goes with the file handle.
pub(crate) fn with_lock<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(std::path::PathBuf::from(name))?;
    lock.lock()?;
    let out = f();
    drop(lock);
    out
}

pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    {
        let mut f = crate::files::create_private(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn apply_key(conn: &Connection, key: &DbKey) -> Result<()> {
    // SQLCipher prints HMAC failures to stderr on a wrong key; the caller gets a typed error instead.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", key.hex().as_str()));
    conn.execute_batch(&pragma)?;
    Ok(())
}

fn not_ours(path: &Path) -> crate::Error {
    let mut head = [0u8; 16];
    let plain = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .map(|_| head == SQLITE_HEADER)
        .unwrap_or(false);
    if plain {
        Storage::Unencrypted(path.to_path_buf()).into()
    } else {
        Storage::WrongKeyOrNotDatabase(path.to_path_buf()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_database_has_the_full_schema() {
        let db = Db::in_memory().unwrap();
        let fk: i64 = db.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1, "foreign keys must be enforced");
        let version: i64 = db.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, migrations::count(), "every migration must have run");
    }

    #[test]
    fn a_failed_transaction_changes_nothing() {
        let mut db = Db::in_memory().unwrap();
        let r: Result<()> = db.tx(|tx| {
            tx.execute("INSERT INTO settings (key, value) VALUES ('x', '1')", [])?;
            Err(crate::Error::Refused(crate::error::Rule::NoConsent))
        });
        assert!(r.is_err());
        let n: i64 = db.conn().query_row("SELECT count(*) FROM settings WHERE key = 'x'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "a refused operation must roll back every step it took");
    }
}
