//! Power cuts: a child process runs the crash harness's stream of real writes with every database write going
//! through a test VFS (`vfs.rs`). At a random write, sync or truncation the power goes: the VFS writes out what
//! the disk could then hold — each file as of its last sync, with the changes since dropped, kept or torn — and
//! the child ends. The parent puts that in place of the clinic's files and checks: the file opens, passes
//! `integrity_check`, the audit chain and every seal, and holds every transaction the child was told had
//! committed. Trials: `BTLP_POWERCUT_TRIALS` (default 24 here; `bench/powercut.sh` runs 500).
mod vfs;

use crate::common::{password, Clinic};
use btlp_commission::{integrity, signatures, Db, Keyring};
use rand::{Rng, SeedableRng};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHILD: &str = "BTLP_POWERCUT_CHILD";

/// The child: the power-cut VFS installed before anything opens the database, then the crash harness's work.
#[test]
#[ignore = "the child process of power_cuts_at_random_writes_lose_nothing_committed"]
fn writer() {
    let Some(path) = std::env::var_os(CHILD) else { return };
    let path = PathBuf::from(path);
    let var = |name: &str| std::env::var(name).unwrap().parse::<u64>().unwrap();
    vfs::install(var("BTLP_POWERCUT_AT"), var("BTLP_POWERCUT_SEED"), &path.with_extension("cut"));
    let mut c = Clinic::reopen(&path);
    println!("ready at operation {}", vfs::ops());
    std::io::stdout().flush().unwrap();
    crate::crash::work(&mut c, &path.with_extension("exports"));
}

#[derive(Default, Debug)]
struct Tally {
    trials: usize,
    commits: usize,
    lost: usize,
    integrity_failures: usize,
}

/// What one trial found, on the files the power cut left.
fn check(path: &Path, lines: &[String], tally: &mut Tally) -> Result<(), String> {
    // The reported commits are looked for first, in the file exactly as the cut left it (opening the clinic
    // signs its users in, which writes new audit entries).
    let key = Keyring::load(path).unwrap().unlock("admin", &password("admin")).unwrap();
    let raw = Db::open_as_is(path, &key).map_err(|e| format!("the file no longer opens: {e:?}"))?;
    raw.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(|e| format!("the file no longer opens: {e}"))?;
    let mut lost = Vec::new();
    for rest in lines.iter().filter_map(|l| l.strip_prefix("committed ")) {
        let (seq, id) = rest.split_once(' ').unwrap();
        let stored: Option<String> = raw
            .query_row("SELECT entity_id FROM audit_log WHERE seq = ?1", [seq.parse::<i64>().unwrap()], |r| r.get(0))
            .ok();
        tally.commits += 1;
        if stored.as_deref() != Some(id) {
            lost.push(seq.to_string());
        }
    }
    drop(raw);
    tally.lost += lost.len();
    if !lost.is_empty() {
        return Err(format!("transactions reported committed are gone: audit entries {lost:?}"));
    }
    let mut c =
        std::panic::catch_unwind(|| Clinic::reopen(path)).map_err(|_| "the file no longer opens".to_string())?;
    let admin = c.as_("admin");
    let report = integrity::check(&mut c.db, &admin).map_err(|e| format!("the check could not run: {e:?}"))?;
    if !report.intact() {
        return Err(format!("the file does not verify whole: {report:?}"));
    }
    // A decision the cut left part-signed holds exactly the signatures its rows say.
    for d in crate::crash::unsigned(&c) {
        let status = signatures::status(c.db.conn(), d).unwrap();
        let rows = status.signers.iter().filter(|(_, at)| at.is_some()).count();
        if rows > 0 {
            let (pdf,): (Vec<u8>,) =
                c.db.conn()
                    .query_row("SELECT pdf FROM decision_documents WHERE decision_id = ?1", [d], |r| Ok((r.get(0)?,)))
                    .unwrap();
            let root = btlp_commission::pki::root_cert(c.db.conn()).unwrap();
            let checks = signatures::verify(&pdf, &root, &[]).unwrap();
            if checks.len() != rows || !checks.iter().all(|c| c.valid()) {
                return Err(format!("a part-signed decision's PDF does not match its {rows} signature rows"));
            }
        }
    }
    Ok(())
}

/// One trial: the child works until the power goes at its `cut_at`-th operation; its files are replaced by
/// what the cut left and checked. A file found broken is replaced by `good` (the last that passed) so the
/// next trial starts from a whole clinic.
fn trial(exe: &Path, path: &Path, cut_at: u64, seed: u64, tally: &mut Tally) -> Result<(), String> {
    let cut = path.with_extension("cut");
    let _ = std::fs::remove_dir_all(&cut);
    let child = Command::new(exe)
        .args(["--exact", "powercut::writer", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, path)
        .env("BTLP_POWERCUT_AT", cut_at.to_string())
        .env("BTLP_POWERCUT_SEED", seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<String> = BufReader::new(&out.stdout[..]).lines().map_while(Result::ok).collect();
    if std::env::var_os("BTLP_POWERCUT_SHOW").is_some() {
        let ready = lines.iter().find(|l| l.contains("ready at")).cloned().unwrap_or_default();
        let commits = lines.iter().filter(|l| l.starts_with("committed")).count();
        let at = lines.iter().find(|l| l.contains("power cut at")).cloned().unwrap_or_default();
        eprintln!("{at} — {ready}, {commits} commits");
    }
    assert!(
        lines.iter().any(|l| l.contains("power cut at operation")),
        "the child must end by the power cut, not otherwise ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    tally.trials += 1;
    // The power came back: the disk holds what the cut left, and SQLite's shared memory is gone.
    for suffix in ["", "-wal", "-journal", "-shm"] {
        let live = PathBuf::from(format!("{}{suffix}", path.display()));
        let left = cut.join(live.file_name().unwrap());
        let _ = std::fs::remove_file(&live);
        if left.exists() {
            std::fs::rename(&left, &live).unwrap();
        }
    }
    check(path, &lines, tally)
}

#[test]
fn power_cuts_at_random_writes_lose_nothing_committed() {
    let trials: u64 = std::env::var("BTLP_POWERCUT_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(24);
    // Counting instead of stopping at the first failure: for showing what a broken build loses.
    let count_only = std::env::var_os("BTLP_POWERCUT_COUNT_ONLY").is_some();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(Clinic::on_file(&path));
    let good = dir.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    let keep = |from: &Path, to: &Path| {
        for suffix in ["", "-wal"] {
            let name = format!("clinic.db{suffix}");
            let _ = std::fs::remove_file(to.join(&name));
            if from.join(&name).exists() {
                std::fs::copy(from.join(&name), to.join(&name)).unwrap();
            }
        }
    };
    keep(dir.path(), &good);
    let exe = std::env::current_exe().unwrap();
    // The cut points and tears follow one seed; bench/powercut.sh gives each of its rounds another.
    let seed: u64 = std::env::var("BTLP_POWERCUT_RNG").ok().and_then(|t| t.parse().ok()).unwrap_or(20261201);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for _ in 0..trials {
        // Signing every user in at the child's start takes some 150 operations, a commit about a hundred.
        let (cut_at, seed) = (rng.gen_range(1..8000), rng.gen());
        match trial(&exe, &path, cut_at, seed, &mut tally) {
            Ok(()) => keep(dir.path(), &good),
            Err(e) => {
                assert!(count_only, "after a power cut at operation {cut_at} (seed {seed}): {e}");
                tally.integrity_failures += usize::from(!e.starts_with("transactions"));
                failures.push(format!("cut at {cut_at} (seed {seed}): {e:.300}"));
                let _ = std::fs::remove_file(dir.path().join("clinic.db-shm"));
                keep(&good, dir.path());
            }
        }
    }
    println!(
        "power-cut harness: {} trials, {} transactions reported committed, {} lost, {} integrity failures",
        tally.trials, tally.commits, tally.lost, tally.integrity_failures
    );
    for f in &failures {
        println!("  {f}");
    }
    assert!(tally.commits > 0, "the child must have committed something for the harness to mean anything");
}
