//! Issue 7's figures. On the 100,000-case clinic (`bench/data/scale.db`, seeded by `bench/scale.sh`): the first
//! open of a file made before row seals (migration + sealing every row), open + unlock, the case list, patient
//! search, the meeting screen's data for the largest meeting, the whole integrity check, and a write's commit
//! latency (synchronous=FULL). On a fresh clinic file on the same disk: recording an administration, the real
//! core call, 30 times. Peak memory of the process at the end. Prints each figure and one JSON line.
//! `BTLP_TRUST_UNSEAL=1` first removes every seal, so the first open measures sealing a pre-seal file again.
#[path = "../tests/common/mod.rs"]
mod common;
mod timing;

use timing::{ms, peak_mib, spread};

use btlp_commission::{administrations, cases, clinic, integrity, patients, screens};
use std::path::PathBuf;

fn main() {
    let path = std::env::var_os("BTLP_SCALE_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/data/scale.db")));
    assert!(
        path.exists(),
        "{} is missing: run bench/scale.sh first (it seeds the 100,000-case clinic)",
        path.display()
    );

    if std::env::var_os("BTLP_TRUST_UNSEAL").is_some() {
        // Measure the upgrade path again: forget every seal, as in a file from before migration 7.
        let key = btlp_commission::Keyring::load(&path).unwrap().unlock("admin", "admin-demo").unwrap();
        let db = btlp_commission::Db::open(&path, &key).unwrap();
        db.conn().execute_batch("DELETE FROM row_seals; DELETE FROM seal_state;").unwrap();
    }
    let first = ms(|| drop(clinic::sign_in(&path, "admin", "admin-demo").unwrap()));
    println!(
        "first open of this file: {first:.0} ms (on a file from before row seals: migration 7 + sealing every row)"
    );
    let (open, _) = spread(5, || drop(clinic::sign_in(&path, "admin", "admin-demo").unwrap()));
    println!("open + unlock (key file argon2id, SQLCipher, sign-in argon2id, CA key): {open:.0} ms median of 5");

    let mut s = clinic::sign_in(&path, "admin", "admin-demo").unwrap();
    let total: i64 = s.db.conn().query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).unwrap();
    let (list, _) = spread(20, || {
        cases::list(s.db.conn(), None, 50, 0).unwrap();
    });
    let (search, _) = spread(20, || {
        patients::find(s.db.conn(), "Петров1234", Default::default(), 25).unwrap();
    });
    println!("{total} cases: case list (first 50) {list:.1} ms, patient/case search by name {search:.1} ms (medians)");

    let meeting: uuid::Uuid = s
        .db
        .conn()
        .query_row("SELECT meeting_id FROM agenda_items GROUP BY meeting_id ORDER BY count(*) DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut items = 0;
    let (meeting_ms, _) = spread(10, || {
        // What the meeting screen's command reads (the core's read model).
        items = screens::meeting(s.db.conn(), meeting).unwrap().agenda.len();
    });
    println!("meeting screen data (largest meeting, {items} agenda items): {meeting_ms:.1} ms median of 10");
    // Beside it, the same data gathered as the screen did before issue 17: one read per item of its case, its
    // patient, its tally and its protocol.
    let (per_item_ms, _) = spread(10, || {
        let m = btlp_commission::commission::meeting(s.db.conn(), meeting).unwrap();
        for item in btlp_commission::commission::agenda(s.db.conn(), meeting).unwrap() {
            let case = cases::get(s.db.conn(), item.case_id).unwrap();
            std::hint::black_box(patients::get(s.db.conn(), case.patient_id).unwrap());
            std::hint::black_box(btlp_commission::commission::tally(s.db.conn(), &m, item.case_id).unwrap());
            std::hint::black_box(btlp_commission::commission::protocol(s.db.conn(), meeting, item.case_id).unwrap());
        }
    });
    println!("the same data read item by item, as before: {per_item_ms:.1} ms median of 10");

    let actor = s.actor.clone();
    let mut report = None;
    let check_ms = ms(|| report = Some(integrity::check(&mut s.db, &actor).unwrap()));
    let report = report.unwrap();
    println!(
        "integrity check: {check_ms:.0} ms ({} rows, {} signed PDFs, {} audit entries; intact: {})",
        report.rows_checked,
        report.documents_checked,
        report.audit_entries,
        report.intact()
    );
    // The same run's yardstick: reading the whole file and hashing it once (SHA-256), from a cold page cache
    // as far as a user process can make it (read through in chunks, not mapped).
    use sha2::Digest;
    let mut bytes = 0;
    let read_hash_ms = ms(|| {
        let mut hasher = sha2::Sha256::new();
        bytes = std::io::copy(&mut std::fs::File::open(&path).unwrap(), &mut hasher).unwrap();
        std::hint::black_box(hasher.finalize());
    });
    println!(
        "reading and hashing the file once ({:.0} MiB): {read_hash_ms:.0} ms; the whole check is {:.1}× that",
        bytes as f64 / 1048576.0,
        check_ms / read_hash_ms
    );
    drop(s);

    let mut doc = clinic::sign_in(&path, "doctor", "doctor-demo").unwrap();
    let who = doc.actor.clone();
    let (write, write_p95) = spread(30, || {
        patients::register(&mut doc.db, &who, &common::adult_patient()).unwrap();
    });
    println!("a write at scale (register a patient: row, search index, audit entry, seals; synchronous=FULL): {write:.1} ms median, {write_p95:.1} ms p95 of 30");
    // The same write without the search index's triggers (as before migration 13), on the same file in the same
    // run, then the triggers and the index put back as they were.
    let triggers: Vec<String> = {
        let mut stmt = doc
            .db
            .conn()
            .prepare("SELECT sql FROM sqlite_master WHERE name LIKE 'search_patients_%' AND type = 'trigger'")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().flatten().collect()
    };
    for name in ["insert", "delete", "update"] {
        doc.db.conn().execute_batch(&format!("DROP TRIGGER search_patients_{name}")).unwrap();
    }
    let (unindexed, unindexed_p95) = spread(30, || {
        patients::register(&mut doc.db, &who, &common::adult_patient()).unwrap();
    });
    for sql in &triggers {
        doc.db.conn().execute_batch(sql).unwrap();
    }
    doc.db.conn().execute_batch("INSERT INTO search_patients (search_patients) VALUES ('rebuild')").unwrap();
    println!("the same write without the search index (before migration 13): {unindexed:.1} ms median, {unindexed_p95:.1} ms p95 of 30");
    drop(doc);
    // The check of the changes since the whole check above: the 60 patients just registered, their audit
    // entries and seals, and the index's rebuild.
    let mut s = clinic::sign_in(&path, "admin", "admin-demo").unwrap();
    let mut changes = None;
    let changes_ms = ms(|| changes = Some(integrity::check_changes(&mut s.db, &actor).unwrap()));
    let changes = changes.unwrap();
    println!(
        "integrity check of the changes since it ({} rows, {} audit entries verified on; intact: {}): {changes_ms:.0} ms",
        changes.rows_checked,
        changes.audit_entries,
        changes.intact()
    );
    drop(s);

    // Recording an administration: a fresh clinic file on the same disk, 30 decisions made ready beforehand.
    let dir = tempfile::tempdir_in(path.parent().unwrap()).unwrap();
    let mut c = common::Clinic::on_file(&dir.path().join("clinic.db"));
    let ready: Vec<_> = (0..30)
        .map(|_| {
            let (case, decision) = c.signed();
            c.consent(case, "25.05.2026").unwrap();
            let mut a = common::given(decision, "01.06.2026 10:00");
            a.batch = c.batch_code(decision);
            a
        })
        .collect();
    let doc = c.as_("doc");
    let mut times: Vec<f64> = ready
        .iter()
        .map(|a| {
            ms(|| {
                administrations::record(&mut c.db, &doc, a).unwrap();
            })
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    let (adm, adm_p95) = (times[15], times[28]);
    println!("recording an administration (checks, batch stage, report opened, audit, seals; commit with synchronous=FULL): {adm:.1} ms median, {adm_p95:.1} ms p95 of 30");
    let peak = peak_mib();
    println!("peak memory of this process: {peak:.0} MiB");
    println!(
        "{{\"first_open_ms\":{first:.0},\"open_unlock_ms\":{open:.0},\"cases\":{total},\"case_list_ms\":{list:.2},\
         \"search_ms\":{search:.2},\"meeting_items\":{items},\"meeting_ms\":{meeting_ms:.2},\"meeting_per_item_ms\":{per_item_ms:.2},\"integrity_ms\":{check_ms:.0},\
         \"integrity_rows\":{},\"read_hash_ms\":{read_hash_ms:.0},\"integrity_changes_ms\":{changes_ms:.0},\"write_ms\":{write:.2},\"write_p95_ms\":{write_p95:.2},\"write_unindexed_ms\":{unindexed:.2},\"administration_ms\":{adm:.2},\
         \"administration_p95_ms\":{adm_p95:.2},\"peak_mib\":{peak:.0}}}",
        report.rows_checked
    );
}
