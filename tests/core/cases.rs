//! Cases: the indication checked against МКБ-10, the assessment complete before a vote, never outpatient.
use crate::common::Clinic;
use btlp_commission::cases::{self, CaseState, FindingKind, NewCase};
use btlp_commission::commission;
use btlp_commission::error::{Check, Rule};
use btlp_commission::order::Order;
use btlp_commission::{icd, Error};

#[test]
fn an_outpatient_setting_is_refused() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    let r = cases::set_setting(&mut c.db, &doc, case, "outpatient", "Поликлиника", false);
    assert!(matches!(r, Err(Error::Refused(Rule::OutpatientSetting))), "an individual BTLP is never given outpatient");
    assert!(cases::get(c.db.conn(), case).unwrap().setting.is_none(), "the refused setting must not be stored");
}

#[test]
fn the_indication_must_be_a_known_icd10_code() {
    let mut c = Clinic::new();
    let p = c.adult();
    let doc = c.as_("doc");
    let mut new = NewCase {
        patient_id: p,
        product_name: "CAR-T".into(),
        genetic_study: "NGS".into(),
        icd_code: "Z99.9".into(),
        indication: "—".into(),
    };
    let r = cases::create(&mut c.db, &doc, &new);
    assert!(
        matches!(r, Err(Error::Invalid { field: "icd_code", check: Check::UnknownIcd { .. } })),
        "an unknown code must be refused"
    );
    new.icd_code = "с83.3".into();
    let id = cases::create(&mut c.db, &doc, &new).unwrap();
    assert_eq!(cases::get(c.db.conn(), id).unwrap().icd_code, "C83.3", "the code is stored normalised");
}

#[test]
fn importing_the_official_reference_adds_codes() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    let file = "\u{feff}\"ID\";\"REC_CODE\";\"MKB_CODE\";\"MKB_NAME\";\"ID_PARENT\";\"ACTUAL\"\n\
                1;\"A00-B99\";\"A00-B99\";\"Некоторые инфекционные и паразитарные болезни\";;1\n\
                2;\"Z99.9\";\"Z99.9\";\"Зависимость от поддерживающих жизнедеятельность механизмов, неуточненная\";1;1\n\
                3;\"Z99.8\";\"Z99.8\";\"Устаревший код\";1;0\n";
    let n = icd::import_file(&mut c.db, &admin, file.as_bytes()).unwrap();
    assert_eq!(n, 2, "actual rows are loaded, withdrawn ones skipped");
    assert!(icd::require_code(c.db.conn(), "icd_code", "Z99.9").is_ok(), "an imported code becomes valid");
    assert!(icd::require_code(c.db.conn(), "icd_code", "Z99.8").is_err(), "a code marked not actual is not loaded");
    let doc = c.as_("doc");
    assert!(
        matches!(icd::import_file(&mut c.db, &doc, file.as_bytes()), Err(Error::Forbidden { .. })),
        "only an admin loads reference data"
    );
    assert!(icd::import_file(&mut c.db, &admin, b"no header here").is_err(), "a file without the columns is refused");
}

#[test]
fn the_assessment_must_be_complete_before_the_case_goes_to_a_vote() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    cases::submit(&mut c.db, &doc, case).unwrap();
    cases::record_finding(&mut c.db, &doc, case, FindingKind::Diagnosis, "ДВКЛ IV", "Биопсия").unwrap();
    let r = cases::complete_assessment(&mut c.db, &doc, case);
    assert!(
        matches!(&r, Err(Error::Refused(Rule::AssessmentIncomplete { missing })) if missing.contains("known_risks")),
        "a missing finding must block completion and be named: {r:?}"
    );
    let sec = c.as_("secretary");
    let m = commission::create_meeting(&mut c.db, &sec, &commission::NewMeeting::on("01.06.2026")).unwrap();
    let r = commission::add_to_agenda(&mut c.db, &sec, m, case, &crate::common::plan());
    assert!(r.is_err(), "an unassessed case cannot be put to a vote");
}

#[test]
fn the_setting_must_be_chosen_before_the_assessment_is_complete() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    cases::submit(&mut c.db, &doc, case).unwrap();
    for kind in FindingKind::ALL {
        cases::record_finding(&mut c.db, &doc, case, kind, "Находка", "Обоснование").unwrap();
    }
    assert!(
        matches!(cases::complete_assessment(&mut c.db, &doc, case), Err(Error::Refused(Rule::SettingNotChosen))),
        "no vote before the setting is chosen"
    );
}

#[test]
fn a_finding_needs_its_justification() {
    let mut c = Clinic::new();
    let p = c.adult();
    let case = c.new_case(p);
    let doc = c.as_("doc");
    let r = cases::record_finding(&mut c.db, &doc, case, FindingKind::KnownRisks, "СВЦ", "  ");
    assert!(
        matches!(r, Err(Error::Invalid { field: "justification", check: Check::Required })),
        "every finding carries a written justification"
    );
}

#[test]
fn the_state_machine_moves_forward_only_through_its_steps() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    assert_eq!(cases::get(c.db.conn(), case).unwrap().state, CaseState::Assessed);
    let doc = c.as_("doc");
    assert!(
        matches!(cases::submit(&mut c.db, &doc, case), Err(Error::Refused(Rule::CaseState { .. }))),
        "an assessed case cannot be submitted again"
    );
    let member = c.as_("m1");
    assert!(
        matches!(cases::submit(&mut c.db, &member, case), Err(Error::Forbidden { .. })),
        "only physicians submit cases"
    );
}

#[test]
fn the_case_list_pages_and_filters_and_the_timeline_tells_the_story() {
    let mut c = Clinic::new();
    let (case, _) = c.signed();
    let other = c.adult();
    c.new_case(other);
    let conn = c.db.conn();
    let (all, total) = cases::page(conn, None, "", Order::Newest, 1, 0).unwrap();
    assert_eq!((all.len(), total), (1, 2), "one row per page, and the total counts every case");
    let (decided, n) = cases::page(conn, Some(CaseState::Decided), "", Order::Newest, 10, 0).unwrap();
    assert_eq!((decided.len(), n), (1, 1), "the state filter keeps the decided case only");
    assert_eq!(decided[0].case.id, case);
    assert_eq!(decided[0].patient_name, "Иванов Иван Иванович", "rows carry the patient's ФИО");
    let (_, found) = cases::page(conn, None, "ИВАНОВ", Order::Newest, 10, 0).unwrap();
    assert_eq!(found, 2, "the name filter ignores case, as a search box should");
    let (_, none) = cases::page(conn, None, "Петров", Order::Newest, 10, 0).unwrap();
    assert_eq!(none, 0, "a name nobody has finds nothing");
    let actions: Vec<String> = cases::timeline(conn, case).unwrap().into_iter().map(|e| e.action).collect();
    let pos = |a: &str| actions.iter().position(|x| x == a).unwrap_or_else(|| panic!("{a} missing from {actions:?}"));
    assert!(pos("case.create") < pos("case.submit"), "the timeline runs oldest first");
    assert!(pos("assessment.complete") < pos("vote.cast") && pos("vote.cast") < pos("decision.adopt"));
    assert!(actions.iter().filter(|a| *a == "decision.sign").count() >= 2, "each signature is an event: {actions:?}");
}
