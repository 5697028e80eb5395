//! The tamper check of a database, for `btlp audit verify` and the app's «Целостность» screen. The whole check:
//! SQLite's own `integrity_check` with the search index's, the audit chain, the signed PDFs' digests, every
//! row's seal and the schema. The check of the changes since the last intact check (a checkpoint of what it
//! verified): the audit entries after it, the seals written since and the rows added since, the documents
//! signed since, the schema — seconds of a day's work instead of every row. The checkpoint itself is used only
//! when its seal matches it. What only the whole check (which stays available) finds: a row changed behind the
//! program's back that was sealed before the checkpoint, or whose seal's generation was lowered below it; a
//! row inserted behind the program's back at a rowid at or below its table's last one at the checkpoint; a row
//! sealed before the checkpoint and deleted since; damage to the file's pages.
use crate::audit::{self, ChangedDocument, Verdict};
use crate::db::{Db, RowCheck, RowFinding, SchemaFinding};
use crate::error::Result;
use crate::patients;
use crate::people::{Actor, Operation};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scope: Scope,
    /// `ok`, or what SQLite's `PRAGMA integrity_check` found (damaged pages, broken indexes).
    pub sqlite: Vec<String>,
    pub audit_entries: i64,
    /// The first audit entry whose link does not verify, if any.
    pub audit_broken_at: Option<i64>,
    pub documents_checked: usize,
    pub changed_documents: Vec<ChangedDocument>,
    pub rows_checked: usize,
    pub rows: Vec<RowFinding>,
    pub schema: Vec<SchemaFinding>,
}

impl Report {
    /// The report of a check of `scope` from what each part found; the schema is compared here.
    fn of(
        db: &Db,
        scope: Scope,
        sqlite: Vec<String>,
        audit: Verdict,
        (documents_checked, changed_documents): (usize, Vec<ChangedDocument>),
        rows: RowCheck,
    ) -> Result<Report> {
        let (audit_entries, audit_broken_at) = match audit {
            Verdict::Intact { entries } => (entries, None),
            Verdict::BrokenAt { seq } => (seq - 1, Some(seq)),
        };
        Ok(Report {
            scope,
            sqlite,
            audit_entries,
            audit_broken_at,
            documents_checked,
            changed_documents,
            rows_checked: rows.rows,
            rows: rows.findings,
            schema: db.schema_differences()?,
        })
    }

    /// Nothing found: the file is sound and nothing was changed behind the program's back.
    pub fn intact(&self) -> bool {
        self.sqlite == ["ok"]
            && self.audit_broken_at.is_none()
            && self.changed_documents.is_empty()
            && self.rows.is_empty()
            && self.schema.is_empty()
    }
}

/// What a check covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Whole,
    /// The changes since the intact check of `since` (RFC 3339).
    Changes {
        since: String,
    },
}

/// The last intact check: when, whether it was whole, and where it got to.
#[derive(Debug, Clone)]
struct Checkpoint {
    id: i64,
    checked_at: String,
    audit_seq: i64,
    audit_hash: String,
    seal_gen: i64,
    rowids: BTreeMap<String, i64>,
}

fn last_checkpoint(conn: &rusqlite::Connection) -> Result<Option<Checkpoint>> {
    let row = conn
        .query_row(
            "SELECT id, checked_at, audit_seq, audit_hash, seal_gen, rowids FROM integrity_checkpoints
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?)),
        )
        .optional()?;
    Ok(row.map(|(id, checked_at, audit_seq, audit_hash, seal_gen, rowids)| Checkpoint {
        id,
        checked_at,
        audit_seq,
        audit_hash,
        seal_gen,
        rowids: serde_json::from_str(&rowids).unwrap_or_default(),
    }))
}

/// Records where an intact check got to, in its own transaction (the checkpoint row is sealed like any other,
/// and so verified by the next check).
fn record(db: &mut Db, whole: bool, mark: (i64, String, i64, BTreeMap<String, i64>)) -> Result<()> {
    let (audit_seq, audit_hash, seal_gen, rowids) = mark;
    let rowids = serde_json::to_string(&rowids).unwrap_or_default();
    db.tx(|tx| {
        tx.execute(
            "INSERT INTO integrity_checkpoints (checked_at, whole, audit_seq, audit_hash, seal_gen, rowids)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![tx.now_text(), whole, audit_seq, audit_hash, seal_gen, rowids],
        )?;
        Ok(())
    })
}

/// Where a check that starts now will have got to: the audit head, the seals' generation, the tables' rowids.
fn mark(db: &Db) -> Result<(i64, String, i64, BTreeMap<String, i64>)> {
    let (seq, hash) = audit::head(db.conn())?;
    let (gen, rowids) = db.seal_mark()?;
    Ok((seq, hash, gen, rowids))
}

/// Checks the changes since the last intact check (admins); the whole check when there was none. An intact
/// result becomes the next check's starting point.
pub fn check_changes(db: &mut Db, actor: &Actor) -> Result<Report> {
    actor.require(Operation::IntegrityCheck)?;
    // A checkpoint decides what is checked, so it is trusted only with a seal that matches it: one added or
    // edited behind the program's back sends the check to the whole file, which names it.
    let Some(since) =
        last_checkpoint(db.conn())?.filter(|c| db.row_sealed("integrity_checkpoints", c.id).unwrap_or(false))
    else {
        return check(db, actor);
    };
    let at = mark(db)?;
    let conn = db.conn();
    let report = Report::of(
        db,
        Scope::Changes { since: since.checked_at },
        vec!["ok".into()],
        audit::verify_after(conn, since.audit_seq, &since.audit_hash)?,
        audit::changed_documents_since(conn, Some(since.seal_gen))?,
        db.verify_rows_since(since.seal_gen, &since.rowids)?,
    )?;
    if report.intact() {
        record(db, false, at)?;
    }
    Ok(report)
}

/// Runs every check (admins); on a large clinic it takes seconds (see README, scale figures). An intact result
/// becomes the starting point of the next check of the changes.
pub fn check(db: &mut Db, actor: &Actor) -> Result<Report> {
    actor.require(Operation::IntegrityCheck)?;
    let at = mark(db)?;
    let report = check_whole(db)?;
    if report.intact() {
        record(db, true, at)?;
    }
    Ok(report)
}

fn check_whole(db: &Db) -> Result<Report> {
    let conn = db.conn();
    let mut sqlite = {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    // The patient search index against the patients it was built from (FTS5's own check, which changes
    // nothing): a mismatch is damage like a broken index, reported with SQLite's findings.
    let index = patients::SEARCH_INDEX;
    let check = format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)");
    if let Err(e) = conn.execute(&check, []) {
        sqlite.retain(|line| line != "ok");
        sqlite.push(format!("{index}: {e}"));
    }
    Report::of(db, Scope::Whole, sqlite, audit::verify(conn)?, audit::changed_documents(conn)?, db.verify_rows()?)
}
