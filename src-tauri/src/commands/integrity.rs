//! The admin's safety net: the integrity check of the whole database (what `btlp audit verify` prints) and
//! the backups — made now, or on a schedule the app keeps while someone is signed in.
use crate::commands::dto::moment;
use crate::error::IpcError;
use crate::state::AppState;
use btlp_commission::backup::{self, Schedule};
use btlp_commission::integrity;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, State};

/// One thing found changed behind the program's back, in words for the screen.
#[derive(Debug, Clone, Serialize, Type)]
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

#[derive(Debug, Clone, Serialize, Type)]
pub struct IntegrityView {
    pub intact: bool,
    pub audit_entries: u32,
    pub documents_checked: u32,
    pub rows_checked: u32,
    pub findings: Vec<Finding>,
}

fn finding(kind: &str, state: &str, subject: String, row: String) -> Finding {
    Finding { kind: kind.into(), state: state.into(), subject, row }
}

/// Runs every check (admins); on the blocking pool, since a large clinic takes tens of seconds (README).
#[tauri::command]
#[specta::specta]
pub async fn integrity_check(app: tauri::AppHandle) -> Result<IntegrityView, IpcError> {
    crate::state::blocking(app, |state| {
        state.with_session(|s, _| {
            let r = integrity::check(&s.db, &s.actor)?;
            let mut findings: Vec<Finding> = r
                .sqlite
                .iter()
                .filter(|l| *l != "ok")
                .map(|l| finding("sqlite", "", l.clone(), String::new()))
                .collect();
            if let Some(seq) = r.audit_broken_at {
                findings.push(finding("audit", "broken", seq.to_string(), String::new()));
            }
            findings
                .extend(r.changed_documents.iter().map(|d| finding("document", &d.kind, d.id.clone(), String::new())));
            findings.extend(r.rows.iter().map(|f| finding("row", f.kind.code(), f.table.clone(), f.row.clone())));
            findings.extend(r.schema.iter().map(|f| finding("schema", f.state, f.name.clone(), f.kind.clone())));
            Ok(IntegrityView {
                intact: r.intact(),
                audit_entries: r.audit_entries as u32,
                documents_checked: r.documents_checked as u32,
                rows_checked: r.rows_checked as u32,
                findings,
            })
        })
    })
    .await
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BackupSchedule {
    /// Empty: no scheduled backup.
    pub folder: String,
    pub every_hours: u32,
    pub keep: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct BackupStatus {
    pub schedule: Option<BackupSchedule>,
    /// ДД.ММ.ГГГГ ЧЧ:ММ of the last backup, if any.
    pub last_at: Option<String>,
    /// Why the last scheduled backup failed (in the user's language), until one succeeds.
    pub last_error: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn backup_status(state: State<'_, AppState>) -> Result<BackupStatus, IpcError> {
    let last_error = state.backup_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
    state.with_session(|s, _| {
        let (schedule, last) = backup::schedule(s.db.conn())?;
        Ok(BackupStatus {
            schedule: schedule.map(|s| BackupSchedule { folder: s.folder, every_hours: s.every_hours, keep: s.keep }),
            last_at: last.as_deref().map(moment),
            last_error,
        })
    })
}

/// Sets the schedule (admins); `null` stops it.
#[tauri::command]
#[specta::specta]
pub async fn backup_set_schedule(state: State<'_, AppState>, schedule: Option<BackupSchedule>) -> Result<(), IpcError> {
    state.with_session(|s, _| {
        let schedule = schedule.map(|b| Schedule { folder: b.folder, every_hours: b.every_hours, keep: b.keep });
        let actor = s.actor.clone();
        backup::set_schedule(&mut s.db, &actor, schedule.as_ref())
    })
}

/// Backs up now into the scheduled folder (admins); returns the new backup's folder.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(state: State<'_, AppState>) -> Result<String, IpcError> {
    state.with_session(|s, _| Ok(s.backup_now()?.display().to_string()))
}

/// Checks every minute whether the scheduled backup is due, while someone is signed in.
pub fn start_scheduler(app: tauri::AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let state = app.state::<AppState>();
        let lang = state.lang();
        let result = {
            let mut guard = state.session.lock().unwrap_or_else(|p| p.into_inner());
            match guard.as_mut() {
                Some(s) => s.backup_if_due().map(|_| ()),
                None => continue,
            }
        };
        *state.backup_error.lock().unwrap_or_else(|p| p.into_inner()) = result.err().map(|e| e.message(lang));
    });
}
