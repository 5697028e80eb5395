//! Where this workstation's clinic database is: on this computer (the default), or on the clinic server named
//! by a connection file an admin handed out (`btlp connect-file`). The choice is kept beside the app's
//! settings; `$BTLP_CONNECT` (a connection file) chooses the server for one run.
use crate::state::{lock, AppState};
use btlp_api::connection::ConnectionFile;
use btlp_api::{ErrorKind, IpcError};
use btlp_client::Client;
use btlp_commission::i18n::tr;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use tauri::State;

/// The clinic server as the user confirms it: its address and the clinic root's SHA-256 fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ConnectionView {
    pub url: String,
    pub fingerprint: String,
}

fn view(file: &ConnectionFile) -> Option<ConnectionView> {
    Some(ConnectionView { url: file.url.clone(), fingerprint: file.fingerprint().ok()? })
}

/// The server this workstation works on, if any.
pub fn current(state: &AppState) -> Option<ConnectionView> {
    let client = state.remote()?;
    let file = read_file(&state.connection_path).ok()?;
    view(&file).filter(|v| v.url == client.url())
}

fn read_file(path: &std::path::Path) -> Result<ConnectionFile, ()> {
    ConnectionFile::parse(&std::fs::read(path).map_err(|_| ())?).map_err(|_| ())
}

fn not_a_file(state: &AppState) -> IpcError {
    let message = tr(state.lang(), "connection.not_a_file", &[]);
    IpcError {
        kind: ErrorKind::Invalid,
        code: "invalid.connection_file".into(),
        message,
        field: Some("connection_file".into()),
    }
}

/// At start: the saved choice, or `$BTLP_CONNECT`.
pub fn restore(state: &AppState) {
    let path = std::env::var_os("BTLP_CONNECT").map(std::path::PathBuf::from);
    let Ok(file) = read_file(path.as_deref().unwrap_or(&state.connection_path)) else { return };
    if path.is_some() {
        let _ = save(state, &file);
    }
    if let Ok(client) = Client::new(&file, state.lang()) {
        *lock(&state.remote) = Some(Arc::new(client));
    }
}

fn save(state: &AppState, file: &ConnectionFile) -> std::io::Result<()> {
    if let Some(dir) = state.connection_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&state.connection_path, serde_json::to_vec_pretty(file).unwrap_or_default())
}

/// Reads a connection file the user picked, for them to compare the fingerprint before connecting.
#[tauri::command]
#[specta::specta]
pub async fn connection_inspect(state: State<'_, AppState>, path: String) -> Result<ConnectionView, IpcError> {
    let file = read_file(std::path::Path::new(&path)).map_err(|_| not_a_file(&state))?;
    view(&file).ok_or_else(|| not_a_file(&state))
}

/// Connects this workstation to the clinic server of the connection file (after the user confirmed its
/// fingerprint): the server must answer through the clinic root, else nothing changes.
#[tauri::command]
#[specta::specta]
pub async fn connection_set(state: State<'_, AppState>, path: String) -> Result<ConnectionView, IpcError> {
    let file = read_file(std::path::Path::new(&path)).map_err(|_| not_a_file(&state))?;
    let client = Client::new(&file, state.lang())?;
    client.health().await?;
    save(&state, &file).map_err(|e| IpcError::new(e.into(), state.lang()))?;
    lock(&state.session).take();
    lock(&state.remote_user).take();
    *lock(&state.remote) = Some(Arc::new(client));
    view(&file).ok_or_else(|| not_a_file(&state))
}

/// Works on the database on this computer again (the server's connection file is forgotten).
#[tauri::command]
#[specta::specta]
pub async fn connection_local(state: State<'_, AppState>) -> Result<(), IpcError> {
    let client = lock(&state.remote).take();
    if let Some(client) = client {
        client.sign_out().await;
    }
    lock(&state.remote_user).take();
    match std::fs::remove_file(&state.connection_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IpcError::new(e.into(), state.lang())),
        _ => Ok(()),
    }
}
