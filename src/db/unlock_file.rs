//! An unlock file: a random secret in a file of its own that wraps the database key as one more entry of the
//! key file, so that a service (the clinic server) can open the database at start without anyone typing a
//! password. Whoever can read the file can open the database, so it must be a regular file readable by its
//! owner only (mode 0400 or 0600) and owned by the user the service runs as; anything else is refused with the
//! reason before the secret is read.
use super::{DbKey, Keyring};
use crate::error::{Result, Storage};
use rand::RngCore;
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

/// The key file entry of the unlock file: not a valid login, so no user can take it.
const ENTRY: &str = "!unlock-file";

/// Writes a new unlock file at `file` (mode 0600; refused if it exists) and adds its entry to the key file,
/// replacing any earlier unlock file's.
pub(crate) fn create(db_path: &Path, file: &Path, key: &DbKey) -> Result<()> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = Zeroizing::new(hex::encode(bytes));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Storage::AlreadyExists(file.to_path_buf()).into(),
        _ => crate::Error::from(e),
    })?;
    f.write_all(secret.as_bytes())?;
    f.sync_all()?;
    Keyring::update(db_path, |ring| ring.add(ENTRY, &secret, key)).inspect_err(|_| {
        let _ = std::fs::remove_file(file);
    })
}

/// Removes the unlock file's entry from the key file: the file no longer opens the database.
pub(crate) fn remove(db_path: &Path) -> Result<()> {
    Keyring::update(db_path, |ring| ring.remove(ENTRY))
}

/// The database key, from the unlock file at `file`, after checking that the file is safe to trust.
pub fn unlock(db_path: &Path, file: &Path) -> Result<DbKey> {
    check_safe(file)?;
    open_with(db_path, file)
}

/// The database key, from the unlock file's secret handed over as a systemd credential
/// (`$CREDENTIALS_DIRECTORY/NAME`): systemd keeps that directory readable by the service's user alone (the
/// kernel checks each access, and the file may be owned by root with an ACL), so its mode and owner are
/// systemd's to set, not checked here.
pub fn unlock_credential(db_path: &Path, file: &Path) -> Result<DbKey> {
    open_with(db_path, file)
}

fn open_with(db_path: &Path, file: &Path) -> Result<DbKey> {
    let secret = Zeroizing::new(std::fs::read_to_string(file)?.trim().to_string());
    let ring = Keyring::load(db_path)?;
    if !ring.logins().iter().any(|l| l == ENTRY) {
        return Err(Storage::UnlockFileUnknown(file.to_path_buf()).into());
    }
    ring.unlock(ENTRY, &secret).map_err(|_| Storage::UnlockFileUnknown(file.to_path_buf()).into())
}

#[cfg(unix)]
fn check_safe(file: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::symlink_metadata(file) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Storage::UnlockFileUnknown(file.to_path_buf()).into())
        }
        Err(e) => return Err(e.into()),
    };
    if !meta.file_type().is_file() {
        return Err(Storage::UnlockFileNotAFile(file.to_path_buf()).into());
    }
    let mode = meta.mode() & 0o777;
    if mode != 0o400 && mode != 0o600 {
        return Err(Storage::UnlockFileMode { path: file.to_path_buf(), mode }.into());
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Storage::UnlockFileOwner { path: file.to_path_buf(), owner: meta.uid() }.into());
    }
    Ok(())
}

/// Without Unix file modes nothing tells who may read the file, so it is never trusted.
#[cfg(not(unix))]
fn check_safe(file: &Path) -> Result<()> {
    Err(Storage::UnlockFileMode { path: file.to_path_buf(), mode: 0 }.into())
}
