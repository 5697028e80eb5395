//! The server's commands, generated from the command layer's one table (`btlp_api::for_each_command!`):
//! each reads its arguments from the JSON body (the names the UI's bindings use, camelCase), runs the command's
//! function on the caller's session and encodes the reply — JSON, or the bytes of a PDF as they are.
use crate::sessions::{Entry, Reply};
use btlp_api::{IpcError, Work, WorkProgress};
use btlp_commission::{Lang, Session};
use std::sync::atomic::Ordering;

/// One command over a signed-in session: the session, the language, the session's table entry (cancel
/// flag, progress) and the request body.
pub type Handler = fn(&mut Session, Lang, &Entry, &[u8]) -> Result<Reply, IpcError>;

pub fn json<T: serde::Serialize>(value: &T) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_default();
    Reply { status: 200, content_type: "application/json", body, set_cookie: None }
}

/// Files for the workstation to save, marked as such so a browser downloads them.
fn files(value: &[btlp_api::FileOut]) -> Reply {
    Reply { content_type: "application/vnd.btlp.files+json", ..json(&value) }
}

fn bytes(body: Vec<u8>) -> Reply {
    Reply { status: 200, content_type: "application/octet-stream", body, set_cookie: None }
}

pub fn malformed(lang: Lang) -> IpcError {
    let message = btlp_commission::i18n::tr(lang, "error.request_malformed", &[]);
    IpcError::transport(btlp_api::ErrorKind::Invalid, "invalid.request", message)
}

/// The `Work` of long work: this session's cancel flag, and progress kept where `work_progress` reads it.
fn with_work<T>(entry: &Entry, run: impl FnOnce(&Work) -> T) -> T {
    entry.cancel.store(entry.fresh_cancel(), Ordering::SeqCst);
    *crate::sessions::lock(&entry.progress) = WorkProgress::default();
    let report = |p: WorkProgress| *crate::sessions::lock(&entry.progress) = p;
    run(&Work { cancel: &entry.cancel, progress: &report })
}

macro_rules! server_handler {
    (@args $body:ident, $lang:ident, $($arg:ident : $ty:ty),*) => {{
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Args { $($arg: $ty),* }
        let Args { $($arg),* } = serde_json::from_slice::<Args>($body).map_err(|_| malformed($lang))?;
        ($($arg,)*)
    }};
    (json $module:ident :: $name:ident ($($arg:ident : $ty:ty),*)) => {
        |s: &mut Session, lang: Lang, _: &Entry, body: &[u8]| {
            let ($($arg,)*) = server_handler!(@args body, lang, $($arg: $ty),*);
            let reply = btlp_api::$module::$name(s, lang, $($arg),*).map_err(|e| IpcError::remote(e, lang))?;
            Ok(json(&reply))
        }
    };
    (upload $($rest:tt)*) => { server_handler!(json $($rest)*) };
    (files $module:ident :: $name:ident ($($arg:ident : $ty:ty),*)) => {
        |s: &mut Session, lang: Lang, _: &Entry, body: &[u8]| {
            let ($($arg,)*) = server_handler!(@args body, lang, $($arg: $ty),*);
            let reply = btlp_api::$module::$name(s, lang, $($arg),*).map_err(|e| IpcError::remote(e, lang))?;
            Ok(files(&reply))
        }
    };
    (bytes $module:ident :: $name:ident ($($arg:ident : $ty:ty),*)) => {
        |s: &mut Session, lang: Lang, _: &Entry, body: &[u8]| {
            let ($($arg,)*) = server_handler!(@args body, lang, $($arg: $ty),*);
            let reply = btlp_api::$module::$name(s, lang, $($arg),*).map_err(|e| IpcError::remote(e, lang))?;
            Ok(bytes(reply))
        }
    };
    (work $module:ident :: $name:ident ($($arg:ident : $ty:ty),*)) => {
        |s: &mut Session, lang: Lang, entry: &Entry, body: &[u8]| {
            let ($($arg,)*) = server_handler!(@args body, lang, $($arg: $ty),*);
            let reply = with_work(entry, |work| btlp_api::$module::$name(s, lang, work, $($arg),*))
                .map_err(|e| IpcError::remote(e, lang))?;
            Ok(json(&reply))
        }
    };
    (work_files $module:ident :: $name:ident ($($arg:ident : $ty:ty),*)) => {
        |s: &mut Session, lang: Lang, entry: &Entry, body: &[u8]| {
            let ($($arg,)*) = server_handler!(@args body, lang, $($arg: $ty),*);
            let reply = with_work(entry, |work| btlp_api::$module::$name(s, lang, work, $($arg),*))
                .map_err(|e| IpcError::remote(e, lang))?;
            Ok(files(&reply))
        }
    };
}

macro_rules! server_routes {
    ($($kind:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty;)*) => {
        /// The handler of a command over a session, by the command's name.
        #[allow(clippy::unused_unit)] // a command without arguments reads them as ()
        pub fn handler(name: &str) -> Option<Handler> {
            match name {
                $(stringify!($name) => Some(server_handler!($kind $module::$name($($arg: $ty),*))),)*
                _ => None,
            }
        }
    };
}

btlp_api::for_each_command!(server_routes);

/// Commands of the transport itself, in no bindings: the progress a client polls while its long work runs,
/// and a browser's question whether its cookie still opens a session (with the session's CSRF token).
pub const TRANSPORT: &[&str] = &["work_progress", "session_status"];

/// Every command name the server answers at `/api/v1/<name>`.
pub fn names() -> Vec<&'static str> {
    let mut all = btlp_api::command_names();
    all.extend_from_slice(btlp_api::SESSION);
    all.extend_from_slice(TRANSPORT);
    all
}
