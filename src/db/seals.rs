//! Row seals: tamper evidence for ordinary rows.
//!
//! The audit chain proves its own entries; it cannot tell that a patient's name or a vote was edited with
//! sqlcipher and the key. So every row the program writes gets a seal: an HMAC-SHA256 of the table, the rowid
//! and every column value, kept in `row_seals` and written in the same transaction as the row (SQLite's update
//! hook tells which rows a transaction touched). `verify` recomputes them all and names each row changed,
//! added or removed behind the program's back. The HMAC key is derived from the database key, so the seals
//! cannot be recomputed by someone who only has the file; someone with the key *and* this derivation could —
//! this is evidence against a curious colleague with a SQL shell, not against a determined programmer.
use crate::error::Result;
use hmac::{Hmac, Mac};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::Sha256;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

type Pending = Arc<Mutex<BTreeSet<(String, i64)>>>;

/// Tables that hold the seals themselves, belong to SQLite, or are search indexes (`search_…`, derived from
/// sealed rows and checked against them by the integrity check).
fn sealed_table(name: &str) -> bool {
    !(name.starts_with("sqlite_") || name.starts_with("search_") || name == "row_seals" || name == "seal_state")
}

pub(crate) struct Sealer {
    key: Zeroizing<[u8; 32]>,
    pending: Pending,
}

impl Sealer {
    /// Starts collecting the rows each transaction changes on `conn`.
    pub(crate) fn attach(conn: &Connection, key: Zeroizing<[u8; 32]>) -> Result<Sealer> {
        let pending: Pending = Arc::default();
        let sink = Arc::clone(&pending);
        conn.update_hook(Some(move |_: rusqlite::hooks::Action, _: &str, table: &str, rowid: i64| {
            if sealed_table(table) {
                if let Ok(mut p) = sink.lock() {
                    p.insert((table.to_string(), rowid));
                }
            }
        }))?;
        Ok(Sealer { key, pending })
    }

    /// Forgets rows collected so far (a transaction begins, or one was rolled back).
    pub(crate) fn forget(&self) {
        if let Ok(mut p) = self.pending.lock() {
            p.clear();
        }
    }

    /// Seals every row changed since the last `forget`/`flush`: a new seal for a row that exists, none for one
    /// that was deleted. Runs inside the caller's transaction, so the seals commit with the rows.
    pub(crate) fn flush(&self, conn: &Connection) -> Result<usize> {
        let rows = match self.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return Err(crate::error::Storage::Crypto.into()),
        };
        if rows.is_empty() {
            return Ok(0);
        }
        // This transaction's generation: one above the newest seal's (through its index).
        let gen: i64 = conn.query_row("SELECT coalesce(max(gen), 0) + 1 FROM row_seals", [], |r| r.get(0))?;
        for (table, rowid) in &rows {
            match self.mac_of(conn, table, *rowid)? {
                Some(mac) => conn.execute(
                    "INSERT INTO row_seals (tbl, row, mac, gen) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (tbl, row) DO UPDATE SET mac = excluded.mac, gen = excluded.gen",
                    params![table, rowid, mac, gen],
                )?,
                None => conn.execute("DELETE FROM row_seals WHERE tbl = ?1 AND row = ?2", params![table, rowid])?,
            };
        }
        Ok(rows.len())
    }

    /// Seals every row of `tables`, in one transaction: rows a migration wrote (see `migrations::WRITES`).
    pub(crate) fn seal_tables(&self, conn: &Connection, tables: &[&str]) -> Result<()> {
        if tables.is_empty() {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            for table in tables {
                let mut stmt = conn.prepare(&format!("SELECT rowid FROM \"{table}\""))?;
                let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
                if let Ok(mut p) = self.pending.lock() {
                    p.extend(rows.into_iter().map(|r| (table.to_string(), r)));
                }
            }
            self.flush(conn)
        })();
        match result {
            Ok(_) => Ok(conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                self.forget();
                Err(e)
            }
        }
    }

    /// Seals every row of every table, once, when a database first gets seals (new, or from before them).
    pub(crate) fn baseline(&self, conn: &Connection, now: &str) -> Result<()> {
        let done: bool = conn.query_row("SELECT count(*) > 0 FROM seal_state", [], |r| r.get(0))?;
        if done {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| -> Result<()> {
            let mut insert = conn.prepare("INSERT OR REPLACE INTO row_seals (tbl, row, mac) VALUES (?1, ?2, ?3)")?;
            let all = tables(conn)?;
            let mut total: u64 = 0;
            for table in &all {
                total +=
                    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get::<_, i64>(0))? as u64;
            }
            let mut done: u64 = 0;
            super::opening::tell(super::Opening::Sealing { done, total });
            for table in all {
                // One pass over the table, sealing as it reads (row_seals is another table, so this is allowed).
                let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM \"{table}\""))?;
                let columns = stmt.column_count();
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let rowid: i64 = r.get(0)?;
                    let mac = self.row_mac(&table, rowid, r, 1..columns)?.finalize().into_bytes().to_vec();
                    insert.execute(params![table, rowid, mac])?;
                    done += 1;
                    if done.is_multiple_of(50_000) {
                        super::opening::tell(super::Opening::Sealing { done, total });
                    }
                }
            }
            super::opening::tell(super::Opening::Sealing { done: total, total });
            conn.execute("INSERT INTO seal_state (id, sealed_at) VALUES (1, ?1)", [now])?;
            Ok(())
        })();
        self.forget();
        match result {
            Ok(()) => Ok(conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn mac_of(&self, conn: &Connection, table: &str, rowid: i64) -> Result<Option<Vec<u8>>> {
        let mut stmt = conn.prepare_cached(&format!("SELECT * FROM \"{table}\" WHERE rowid = ?1"))?;
        let columns = stmt.column_count();
        let mac = stmt
            .query_row([rowid], |r| Ok(self.row_mac(table, rowid, r, 0..columns)?.finalize().into_bytes().to_vec()))
            .optional()?;
        Ok(mac)
    }

    /// The HMAC of one row: its table, its rowid and the values of `columns` of `row`, each with its type.
    fn row_mac(
        &self,
        table: &str,
        rowid: i64,
        row: &rusqlite::Row<'_>,
        columns: std::ops::Range<usize>,
    ) -> rusqlite::Result<Hmac<Sha256>> {
        let mut h = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_slice()).expect("HMAC takes any key length");
        h.update(&(table.len() as u64).to_be_bytes());
        h.update(table.as_bytes());
        h.update(&rowid.to_be_bytes());
        for i in columns {
            feed(&mut h, row.get_ref(i)?);
        }
        Ok(h)
    }

    /// Recomputes the seal of every row and compares it with the stored one.
    pub(crate) fn verify(&self, conn: &Connection) -> Result<RowCheck> {
        let mut check = RowCheck::default();
        for table in tables(conn)? {
            let mut seals: HashMap<i64, Vec<u8>> = {
                let mut stmt = conn.prepare("SELECT row, mac FROM row_seals WHERE tbl = ?1")?;
                let rows = stmt.query_map([&table], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM \"{table}\""))?;
            let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
            let id_col = names.iter().skip(1).position(|c| c == "id").map(|i| i + 1);
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                check.rows += 1;
                let rowid: i64 = r.get(0)?;
                let h = self.row_mac(&table, rowid, r, 1..names.len())?;
                let kind = match seals.remove(&rowid) {
                    None => Some(Tamper::Added),
                    Some(mac) if h.verify_slice(&mac).is_err() => Some(Tamper::Changed),
                    Some(_) => None,
                };
                if let Some(kind) = kind {
                    let row = id_col.map(|i| show(r.get_ref(i))).unwrap_or_else(|| rowid.to_string());
                    check.findings.push(RowFinding { table: table.clone(), row, kind });
                }
            }
            let mut gone: Vec<i64> = seals.into_keys().collect();
            gone.sort_unstable();
            for rowid in gone {
                check.findings.push(RowFinding { table: table.clone(), row: rowid.to_string(), kind: Tamper::Removed });
            }
        }
        Ok(check)
    }
}

/// The generation of the newest seals: a check that verified up to it has seen every seal written so far.
pub(crate) fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(gen), 0) FROM row_seals", [], |r| r.get(0))?)
}

/// Each sealed table's last rowid (0 when empty).
pub(crate) fn last_rowids(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for table in tables(conn)? {
        let last = conn.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM \"{table}\""), [], |r| r.get(0))?;
        out.insert(table, last);
    }
    Ok(out)
}

impl Sealer {
    /// Verifies what changed since a check that saw seals up to generation `gen` and each table up to its rowid
    /// in `last`: every seal written since matches its row (or the row is gone), and every row added since has
    /// a seal. A row changed behind the program's back without a new seal is for the whole check to find.
    pub(crate) fn verify_since(&self, conn: &Connection, gen: i64, last: &BTreeMap<String, i64>) -> Result<RowCheck> {
        let mut check = RowCheck::default();
        let id_of = |table: &str, rowid: i64| -> String {
            let sql = format!("SELECT id FROM \"{table}\" WHERE rowid = ?1");
            conn.query_row(&sql, [rowid], |r| Ok(show(r.get_ref(0)))).unwrap_or_else(|_| rowid.to_string())
        };
        let mut stmt = conn.prepare("SELECT tbl, row, mac FROM row_seals WHERE gen > ?1")?;
        let seals =
            stmt.query_map([gen], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
        for seal in seals {
            let (table, rowid, mac) = seal?;
            if !sealed_table(&table) {
                continue;
            }
            check.rows += 1;
            let kind = match self.mac_of(conn, &table, rowid)? {
                None => Some(Tamper::Removed),
                Some(now) if now != mac => Some(Tamper::Changed),
                Some(_) => None,
            };
            if let Some(kind) = kind {
                let row = if kind == Tamper::Removed { rowid.to_string() } else { id_of(&table, rowid) };
                check.findings.push(RowFinding { table, row, kind });
            }
        }
        // Rows after each table's last rowid at the checkpoint: each must carry a seal that matches it (a row
        // added with a made-up seal entry is as unsealed as one without).
        for table in tables(conn)? {
            let after = last.get(&table).copied().unwrap_or(0);
            let sql = format!(
                "SELECT t.rowid, s.mac FROM \"{table}\" t LEFT JOIN row_seals s ON s.tbl = ?2 AND s.row = t.rowid
                 WHERE t.rowid > ?1"
            );
            let mut stmt = conn.prepare(&sql)?;
            let added =
                stmt.query_map(params![after, table], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)))?;
            for row in added {
                let (rowid, mac) = row?;
                let sealed = match mac {
                    Some(mac) => self.mac_of(conn, &table, rowid)?.is_some_and(|now| now == mac),
                    None => false,
                };
                if !sealed {
                    let row = id_of(&table, rowid);
                    check.findings.push(RowFinding { table: table.clone(), row, kind: Tamper::Added });
                }
            }
        }
        Ok(check)
    }

    /// Whether the row's seal matches it (a checkpoint's row is verified before a check relies on it).
    pub(crate) fn verify_row(&self, conn: &Connection, table: &str, rowid: i64) -> Result<bool> {
        let stored: Option<Vec<u8>> = conn
            .query_row("SELECT mac FROM row_seals WHERE tbl = ?1 AND row = ?2", params![table, rowid], |r| r.get(0))
            .optional()?;
        Ok(match stored {
            Some(mac) => self.mac_of(conn, table, rowid)?.is_some_and(|now| now == mac),
            None => false,
        })
    }
}

/// What was done to a row behind the program's back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tamper {
    /// The row's values differ from those the program wrote.
    Changed,
    /// The row was not written by the program.
    Added,
    /// A row the program wrote is gone (the number is its SQLite rowid).
    Removed,
}

impl Tamper {
    pub fn code(self) -> &'static str {
        match self {
            Tamper::Changed => "changed",
            Tamper::Added => "added",
            Tamper::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowFinding {
    pub table: String,
    /// The row's `id` (a UUID or code) where the table has one, otherwise its rowid.
    pub row: String,
    pub kind: Tamper,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RowCheck {
    pub rows: usize,
    pub findings: Vec<RowFinding>,
}

fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let names: Vec<String> = names.collect::<rusqlite::Result<_>>()?;
    Ok(names.into_iter().filter(|n| sealed_table(n)).collect())
}

/// Feeds one value with its type, so `1`, `'1'` and `x'31'` seal differently.
fn feed(h: &mut Hmac<Sha256>, v: ValueRef<'_>) {
    let (tag, bytes): (u8, Vec<u8>) = match v {
        ValueRef::Null => (0, vec![]),
        ValueRef::Integer(i) => (1, i.to_be_bytes().to_vec()),
        ValueRef::Real(f) => (2, f.to_bits().to_be_bytes().to_vec()),
        ValueRef::Text(t) => (3, t.to_vec()),
        ValueRef::Blob(b) => (4, b.to_vec()),
    };
    h.update(&[tag]);
    h.update(&(bytes.len() as u64).to_be_bytes());
    h.update(&bytes);
}

fn show(v: rusqlite::Result<ValueRef<'_>>) -> String {
    match v {
        Ok(ValueRef::Blob(b)) => uuid::Uuid::from_slice(b).map(|u| u.to_string()).unwrap_or_else(|_| hex::encode(b)),
        Ok(ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
        Ok(ValueRef::Integer(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// The seal key of a database: derived from its key, never stored.
pub(crate) fn derive_key(db_key: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = <Hmac<Sha256> as Mac>::new_from_slice(db_key).expect("HMAC takes any key length");
    h.update(b"btlp row seals v1");
    Zeroizing::new(h.finalize().into_bytes().into())
}
