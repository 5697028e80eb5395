//! The patient registry: identity documents checked, representatives where the law requires them.
use crate::common::{adult_patient, child_patient, Clinic};
use btlp_commission::error::{Check, Rule};
use btlp_commission::patients;
use btlp_commission::Error;

#[test]
fn a_wrong_snils_checksum_is_refused_and_nothing_is_stored() {
    let mut c = Clinic::new();
    let mut p = adult_patient();
    p.snils = "112-233-445 96".into();
    let r = c.patient(p);
    assert!(
        matches!(r, Err(Error::Invalid { field: "snils", check: Check::SnilsChecksum })),
        "a SNILS with a wrong checksum must be refused, naming the field"
    );
    assert_eq!(c.count("patients"), 0, "a refused patient must not be stored");
}

#[test]
fn a_wrong_oms_check_digit_is_refused() {
    let mut c = Clinic::new();
    let mut p = adult_patient();
    p.oms_number = "8451999122899991".into();
    assert!(
        matches!(c.patient(p), Err(Error::Invalid { field: "oms_number", check: Check::EnpChecksum })),
        "a unified OMS number with a wrong Luhn digit must be refused"
    );
}

#[test]
fn a_child_needs_a_legal_representative() {
    let mut c = Clinic::new();
    let mut p = child_patient();
    p.rep_full_name.clear();
    assert!(
        matches!(c.patient(p), Err(Error::Refused(Rule::RepresentativeMissing))),
        "a patient under 15 cannot be registered without a legal representative"
    );
    assert!(c.patient(child_patient()).is_ok(), "with the representative the child is registered");
}

#[test]
fn an_incapable_adult_needs_a_legal_representative() {
    let mut c = Clinic::new();
    let mut p = adult_patient();
    p.lacks_capacity = true;
    assert!(
        matches!(c.patient(p), Err(Error::Refused(Rule::RepresentativeMissing))),
        "a person declared incapable needs a representative"
    );
}

#[test]
fn search_by_name_snils_and_birth_date() {
    let mut c = Clinic::new();
    let mut p = adult_patient();
    p.snils = "112-233-445 95".into();
    c.patient(p).unwrap();
    let conn = c.db.conn();
    assert_eq!(patients::search(conn, "иванов", 10).unwrap().len(), 1, "lower-case Cyrillic finds the surname");
    assert_eq!(patients::search(conn, "112-233", 10).unwrap().len(), 1, "the start of a SNILS finds the patient");
    assert_eq!(patients::search(conn, "12.09.1961", 10).unwrap().len(), 1, "the birth date finds the patient");
    assert!(patients::search(conn, "Петров", 10).unwrap().is_empty(), "another name finds nothing");
}

#[test]
fn the_same_snils_cannot_be_registered_twice() {
    let mut c = Clinic::new();
    let mut p = adult_patient();
    p.snils = "112-233-445 95".into();
    c.patient(p.clone()).unwrap();
    assert!(
        matches!(c.patient(p), Err(Error::Invalid { field: "snils", check: Check::Taken })),
        "one person, one registry entry"
    );
}

#[test]
fn a_patient_without_a_sex_is_refused_beside_the_field_and_stores_nothing() {
    let mut c = Clinic::new();
    let before = c.count("patients");
    let mut p = adult_patient();
    p.sex = String::new();
    assert!(
        matches!(c.patient(p), Err(Error::Invalid { field: "sex", check: Check::Required })),
        "nothing is chosen for the physician: a missing sex is asked for (it also declines the name)"
    );
    assert_eq!(c.count("patients"), before, "a refused patient is not stored");
}

/// A valid СНИЛС from its first nine digits (the checksum as the Pension Fund computes it).
fn snils(nine: u32) -> String {
    let d: Vec<u32> = format!("{nine:09}").chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (9 - i as u32)).sum();
    let check = match sum {
        s if s < 100 => s,
        100 | 101 => 0,
        s => (s % 101) % 100,
    };
    format!("{:03}-{:03}-{:03} {check:02}", nine / 1_000_000, nine / 1000 % 1000, nine % 1000)
}

/// The search as it was before the trigram index: a scan of every folded name, a СНИЛС prefix, a birth date.
fn by_scan(conn: &rusqlite::Connection, q: &str) -> Vec<uuid::Uuid> {
    let digits: String = q.trim().chars().filter(|c| c.is_ascii_digit()).collect();
    let birth = btlp_commission::validate::date("query", q.trim()).ok();
    let snils = if digits.len() >= 3 && birth.is_none() { digits } else { String::new() };
    let folded = format!("%{}%", q.trim().to_lowercase().replace('ё', "е"));
    let mut stmt = conn
        .prepare(
            "SELECT id FROM patients WHERE name_key LIKE ?1 OR (?2 <> '' AND snils LIKE ?2 || '%') OR birth_date = ?3
             ORDER BY name_key, birth_date",
        )
        .unwrap();
    let ids = stmt.query_map(rusqlite::params![folded, snils, birth], |r| r.get(0)).unwrap();
    ids.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn the_trigram_index_finds_exactly_what_a_scan_of_every_name_finds() {
    let mut c = Clinic::new();
    let names = [
        ("Иванов", "Иван", "Иванович", "12.09.1961"),
        ("Иванова", "Мария", "Петровна", "01.02.1970"),
        ("Ивановский", "Олег", "", "03.04.1980"),
        ("Ёлкин", "Пётр", "Семёнович", "12.09.1961"),
        ("Елкина", "Алёна", "Игоревна", "05.06.1990"),
        ("Петров-Водкин", "Кузьма", "Сергеевич", "07.08.1955"),
        ("Ли", "Ан", "", "09.10.2000"),
        ("Черных", "Ольга", "Юрьевна", "11.12.1985"),
        ("Шевчук", "Анна", "", "13.01.1975"),
        ("О", "Ен", "", "14.02.1999"),
    ];
    for (i, (last, first, middle, born)) in names.iter().enumerate() {
        let mut p = adult_patient();
        (p.last_name, p.first_name, p.patronymic, p.birth_date) =
            (last.to_string(), first.to_string(), middle.to_string(), born.to_string());
        p.snils = if i % 2 == 0 { snils(112_233_400 + i as u32 * 7) } else { String::new() };
        c.patient(p).unwrap();
    }
    let conn = c.db.conn();
    for q in [
        "",
        " ",
        "и",
        "ив",
        "ива",
        "иван",
        "ИВАНОВ",
        "ванов",
        "ивановна",
        "иван иванович",
        "ёлк",
        "елк",
        "ЁЛКИНА",
        "алена",
        "пётр",
        "петр",
        "петров-вод",
        "-в",
        "ли",
        "ли ан",
        "о е",
        "ен",
        "черных",
        "ова",
        "вна",
        "ич",
        "12.09.1961",
        "1961",
        "112",
        "112-233",
        "112233407",
        "a%b",
        "и_а",
        "___",
        "%",
        "нет такого",
    ] {
        let (found, total) = patients::find(conn, q, btlp_commission::order::Order::Patient, 1000).unwrap();
        let found: Vec<uuid::Uuid> = found.into_iter().map(|p| p.id).collect();
        assert_eq!(found, by_scan(conn, q), "«{q}»: the index finds what the scan finds, in the same order");
        assert_eq!(total as usize, found.len(), "«{q}»: the total counts what was found");
    }
    let (first, total) = patients::find(conn, "ов", btlp_commission::order::Order::Patient, 2).unwrap();
    assert_eq!((first.len(), total), (2, 5), "the first page and the total of all that match");

    // Many matches: the first page is read in the list's order instead of sorting them all; the same page.
    let doc: uuid::Uuid = conn.query_row("SELECT id FROM users WHERE login = 'doc'", [], |r| r.get(0)).unwrap();
    for i in 0..700 {
        let (last, born) = (format!("Тестов{}", i % 97), format!("19{:02}-0{}-1{}", 40 + i % 50, 1 + i % 9, i % 10));
        conn.execute(
            "INSERT INTO patients (id, last_name, first_name, patronymic, birth_date, sex, name_key, created_by,
             created_at) VALUES (?1, ?2, 'Тест', 'Тестович', ?3, 'male', ?4, ?5, '2026-06-01T10:00:00+03:00')",
            rusqlite::params![uuid::Uuid::now_v7(), last, born, format!("{} тест тестович", last.to_lowercase()), doc],
        )
        .unwrap();
    }
    for q in ["тестов", "тест тестович", "тестов1", "стов9 т"] {
        let (page, total) = patients::find(conn, q, btlp_commission::order::Order::Patient, 25).unwrap();
        let all = by_scan(conn, q);
        let page: Vec<uuid::Uuid> = page.into_iter().map(|p| p.id).collect();
        assert_eq!(total as usize, all.len(), "«{q}»: the total of many matches");
        assert_eq!(page, all[..25.min(all.len())], "«{q}»: the first page of many matches, in order");
    }
}

#[test]
fn the_search_index_is_kept_with_the_patient_row_and_checked_against_it() {
    let mut c = Clinic::new();
    let id = c.adult();
    let find = |c: &Clinic, q: &str| patients::find(c.db.conn(), q, Default::default(), 10).unwrap().1;
    assert_eq!(find(&c, "иванович"), 1, "a patient registered is found at once");
    let conn = c.db.conn();
    conn.execute_batch("BEGIN").unwrap();
    conn.execute("UPDATE patients SET name_key = 'сидоров иван иванович' WHERE id = ?1", [id]).unwrap();
    assert_eq!((find(&c, "сидоров"), find(&c, "иванов и")), (1, 0), "a new name is found in its transaction");
    c.db.conn().execute_batch("ROLLBACK").unwrap();
    assert_eq!((find(&c, "сидоров"), find(&c, "иванов и")), (0, 1), "and a rollback takes the index back with it");

    let admin = c.as_("admin");
    assert!(btlp_commission::integrity::check(&mut c.db, &admin).unwrap().intact(), "the index matches the patients");
    c.db.conn()
        .execute(
            "INSERT INTO search_patients (search_patients, rowid, name_key)
             SELECT 'delete', rowid, name_key FROM patients WHERE id = ?1",
            [id],
        )
        .unwrap();
    let report = btlp_commission::integrity::check(&mut c.db, &admin).unwrap();
    assert!(!report.intact(), "an index that lost a patient is damage the integrity check reports");
    assert!(report.sqlite.iter().any(|l| l.starts_with("search_patients")), "named: {:?}", report.sqlite);
}
