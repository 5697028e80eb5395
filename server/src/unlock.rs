//! How `btlp serve` opens the database key at start, exactly one of:
//! - `--unlock-prompt`: an admin signs in at the console (their password unwraps the key; audited);
//! - `--unlock-credential NAME`: a systemd credential, the unlock file's secret handed to the service in
//!   `$CREDENTIALS_DIRECTORY/NAME`, a directory only the service's user may read (systemd can keep it encrypted
//!   at rest with `LoadCredentialEncrypted=`);
//! - `--unlock-file PATH`: the unlock file (`btlp unlock-file create`), mode 0400/0600 and owned by the user the
//!   server runs as, refused otherwise with the reason.
use btlp_commission::error::{Check, Error};
use btlp_commission::{clinic, DbKey, Result};
use std::path::{Path, PathBuf};

pub enum Unlock {
    Prompt { login: String, password: String },
    Credential(String),
    File(PathBuf),
}

/// Where systemd put the credential `name`; a name with a path in it is refused.
pub fn credential_path(dir: &Path, name: &str) -> Result<PathBuf> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(Error::invalid("unlock_credential", Check::FileName));
    }
    Ok(dir.join(name))
}

pub fn key(db: &Path, how: Unlock) -> Result<DbKey> {
    match how {
        Unlock::Prompt { login, password } => clinic::sign_in(db, &login, &password)?.into_server_key(),
        Unlock::Credential(path) => btlp_commission::db::unlock_file::unlock_credential(db, Path::new(&path)),
        Unlock::File(path) => btlp_commission::db::unlock_file::unlock(db, &path),
    }
}
