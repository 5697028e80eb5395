//! Files the program writes that hold the clinic's data — the database and its WAL (SQLite gives those the
//! database's own mode), the key file, the sign-in counters, backups and exports — are readable by their owner
//! only: files 0600, folders 0700. Other OS users of the machine see none of them.
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `path` (or empties it) as a file only its owner may read and write.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(path)?;
    // `mode` applies only to a file it creates: one already there is narrowed first, and emptied only then,
    // so someone else's file in a shared folder is refused untouched (only its owner may change its mode).
    #[cfg(unix)]
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.set_len(0)?;
    Ok(file)
}

/// Copies `from` into a new private file `to` (refused if `to` exists), never readable by others meanwhile.
pub fn copy_private(from: &Path, to: &Path) -> io::Result<()> {
    let mut out = create_private_new(to)?;
    io::copy(&mut File::open(from)?, &mut out)?;
    out.sync_all()
}

/// Creates a new file only its owner may read and write; refused if something is already at `path`.
pub fn create_private_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)
}

/// Writes `bytes` to `path` as a private file.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    create_private(path)?.write_all(bytes)
}

/// Narrows an existing file (a copy, say) to its owner.
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates the folder `path` and any missing parents; the folders it creates only their owner may enter.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(path)
}

/// Whether users other than the owner (its group or anyone) may read the file at `path`.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}
