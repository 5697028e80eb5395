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
