//! The clinic server (`btlp serve`): the core over HTTPS for every workstation, on the same encrypted SQLite
//! file as the single-computer mode. One port: `POST /api/v1/<command>` for every command of the command
//! layer's table and `GET /api/v1/health`. TLS 1.2 and 1.3 only (rustls, ring); no plain-HTTP mode and no
//! switch that turns authentication off.
//!
//! Every request but sign-in carries `Authorization: Bearer <token>`; the core answers it on that user's own
//! session, so the authorisation matrix, the rules and their errors are the core's, exactly as in the app.
pub mod live;
pub mod routes;
pub mod sessions;
pub mod unlock;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use btlp_api::{ErrorKind, IpcError};
use btlp_commission::error::{AuthFailure, Error};
use btlp_commission::i18n::tr;
use btlp_commission::{clinic, DbKey, Lang};
use sessions::{AddressLimit, Reply, Sessions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// At most this many requests do database or password-hashing work at once (argon2id takes 19 MiB each).
pub const WORKERS: usize = 8;
/// Sign-ins have slots of their own, so a flood of them neither exhausts memory nor stalls signed-in work.
pub const SIGN_IN_WORKERS: usize = 4;
/// A sign-in's body is a login and a password.
const SIGN_IN_BODY: usize = 16 * 1024;

pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// The web build of the UI (`npm run build:web` → ui/dist-web), served at `/` for browsers; none: the API
    /// alone.
    pub web: Option<PathBuf>,
}

/// The web page's Content-Security-Policy: everything from this origin only, no inline scripts, no framing.
/// (Svelte sets styles on elements, hence `style-src 'unsafe-inline'`; the PDF preview renders into blobs.)
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What every request shares: the database, its key (unlocked once at start), the sessions.
pub struct App {
    db: PathBuf,
    key: DbKey,
    pub sessions: Sessions,
    addresses: AddressLimit,
    workers: Arc<Semaphore>,
    sign_ins: Arc<Semaphore>,
    /// Committed changes, passed on to every session's notice stream.
    push: tokio::sync::broadcast::Sender<live::Push>,
}

impl App {
    pub fn new(db: PathBuf, key: DbKey, idle: Duration) -> Arc<App> {
        let push = live::channel();
        live::bridge(&db, &push);
        Arc::new(App {
            push,
            db,
            key,
            sessions: Sessions::new(idle),
            addresses: AddressLimit::new(),
            workers: Arc::new(Semaphore::new(WORKERS)),
            sign_ins: Arc::new(Semaphore::new(SIGN_IN_WORKERS)),
        })
    }
}

/// The largest request body: a scan at the core's limit, as base64 inside JSON, and the form around it.
pub fn body_limit() -> usize {
    btlp_commission::consent::SCAN_MAX_MB * 1024 * 1024 * 4 / 3 + 64 * 1024
}

pub fn router(app: Arc<App>, web: Option<&std::path::Path>) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    let api = Router::new()
        .route("/api/v1/health", get(|| async { "ok" }))
        .route("/api/v1/notices", get(notices))
        .route("/api/v1/{command}", post(command))
        .with_state(app);
    let Some(dir) = web else { return api };
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(header::HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    api.fallback_service(tower_http::services::ServeDir::new(dir))
        .layer(header("content-security-policy", CSP))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("x-frame-options", "DENY"))
}

fn reply(r: Reply) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let cookie = r.set_cookie.and_then(|c| HeaderValue::from_str(&c).ok());
    let mut response = (status, r.body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(r.content_type));
    if let Some(c) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn status(e: &IpcError) -> u16 {
    if e.code == "auth.too_soon" {
        return 429;
    }
    match e.kind {
        ErrorKind::Invalid => 422,
        ErrorKind::Forbidden => 403,
        ErrorKind::Refused => 409,
        ErrorKind::NotFound => 404,
        ErrorKind::Auth => 401,
        ErrorKind::Storage => 500,
    }
}

fn failure(e: IpcError) -> Reply {
    let mut r = routes::json(&e);
    r.status = status(&e);
    r
}

fn header_lang(headers: &HeaderMap) -> Lang {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::parse).unwrap_or_default()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

/// The browser's session cookie: the token, never readable by the page's scripts, sent to the API alone.
pub const COOKIE: &str = "btlp_session";

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == COOKIE && !value.is_empty()).then_some(value)
    })
}

fn session_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/api/v1; HttpOnly; Secure; SameSite=Strict")
}

fn cleared_cookie() -> String {
    format!("{COOKIE}=; Path=/api/v1; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

/// A browser request carries the session's CSRF token in `X-CSRF-Token` (a cross-site page cannot read it);
/// compared in constant time.
fn csrf_ok(headers: &HeaderMap, expected: &str) -> bool {
    let Some(given) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) else { return false };
    given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn csrf_refused(lang: Lang) -> Reply {
    let message = tr(lang, "error.csrf", &[]);
    failure(IpcError::transport(ErrorKind::Forbidden, "forbidden.csrf", message))
}

fn signed_out(lang: Lang) -> Reply {
    failure(IpcError::new(Error::Auth(AuthFailure::SignedOut), lang))
}

/// Runs blocking work (argon2, SQLite, rendering) on the blocking pool holding a slot of `slots` until the work
/// ends — even when the client has gone and the request's task was dropped meanwhile.
async fn blocking<T: Send + 'static>(slots: &Arc<Semaphore>, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let permit = slots.clone().acquire_owned().await.ok()?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .ok()
}

/// Reads a request body of at most `limit` bytes: one declared larger is refused before any of it is read.
async fn read_body(headers: &HeaderMap, body: axum::body::Body, limit: usize, lang: Lang) -> Result<Bytes, Reply> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let too_large = || {
        let max = btlp_commission::consent::SCAN_MAX_MB.to_string();
        let message = tr(lang, "error.too_large", &[("max_mb", max)]);
        let mut r = failure(IpcError::transport(ErrorKind::Invalid, "invalid.too_large", message));
        r.status = 413;
        r
    };
    if let Some(n) = declared.filter(|&n| n > limit) {
        // Refused by its declared length, before anything is kept. A client still uploading would see its
        // connection reset instead of the reply, so a body of up to twice the limit is read through and
        // dropped (constant memory, bounded time); a larger one only has its connection closed.
        if n <= 2 * limit {
            let _ = tokio::time::timeout(DRAIN_FOR, drain(body)).await;
        }
        return Err(too_large());
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(b) if b.is_empty() => Ok(Bytes::from_static(b"{}")),
        Ok(b) => Ok(b),
        Err(_) if declared.is_none() => Err(too_large()),
        Err(_) => Err(failure(routes::malformed(lang))),
    }
}

const DRAIN_FOR: Duration = Duration::from_secs(30);

/// Reads a body to its end, keeping none of it.
async fn drain(mut body: axum::body::Body) {
    use axum::body::HttpBody;
    while let Some(Ok(_)) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {}
}

/// The session token of a request: the desktop app's bearer, else a browser's cookie (then `true`).
fn token_of(headers: &HeaderMap) -> Option<(String, bool)> {
    match (bearer(headers), cookie_token(headers)) {
        (Some(t), _) => Some((t.to_string(), false)),
        (None, Some(t)) => Some((t.to_string(), true)),
        (None, None) => None,
    }
}

/// `GET /api/v1/notices`: the session's stream of change notices (see `live`). Reading it changes nothing,
/// so a browser needs no CSRF token for it (and its SameSite cookie never comes from another site).
async fn notices(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let lang = header_lang(&headers);
    let Some((token, by_cookie)) = token_of(&headers) else { return reply(signed_out(lang)) };
    let Some(entry) = app.sessions.get(&token) else {
        let mut r = signed_out(lang);
        r.set_cookie = by_cookie.then(cleared_cookie);
        return reply(r);
    };
    let mut response = live::stream(app, token, entry).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn internal(lang: Lang) -> Reply {
    failure(IpcError::remote(Error::Storage(btlp_commission::error::Storage::Crypto), lang))
}

async fn command(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    UrlPath(name): UrlPath<String>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let lang = header_lang(&headers);
    if name == "session_sign_in" {
        let cookie = headers.get("x-btlp-session").is_some_and(|v| v == "cookie");
        return reply(match read_body(&headers, body, SIGN_IN_BODY, lang).await {
            Ok(body) => sign_in(&app, peer, lang, body, cookie).await,
            Err(refused) => refused,
        });
    }
    // The session first: nothing of a request without one is read. The desktop app sends its token as a
    // bearer; a browser's comes in its cookie, and then the session's CSRF token must come with it.
    let Some((token, by_cookie)) = token_of(&headers) else { return reply(signed_out(lang)) };
    let Some(entry) = app.sessions.get(&token) else {
        let mut r = signed_out(lang);
        r.set_cookie = by_cookie.then(cleared_cookie);
        return reply(r);
    };
    let lang = entry.lang();
    if by_cookie && name == "session_status" {
        let csrf = entry.csrf.clone();
        let status = blocking(&app.workers, move || {
            let session = sessions::lock(&entry.session);
            btlp_api::session::user_info(&session).ok().map(|user| BrowserSession { user, csrf })
        });
        return reply(match status.await {
            Some(Some(s)) => routes::json(&s),
            _ => internal(lang),
        });
    }
    if by_cookie && !csrf_ok(&headers, &entry.csrf) {
        return reply(csrf_refused(lang));
    }
    let body = match read_body(&headers, body, body_limit(), lang).await {
        Ok(b) => b,
        Err(refused) => return reply(refused),
    };
    match name.as_str() {
        "session_sign_out" => {
            app.sessions.close(&token);
            let mut r = routes::json(&());
            r.set_cookie = by_cookie.then(cleared_cookie);
            return reply(r);
        }
        "app_set_lang" => {
            #[derive(serde::Deserialize)]
            struct Args {
                lang: String,
            }
            return reply(match serde_json::from_slice::<Args>(&body) {
                Ok(a) => {
                    *sessions::lock(&entry.lang) = Lang::parse(&a.lang);
                    routes::json(&())
                }
                Err(_) => failure(routes::malformed(lang)),
            });
        }
        "work_cancel" => {
            entry.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            return reply(routes::json(&()));
        }
        "work_progress" => return reply(routes::json(&*sessions::lock(&entry.progress))),
        _ => {}
    }
    let Some(handler) = routes::handler(&name) else {
        let message = tr(lang, "error.request_malformed", &[]);
        return reply(failure(IpcError::transport(ErrorKind::NotFound, "not_found.command", message)));
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
    // A session's requests take their turn before a worker slot, so one user's queue (behind a long export)
    // never holds the slots everyone shares.
    let turn = entry.turn.clone().lock_owned().await;
    let run = move || {
        let _turn = turn;
        let mut session = sessions::lock(&entry.session);
        // In the session's turn: a retry that arrives while the first is still running waits for it and then
        // finds its reply.
        if let Some(stored) = key.as_deref().and_then(|k| entry.replied(k)) {
            return stored;
        }
        let r = handler(&mut session, lang, &entry, &body).unwrap_or_else(failure);
        if let Some(k) = key {
            entry.remember(k, &r, lang);
        }
        r
    };
    reply(blocking(&app.workers, run).await.unwrap_or_else(|| internal(lang)))
}

#[derive(serde::Deserialize)]
struct SignInArgs {
    login: String,
    password: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct SignedIn {
    /// The bearer token (empty for a browser, whose token is in its cookie).
    pub token: String,
    pub user: btlp_api::dto::UserInfo,
    /// The CSRF token a browser sends back on every request (empty for a bearer token).
    pub csrf: String,
}

/// What a browser learns of its cookie's session (after a reload: who is signed in, and the CSRF token).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct BrowserSession {
    pub user: btlp_api::dto::UserInfo,
    pub csrf: String,
}

async fn sign_in(app: &Arc<App>, peer: SocketAddr, lang: Lang, body: Bytes, cookie: bool) -> Reply {
    let Ok(args) = serde_json::from_slice::<SignInArgs>(&body) else { return failure(routes::malformed(lang)) };
    let (shared, ip) = (app.clone(), peer.ip());
    // The address's limit is checked and its failure counted inside a sign-in slot, so parallel tries from one
    // address pass it at most `SIGN_IN_WORKERS` at a time.
    let opened = blocking(&app.sign_ins, move || {
        if let Some(seconds) = shared.addresses.wait(ip) {
            return Err(Err(seconds));
        }
        let now = chrono::Utc::now();
        let opened = clinic::sign_in_with_key(&shared.db, &shared.key, &args.login, &args.password, now)
            .and_then(|session| Ok((btlp_api::session::user_info(&session)?, session)));
        match &opened {
            Ok(_) => shared.addresses.clear(ip),
            Err(Error::Auth(_)) => shared.addresses.fail(ip),
            Err(_) => {}
        }
        opened.map_err(Ok)
    })
    .await;
    match opened {
        Some(Ok((user, session))) => {
            let (token, csrf) = app.sessions.open(session, lang);
            if !cookie {
                return routes::json(&SignedIn { token, user, csrf: String::new() });
            }
            let mut r = routes::json(&SignedIn { token: String::new(), user, csrf });
            r.set_cookie = Some(session_cookie(&token));
            r
        }
        Some(Err(Ok(e))) => failure(IpcError::remote(e, lang)),
        Some(Err(Err(seconds))) => {
            let message = tr(lang, "error.too_many_sign_ins", &[("seconds", seconds.to_string())]);
            failure(IpcError::transport(ErrorKind::Auth, "auth.too_soon", message))
        }
        None => internal(lang),
    }
}

/// The server's TLS settings: the certificate chain and key from PEM files, TLS 1.2 and 1.3, HTTP/1.1.
pub fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> std::io::Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let other = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| other(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| other(&e))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| other(&e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| other(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Checks every minute whether the scheduled backup is due, on the server's own connection, and drops
/// expired sessions; stops when `stop` is set.
fn start_housekeeping(app: Arc<App>, stop: Arc<std::sync::atomic::AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut db = btlp_commission::Db::open(&app.db, &app.key).ok();
        let mut last = std::time::Instant::now();
        while !stop.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(250));
            if last.elapsed() < Duration::from_secs(60) {
                continue;
            }
            last = std::time::Instant::now();
            app.sessions.sweep();
            app.addresses.prune();
            if let Some(db) = db.as_mut() {
                let now = db.clock().now();
                let result = btlp_commission::backup::run_if_due(db, &app.db, &app.key, now);
                btlp_api::integrity::backup_result(result, Lang::Ru);
            }
        }
    })
}

/// Serves until SIGTERM or Ctrl+C: then stops accepting, asks long work to stop, lets running requests finish
/// (30 s at most) and closes every session's connection. `ready` gets the bound address (port 0 picks one).
pub async fn serve(config: Config, key: DbKey, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let tls = tls_config(&config.tls_cert, &config.tls_key)?;
    let app = App::new(config.db.clone(), key, config.idle);
    let listener = std::net::TcpListener::bind(config.listen)?;
    listener.set_nonblocking(true)?;
    ready(listener.local_addr()?);
    let handle = axum_server::Handle::new();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let housekeeping = start_housekeeping(app.clone(), stop.clone());
    let on_signal = {
        let (handle, app) = (handle.clone(), app.clone());
        async move {
            shutdown_signal().await;
            app.sessions.stop_all();
            let _ = app.push.send(live::Push::Stop);
            handle.graceful_shutdown(Some(Duration::from_secs(30)));
        }
    };
    tokio::spawn(on_signal);
    let rustls = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(tls));
    let served = axum_server::from_tcp_rustls(listener, rustls)?
        .handle(handle)
        .serve(router(app.clone(), config.web.as_deref()).into_make_service_with_connect_info::<SocketAddr>())
        .await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = housekeeping.join();
    app.sessions.clear();
    served
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI calls commands by the names in its generated bindings; each must be one the server answers, or
    /// one the desktop app answers itself (`btlp_api::LOCAL_ONLY`), and the server answers nothing else.
    #[test]
    fn the_servers_commands_are_the_bindings_commands() {
        let bindings = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings/index.ts"))
            .expect("the generated bindings");
        let mut bound: Vec<String> = bindings
            .split("__TAURI_INVOKE<")
            .skip(1)
            .filter_map(|call| Some(call.split_once("(\"")?.1.split('"').next()?.to_string()))
            .filter(|n| !btlp_api::LOCAL_ONLY.contains(&n.as_str()))
            .collect();
        bound.sort();
        let mut served: Vec<String> =
            routes::names().into_iter().filter(|n| !routes::TRANSPORT.contains(n)).map(str::to_string).collect();
        served.sort();
        assert!(bound.len() > 70, "the scan must find the bindings' commands: {}", bound.len());
        assert_eq!(bound, served, "a command in the bindings but not on the server (or the reverse)");
    }

    #[test]
    fn a_session_ends_after_the_idle_time() {
        let dir = std::env::temp_dir().join(format!("btlp-idle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let session = btlp_commission::demo::build(&dir.join("c.db")).unwrap();
        let sessions = Sessions::new(Duration::from_millis(200));
        let (token, _) = sessions.open(session, Lang::En);
        assert!(sessions.get(&token).is_some(), "a fresh token opens its session");
        std::thread::sleep(Duration::from_millis(400));
        assert!(sessions.get(&token).is_none(), "after the idle time the token is dead");
        assert_eq!(sessions.count(), 0, "and the session (its connection) is gone");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn one_user_holds_at_most_a_few_sessions_and_signing_in_again_ends_the_oldest() {
        let dir = std::env::temp_dir().join(format!("btlp-per-login-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.db");
        drop(btlp_commission::demo::build(&path).unwrap());
        let key = btlp_commission::Keyring::load(&path).unwrap().unlock("secretary", "secretary-demo").unwrap();
        let sessions = Sessions::new(Duration::from_secs(60));
        let tokens: Vec<String> = (0..=sessions::PER_LOGIN)
            .map(|_| {
                let now = chrono::Utc::now();
                let s = clinic::sign_in_with_key(&path, &key, "secretary", "secretary-demo", now).unwrap();
                sessions.open(s, Lang::En).0
            })
            .collect();
        assert_eq!(sessions.count(), sessions::PER_LOGIN, "a user's sessions (and connections) are capped");
        assert!(sessions.get(&tokens[0]).is_none(), "the oldest one ended");
        assert!(sessions.get(&tokens[sessions::PER_LOGIN]).is_some(), "the newest one lives");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
