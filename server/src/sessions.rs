//! The server's signed-in sessions. A token is 256 random bits handed to the client once; the server keeps
//! only its SHA-256, so a copy of the server's memory or logs gives no usable token. A session ends on
//! sign-out, after the idle time without a request, and 12 hours after sign-in in any case.
//!
//! Each session holds its own core `Session` (its own connection to the database, the signed-in user), its
//! language, the cancel flag and progress of its long work, and the replies to its last state-changing
//! requests by idempotency key, so a request sent again after a lost reply gets the stored reply.
use btlp_api::WorkProgress;
use btlp_commission::{Lang, Session};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Sessions end 12 hours after sign-in whatever their activity.
pub const MAX_AGE: Duration = Duration::from_secs(12 * 3600);
/// How many replies a session remembers for retries, and the largest it keeps whole.
const REMEMBERED: usize = 64;
const REMEMBERED_BYTES: usize = 256 * 1024;
/// Sessions one user may hold at once; signing in again beyond that ends their oldest.
pub const PER_LOGIN: usize = 16;

/// A reply as it went out: its HTTP status, content type and body.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// A `Set-Cookie` value: the browser's session cookie given or cleared.
    pub set_cookie: Option<String>,
}

impl Reply {
    /// What a retry of a request with a large reply (a PDF, an archive) gets: 409 `refused.already_done`, so
    /// the work is never done twice; the client asks for the file again with a new request.
    fn done_too_large(lang: Lang) -> Reply {
        let message = btlp_commission::i18n::tr(lang, "error.already_done", &[]);
        let e = btlp_api::IpcError::transport(btlp_api::ErrorKind::Refused, "refused.already_done", message);
        let body = serde_json::to_vec(&e).unwrap_or_default();
        Reply { status: 409, content_type: "application/json", body, set_cookie: None }
    }
}

pub struct Entry {
    pub login: String,
    /// The signed-in user as at sign-in: whose read rights filter the session's change notices.
    pub actor: btlp_commission::Actor,
    /// The CSRF token a browser session sends back on every request (its cookie alone never suffices).
    pub csrf: String,
    pub session: Mutex<Session>,
    pub lang: Mutex<Lang>,
    pub cancel: AtomicBool,
    pub progress: Mutex<WorkProgress>,
    /// The session's turn: its requests run one at a time, in order.
    pub turn: Arc<tokio::sync::Mutex<()>>,
    /// Set when the server is stopping: long work that starts after it is cancelled at once.
    stopping: Arc<AtomicBool>,
    created: Instant,
    last_seen: Mutex<Instant>,
    replies: Mutex<VecDeque<(String, Reply)>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Entry {
    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    /// The stored reply to the request with this idempotency key, if it was answered.
    pub fn replied(&self, key: &str) -> Option<Reply> {
        lock(&self.replies).iter().find(|(k, _)| k == key).map(|(_, r)| r.clone())
    }

    /// Keeps a reply for retries; a large one is kept as a marker only (see `Reply::done_too_large`).
    pub fn remember(&self, key: String, reply: &Reply, lang: Lang) {
        let reply = if reply.body.len() <= REMEMBERED_BYTES { reply.clone() } else { Reply::done_too_large(lang) };
        let mut replies = lock(&self.replies);
        if replies.len() == REMEMBERED {
            replies.pop_front();
        }
        replies.push_back((key, reply));
    }

    /// The cancel flag long work starts with: set only when the server is stopping.
    pub fn fresh_cancel(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }
}

pub struct Sessions {
    by_hash: Mutex<HashMap<[u8; 32], Arc<Entry>>>,
    idle: Duration,
    stopping: Arc<AtomicBool>,
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    pub fn new(idle: Duration) -> Self {
        Sessions { by_hash: Mutex::new(HashMap::new()), idle, stopping: Arc::new(AtomicBool::new(false)) }
    }

    /// Keeps a new session; returns its token (hex), which the server never sees again in clear, and the
    /// session's CSRF token (what a browser sends back beside its cookie).
    pub fn open(&self, session: Session, lang: Lang) -> (String, String) {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let now = Instant::now();
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let csrf = hex::encode(&bytes[..16]);
        let entry = Entry {
            login: session.actor.login.clone(),
            actor: session.actor.clone(),
            csrf,
            session: Mutex::new(session),
            lang: Mutex::new(lang),
            cancel: AtomicBool::new(false),
            progress: Mutex::new(WorkProgress::default()),
            turn: Arc::new(tokio::sync::Mutex::new(())),
            stopping: self.stopping.clone(),
            created: now,
            last_seen: Mutex::new(now),
            replies: Mutex::new(VecDeque::new()),
        };
        let mut map = lock(&self.by_hash);
        let mut theirs: Vec<([u8; 32], Instant)> =
            map.iter().filter(|(_, e)| e.login == entry.login).map(|(k, e)| (*k, e.created)).collect();
        theirs.sort_by_key(|(_, created)| *created);
        for (k, _) in theirs.iter().take((theirs.len() + 1).saturating_sub(PER_LOGIN)) {
            map.remove(k);
        }
        let csrf = entry.csrf.clone();
        map.insert(hash(&token), Arc::new(entry));
        (token, csrf)
    }

    /// The live session of `token`, marked as seen now; `None` when unknown, signed out or expired (an
    /// expired one is dropped, closing its connection).
    pub fn get(&self, token: &str) -> Option<Arc<Entry>> {
        let key = hash(token);
        let mut map = lock(&self.by_hash);
        let entry = map.get(&key)?.clone();
        let now = Instant::now();
        let mut seen = lock(&entry.last_seen);
        if now.duration_since(*seen) > self.idle || now.duration_since(entry.created) > MAX_AGE {
            drop(seen);
            map.remove(&key);
            return None;
        }
        *seen = now;
        drop(seen);
        Some(entry)
    }

    /// Whether `token`'s session is still live, without counting as a request (a notice stream open all day
    /// must not keep an unattended session from its idle expiry).
    pub fn alive(&self, token: &str) -> bool {
        let map = lock(&self.by_hash);
        let Some(entry) = map.get(&hash(token)) else { return false };
        let now = Instant::now();
        now.duration_since(*lock(&entry.last_seen)) <= self.idle && now.duration_since(entry.created) <= MAX_AGE
    }

    /// How long a session may go without a request.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    pub fn close(&self, token: &str) {
        lock(&self.by_hash).remove(&hash(token));
    }

    /// Drops every expired session (called every minute, so an idle session's connection does not linger).
    pub fn sweep(&self) {
        let now = Instant::now();
        lock(&self.by_hash).retain(|_, e| {
            now.duration_since(*lock(&e.last_seen)) <= self.idle && now.duration_since(e.created) <= MAX_AGE
        });
    }

    /// The server is stopping: every session's long work stops, and work that starts later stops at once.
    pub fn stop_all(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        for e in lock(&self.by_hash).values() {
            e.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Ends every session, closing their database connections.
    pub fn clear(&self) {
        lock(&self.by_hash).clear();
    }

    pub fn count(&self) -> usize {
        lock(&self.by_hash).len()
    }
}

/// Failed sign-ins per client address: after `LIMIT` failures within `WINDOW`, that address waits for the
/// window to pass, whatever logins it tries (the per-account waits and lock-out apply as well).
pub struct AddressLimit {
    failures: Mutex<HashMap<std::net::IpAddr, VecDeque<Instant>>>,
}

pub const ADDRESS_LIMIT: usize = 20;
pub const ADDRESS_WINDOW: Duration = Duration::from_secs(600);

impl AddressLimit {
    pub fn new() -> Self {
        AddressLimit { failures: Mutex::new(HashMap::new()) }
    }

    /// Seconds this address must still wait, if it has failed too often.
    pub fn wait(&self, ip: std::net::IpAddr) -> Option<u64> {
        let now = Instant::now();
        let mut map = lock(&self.failures);
        let list = map.get_mut(&ip)?;
        while list.front().is_some_and(|t| now.duration_since(*t) > ADDRESS_WINDOW) {
            list.pop_front();
        }
        if list.len() < ADDRESS_LIMIT {
            return None;
        }
        let oldest = *list.front()?;
        Some(ADDRESS_WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
    }

    pub fn fail(&self, ip: std::net::IpAddr) {
        lock(&self.failures).entry(ip).or_default().push_back(Instant::now());
    }

    /// A successful sign-in: the address starts afresh.
    pub fn clear(&self, ip: std::net::IpAddr) {
        lock(&self.failures).remove(&ip);
    }

    /// Forgets addresses whose tries are all older than the window.
    pub fn prune(&self) {
        let now = Instant::now();
        lock(&self.failures).retain(|_, list| list.back().is_some_and(|t| now.duration_since(*t) <= ADDRESS_WINDOW));
    }
}

impl Default for AddressLimit {
    fn default() -> Self {
        Self::new()
    }
}
