//! The commission's journal of individual-BTLP decisions (DOMAIN.md §6: decisions are entered in the
//! commission's journal): one row per decision of a period with the patient, diagnosis, product, setting,
//! outcome, window, the vote and the administration it authorised, exported as XLSX, CSV (UTF-8 with a BOM
//! so Excel reads the Cyrillic) or PDF. Exports are written beside the target and renamed into place.
use crate::audit;
use crate::db::Db;
use crate::documents;
use crate::error::{Check, Error, Result};
use crate::i18n::{tr, Lang};
use crate::people::{Actor, Operation};
use crate::validate::{self, show_date, show_snils};
use crate::{exports, org};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub number: String,
    pub decided_on: NaiveDate,
    pub patient_name: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub snils: Option<String>,
    pub icd_code: String,
    pub indication: String,
    pub product_name: String,
    pub setting: String,
    pub department: String,
    pub outcome: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub votes_for: i64,
    pub votes_against: i64,
    pub votes_abstain: i64,
    pub present: i64,
    pub composition_size: i64,
    pub supersedes: Option<String>,
    pub administered_at: Option<NaiveDateTime>,
    /// The protocol of the meeting that decided: its number and the meeting's date.
    pub protocol: Option<(u32, NaiveDate)>,
}

/// The journal's decisions decided in `[from, to]` (either open), in number order. Two statements, whatever
/// the period: the meetings with their protocols (a few hundred a year) into a map, then the decisions with
/// their cases, patients, superseded decisions and administrations. Joining the meetings per row had been
/// four more B-tree descents for each of a year's hundred thousand decisions.
pub fn rows(conn: &Connection, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Vec<Row>> {
    let mut meetings = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT m.id, m.meeting_date, mp.number FROM meetings m LEFT JOIN meeting_protocols mp ON mp.meeting_id = m.id",
    )?;
    let mut found = stmt.query([])?;
    while let Some(r) = found.next()? {
        let (id, date, number): (Uuid, NaiveDate, Option<u32>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        meetings.insert(id, number.map(|n| (n, date)));
    }
    let mut stmt = conn.prepare(
        "SELECT d.number, d.decided_on, p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''),
                p.birth_date, p.sex, p.snils, c.icd_code, c.indication, c.product_name, d.setting, d.department,
                d.outcome, d.window_from, d.window_to, d.votes_for, d.votes_against, d.votes_abstain, d.present,
                d.composition_size, s.number, a.administered_at, d.meeting_id
         FROM decisions d JOIN cases c ON c.id = d.case_id JOIN patients p ON p.id = c.patient_id
         LEFT JOIN decisions s ON s.id = d.supersedes LEFT JOIN administrations a ON a.decision_id = d.id
         WHERE d.year BETWEEN ?3 AND ?4 AND (?1 IS NULL OR d.decided_on >= ?1) AND (?2 IS NULL OR d.decided_on <= ?2)
         ORDER BY d.year, d.seq",
    )?;
    // A decision's number is of the year it was decided in, so the period's years bound the (year, seq) index:
    // the rows are read in number order from the first of the period, never from the clinic's first decision.
    let years = (from.map_or(0, |d| d.year()), to.map_or(9999, |d| d.year()));
    let rows = stmt.query_map(params![from, to, years.0, years.1], |r| {
        Ok(Row {
            number: r.get(0)?,
            decided_on: r.get(1)?,
            patient_name: r.get(2)?,
            birth_date: r.get(3)?,
            sex: r.get(4)?,
            snils: r.get(5)?,
            icd_code: r.get(6)?,
            indication: r.get(7)?,
            product_name: r.get(8)?,
            setting: r.get(9)?,
            department: r.get(10)?,
            outcome: r.get(11)?,
            window_from: r.get(12)?,
            window_to: r.get(13)?,
            votes_for: r.get(14)?,
            votes_against: r.get(15)?,
            votes_abstain: r.get(16)?,
            present: r.get(17)?,
            composition_size: r.get(18)?,
            supersedes: r.get(19)?,
            administered_at: r.get(20)?,
            protocol: meetings.get(&r.get::<_, Uuid>(21)?).copied().flatten(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns of the XLSX and CSV, in order (catalogue keys `journal.col.<name>`).
pub const COLUMNS: [&str; 18] = [
    "number",
    "decided_on",
    "patient_name",
    "birth_date",
    "sex",
    "snils",
    "icd_code",
    "indication",
    "product_name",
    "setting",
    "outcome",
    "window",
    "votes",
    "present",
    "supersedes",
    "administered_at",
    "department",
    "protocol",
];

/// One row's cells as a reader sees them (dates ДД.ММ.ГГГГ, codes named in `lang`).
pub(crate) fn cells(r: &Row, lang: Lang) -> [String; 18] {
    let t = |key: String| tr(lang, &key, &[]);
    [
        r.number.clone(),
        show_date(r.decided_on),
        r.patient_name.clone(),
        show_date(r.birth_date),
        t(format!("sex.{}", r.sex)),
        r.snils.as_deref().map(show_snils).unwrap_or_default(),
        r.icd_code.clone(),
        r.indication.clone(),
        r.product_name.clone(),
        t(format!("setting.{}", r.setting)),
        t(format!("outcome.{}", r.outcome)),
        format!("{} — {}", show_date(r.window_from), show_date(r.window_to)),
        format!("{} / {} / {}", r.votes_for, r.votes_against, r.votes_abstain),
        format!("{} / {}", r.present, r.composition_size),
        r.supersedes.clone().unwrap_or_default(),
        r.administered_at.map(|a| a.format("%d.%m.%Y %H:%M").to_string()).unwrap_or_default(),
        r.department.clone(),
        r.protocol
            .map(|(n, date)| tr(lang, "journal.protocol", &[("number", n.to_string()), ("date", show_date(date))]))
            .unwrap_or_default(),
    ]
}

fn sheet(lang: Lang) -> exports::Sheet {
    exports::Sheet {
        name: tr(lang, "journal.sheet", &[]),
        header: COLUMNS.iter().map(|c| tr(lang, &format!("journal.col.{c}"), &[])).collect(),
        widths: COLUMNS
            .iter()
            .map(|c| match *c {
                "patient_name" | "indication" | "product_name" | "department" => 30,
                "window" | "administered_at" => 22,
                _ => 13,
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Csv,
    Pdf,
}

impl Format {
    pub fn parse(code: &str) -> Result<Format> {
        match code.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            "pdf" => Ok(Format::Pdf),
            _ => Err(Error::invalid("format", Check::OneOf { allowed: "xlsx, csv, pdf".into() })),
        }
    }
}

/// The journal of decisions decided in `[from, to]` (ДД.ММ.ГГГГ, either empty for open) on screen, with the
/// export's columns. For those who may read decisions (`people::readers`).
pub fn table(conn: &Connection, actor: &Actor, from: &str, to: &str, lang: Lang) -> Result<exports::Table> {
    if !actor.may_read(crate::notices::Subject::Decision) {
        return Err(Error::Forbidden { action: "read_journal" });
    }
    let (from, to) = validate::period(from, to)?;
    let rows = rows(conn, from, to)?.iter().map(|r| cells(r, lang).to_vec()).collect();
    Ok(exports::Table { header: sheet(lang).header, rows })
}

/// Writes the journal of decisions decided in `[from, to]` (ДД.ММ.ГГГГ, either empty for open) to `out`.
/// Admins, the chair and the secretary. Returns how many decisions it holds.
#[allow(clippy::too_many_arguments)]
pub fn export(
    db: &mut Db,
    actor: &Actor,
    reason: &str,
    from: &str,
    to: &str,
    format: Format,
    lang: Lang,
    out: &Path,
) -> Result<usize> {
    actor.require(Operation::JournalExport)?;
    let reason = exports::reason(reason)?;
    let (from, to) = validate::period(from, to)?;
    let rows = rows(db.conn(), from, to)?;
    let entry =
        exports::LogEntry { kind: exports::ExportKind::Journal, from, to, records: rows.len(), out, reason: &reason };
    let org = org::get(db.conn())?;
    let pdf = || documents::render_journal(&rows, &org, from, to, lang);
    let cells = rows.iter().map(|r| cells(r, lang));
    let audit = |tx: &crate::db::Tx| {
        exports::log(tx, actor, &entry)?;
        audit::record(tx, actor, "export.journal", "decision", "*", &(from, to, rows.len()))
    };
    exports::write_table(db, out, format, &sheet(lang), cells, pdf, audit)?;
    Ok(rows.len())
}
