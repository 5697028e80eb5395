//! At the bedside (issue 13): the batch's card before saving, the confirmation, the decision's dose and route
//! unless a reason is given, and whether a decision can authorise an administration today.
use crate::common::{given, Clinic};
use btlp_commission::administrations::{self, Readiness};
use btlp_commission::commission::{self, Correction};
use btlp_commission::error::{Check, Rule};
use btlp_commission::Error;
use chrono::NaiveDate;
use uuid::Uuid;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn readiness(c: &Clinic, d: Uuid, today: NaiveDate) -> Readiness {
    let decision = commission::decision(c.db.conn(), d).unwrap();
    administrations::readiness(c.db.conn(), &decision, today).unwrap()
}

#[test]
fn the_card_names_the_batchs_patient_and_the_decisions_terms() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let code = c.batch_code(d);
    let doc = c.as_("doc");
    let card = administrations::bedside(c.db.conn(), &doc, d, &code.to_lowercase(), ymd(2026, 6, 1)).unwrap();
    assert_eq!(card.patient_name, "Иванов Иван Иванович", "the card says whose batch it is");
    assert_eq!(card.birth_date, ymd(1961, 9, 12), "with the date of birth to check against the wristband");
    assert_eq!(card.batch_code, code, "the code as stored, whatever case it was typed in");
    assert_eq!(card.expires_on, Some(ymd(2026, 12, 31)), "and its expiry");
    assert_eq!((card.dose.as_str(), card.route.as_str()), ("1 × 10⁸ клеток", "внутривенно"), "the decided terms");

    let (_, other) = c.signed();
    let theirs = c.batch_code(other);
    let r = administrations::bedside(c.db.conn(), &doc, d, &theirs, ymd(2026, 6, 1));
    assert!(
        matches!(r, Err(Error::Refused(Rule::BatchOtherPatient))),
        "another patient's label is refused on scanning, before the form is filled: {r:?}"
    );
    let chair = c.as_("chair");
    assert!(
        matches!(
            administrations::bedside(c.db.conn(), &chair, d, &code, ymd(2026, 6, 1)),
            Err(Error::Forbidden { .. })
        ),
        "only physicians see the bedside card"
    );
}

#[test]
fn an_unconfirmed_card_records_nothing() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let mut a = given(d, "01.06.2026 10:00");
    a.bedside_confirmed = false;
    let r = c.record_given(a);
    assert!(
        matches!(r, Err(Error::Refused(Rule::BedsideNotConfirmed))),
        "the physician must confirm the card before the record is saved: {r:?}"
    );
    assert_eq!(c.count("administrations"), 0, "nothing is recorded");
    assert_eq!(c.count("reports"), 0, "and no report is opened");
}

#[test]
fn a_dose_other_than_the_decisions_needs_a_reason_kept_with_the_record() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let mut a = given(d, "01.06.2026 10:00");
    a.dose = "0,5 × 10⁸ клеток".into();
    let r = c.record_given(a.clone());
    assert!(
        matches!(r, Err(Error::Invalid { field: "deviation_reason", check: Check::Required })),
        "a dose changed from the decision's must say why, beside the reason field: {r:?}"
    );
    assert_eq!(c.count("administrations"), 0, "nothing is recorded without the reason");
    a.deviation_reason = "Снижение дозы по весу пациента".into();
    let id = c.record_given(a).unwrap();
    let (decided, reason): (String, String) =
        c.db.conn()
            .query_row(
                "SELECT decided_dose, reason FROM administration_deviations WHERE administration_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    assert_eq!(decided, "1 × 10⁸ клеток", "the record keeps what the decision said");
    assert_eq!(reason, "Снижение дозы по весу пациента", "and why it differs");
    let sheet = btlp_commission::documents::administration_sheet(c.db.conn(), id, btlp_commission::Lang::Ru).unwrap();
    assert!(
        sheet.rows.iter().any(|(_, v)| v.contains("1 × 10⁸ клеток") && v.contains("Снижение дозы")),
        "the signed administration record prints what the decision said and why it differs: {:?}",
        sheet.rows
    );

    let (case2, d2) = c.signed();
    c.consent(case2, "25.05.2026").unwrap();
    c.give(d2, "01.06.2026 11:00").expect("the decision's own dose and route need no reason");
    assert_eq!(c.count("administration_deviations"), 1, "no deviation is stored when there is none");
}

#[test]
fn the_record_is_offered_only_for_a_decision_that_can_be_used_today() {
    let mut c = Clinic::new();
    let (case, d) = c.approved();
    c.consent(case, "25.05.2026").unwrap();
    assert_eq!(readiness(&c, d, ymd(2026, 6, 1)), Readiness::Unsigned, "an unsigned decision authorises nothing yet");
    c.sign_all(d);
    assert_eq!(readiness(&c, d, ymd(2026, 6, 1)), Readiness::Ready, "signed and in its window");
    assert_eq!(
        readiness(&c, d, ymd(2026, 5, 31)),
        Readiness::NotYetOpen { from: ymd(2026, 6, 1) },
        "before its window, the page says when it opens"
    );
    assert_eq!(
        readiness(&c, d, ymd(2026, 7, 1)),
        Readiness::WindowEnded { on: ymd(2026, 6, 30) },
        "after it, the page says when it ended"
    );
    c.give(d, "01.06.2026 10:00").unwrap();
    assert!(
        matches!(readiness(&c, d, ymd(2026, 6, 1)), Readiness::Used { on } if on.date() == ymd(2026, 6, 1)),
        "a used decision says when it was given"
    );

    let (_, d2) = c.signed();
    let chair = c.as_("chair");
    let correction = Correction {
        window_from: "01.06.2026".into(),
        window_to: "15.07.2026".into(),
        dose: "1 × 10⁸ клеток".into(),
        route: "внутривенно".into(),
        department: "Гематология".into(),
        reason: "Перенос срока".into(),
    };
    let newer = commission::correct(&mut c.db, &chair, d2, &correction).unwrap();
    let newer = commission::decision(c.db.conn(), newer).unwrap();
    assert_eq!(
        readiness(&c, d2, ymd(2026, 6, 1)),
        Readiness::Superseded { by: newer.number, on: newer.decided_on },
        "a superseded decision names the decision that replaced it"
    );
}

#[test]
fn the_case_page_is_one_read_model_with_each_decisions_readiness() {
    let mut c = Clinic::new();
    let (case, d, a) = c.administered("01.06.2026 10:00");
    let screen = btlp_commission::screens::case(c.db.conn(), case, ymd(2026, 6, 1)).unwrap();
    assert_eq!(screen.patient.full_name(), "Иванов Иван Иванович", "the case page names the patient");
    assert_eq!(screen.consents.len(), 1, "with the consent");
    assert!(
        matches!(screen.decisions.as_slice(), [(decision, Readiness::Used { .. })] if decision.id == d),
        "the decision says it was used: {:?}",
        screen.decisions.iter().map(|(_, r)| r).collect::<Vec<_>>()
    );
    assert!(matches!(screen.administrations.as_slice(), [(given, reactions)] if given.id == a && reactions.is_empty()));
    assert!(
        screen.timeline.iter().any(|e| e.action == "administration.record"),
        "the timeline shows the administration"
    );
}
