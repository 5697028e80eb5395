//! The database key and the key file beside the database.
//!
//! The SQLCipher key is 32 random bytes. The key file (`<db>.keys`) holds it once per user, wrapped with
//! XChaCha20-Poly1305 under a key derived from that user's password with argon2id. Each user therefore
//! unlocks the database with their own password, and adding, removing or re-passwording a user rewrites
//! only this small file, never the database. The file is replaced atomically (write, fsync, rename).
use crate::error::{AuthFailure, Error, Result, Storage};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

/// The raw SQLCipher key. Wiped from memory when dropped.
#[derive(Clone)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn random() -> DbKey {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        DbKey(k)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }
}

impl Drop for DbKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    login: String,
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    entries: Vec<Entry>,
}

const FORMAT: &str = "btlp-keyring";

/// The key file of one database.
#[derive(Debug)]
pub struct Keyring {
    path: PathBuf,
    file: KeyFile,
}

impl Keyring {
    /// The key file that belongs to the database at `db_path`.
    pub fn path_for(db_path: &Path) -> PathBuf {
        let mut name = db_path.as_os_str().to_owned();
        name.push(".keys");
        PathBuf::from(name)
    }

    /// A new, empty key file (written on the first `add`).
    pub fn create(db_path: &Path) -> Result<Keyring> {
        let path = Keyring::path_for(db_path);
        if path.exists() {
            return Err(Storage::AlreadyExists(path).into());
        }
        let file = KeyFile { format: FORMAT.into(), version: 1, entries: vec![] };
        Ok(Keyring { path, file })
    }

    pub fn load(db_path: &Path) -> Result<Keyring> {
        let path = Keyring::path_for(db_path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Storage::KeyFileMissing(path).into()),
            Err(e) => return Err(e.into()),
        };
        let file: KeyFile = serde_json::from_slice(&bytes).map_err(|_| Storage::KeyFileDamaged(path.clone()))?;
        if file.format != FORMAT || file.version != 1 {
            return Err(Storage::KeyFileDamaged(path).into());
        }
        Ok(Keyring { path, file })
    }

    /// Loads the key file, lets `f` change it (`add`, `remove` save), and keeps other writers out meanwhile.
    pub fn update<T>(db_path: &Path, f: impl FnOnce(&mut Keyring) -> Result<T>) -> Result<T> {
        super::with_lock(&Keyring::path_for(db_path), || f(&mut Keyring::load(db_path)?))
    }

    pub fn logins(&self) -> Vec<String> {
        self.file.entries.iter().map(|e| e.login.clone()).collect()
    }

    /// Unwraps the database key with `login`'s password. A wrong password and an unknown login give the
    /// same error.
    pub fn unlock(&self, login: &str, password: &str) -> Result<DbKey> {
        let entry =
            self.file.entries.iter().find(|e| e.login == login).ok_or(Error::Auth(AuthFailure::BadCredentials))?;
        let damaged = || Error::from(Storage::KeyFileDamaged(self.path.clone()));
        let salt = hex::decode(&entry.salt).map_err(|_| damaged())?;
        let nonce = hex::decode(&entry.nonce).map_err(|_| damaged())?;
        let wrapped = hex::decode(&entry.wrapped).map_err(|_| damaged())?;
        if nonce.len() != 24 {
            return Err(damaged());
        }
        let params = Params::new(entry.m_cost, entry.t_cost, entry.p_cost, Some(32)).map_err(|_| damaged())?;
        let kek = derive(password, &salt, params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_slice()).map_err(|_| Storage::Crypto)?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: aad(login).as_bytes() })
                .map_err(|_| Error::Auth(AuthFailure::BadCredentials))?,
        );
        let mut key = [0u8; 32];
        if plain.len() != 32 {
            return Err(damaged());
        }
        key.copy_from_slice(&plain);
        Ok(DbKey(key))
    }

    /// Wraps `key` for `login` under `password`, replacing any earlier entry of that login, and saves.
    pub fn add(&mut self, login: &str, password: &str, key: &DbKey) -> Result<()> {
        let params = Params::default();
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = derive(password, &salt, params.clone())?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_slice()).map_err(|_| Storage::Crypto)?;
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0, aad: aad(login).as_bytes() })
            .map_err(|_| Storage::Crypto)?;
        let entry = Entry {
            login: login.to_string(),
            m_cost: params.m_cost(),
            t_cost: params.t_cost(),
            p_cost: params.p_cost(),
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        };
        self.file.entries.retain(|e| e.login != login);
        self.file.entries.push(entry);
        self.save()
    }

    /// Removes `login`'s entry; they can no longer unlock the database.
    pub fn remove(&mut self, login: &str) -> Result<()> {
        self.file.entries.retain(|e| e.login != login);
        self.save()
    }

    fn save(&self) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.file).map_err(|_| Storage::Crypto)?;
        crate::db::replace_file(&self.path, &json)
    }
}

fn aad(login: &str) -> String {
    format!("btlp-keyring-v1:{login}")
}

fn derive(password: &str, salt: &[u8], params: Params) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, out.as_mut())
        .map_err(|_| Storage::Crypto)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_unlocks_the_same_key_with_their_own_password() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("clinic.db");
        let key = DbKey::random();
        let mut ring = Keyring::create(&db).unwrap();
        ring.add("admin", "admin-pass-1", &key).unwrap();
        ring.add("chair", "chair-pass-1", &key).unwrap();
        let ring = Keyring::load(&db).unwrap();
        assert_eq!(ring.unlock("admin", "admin-pass-1").unwrap().0, key.0, "admin must unwrap the database key");
        assert_eq!(ring.unlock("chair", "chair-pass-1").unwrap().0, key.0, "chair must unwrap the same key");
        assert!(
            matches!(ring.unlock("chair", "admin-pass-1"), Err(Error::Auth(AuthFailure::BadCredentials))),
            "another user's password must not unwrap the key"
        );
        assert!(
            matches!(ring.unlock("nobody", "x"), Err(Error::Auth(AuthFailure::BadCredentials))),
            "an unknown login must fail like a wrong password"
        );
    }

    /// The idle lock and sign-out drop the session, and with it the database key: its bytes must be wiped,
    /// not merely freed. (The session's other secrets are `Zeroizing` strings and p256 keys, wiped on drop
    /// by those types; SQLCipher wipes its own copy of the key when the connection closes.)
    #[test]
    fn a_dropped_database_key_is_wiped_from_memory() {
        let mut key = std::mem::ManuallyDrop::new(DbKey::random());
        assert!(key.0.iter().any(|b| *b != 0), "a fresh key is random");
        let bytes: *const [u8; 32] = &key.0;
        // SAFETY: `ManuallyDrop` keeps the storage alive after the value's destructor has run.
        unsafe { std::mem::ManuallyDrop::drop(&mut key) };
        let after = unsafe { std::ptr::read_volatile(bytes) };
        assert_eq!(after, [0u8; 32], "dropping the key must overwrite its bytes");
    }

    #[test]
    fn removing_a_user_locks_them_out_and_keeps_others() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("clinic.db");
        let key = DbKey::random();
        let mut ring = Keyring::create(&db).unwrap();
        ring.add("a", "password-a", &key).unwrap();
        ring.add("b", "password-b", &key).unwrap();
        ring.remove("a").unwrap();
        let ring = Keyring::load(&db).unwrap();
        assert!(ring.unlock("a", "password-a").is_err(), "a removed user must not unlock the database");
        assert!(ring.unlock("b", "password-b").is_ok(), "removing one user must not affect another");
        let text = std::fs::read_to_string(Keyring::path_for(&db)).unwrap();
        assert!(!text.contains(&hex::encode(key.0)), "the key file must never hold the raw key");
    }
}
