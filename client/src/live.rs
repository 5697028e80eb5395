//! Following the session's notice stream (`GET /api/v1/notices`, Server-Sent Events), reconnecting by itself.
use crate::Client;
use btlp_api::live::LiveEvent;
use std::time::Duration;

/// Why following ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// The session is over (signed out, expired, or the server no longer knows it).
    SignedOut,
}

/// Splits complete SSE events off the front of `buf`; returns the data of each `live` event.
fn take_events(buf: &mut Vec<u8>) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
        let bytes: Vec<u8> = buf.drain(..end + 2).collect();
        let block = String::from_utf8_lossy(&bytes);
        let mut name = "message";
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if name == "live" && !data.is_empty() {
            out.push(data);
        }
    }
    out
}

impl Client {
    /// Passes every event of this session's notice stream to `on` until the session ends. A lost stream (the
    /// network, the server restarting) is opened again after a pause (0.5 s, doubling to 10 s); once it is
    /// back, `on` gets `LiveEvent::Resync`, since what changed meanwhile was not heard.
    pub async fn follow(&self, mut on: impl FnMut(LiveEvent)) -> Ended {
        let mut lost = false;
        let mut pause = Duration::from_millis(500);
        loop {
            let Some(token) = self.token() else { return Ended::SignedOut };
            let request = self
                .http()
                .get(format!("{}/api/v1/notices", self.url()))
                .header("Authorization", format!("Bearer {token}"))
                .header("Accept", "text/event-stream")
                .send()
                .await;
            match request {
                Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED => {
                    self.set_token(None);
                    return Ended::SignedOut;
                }
                Ok(mut r) if r.status().is_success() => {
                    if lost {
                        on(LiveEvent::Resync);
                    }
                    pause = Duration::from_millis(500);
                    let mut buf = Vec::new();
                    while let Ok(Some(chunk)) = r.chunk().await {
                        buf.extend_from_slice(&chunk);
                        for data in take_events(&mut buf) {
                            if let Ok(event) = serde_json::from_str(&data) {
                                on(event);
                            }
                        }
                    }
                }
                _ => {}
            }
            lost = true;
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_are_split_at_blank_lines_and_only_live_ones_kept() {
        let mut buf = b"event: live\ndata: {\"kind\":\"resync\"}\n\n:\n\nevent: live\ndata: {\"ki".to_vec();
        let events = super::take_events(&mut buf);
        assert_eq!(events, vec!["{\"kind\":\"resync\"}".to_string()], "a heartbeat comment is no event");
        assert_eq!(buf, b"event: live\ndata: {\"ki", "an event cut by the chunk's end waits for the rest");
    }
}
