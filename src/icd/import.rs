//! Import of the Ministry of Health's МКБ-10 reference (OID 1.2.643.5.1.13.13.11.1005) as downloaded from
//! the federal НСИ portal in CSV form: a header row naming the columns (at least `MKB_CODE` and `MKB_NAME`,
//! optionally `ACTUAL`), separated by `;` or `,`, UTF-8 with or without a BOM. Ranges such as `C81-C96` become
//! blocks; everything else becomes a code. Existing entries are replaced; one transaction for the whole file.
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result};
use crate::people::{Actor, Operation};
use rusqlite::params;

/// Imports the file's rows; returns how many codes and blocks were loaded. Admins only.
pub fn import_file(db: &mut Db, actor: &Actor, bytes: &[u8]) -> Result<usize> {
    actor.require(Operation::IcdImport)?;
    let bad = || Error::invalid("file", Check::OneOf { allowed: "CSV (UTF-8): MKB_CODE, MKB_NAME[, ACTUAL]".into() });
    let text = std::str::from_utf8(bytes).map_err(|_| bad())?;
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().ok_or_else(bad)?;
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| bad())?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (code_col, name_col) = (column("MKB_CODE").ok_or_else(bad)?, column("MKB_NAME").ok_or_else(bad)?);
    let actual_col = column("ACTUAL");
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| bad())?;
        let (Some(code), Some(name)) = (record.get(code_col), record.get(name_col)) else { continue };
        let actual = actual_col.and_then(|c| record.get(c)).map(|a| a.trim() != "0").unwrap_or(true);
        let code = super::normalize(code);
        if code.is_empty() || name.trim().is_empty() || !actual {
            continue;
        }
        let kind = if code.contains('-') { "block" } else { "code" };
        rows.push((code, name.trim().to_string(), kind));
    }
    if rows.is_empty() {
        return Err(bad());
    }
    db.tx(|tx| {
        let mut stmt = tx.prepare(
            "INSERT INTO icd_codes (code, title, kind, source) VALUES (?1, ?2, ?3, 'import')
             ON CONFLICT (code) DO UPDATE SET title = excluded.title, source = 'import'",
        )?;
        for (code, title, kind) in &rows {
            stmt.execute(params![code, title, kind])?;
        }
        audit::record(tx, actor, "icd.import", "icd_codes", "*", &rows.len())?;
        Ok(rows.len())
    })
}
