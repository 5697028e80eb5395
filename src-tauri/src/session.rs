//! Starting up: the first-start set-up of a clinic, signing in and out, and the interface language.
use crate::state::{lock, AppState};
use btlp_api::dto::UserInfo;
use btlp_api::session::{user_info, SetupForm};
use btlp_api::IpcError;
use btlp_commission::{clinic, Lang, Session};
use serde::Serialize;
use specta::Type;
use std::sync::atomic::Ordering;
use tauri::{Manager, State};

/// What the start screen needs: whether a clinic exists yet and who (if anyone) is signed in.
#[derive(Debug, Serialize, Type)]
pub struct AppStatus {
    pub db_path: String,
    pub db_exists: bool,
    pub user: Option<UserInfo>,
    /// The clinic server this workstation works on (none: the database on this computer).
    pub server: Option<crate::connection::ConnectionView>,
}

fn keep(state: &AppState, session: Session) -> Result<UserInfo, IpcError> {
    let lang = state.lang();
    let info = user_info(&session).map_err(|e| IpcError::new(e, lang))?;
    *lock(&state.reader) = Some(session.actor.clone());
    *state.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(session);
    Ok(info)
}

/// Set when the process starts; `BTLP_STARTUP_PROBE=1` makes the first status call (the UI has mounted and
/// is about to show set-up or sign-in) print the time since then and exit — the cold-start benchmark.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn startup_probe(app: &tauri::AppHandle) {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if std::env::var_os("BTLP_STARTUP_PROBE").is_none() || REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    if let Some(start) = STARTED.get() {
        println!("btlp-startup-ms {:.1}", start.elapsed().as_secs_f64() * 1000.0);
    }
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        app.exit(0);
    });
}

#[tauri::command]
#[specta::specta]
pub async fn app_status(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    startup_probe(&app);
    if let Some(server) = crate::connection::current(&state) {
        let user = state.remote().filter(|c| c.signed_in()).and(lock(&state.remote_user).clone());
        return Ok(AppStatus { db_path: server.url.clone(), db_exists: true, user, server: Some(server) });
    }
    let user = match lock(&state.session).as_ref() {
        Some(s) => Some(user_info(s).map_err(|e| IpcError::new(e, state.lang()))?),
        None => None,
    };
    let (db_path, db_exists) = (state.db_path.display().to_string(), state.db_path.exists());
    Ok(AppStatus { db_path, db_exists, user, server: None })
}

/// Sets the language of messages from the core (`ru` or `en`).
#[tauri::command]
#[specta::specta]
pub async fn app_set_lang(state: State<'_, AppState>, lang: String) -> Result<(), IpcError> {
    let lang = Lang::parse(&lang);
    *lock(&state.lang) = lang;
    if let Some(client) = state.remote() {
        client.set_lang(lang).await?;
    }
    Ok(())
}

/// Creates the clinic database with its organization and first administrator, and signs the admin in.
#[tauri::command]
#[specta::specta]
pub async fn clinic_setup(state: State<'_, AppState>, form: SetupForm) -> Result<UserInfo, IpcError> {
    if state.remote().is_some() {
        let message = btlp_commission::i18n::tr(state.lang(), "connection.setup_on_server", &[]);
        return Err(IpcError::transport(btlp_api::ErrorKind::Refused, "refused.setup_on_server", message));
    }
    let session = btlp_api::session::clinic_setup(&state.db_path, form).map_err(|e| IpcError::new(e, state.lang()))?;
    keep(&state, session)
}

#[tauri::command]
#[specta::specta]
pub async fn session_sign_in(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> Result<UserInfo, IpcError> {
    if let Some(client) = state.remote() {
        let user = client.sign_in(&login, &password).await?;
        *lock(&state.remote_user) = Some(user.clone());
        crate::live::follow_remote(&app, client);
        return Ok(user);
    }
    let session = clinic::sign_in(&state.db_path, &login, &password).map_err(|e| IpcError::new(e, state.lang()))?;
    keep(&state, session)
}

/// Ends the session (sign-out or the idle lock): the database closes and the keys held for it are dropped.
#[tauri::command]
#[specta::specta]
pub async fn session_sign_out(state: State<'_, AppState>) -> Result<(), IpcError> {
    lock(&state.session).take();
    lock(&state.reader).take();
    crate::live::stop(&state);
    if let Some(client) = state.remote() {
        client.sign_out().await;
        lock(&state.remote_user).take();
    }
    Ok(())
}

/// Stops the long work in progress (an export or batch signing) at its next step.
/// A plain (not async) command: Tauri runs it on the main thread, so it is heard even while every async
/// worker waits on the session the long work holds.
#[tauri::command]
#[specta::specta]
pub fn work_cancel(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.cancel_work.store(true, Ordering::SeqCst);
    if let Some(client) = state.remote() {
        // Only this workstation's session: the server cancels the work of the session that asks.
        tauri::async_runtime::spawn(async move { client.call::<()>("work_cancel", serde_json::json!({})).await });
    }
    Ok(())
}

/// Restores a backup into a new database file on this computer (the signed-in admin's own password opens
/// the copy; the core checks it whole). On the clinic server an admin restores there with `btlp restore`.
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(
    app: tauri::AppHandle,
    folder: String,
    target: String,
    password: String,
) -> Result<String, IpcError> {
    if app.state::<AppState>().remote().is_some() {
        let state = app.state::<AppState>();
        let message = btlp_commission::i18n::tr(state.lang(), "connection.restore_on_server", &[]);
        return Err(IpcError::transport(btlp_api::ErrorKind::Refused, "refused.restore_on_server", message));
    }
    crate::state::blocking(app, move |state| {
        let (dir, to) = (std::path::PathBuf::from(&folder), std::path::PathBuf::from(&target));
        state.with_session(|s, _| btlp_commission::backup::restore_as(&s.actor, &dir, &to, &password))?;
        Ok(target)
    })
    .await
}

/// Writes a PDF the UI shows (a decision, a protocol, a label) to the file the user chose in the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn pdf_write(state: State<'_, AppState>, path: String, bytes: Vec<u8>) -> Result<(), IpcError> {
    if !bytes.starts_with(b"%PDF") {
        let e = btlp_commission::Error::Storage(btlp_commission::error::Storage::Document("not a PDF".into()));
        return Err(IpcError::new(e, state.lang()));
    }
    btlp_commission::files::write_private(std::path::Path::new(&path), &bytes)
        .map_err(|e| IpcError::new(btlp_commission::Error::from(e), state.lang()))
}
