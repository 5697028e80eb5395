//! A clinic database on disk with its key file: set-up, signing in, and the account changes that must
//! touch both (a user's password wraps the database key in the key file and is hashed in the database).
use crate::db::{Db, DbKey, Keyring};
use crate::error::{AuthFailure, Check, Error, Result};
use crate::org::{self, NewOrganization};
use crate::people::lockout::Guard;
use crate::people::{self, Actor, NewUser, Role};
use crate::pki::{self, RootKey};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use uuid::Uuid;
use zeroize::Zeroizing;

/// A signed-in user working on an open clinic database.
pub struct Session {
    pub db: Db,
    pub actor: Actor,
    path: PathBuf,
    key: DbKey,
    /// The clinic CA's key, unlocked when an admin signs in (to issue and re-issue certificates). The user's
    /// password is not kept: changing it asks for the current one.
    root: Option<RootKey>,
}

/// Creates a new clinic database at `path`: the encrypted file, its key file, the organization and the first
/// administrator. On any failure nothing is left behind.
pub fn init(path: &Path, organization: &NewOrganization, admin: &NewUser) -> Result<Session> {
    if path.exists() || Keyring::path_for(path).exists() {
        return Err(crate::error::Storage::AlreadyExists(path.to_path_buf()).into());
    }
    let attempt = || -> Result<Session> {
        let key = DbKey::random();
        let mut db = Db::create(path, &key)?;
        org::setup(&mut db, organization)?;
        let actor = people::bootstrap_admin(&mut db, admin)?;
        let name = organization.name.trim().to_string();
        let root = db.tx(|tx| pki::create_root(tx, &name, actor.id(), &admin.password))?;
        let mut ring = Keyring::create(path)?;
        ring.add(&actor.login, &admin.password, &key)?;
        Ok(Session { db, actor, path: path.to_path_buf(), key, root: Some(root) })
    };
    attempt().inspect_err(|_| remove_files(path))
}

/// Removes a database and everything that belongs to it (used when set-up fails half-way).
pub(crate) fn remove_files(path: &Path) {
    for suffix in
        ["", "-wal", "-shm", "-journal", ".keys", ".keys.tmp", ".keys.lock", ".signin", ".signin.tmp", ".signin.lock"]
    {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Unlocks the database with the user's own password and signs them in.
pub fn sign_in(path: &Path, login: &str, password: &str) -> Result<Session> {
    sign_in_at(path, login, password, Utc::now())
}

/// `sign_in` at a given moment (the clock for the failed-sign-in waits; tests move it).
///
/// A locked account, or one still waiting after failures, is refused before the password is tried. A wrong
/// password counts a failure beside the database; the next successful sign-in writes the failures to the
/// audit trail.
pub fn sign_in_at(path: &Path, login: &str, password: &str, now: DateTime<Utc>) -> Result<Session> {
    let key = || Keyring::load(path)?.unlock(&login.trim().to_lowercase(), password);
    open_session(path, login, password, now, key)
}

/// Signs a user in on a database whose key the caller already holds (the clinic server, unlocked once at
/// start): a connection of their own, their password checked against its stored hash, with the same waits,
/// lock and audit of failures as `sign_in`.
pub fn sign_in_with_key(path: &Path, key: &DbKey, login: &str, password: &str, now: DateTime<Utc>) -> Result<Session> {
    open_session(path, login, password, now, || Ok(key.clone()))
}

fn open_session(
    path: &Path,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
    key: impl FnOnce() -> Result<DbKey>,
) -> Result<Session> {
    let login = login.trim().to_lowercase();
    Guard::load(path)?.check(&login, now)?;
    let opened = key().and_then(|key| {
        let mut db = Db::open(path, &key)?;
        let actor = people::sign_in(&mut db, &login, password)?;
        Ok((key, db, actor))
    });
    let (key, mut db, actor) = match opened {
        Err(Error::Auth(AuthFailure::BadCredentials)) => return Err(failed(path, &login, now)),
        other => other?,
    };
    settle(path, &mut db, Some(&login))?;
    let root = if actor.has(Role::Admin) { pki::unlock_root(db.conn(), &actor, password)? } else { None };
    Ok(Session { db, actor, path: path.to_path_buf(), key, root })
}

/// Counts a failed sign-in; the error to give (the account may have just been locked).
fn failed(path: &Path, login: &str, now: DateTime<Utc>) -> Error {
    match Guard::update(path, |g| g.fail(login, now)) {
        Ok(true) => Error::Auth(AuthFailure::Locked { after: people::lockout::LOCK_AFTER }),
        Ok(false) => Error::Auth(AuthFailure::BadCredentials),
        Err(e) => e,
    }
}

/// With the database open: forgets the failures of `signed_in` (who just signed in, if anyone) and writes every
/// failure and lock counted so far to the audit trail (they stay counted if that fails).
fn settle(path: &Path, db: &mut Db, signed_in: Option<&str>) -> Result<()> {
    Guard::update(path, |g| {
        if let Some(login) = signed_in {
            g.clear(login);
        }
        people::record_sign_in_events(db, &g.take_pending())
    })
}

/// Creates (`Some`) or removes (`None`) the unlock file of the database at `path`; admins; audited.
pub fn manage_unlock_file(db: &mut Db, actor: &Actor, path: &Path, create: Option<(&Path, &DbKey)>) -> Result<()> {
    actor.require(crate::people::Operation::UnlockFileManage)?;
    db.tx(|tx| {
        let action = match create {
            Some((file, key)) => {
                crate::db::unlock_file::create(path, file, key)?;
                "unlock_file.create"
            }
            None => {
                crate::db::unlock_file::remove(path)?;
                "unlock_file.remove"
            }
        };
        crate::audit::record(tx, actor, action, "key_file", "unlock-file", &())
    })
}

/// Records that `actor` opened the database for the clinic server with their own password; admins; audited.
pub fn record_server_unlock(db: &mut Db, actor: &Actor) -> Result<()> {
    actor.require(crate::people::Operation::ServerUnlock)?;
    db.tx(|tx| crate::audit::record(tx, actor, "server.unlock", "key_file", "server", &()))
}

impl Session {
    /// The database key, for the clinic server started by this admin (`--unlock-prompt`); the session ends.
    pub fn into_server_key(mut self) -> Result<DbKey> {
        record_server_unlock(&mut self.db, &self.actor)?;
        Ok(self.key.clone())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether other OS users of this computer may read the database or its key file: the program makes them
    /// 0600, so a file copied in or made by hand is the usual cause. The app and the CLI warn of it.
    pub fn readable_by_others(&self) -> bool {
        crate::files::readable_by_others(&self.path) || crate::files::readable_by_others(&Keyring::path_for(&self.path))
    }

    /// Writes a new unlock file at `file` for the clinic server to open the database at start (admins).
    pub fn create_unlock_file(&mut self, file: &Path) -> Result<()> {
        manage_unlock_file(&mut self.db, &self.actor, &self.path, Some((file, &self.key)))
    }

    /// Makes the unlock file stop opening the database (admins).
    pub fn remove_unlock_file(&mut self) -> Result<()> {
        manage_unlock_file(&mut self.db, &self.actor, &self.path, None)
    }

    /// Issues the clinic server's TLS certificate for `hosts` (`HOST[,IP…]`) with the CA key this admin
    /// opened at sign-in.
    pub fn issue_server_tls(&mut self, hosts: &str) -> Result<pki::ServerTls> {
        pki::issue_server_tls(&mut self.db, &self.actor, self.root.as_ref(), hosts)
    }

    /// Creates a user, issues their signing certificate when their roles sign documents (and gives a new
    /// admin a copy of the CA key), and lets them unlock the database with their password. Admins only.
    pub fn add_user(&mut self, u: &NewUser) -> Result<Uuid> {
        let root = self.root.as_ref().ok_or(Error::Forbidden { action: "user_create" })?;
        let id = people::create(&mut self.db, &self.actor, u, |tx, id| {
            if u.roles.iter().any(|r| pki::SIGNING_ROLES.contains(r)) {
                pki::issue(tx, root, id, &u.password)?;
            }
            if u.roles.contains(&Role::Admin) {
                pki::share_root(tx, root, id, &u.password)?;
            }
            Keyring::update(&self.path, |ring| ring.add(&u.login.trim().to_lowercase(), &u.password, &self.key))
        })?;
        Ok(id)
    }

    /// Backs the clinic up into a new folder under `out_dir`, keeping the newest `keep` there (admins).
    pub fn backup(&mut self, out_dir: &Path, keep: usize) -> Result<PathBuf> {
        crate::backup::create(&mut self.db, &self.actor, &self.path, &self.key, out_dir, keep)
    }

    /// Backs up now into the scheduled folder (admins); refused while no schedule is set.
    pub fn backup_now(&mut self) -> Result<PathBuf> {
        crate::backup::now(&mut self.db, &self.actor, &self.path, &self.key)
    }

    /// Makes the scheduled backup if it is due (the app calls this every minute while someone is signed in).
    pub fn backup_if_due(&mut self) -> Result<Option<PathBuf>> {
        let now = self.db.clock().now();
        crate::backup::run_if_due(&mut self.db, &self.path, &self.key, now)
    }

    /// Changes a password: the database hash, the key file and the signing key together. Users changing
    /// their own password give the current one (checked with the waits and lock of signing in) and keep their
    /// key (re-sealed); an admin resetting someone else's (no current password asked) issues them a new key
    /// and certificate and revokes the old ones, since the old key cannot be opened without the old
    /// password, and lifts any lock from failed sign-ins.
    pub fn change_password(&mut self, login: &str, current: Option<&str>, new_password: &str) -> Result<()> {
        let login = login.trim().to_lowercase();
        let own = login == self.actor.login;
        let old = match current.filter(|c| !c.is_empty()) {
            Some(current) if own => {
                self.act_as(&login, current)?;
                Some(Zeroizing::new(current.to_string()))
            }
            None if own => return Err(Error::invalid("current_password", Check::Required)),
            _ => None,
        };
        let (path, key) = (self.path.clone(), self.key.clone());
        let root = self.root.as_ref();
        people::change_password(&mut self.db, &self.actor, &login, new_password, |tx, id| {
            match (old.as_deref(), root) {
                (Some(old), _) => pki::reseal(tx, id, old, new_password)?,
                (None, Some(root)) => pki::reissue(tx, root, id, new_password)?,
                (None, None) => return Err(Error::Forbidden { action: "user_change_password" }),
            }
            if let Some(root) = root {
                if pki::holds_root(tx, id)? {
                    pki::share_root(tx, root, id, new_password)?;
                }
            }
            Keyring::update(&path, |ring| ring.add(&login, new_password, &key))
        })?;
        if !own {
            self.forget_failures(&login)?;
        }
        Ok(())
    }

    /// Deactivates a user and removes their copy of the database key.
    pub fn deactivate(&mut self, login: &str) -> Result<()> {
        let login = login.trim().to_lowercase();
        let path = self.path.clone();
        people::deactivate(&mut self.db, &self.actor, &login, || Keyring::update(&path, |ring| ring.remove(&login)))
    }

    /// Signs in another user on the same open database (e.g. each member casting their own vote on a shared
    /// workstation): the password is checked against that user's stored hash, with the same waits and lock
    /// after failures as signing in.
    pub fn act_as(&mut self, login: &str, password: &str) -> Result<Actor> {
        let login = login.trim().to_lowercase();
        let now = Utc::now();
        Guard::load(&self.path)?.check(&login, now)?;
        let result = match people::sign_in(&mut self.db, &login, password) {
            Err(Error::Auth(AuthFailure::BadCredentials)) => Err(failed(&self.path, &login, now)),
            other => other,
        };
        settle(&self.path, &mut self.db, result.as_ref().ok().map(|_| login.as_str()))?;
        result.map(|member| member.at_session_of(&self.actor.login))
    }

    /// Unlocks an account locked after failed sign-ins (admins).
    pub fn unlock(&mut self, login: &str) -> Result<()> {
        people::unlock(&mut self.db, &self.actor, login)?;
        self.forget_failures(&login.trim().to_lowercase())
    }

    fn forget_failures(&mut self, login: &str) -> Result<()> {
        Guard::update(&self.path, |g| {
            g.clear(login);
            Ok(())
        })
    }
}

impl From<Session> for Db {
    fn from(s: Session) -> Db {
        s.db
    }
}
