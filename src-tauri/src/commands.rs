//! The IPC commands, generated from the command layer's one table (`btlp_api::for_each_command!`): each
//! runs the command's function on the signed-in session. Files stay on this workstation: uploads are read
//! here from the path the user picked, and produced files are written into the folder the user chose.
use crate::state::{blocking, AppState};
#[allow(unused_imports)]
use crate::uploads::*;
use btlp_api::{IpcError, SavedFile, WorkProgress};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::Manager;

macro_rules! tauri_command {
    // A reply as JSON (`call`) or as a file's bytes (`call_bytes`) from the server; in-process the same.
    (@plain $call:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(app: tauri::AppHandle, $($arg: $ty),*) -> Result<$ret, IpcError> {
            if let Some(client) = app.state::<AppState>().remote() {
                return client.$call(stringify!($name), btlp_client::args!($($arg),*)).await;
            }
            blocking(app, move |state| state.with_session(|s, lang| btlp_api::$module::$name(s, lang, $($arg),*)))
                .await
        }
    };
    (json $($rest:tt)*) => { tauri_command!(@plain call $($rest)*); };
    (bytes $($rest:tt)*) => { tauri_command!(@plain call_bytes $($rest)*); };
    (files $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(
            app: tauri::AppHandle,
            $($arg: $ty,)*
            folder: Option<String>,
        ) -> Result<Vec<SavedFile>, IpcError> {
            let dir = folder_or_default(&app, folder);
            if let Some(client) = app.state::<AppState>().remote() {
                let files = client.call(stringify!($name), btlp_client::args!($($arg),*)).await?;
                return save(&app.state::<AppState>(), &dir, files);
            }
            blocking(app, move |state| {
                let files = state.with_session(|s, lang| btlp_api::$module::$name(s, lang, $($arg),*))?;
                save(state, &dir, files)
            })
            .await
        }
    };
    (work $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(
            app: tauri::AppHandle,
            $($arg: $ty,)*
            on_progress: Channel<WorkProgress>,
        ) -> Result<$ret, IpcError> {
            if let Some(client) = app.state::<AppState>().remote() {
                let args = btlp_client::args!($($arg),*);
                return remote_work(&client, on_progress, client.call(stringify!($name), args)).await;
            }
            blocking(app, move |state| {
                local_work(state, on_progress, |s, lang, work| btlp_api::$module::$name(s, lang, work, $($arg),*))
            })
            .await
        }
    };
    (work_files $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(
            app: tauri::AppHandle,
            $($arg: $ty,)*
            folder: Option<String>,
            on_progress: Channel<WorkProgress>,
        ) -> Result<Vec<SavedFile>, IpcError> {
            let dir = folder_or_default(&app, folder);
            if let Some(client) = app.state::<AppState>().remote() {
                let args = btlp_client::args!($($arg),*);
                let files = remote_work(&client, on_progress, client.call(stringify!($name), args)).await?;
                return save(&app.state::<AppState>(), &dir, files);
            }
            blocking(app, move |state| {
                let files = local_work(state, on_progress, |s, lang, work| {
                    btlp_api::$module::$name(s, lang, work, $($arg),*)
                })?;
                save(state, &dir, files)
            })
            .await
        }
    };
    // Written by hand (crate::uploads, brought in below): the file is read here from the user's path.
    (upload $($rest:tt)*) => {};
}

macro_rules! tauri_commands {
    ($($kind:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty;)*) => {
        $(tauri_command!($kind $module::$name($($arg: $ty),*) -> $ret);)*

        /// Every command the UI may call, in one list: the invoke handler and the bindings both come from it.
        pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
            use crate::session;
            tauri_specta::Builder::<tauri::Wry>::new()
                .error_handling(tauri_specta::ErrorHandlingMode::Throw)
                .disable_serde_phases()
                .commands(tauri_specta::collect_commands![
                    session::app_status,
                    session::app_set_lang,
                    session::clinic_setup,
                    session::session_sign_in,
                    session::session_sign_out,
                    session::work_cancel,
                    crate::connection::connection_inspect,
                    crate::connection::connection_set,
                    crate::connection::connection_local,
                    crate::live::window_new,
                    session::backup_restore,
                    session::pdf_write,
                    $($name),*
                ])
                .typ::<btlp_api::live::LiveEvent>()
                .typ::<btlp_api::live::OpeningEvent>()
        }
    };
}

btlp_api::for_each_command!(tauri_commands);

/// Long work in-process: this app's cancel flag, cleared as it starts, and progress sent on the channel.
fn local_work<T>(
    state: &AppState,
    on_progress: Channel<WorkProgress>,
    run: impl FnOnce(&mut btlp_commission::Session, btlp_commission::Lang, &btlp_api::Work) -> btlp_commission::Result<T>,
) -> Result<T, IpcError> {
    state.cancel_work.store(false, Ordering::SeqCst);
    let report = move |p: WorkProgress| {
        let _ = on_progress.send(p);
    };
    let work = btlp_api::Work { cancel: &state.cancel_work, progress: &report };
    state.with_session(|s, lang| run(s, lang, &work))
}

/// Long work on the clinic server: its progress is asked for every 300 ms and passed on while it runs.
async fn remote_work<T>(
    client: &btlp_client::Client,
    on_progress: Channel<WorkProgress>,
    work: impl std::future::Future<Output = Result<T, IpcError>>,
) -> Result<T, IpcError> {
    let poll = async {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if let Ok(p) = client.call::<WorkProgress>("work_progress", serde_json::json!({})).await {
                let _ = on_progress.send(p);
            }
        }
    };
    tokio::select! {
        r = work => r,
        _ = poll => unreachable!("the progress poll never ends by itself"),
    }
}

/// Where files go unless the user picks a folder: `$BTLP_EXPORT_DIR`, else `btlp-exports` in Documents.
fn folder_or_default(app: &tauri::AppHandle, folder: Option<String>) -> PathBuf {
    if let Some(f) = folder.filter(|f| !f.is_empty()) {
        return PathBuf::from(f);
    }
    if let Some(d) = std::env::var_os("BTLP_EXPORT_DIR") {
        return PathBuf::from(d);
    }
    app.path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."))
        .join("btlp-exports")
}

/// Writes produced files into `dir` on this workstation.
fn save(state: &AppState, dir: &std::path::Path, files: Vec<btlp_api::FileOut>) -> Result<Vec<SavedFile>, IpcError> {
    let lang = state.lang();
    let io = |e: std::io::Error| IpcError::new(e.into(), lang);
    std::fs::create_dir_all(dir).map_err(io)?;
    files
        .into_iter()
        .map(|f| {
            // Only a bare file name is taken from the reply: never a folder of its own choosing.
            let name = std::path::Path::new(&f.name).file_name().filter(|n| *n == std::ffi::OsStr::new(&f.name));
            let name = name.ok_or_else(|| io(std::io::Error::other("file name")))?;
            let path = dir.join(name);
            btlp_commission::files::write_private(&path, &f.bytes).map_err(io)?;
            Ok(SavedFile { path: path.display().to_string(), count: f.count })
        })
        .collect()
}
