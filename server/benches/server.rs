//! `bench/server.sh`: the clinic server under load, beside the same commands called in-process in the same run.
//!
//! A seeded clinic (the demo plus `BTLP_BENCH_CASES` cases, 200 by default; half the decisions signed, the rest
//! waiting for their signatures); the real `btlp serve` (release) on 127.0.0.1. Then:
//! 1. 50 clients, each its own session, for `BTLP_BENCH_SECONDS` (60): a read mix of the case list, the
//!    meeting screen and the deadline board, with 10 % writes (a new meeting);
//! 2. 10 commission sessions signing 10 different decisions at once;
//! 3. live notices: 50 sessions follow their notice streams while another session creates 20 meetings, one
//!    after another; from each write being sent to its notice arriving on each of the 50;
//! 4. the same read mix in-process (one core session, no network) for comparison.
//!
//! Prints p50/p95/p99 per command, throughput, errors ("database is locked" among them) and the server's peak
//! memory (VmHWM).
use btlp_api::connection::ConnectionFile;
use btlp_api::decisions::DecisionListFilter;
use btlp_api::dto::{ListOrder, OutcomeView};
use btlp_client::commands as c;
use btlp_client::Client;
use btlp_commission::Lang;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BTLP: &str = env!("CARGO_BIN_EXE_btlp");
const CLIENTS: usize = 50;

fn btlp(args: &[&str], user: &str) {
    let out = Command::new(BTLP)
        .args(args)
        .env("BTLP_USER", user)
        .env("BTLP_PASSWORD", format!("{user}-demo"))
        .output()
        .unwrap();
    assert!(out.status.success(), "btlp {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[derive(Default)]
struct Figures {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

impl Figures {
    fn record(&mut self, name: &'static str, took: Duration, result: Result<(), String>) {
        self.latencies.entry(name).or_default().push(took);
        if let Err(code) = result {
            *self.errors.entry(code).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Figures) {
        for (k, mut v) in other.latencies {
            self.latencies.entry(k).or_default().append(&mut v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }

    fn print(&self, title: &str, seconds: f64) {
        let total = self.print_latencies(title);
        let errors: usize = self.errors.values().sum();
        println!("  throughput {:.0} requests/s; errors {errors} {:?}", total as f64 / seconds, self.errors);
    }

    /// The percentiles alone; returns how many were measured.
    fn print_latencies(&self, title: &str) -> usize {
        println!("{title}");
        let mut total = 0;
        for (name, list) in &self.latencies {
            let mut l = list.clone();
            l.sort();
            let at = |q: f64| l[((l.len() as f64 * q) as usize).min(l.len() - 1)].as_secs_f64() * 1000.0;
            total += l.len();
            println!(
                "  {name:<20} n={:<7} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms",
                l.len(),
                at(0.50),
                at(0.95),
                at(0.99)
            );
        }
        total
    }
}

fn code(r: Result<impl Sized, btlp_api::IpcError>) -> Result<(), String> {
    r.map(drop).map_err(|e| if e.message.contains("locked") { format!("{} (locked)", e.code) } else { e.code })
}

fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn day(offset: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(offset)).format("%d.%m.%Y").to_string()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let seconds: u64 = std::env::var("BTLP_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let cases = std::env::var("BTLP_BENCH_CASES").unwrap_or_else(|_| "200".into());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let db_s = db.to_str().unwrap();
    let signed = (cases.parse::<usize>().unwrap_or(200) / 2).to_string();
    println!("seeding {cases} cases ({signed} decisions signed) …");
    btlp(&["seed", "--db", db_s, "--cases", &cases, "--signed", &signed], "");
    let tls = dir.path().join("tls");
    btlp(&["tls", "issue", "--db", db_s, "--san", "127.0.0.1", "--out", tls.to_str().unwrap()], "admin");
    let secret = dir.path().join("unlock.secret");
    btlp(&["unlock-file", "create", secret.to_str().unwrap(), "--db", db_s], "admin");
    let root = dir.path().join("root.pem");
    btlp(&["export-root", "--db", db_s, "--out", root.to_str().unwrap()], "admin");

    let mut server = Command::new(BTLP)
        .args(["serve", "--db", db_s, "--listen", "127.0.0.1:0", "--unlock-file", secret.to_str().unwrap()])
        .args(["--tls-cert", tls.join("server.pem").to_str().unwrap()])
        .args(["--tls-key", tls.join("server.key").to_str().unwrap()])
        .stdout(Stdio::piped())
        .envs(
            std::env::var("BTLP_BENCH_SERVER_ENV")
                .ok()
                .and_then(|e| e.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))),
        )
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url = line[line.find("https://").unwrap()..].split_whitespace().next().unwrap().trim_end_matches('/');
    let file = ConnectionFile::new(url, &std::fs::read_to_string(&root).unwrap()).unwrap();

    // 50 sessions of the demo's nine users in turn (at most 16 sessions per user); the secretary's and the
    // chair's open a meeting as the write of the mix (45 % of their requests, so 10 % of all), the others read.
    let logins = ["secretary", "chair", "deputy", "member1", "member2", "doctor", "admin", "production", "qc"];
    let mut clients = Vec::new();
    let signing_in = Instant::now();
    let mut handles = Vec::new();
    for i in 0..CLIENTS {
        let file = file.clone();
        let login = logins[i % logins.len()];
        handles.push(tokio::spawn(async move {
            let client = Client::new(&file, Lang::Ru).unwrap();
            let started = Instant::now();
            let password = if login == "qc" { "quality-demo".to_string() } else { format!("{login}-demo") };
            client.sign_in(login, &password).await.unwrap();
            (client, started.elapsed())
        }));
    }
    let mut sign_ins = Figures::default();
    for h in handles {
        let (client, took) = h.await.unwrap();
        sign_ins.record("session_sign_in", took, Ok(()));
        clients.push(Arc::new(client));
    }
    sign_ins.print("50 simultaneous sign-ins", signing_in.elapsed().as_secs_f64());
    println!("server memory after the sign-ins (VmHWM): {:.1} MiB", peak_memory_kib(server.id()) as f64 / 1024.0);

    let meeting = c::meetings_list(&clients[0]).await.unwrap().first().unwrap().id.clone();
    let next_date = Arc::new(AtomicUsize::new(0));
    let figures = Arc::new(Mutex::new(Figures::default()));
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().cloned().enumerate() {
        let (meeting, next_date, figures) = (meeting.clone(), next_date.clone(), figures.clone());
        let writes = i % logins.len() < 2;
        tasks.push(tokio::spawn(async move {
            let mut mine = Figures::default();
            let mut n = i;
            while Instant::now() < until {
                n += 1;
                let started = Instant::now();
                let write = writes && n % 20 < 9;
                match if write { 0 } else { 1 + n % 9 } {
                    0 => {
                        let date = day(400 + next_date.fetch_add(1, Ordering::SeqCst) as i64);
                        let r = code(c::meetings_create(&client, date, String::new(), String::new()).await);
                        mine.record("meetings_create", started.elapsed(), r);
                    }
                    1..=4 => {
                        let r = code(c::cases_list(&client, None, "Иван".into(), ListOrder::Newest, 0, 25).await);
                        mine.record("cases_list", started.elapsed(), r);
                    }
                    5..=7 => {
                        let r = code(c::meetings_get(&client, meeting.clone()).await);
                        mine.record("meetings_get", started.elapsed(), r);
                    }
                    _ => {
                        let r = code(c::deadlines_board(&client).await);
                        mine.record("deadlines_board", started.elapsed(), r);
                    }
                }
            }
            figures.lock().unwrap().merge(mine);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let load = std::mem::take(&mut *figures.lock().unwrap());
    load.print(&format!("{CLIENTS} clients for {seconds} s, over HTTPS"), seconds as f64);

    // 10 sessions sign 10 different decisions at once (each waiting for its first signature).
    let mut signers = Vec::new();
    for _ in 0..10 {
        let client = Client::new(&file, Lang::Ru).unwrap();
        client.sign_in("secretary", "secretary-demo").await.unwrap();
        signers.push(Arc::new(client));
    }
    let mut waiting = Vec::new();
    let mut offset = 0;
    while waiting.len() < 10 {
        let waiting_to_sign =
            DecisionListFilter { outcome: Some(OutcomeView::Approved), unsigned: true, patient: String::new() };
        let page = c::decisions_list(&signers[0], waiting_to_sign, ListOrder::Newest, offset, 200).await.unwrap();
        if page.items.is_empty() {
            break;
        }
        offset += page.items.len() as u32;
        for d in page.items {
            if waiting.len() < 10 && !d.signed && d.decision.outcome == OutcomeView::Approved {
                waiting.push(d.decision.id.clone());
            }
        }
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, id) in signers.iter().cloned().zip(waiting) {
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = code(c::decisions_sign(&client, id, "secretary".into(), "secretary-demo".into(), None).await);
            (t.elapsed(), r)
        }));
    }
    let mut signing = Figures::default();
    for t in tasks {
        let (took, r) = t.await.unwrap();
        signing.record("decisions_sign", took, r);
    }
    signing.print("10 signatures at once", started.elapsed().as_secs_f64());
    notice_latency(&file).await;
    println!("server peak memory (VmHWM): {:.1} MiB", peak_memory_kib(server.id()) as f64 / 1024.0);
    unsafe { kill(server.id() as i32, 15) };
    server.wait().unwrap();

    // The same read mix in-process: one core session, the command layer's functions, no network.
    let mut s = btlp_commission::clinic::sign_in(&db, "secretary", "secretary-demo").unwrap();
    let mut local = Figures::default();
    let until = Instant::now() + Duration::from_secs(seconds.min(10));
    let started = Instant::now();
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let t = Instant::now();
        match n % 9 {
            0..=3 => {
                let r = btlp_api::cases::cases_list(&mut s, Lang::Ru, None, "Иван".into(), ListOrder::Newest, 0, 25);
                local.record("cases_list", t.elapsed(), r.map(drop).map_err(|e| e.code()));
            }
            4..=6 => {
                let r = btlp_api::commission::meetings_get(&mut s, Lang::Ru, meeting.clone());
                local.record("meetings_get", t.elapsed(), r.map(drop).map_err(|e| e.code()));
            }
            _ => {
                let r = btlp_api::reporting::deadlines_board(&mut s, Lang::Ru);
                local.record("deadlines_board", t.elapsed(), r.map(drop).map_err(|e| e.code()));
            }
        }
    }
    local.print("the same reads in-process (one session, one thread)", started.elapsed().as_secs_f64());
}

/// 50 sessions of the users who may read meetings follow their streams; a secretary's session creates 20
/// meetings in turn. Prints the time from each write being sent to its notice on each follower.
async fn notice_latency(file: &ConnectionFile) {
    use btlp_api::live::{LiveEvent, NoticeSubject};
    let readers = ["secretary", "chair", "deputy", "member1", "member2", "doctor", "admin"];
    let (heard, arrivals) = std::sync::mpsc::channel::<(String, Instant)>();
    let mut followers = Vec::new();
    for i in 0..CLIENTS {
        let client = Arc::new(Client::new(file, Lang::Ru).unwrap());
        let login = readers[i % readers.len()];
        client.sign_in(login, &format!("{login}-demo")).await.unwrap();
        let heard = heard.clone();
        followers.push(tokio::spawn(async move {
            client
                .follow(move |e| {
                    if let LiveEvent::Notices { notices } = e {
                        for n in notices.into_iter().filter(|n| n.subject == NoticeSubject::Meeting) {
                            let _ = heard.send((n.id, Instant::now()));
                        }
                    }
                })
                .await
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let writer = Client::new(file, Lang::Ru).unwrap();
    writer.sign_in("secretary", "secretary-demo").await.unwrap();
    let mut sent = std::collections::HashMap::new();
    let mut writes = Figures::default();
    for round in 0..20 {
        let t0 = Instant::now();
        let id = c::meetings_create(&writer, day(800 + round), String::new(), String::new()).await.unwrap();
        writes.record("meetings_create", t0.elapsed(), Ok(()));
        sent.insert(id, t0);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut notices = Figures::default();
    let mut count = 0;
    for (id, at) in arrivals.try_iter() {
        if let Some(t0) = sent.get(&id) {
            count += 1;
            notices.record("notice on 50 others", at.duration_since(*t0), Ok(()));
        }
    }
    writes.print_latencies("live notices: the write on one session (a new meeting), its round trip");
    notices.print_latencies(&format!("  … to its notice on each of 50 others ({count} of {} heard)", 20 * CLIENTS));
    for f in followers {
        f.abort();
    }
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}
