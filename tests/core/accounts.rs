//! Keys and accounts under trouble: a forgotten password, a lost key file, someone guessing passwords.
use crate::common::user;
use btlp_commission::clinic;
use btlp_commission::error::{AuthFailure, Storage};
use btlp_commission::org::NewOrganization;
use btlp_commission::people::lockout::{Guard, LOCK_AFTER};
use btlp_commission::signing::ca;
use btlp_commission::{pki, Error, Keyring, Lang, Role};
use chrono::{Duration, Utc};
use std::path::Path;

fn org() -> NewOrganization {
    NewOrganization {
        name: "Клиника".into(),
        licence: "Л041-1".into(),
        permit_number: "БТЛП-1".into(),
        permit_date: "15.03.2025".into(),
        icu_present: true,
    }
}

fn clinic_with_chair(path: &Path) {
    let mut s = clinic::init(path, &org(), &user("admin", "Админов Админ", vec![Role::Admin])).unwrap();
    s.add_user(&user("chair", "Председателев Петр", vec![Role::Chair])).unwrap();
}

fn audited(path: &Path, action: &str) -> i64 {
    let s = clinic::sign_in(path, "admin", "admin-password").unwrap();
    s.db.conn().query_row("SELECT count(*) FROM audit_log WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[test]
fn an_admin_reset_rewraps_the_key_issues_a_new_certificate_and_revokes_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let before: Vec<_> = pki::list(admin.db.conn()).unwrap().into_iter().filter(|c| c.login == "chair").collect();
    assert_eq!(before.len(), 1, "the chair has one certificate");
    admin.change_password("chair", None, "forgotten-and-reset").unwrap();
    let after: Vec<_> = pki::list(admin.db.conn()).unwrap().into_iter().filter(|c| c.login == "chair").collect();
    drop(admin);
    let old = after.iter().find(|c| c.serial == before[0].serial).unwrap();
    assert!(old.revoked_at.is_some(), "the old certificate is revoked: its key needs the forgotten password");
    assert!(
        after.iter().any(|c| c.serial != before[0].serial && c.revoked_at.is_none()),
        "a new certificate is issued for the new key"
    );
    assert!(
        matches!(clinic::sign_in(&path, "chair", "chair-password"), Err(Error::Auth(_))),
        "the forgotten password no longer opens anything"
    );
    let chair = clinic::sign_in(&path, "chair", "forgotten-and-reset");
    assert!(chair.is_ok(), "the key file was re-wrapped for the new password");
}

#[test]
fn a_lost_key_file_is_named_and_a_backups_copy_brings_the_database_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let backup = admin.backup(&dir.path().join("backups"), 3).unwrap();
    drop(admin);
    std::fs::remove_file(Keyring::path_for(&path)).unwrap();
    let err = clinic::sign_in(&path, "chair", "chair-password").err().expect("no key file, no way in");
    assert!(matches!(err, Error::Storage(Storage::KeyFileMissing(_))), "the missing key file is the named problem");
    let told = err.message(Lang::Ru);
    assert!(told.contains("резервной копии") && told.contains("clinic.db.keys"), "and the way out is said: {told}");
    std::fs::copy(backup.join("clinic.db.keys"), Keyring::path_for(&path)).unwrap();
    assert!(
        clinic::sign_in(&path, "chair", "chair-password").is_ok(),
        "the key file from a backup opens the live database (the same key wraps both)"
    );
}

#[test]
fn failed_sign_ins_slow_down_then_lock_the_account_until_an_admin_unlocks_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let mut now = Utc::now();
    let wrong = |now| clinic::sign_in_at(&path, "chair", "guess", now).err().unwrap();
    assert!(matches!(wrong(now), Error::Auth(AuthFailure::BadCredentials)), "a first wrong password");
    assert!(matches!(wrong(now), Error::Auth(AuthFailure::BadCredentials)), "a second one, at once");
    assert!(matches!(wrong(now), Error::Auth(AuthFailure::BadCredentials)), "a third one, at once");
    let r = clinic::sign_in_at(&path, "chair", "chair-password", now);
    assert!(
        matches!(r, Err(Error::Auth(AuthFailure::TooSoon { seconds: 2 }))),
        "after three failures even the right password must wait 2 s before it is tried"
    );
    for _ in 4..LOCK_AFTER {
        now += Duration::seconds(301);
        assert!(matches!(wrong(now), Error::Auth(AuthFailure::BadCredentials)), "failures go on being counted");
    }
    now += Duration::seconds(301);
    assert!(
        matches!(wrong(now), Error::Auth(AuthFailure::Locked { .. })),
        "the {LOCK_AFTER}th failure locks the account"
    );
    now += Duration::days(1);
    let r = clinic::sign_in_at(&path, "chair", "chair-password", now);
    assert!(
        matches!(r, Err(Error::Auth(AuthFailure::Locked { .. }))),
        "a locked account stays locked, right password or not"
    );

    // The admin's sign-in writes the failures and the lock to the audit trail and into the database.
    assert_eq!(audited(&path, "user.sign_in_failed"), LOCK_AFTER as i64, "every failure is audited");
    assert_eq!(audited(&path, "user.lock"), 1, "and the lock");
    std::fs::remove_file(Guard::path_for(&path)).unwrap();
    let r = clinic::sign_in(&path, "chair", "chair-password");
    assert!(matches!(r, Err(Error::Auth(AuthFailure::Locked { .. }))), "deleting the counters file does not unlock");

    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let chair = btlp_commission::people::list(&admin.db).unwrap().into_iter().find(|u| u.login == "chair");
    assert!(chair.unwrap().locked, "the user list shows the lock");
    let doc = clinic::sign_in(&path, "chair", "chair-password");
    assert!(doc.is_err(), "still locked while the admin looks");
    admin.unlock("chair").unwrap();
    drop(admin);
    assert!(clinic::sign_in(&path, "chair", "chair-password").is_ok(), "an admin's unlock lets the user in again");
    assert_eq!(audited(&path, "user.unlock"), 1, "the unlock is audited");
}

#[test]
fn a_member_guessing_on_a_shared_workstation_is_counted_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    for _ in 0..3 {
        assert!(admin.act_as("chair", "guess").is_err());
    }
    let r = admin.act_as("chair", "chair-password");
    assert!(matches!(r, Err(Error::Auth(AuthFailure::TooSoon { .. }))), "the same waits apply when acting as someone");
    let failures: i64 = admin
        .db
        .conn()
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'user.sign_in_failed'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(failures, 3, "with the database open, failures are audited at once");
}

#[test]
fn two_workstations_counting_failures_at_once_lose_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let now = Utc::now();
    let workers: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|login| {
            let db = db.clone();
            std::thread::spawn(move || {
                for _ in 0..15 {
                    Guard::update(&db, |g| g.fail(login, now)).unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let events = Guard::update(&db, |g| Ok(g.take_pending())).unwrap();
    for login in ["a", "b", "c"] {
        let failures = events.iter().filter(|e| e.login == login && e.action == "user.sign_in_failed").count();
        assert_eq!(failures, 15, "every failure of {login} counted while others were counted too must be kept");
    }
}

#[test]
fn two_admins_adding_users_at_once_lose_no_key_file_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let key = btlp_commission::DbKey::random();
    Keyring::create(&db).unwrap().add("admin", "admin-password", &key).unwrap();
    let workers: Vec<_> = ["x", "y"]
        .into_iter()
        .map(|prefix| {
            let (db, key) = (db.clone(), key.clone());
            std::thread::spawn(move || {
                for i in 0..6 {
                    Keyring::update(&db, |ring| ring.add(&format!("{prefix}{i}"), "user-password", &key)).unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let ring = Keyring::load(&db).unwrap();
    assert_eq!(
        ring.logins().len(),
        13,
        "the admin and all 12 users added at once keep their entries: {:?}",
        ring.logins()
    );
    ring.unlock("y5", "user-password").expect("the last one added unlocks the database");
}

#[test]
fn a_session_opens_from_a_key_already_unlocked_with_the_users_own_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    // The clinic server unlocked the key once at start; each user then signs in with their own password.
    let key = Keyring::load(&path).unwrap().unlock("admin", "admin-password").unwrap();
    let now = Utc::now();
    let s = clinic::sign_in_with_key(&path, &key, "Chair", "chair-password", now).expect("the chair signs in");
    assert_eq!(s.actor.login, "chair", "the session is the chair's own");
    drop(s);
    let r = clinic::sign_in_with_key(&path, &key, "chair", "a-guess", now);
    assert!(
        matches!(r, Err(Error::Auth(AuthFailure::BadCredentials))),
        "holding the key does not spare the password check: {:?}",
        r.err()
    );
    let events = Guard::update(&path, |g| Ok(g.take_pending())).unwrap();
    assert_eq!(events.len(), 1, "the failure is counted as any failed sign-in is: {events:?}");
    let mut admin = clinic::sign_in_with_key(&path, &key, "admin", "admin-password", now).unwrap();
    admin.deactivate("chair").unwrap();
    assert!(
        matches!(
            clinic::sign_in_with_key(&path, &key, "chair", "chair-password", now),
            Err(Error::Auth(AuthFailure::Inactive))
        ),
        "a deactivated user cannot sign in on an unlocked database either"
    );
}

#[test]
fn the_clinic_server_certificate_names_its_hosts_serves_tls_only_and_chains_to_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    let certificates = |s: &btlp_commission::Session| -> i64 {
        s.db.conn().query_row("SELECT count(*) FROM certificates", [], |r| r.get(0)).unwrap()
    };
    let before = certificates(&admin);
    let r = admin.issue_server_tls("btlp.clinic.local, bad host!");
    assert!(
        matches!(r, Err(Error::Invalid { field: "san", check: btlp_commission::error::Check::HostName })),
        "a name that is not a host is refused beside the field"
    );
    let tls = admin.issue_server_tls("BTLP.clinic.local,192.168.1.10").unwrap();
    let der = ca::from_pem(&tls.cert_pem).unwrap();
    let (hosts, serves) = ca::server_names(&der).unwrap();
    assert_eq!(
        hosts,
        vec![ca::Host::Dns("btlp.clinic.local".into()), ca::Host::Ip("192.168.1.10".parse().unwrap())],
        "rustls and browsers match the subjectAltName, so every host is in it"
    );
    assert!(serves, "extendedKeyUsage serverAuth, as browsers want");
    let root = pki::root_cert(admin.db.conn()).unwrap();
    assert!(ca::verify_issued(&der, &root).unwrap(), "the certificate chains to the clinic root");
    assert!(tls.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"), "the key is PKCS#8 PEM");
    assert_eq!(certificates(&admin), before, "a server certificate is never entered among the signers'");
    let mut chair = clinic::sign_in(&path, "chair", "chair-password").unwrap();
    assert!(
        matches!(chair.issue_server_tls("btlp.clinic.local"), Err(Error::Forbidden { action: "tls_issue" })),
        "only admins issue the server's certificate"
    );
}

#[test]
fn an_unlock_file_opens_the_database_only_while_private_to_its_owner_and_registered() {
    use btlp_commission::db::unlock_file;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    clinic_with_chair(&path);
    let file = dir.path().join("unlock.secret");
    let mut chair = clinic::sign_in(&path, "chair", "chair-password").unwrap();
    assert!(
        matches!(chair.create_unlock_file(&file), Err(Error::Forbidden { action: "unlock_file_manage" })),
        "only an admin makes an unlock file"
    );
    assert!(!file.exists(), "and nothing is written");
    let mut admin = clinic::sign_in(&path, "admin", "admin-password").unwrap();
    admin.create_unlock_file(&file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "written for its owner only");
    let key = unlock_file::unlock(&path, &file).expect("a private, registered unlock file gives the key");
    btlp_commission::Db::open(&path, &key).expect("and the key opens the database");
    assert!(
        matches!(admin.create_unlock_file(&file), Err(Error::Storage(Storage::AlreadyExists(_)))),
        "an existing file is never overwritten"
    );

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = unlock_file::unlock(&path, &file);
    assert!(
        matches!(&r, Err(Error::Storage(Storage::UnlockFileMode { mode: 0o644, .. }))),
        "a file others may read is refused, saying why: {:?}",
        r.as_ref().err()
    );
    let said = r.err().unwrap().message(Lang::Ru);
    assert!(said.contains("0644") && said.contains("chmod 600"), "the message gives the mode and the fix: {said}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
    unlock_file::unlock(&path, &file).expect("0400 is as good as 0600");

    // Owned by another user (only root can give a file away; elsewhere this part cannot be staged).
    if std::os::unix::fs::chown(&file, Some(65534), None).is_ok() {
        assert!(
            matches!(
                unlock_file::unlock(&path, &file),
                Err(Error::Storage(Storage::UnlockFileOwner { owner: 65534, .. }))
            ),
            "a file of another user is refused"
        );
        std::os::unix::fs::chown(&file, Some(my_uid()), None).unwrap();
    }

    admin.remove_unlock_file().unwrap();
    assert!(
        matches!(unlock_file::unlock(&path, &file), Err(Error::Storage(Storage::UnlockFileUnknown(_)))),
        "once removed, the file opens nothing"
    );
    assert_eq!(audited(&path, "unlock_file.create"), 1, "making it is audited");
    assert_eq!(audited(&path, "unlock_file.remove"), 1, "and removing it");
}

/// The user this test runs as: the owner of a file it has just created.
fn my_uid() -> u32 {
    let probe = tempfile::NamedTempFile::new().unwrap();
    std::os::unix::fs::MetadataExt::uid(&probe.as_file().metadata().unwrap())
}
