//! A clinic database on disk with its key file: set-up, signing in, and the account changes that must
//! touch both (a user's password wraps the database key in the key file and is hashed in the database).
use crate::db::{Db, DbKey, Keyring};
use crate::error::Result;
use crate::org::{self, NewOrganization};
use crate::people::{self, Actor, NewUser};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// A signed-in user working on an open clinic database.
pub struct Session {
    pub db: Db,
    pub actor: Actor,
    path: PathBuf,
    key: DbKey,
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
        let mut ring = Keyring::create(path)?;
        ring.add(&actor.login, &admin.password, &key)?;
        Ok(Session { db, actor, path: path.to_path_buf(), key })
    };
    attempt().inspect_err(|_| remove_files(path))
}

/// Removes a database and everything that belongs to it (used when set-up fails half-way).
pub(crate) fn remove_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal", ".keys", ".keys.tmp"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Unlocks the database with the user's own password and signs them in.
pub fn sign_in(path: &Path, login: &str, password: &str) -> Result<Session> {
    let login = login.trim().to_lowercase();
    let key = Keyring::load(path)?.unlock(&login, password)?;
    let mut db = Db::open(path, &key)?;
    let actor = people::sign_in(&mut db, &login, password)?;
    Ok(Session { db, actor, path: path.to_path_buf(), key })
}

impl Session {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates a user and lets them unlock the database with their password. Admins only.
    pub fn add_user(&mut self, u: &NewUser) -> Result<Uuid> {
        let id = people::create(&mut self.db, &self.actor, u)?;
        let mut ring = Keyring::load(&self.path)?;
        ring.add(&u.login.trim().to_lowercase(), &u.password, &self.key)?;
        Ok(id)
    }

    /// Changes a password in the database and re-wraps the database key for it, together.
    pub fn change_password(&mut self, login: &str, new_password: &str) -> Result<()> {
        let login = login.trim().to_lowercase();
        let (path, key) = (self.path.clone(), self.key.clone());
        people::change_password(&mut self.db, &self.actor, &login, new_password, || {
            Keyring::load(&path)?.add(&login, new_password, &key)
        })
    }

    /// Deactivates a user and removes their copy of the database key.
    pub fn deactivate(&mut self, login: &str) -> Result<()> {
        let login = login.trim().to_lowercase();
        let path = self.path.clone();
        people::deactivate(&mut self.db, &self.actor, &login, || Keyring::load(&path)?.remove(&login))
    }

    /// Signs in another user on the same open database (e.g. each member casting their own vote on a shared
    /// workstation): the password is checked against that user's stored hash.
    pub fn act_as(&mut self, login: &str, password: &str) -> Result<Actor> {
        people::sign_in(&mut self.db, login, password)
    }
}

impl From<Session> for Db {
    fn from(s: Session) -> Db {
        s.db
    }
}
