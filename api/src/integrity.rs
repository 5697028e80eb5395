//! The admin's safety net: the integrity check of the whole database (what `btlp audit verify` prints) and
//! the backups — made now, or on a schedule the app keeps while someone is signed in.
use crate::dto::moment;
use btlp_commission::backup::{self, Schedule};
use btlp_commission::integrity;
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One thing found changed behind the program's back, in words for the screen.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct Finding {
    /// `sqlite`, `audit`, `document`, `row` or `schema`.
    pub kind: String,
    /// For rows: `changed`, `added` or `removed`; for the schema: `missing`, `changed` or `extra`; for documents
    /// the document's kind (`decision`, `consent`, `administration`, `report`).
    pub state: String,
    /// The table, the schema object's name, the document's id, the audit entry's number or SQLite's words.
    pub subject: String,
    /// The row's id (rows only).
    pub row: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IntegrityView {
    pub intact: bool,
    /// The whole file was checked; otherwise the changes since the intact check of `since`.
    pub whole: bool,
    /// ДД.ММ.ГГГГ ЧЧ:ММ of the check this one started from (a check of the changes).
    pub since: Option<String>,
    pub audit_entries: u32,
    pub documents_checked: u32,
    pub rows_checked: u32,
    pub findings: Vec<Finding>,
}

fn finding(kind: &str, state: &str, subject: String, row: String) -> Finding {
    Finding { kind: kind.into(), state: state.into(), subject, row }
}

/// Runs every check (admins); on the blocking pool, since a large clinic takes tens of seconds (README).
/// `whole`: every row, document and page; otherwise the changes since the last intact check.
pub fn integrity_check(s: &mut Session, _: Lang, whole: bool) -> Result<IntegrityView> {
    {
        let actor = s.actor.clone();
        let r = if whole { integrity::check(&mut s.db, &actor)? } else { integrity::check_changes(&mut s.db, &actor)? };
        let mut findings: Vec<Finding> =
            r.sqlite.iter().filter(|l| *l != "ok").map(|l| finding("sqlite", "", l.clone(), String::new())).collect();
        if let Some(seq) = r.audit_broken_at {
            findings.push(finding("audit", "broken", seq.to_string(), String::new()));
        }
        findings.extend(r.changed_documents.iter().map(|d| finding("document", &d.kind, d.id.clone(), String::new())));
        findings.extend(r.rows.iter().map(|f| finding("row", f.kind.code(), f.table.clone(), f.row.clone())));
        findings.extend(r.schema.iter().map(|f| finding("schema", f.state, f.name.clone(), f.kind.clone())));
        Ok(IntegrityView {
            intact: r.intact(),
            whole: r.scope == integrity::Scope::Whole,
            since: match &r.scope {
                integrity::Scope::Changes { since } => Some(moment(since)),
                integrity::Scope::Whole => None,
            },
            audit_entries: r.audit_entries as u32,
            documents_checked: r.documents_checked as u32,
            rows_checked: r.rows_checked as u32,
            findings,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BackupSchedule {
    /// Empty: no scheduled backup.
    pub folder: String,
    pub every_hours: u32,
    pub keep: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BackupStatus {
    pub schedule: Option<BackupSchedule>,
    /// ДД.ММ.ГГГГ ЧЧ:ММ of the last backup, if any.
    pub last_at: Option<String>,
    /// Why the last scheduled backup failed (in the user's language), until one succeeds.
    pub last_error: Option<String>,
}

pub fn backup_status(s: &mut Session, _: Lang) -> Result<BackupStatus> {
    let last_error = BACKUP_ERROR.lock().unwrap_or_else(|p| p.into_inner()).clone();
    {
        let (schedule, last) = backup::schedule(s.db.conn())?;
        Ok(BackupStatus {
            schedule: schedule.map(|s| BackupSchedule { folder: s.folder, every_hours: s.every_hours, keep: s.keep }),
            last_at: last.as_deref().map(moment),
            last_error,
        })
    }
}

/// Sets the schedule (admins); `null` stops it.
pub fn backup_set_schedule(s: &mut Session, _: Lang, schedule: Option<BackupSchedule>) -> Result<()> {
    let schedule = schedule.map(|b| Schedule { folder: b.folder, every_hours: b.every_hours, keep: b.keep });
    let actor = s.actor.clone();
    backup::set_schedule(&mut s.db, &actor, schedule.as_ref())
}

/// Backs up now into the scheduled folder (admins); returns the new backup's folder.
pub fn backup_now(s: &mut Session, _: Lang) -> Result<String> {
    Ok(s.backup_now()?.display().to_string())
}

/// Why the last scheduled backup failed (in the user's language), until one succeeds. One per process: the
/// schedule runs in the desktop app (embedded mode) or in the clinic server.
static BACKUP_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keeps the outcome of a scheduled backup for `backup_status`: what went wrong, until one succeeds. Called every
/// minute by the process that owns the schedule (`Session::backup_if_due`, or the server's own connection).
pub fn backup_result<T>(result: Result<T>, lang: Lang) {
    *BACKUP_ERROR.lock().unwrap_or_else(|p| p.into_inner()) = result.err().map(|e| e.message(lang));
}
