//! Roles and authority: every operation checks the acting user's role.
use crate::common::{password, user, Clinic};
use btlp_commission::error::Rule;
use btlp_commission::people;
use btlp_commission::{Error, Role};

#[test]
fn only_an_admin_creates_users() {
    let mut c = Clinic::new();
    let doc = c.as_("doc");
    let r = people::create(&mut c.db, &doc, &user("newbie", "Новиков Новик", vec![Role::Physician]), |_, _| Ok(()));
    assert!(matches!(r, Err(Error::Forbidden { action: "user_create" })), "a physician must not create users");
}

#[test]
fn a_wrong_password_does_not_sign_in() {
    let mut c = Clinic::new();
    assert!(
        matches!(people::sign_in(&mut c.db, "doc", "not-the-password"), Err(Error::Auth(_))),
        "a wrong password must be refused"
    );
    assert!(people::sign_in(&mut c.db, "doc", "doc-password").is_ok(), "the right one signs in");
}

#[test]
fn short_passwords_and_bad_logins_name_their_field() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    let mut u = user("x y", "Пробелов Пробел", vec![Role::Member]);
    let r = people::create(&mut c.db, &admin, &u, |_, _| Ok(()));
    assert!(matches!(r, Err(Error::Invalid { field: "login", .. })), "a login with a space names the login field");
    u.login = "valid".into();
    u.password = "short".into();
    let r = people::create(&mut c.db, &admin, &u, |_, _| Ok(()));
    assert!(matches!(r, Err(Error::Invalid { field: "password", .. })), "a short password names its field");
}

#[test]
fn an_admin_cannot_deactivate_themselves() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    people::create(&mut c.db, &admin, &user("admin2", "Второв Админ", vec![Role::Admin]), |_, _| Ok(())).unwrap();
    let r = people::deactivate(&mut c.db, &admin, "admin", || Ok(()));
    assert!(
        matches!(r, Err(Error::Refused(Rule::SelfDeactivate))),
        "an admin must not lock themselves out, even with another admin left: {r:?}"
    );
    assert!(people::sign_in(&mut c.db, "admin", &password("admin")).is_ok(), "the refused admin still signs in");
}

#[test]
fn a_deactivated_admins_open_session_deactivates_no_one() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    people::create(&mut c.db, &admin, &user("admin2", "Второв Админ", vec![Role::Admin]), |_, _| Ok(())).unwrap();
    let admin2 = people::sign_in(&mut c.db, "admin2", &password("admin2")).unwrap();
    people::deactivate(&mut c.db, &admin, "admin2", || Ok(())).expect("another admin remains, so this is allowed");
    // admin2's session at another workstation is still open: it must not take away the only active admin.
    let r = people::deactivate(&mut c.db, &admin2, "admin", || Ok(()));
    assert!(matches!(r, Err(Error::Refused(Rule::UserInactive))), "a deactivated admin decides nothing: {r:?}");
    assert!(people::sign_in(&mut c.db, "admin", &password("admin")).is_ok(), "the last admin still signs in");
    people::deactivate(&mut c.db, &admin, "doc", || Ok(())).expect("a non-admin may be deactivated by the last admin");
}

#[test]
fn the_last_active_admin_cannot_be_deactivated() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    people::create(&mut c.db, &admin, &user("admin2", "Второв Админ", vec![Role::Admin]), |_, _| Ok(())).unwrap();
    let admin2 = people::sign_in(&mut c.db, "admin2", &password("admin2")).unwrap();
    // admin2's admin role is taken away while their session is open elsewhere (the session still says admin).
    c.db.conn().execute("UPDATE users SET roles = 'physician' WHERE login = 'admin2'", []).unwrap();
    let r = people::deactivate(&mut c.db, &admin2, "admin", || Ok(()));
    assert!(matches!(r, Err(Error::Refused(Rule::LastAdmin))), "the clinic must never lose its last admin: {r:?}");
    assert!(people::sign_in(&mut c.db, "admin", &password("admin")).is_ok(), "the last admin still signs in");
}

#[test]
fn messages_speak_the_users_language_and_name_the_field() {
    let e = Error::invalid("snils", btlp_commission::error::Check::SnilsChecksum);
    let ru = e.message(btlp_commission::Lang::Ru);
    let en = e.message(btlp_commission::Lang::En);
    assert!(ru.contains("СНИЛС") && ru.contains("контрольная"), "Russian message names the field and the rule: {ru}");
    assert!(en.contains("SNILS") && en.contains("checksum"), "English message names the field and the rule: {en}");
    assert_eq!(e.code(), "invalid.snils_checksum", "the UI branches on a stable code");
    assert_eq!(e.field(), Some("snils"), "the UI shows the message at the field");
}
