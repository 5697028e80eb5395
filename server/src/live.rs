//! The live screens' notice stream: `GET /api/v1/notices`, Server-Sent Events on a session's own token.
//!
//! SSE rather than WebSocket: the notices flow one way, SSE is plain HTTP on the same port and TLS (the
//! session's cookie or bearer token, the same CSP `connect-src 'self'`), and a browser's `EventSource`
//! reconnects by itself. Every committed transaction's notices (`btlp_commission::notices`) reach each stream
//! filtered by the read rights of that session's user; a stream ends when its session ends (sign-out, idle
//! expiry, 12 h), checked at every notice and every heartbeat, and when the server stops.
use crate::sessions::Entry;
use crate::App;
use axum::response::sse::{Event, Sse};
use btlp_commission::notices::Notice;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// What the streams hear: one committed batch, or the server stopping.
#[derive(Clone)]
pub enum Push {
    Batch(Arc<Vec<Notice>>),
    Stop,
}

/// Notices in flight to slow streams; one that falls further behind gets a resync instead.
const BACKLOG: usize = 1024;
const HEARTBEAT: Duration = Duration::from_secs(15);

pub fn channel() -> broadcast::Sender<Push> {
    broadcast::channel(BACKLOG).0
}

/// Passes the core's notices of the file at `db` to the streams, from a thread of its own (the core's
/// subscription is a blocking channel); ends when the server's sender is gone.
pub fn bridge(db: &std::path::Path, push: &broadcast::Sender<Push>) {
    let notices = btlp_commission::notices::subscribe(db);
    let push = push.downgrade();
    std::thread::spawn(move || {
        for batch in notices {
            let Some(push) = push.upgrade() else { return };
            let _ = push.send(Push::Batch(Arc::new(batch)));
        }
    });
}

/// The event for one batch, as this session's user may hear it.
fn event_for(entry: &Entry, batch: &[Notice]) -> Option<Event> {
    let live = btlp_api::live::for_reader(&entry.actor, batch)?;
    Event::default().event("live").json_data(live).ok()
}

fn resync() -> Event {
    Event::default().event("live").json_data(btlp_api::live::LiveEvent::Resync).unwrap_or_default()
}

struct Stream {
    app: Arc<App>,
    token: String,
    entry: Arc<Entry>,
    heard: broadcast::Receiver<Push>,
    beat: Duration,
}

/// The stream of a signed-in session (`token`, `entry`); the caller checked the session.
pub fn stream(
    app: Arc<App>,
    token: String,
    entry: Arc<Entry>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    // The session's end is noticed within a quarter of its idle time (and every 15 s at most).
    let beat = HEARTBEAT.min(app.sessions.idle() / 4).max(Duration::from_millis(100));
    let heard = app.push.subscribe();
    let first = Stream { app, token, entry, heard, beat };
    let events = futures_util::stream::unfold(first, |mut s| async move {
        loop {
            let next = tokio::time::timeout(s.beat, s.heard.recv()).await;
            if !s.app.sessions.alive(&s.token) {
                return None;
            }
            match next {
                Err(_) => return Some((Ok(Event::default().comment("")), s)),
                Ok(Ok(Push::Batch(batch))) => match event_for(&s.entry, &batch) {
                    Some(event) => return Some((Ok(event), s)),
                    None => continue,
                },
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => return Some((Ok(resync()), s)),
                Ok(Ok(Push::Stop)) | Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            }
        }
    });
    Sse::new(events)
}
