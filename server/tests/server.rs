//! `btlp serve` as a clinic runs it — the real binary on 127.0.0.1 with a TLS certificate issued by the
//! clinic's own CA — driven through the desktop app's own remote client (`btlp_client`).
use btlp_api::commission::{PlanForm, VoteChoice};
use btlp_api::connection::ConnectionFile;
use btlp_api::live::{LiveEvent, NoticeSubject};
use btlp_api::IpcError;
use btlp_client::commands as c;
use btlp_client::Client;
use btlp_commission::Lang;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BTLP: &str = env!("CARGO_BIN_EXE_btlp");

fn btlp(args: &[&str], user: &str) -> std::process::Output {
    Command::new(BTLP)
        .args(args)
        .env("BTLP_USER", user)
        .env("BTLP_PASSWORD", format!("{user}-demo"))
        .env_remove("BTLP_LANG")
        .output()
        .unwrap()
}

fn ok(out: std::process::Output, what: &str) -> String {
    assert!(out.status.success(), "{what} must succeed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A demo clinic with the server's certificate, its unlock file and the root a workstation trusts.
struct Clinic {
    dir: tempfile::TempDir,
}

impl Clinic {
    fn new() -> Clinic {
        let dir = tempfile::tempdir().unwrap();
        let clinic = Clinic { dir };
        ok(btlp(&["demo", "--db", clinic.db_str()], ""), "btlp demo");
        let tls = clinic.path("tls");
        let args = ["tls", "issue", "--db", clinic.db_str(), "--san", "127.0.0.1,localhost", "--out"];
        ok(btlp(&[&args[..], &[tls.to_str().unwrap()]].concat(), "admin"), "btlp tls issue");
        let secret = clinic.path("unlock.secret");
        ok(btlp(&["unlock-file", "create", secret.to_str().unwrap(), "--db", clinic.db_str()], "admin"), "unlock-file");
        clinic
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db_str(&self) -> &str {
        Box::leak(self.path("clinic.db").display().to_string().into_boxed_str())
    }

    fn root_pem(&self) -> String {
        let out = self.path("root.pem");
        ok(btlp(&["export-root", "--db", self.db_str(), "--out", out.to_str().unwrap()], "admin"), "export-root");
        std::fs::read_to_string(out).unwrap()
    }

    fn serve(&self) -> Server {
        self.serve_with(&self.path("tls/server.pem"), &self.path("tls/server.key"))
    }

    fn serve_with(&self, cert: &Path, key: &Path) -> Server {
        self.spawn(cert, key, &[])
    }

    /// The server with sessions that end after `minutes` without a request.
    fn serve_idle(&self, minutes: &str) -> Server {
        self.spawn(&self.path("tls/server.pem"), &self.path("tls/server.key"), &["--idle-minutes", minutes])
    }

    fn spawn(&self, cert: &Path, key: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BTLP)
            .args(["serve", "--db", self.db_str(), "--listen", "127.0.0.1:0"])
            .args(extra)
            .args(["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()])
            .args(["--unlock-file", self.path("unlock.secret").to_str().unwrap()])
            .env("BTLP_LANG", "en")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        // Keep reading what the server prints (its last words on stopping), as a terminal or the journal would.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let start = line.find("https://").unwrap_or_else(|| panic!("the server must say where it listens: {line:?}"));
        let url = line[start..].split_whitespace().next().unwrap().trim_end_matches('/').to_string();
        Server { child, url }
    }

    fn verify(&self) {
        let out = btlp(&["audit", "verify", "--db", self.db_str()], "admin");
        assert!(
            out.status.success(),
            "the file must verify whole after the server's work: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn connection(&self, clinic: &Clinic) -> ConnectionFile {
        ConnectionFile::new(&self.url, &clinic.root_pem()).unwrap()
    }

    /// SIGTERM, as systemd stops the service; the server must end cleanly.
    fn stop(mut self) {
        unsafe { libc_kill(self.child.id() as i32, 15) };
        let status = self.child.wait().unwrap();
        assert!(status.success(), "SIGTERM must stop the server cleanly: {status:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

async fn signed_in(file: &ConnectionFile, login: &str) -> Client {
    let client = Client::new(file, Lang::En).unwrap();
    client.sign_in(login, &format!("{login}-demo")).await.unwrap_or_else(|e| panic!("{login} signs in: {e:?}"));
    client
}

fn day(offset: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(offset)).format("%d.%m.%Y").to_string()
}

fn plan() -> PlanForm {
    PlanForm {
        window_from: day(0), window_to: day(30), dose: "1 × 10⁸ клеток".into(), route: "внутривенно".into()
    }
}

/// The secretary puts the demo's assessed case on a new meeting with the whole commission present.
async fn meeting_with_case(secretary: &Client) -> (String, String) {
    let cases =
        c::cases_list(secretary, Some("assessed".into()), String::new(), btlp_api::dto::ListOrder::Newest, 0, 10)
            .await
            .unwrap();
    let case = cases.items.first().expect("the demo has a case waiting for a meeting").id.clone();
    let m = c::meetings_create(secretary, day(0), String::new(), String::new()).await.unwrap();
    c::meetings_add_to_agenda(secretary, m.clone(), case.clone(), plan()).await.unwrap();
    let all = ["chair", "deputy", "member1", "member2", "secretary"].map(String::from).to_vec();
    c::meetings_set_attendance(secretary, m.clone(), all).await.unwrap();
    (m, case)
}

async fn vote(client: &Client, login: &str, m: &str, case: &str) -> Result<(), IpcError> {
    let password = format!("{login}-demo");
    c::votes_cast(client, m.into(), case.into(), login.into(), password, Some(VoteChoice::For), String::new()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_members_at_three_seats_hold_a_meeting_through_the_server() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let secretary = signed_in(&file, "secretary").await;
    let (m, case) = meeting_with_case(&secretary).await;

    let (chair, deputy, member1, member2) = tokio::join!(
        signed_in(&file, "chair"),
        signed_in(&file, "deputy"),
        signed_in(&file, "member1"),
        signed_in(&file, "member2")
    );
    let votes = tokio::join!(
        vote(&chair, "chair", &m, &case),
        vote(&deputy, "deputy", &m, &case),
        vote(&member1, "member1", &m, &case),
        vote(&member2, "member2", &m, &case)
    );
    for v in [votes.0, votes.1, votes.2, votes.3] {
        v.expect("each member's vote from their own session is stored, whatever the others do at the same time");
    }
    let screen = c::meetings_get(&secretary, m.clone()).await.unwrap();
    let item = &screen.agenda[0];
    assert_eq!(item.tally.votes_for, 4, "the secretary's screen shows every vote cast at the other seats");

    let preview = c::decisions_preview(&secretary, m.clone(), case.clone()).await.unwrap();
    let decision = c::decisions_adopt(&secretary, m.clone(), case.clone(), preview.number.clone()).await.unwrap();

    let seats = [
        ("secretary", &secretary),
        ("chair", &chair),
        ("deputy", &deputy),
        ("member1", &member1),
        ("member2", &member2),
    ];
    let signers = c::decisions_get(&secretary, decision.clone()).await.unwrap().signers;
    assert!(signers.len() >= 3, "the decision is signed by the commission: {signers:?}");
    for (i, signer) in signers.iter().enumerate() {
        let (login, client) = seats.iter().find(|(l, _)| *l == signer.login).expect("every signer has a seat");
        if i == 0 {
            // The first signature's reply is lost and the client sends the request again (same key).
            let args = serde_json::json!({"id": decision, "login": login, "password": format!("{login}-demo")});
            client.call_with_key::<()>("decisions_sign", args.clone(), "sign-1").await.expect("signed");
            client.call_with_key::<()>("decisions_sign", args, "sign-1").await.expect("the stored reply, not an error");
            continue;
        }
        c::decisions_sign(client, decision.clone(), login.to_string(), format!("{login}-demo"), None)
            .await
            .unwrap_or_else(|e| panic!("{login} signs in turn from their own session: {e:?}"));
    }
    let detail = c::decisions_get(&chair, decision.clone()).await.unwrap();
    assert!(detail.complete, "after everyone signed in turn the decision is complete");
    assert!(detail.checks.iter().all(|ch| ch.signer.len() > 1), "the stored PDF verifies with every signature");
    let pdf = c::decisions_pdf(&member1, decision.clone()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the PDF travels as its bytes, not as JSON");

    for client in [&secretary, &chair, &deputy, &member1, &member2] {
        client.sign_out().await;
    }
    server.stop();
    clinic.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_live_session_is_refused_and_changes_nothing() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let secretary = signed_in(&file, "secretary").await;
    let before = c::meetings_list(&secretary).await.unwrap().len();

    let stranger = Client::new(&file, Lang::En).unwrap();
    let refused = c::meetings_create(&stranger, day(0), String::new(), String::new()).await.unwrap_err();
    assert_eq!(refused.code, "auth.signed_out", "no token: signed out");

    stranger.set_token(Some("00".repeat(32)));
    let refused = c::meetings_create(&stranger, day(0), String::new(), String::new()).await.unwrap_err();
    assert_eq!(refused.code, "auth.signed_out", "a token the server never gave: signed out");

    let gone = signed_in(&file, "chair").await;
    let old = gone.token();
    gone.sign_out().await;
    stranger.set_token(old);
    let refused = c::meetings_create(&stranger, day(0), String::new(), String::new()).await.unwrap_err();
    assert_eq!(refused.code, "auth.signed_out", "the token of a session that signed out is dead");

    assert_eq!(c::meetings_list(&secretary).await.unwrap().len(), before, "no refused request created a meeting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authorisation_matrix_answers_over_the_network_as_it_does_locally() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let secretary = signed_in(&file, "secretary").await;
    let (m, case) = meeting_with_case(&secretary).await;

    let doctor = signed_in(&file, "doctor").await;
    let refused = vote(&doctor, "doctor", &m, &case).await.unwrap_err();
    assert_eq!(refused.kind, btlp_api::ErrorKind::Forbidden, "a physician's token cannot vote: {refused:?}");

    let admin = signed_in(&file, "admin").await;
    let refused = c::meetings_create(&admin, day(1), String::new(), String::new()).await.unwrap_err();
    assert_eq!(refused.kind, btlp_api::ErrorKind::Forbidden, "an admin does not run meetings: {refused:?}");

    let screen = c::meetings_get(&secretary, m).await.unwrap();
    assert!(screen.agenda[0].votes.is_empty(), "the refused vote was not stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_sent_again_after_its_reply_was_lost_is_stored_once_and_answered_as_stored() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let secretary = signed_in(&file, "secretary").await;
    let (m, case) = meeting_with_case(&secretary).await;
    let member1 = signed_in(&file, "member1").await;
    let args = serde_json::json!({
        "meetingId": m, "caseId": case, "login": "member1", "password": "member1-demo",
        "choice": "for", "reason": ""
    });
    member1.call_with_key::<()>("votes_cast", args.clone(), "vote-1").await.expect("the vote is stored");
    member1
        .call_with_key::<()>("votes_cast", args.clone(), "vote-1")
        .await
        .expect("the same request again: its stored reply");
    // A client that lost even the key (restarted): the vote is recognised by its natural key.
    member1.call::<()>("votes_cast", args).await.expect("the same vote again: stored, not an error");
    let screen = c::meetings_get(&secretary, m).await.unwrap();
    assert_eq!(screen.agenda[0].votes.len(), 1, "three sends of one vote store it once");
    assert_eq!(screen.agenda[0].tally.votes_for, 1);

    // A consent sent again after a lost reply: one consent, and the retry answers with its id.
    let doctor = signed_in(&file, "doctor").await;
    let before = c::cases_get(&doctor, case.clone()).await.unwrap().consents.len();
    let form = serde_json::json!({"form": {
        "case_id": case, "form_version": "ИДС-2", "info_sheet_version": "ИЛ-3", "signer_kind": "patient",
        "signer_name": "", "representative_ground": "", "signed_on": day(0)
    }, "scan": null});
    let first: String = doctor.call_with_key("consent_record", form.clone(), "consent-1").await.expect("recorded");
    let again: String = doctor.call_with_key("consent_record", form, "consent-1").await.expect("the stored reply");
    assert_eq!(first, again, "the retry is answered with the consent already stored");
    let after = c::cases_get(&doctor, case).await.unwrap().consents.len();
    assert_eq!(after, before + 1, "two sends of one consent store it once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_whose_connection_is_cut_before_its_reply_is_stored_once_and_the_retry_says_so() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let secretary = signed_in(&file, "secretary").await;
    let (m, case) = meeting_with_case(&secretary).await;
    let relay = Relay::to(&server).await;
    let through_relay = ConnectionFile::new(&relay.url, &clinic.root_pem()).unwrap();
    let member1 = signed_in(&through_relay, "member1").await;
    // One request first, so the vote travels on a connection whose handshake is over: the next bytes the
    // server sends on it are the vote's reply.
    c::meetings_get(&member1, m.clone()).await.unwrap();

    relay.lose_next_reply();
    vote(&member1, "member1", &m, &case).await.expect("the client sends the vote again with its key and is answered");
    assert_eq!(relay.replies_lost(), 1, "the vote's first reply must really have been lost on a cut connection");
    let screen = c::meetings_get(&secretary, m).await.unwrap();
    assert_eq!(screen.agenda[0].votes.len(), 1, "a vote whose reply was lost and which was sent again is stored once");
    assert_eq!(screen.agenda[0].tally.votes_for, 1);
    server.stop();
    clinic.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_sends_no_path_and_no_sql() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let admin = signed_in(&file, "admin").await;
    let folder = "/proc/btlp-no-such-folder/backups";
    let schedule = btlp_api::integrity::BackupSchedule { folder: folder.into(), every_hours: 24, keep: 3 };
    c::backup_set_schedule(&admin, Some(schedule)).await.unwrap();
    let e = c::backup_now(&admin).await.unwrap_err();
    assert_eq!(e.kind, btlp_api::ErrorKind::Storage, "writing into /proc fails on the server: {e:?}");
    assert!(!e.message.contains("/proc") && !e.message.contains("btlp-no-such"), "no server path: {}", e.message);
    assert!(e.message.contains("administrator"), "the catalogue's message: {}", e.message);

    let garbage = admin.call::<()>("meetings_create", serde_json::json!({"date": 5})).await.unwrap_err();
    assert_eq!(garbage.code, "invalid.request", "a body the server cannot read: {garbage:?}");
    let unknown = admin.call::<()>("drop_table", serde_json::json!({})).await.unwrap_err();
    assert_eq!(unknown.code, "not_found.command");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_scan_limit_is_refused_before_it_is_read() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let admin = signed_in(&file, "admin").await;
    let scan = "A".repeat(btlp_server::body_limit() + 1);
    let args = serde_json::json!({"requirement": "x", "title": "x", "file": {"name": "a.pdf", "bytes": scan}, "validUntil": ""});
    let e = admin.call::<()>("checklist_attach", args).await.expect_err("an oversized body must be refused");
    assert_eq!(e.code, "invalid.too_large", "refused by its declared length, with the catalogue's words: {e:?}");
    assert!(e.message.contains("MB"), "the message says the limit: {}", e.message);
    admin.health().await.expect("the server goes on after refusing it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_certificate_is_not_the_clinics_is_refused_with_its_fingerprint() {
    let clinic = Clinic::new();
    let other = Clinic::new();
    // A real server, but with the other clinic's certificate (issued by another root).
    let server = clinic.serve_with(&other.path("tls/server.pem"), &other.path("tls/server.key"));
    let file = server.connection(&clinic);
    let client = Client::new(&file, Lang::En).unwrap();
    let e = client.sign_in("admin", "admin-demo").await.unwrap_err();
    assert_eq!(e.code, "connection.untrusted", "another root's certificate is refused: {e:?}");
    let pem = std::fs::read_to_string(other.path("tls/server.pem")).unwrap();
    let der = btlp_commission::signing::ca::from_pem(&pem).unwrap();
    let fingerprint = btlp_api::connection::fingerprint_of(&der);
    assert!(e.message.contains(&fingerprint), "the message shows the fingerprint it got: {}", e.message);

    // A certificate of the clinic's own root, but for another host than the one the workstation reached.
    let out = clinic.path("tls-other");
    let args = ["tls", "issue", "--db", clinic.db_str(), "--san", "btlp.other.local", "--out", out.to_str().unwrap()];
    ok(btlp(&args, "admin"), "btlp tls issue");
    let own = clinic.serve_with(&out.join("server.pem"), &out.join("server.key"));
    let e = Client::new(&own.connection(&clinic), Lang::En).unwrap().health().await.unwrap_err();
    assert_eq!(e.code, "connection.untrusted", "a certificate for another host is refused: {e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_during_concurrent_writes_the_server_keeps_every_write_it_confirmed() {
    let clinic = Clinic::new();
    let mut server = clinic.serve();
    let file = server.connection(&clinic);
    let confirmed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for n in 0..3 {
        let client = signed_in(&file, "secretary").await;
        let confirmed = confirmed.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..20_000 {
                match c::meetings_create(&client, day(100 + n * 20_000 + i), String::new(), String::new()).await {
                    Ok(id) => confirmed.lock().unwrap().push(id),
                    Err(e) if e.code.starts_with("connection.") => return true,
                    Err(e) => panic!("a meeting on a free date is created: {e:?}"),
                }
            }
            false
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    server.child.kill().unwrap(); // SIGKILL, in the middle of the writes
    server.child.wait().unwrap();
    for t in tasks {
        assert!(t.await.unwrap(), "every client was still writing when the server was killed");
    }
    let confirmed = confirmed.lock().unwrap().clone();
    assert!(confirmed.len() > 3, "the clients wrote before the kill: {}", confirmed.len());
    eprintln!("{} meetings confirmed before SIGKILL", confirmed.len());
    clinic.verify();
    let again = clinic.serve();
    let secretary = signed_in(&again.connection(&clinic), "secretary").await;
    for id in &confirmed {
        c::meetings_get(&secretary, id.clone()).await.unwrap_or_else(|e| panic!("confirmed meeting {id} lost: {e:?}"));
    }
    again.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_is_made_on_the_server_and_arrives_as_a_file_with_its_progress_for_the_one_who_asked() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let admin = signed_in(&file, "admin").await;
    let other = signed_in(&file, "admin").await;
    let files = c::exports_decisions(&admin, "запрос Росздравнадзора № 17".into(), String::new(), String::new(), None)
        .await
        .expect("the archive");
    assert_eq!(files.len(), 1, "one ZIP");
    assert!(files[0].bytes.starts_with(b"PK"), "the ZIP's bytes travel to the workstation");
    assert!(files[0].count >= 4, "every signed decision of the demo is in it: {}", files[0].count);
    let mine: btlp_api::WorkProgress = admin.call("work_progress", serde_json::json!({})).await.unwrap();
    assert_eq!((mine.done, mine.total), (files[0].count, files[0].count), "the progress of the session that asked");
    let theirs: btlp_api::WorkProgress = other.call("work_progress", serde_json::json!({})).await.unwrap();
    assert_eq!(theirs.total, 0, "another session (even the same user's) sees no progress of work it did not ask for");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_limited_per_client_address_too() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let client = Client::new(&file, Lang::En).unwrap();
    // Each try with another login, so no account's own waits or lock-out apply: only the address limit.
    for i in 0..btlp_server::sessions::ADDRESS_LIMIT {
        let e = client.sign_in(&format!("nobody{i}"), "wrong-password").await.unwrap_err();
        assert_eq!(e.code, "auth.bad_credentials", "try {i}: {e:?}");
    }
    let e = client.sign_in("admin", "admin-demo").await.unwrap_err();
    assert_eq!(e.code, "auth.too_soon", "after the limit even a right password waits from this address: {e:?}");
    assert!(!client.signed_in(), "and no session was opened");
}

/// `btlp serve` with the given way to open the key: the first line it prints, and whether it is still running.
fn start_with(clinic: &Clinic, unlock: &[&str], envs: &[(&str, &str)]) -> (String, Child) {
    let mut child = Command::new(BTLP)
        .args(["serve", "--db", clinic.db_str(), "--listen", "127.0.0.1:0"])
        .args(["--tls-cert", clinic.path("tls/server.pem").to_str().unwrap()])
        .args(["--tls-key", clinic.path("tls/server.key").to_str().unwrap()])
        .args(unlock)
        .envs(envs.iter().copied())
        .env("BTLP_LANG", "en")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    if line.is_empty() {
        let _ = child.wait();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut line).unwrap();
    }
    (line, child)
}

#[test]
fn the_key_opens_only_the_ways_given_and_a_wrong_one_is_refused_with_its_reason() {
    use std::os::unix::fs::PermissionsExt;
    let clinic = Clinic::new();
    let (said, mut child) =
        start_with(&clinic, &["--unlock-prompt"], &[("BTLP_USER", "admin"), ("BTLP_PASSWORD", "admin-demo")]);
    assert!(said.contains("https://127.0.0.1:"), "an admin's password opens it: {said}");
    let _ = child.kill();

    let (said, mut child) =
        start_with(&clinic, &["--unlock-prompt"], &[("BTLP_USER", "doctor"), ("BTLP_PASSWORD", "doctor-demo")]);
    assert!(!said.contains("https://"), "a physician's password does not: {said}");
    assert!(!child.wait().unwrap().success());

    let creds = clinic.path("credentials");
    std::fs::create_dir_all(&creds).unwrap();
    std::fs::copy(clinic.path("unlock.secret"), creds.join("btlp-unlock")).unwrap();
    let dir = creds.to_str().unwrap();
    let (said, mut child) =
        start_with(&clinic, &["--unlock-credential", "btlp-unlock"], &[("CREDENTIALS_DIRECTORY", dir)]);
    assert!(said.contains("https://127.0.0.1:"), "the systemd credential opens it: {said}");
    let _ = child.kill();

    let secret = clinic.path("unlock.secret");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (said, mut child) = start_with(&clinic, &["--unlock-file", secret.to_str().unwrap()], &[]);
    assert!(said.contains("0644"), "an unlock file others may read is refused, saying why: {said}");
    assert!(!child.wait().unwrap().success());

    let (said, mut child) = start_with(&clinic, &[], &[]);
    assert!(said.contains("exactly one"), "no way given: {said}");
    assert!(!child.wait().unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_session_lives_in_an_http_only_cookie_and_needs_its_csrf_token_on_every_request() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let watcher = signed_in(&file, "chair").await;
    let before = c::meetings_list(&watcher).await.unwrap().len();
    let client = Client::new(&file, Lang::En).unwrap();
    let http = client.http();
    let url = |name: &str| format!("{}/api/v1/{name}", server.url);

    let r = http
        .post(url("session_sign_in"))
        .header("x-btlp-session", "cookie")
        .body(r#"{"login":"secretary","password":"secretary-demo"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = r.headers().get("set-cookie").expect("a cookie").to_str().unwrap().to_string();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1"] {
        assert!(set.contains(attr), "the session cookie is {attr}: {set}");
    }
    let cookie = set.split(';').next().unwrap().to_string();
    let signed: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(signed["token"], "", "a browser never sees its token: it is in the cookie alone");
    let csrf = signed["csrf"].as_str().unwrap().to_string();
    assert_eq!(csrf.len(), 32, "a CSRF token comes with it");

    let create = |csrf: Option<&str>| {
        let mut req = http
            .post(url("meetings_create"))
            .header("cookie", &cookie)
            .body(format!(r#"{{"date":"{}","time":"","place":""}}"#, day(3)));
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req.send()
    };
    // A cross-site form or fetch carries the cookie (if the browser sent it at all) but cannot know the token.
    let r = create(None).await.unwrap();
    assert_eq!(r.status(), 403, "no CSRF token: refused");
    let e: IpcError = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(e.code, "forbidden.csrf");
    let r = create(Some(&"0".repeat(32))).await.unwrap();
    assert_eq!(r.status(), 403, "a wrong CSRF token: refused");
    assert_eq!(c::meetings_list(&watcher).await.unwrap().len(), before, "the refused requests created nothing");
    let r = create(Some(&csrf)).await.unwrap();
    assert_eq!(r.status(), 200, "the page's own request, with the token, is carried out");
    assert_eq!(c::meetings_list(&watcher).await.unwrap().len(), before + 1);

    // After a reload the page asks who is signed in and gets the CSRF token again (it keeps nothing stored).
    let r = http.post(url("session_status")).header("cookie", &cookie).send().await.unwrap();
    let status: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(status["user"]["login"], "secretary");
    assert_eq!(status["csrf"], csrf.as_str());

    let r = http
        .post(url("session_sign_out"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    let cleared = r.headers().get("set-cookie").expect("signing out clears the cookie").to_str().unwrap().to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let r = create(Some(&csrf)).await.unwrap();
    assert_eq!(r.status(), 401, "the signed-out cookie opens nothing");
}

/// A TCP relay in front of the server whose connections can all be cut at once, as a network outage would, or
/// can lose the next reply: the connection carrying it is closed after the request has reached the server.
struct Relay {
    url: String,
    links: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
    lose_reply: Arc<std::sync::atomic::AtomicBool>,
    replies_lost: Arc<std::sync::atomic::AtomicUsize>,
}

impl Relay {
    async fn to(server: &Server) -> Relay {
        use std::sync::atomic::Ordering::SeqCst;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let target = server.url.trim_start_matches("https://").to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let relay = Relay { url, links: Arc::default(), lose_reply: Arc::default(), replies_lost: Arc::default() };
        let (kept, lose, lost) = (relay.links.clone(), relay.lose_reply.clone(), relay.replies_lost.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let (target, lose, lost) = (target.clone(), lose.clone(), lost.clone());
                let link = tokio::spawn(async move {
                    let Ok(outbound) = tokio::net::TcpStream::connect(target).await else { return };
                    let (mut from_client, mut to_client) = inbound.into_split();
                    let (mut from_server, mut to_server) = outbound.into_split();
                    let up = tokio::io::copy(&mut from_client, &mut to_server);
                    let down = async {
                        let mut buf = vec![0u8; 16 * 1024];
                        // Bytes this connection has carried to the client: none yet means its handshake.
                        let mut forwarded = 0usize;
                        loop {
                            let n = from_server.read(&mut buf).await?;
                            if n == 0 {
                                return Ok::<(), std::io::Error>(());
                            }
                            // Only a reply on a connection whose handshake is over is lost: a new connection's
                            // first bytes (its handshake) pass, and the next reply on it is the one lost.
                            if forwarded > 0 && lose.swap(false, SeqCst) {
                                lost.fetch_add(1, SeqCst);
                                return Ok(()); // both sides are dropped: the client never sees this reply
                            }
                            forwarded += n;
                            to_client.write_all(&buf[..n]).await?;
                        }
                    };
                    tokio::select! { _ = up => {}, _ = down => {} }
                });
                kept.lock().unwrap().push(link.abort_handle());
            }
        });
        relay
    }

    fn cut(&self) {
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// The next reply the server sends on a connection whose handshake is over is dropped with the connection.
    fn lose_next_reply(&self) {
        self.lose_reply.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Replies lost (on connections whose handshake was over).
    fn replies_lost(&self) -> usize {
        self.replies_lost.load(std::sync::atomic::Ordering::SeqCst)
    }
}

type Heard = Arc<Mutex<Vec<LiveEvent>>>;

/// Follows `client`'s notice stream in the background, keeping what it hears.
fn follow(client: &Arc<Client>) -> (Heard, tokio::task::JoinHandle<btlp_client::live::Ended>) {
    let heard: Heard = Arc::default();
    let (c, h) = (client.clone(), heard.clone());
    let task = tokio::spawn(async move { c.follow(move |e| h.lock().unwrap().push(e)).await });
    (heard, task)
}

fn notice_of(heard: &Heard, subject: NoticeSubject, id: &str) -> bool {
    heard.lock().unwrap().iter().any(|e| match e {
        LiveEvent::Notices { notices } => notices.iter().any(|n| n.subject == subject && n.id == id),
        LiveEvent::Resync => false,
    })
}

/// Waits up to `within` for `what` to hold.
async fn until(within: Duration, what: impl Fn() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < within {
        if what() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    what()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_notices_reach_only_their_readers_and_come_back_after_a_lost_stream() {
    let clinic = Clinic::new();
    let server = clinic.serve();
    let file = server.connection(&clinic);
    let relay = Relay::to(&server).await;
    let through_relay = ConnectionFile::new(&relay.url, &clinic.root_pem()).unwrap();
    let secretary = Arc::new(signed_in(&through_relay, "secretary").await);
    let (m, case) = meeting_with_case(&secretary).await;
    let qc = Arc::new(Client::new(&file, Lang::En).unwrap());
    qc.sign_in("qc", "quality-demo").await.unwrap();
    let (at_secretary, _s) = follow(&secretary);
    let (at_qc, _q) = follow(&qc);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let member1 = signed_in(&file, "member1").await;
    vote(&member1, "member1", &m, &case).await.unwrap();
    assert!(
        until(Duration::from_secs(2), || notice_of(&at_secretary, NoticeSubject::Meeting, &m)).await,
        "the secretary's stream hears of a vote cast at another seat within 2 s: {:?}",
        at_secretary.lock().unwrap()
    );
    // Something the lab may read, after the vote: once the QC stream has it, the vote would have come first.
    let admin = signed_in(&file, "admin").await;
    let folder = clinic.path("backups").display().to_string();
    let schedule = btlp_api::integrity::BackupSchedule { folder, every_hours: 24, keep: 3 };
    c::backup_set_schedule(&admin, Some(schedule)).await.unwrap();
    assert!(
        until(Duration::from_secs(2), || notice_of(&at_qc, NoticeSubject::Settings, "backup")).await,
        "QC hears of a change it may read: {:?}",
        at_qc.lock().unwrap()
    );
    assert!(
        !notice_of(&at_qc, NoticeSubject::Meeting, &m),
        "a notice of the commission's vote must never reach quality control, whose role may not read meetings"
    );
    for events in [&at_secretary, &at_qc] {
        let text = format!("{:?}", events.lock().unwrap());
        assert!(!text.contains("member1") && !text.contains("Лебедев"), "notices carry kinds and ids only: {text}");
    }

    relay.cut();
    let member2 = signed_in(&file, "member2").await;
    vote(&member2, "member2", &m, &case).await.unwrap();
    assert!(
        until(Duration::from_secs(5), || at_secretary.lock().unwrap().contains(&LiveEvent::Resync)).await,
        "after its stream was cut the secretary's screen reconnects by itself and is told to reload once"
    );
    at_secretary.lock().unwrap().clear();
    let deputy = signed_in(&file, "deputy").await;
    vote(&deputy, "deputy", &m, &case).await.unwrap();
    assert!(
        until(Duration::from_secs(2), || notice_of(&at_secretary, NoticeSubject::Meeting, &m)).await,
        "the reconnected stream goes on hearing the meeting's votes"
    );
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_stream_ends_when_its_session_does() {
    let clinic = Clinic::new();
    let server = clinic.serve_idle("0.05");
    let file = server.connection(&clinic);
    let leaving = Arc::new(signed_in(&file, "secretary").await);
    let idle = Arc::new(signed_in(&file, "chair").await);
    let (_, leaving_stream) = follow(&leaving);
    let (_, idle_stream) = follow(&idle);
    tokio::time::sleep(Duration::from_millis(300)).await;
    leaving.sign_out().await;
    let ended = tokio::time::timeout(Duration::from_secs(3), leaving_stream).await;
    assert!(
        matches!(ended, Ok(Ok(btlp_client::live::Ended::SignedOut))),
        "signing out ends the session's stream: {ended:?}"
    );
    // Listening is no activity: the stream alone does not keep the session from its idle expiry (3 s here).
    let ended = tokio::time::timeout(Duration::from_secs(10), idle_stream).await;
    assert!(
        matches!(ended, Ok(Ok(btlp_client::live::Ended::SignedOut))),
        "the stream of a session that expired is closed: {ended:?}"
    );
    let e = c::meetings_list(&idle).await.expect_err("the expired session is gone");
    assert_eq!(e.code, "auth.signed_out");
    server.stop();
}
