//! The patient registry: ФИО, date of birth, sex, СНИЛС, ОМС policy, capacity and the legal representative
//! who consents for a child under 15 or a person declared legally incapable (art. 20 of 323-FZ).
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::order::Order;
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

/// Below this age a legal representative consents (art. 20 of 323-FZ).
pub const REPRESENTATIVE_BELOW_AGE: u32 = 15;

#[derive(Debug, Clone, Default)]
pub struct NewPatient {
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    /// ДД.ММ.ГГГГ
    pub birth_date: String,
    /// `male` or `female`
    pub sex: String,
    pub snils: String,
    /// A 16-digit ЕНП (checked), or an old-format policy / temporary certificate when `oms_other` is set.
    pub oms_number: String,
    pub oms_other: bool,
    pub lacks_capacity: bool,
    pub rep_full_name: String,
    pub rep_relation: String,
    pub rep_document: String,
    /// The medical record number (№ медицинской карты), the label's second identifier; may be empty.
    pub record_number: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Representative {
    pub full_name: String,
    pub relation: String,
    pub document: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Patient {
    pub id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub snils: Option<String>,
    pub oms_number: Option<String>,
    pub lacks_capacity: bool,
    pub representative: Option<Representative>,
}

impl Patient {
    /// Фамилия Имя Отчество.
    pub fn full_name(&self) -> String {
        let mut s = format!("{} {}", self.last_name, self.first_name);
        if let Some(p) = &self.patronymic {
            s.push(' ');
            s.push_str(p);
        }
        s
    }

    /// Full years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        age(self.birth_date, day)
    }

    /// Whether a legal representative must consent for this patient on `day`.
    pub fn needs_representative(&self, day: NaiveDate) -> bool {
        self.lacks_capacity || self.age_on(day) < REPRESENTATIVE_BELOW_AGE
    }
}

/// Case- and ё-insensitive form of a name for searching (SQLite's LIKE folds only ASCII).
pub(crate) fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

fn age(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Registers a patient. Physicians and the secretary.
pub fn register(db: &mut Db, actor: &Actor, p: &NewPatient) -> Result<Uuid> {
    actor.require(Operation::PatientRegister)?;
    let last_name = validate::text("last_name", &p.last_name, 100)?;
    let first_name = validate::text("first_name", &p.first_name, 100)?;
    let patronymic = validate::optional_text("patronymic", &p.patronymic, 100)?;
    let birth_date = validate::date("birth_date", &p.birth_date)?;
    let today = db.today();
    if birth_date > today {
        return Err(Error::invalid("birth_date", Check::NotInFuture));
    }
    let sex = match p.sex.trim() {
        "male" | "м" | "М" => "male",
        "female" | "ж" | "Ж" => "female",
        "" => return Err(Error::invalid("sex", Check::Required)),
        _ => return Err(Error::invalid("sex", Check::OneOf { allowed: "male, female".into() })),
    };
    let snils = match p.snils.trim() {
        "" => None,
        s => Some(validate::snils("snils", s)?),
    };
    let (oms_kind, oms_number) = match (p.oms_number.trim(), p.oms_other) {
        ("", _) => (None, None),
        (n, false) => (Some("enp"), Some(validate::enp("oms_number", n)?)),
        (n, true) => (Some("other"), Some(validate::text("oms_number", n, 40)?)),
    };
    let rep_name = validate::optional_text("rep_full_name", &p.rep_full_name, 200)?;
    let rep_relation = validate::optional_text("rep_relation", &p.rep_relation, 100)?;
    let rep_document = validate::optional_text("rep_document", &p.rep_document, 200)?;
    if (p.lacks_capacity || age(birth_date, today) < REPRESENTATIVE_BELOW_AGE) && rep_name.is_none() {
        return Err(Error::Refused(Rule::RepresentativeMissing));
    }
    if rep_name.is_some() && rep_relation.is_none() {
        return Err(Error::invalid("rep_relation", Check::Required));
    }
    let record_number = validate::optional_text("record_number", &p.record_number, 40)?;
    db.tx(|tx| {
        if let Some(s) = &snils {
            let taken: bool = tx.query_row("SELECT count(*) > 0 FROM patients WHERE snils = ?1", [s], |r| r.get(0))?;
            if taken {
                return Err(Error::invalid("snils", Check::Taken));
            }
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO patients (id, last_name, first_name, patronymic, birth_date, sex, snils, oms_kind,
                 oms_number, lacks_capacity, rep_full_name, rep_relation, rep_document, name_key, created_by,
                 created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                id,
                last_name,
                first_name,
                patronymic,
                birth_date,
                sex,
                snils,
                oms_kind,
                oms_number,
                p.lacks_capacity,
                rep_name,
                rep_relation,
                rep_document,
                fold(&format!("{last_name} {first_name} {}", patronymic.as_deref().unwrap_or(""))),
                actor.id(),
                tx.now_text()
            ],
        )?;
        if let Some(n) = &record_number {
            tx.execute("INSERT INTO patient_records (patient_id, record_number) VALUES (?1, ?2)", params![id, n])?;
        }
        // The audit digest covers the record without copying personal data into the log.
        audit::record(tx, actor, "patient.register", "patient", &id.to_string(), &(&last_name, &first_name, &snils))?;
        Ok(id)
    })
}

const COLUMNS: &str = "id, last_name, first_name, patronymic, birth_date, sex, snils, oms_number, lacks_capacity,
    rep_full_name, rep_relation, rep_document";

fn from_row(r: &Row) -> rusqlite::Result<Patient> {
    let rep_name: Option<String> = r.get(9)?;
    Ok(Patient {
        id: r.get(0)?,
        last_name: r.get(1)?,
        first_name: r.get(2)?,
        patronymic: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r.get(5)?,
        snils: r.get(6)?,
        oms_number: r.get(7)?,
        lacks_capacity: r.get(8)?,
        representative: match rep_name {
            Some(full_name) => Some(Representative {
                full_name,
                relation: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                document: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Patient> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM patients WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "patient", id: id.to_string() })
}

/// The patient's medical record number, if one was given.
pub fn record_number(conn: &Connection, id: Uuid) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT record_number FROM patient_records WHERE patient_id = ?1", [id], |r| r.get(0))
        .optional()?)
}

/// The FTS5 trigram index over the patients' folded ФИО (migration 13), kept by triggers in the same
/// transaction as the patient row; the integrity check compares it with the patients.
pub const SEARCH_INDEX: &str = "search_patients";

/// Finds patients by a part of the ФИО, a СНИЛС or a date of birth (ДД.ММ.ГГГГ), alphabetically.
pub fn search(conn: &Connection, query: &str, limit: i64) -> Result<Vec<Patient>> {
    Ok(find(conn, query, Order::Patient, limit)?.0)
}

/// Above this many matches the first page is read in the list's order, stopping at the page's end, instead of
/// fetching every match to sort it.
const MANY: u32 = 500;

/// The first `limit` patients [`search`] finds, in `order` (by ФИО, or by registration, newest or oldest
/// first), and how many it finds in all. A part of the ФИО of three letters or more is a phrase query of the
/// trigram index — the same substring match as `LIKE '%…%'` on the folded ФИО, answered from the index alone;
/// a shorter part, or one with `%` or `_` in it, reads the names. A СНИЛС prefix and a birth date use their
/// indexes.
pub fn find(conn: &Connection, query: &str, order: Order, limit: i64) -> Result<(Vec<Patient>, u32)> {
    let by = match order.without_deadline()? {
        Order::Newest => "created_at DESC, id DESC",
        Order::Oldest => "created_at, id",
        _ => "name_key, birth_date",
    };
    let q = query.trim();
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    let birth = validate::date("query", q).ok();
    let snils = if digits.len() >= 3 && birth.is_none() { digits } else { String::new() };
    let folded = fold(q);
    let indexed = folded.chars().count() >= 3 && !folded.contains(['%', '_']);
    let (names, name) = if indexed {
        let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
        (format!("SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH ?1"), phrase)
    } else {
        ("SELECT rowid FROM patients WHERE name_key LIKE ?1".to_string(), format!("%{folded}%"))
    };
    let others = "SELECT rowid FROM patients WHERE ?2 <> '' AND snils >= ?2 AND snils < ?2 || ':'
             UNION SELECT rowid FROM patients WHERE birth_date = ?3";
    let hits = format!("WITH hits (rid) AS ({names} UNION {others})");
    // Without a СНИЛС or a date the name's matches are counted as they are, with no set to merge them in.
    let total: u32 = if snils.is_empty() && birth.is_none() {
        conn.query_row(&format!("SELECT count(*) FROM ({names})"), [&name], |r| r.get(0))?
    } else {
        conn.query_row(&format!("{hits} SELECT count(*) FROM hits"), params![name, snils, birth], |r| r.get(0))?
    };
    let many = total > MANY && by.starts_with("name_key");
    let sql = if many {
        // Many matches: the (name, birth date) index in order, each name tested as it comes, 25 found soon.
        format!(
            "SELECT {COLUMNS} FROM patients INDEXED BY patients_name_birth
             WHERE name_key LIKE ?1 OR rowid IN ({others}) ORDER BY {by} LIMIT ?4"
        )
    } else {
        format!("{hits} SELECT {COLUMNS} FROM patients WHERE rowid IN hits ORDER BY {by} LIMIT ?4")
    };
    let pattern = if many { format!("%{folded}%") } else { name };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![pattern, snils, birth, limit], from_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_full_years() {
        let birth = NaiveDate::from_ymd_opt(2011, 6, 15).unwrap();
        assert_eq!(age(birth, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()), 14, "the day before the birthday");
        assert_eq!(age(birth, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()), 15, "on the birthday");
    }
}
