//! Informed consent: the right signer, and withdrawal that blocks what follows.
use crate::common::{child_patient, Clinic};
use btlp_commission::consent::{self, NewConsent};
use btlp_commission::error::{Check, Rule};
use btlp_commission::Error;

#[test]
fn a_child_consents_through_a_representative() {
    let mut c = Clinic::new();
    let child = c.patient(child_patient()).unwrap();
    let case = c.new_case(child);
    assert!(
        matches!(c.consent(case, "20.05.2026"), Err(Error::Refused(Rule::RepresentativeMustSign))),
        "a 10-year-old cannot sign their own consent"
    );
    let doc = c.as_("doc");
    let by_mother = NewConsent {
        case_id: case,
        form_version: "1051н".into(),
        info_sheet_version: "1.0".into(),
        signer_kind: "representative".into(),
        signer_name: "Петрова Мария Ивановна".into(),
        representative_ground: "мать".into(),
        signed_on: "20.05.2026".into(),
        scan: Some(b"\x89PNG\r\n\x1a\n scanned".to_vec()),
    };
    let id = consent::record(&mut c.db, &doc, &by_mother).unwrap();
    let stored = consent::get(c.db.conn(), id).unwrap();
    assert_eq!(stored.scan_mime.as_deref(), Some("image/png"), "the scan's type is stored");
    assert_eq!(stored.scan_sha256.map(|h| h.len()), Some(64), "with its SHA-256");
}

#[test]
fn an_adult_signs_for_themselves() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    let r = consent::record(
        &mut c.db,
        &doc,
        &NewConsent {
            case_id: case,
            form_version: "1051н".into(),
            info_sheet_version: "1.0".into(),
            signer_kind: "representative".into(),
            signer_name: "Кто-то".into(),
            representative_ground: "сосед".into(),
            signed_on: "20.05.2026".into(),
            scan: None,
        },
    );
    assert!(matches!(r, Err(Error::Refused(Rule::PatientMustSign))), "a capable adult consents personally");
}

#[test]
fn a_scan_must_be_a_pdf_or_image() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    let r = consent::record(
        &mut c.db,
        &doc,
        &NewConsent {
            case_id: case,
            form_version: "1051н".into(),
            info_sheet_version: "1.0".into(),
            signer_kind: "patient".into(),
            signed_on: "20.05.2026".into(),
            scan: Some(b"PK\x03\x04 a zip".to_vec()),
            ..NewConsent::default()
        },
    );
    assert!(matches!(r, Err(Error::Invalid { field: "scan", check: Check::ScanType })), "a ZIP is not a scan");
}

#[test]
fn no_new_consent_after_a_withdrawal() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let id = c.consent(case, "20.05.2026").unwrap();
    let doc = c.as_("doc");
    consent::withdraw(&mut c.db, &doc, id, "25.05.2026", "Отказ пациента").unwrap();
    assert!(
        matches!(c.consent(case, "26.05.2026"), Err(Error::Refused(Rule::ConsentWithdrawn))),
        "a withdrawal is final for the case"
    );
}
