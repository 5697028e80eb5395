//! The commands that take a file the user picked in the native dialog: it is read here, on the
//! workstation, and handed to the command as bytes (refused over the core's size limit before it is read).
use crate::state::{blocking, AppState};
use btlp_api::{cases::ConsentForm, IpcError, Upload};
use btlp_commission::error::{Check, Error};
use tauri::Manager;

fn read(state: &AppState, field: &'static str, path: &str) -> Result<Upload, IpcError> {
    let lang = state.lang();
    let max = btlp_commission::consent::SCAN_MAX_MB;
    let refuse = |e: Error| IpcError::new(e, lang);
    if std::fs::metadata(path).map_err(|e| refuse(e.into()))?.len() > (max * 1024 * 1024) as u64 {
        return Err(refuse(Error::invalid(field, Check::ScanTooLarge { max_mb: max })));
    }
    let bytes = std::fs::read(path).map_err(|e| refuse(e.into()))?;
    let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Upload { name, bytes })
}

/// Records a consent; `scan_path` is a scanned copy (PDF, JPEG or PNG) chosen in the native file dialog.
#[tauri::command]
#[specta::specta]
pub async fn consent_record(
    app: tauri::AppHandle,
    form: ConsentForm,
    scan_path: Option<String>,
) -> Result<String, IpcError> {
    let state = app.state::<AppState>();
    let scan = scan_path.as_deref().filter(|p| !p.is_empty()).map(|p| read(&state, "scan", p)).transpose()?;
    if let Some(client) = state.remote() {
        return client.call("consent_record", btlp_client::args!(form, scan)).await;
    }
    blocking(app, move |state| state.with_session(|s, lang| btlp_api::cases::consent_record(s, lang, form, scan))).await
}

/// Attaches an evidence document chosen in the native dialog to a requirement; admins.
#[tauri::command]
#[specta::specta]
pub async fn checklist_attach(
    app: tauri::AppHandle,
    requirement: String,
    title: String,
    path: String,
    valid_until: String,
) -> Result<(), IpcError> {
    let file = read(&app.state::<AppState>(), "evidence", &path)?;
    if let Some(client) = app.state::<AppState>().remote() {
        return client.call("checklist_attach", btlp_client::args!(requirement, title, file, valid_until)).await;
    }
    blocking(app, move |state| {
        state.with_session(|s, lang| btlp_api::permit::checklist_attach(s, lang, requirement, title, file, valid_until))
    })
    .await
}

/// The signed-in member signs from now on through the external tool with the certificate file at `path`.
#[tauri::command]
#[specta::specta]
pub async fn signing_use_external(app: tauri::AppHandle, path: String) -> Result<(), IpcError> {
    let file = read(&app.state::<AppState>(), "certificate", &path)?;
    if let Some(client) = app.state::<AppState>().remote() {
        return client.call("signing_use_external", btlp_client::args!(file)).await;
    }
    blocking(app, move |state| state.with_session(|s, lang| btlp_api::signing::signing_use_external(s, lang, file)))
        .await
}

/// Trusts the root certificate file at `path` for outside certificates; admins.
#[tauri::command]
#[specta::specta]
pub async fn signing_trust_root(app: tauri::AppHandle, path: String) -> Result<(), IpcError> {
    let file = read(&app.state::<AppState>(), "certificate", &path)?;
    if let Some(client) = app.state::<AppState>().remote() {
        return client.call("signing_trust_root", btlp_client::args!(file)).await;
    }
    blocking(app, move |state| state.with_session(|s, lang| btlp_api::signing::signing_trust_root(s, lang, file))).await
}
