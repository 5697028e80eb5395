//! User accounts: creation, sign-in, password changes, deactivation. Passwords are stored only as
//! argon2id PHC strings.
use super::{roles_from_text, roles_to_text, Actor, Role};
use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{AuthFailure, Check, Error, Result, Rule};
use crate::people::Operation;
use crate::validate;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

pub const MIN_PASSWORD: usize = 8;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub password: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// Locked after too many failed sign-ins, until an admin unlocks it.
    pub locked: bool,
}

#[derive(Serialize)]
struct UserRecord<'a> {
    login: &'a str,
    full_name: &'a str,
    position: &'a str,
    roles: String,
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::invalid("password", Check::PasswordTooShort { min: MIN_PASSWORD }));
    }
    Ok(())
}

fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| crate::error::Storage::Crypto.into())
}

fn insert(tx: &Tx, by: &str, u: &NewUser) -> Result<Uuid> {
    let login = u.login.trim().to_lowercase();
    let login_ok = (2..=32).contains(&login.len())
        && login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !login_ok {
        return Err(Error::invalid("login", Check::LoginFormat));
    }
    let full_name = validate::text("full_name", &u.full_name, 200)?;
    let position = validate::text("position", &u.position, 200)?;
    if u.roles.is_empty() {
        return Err(Error::invalid("roles", Check::Required));
    }
    check_password(&u.password)?;
    let taken: bool = tx.query_row("SELECT count(*) > 0 FROM users WHERE login = ?1", [&login], |r| r.get(0))?;
    if taken {
        return Err(Error::invalid("login", Check::Taken));
    }
    let id = Uuid::now_v7();
    let roles = roles_to_text(&u.roles);
    tx.execute(
        "INSERT INTO users (id, login, full_name, position, roles, password_hash, active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)",
        params![id, login, full_name, position, roles, hash(&u.password)?, tx.now_text()],
    )?;
    let record = UserRecord { login: &login, full_name: &full_name, position: &position, roles };
    audit::append(tx, by, "user.create", "user", &id.to_string(), &record)?;
    Ok(id)
}

/// Creates the first administrator of a new clinic database; refused once any user exists.
pub fn bootstrap_admin(db: &mut Db, u: &NewUser) -> Result<Actor> {
    db.tx(|tx| {
        let any: bool = tx.query_row("SELECT count(*) > 0 FROM users", [], |r| r.get(0))?;
        if any {
            return Err(Error::Forbidden { action: "bootstrap_admin" });
        }
        let mut roles = u.roles.clone();
        if !roles.contains(&Role::Admin) {
            roles.push(Role::Admin);
        }
        let u = NewUser { roles, ..u.clone() };
        let id = insert(tx, "system", &u)?;
        Ok(Actor::new(id, u.login.trim().to_lowercase(), u.full_name.trim().to_string(), u.roles.clone()))
    })
}

/// Creates a user. Admins only. `then` runs in the same transaction with the new id (the session uses it to
/// issue the user's signing certificate), so the user exists with everything or not at all.
pub fn create(db: &mut Db, actor: &Actor, u: &NewUser, then: impl FnOnce(&Tx, Uuid) -> Result<()>) -> Result<Uuid> {
    actor.require(Operation::UserCreate)?;
    db.tx(|tx| {
        let id = insert(tx, &actor.login, u)?;
        then(tx, id)?;
        Ok(id)
    })
}

/// Checks a login and password against the stored hash and returns the signed-in actor.
pub fn sign_in(db: &mut Db, login: &str, password: &str) -> Result<Actor> {
    let login = login.trim().to_lowercase();
    let row = db
        .conn()
        .query_row(
            "SELECT id, full_name, roles, password_hash, active, locked_at IS NOT NULL FROM users WHERE login = ?1",
            [&login],
            |r| {
                Ok((
                    r.get::<_, Uuid>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((id, full_name, roles, stored, active, locked)) = row else {
        return Err(Error::Auth(AuthFailure::BadCredentials));
    };
    let parsed = PasswordHash::new(&stored).map_err(|_| Error::Auth(AuthFailure::BadCredentials))?;
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .map_err(|_| Error::Auth(AuthFailure::BadCredentials))?;
    if !active {
        return Err(Error::Auth(AuthFailure::Inactive));
    }
    if locked {
        return Err(Error::Auth(AuthFailure::Locked { after: super::lockout::LOCK_AFTER }));
    }
    let actor = Actor::new(id, login, full_name, roles_from_text(&roles));
    db.tx(|tx| audit::record(tx, &actor, "user.sign_in", "user", &id.to_string(), &()))?;
    Ok(actor)
}

/// Checks `password` against the user's stored hash (to confirm an action such as signing through the
/// external tool, which asks for no password of ours).
pub(crate) fn verify_password(conn: &rusqlite::Connection, user: Uuid, password: &str) -> Result<()> {
    let stored: String = conn
        .query_row("SELECT password_hash FROM users WHERE id = ?1", [user], |r| r.get(0))
        .optional()?
        .ok_or(Error::Auth(AuthFailure::BadCredentials))?;
    let parsed = PasswordHash::new(&stored).map_err(|_| Error::Auth(AuthFailure::BadCredentials))?;
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .map_err(|_| Error::Auth(AuthFailure::BadCredentials))
}

/// Sets a new password: users change their own, admins anyone's. `then` runs inside the same transaction
/// (the session uses it to re-wrap the database key), so both happen or neither.
pub fn change_password(
    db: &mut Db,
    actor: &Actor,
    login: &str,
    new_password: &str,
    then: impl FnOnce(&Tx, Uuid) -> Result<()>,
) -> Result<()> {
    let login = login.trim().to_lowercase();
    if login != actor.login {
        actor.require(Operation::UserChangePassword)?;
    }
    check_password(new_password)?;
    db.tx(|tx| {
        let id = user_id(tx, &login)?;
        // A password an admin resets also lifts a lock from failed sign-ins.
        tx.execute(
            "UPDATE users SET password_hash = ?1, locked_at = NULL WHERE id = ?2",
            params![hash(new_password)?, id],
        )?;
        audit::record(tx, actor, "user.change_password", "user", &id.to_string(), &login)?;
        then(tx, id)
    })
}

/// Deactivates a user: they can no longer sign in. An admin cannot deactivate themselves (a slip that would
/// lock them out mid-task), a deactivated admin's open session cannot deactivate anyone, and the last active
/// admin cannot be deactivated by anyone (a backstop for roles changed under an open session).
pub fn deactivate(db: &mut Db, actor: &Actor, login: &str, then: impl FnOnce() -> Result<()>) -> Result<()> {
    actor.require(Operation::UserDeactivate)?;
    let login = login.trim().to_lowercase();
    db.tx(|tx| {
        let id = user_id(tx, &login)?;
        if id == actor.id() {
            return Err(Error::Refused(Rule::SelfDeactivate));
        }
        // A session opened before its user was deactivated (at another workstation) decides nothing.
        let actor_active: bool = tx
            .query_row("SELECT active FROM users WHERE id = ?1", [actor.id()], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if !actor_active {
            return Err(Error::Refused(Rule::UserInactive));
        }
        let (is_admin, other_admins): (bool, i64) = tx.query_row(
            "SELECT (SELECT (',' || roles || ',') LIKE '%,admin,%' AND active = 1 FROM users WHERE id = ?1),
                    (SELECT count(*) FROM users
                     WHERE active = 1 AND id <> ?1 AND (',' || roles || ',') LIKE '%,admin,%')",
            [id],
            |r| Ok((r.get::<_, Option<bool>>(0)?.unwrap_or(false), r.get(1)?)),
        )?;
        if is_admin && other_admins == 0 {
            return Err(Error::Refused(Rule::LastAdmin));
        }
        tx.execute("UPDATE users SET active = 0 WHERE id = ?1", [id])?;
        audit::record(tx, actor, "user.deactivate", "user", &id.to_string(), &login)?;
        then()
    })
}

/// Lifts a lock set after too many failed sign-ins (admins). `then` runs in the same transaction (the session
/// clears the counters beside the database).
pub fn unlock(db: &mut Db, actor: &Actor, login: &str) -> Result<()> {
    actor.require(Operation::UserUnlock)?;
    let login = login.trim().to_lowercase();
    db.tx(|tx| {
        let id = user_id(tx, &login)?;
        tx.execute("UPDATE users SET locked_at = NULL WHERE id = ?1", [id])?;
        audit::record(tx, actor, "user.unlock", "user", &id.to_string(), &login)
    })
}

/// Writes failed sign-ins and locks (counted before the database could be opened) to the audit trail, and
/// marks locked users in the database.
pub(crate) fn record_sign_in_events(db: &mut Db, events: &[super::lockout::Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    db.tx(|tx| {
        for e in events {
            let id = user_id(tx, &e.login).map(|id| id.to_string()).unwrap_or_else(|_| e.login.clone());
            if e.action == "user.lock" {
                tx.execute(
                    "UPDATE users SET locked_at = ?1 WHERE login = ?2 AND locked_at IS NULL",
                    params![e.at.to_rfc3339(), e.login],
                )?;
            }
            audit::append(tx, &e.login, &e.action, "user", &id, &e.at.to_rfc3339())?;
        }
        Ok(())
    })
}

pub(crate) fn user_id(tx: &Tx, login: &str) -> Result<Uuid> {
    tx.query_row("SELECT id FROM users WHERE login = ?1", [login], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound { entity: "user", id: login.to_string() })
}

/// Every user, by login.
pub fn list(db: &Db) -> Result<Vec<User>> {
    let mut stmt = db.conn().prepare(
        "SELECT id, login, full_name, position, roles, active, locked_at IS NOT NULL FROM users ORDER BY login",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(User {
            id: r.get(0)?,
            login: r.get(1)?,
            full_name: r.get(2)?,
            position: r.get(3)?,
            roles: roles_from_text(&r.get::<_, String>(4)?),
            active: r.get(5)?,
            locked: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
