//! The encrypted file, its key file, and refusing to open what is not ours without touching it.
use btlp_commission::clinic;
use btlp_commission::error::Storage;
use btlp_commission::org::NewOrganization;
use btlp_commission::{Db, DbKey, Error, Keyring, Role};
use std::path::{Path, PathBuf};

fn org() -> NewOrganization {
    NewOrganization {
        name: "Клиника".into(),
        licence: "Л041".into(),
        permit_number: "БТЛП-1".into(),
        permit_date: "15.03.2025".into(),
        icu_present: true,
    }
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_wrong_key_is_a_clear_error_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(Db::create(&path, &DbKey::random()).unwrap());
    let before = snapshot(dir.path());
    let r = Db::open(&path, &DbKey::random());
    assert!(
        matches!(r, Err(Error::Storage(Storage::WrongKeyOrNotDatabase(_)))),
        "a wrong key must give the typed storage error"
    );
    assert_eq!(snapshot(dir.path()), before, "opening with a wrong key must not change or add any file");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "Это не база данных, а заметки врача.".repeat(200)).unwrap();
    let before = snapshot(dir.path());
    let r = Db::open(&path, &DbKey::random());
    assert!(matches!(r, Err(Error::Storage(Storage::WrongKeyOrNotDatabase(_)))), "a text file is not a database");
    assert_eq!(snapshot(dir.path()), before, "the file must be left as it was");
}

#[test]
fn an_unencrypted_sqlite_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let plain = rusqlite::Connection::open(&path).unwrap();
    plain.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    drop(plain);
    let before = snapshot(dir.path());
    let r = Db::open(&path, &DbKey::random());
    assert!(matches!(r, Err(Error::Storage(Storage::Unencrypted(_)))), "a plain SQLite file gets its own message");
    assert_eq!(snapshot(dir.path()), before, "the plain file must be left as it was");
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let key = DbKey::random();
    let db = Db::create(&path, &key).unwrap();
    db.conn().execute_batch("PRAGMA user_version = 999;").unwrap();
    drop(db);
    let before = snapshot(dir.path());
    let r = Db::open(&path, &key);
    assert!(
        matches!(r, Err(Error::Storage(Storage::NewerSchema { found: 999, .. }))),
        "a database from a newer program must be refused"
    );
    assert_eq!(snapshot(dir.path()), before, "and not be migrated or otherwise changed");
}

#[test]
fn open_never_creates_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    assert!(matches!(Db::open(&path, &DbKey::random()), Err(Error::Storage(Storage::Missing(_)))));
    assert!(!path.exists(), "opening a missing database must not create one");
}

#[test]
fn the_database_is_encrypted_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let admin = crate::common::user("admin", "Уникальнофамильный Админ", vec![Role::Admin]);
    let s = clinic::init(&path, &org(), &admin).unwrap();
    let mode: String = s.db.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the database must run in WAL mode");
    drop(s);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"), "the file must not have a plain SQLite header");
    let needle = "Уникальнофамильный".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "no name may be stored in plain text");
}

#[test]
fn each_user_unlocks_with_their_own_password_and_repasswording_keeps_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut s = clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap();
    s.add_user(&crate::common::user("doc", "Врачев Врач", vec![Role::Physician])).unwrap();
    drop(s);
    let mut doc = clinic::sign_in(&path, "doc", "doc-password").expect("a new user signs in with their password");
    assert!(
        matches!(
            doc.change_password("doc", None, "a-new-password"),
            Err(Error::Invalid { field: "current_password", .. })
        ),
        "changing one's own password asks for the current one"
    );
    assert!(
        matches!(doc.change_password("doc", Some("a-guess"), "a-new-password"), Err(Error::Auth(_))),
        "a wrong current password changes nothing"
    );
    doc.change_password("doc", Some("doc-password"), "a-new-password").unwrap();
    drop(doc);
    assert!(clinic::sign_in(&path, "doc", "doc-password").is_err(), "the old password must stop working");
    let key_after = Keyring::load(&path).unwrap().unlock("doc", "a-new-password").unwrap();
    assert!(
        Db::open(&path, &key_after).is_ok(),
        "a password change must re-wrap the same key, so it still opens the database"
    );
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    admin.deactivate("doc").unwrap();
    assert!(
        matches!(clinic::sign_in(&path, "doc", "a-new-password"), Err(Error::Auth(_))),
        "a deactivated user must not unlock the database"
    );
}

#[test]
fn a_failed_init_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut bad = org();
    bad.permit_date = "31.02.2025".into();
    let r = clinic::init(&path, &bad, &crate::common::user("admin", "Админов Админ", vec![Role::Admin]));
    assert!(matches!(r, Err(Error::Invalid { field: "permit_date", .. })), "an impossible date names its field");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no half-made database may remain");
}

#[test]
fn the_key_file_never_reveals_the_key_and_a_missing_one_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap());
    std::fs::remove_file(Keyring::path_for(&path)).unwrap();
    let r = clinic::sign_in(&path, "admin", "admin-password");
    assert!(
        matches!(r, Err(Error::Storage(Storage::KeyFileMissing(_)))),
        "a lost key file must be named as the problem"
    );
}

/// Two instances of the app on one database (two windows, or the app and the CLI) write at once: every write
/// waits its turn and lands, none fails with "database is locked", and the audit chain stays whole.
#[test]
fn two_instances_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap());
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = clinic::sign_in(&path, "admin", "admin-password").unwrap();
                let actor = s.actor.clone();
                (0..40)
                    .map(|i| btlp_commission::production::add_room(&mut s.db, &actor, &format!("Помещение {w}-{i}"), 0))
                    .filter(|r| r.is_err())
                    .map(|r| format!("{:?}", r.unwrap_err()))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let failures: Vec<String> = writers.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert!(failures.is_empty(), "no write of either instance may fail: {failures:?}");
    let s = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let rooms: i64 = s.db.conn().query_row("SELECT count(*) FROM rooms", [], |r| r.get(0)).unwrap();
    assert_eq!(rooms, 80, "every write of both instances is stored");
    let ok: String = s.db.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    assert!(
        matches!(btlp_commission::audit::verify(s.db.conn()).unwrap(), btlp_commission::audit::Verdict::Intact { .. }),
        "the audit chain stays whole with two writers"
    );
}

/// A backup taken while another instance writes is a consistent snapshot: it verifies, restores into a new
/// file that opens with a user's password, passes `integrity_check` and its audit chain; a backup whose bytes
/// changed is refused and leaves nothing behind; rotation keeps the newest.
#[test]
fn a_backup_taken_while_writing_restores_whole_and_a_damaged_one_is_refused() {
    use btlp_commission::backup;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap());
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut s = clinic::sign_in(&path, "admin", "admin-password").unwrap();
            let actor = s.actor.clone();
            for i in 0..60 {
                btlp_commission::production::add_room(&mut s.db, &actor, &format!("Помещение {i}"), 0).unwrap();
            }
        })
    };
    let mut s = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let out = dir.path().join("backups");
    let first = s.backup(&out, 2).expect("an admin backs up while the other instance writes");
    writer.join().unwrap();
    backup::verify(&first).expect("the manifest's digests match the files");
    let restored = dir.path().join("restored.db");
    backup::restore(&first, &restored, "admin", "admin-password").expect("the backup restores into a new file");
    let r = clinic::sign_in(&restored, "admin", "admin-password").unwrap();
    let rooms: i64 = r.db.conn().query_row("SELECT count(*) FROM rooms", [], |x| x.get(0)).unwrap();
    assert!((0..=60).contains(&rooms), "a snapshot of some moment of the writing: {rooms} rooms");
    let audited: i64 =
        r.db.conn().query_row("SELECT count(*) FROM audit_log WHERE action = 'room.add'", [], |x| x.get(0)).unwrap();
    assert_eq!(audited, rooms, "every room in the snapshot has its audit entry: nothing half-written");
    assert!(
        backup::restore(&first, &restored, "admin", "admin-password").is_err(),
        "a restore never overwrites an existing database"
    );

    let second = s.backup(&out, 2).unwrap();
    let third = s.backup(&out, 2).unwrap();
    assert!(!first.exists() && second.exists() && third.exists(), "rotation keeps the newest two");

    let db_file = third.join("clinic.db");
    let mut bytes = std::fs::read(&db_file).unwrap();
    let n = bytes.len() / 2;
    bytes[n] ^= 0xFF;
    std::fs::write(&db_file, bytes).unwrap();
    let target = dir.path().join("from-damaged.db");
    assert!(backup::verify(&third).is_err(), "a changed byte fails the SHA-256 check");
    assert!(backup::restore(&third, &target, "admin", "admin-password").is_err(), "a damaged backup is refused");
    assert!(!target.exists(), "and nothing is left behind");
}

#[test]
fn a_write_protected_database_is_refused_with_a_clear_message_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    drop(clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap());
    let before = std::fs::read(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = clinic::sign_in(&path, "admin", "admin-password").err().expect("a write-protected file is refused");
    assert!(matches!(err, Error::Storage(Storage::ReadOnly)), "as read-only, not a raw SQLite error: {err:?}");
    assert!(err.message(btlp_commission::Lang::Ru).contains("только для чтения"), "in words the user understands");
    assert_eq!(std::fs::read(&path).unwrap(), before, "and the file is left as it was");
}

#[test]
fn a_database_that_turns_read_only_or_fills_its_disk_keeps_everything_committed() {
    use btlp_commission::integrity;
    let mut c = crate::common::Clinic::new();
    let doc = c.as_("doc");
    let admin = c.as_("admin");
    // Read-only mid-session (a disk remounted read-only): the change is refused as such.
    c.db.conn().execute_batch("PRAGMA query_only = 1;").unwrap();
    let r = btlp_commission::patients::register(&mut c.db, &doc, &crate::common::adult_patient());
    assert!(matches!(r, Err(Error::Storage(Storage::ReadOnly))), "a read-only database is named as such: {r:?}");
    c.db.conn().execute_batch("PRAGMA query_only = 0;").unwrap();

    // The disk fills up: SQLite may not grow the file past its current size.
    let pages: i64 = c.db.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    c.db.conn().execute_batch(&format!("PRAGMA max_page_count = {};", pages + 2)).unwrap();
    let mut saved = 0;
    let err = loop {
        match btlp_commission::patients::register(&mut c.db, &doc, &crate::common::adult_patient()) {
            Ok(_) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 10_000, "the page limit must stop the writes");
    };
    assert!(matches!(err, Error::Storage(Storage::DiskFull)), "a full disk is named as such: {err:?}");
    assert!(err.message(btlp_commission::Lang::Ru).contains("Диск с базой данных заполнен"), "in words");
    assert_eq!(c.count("patients"), saved, "every patient saved before the disk filled is there, the failed one not");
    let report = integrity::check(&mut c.db, &admin).unwrap();
    assert!(report.intact(), "the file, the audit chain and every seal are whole after the failed write: {report:?}");
    c.db.conn().execute_batch("PRAGMA max_page_count = 1073741823;").unwrap();
    assert!(
        btlp_commission::patients::register(&mut c.db, &doc, &crate::common::adult_patient()).is_ok(),
        "once there is room again, work goes on"
    );
}

#[test]
fn the_scheduled_backup_runs_when_due_and_keeps_the_set_number() {
    use btlp_commission::backup::{self, Schedule};
    use btlp_commission::Clock;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut s = clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap();
    let out = dir.path().join("backups");
    let admin = s.actor.clone();
    let bad = Schedule { folder: "backups".into(), every_hours: 24, keep: 2 };
    let r = backup::set_schedule(&mut s.db, &admin, Some(&bad));
    assert!(matches!(r, Err(Error::Invalid { field: "backup_folder", .. })), "a relative folder is refused by name");
    let bad = Schedule { folder: out.display().to_string(), every_hours: 0, keep: 2 };
    let r = backup::set_schedule(&mut s.db, &admin, Some(&bad));
    assert!(matches!(r, Err(Error::Invalid { field: "backup_every_hours", .. })), "so is a zero interval");
    assert!(s.backup_if_due().unwrap().is_none(), "no schedule, no backup");

    let every_day = Schedule { folder: out.display().to_string(), every_hours: 24, keep: 2 };
    backup::set_schedule(&mut s.db, &admin, Some(&every_day)).unwrap();
    let mut at = chrono::DateTime::parse_from_rfc3339("2026-06-01T09:00:00+03:00").unwrap();
    s.db.set_clock(Clock::Fixed(at));
    let first = s.backup_if_due().unwrap().expect("the first scheduled backup is due at once");
    backup::verify(&first).expect("and verifies");
    at += chrono::Duration::hours(23);
    s.db.set_clock(Clock::Fixed(at));
    assert!(s.backup_if_due().unwrap().is_none(), "23 hours later none is due yet");
    for _ in 0..2 {
        at += chrono::Duration::hours(25);
        s.db.set_clock(Clock::Fixed(at));
        assert!(s.backup_if_due().unwrap().is_some(), "a day later the next is made");
    }
    let kept = std::fs::read_dir(&out).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
    assert_eq!(kept, 2, "rotation keeps the newest two of three");
    assert!(!first.exists(), "the oldest is the one removed");
    let (_, last) = backup::schedule(s.db.conn()).unwrap();
    assert_eq!(last.as_deref(), Some(at.to_rfc3339().as_str()), "the last backup's time is kept for the app to show");
}

#[test]
fn a_backup_now_needs_a_schedule_and_uses_its_folder() {
    use btlp_commission::backup::{self, Schedule};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut s = clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap();
    let r = s.backup_now();
    assert!(matches!(r, Err(Error::Invalid { field: "backup_folder", .. })), "no schedule: the folder is asked for");
    let out = dir.path().join("copies");
    let admin = s.actor.clone();
    backup::set_schedule(
        &mut s.db,
        &admin,
        Some(&Schedule { folder: out.display().to_string(), every_hours: 24, keep: 1 }),
    )
    .unwrap();
    let first = s.backup_now().unwrap();
    let second = s.backup_now().unwrap();
    assert!(second.starts_with(&out), "the copy goes to the scheduled folder");
    assert!(!first.exists(), "and the schedule's number of copies is kept");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_clinics_files_are_readable_by_their_owner_only_and_a_readable_database_is_warned_of() {
    use btlp_commission::journal::{self, Format};
    use btlp_commission::Lang;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut s = clinic::init(&path, &org(), &crate::common::user("admin", "Админов Админ", vec![Role::Admin])).unwrap();
    // A wrong password writes the sign-in counters.
    assert!(clinic::sign_in(&path, "admin", "wrong password").is_err());
    let actor = s.actor.clone();
    btlp_commission::production::add_room(&mut s.db, &actor, "Чистое помещение", 0).unwrap();
    let suffix = |end: &str| PathBuf::from(format!("{}{end}", path.display()));
    for file in
        [path.clone(), suffix("-wal"), suffix("-shm"), suffix(".keys"), suffix(".signin"), suffix(".signin.lock")]
    {
        assert_eq!(mode(&file), 0o600, "{} must be readable by its owner only", file.display());
    }

    let backups = dir.path().join("backups");
    let backup = s.backup(&backups, 2).unwrap();
    assert_eq!(mode(&backups), 0o700, "the backup folder is its owner's alone");
    assert_eq!(mode(&backup), 0o700, "so is each backup in it");
    for entry in std::fs::read_dir(&backup).unwrap() {
        let file = entry.unwrap().path();
        assert_eq!(mode(&file), 0o600, "{} in a backup must be readable by its owner only", file.display());
    }
    let export = dir.path().join("journal.csv");
    journal::export(&mut s.db, &actor, "проверка прав", "", "", Format::Csv, Lang::Ru, &export).unwrap();
    assert_eq!(mode(&export), 0o600, "an export holds patients' data: its owner's alone");

    assert!(!s.readable_by_others(), "files the program made are not readable by others");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    assert!(s.readable_by_others(), "a database other OS users can read must be warned of at sign-in");
}
