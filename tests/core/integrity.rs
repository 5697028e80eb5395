//! Tamper evidence: rows, documents and the schema changed behind the program's back are named by
//! `integrity::check`; the program's own writes never are.
use crate::common::Clinic;
use btlp_commission::db::Tamper;
use btlp_commission::integrity;

fn admin(c: &Clinic) -> btlp_commission::Actor {
    c.as_("admin")
}

/// The whole check, as the clinic's admin.
fn verify(c: &mut Clinic) -> integrity::Report {
    let a = c.as_("admin");
    integrity::check(&mut c.db, &a).unwrap()
}

#[test]
fn the_programs_own_work_leaves_every_seal_intact() {
    let mut c = Clinic::new();
    c.administered("01.06.2026 10:00");
    let report = verify(&mut c);
    assert!(report.intact(), "a clinic used only through the program must verify: {report:?}");
    assert!(report.rows_checked > 200, "every row is checked, the МКБ-10 catalogue included: {report:?}");
    assert!(report.documents_checked >= 1, "the signed decision is checked too: {report:?}");
}

#[test]
fn a_row_edited_added_or_removed_behind_the_programs_back_is_named() {
    let mut c = Clinic::new();
    c.administered("01.06.2026 10:00");
    let patient = c.adult();
    // A colleague with the key and a SQL shell: none of these goes through the program.
    c.db.conn().execute("UPDATE patients SET last_name = 'Подменов' WHERE id = ?1", [patient]).unwrap();
    c.db.conn()
        .execute("INSERT INTO icd_codes (code, title, kind, source) VALUES ('Z99.9', 'x', 'code', 'shipped')", [])
        .unwrap();
    c.db.conn().execute("DELETE FROM icd_codes WHERE code = 'C91.0'", []).unwrap();
    let report = verify(&mut c);
    assert!(!report.intact(), "tampering must not pass as intact");
    let has = |table: &str, kind: Tamper| report.rows.iter().any(|r| r.table == table && r.kind == kind);
    assert!(
        report.rows.iter().any(|r| r.table == "patients" && r.row == patient.to_string() && r.kind == Tamper::Changed),
        "the edited patient is named by its id: {:?}",
        report.rows
    );
    assert!(has("icd_codes", Tamper::Added), "a row inserted by hand is named");
    assert!(has("icd_codes", Tamper::Removed), "a row deleted by hand is named");
    assert_eq!(report.rows.len(), 3, "and nothing else is: {:?}", report.rows);

    // The program's next write does not launder the edited row: it seals only what it changes itself.
    c.adult();
    let again = verify(&mut c);
    assert_eq!(again.rows.len(), 3, "a later transaction must not re-seal rows it did not write: {:?}", again.rows);
}

#[test]
fn a_dropped_append_only_trigger_is_named() {
    let mut c = Clinic::new();
    c.db.conn().execute_batch("DROP TRIGGER audit_no_update;").unwrap();
    let report = verify(&mut c);
    assert!(
        report.schema.iter().any(|f| f.name == "audit_no_update" && f.state == "missing"),
        "the missing trigger is named: {:?}",
        report.schema
    );
    assert_eq!(report.audit_broken_at, None, "the chain itself is untouched");
}

#[test]
fn meetings_from_before_numbered_protocols_get_numbers_sealed_as_the_programs_own_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut c = crate::common::Clinic::on_file(&path);
    let (first, second) = (c.ready_case(), c.ready_case());
    let a = c.meeting(&crate::common::VOTERS, first);
    let b = c.meeting(&crate::common::VOTERS, second);
    // Back to the schema before protocols were numbered (migration 9 and later not yet run), as an older release
    // left it: the tables those migrations make are dropped.
    // (A migration after 9 that makes a table adds it here.)
    let later = [
        "meeting_protocols",
        "organization_details",
        "export_log",
        "minutes_signatures",
        "minutes_documents",
        "patient_records",
        "search_patients",
        "integrity_checkpoints",
        "signing_methods",
        "signer_identities",
        "trusted_roots",
        "outside_revocations",
    ];
    for table in later {
        c.db.conn().execute("DELETE FROM row_seals WHERE tbl = ?1", [table]).unwrap();
        c.db.conn().execute_batch(&format!("DROP TABLE {table};")).unwrap();
    }
    // The search index's triggers live on `patients`, migration 14 added a column to `row_seals` and migrations
    // 15, 16 and 17 indexes (17's on `minutes_documents` went with its table): those go separately.
    c.db.conn()
        .execute_batch(
            "DROP TRIGGER search_patients_insert; DROP TRIGGER search_patients_delete;
             DROP TRIGGER search_patients_update;
             DROP INDEX row_seals_gen; ALTER TABLE row_seals DROP COLUMN gen;
             DROP INDEX patients_name_birth; DROP INDEX votes_user; DROP INDEX decision_documents_signed;",
        )
        .unwrap();
    c.db.conn().execute_batch("PRAGMA user_version = 8;").unwrap();
    drop(c);
    let mut c = crate::common::Clinic::reopen(&path);
    let number = |id| btlp_commission::commission::meeting(c.db.conn(), id).unwrap().number;
    assert_eq!([number(a), number(b)], [1, 2], "the upgrade numbers the earlier meetings in the order they were held");
    let report = verify(&mut c);
    assert!(report.intact(), "rows the migration wrote are sealed as the program's own: {:?}", report.rows);
}

#[test]
fn only_an_admin_restores_a_backup_from_the_app_into_a_new_file_that_opens_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut c = crate::common::Clinic::on_file(&path);
    c.signed();
    let key =
        btlp_commission::Keyring::load(&path).unwrap().unlock("admin", &crate::common::password("admin")).unwrap();
    let admin = c.as_("admin");
    let made = btlp_commission::backup::create(&mut c.db, &admin, &path, &key, &dir.path().join("copies"), 3).unwrap();
    let target = dir.path().join("restored.db");
    let r = btlp_commission::backup::restore_as(&c.as_("doc"), &made, &target, &crate::common::password("doc"));
    assert!(matches!(r, Err(btlp_commission::Error::Forbidden { .. })), "only an admin restores: {r:?}");
    assert!(!target.exists(), "a refused restore writes nothing");
    let wrong = btlp_commission::backup::restore_as(&admin, &made, &target, "not-the-password");
    assert!(wrong.is_err() && !target.exists(), "a wrong password leaves nothing at the target");
    btlp_commission::backup::restore_as(&admin, &made, &target, &crate::common::password("admin")).unwrap();
    let mut copy = crate::common::Clinic::reopen(&target);
    assert!(verify(&mut copy).intact(), "the restored copy verifies whole");
    let found = btlp_commission::patients::find(copy.db.conn(), "иванов", Default::default(), 10).unwrap().1;
    assert_eq!(found, 1, "the restored copy's search index finds the patient");
    let again = btlp_commission::backup::restore_as(&admin, &made, &target, &crate::common::password("admin"));
    assert!(again.is_err(), "a restore never writes over an existing file");
}

#[test]
fn the_check_of_the_changes_verifies_what_was_written_since_the_last_intact_check() {
    let mut c = Clinic::new();
    c.signed();
    let a = admin(&c);
    let first = integrity::check_changes(&mut c.db, &a).unwrap();
    assert!(first.intact() && first.scope == integrity::Scope::Whole, "with no check before it, the whole check");

    c.signed();
    let day = integrity::check_changes(&mut c.db, &a).unwrap();
    assert!(day.intact(), "the changes verify: {day:?}");
    assert!(matches!(day.scope, integrity::Scope::Changes { .. }), "then only the changes, since the first check");
    assert!(day.rows_checked > 0 && day.rows_checked < first.rows_checked, "the rows sealed since, not every row");
    assert_eq!(day.documents_checked, 1, "the decision signed since, not the one before");
    assert!(day.audit_entries > first.audit_entries, "the audit chain verified on from the checkpoint");

    // A patient registered since the last check, then changed behind the program's back: found by the check
    // of the changes, and found again until an intact check moves the checkpoint.
    let new = c.adult();
    c.db.conn().execute("UPDATE patients SET first_name = 'Пётр' WHERE id = ?1", [new]).unwrap();
    let changed = |r: &integrity::Report| r.rows.iter().any(|f| f.table == "patients" && f.kind == Tamper::Changed);
    let caught = integrity::check_changes(&mut c.db, &a).unwrap();
    assert!(!caught.intact() && changed(&caught), "a row written since, changed after: {:?}", caught.rows);
    let again = integrity::check_changes(&mut c.db, &a).unwrap();
    assert!(changed(&again), "a check that found damage is no checkpoint: the next one finds it again");

    // A row added behind the program's back since the checkpoint is found too.
    c.db.conn()
        .execute_batch("INSERT INTO icd_codes VALUES ('Z99.9', 'Вставлено в обход программы', 'code', 'вручную')")
        .unwrap();
    let added = integrity::check_changes(&mut c.db, &a).unwrap();
    assert!(added.rows.iter().any(|f| f.kind == Tamper::Added), "an unsealed new row: {:?}", added.rows);
    // What it cannot see — an old row changed without a new seal — the whole check does.
    let whole = integrity::check(&mut c.db, &a).unwrap();
    assert!(!whole.intact() && changed(&whole), "the whole check still finds everything");
}

#[test]
fn a_forged_checkpoint_is_not_trusted() {
    let mut c = Clinic::new();
    c.signed();
    let a = admin(&c);
    assert!(integrity::check(&mut c.db, &a).unwrap().intact());
    let new = c.adult();
    c.db.conn().execute("UPDATE patients SET first_name = 'Пётр' WHERE id = ?1", [new]).unwrap();
    // A checkpoint written behind the program's back, claiming everything up to now was verified.
    c.db.conn()
        .execute_batch(
            "INSERT INTO integrity_checkpoints (checked_at, whole, audit_seq, audit_hash, seal_gen, rowids)
             SELECT '2099-01-01T00:00:00+03:00', 1, seq, hash, (SELECT max(gen) FROM row_seals), '{}'
             FROM audit_log ORDER BY seq DESC LIMIT 1",
        )
        .unwrap();
    let report = integrity::check_changes(&mut c.db, &a).unwrap();
    assert_eq!(report.scope, integrity::Scope::Whole, "an unsealed checkpoint sends the check to the whole file");
    assert!(!report.intact(), "which finds the changed patient and the forged checkpoint: {:?}", report.rows);
    assert!(report.rows.iter().any(|f| f.table == "integrity_checkpoints"), "named: {:?}", report.rows);
}

#[test]
fn a_slow_first_open_tells_what_it_is_doing() {
    use btlp_commission::db::Opening;
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut c = crate::common::Clinic::on_file(&path);
    c.signed();
    // As a file from before row seals: every seal gone, and the schema one migration back (migration 18's new
    // tables dropped; the two tables it rebuilds are rebuilt again, which it does to any file).
    c.db.conn()
        .execute_batch(
            "DELETE FROM row_seals; DELETE FROM seal_state;
             DROP TABLE signing_methods; DROP TABLE signer_identities; DROP TABLE trusted_roots;
             DROP TABLE outside_revocations;",
        )
        .unwrap();
    let version: i64 = c.db.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    c.db.conn().execute_batch(&format!("PRAGMA user_version = {}", version - 1)).unwrap();
    drop(c);
    let heard: Arc<Mutex<Vec<Opening>>> = Arc::default();
    let (sink, me) = (Arc::clone(&heard), std::thread::current().id());
    // The observer is the process's; other tests open databases on other threads at the same time.
    btlp_commission::db::observe_opening(move |what| {
        if std::thread::current().id() == me {
            sink.lock().unwrap().push(what);
        }
    });
    let mut c = crate::common::Clinic::reopen(&path);
    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.first(), Some(&Opening::Migrating), "the migration is announced first: {heard:?}");
    assert_eq!(heard.last(), Some(&Opening::Done), "and the end: {heard:?}");
    let sealed = heard.iter().rev().find_map(|o| match o {
        Opening::Sealing { done, total } => Some((*done, *total)),
        _ => None,
    });
    let (done, total) = sealed.expect("the sealing is counted");
    assert!(total > 100 && done == total, "every row counted and sealed: {done} of {total}");
    assert!(verify(&mut c).intact(), "and the file verifies whole after it");
}
