//! What crosses as a file: uploads read on the workstation and sent as bytes, and exports produced where the
//! database is and saved on the workstation. No command takes a path or a folder of the machine that holds
//! the database; the desktop shell reads and writes the user's files itself.
use crate::dto::parse_id;
use btlp_commission::journal::{self, Format};
use btlp_commission::production::{self, qc};
use btlp_commission::{documents, exports, reports, signatures, Actor, Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// A file the user chose on their workstation (a consent scan, an evidence document).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub name: String,
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
}

/// A file produced for the user to keep: its suggested name, its bytes and how many records it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileOut {
    pub name: String,
    pub count: u32,
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
}

/// Where a produced file was saved on the workstation, as the UI shows it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SavedFile {
    pub path: String,
    pub count: u32,
}

/// Progress of long work (an export, batch signing).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, Default, PartialEq, Eq)]
pub struct WorkProgress {
    pub done: u32,
    pub total: u32,
}

/// What long work reports to and is stopped by: the one workstation (or session) that asked for it.
pub struct Work<'a> {
    pub cancel: &'a AtomicBool,
    pub progress: &'a (dyn Fn(WorkProgress) + Sync),
}

impl Work<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Bytes as base64 text inside JSON (never an array of numbers).
mod b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

fn stamp() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}

/// A core export that writes to a path, written into a private temporary file and read back.
fn through_temp(name: String, write: impl FnOnce(&Path) -> Result<usize>) -> Result<FileOut> {
    let dir = std::env::temp_dir().join(format!("btlp-out-{}", uuid::Uuid::now_v7()));
    btlp_commission::files::create_private_dir(&dir)?;
    let path: PathBuf = dir.join(&name);
    let result = write(&path).and_then(|count| Ok((count, std::fs::read(&path)?)));
    let _ = std::fs::remove_dir_all(&dir);
    let (count, bytes) = result?;
    Ok(FileOut { name, count: count as u32, bytes })
}

fn table(
    s: &mut Session,
    lang: Lang,
    stem: &str,
    format: &str,
    write: impl FnOnce(&mut Session, &Actor, Lang, Format, &Path) -> Result<usize>,
) -> Result<Vec<FileOut>> {
    let parsed = Format::parse(format)?;
    let name = format!("btlp-{stem}-{}.{}", stamp(), format.trim().to_ascii_lowercase());
    let actor = s.actor.clone();
    Ok(vec![through_temp(name, |out| write(s, &actor, lang, parsed, out))?])
}

/// The commission's journal of decisions decided in `[from, to]` (ДД.ММ.ГГГГ, either empty) as `format`
/// (xlsx, csv or pdf); `count` is the number of decisions.
pub fn journal_export(
    s: &mut Session,
    lang: Lang,
    reason: String,
    from: String,
    to: String,
    format: String,
) -> Result<Vec<FileOut>> {
    table(s, lang, "journal", &format, |s, actor, lang, format, out| {
        journal::export(&mut s.db, actor, &reason, &from, &to, format, lang, out)
    })
}

/// The QC journal (xlsx, csv or pdf) of tests made in a period; `count` is the number of tests.
pub fn qc_journal_export(
    s: &mut Session,
    lang: Lang,
    reason: String,
    from: String,
    to: String,
    format: String,
) -> Result<Vec<FileOut>> {
    table(s, lang, "qc-journal", &format, |s, actor, lang, format, out| {
        qc::export(&mut s.db, actor, &reason, &from, &to, format, lang, out)
    })
}

/// The batch's label PDF (`btlp-label-{code}.pdf`), for printing.
pub fn batches_save_label(s: &mut Session, lang: Lang, id: String) -> Result<Vec<FileOut>> {
    let b = production::batch(s.db.conn(), parse_id("batch_id", &id)?)?;
    let bytes = documents::render_label(s.db.conn(), b.id, lang)?;
    Ok(vec![FileOut { name: format!("btlp-label-{}.pdf", b.code), count: 1, bytes }])
}

/// The report's data (JSON and CSV) and, once signed, its PDF, for uploading to Roszdravnadzor's system.
pub fn reports_save(s: &mut Session, _: Lang, id: String) -> Result<Vec<FileOut>> {
    let id = parse_id("report_id", &id)?;
    let r = reports::get(s.db.conn(), id)?;
    let data = reports::data(s.db.conn(), id, s.db.today())?;
    let stem = format!("btlp-report-{}-{}", r.kind.code(), r.id);
    let file = |ext: &str, bytes: Vec<u8>| FileOut { name: format!("{stem}.{ext}"), count: 1, bytes };
    let mut files =
        vec![file("json", serde_json::to_vec_pretty(&data).unwrap_or_default()), file("csv", reports::to_csv(&data))];
    if let Some(pdf) = reports::pdf(s.db.conn(), id)? {
        files.push(file("pdf", pdf));
    }
    Ok(files)
}

/// The decisions of a period (dates ДД.ММ.ГГГГ, either may be empty), or of one patient, as one ZIP; `count`
/// is the number of decisions. Reports progress and stops when `work` is cancelled.
pub fn exports_decisions(
    s: &mut Session,
    _: Lang,
    work: &Work,
    reason: String,
    from: String,
    to: String,
    patient_id: Option<String>,
) -> Result<Vec<FileOut>> {
    let patient = patient_id.as_deref().filter(|p| !p.is_empty()).map(|p| parse_id("patient_id", p)).transpose()?;
    let selection = exports::Selection { from, to, patient };
    let report = |done: usize, total: usize| (work.progress)(WorkProgress { done: done as u32, total: total as u32 });
    let name = format!("btlp-decisions-{}.zip", stamp());
    Ok(vec![through_temp(name, |out| {
        let e = exports::decisions_archive(&mut s.db, &s.actor, &reason, &selection, out, report, work.cancel)?;
        Ok(e.decisions)
    })?])
}

/// Signs every decision waiting for `login`'s signature, one by one, reporting progress; stops between
/// decisions when `work` is cancelled. Returns how many were signed.
pub fn decisions_sign_all(
    s: &mut Session,
    lang: Lang,
    work: &Work,
    login: String,
    password: String,
    pin: Option<String>,
) -> Result<u32> {
    let signer = s.act_as(&login, &password)?;
    let todo = signatures::awaiting(s.db.conn(), signer.id())?;
    let total = todo.len() as u32;
    (work.progress)(WorkProgress { done: 0, total });
    for (i, id) in todo.into_iter().enumerate() {
        if work.cancelled() {
            return Ok(i as u32);
        }
        let secret = signatures::Secret { password: &password, pin: pin.as_deref() };
        signatures::sign_decision(&mut s.db, &signer, id, secret, lang)?;
        (work.progress)(WorkProgress { done: i as u32 + 1, total });
    }
    Ok(total)
}
