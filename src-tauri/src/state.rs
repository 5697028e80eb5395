//! What the running app holds between commands: where the clinic database lives, the interface language
//! for messages from the core, the signed-in session (none before sign-in and after sign-out or the idle
//! lock) and the cancel flag of long work — or, connected to the clinic server, the client that carries every
//! command there and the user signed in on it.
use btlp_api::dto::UserInfo;
use btlp_api::IpcError;
use btlp_client::Client;
use btlp_commission::{Error, Lang, Session};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

pub struct AppState {
    pub db_path: PathBuf,
    pub lang: Mutex<Lang>,
    pub session: Mutex<Option<Session>>,
    /// Set by the cancel button of long work (an export, batch signing); read between its steps.
    pub cancel_work: AtomicBool,
    /// Where the connection file is kept when the user chose the clinic server (none: this computer).
    pub connection_path: PathBuf,
    pub remote: Mutex<Option<Arc<Client>>>,
    pub remote_user: Mutex<Option<UserInfo>>,
    /// Whose read rights filter this computer's change notices (the user signed in here, if any).
    pub reader: Mutex<Option<btlp_commission::Actor>>,
    /// The task following the clinic server's notice stream.
    pub live: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(db_path: PathBuf, connection_path: PathBuf) -> Self {
        AppState {
            db_path,
            lang: Mutex::new(Lang::Ru),
            session: Mutex::new(None),
            cancel_work: AtomicBool::new(false),
            connection_path,
            remote: Mutex::new(None),
            remote_user: Mutex::new(None),
            reader: Mutex::new(None),
            live: Mutex::new(None),
        }
    }

    /// The clinic server's client, when this workstation works on the server.
    pub fn remote(&self) -> Option<Arc<Client>> {
        lock(&self.remote).clone()
    }

    pub fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the signed-in session; a core error becomes an IPC error in the user's language.
    pub fn with_session<T>(
        &self,
        f: impl FnOnce(&mut Session, Lang) -> btlp_commission::Result<T>,
    ) -> Result<T, IpcError> {
        let lang = self.lang();
        let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let session = guard.as_mut().ok_or_else(|| IpcError::new(Error::Auth(signed_out()), lang))?;
        f(session, lang).map_err(|e| IpcError::new(e, lang))
    }
}

fn signed_out() -> btlp_commission::error::AuthFailure {
    btlp_commission::error::AuthFailure::SignedOut
}

/// Runs a command on the blocking thread pool, so argon2, signing and long exports hold neither one of the
/// async runtime's few workers nor the window's thread; progress and the cancel command keep flowing.
pub async fn blocking<T: Send + 'static>(
    app: tauri::AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    use tauri::Manager;
    let lang = app.state::<AppState>().lang();
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>())).await.unwrap_or_else(|e| {
        Err(IpcError::new(btlp_commission::Error::from(std::io::Error::other(e.to_string())), lang))
    })
}
