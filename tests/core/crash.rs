//! Crash safety: a child process runs a stream of real writes (cases, votes, decisions, signatures, batches,
//! administrations, journal exports) on an encrypted clinic file and is killed with SIGKILL at a random
//! moment; then the database must open, pass `integrity_check`, the audit chain, every row seal and the signed
//! PDFs' digests, hold every write the child reported committed, and leave no decision half-signed in a state
//! that cannot be resumed. Trials: `BTLP_CRASH_TRIALS` (default 8 here; `bench/crash.sh` runs 200).
use crate::common::{password, Clinic, VOTERS};
use btlp_commission::commission::{self, Choice};
use btlp_commission::journal::{self, Format};
use btlp_commission::{integrity, signatures, Lang};
use rand::{Rng, SeedableRng};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

const CHILD: &str = "BTLP_CRASH_CHILD";

/// Prints the newest audit entry after a commit: the parent checks it is still there after the kill.
pub(crate) fn committed(c: &Clinic) {
    let (seq, id): (i64, String) = c
        .db
        .conn()
        .query_row("SELECT seq, entity_id FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    println!("committed {seq} {id}");
    std::io::stdout().flush().unwrap();
}

/// Decisions not yet signed by everyone.
pub(crate) fn unsigned(c: &Clinic) -> Vec<Uuid> {
    let mut stmt =
        c.db.conn()
            .prepare(
                "SELECT d.id FROM decisions d LEFT JOIN decision_documents dd ON dd.decision_id = d.id
             WHERE dd.signed_sha256 IS NULL ORDER BY d.year, d.seq",
            )
            .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Signs `decision` by its next signer; false once everyone has.
pub(crate) fn sign_next(c: &mut Clinic, decision: Uuid) -> bool {
    let status = signatures::status(c.db.conn(), decision).unwrap();
    let Some((seat, _)) = status.signers.iter().find(|(_, at)| at.is_none()) else { return false };
    let who = c.as_(&seat.login);
    signatures::sign_decision(&mut c.db, &who, decision, &password(&seat.login), Lang::Ru).unwrap();
    true
}

/// The child: works on the clinic until it is killed. First it resumes whatever the last kill interrupted.
#[test]
#[ignore = "the child process of sigkill_at_random_moments_loses_nothing_committed"]
fn writer() {
    let Some(path) = std::env::var_os(CHILD) else { return };
    let path = Path::new(&path);
    let mut c = Clinic::reopen(path);
    println!("ready");
    std::io::stdout().flush().unwrap();
    work(&mut c, &path.with_extension("exports"));
}

/// The stream of real writes, each commit reported on stdout ("committed <seq> <id>", "exported <file>"),
/// resuming first whatever an interruption left half-signed; it never returns.
pub(crate) fn work(c: &mut Clinic, exports: &Path) -> ! {
    std::fs::create_dir_all(exports).unwrap();
    loop {
        if let Some(d) = unsigned(c).first().copied() {
            if sign_next(c, d) {
                committed(c);
                continue;
            }
        }
        let given: Option<Uuid> = c
            .db
            .conn()
            .query_row(
                "SELECT d.id FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM administrations a WHERE a.decision_id = d.id)
                 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        if let Some(d) = given {
            let case = commission::decision(c.db.conn(), d).unwrap().case_id;
            let has_consent: bool =
                c.db.conn()
                    .query_row("SELECT count(*) > 0 FROM consents WHERE case_id = ?1", [case], |r| r.get(0))
                    .unwrap();
            if !has_consent {
                c.consent(case, "25.05.2026").unwrap();
                committed(c);
            }
            c.give(d, "01.06.2026 10:00").unwrap();
            committed(c);
            let admin = c.as_("admin");
            let out = exports.join(format!("{}.csv", Uuid::now_v7()));
            journal::export(&mut c.db, &admin, "запрос Росздравнадзора № 17", "", "", Format::Csv, Lang::Ru, &out)
                .unwrap();
            println!("exported {}", out.display());
            continue;
        }
        let case = c.ready_case();
        committed(c);
        let m = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], case);
        committed(c);
        for v in VOTERS {
            c.vote(m, case, v, Choice::For).unwrap();
            committed(c);
        }
        let chair = c.as_("chair");
        commission::adopt(&mut c.db, &chair, m, case).unwrap();
        committed(c);
    }
}

struct Tally {
    writes: usize,
    exports: usize,
    resumed: usize,
}

/// One trial: start the child, kill it `after` its start-up, then check the file.
fn trial(exe: &Path, path: &Path, after: Duration, tally: &mut Tally) {
    let mut child = Command::new(exe)
        .args(["--exact", "crash::writer", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let started = Instant::now();
    loop {
        let line = rx.recv_timeout(Duration::from_secs(120)).expect("the child starts and reports");
        // libtest prints "test crash::writer ... " without a line end before the child's first line.
        let ready = line.ends_with("ready");
        lines.push(line);
        if ready {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the child did not start: {lines:?}");
    }
    std::thread::sleep(after);
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    if !still_running {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        panic!("the child stopped by itself ({status}) before the kill: {err}");
    }

    let mut c = Clinic::reopen(path);
    let admin = c.as_("admin");
    let report = integrity::check(&mut c.db, &admin).unwrap();
    assert!(report.intact(), "after a SIGKILL the file must verify whole: {report:?}");
    for line in &lines {
        if let Some(rest) = line.strip_prefix("committed ") {
            let (seq, id) = rest.split_once(' ').unwrap();
            let stored: Option<String> =
                c.db.conn()
                    .query_row("SELECT entity_id FROM audit_log WHERE seq = ?1", [seq.parse::<i64>().unwrap()], |r| {
                        r.get(0)
                    })
                    .ok();
            assert_eq!(
                stored.as_deref(),
                Some(id),
                "a write reported committed (audit entry {seq}) must survive the kill"
            );
            tally.writes += 1;
        } else if let Some(file) = line.strip_prefix("exported ") {
            let text = std::fs::read_to_string(file).expect("a reported export is there");
            assert!(text.ends_with('\n') && text.lines().count() > 1, "and complete");
            tally.exports += 1;
        }
    }
    // No export is left half-written under its final name (each is written aside, then renamed).
    for f in std::fs::read_dir(path.with_extension("exports")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(text.ends_with('\n'), "{} is an export cut short", f.display());
        }
    }
    // A decision the kill left part-signed holds exactly the signatures its rows say, and can be finished.
    for d in unsigned(&c) {
        let status = signatures::status(c.db.conn(), d).unwrap();
        let rows = status.signers.iter().filter(|(_, at)| at.is_some()).count();
        if rows > 0 {
            let pdf: Vec<u8> =
                c.db.conn()
                    .query_row("SELECT pdf FROM decision_documents WHERE decision_id = ?1", [d], |r| r.get(0))
                    .unwrap();
            let root = btlp_commission::pki::root_cert(c.db.conn()).unwrap();
            let checks = signatures::verify(&pdf, &root, &[]).unwrap();
            assert_eq!(checks.len(), rows, "the PDF holds one signature per signature row");
            assert!(checks.iter().all(|c| c.valid()), "and every one of them is valid");
            tally.resumed += 1;
        }
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_committed() {
    let trials: u64 = std::env::var("BTLP_CRASH_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(8);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(Clinic::on_file(&path));
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261123);
    let mut tally = Tally { writes: 0, exports: 0, resumed: 0 };
    for _ in 0..trials {
        let after = Duration::from_millis(rng.gen_range(0..2500));
        trial(&exe, &path, after, &mut tally);
    }
    // Whatever the last kill interrupted can be finished.
    let mut c = Clinic::reopen(&path);
    for d in unsigned(&c) {
        while sign_next(&mut c, d) {}
    }
    assert!(unsigned(&c).is_empty(), "every decision could be signed to the end after the kills");
    println!(
        "crash harness: {trials} trials, {} writes reported committed, {} exports, 0 lost, {} part-signed decisions \
         found consistent",
        tally.writes, tally.exports, tally.resumed
    );
    assert!(tally.writes > 0, "the child must have written something for the harness to mean anything");
}
