//! Live screens in the desktop app: every window hears `btlp://live` (`btlp_api::live::LiveEvent`). On this
//! computer the notices come from the core's own subscription to the database file (so two windows of the app
//! stay in step); on the clinic server they come from the session's notice stream. Either way only the kinds
//! the signed-in user may read pass (`btlp_api::live::for_reader`, the core's read policy).
use crate::state::{lock, AppState};
use btlp_api::live::{LiveEvent, EVENT};
use tauri::{Emitter, Manager};

/// Passes this computer's committed changes to every window, for the user signed in at the time.
pub fn start_local(app: tauri::AppHandle) {
    let notices = btlp_commission::notices::subscribe(&app.state::<AppState>().db_path);
    std::thread::spawn(move || {
        for batch in notices {
            let reader = lock(&app.state::<AppState>().reader).clone();
            if let Some(event) = reader.and_then(|actor| btlp_api::live::for_reader(&actor, &batch)) {
                let _ = app.emit(EVENT, event);
            }
        }
    });
}

/// Follows the clinic server's stream for the session just opened (replacing any earlier one).
pub fn follow_remote(app: &tauri::AppHandle, client: std::sync::Arc<btlp_client::Client>) {
    let emitter = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        client.follow(move |event: LiveEvent| drop(emitter.emit(EVENT, event))).await;
    });
    if let Some(old) = lock(&app.state::<AppState>().live).replace(task) {
        old.abort();
    }
}

/// Stops following the server (sign-out).
pub fn stop(state: &AppState) {
    if let Some(task) = lock(&state.live).take() {
        task.abort();
    }
}

/// Opens another window of the app on the same session (a second screen: the meeting beside the case).
#[tauri::command]
#[specta::specta]
pub async fn window_new(app: tauri::AppHandle) -> Result<(), btlp_api::IpcError> {
    let lang = app.state::<AppState>().lang();
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(2);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let url = tauri::WebviewUrl::App("index.html".into());
    let title = app.get_webview_window("main").and_then(|w| w.title().ok()).unwrap_or_default();
    tauri::WebviewWindowBuilder::new(&app, format!("window-{n}"), url)
        .title(title)
        .inner_size(1280.0, 860.0)
        .build()
        .map(|_| ())
        .map_err(|e| btlp_api::IpcError::new(btlp_commission::Error::from(std::io::Error::other(e.to_string())), lang))
}

/// Tells every window what a slow first open after an upgrade is doing (the sign-in form shows it).
pub fn show_slow_opens(app: tauri::AppHandle) {
    btlp_commission::db::observe_opening(move |what| {
        let _ = app.emit(btlp_api::live::OPENING_EVENT, btlp_api::live::OpeningEvent::from(what));
    });
}
