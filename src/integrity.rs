//! The whole tamper check of a database, for `btlp audit verify` and the app's «Целостность» screen: SQLite's
//! own `integrity_check` with the search index's, the audit chain, the signed PDFs' digests, every row's seal and the schema.
use crate::audit::{self, ChangedDocument, Verdict};
use crate::db::{Db, RowFinding, SchemaFinding};
use crate::error::Result;
use crate::patients;
use crate::people::{Actor, Operation};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
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
    /// Nothing found: the file is sound and nothing was changed behind the program's back.
    pub fn intact(&self) -> bool {
        self.sqlite == ["ok"]
            && self.audit_broken_at.is_none()
            && self.changed_documents.is_empty()
            && self.rows.is_empty()
            && self.schema.is_empty()
    }
}

/// Runs every check (admins). Reads only; on a large clinic it takes seconds (see README, scale figures).
pub fn check(db: &Db, actor: &Actor) -> Result<Report> {
    actor.require(Operation::IntegrityCheck)?;
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
    let (audit_entries, audit_broken_at) = match audit::verify(conn)? {
        Verdict::Intact { entries } => (entries, None),
        Verdict::BrokenAt { seq } => (seq - 1, Some(seq)),
    };
    let (documents_checked, changed_documents) = audit::changed_documents(conn)?;
    let rows = db.verify_rows()?;
    Ok(Report {
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
