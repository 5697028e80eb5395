//! The patient registry: search by ФИО, СНИЛС or date of birth, registration, a patient's record.
use crate::dto::{day, parse_id};
use btlp_commission::patients::{self, NewPatient, Patient};
use btlp_commission::validate;
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct PatientRow {
    pub id: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    /// As printed, XXX-XXX-XXX YY.
    pub snils: Option<String>,
    pub oms_number: Option<String>,
    pub lacks_capacity: bool,
    /// The legal representative's ФИО and relation, where the patient has one.
    pub representative: Option<String>,
}

impl From<Patient> for PatientRow {
    fn from(p: Patient) -> Self {
        PatientRow {
            id: p.id.to_string(),
            full_name: p.full_name(),
            birth_date: day(p.birth_date),
            sex: p.sex.clone(),
            snils: p.snils.as_deref().map(validate::show_snils),
            oms_number: p.oms_number.clone(),
            lacks_capacity: p.lacks_capacity,
            representative: p.representative.as_ref().map(|r| format!("{} ({})", r.full_name, r.relation)),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct PatientForm {
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    pub birth_date: String,
    pub sex: String,
    pub snils: String,
    pub oms_number: String,
    pub oms_other: bool,
    pub lacks_capacity: bool,
    pub rep_full_name: String,
    pub rep_relation: String,
    pub rep_document: String,
    /// № медицинской карты (may be empty).
    pub record_number: String,
}

/// The first 50 patients the search finds, and how many it finds in all.
pub fn patients_search(
    s: &mut Session,
    _: Lang,
    query: String,
    order: crate::dto::ListOrder,
) -> Result<crate::dto::Page<PatientRow>> {
    let (found, total) = patients::find(s.db.conn(), &query, order.into(), 50)?;
    Ok(crate::dto::Page { items: found.into_iter().map(PatientRow::from).collect(), total })
}

pub fn patients_register(s: &mut Session, _: Lang, form: PatientForm) -> Result<PatientRow> {
    let p = NewPatient {
        last_name: form.last_name,
        first_name: form.first_name,
        patronymic: form.patronymic,
        birth_date: form.birth_date,
        sex: form.sex,
        snils: form.snils,
        oms_number: form.oms_number,
        oms_other: form.oms_other,
        lacks_capacity: form.lacks_capacity,
        rep_full_name: form.rep_full_name,
        rep_relation: form.rep_relation,
        rep_document: form.rep_document,
        record_number: form.record_number,
    };
    let id = patients::register(&mut s.db, &s.actor, &p)?;
    Ok(patients::get(s.db.conn(), id)?.into())
}

pub fn patients_get(s: &mut Session, _: Lang, id: String) -> Result<PatientRow> {
    Ok(patients::get(s.db.conn(), parse_id("patient_id", &id)?)?.into())
}
