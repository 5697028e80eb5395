//! Backups (issue 7): `create` copies the database with SQLite's online backup API (consistent while the app
//! writes) into a new folder beside its key file and a manifest with each file's SHA-256, written under a
//! temporary name and renamed when complete, and keeps the newest `keep` backups of the folder. `verify`
//! recomputes the digests; `restore` verifies a backup, copies it to a new database file (never over an
//! existing one), and opens it with a user's password to check `PRAGMA integrity_check` and the audit chain,
//! removing the copy if any check fails.
use crate::audit;
use crate::db::{Db, DbKey, Keyring};
use crate::error::{Check, Error, Result, Storage};
use crate::org::settings;
use crate::people::{Actor, Operation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const DB_FILE: &str = "clinic.db";
const MANIFEST: &str = "manifest.json";
const PREFIX: &str = "btlp-backup-";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub files: Vec<FileEntry>,
}

fn digest(path: &Path) -> Result<FileEntry> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(FileEntry { name, bytes, sha256: hex::encode(hasher.finalize()) })
}

fn damaged(dir: &Path, what: &str) -> Error {
    Storage::BackupDamaged(format!("{}: {what}", dir.display())).into()
}

/// Backs the database at `db_path` (open as `db`, with `key`) up into a new folder under `out_dir`, keeping the
/// newest `keep` backups there (0 keeps all). Admins only. Returns the backup's folder.
pub fn create(db: &mut Db, actor: &Actor, db_path: &Path, key: &DbKey, out_dir: &Path, keep: usize) -> Result<PathBuf> {
    actor.require(Operation::Backup)?;
    write(db, &actor.login, db_path, key, out_dir, keep)
}

fn write(db: &mut Db, by: &str, db_path: &Path, key: &DbKey, out_dir: &Path, keep: usize) -> Result<PathBuf> {
    let keys = Keyring::path_for(db_path);
    if !keys.is_file() {
        return Err(Storage::KeyFileMissing(keys).into());
    }
    crate::files::create_private_dir(out_dir)?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f").to_string().replace('.', "");
    let name = format!("{PREFIX}{stamp}");
    let part = out_dir.join(format!(".{name}.part"));
    let done = out_dir.join(&name);
    let result = (|| {
        crate::files::create_private_dir(&part)?;
        db.backup_to(key, &part.join(DB_FILE))?;
        crate::files::copy_private(&keys, &Keyring::path_for(&part.join(DB_FILE)))?;
        let files = vec![digest(&part.join(DB_FILE))?, digest(&Keyring::path_for(&part.join(DB_FILE)))?];
        let manifest =
            Manifest { format: "btlp-backup-1".into(), created_at: chrono::Local::now().to_rfc3339(), files };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Storage::Document(e.to_string()))?;
        crate::files::write_private(&part.join(MANIFEST), &json)?;
        std::fs::rename(&part, &done)?;
        Ok::<_, Error>(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&part);
        return Err(e);
    }
    db.tx(|tx| {
        settings::put(tx, "backup_last_at", &tx.now_text())?;
        audit::append(tx, by, "backup.create", "organization", "1", &name)
    })?;
    rotate(out_dir, keep)?;
    Ok(done)
}

/// The app's own backups: into `folder` every `every_hours` hours while someone is signed in (the backup needs
/// the database key, which only a signed-in session holds), keeping the newest `keep`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub folder: String,
    pub every_hours: u32,
    pub keep: u32,
}

/// The schedule an admin set, if any, and when the last backup (scheduled or not) was made.
pub fn schedule(conn: &rusqlite::Connection) -> Result<(Option<Schedule>, Option<String>)> {
    let get = |k: &str| settings::text(conn, k);
    let schedule = match (get("backup_folder")?, get("backup_every_hours")?, get("backup_keep")?) {
        (Some(folder), Some(h), Some(k)) if !folder.is_empty() => {
            Some(Schedule { folder, every_hours: h.parse().unwrap_or(24), keep: k.parse().unwrap_or(7) })
        }
        _ => None,
    };
    Ok((schedule, get("backup_last_at")?))
}

/// Sets (or, with `None`, stops) the scheduled backup. Admins only. The folder must be a full path; the
/// interval 1–168 hours; 1–365 copies kept.
pub fn set_schedule(db: &mut Db, actor: &Actor, s: Option<&Schedule>) -> Result<()> {
    actor.require(Operation::Backup)?;
    if let Some(s) = s {
        let folder = s.folder.trim();
        if folder.is_empty() {
            return Err(Error::invalid("backup_folder", Check::Required));
        }
        if !Path::new(folder).is_absolute() {
            return Err(Error::invalid("backup_folder", Check::AbsolutePath));
        }
        if !(1..=168).contains(&s.every_hours) {
            return Err(Error::invalid("backup_every_hours", Check::Between { min: 1, max: 168 }));
        }
        if !(1..=365).contains(&s.keep) {
            return Err(Error::invalid("backup_keep", Check::Between { min: 1, max: 365 }));
        }
    }
    db.tx(|tx| {
        let (folder, hours, keep) = match s {
            Some(s) => (s.folder.trim().to_string(), s.every_hours.to_string(), s.keep.to_string()),
            None => (String::new(), String::new(), String::new()),
        };
        for (k, v) in [("backup_folder", &folder), ("backup_every_hours", &hours), ("backup_keep", &keep)] {
            settings::put(tx, k, v)?;
        }
        audit::record(tx, actor, "settings.backup_schedule", "settings", "backup", &s)
    })
}

/// Backs up now into the scheduled folder, keeping its number of copies (admins); refused, naming the folder
/// field, while no schedule is set.
pub fn now(db: &mut Db, actor: &Actor, db_path: &Path, key: &DbKey) -> Result<PathBuf> {
    actor.require(Operation::Backup)?;
    let Some(s) = schedule(db.conn())?.0 else {
        return Err(Error::invalid("backup_folder", Check::Required));
    };
    write(db, &actor.login, db_path, key, Path::new(&s.folder), s.keep as usize)
}

/// Makes the scheduled backup if one is set and the last backup is older than its interval at `now`.
/// Returns the new backup's folder, or `None` when none was due.
pub fn run_if_due(
    db: &mut Db,
    db_path: &Path,
    key: &DbKey,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<PathBuf>> {
    let (Some(s), last) = schedule(db.conn())? else { return Ok(None) };
    let last = last.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
    if last.is_some_and(|t| now - t < chrono::Duration::hours(i64::from(s.every_hours))) {
        return Ok(None);
    }
    write(db, "system", db_path, key, Path::new(&s.folder), s.keep as usize).map(Some)
}

/// Deletes all but the newest `keep` backups in `dir` (0 keeps all).
fn rotate(dir: &Path, keep: usize) -> Result<()> {
    if keep == 0 {
        return Ok(());
    }
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(PREFIX)))
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(keep);
    for old in &backups[..excess] {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

/// Reads a backup's manifest and checks every file against its SHA-256.
pub fn verify(dir: &Path) -> Result<Manifest> {
    let text = std::fs::read(dir.join(MANIFEST)).map_err(|_| damaged(dir, "manifest.json missing"))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|_| damaged(dir, "manifest.json unreadable"))?;
    for f in &manifest.files {
        let found = digest(&dir.join(&f.name)).map_err(|_| damaged(dir, &format!("{} missing", f.name)))?;
        if found.sha256 != f.sha256 || found.bytes != f.bytes {
            return Err(damaged(dir, &format!("{} does not match its SHA-256", f.name)));
        }
    }
    if !manifest.files.iter().any(|f| f.name == DB_FILE) {
        return Err(damaged(dir, "no database in the backup"));
    }
    Ok(manifest)
}

/// `restore` for the signed-in admin (the app's «Восстановить из копии…»): admins only; their own password must
/// open the copy. The same checks as `btlp restore`.
pub fn restore_as(actor: &Actor, dir: &Path, target: &Path, password: &str) -> Result<()> {
    actor.require(Operation::Backup)?;
    restore(dir, target, &actor.login, password)
}

/// Restores the backup in `dir` into a new database file `target` (with its key file), after verifying it;
/// then opens the copy with `login`'s password and checks its integrity and audit chain. Nothing is left at
/// `target` if a check fails.
pub fn restore(dir: &Path, target: &Path, login: &str, password: &str) -> Result<()> {
    verify(dir)?;
    let target_keys = Keyring::path_for(target);
    for p in [target, target_keys.as_path()] {
        if p.exists() {
            return Err(Storage::AlreadyExists(p.to_path_buf()).into());
        }
    }
    let result = (|| {
        crate::files::copy_private(&Keyring::path_for(&dir.join(DB_FILE)), &target_keys)?;
        crate::files::copy_private(&dir.join(DB_FILE), target)?;
        let key = Keyring::load(target)?.unlock(login, password)?;
        let db = Db::open(target, &key)?;
        let ok: String = db.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(damaged(dir, &format!("integrity_check: {ok}")));
        }
        if let audit::Verdict::BrokenAt { .. } = audit::verify(db.conn())? {
            return Err(damaged(dir, "the audit chain is broken"));
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(target);
        let _ = std::fs::remove_file(&target_keys);
        for suffix in ["-wal", "-shm"] {
            let mut p = target.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
    result
}
