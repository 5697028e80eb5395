//! The administrator's screens: users and roles, the commission's composition, the organization and its
//! permit, signing certificates, and the decisions archive (with progress and cancel).
use crate::commands::dto::{day, moment, parse_id, Role};
use crate::error::IpcError;
use crate::state::AppState;
use btlp_commission::commission::{self, NewComposition, SeatRole};
use btlp_commission::people::{self, NewUser};
use btlp_commission::{exports, org, pki};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{Manager, State};

#[derive(Debug, Clone, Serialize, Type)]
pub struct UserRow {
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// Locked after too many failed sign-ins.
    pub locked: bool,
}

#[derive(Debug, Deserialize, Type)]
pub struct UserForm {
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct SeatView {
    pub login: String,
    pub full_name: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CompositionView {
    pub order_ref: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub seats: Vec<SeatView>,
}

#[derive(Debug, Deserialize, Type)]
pub struct SeatForm {
    pub login: String,
    pub role: String,
}

#[derive(Debug, Deserialize, Type)]
pub struct CompositionForm {
    pub order_ref: String,
    pub effective_from: String,
    pub seats: Vec<SeatForm>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct OrgView {
    pub name: String,
    pub licence: String,
    pub permit_number: String,
    pub permit_date: String,
    /// active, suspended, revoked
    pub permit_status: String,
    pub last_confirmed: Option<String>,
    pub confirmation_due: String,
    pub days_to_confirmation: i32,
    pub icu_present: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CertificateRow {
    pub serial: String,
    pub login: String,
    pub full_name: String,
    pub not_before: String,
    pub not_after: String,
    pub revoked_at: Option<String>,
}

/// How far long work (an export, batch signing) has got.
#[derive(Debug, Clone, Serialize, Type)]
pub struct WorkProgress {
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportResult {
    pub path: String,
    pub decisions: u32,
    pub bytes: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<UserRow>, IpcError> {
    state.with_session(|s, _| {
        Ok(people::list(&s.db)?
            .into_iter()
            .map(|u| UserRow {
                login: u.login,
                full_name: u.full_name,
                position: u.position,
                roles: u.roles.into_iter().map(Role::from).collect(),
                active: u.active,
                locked: u.locked,
            })
            .collect())
    })
}

#[tauri::command]
#[specta::specta]
pub async fn users_add(state: State<'_, AppState>, form: UserForm) -> Result<(), IpcError> {
    state.with_session(|s, _| {
        let u = NewUser {
            login: form.login,
            full_name: form.full_name,
            position: form.position,
            roles: form.roles.into_iter().map(Into::into).collect(),
            password: form.password,
        };
        s.add_user(&u).map(|_| ())
    })
}

#[tauri::command]
#[specta::specta]
pub async fn users_deactivate(state: State<'_, AppState>, login: String) -> Result<(), IpcError> {
    state.with_session(|s, _| s.deactivate(&login))
}

/// Unlocks an account locked after failed sign-ins (admins).
#[tauri::command]
#[specta::specta]
pub async fn users_unlock(state: State<'_, AppState>, login: String) -> Result<(), IpcError> {
    state.with_session(|s, _| s.unlock(&login))
}

#[tauri::command]
#[specta::specta]
pub async fn users_set_password(
    state: State<'_, AppState>,
    login: String,
    password: String,
    current: Option<String>,
) -> Result<(), IpcError> {
    state.with_session(|s, _| s.change_password(&login, current.as_deref(), &password))
}

#[tauri::command]
#[specta::specta]
pub async fn compositions_current(state: State<'_, AppState>) -> Result<Option<CompositionView>, IpcError> {
    state.with_session(|s, _| {
        let today = chrono::Local::now().date_naive();
        Ok(commission::effective_on(s.db.conn(), today)?.map(|c| CompositionView {
            order_ref: c.order_ref,
            effective_from: day(c.effective_from),
            effective_to: c.effective_to.map(day),
            seats: c
                .seats
                .into_iter()
                .map(|x| SeatView { login: x.login, full_name: x.full_name, role: x.role.code().to_string() })
                .collect(),
        }))
    })
}

#[tauri::command]
#[specta::specta]
pub async fn compositions_create(state: State<'_, AppState>, form: CompositionForm) -> Result<(), IpcError> {
    state.with_session(|s, _| {
        let seats = form
            .seats
            .into_iter()
            .map(|x| Ok((x.login, SeatRole::parse(&x.role)?)))
            .collect::<btlp_commission::Result<_>>()?;
        let c = NewComposition { order_ref: form.order_ref, effective_from: form.effective_from, seats };
        commission::compose(&mut s.db, &s.actor, &c).map(|_| ())
    })
}

#[tauri::command]
#[specta::specta]
pub async fn org_get(state: State<'_, AppState>) -> Result<OrgView, IpcError> {
    state.with_session(|s, _| {
        let o = org::get(s.db.conn())?;
        let today = chrono::Local::now().date_naive();
        Ok(OrgView {
            confirmation_due: day(o.confirmation_due()),
            days_to_confirmation: o.days_to_confirmation(today) as i32,
            name: o.name,
            licence: o.licence,
            permit_number: o.permit_number,
            permit_date: day(o.permit_date),
            permit_status: o.permit_status.code().to_string(),
            last_confirmed: o.last_confirmed.map(day),
            icu_present: o.icu_present,
        })
    })
}

#[tauri::command]
#[specta::specta]
pub async fn certificates_list(state: State<'_, AppState>) -> Result<Vec<CertificateRow>, IpcError> {
    state.with_session(|s, _| {
        Ok(pki::list(s.db.conn())?
            .into_iter()
            .map(|c| CertificateRow {
                not_before: moment(&c.not_before),
                not_after: moment(&c.not_after),
                revoked_at: c.revoked_at.as_deref().map(moment),
                serial: c.serial,
                login: c.login,
                full_name: c.full_name,
            })
            .collect())
    })
}

#[tauri::command]
#[specta::specta]
pub async fn certificates_revoke(state: State<'_, AppState>, serial: String) -> Result<(), IpcError> {
    state.with_session(|s, _| pki::revoke(&mut s.db, &s.actor, &serial))
}

/// Where archives go unless the user picks a folder: `$BTLP_EXPORT_DIR`, else `btlp-exports` in Documents.
pub(crate) fn export_dir(app: &tauri::AppHandle) -> PathBuf {
    if let Some(d) = std::env::var_os("BTLP_EXPORT_DIR") {
        return PathBuf::from(d);
    }
    app.path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."))
        .join("btlp-exports")
}

/// Exports the decisions of a period (dates ДД.ММ.ГГГГ, either may be empty), or of one patient, as one ZIP in
/// `folder` (or the default export folder), reporting progress on `on_progress`; `work_cancel` stops it.
#[tauri::command]
#[specta::specta]
pub async fn exports_decisions(
    app: tauri::AppHandle,
    from: String,
    to: String,
    patient_id: Option<String>,
    folder: Option<String>,
    on_progress: Channel<WorkProgress>,
) -> Result<ExportResult, IpcError> {
    let dir = folder.filter(|f| !f.is_empty()).map(PathBuf::from).unwrap_or_else(|| export_dir(&app));
    crate::state::blocking(app, move |state| {
        state.cancel_work.store(false, Ordering::SeqCst);
        state.with_session(|s, _| {
            std::fs::create_dir_all(&dir)?;
            let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
            let out = dir.join(format!("btlp-decisions-{stamp}.zip"));
            let patient =
                patient_id.as_deref().filter(|p| !p.is_empty()).map(|p| parse_id("patient_id", p)).transpose()?;
            let selection = exports::Selection { from: from.clone(), to: to.clone(), patient };
            let report = |done: usize, total: usize| {
                let _ = on_progress.send(WorkProgress { done: done as u32, total: total as u32 });
            };
            let e = exports::decisions_archive(&mut s.db, &s.actor, &selection, &out, report, &state.cancel_work)?;
            Ok(ExportResult {
                path: e.path.display().to_string(),
                decisions: e.decisions as u32,
                bytes: e.bytes.min(u32::MAX as u64) as u32,
            })
        })
    })
    .await
}

/// Stops the long work in progress (an export or batch signing) at its next step.
/// A plain (not async) command: Tauri runs it on the main thread, so it is heard even while every async
/// worker waits on the session the long work holds.
#[tauri::command]
#[specta::specta]
pub fn work_cancel(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.cancel_work.store(true, Ordering::SeqCst);
    Ok(())
}
