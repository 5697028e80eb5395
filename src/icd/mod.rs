//! The МКБ-10 catalogue (the Russian edition of ICD-10, Ministry of Health reference
//! 1.2.643.5.1.13.13.11.1005): the shipped chapters, blocks and common codes, an importer for the official
//! reference file, and the check that a case's indication is a known code.
mod import;

pub use import::import_file;

use crate::error::{Check, Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

const SHIPPED: &str = include_str!("../../assets/mkb10/shipped.csv");

#[derive(Debug, Clone, Serialize)]
pub struct IcdEntry {
    pub code: String,
    pub title: String,
    pub kind: String,
}

/// Loads the shipped list into an empty catalogue (called when a database is prepared).
pub(crate) fn seed_shipped(conn: &Connection) -> Result<()> {
    let empty: bool = conn.query_row("SELECT count(*) = 0 FROM icd_codes", [], |r| r.get(0))?;
    if !empty {
        return Ok(());
    }
    let mut stmt = conn.prepare("INSERT INTO icd_codes (code, title, kind, source) VALUES (?1, ?2, ?3, 'shipped')")?;
    for line in SHIPPED.lines().skip(1) {
        let mut parts = line.splitn(3, ';');
        if let (Some(code), Some(kind), Some(title)) = (parts.next(), parts.next(), parts.next()) {
            stmt.execute(params![code, title, kind])?;
        }
    }
    Ok(())
}

/// Normalises a typed code: upper case, Cyrillic look-alike letters (С, В, А, …) to Latin, a comma to a dot.
pub fn normalize(code: &str) -> String {
    code.trim()
        .chars()
        .map(|c| match c.to_uppercase().next().unwrap_or(c) {
            'А' => 'A',
            'В' => 'B',
            'С' => 'C',
            'Е' => 'E',
            'К' => 'K',
            'М' => 'M',
            'Н' => 'H',
            'О' => 'O',
            'Р' => 'P',
            'Т' => 'T',
            'Х' => 'X',
            ',' => '.',
            other => other,
        })
        .collect()
}

fn well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    let head = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit();
    let tail = match b.len() {
        3 => true,
        5 | 6 => b[3] == b'.' && b[4..].iter().all(u8::is_ascii_digit),
        _ => false,
    };
    head && tail
}

/// Checks that `code` is a diagnosis code (not a chapter or block) in the catalogue; returns its entry.
pub fn require_code(conn: &Connection, field: &'static str, code: &str) -> Result<IcdEntry> {
    let code = normalize(code);
    if !well_formed(&code) {
        return Err(Error::invalid(field, Check::IcdFormat));
    }
    conn.query_row("SELECT code, title, kind FROM icd_codes WHERE code = ?1 AND kind = 'code'", [&code], |r| {
        Ok(IcdEntry { code: r.get(0)?, title: r.get(1)?, kind: r.get(2)? })
    })
    .optional()?
    .ok_or(Error::invalid(field, Check::UnknownIcd { code }))
}

/// Codes and titles matching `query` (a code prefix or words of the title), for search-as-you-type.
pub fn search(conn: &Connection, query: &str, limit: i64) -> Result<Vec<IcdEntry>> {
    let code = format!("{}%", normalize(query));
    let words = format!("%{}%", query.trim().to_lowercase());
    let mut stmt = conn.prepare(
        "SELECT code, title, kind FROM icd_codes
         WHERE code LIKE ?1 OR lower(title) LIKE ?2 ORDER BY kind = 'code' DESC, code LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![code, words, limit], |r| {
        Ok(IcdEntry { code: r.get(0)?, title: r.get(1)?, kind: r.get(2)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    /// A database with the shipped codes, as a new clinic's set-up leaves it.
    fn shipped() -> Db {
        let db = Db::in_memory().unwrap();
        seed_shipped(db.conn()).unwrap();
        db
    }

    #[test]
    fn shipped_codes_are_known_and_chapters_are_not_diagnoses() {
        let db = shipped();
        let e = require_code(db.conn(), "icd_code", "C83.3").unwrap();
        assert!(e.title.contains("лимфома"), "the shipped title must be the Russian one");
        assert!(require_code(db.conn(), "icd_code", "с91.0").is_ok(), "Cyrillic С typed by a user must be accepted");
        assert!(
            matches!(
                require_code(db.conn(), "icd_code", "C00-D48"),
                Err(Error::Invalid { check: Check::IcdFormat, .. })
            ),
            "a chapter is not a diagnosis"
        );
        assert!(
            matches!(
                require_code(db.conn(), "icd_code", "C99.9"),
                Err(Error::Invalid { check: Check::UnknownIcd { .. }, .. })
            ),
            "a code absent from the catalogue must be refused"
        );
    }

    #[test]
    fn search_finds_by_code_prefix_and_by_title() {
        let db = shipped();
        let by_code = search(db.conn(), "C91", 10).unwrap();
        assert!(by_code.iter().any(|e| e.code == "C91.0"), "a code prefix must find its sub-codes");
        let by_title = search(db.conn(), "миелома", 10).unwrap();
        assert!(by_title.iter().any(|e| e.code == "C90.0"), "words of the Russian title must find the code");
    }
}
