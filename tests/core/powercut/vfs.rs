//! A test VFS over SQLite's own unix VFS (below SQLCipher's codec, so it sees the encrypted pages as they go
//! to the disk). It passes every call through and remembers, per file, each write and truncation made since
//! that file's last sync, with the bytes it replaced. When the power goes (at the N-th write, sync or
//! truncation of the process) it writes what the disk could hold after a power cut: every file as of its last
//! sync, then each later change in order either applied, dropped, or torn — only some of its 512-byte sectors
//! written, as SQLite's own crash tests do — and the process ends at once.
use rand::{Rng, SeedableRng};
use rusqlite::ffi;
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SECTOR: usize = 512;

enum Change {
    Write {
        offset: u64,
        new: Vec<u8>,
        old: Vec<u8>,
        size_before: u64,
    },
    /// To `size`, from `size_before` (`old_tail`: the bytes cut off, when it shrank).
    Truncate {
        size: u64,
        size_before: u64,
        old_tail: Vec<u8>,
    },
}

struct Tracked {
    /// A handle of our own for reading what a write replaces; never closed (closing any descriptor of a file
    /// drops the process's POSIX locks on it, SQLite's included).
    reader: &'static std::fs::File,
    since_sync: Vec<Change>,
}

struct State {
    /// Ordered, so that a seed always tears the same way.
    files: BTreeMap<PathBuf, Tracked>,
    ops: u64,
    cut_at: u64,
    seed: u64,
    out: PathBuf,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    /// The file's path when it is one the power cut must reproduce (the database, its WAL or journal).
    path: *mut PathBuf,
}

static mut UNIX: *mut ffi::sqlite3_vfs = std::ptr::null_mut();
static mut VFS: std::mem::MaybeUninit<ffi::sqlite3_vfs> = std::mem::MaybeUninit::uninit();

fn real(f: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    unsafe { (*(f as *mut File)).real }
}

fn methods(f: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    unsafe { &*(*real(f)).pMethods }
}

fn tracked_path(f: *mut ffi::sqlite3_file) -> Option<&'static PathBuf> {
    unsafe { (*(f as *mut File)).path.as_ref() }
}

/// Counts one write, sync or truncation; at the chosen one the power goes before it happens.
fn count_op(what: &str, path: &Path) {
    let mut guard = STATE.lock().unwrap();
    let state = guard.as_mut().unwrap();
    state.ops += 1;
    if state.ops == state.cut_at {
        power_cut(state);
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        println!("power cut at operation {}: {what} of {file}", state.ops);
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        std::process::exit(0);
    }
}

/// Writes into `out` each tracked file as the disk could hold it now.
fn power_cut(state: &State) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(state.seed);
    std::fs::create_dir_all(&state.out).unwrap();
    for (path, t) in &state.files {
        let mut image = std::fs::read(path).unwrap_or_default();
        // Back to the last sync: undo the changes since, newest first.
        for change in t.since_sync.iter().rev() {
            match change {
                Change::Write { offset, old, size_before, .. } => {
                    let at = *offset as usize;
                    image[at..at + old.len()].copy_from_slice(old);
                    image.truncate(*size_before as usize);
                }
                Change::Truncate { size_before, old_tail, .. } => {
                    image.extend_from_slice(old_tail);
                    image.truncate(*size_before as usize);
                }
            }
        }
        // Then each change since, in order: reached the disk, lost, or torn.
        for change in &t.since_sync {
            match rng.gen_range(0..3) {
                0 => continue,
                kept => match change {
                    Change::Write { offset, new, .. } => {
                        let at = *offset as usize;
                        if image.len() < at + new.len() {
                            image.resize(at + new.len(), 0);
                        }
                        for (i, sector) in new.chunks(SECTOR).enumerate() {
                            if kept == 1 || rng.gen_bool(0.5) {
                                let from = at + i * SECTOR;
                                image[from..from + sector.len()].copy_from_slice(sector);
                            }
                        }
                    }
                    Change::Truncate { size, .. } => image.resize(*size as usize, 0),
                },
            }
        }
        std::fs::write(state.out.join(path.file_name().unwrap()), image).unwrap();
    }
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let f = file as *mut File;
    (*f).base.pMethods = std::ptr::null();
    let size = (*UNIX).szOsFile as usize;
    let real = Box::into_raw(vec![0u64; size.div_ceil(8)].into_boxed_slice()) as *mut ffi::sqlite3_file;
    let rc = ((*UNIX).xOpen.unwrap())(UNIX, name, real, flags, out_flags);
    if rc != ffi::SQLITE_OK {
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(real as *mut u64, size.div_ceil(8))));
        return rc;
    }
    (*f).real = real;
    (*f).path = std::ptr::null_mut();
    let durable = ffi::SQLITE_OPEN_MAIN_DB | ffi::SQLITE_OPEN_WAL | ffi::SQLITE_OPEN_MAIN_JOURNAL;
    if !name.is_null() && flags & durable != 0 {
        let path = PathBuf::from(CStr::from_ptr(name).to_string_lossy().into_owned());
        let mut guard = STATE.lock().unwrap();
        let state = guard.as_mut().unwrap();
        if !state.files.contains_key(&path) {
            let reader: &'static std::fs::File = Box::leak(Box::new(std::fs::File::open(&path).unwrap()));
            state.files.insert(path.clone(), Tracked { reader, since_sync: Vec::new() });
        }
        (*f).path = Box::into_raw(Box::new(path));
    }
    (*f).base.pMethods = &METHODS;
    rc
}

unsafe extern "C" fn x_delete(vfs: *mut ffi::sqlite3_vfs, name: *const c_char, sync_dir: c_int) -> c_int {
    let _ = vfs;
    let path = PathBuf::from(CStr::from_ptr(name).to_string_lossy().into_owned());
    let tracked = STATE.lock().unwrap().as_ref().unwrap().files.contains_key(&path);
    if tracked {
        count_op("delete", &path);
        STATE.lock().unwrap().as_mut().unwrap().files.remove(&path);
    }
    ((*UNIX).xDelete.unwrap())(UNIX, name, sync_dir)
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let rc = (methods(file).xClose.unwrap())(real(file));
    let f = file as *mut File;
    let size = (*UNIX).szOsFile as usize;
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut((*f).real as *mut u64, size.div_ceil(8))));
    if !(*f).path.is_null() {
        drop(Box::from_raw((*f).path));
    }
    rc
}

unsafe extern "C" fn x_read(file: *mut ffi::sqlite3_file, buf: *mut c_void, amount: c_int, offset: i64) -> c_int {
    (methods(file).xRead.unwrap())(real(file), buf, amount, offset)
}

unsafe extern "C" fn x_write(file: *mut ffi::sqlite3_file, buf: *const c_void, amount: c_int, offset: i64) -> c_int {
    if let Some(path) = tracked_path(file) {
        count_op("write", path);
        let mut guard = STATE.lock().unwrap();
        let t = guard.as_mut().unwrap().files.get_mut(path).unwrap();
        let size_before = t.reader.metadata().unwrap().len();
        let end = (offset as u64 + amount as u64).min(size_before);
        let mut old = vec![0u8; end.saturating_sub(offset as u64) as usize];
        t.reader.read_exact_at(&mut old, offset as u64).unwrap();
        let new = std::slice::from_raw_parts(buf as *const u8, amount as usize).to_vec();
        t.since_sync.push(Change::Write { offset: offset as u64, new, old, size_before });
    }
    (methods(file).xWrite.unwrap())(real(file), buf, amount, offset)
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: i64) -> c_int {
    if let Some(path) = tracked_path(file) {
        count_op("truncation", path);
        let mut guard = STATE.lock().unwrap();
        let t = guard.as_mut().unwrap().files.get_mut(path).unwrap();
        let size_before = t.reader.metadata().unwrap().len();
        let mut old_tail = vec![0u8; size_before.saturating_sub(size as u64) as usize];
        t.reader.read_exact_at(&mut old_tail, size as u64).unwrap();
        t.since_sync.push(Change::Truncate { size: size as u64, size_before, old_tail });
    }
    (methods(file).xTruncate.unwrap())(real(file), size)
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let tracked = tracked_path(file);
    if let Some(path) = tracked {
        count_op("sync", path);
    }
    let rc = (methods(file).xSync.unwrap())(real(file), flags);
    if let (Some(path), ffi::SQLITE_OK) = (tracked, rc) {
        STATE.lock().unwrap().as_mut().unwrap().files.get_mut(path).unwrap().since_sync.clear();
    }
    rc
}

unsafe extern "C" fn x_file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    (methods(file).xFileSize.unwrap())(real(file), size)
}
unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    (methods(file).xLock.unwrap())(real(file), level)
}
unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    (methods(file).xUnlock.unwrap())(real(file), level)
}
unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    (methods(file).xCheckReservedLock.unwrap())(real(file), out)
}
unsafe extern "C" fn x_file_control(file: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    (methods(file).xFileControl.unwrap())(real(file), op, arg)
}
unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    (methods(file).xSectorSize.unwrap())(real(file))
}
unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    (methods(file).xDeviceCharacteristics.unwrap())(real(file))
}
unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    pg: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    (methods(file).xShmMap.unwrap())(real(file), pg, size, extend, out)
}
unsafe extern "C" fn x_shm_lock(file: *mut ffi::sqlite3_file, offset: c_int, n: c_int, flags: c_int) -> c_int {
    (methods(file).xShmLock.unwrap())(real(file), offset, n, flags)
}
unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    (methods(file).xShmBarrier.unwrap())(real(file))
}
unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    (methods(file).xShmUnmap.unwrap())(real(file), delete)
}

/// Version 2: the shared-memory calls WAL needs, and no memory-mapped reads (which would bypass xRead).
static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

/// How many writes, syncs and truncations the process has made so far.
pub fn ops() -> u64 {
    STATE.lock().unwrap().as_ref().map_or(0, |s| s.ops)
}

/// Makes the power-cut VFS this process's default: the power goes at its `cut_at`-th write, sync or
/// truncation, and what the disk holds then is written into `out`, torn as `seed` decides.
pub fn install(cut_at: u64, seed: u64, out: &Path) {
    *STATE.lock().unwrap() = Some(State { files: BTreeMap::new(), ops: 0, cut_at, seed, out: out.to_path_buf() });
    unsafe {
        UNIX = ffi::sqlite3_vfs_find(c"unix".as_ptr());
        assert!(!UNIX.is_null(), "SQLite's unix VFS");
        let mut vfs = *UNIX;
        vfs.szOsFile = std::mem::size_of::<File>() as c_int;
        vfs.zName = c"powercut".as_ptr();
        vfs.pNext = std::ptr::null_mut();
        vfs.xOpen = Some(x_open);
        vfs.xDelete = Some(x_delete);
        let slot = &raw mut VFS;
        (*slot).write(vfs);
        let rc = ffi::sqlite3_vfs_register((*slot).as_mut_ptr(), 1);
        assert_eq!(rc, ffi::SQLITE_OK, "the power-cut VFS registers");
    }
}
