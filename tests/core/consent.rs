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
fn a_new_consent_after_a_withdrawal_is_a_new_record_from_its_own_date() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    let first = c.consent(case, "20.05.2026").unwrap();
    let doc = c.as_("doc");
    consent::withdraw(&mut c.db, &doc, first, "25.05.2026", "Отказ пациента").unwrap();
    assert!(
        matches!(c.consent(case, "24.05.2026"), Err(Error::Refused(Rule::ConsentBeforeWithdrawal { .. }))),
        "a new consent cannot be dated before the withdrawal it follows"
    );
    assert_eq!(c.count("consents"), 1, "the refused consent must not be stored");
    c.consent(case, "28.05.2026").expect("art. 20 lets the patient change their mind: a new consent is recorded");
    let all = consent::for_case(c.db.conn(), case).unwrap();
    assert_eq!(all.len(), 2, "the withdrawn consent is kept beside the new one");
    assert!(all[0].withdrawn_on.is_some(), "the withdrawn consent stays withdrawn");
    assert!(
        matches!(consent::in_force(c.db.conn(), case, ymd(2026, 5, 26)), Err(Error::Refused(Rule::ConsentWithdrawn))),
        "between the withdrawal and the new consent nothing may rely on the withdrawn one"
    );
    assert!(
        matches!(consent::in_force(c.db.conn(), case, ymd(2026, 5, 22)), Err(Error::Refused(Rule::ConsentWithdrawn))),
        "the withdrawn consent allows nothing, even on a day before its withdrawal"
    );
    let k = consent::in_force(c.db.conn(), case, ymd(2026, 6, 1)).expect("from its date the new consent is in force");
    assert_eq!(k.signed_on, ymd(2026, 5, 28), "and it is the new one that is in force");
    c.give(d, "01.06.2026 10:00").expect("an administration relying on the new consent is allowed");
}

fn ymd(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn withdrawing_an_older_consent_also_ends_a_newer_one_signed_before_the_withdrawal() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    let older = c.consent(case, "20.05.2026").unwrap();
    c.consent(case, "25.05.2026").expect("a second consent, e.g. on a new form version");
    let doc = c.as_("doc");
    consent::withdraw(&mut c.db, &doc, older, "26.05.2026", "Отказ пациента").unwrap();
    assert!(
        matches!(c.give(d, "01.06.2026 10:00"), Err(Error::Refused(Rule::ConsentWithdrawn))),
        "the patient's withdrawal must not be sidestepped by a consent signed before it"
    );
    assert_eq!(c.count("administrations"), 0, "nothing is recorded");
    c.consent(case, "26.05.2026").expect("a consent given again on the day of the withdrawal");
    c.give(d, "01.06.2026 10:00").expect("relying on the consent given after the withdrawal is allowed");
}
