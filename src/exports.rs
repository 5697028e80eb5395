//! The decisions archive an administrator hands to an inspector: every stored decision PDF of a period in one
//! ZIP with a manifest (CSV and JSON, with each file's SHA-256), the clinic's root certificate and a short
//! README on checking the signatures. The archive is written entry by entry (one PDF in memory at a time)
//! to a temporary file beside the target and renamed into place only when complete, so a cancelled or
//! failed export never leaves a half-written archive under the final name.
use crate::audit;
use crate::db::{Db, Tx};
use crate::digest::sha256_hex;
use crate::error::{Error, Result, Storage};
use crate::people::{Actor, Operation};
use crate::pki;
use crate::signing::ca;
use crate::validate;
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;
use zip::write::SimpleFileOptions;

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    pub path: PathBuf,
    pub decisions: usize,
    pub bytes: u64,
}

struct Row {
    id: Uuid,
    number: String,
    decided_on: NaiveDate,
    outcome: String,
    patient_id: Uuid,
    signed_sha256: Option<String>,
}

const README: &str = "Архив решений врачебной комиссии о применении индивидуальных БТЛП.

decisions/      выписки из протоколов (PDF), подписанные членами комиссии (PAdES, ETSI.CAdES.detached)
manifest.csv    номер, дата, код пациента, итог, подписано ли, SHA-256 и имя файла (UTF-8)
manifest.json   то же в JSON
root.pem        корневой сертификат клиники, которым выданы сертификаты подписантов
trusted-roots.pem  корневые сертификаты удостоверяющих центров, которым доверяет клиника (подписи токенами
                и квалифицированными сертификатами ГОСТ), если они добавлены

Проверка подписей: `pdfsig ФАЙЛ.pdf` (poppler-utils) после импорта root.pem в базу NSS
(`certutil -A -n clinic -t CT,C,C -i root.pem -d sql:DIR`), в Adobe Acrobat Reader после добавления
root.pem в доверенные сертификаты, или `btlp verify ФАЙЛ.pdf --root root.pem --root trusted-roots.pem` (подписи ГОСТ
проверяются через OpenSSL с модулем gost или средствами КриптоПро).
Сверка файлов: `sha256sum decisions/*.pdf` — суммы должны совпасть с manifest.csv.
";

/// What an export was of, as the export log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Decisions,
    Journal,
    Qc,
}

impl ExportKind {
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Decisions => "decisions",
            ExportKind::Journal => "journal",
            ExportKind::Qc => "qc",
        }
    }

    fn parse(code: &str) -> ExportKind {
        match code {
            "journal" => ExportKind::Journal,
            "qc" => ExportKind::Qc,
            _ => ExportKind::Decisions,
        }
    }
}

/// One export as the log keeps it: who, when, of what, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoggedExport {
    pub at: String,
    pub login: String,
    pub full_name: String,
    pub kind: ExportKind,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub records: i64,
    pub file: String,
    pub reason: String,
}

/// Why data leaves the clinic's protection (an unencrypted file): every export must say so, e.g. «запрос
/// Росздравнадзора № …» (a typed refusal on the field `reason` otherwise, before anything is read).
pub(crate) fn reason(value: &str) -> Result<String> {
    validate::text("reason", value, 300)
}

/// One export a function writes, for the log (inside the export's own audited transaction).
pub(crate) struct LogEntry<'a> {
    pub kind: ExportKind,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub records: usize,
    pub out: &'a Path,
    pub reason: &'a str,
}

pub(crate) fn log(tx: &Tx, actor: &Actor, e: &LogEntry) -> Result<()> {
    let file = e.out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tx.execute(
        "INSERT INTO export_log (id, at, actor, kind, period_from, period_to, records, file, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            Uuid::now_v7(),
            tx.now_text(),
            actor.login,
            e.kind.code(),
            e.from,
            e.to,
            e.records as i64,
            file,
            e.reason
        ],
    )?;
    Ok(())
}

/// The newest `limit` exports, newest first. Those who may export read who exported (admins).
pub fn export_log(conn: &rusqlite::Connection, actor: &Actor, limit: u32) -> Result<Vec<LoggedExport>> {
    actor.require(Operation::Export)?;
    let mut stmt = conn.prepare(
        "SELECT e.at, e.actor, coalesce(u.full_name, e.actor), e.kind, e.period_from, e.period_to, e.records, e.file,
                e.reason
         FROM export_log e LEFT JOIN users u ON u.login = e.actor ORDER BY e.at DESC, e.rowid DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(LoggedExport {
            at: r.get(0)?,
            login: r.get(1)?,
            full_name: r.get(2)?,
            kind: ExportKind::parse(&r.get::<_, String>(3)?),
            from: r.get(4)?,
            to: r.get(5)?,
            records: r.get(6)?,
            file: r.get(7)?,
            reason: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which decisions an archive holds: those decided in `[from, to]` (ДД.ММ.ГГГГ, either empty for open), of
/// one patient or of all.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub from: String,
    pub to: String,
    pub patient: Option<Uuid>,
}

/// Writes the archive of the selected decisions to `out`. `progress` hears (done, total) after each decision;
/// setting `cancel` stops the export and removes the partial file. Admins only.
pub fn decisions_archive(
    db: &mut Db,
    actor: &Actor,
    reason: &str,
    selection: &Selection,
    out: &Path,
    mut progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<Exported> {
    actor.require(Operation::Export)?;
    let reason = self::reason(reason)?;
    let (from, to) = validate::period(&selection.from, &selection.to)?;
    let rows = decisions_in(db, from, to, selection.patient)?;
    let entry = LogEntry { kind: ExportKind::Decisions, from, to, records: rows.len(), out, reason: &reason };
    let bytes = write_then_rename(
        db,
        out,
        |db, tmp| write_archive(db, &rows, tmp, &mut progress, cancel),
        |tx| {
            log(tx, actor, &entry)?;
            audit::record(tx, actor, "export.decisions", "decision", "*", &(from, to, selection.patient, rows.len()))
        },
    )?;
    Ok(Exported { path: out.to_path_buf(), decisions: rows.len(), bytes })
}

/// Writes a file the safe way: `write` fills a hidden temporary file beside `out`; the export is audited
/// (`audit`) and only then does the file take its final name, so no export exists unaudited and a failed,
/// cancelled or killed export never leaves a half-written file under the final name. Leftovers of exports
/// killed earlier (hidden `.part` files a day old) are swept first. Returns the file's size.
pub(crate) fn write_then_rename(
    db: &mut Db,
    out: &Path,
    write: impl FnOnce(&Db, &Path) -> Result<()>,
    audit: impl FnOnce(&Tx) -> Result<()>,
) -> Result<u64> {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("export").to_string();
    sweep(out, &name);
    let tmp = out.with_file_name(format!(".{name}.{}.part", Uuid::now_v7()));
    // Made first as the owner's alone, so the export is never readable by others, not even while written
    // (the writers open it again, keeping its mode; it is narrowed once more in case one replaced it).
    let written = crate::files::create_private_new(&tmp)
        .map_err(Error::from)
        .and_then(|_| write(db, &tmp))
        .and_then(|()| Ok(crate::files::make_private(&tmp)?))
        .and_then(|()| Ok(std::fs::metadata(&tmp)?.len()))
        .and_then(|bytes| {
            db.tx(audit)?;
            std::fs::rename(&tmp, out)?;
            Ok(bytes)
        });
    written.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn sweep(out: &Path, name: &str) {
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        if file.starts_with(&prefix) && file.ends_with(".part") && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn decisions_in(db: &Db, from: Option<NaiveDate>, to: Option<NaiveDate>, patient: Option<Uuid>) -> Result<Vec<Row>> {
    let mut stmt = db.conn().prepare(
        // From the documents (a decision has one only once it is adopted and rendered) to their decisions:
        // CROSS JOIN keeps that order. Read in number order instead, every decision of the clinic was visited
        // for a document (300,000 for 10,000 at scale). `signed_sha256` comes from an index (migration 17):
        // from the row, it cost reading the whole PDF before it (a third of the archive's time, 01.12).
        "SELECT d.id, d.number, d.decided_on, d.outcome, c.patient_id, dd.signed_sha256
         FROM decision_documents dd CROSS JOIN decisions d ON d.id = dd.decision_id JOIN cases c ON c.id = d.case_id
         WHERE (?1 IS NULL OR d.decided_on >= ?1) AND (?2 IS NULL OR d.decided_on <= ?2)
           AND (?3 IS NULL OR c.patient_id = ?3)
         ORDER BY d.year, d.seq",
    )?;
    let rows = stmt.query_map(params![from, to, patient], |r| {
        Ok(Row {
            id: r.get(0)?,
            number: r.get(1)?,
            decided_on: r.get(2)?,
            outcome: r.get(3)?,
            patient_id: r.get(4)?,
            signed_sha256: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::Storage(Storage::Io(std::io::Error::other(e)))
}

/// Reads each decision's PDF here, while a second thread hashes it and writes it into the ZIP, so that
/// decrypting the pages and hashing and writing the bytes overlap. The channel holds a few documents, so
/// memory stays that of a few PDFs.
fn write_archive(
    db: &Db,
    rows: &[Row],
    tmp: &Path,
    progress: &mut impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<()> {
    let file = std::fs::File::create(tmp)?;
    let root = ca::to_pem(&pki::root_cert(db.conn())?).into_bytes();
    let trusted: Vec<u8> =
        pki::outside::imported_roots(db.conn())?.iter().flat_map(|der| ca::to_pem(der).into_bytes()).collect();
    let (send, receive) = std::sync::mpsc::sync_channel::<(&Row, Vec<u8>)>(4);
    // Set when reading stops early (cancelled, or an error): the writer then leaves the ZIP unfinished and
    // unsynced, as the file is removed anyway.
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let stopped = &stopped;
        let writer = scope.spawn(move || write_zip(file, receive, root, trusted, stopped));
        let read = (|| -> Result<()> {
            let mut stmt = db.conn().prepare_cached("SELECT pdf FROM decision_documents WHERE decision_id = ?1")?;
            for (i, r) in rows.iter().enumerate() {
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::Refused(crate::error::Rule::Cancelled));
                }
                let pdf: Vec<u8> = stmt.query_row([r.id], |x| x.get(0))?;
                if send.send((r, pdf)).is_err() {
                    break; // the writer stopped on an error, which it returns
                }
                progress(i + 1, rows.len());
            }
            Ok(())
        })();
        if read.is_err() {
            stopped.store(true, Ordering::Relaxed);
        }
        drop(send);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Storage(Storage::Io(std::io::Error::other("the archive writer stopped")))));
        read.and(written)
    })
}

/// The ZIP of the documents received in order, with the manifests, the clinic root and the README.
fn write_zip(
    file: std::fs::File,
    documents: std::sync::mpsc::Receiver<(&Row, Vec<u8>)>,
    root_pem: Vec<u8>,
    trusted_pem: Vec<u8>,
    stopped: &AtomicBool,
) -> Result<()> {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let opts =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).compression_level(Some(1));
    // The documents' streams are deflated already (`documents`), so they are stored as they are: deflating
    // the ZIP entries was the largest part of the export's time on 01.12 (4.1–6.0× `cp -r`).
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut csv = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    csv.write_record(["number", "decided_on", "patient_code", "outcome", "signed", "sha256", "file"])
        .map_err(|e| Error::Storage(Storage::Io(e.into())))?;
    let mut json = Vec::new();
    for (r, pdf) in documents {
        let name = format!("decisions/{}.pdf", r.number.replace('/', "-"));
        zip.start_file(name.as_str(), stored).map_err(zip_error)?;
        zip.write_all(&pdf)?;
        let sha = sha256_hex(&pdf);
        let signed = r.signed_sha256.as_deref() == Some(sha.as_str());
        let date = validate::show_date(r.decided_on);
        let code = r.patient_id.to_string();
        csv.write_record([r.number.as_str(), &date, &code, &r.outcome, if signed { "yes" } else { "no" }, &sha, &name])
            .map_err(|e| Error::Storage(Storage::Io(e.into())))?;
        json.push(serde_json::json!({
            "number": r.number, "decided_on": date, "patient_code": code, "outcome": r.outcome,
            "signed": signed, "sha256": sha, "file": name,
        }));
    }
    if stopped.load(Ordering::Relaxed) {
        return Ok(());
    }
    let csv = csv.into_inner().map_err(|e| Error::Storage(Storage::Io(std::io::Error::other(e.to_string()))))?;
    for (name, bytes) in [
        ("manifest.csv", csv),
        ("manifest.json", serde_json::to_vec_pretty(&json).unwrap_or_default()),
        ("root.pem", root_pem),
        ("trusted-roots.pem", trusted_pem),
        ("README.txt", README.as_bytes().to_vec()),
    ] {
        if bytes.is_empty() {
            continue;
        }
        zip.start_file(name, opts).map_err(zip_error)?;
        zip.write_all(&bytes)?;
    }
    let inner = zip.finish().map_err(zip_error)?;
    let file = inner.into_inner().map_err(|e| Error::Storage(Storage::Io(e.into_error())))?;
    file.sync_all()?;
    Ok(())
}

/// The columns of a table export: the sheet's name, the header and each column's width (in characters).
/// A journal as a screen shows it: the same columns and cells as its export.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub widths: Vec<u16>,
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Storage(Storage::Io(std::io::Error::other(e.to_string())))
}

/// Writes a table as CSV, UTF-8 with a BOM so Excel reads the Cyrillic.
pub fn write_csv<R: IntoIterator<Item = String>>(
    sheet: &Sheet,
    rows: impl IntoIterator<Item = R>,
    path: &Path,
) -> Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(&sheet.header).map_err(io)?;
    for r in rows {
        w.write_record(r).map_err(io)?;
    }
    let file = w.into_inner().map_err(io)?;
    file.into_inner().map_err(io)?.sync_all()?;
    Ok(())
}

/// Writes a table as XLSX: a bold, frozen header with a filter. Rows go to a temporary file as they are
/// written, so a year of a large clinic's journal stays small in memory.
pub fn write_xlsx<R: IntoIterator<Item = String>>(
    sheet: &Sheet,
    rows: impl IntoIterator<Item = R>,
    path: &Path,
) -> Result<()> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut book = Workbook::new();
    let bold = Style::new().set_bold().set_text_wrap();
    let ws = book.add_worksheet_with_constant_memory().map_err(io)?;
    ws.set_name(&sheet.name).map_err(io)?;
    for (c, (title, width)) in sheet.header.iter().zip(&sheet.widths).enumerate() {
        ws.write_string_with_format(0, c as u16, title, &bold).map_err(io)?;
        ws.set_column_width(c as u16, *width).map_err(io)?;
    }
    let mut n = 0u32;
    for r in rows {
        n += 1;
        for (c, text) in r.into_iter().enumerate() {
            ws.write_string(n, c as u16, text).map_err(io)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(io)?;
    ws.autofilter(0, 0, n, sheet.header.len().max(1) as u16 - 1).map_err(io)?;
    book.save(path).map_err(io)?;
    Ok(())
}

/// Writes a table export in `format` to `out` through `write_then_rename` (temporary file, audit, rename):
/// CSV and XLSX from `sheet` and `rows`, PDF from `pdf`.
pub(crate) fn write_table<R: IntoIterator<Item = String>>(
    db: &mut Db,
    out: &Path,
    format: crate::journal::Format,
    sheet: &Sheet,
    rows: impl IntoIterator<Item = R>,
    pdf: impl FnOnce() -> Result<Vec<u8>>,
    audit: impl FnOnce(&Tx) -> Result<()>,
) -> Result<()> {
    use crate::journal::Format;
    let write = move |_: &Db, tmp: &Path| match format {
        Format::Csv => write_csv(sheet, rows, tmp),
        Format::Xlsx => write_xlsx(sheet, rows, tmp),
        Format::Pdf => Ok(std::fs::write(tmp, pdf()?)?),
    };
    write_then_rename(db, out, write, audit).map(drop)
}
