//! Reports to Roszdravnadzor: opened by every use and every reaction with the deadline the rules give (the
//! production calendar applied), their fields checked against the published schemas and DOMAIN.md §5, and
//! their life draft → signed → sent.
use crate::common::{password, pdfsig, Clinic};
use btlp_commission::error::{Check, Rule};
use btlp_commission::order::Order;
use btlp_commission::reports::{self, Filter, Kind, Status};
use btlp_commission::safety::{self, NewReaction};
use btlp_commission::{pki, signatures, Error, Lang};
use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%d.%m.%Y").unwrap()
}

fn report_of(c: &Clinic, subject: Uuid) -> reports::Report {
    let (all, _) = reports::list(c.db.conn(), Filter::All, None, Order::Deadline, 1000, 0).unwrap();
    all.into_iter().find(|r| r.subject_id == Some(subject)).expect("the record opened a report")
}

fn react(c: &mut Clinic, administration: Uuid, onset: &str, seriousness: &[&str], outcome: &str) -> Uuid {
    let doc = c.as_("doc");
    safety::record(
        &mut c.db,
        &doc,
        &NewReaction {
            administration_id: administration,
            description: "Синдром высвобождения цитокинов".into(),
            onset_on: onset.into(),
            seriousness: seriousness.iter().map(|s| s.to_string()).collect(),
            outcome: outcome.into(),
            causality: "probable".into(),
        },
    )
    .unwrap()
}

fn schema_check(data: &Value) {
    let id = data["schema"].as_str().expect("the data names its schema");
    let path = format!("{}/docs/schemas/{id}.schema.json", env!("CARGO_MANIFEST_DIR"));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the schema is published")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema");
    let errors: Vec<String> = validator.iter_errors(data).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the {id} data must match its published schema: {errors:#?}\n{data:#}");
}

#[test]
fn a_use_opens_its_report_due_in_five_working_days_across_a_holiday() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    c.at("2026-06-10T12:00:00+03:00");
    let a = c.give(d, "10.06.2026 10:00").unwrap();
    let r = report_of(&c, a);
    assert_eq!(r.kind, Kind::Use);
    assert_eq!(r.status, Status::Draft, "a new report is a draft");
    assert_eq!(r.event_on, day("10.06.2026"), "the clock starts on the day of the use");
    assert_eq!(
        r.due_on,
        day("18.06.2026"),
        "5 working days after Wed 10.06.2026 skip the Russia Day holiday (Fri 12.06) and the weekend: 18.06, not 17.06"
    );
    assert_eq!(r.due_rule, "working_days:5");
    assert_eq!(r.patient_name.as_deref(), Some("Иванов Иван Иванович"), "the list names the patient");
}

#[test]
fn a_reaction_is_due_in_three_working_days_if_life_threatening_else_fifteen_calendar_days() {
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    c.at("2026-10-20T12:00:00+03:00");
    let mild = react(&mut c, a, "19.10.2026", &[], "recovered");
    let grave = react(&mut c, a, "19.10.2026", &["life_threatening"], "recovering");
    let fatal = react(&mut c, a, "19.10.2026", &[], "fatal");
    assert_eq!(
        report_of(&c, mild).due_on,
        day("05.11.2026"),
        "15 calendar days after 20.10.2026 end on 04.11 (National Unity Day), so the deadline moves to 05.11"
    );
    assert_eq!(report_of(&c, mild).due_rule, "calendar_days:15");
    assert_eq!(report_of(&c, grave).due_on, day("23.10.2026"), "a life-threatening reaction: 3 working days");
    assert_eq!(report_of(&c, fatal).due_on, day("23.10.2026"), "a fatal outcome is urgent even without criteria");
    assert_eq!(report_of(&c, grave).event_on, day("20.10.2026"), "the clock starts when the clinic learns of it");
}

#[test]
fn each_report_carries_the_fields_domain_lists_and_matches_its_schema() {
    let mut c = Clinic::new();
    let (_, d, a) = c.administered("01.06.2026 10:00");
    let x = react(&mut c, a, "01.06.2026", &["life_threatening", "hospitalization"], "recovering");
    let today = c.db.today();

    let uses = reports::data(c.db.conn(), report_of(&c, a).id, today).unwrap();
    schema_check(&uses);
    let decision = btlp_commission::commission::decision(c.db.conn(), d).unwrap();
    assert_eq!(uses["decision"]["number"], decision.number.as_str(), "the use cites the commission's decision");
    assert_eq!(uses["administration"]["administered_at"], "2026-06-01T10:00");
    assert_eq!(uses["administration"]["setting"], "inpatient", "the setting shows it was not outpatient");
    assert_eq!(uses["organization"]["permit_number"], "БТЛП-1", "the permit holder identifies itself");
    assert_eq!(uses["patient"]["initials"], "И.И.И.");
    assert_eq!(uses["patient"]["age_years"], 64, "born 12.09.1961, so 64 on 01.06.2026");
    assert!(uses["reporter"].is_null(), "a draft has no reporter until someone signs it");

    let reaction = reports::data(c.db.conn(), report_of(&c, x).id, today).unwrap();
    schema_check(&reaction);
    // Order 3518's minimum: a reporter (on signing), an identifiable patient, a drug and a reaction.
    assert!(reaction["patient"]["code"].as_str().is_some_and(|s| !s.is_empty()), "an identifiable patient");
    assert_eq!(reaction["product_name"], "CAR-T анти-CD19", "the drug");
    let batch = reaction["administration"]["batch"].as_str().unwrap_or_default();
    assert!(batch.ends_with("-CART19-001"), "the batch given, by its label code: {batch}");
    assert_eq!(reaction["reaction"]["serious"], true);
    assert_eq!(reaction["reaction"]["seriousness"], serde_json::json!(["hospitalization", "life_threatening"]));

    c.at("2026-07-01T09:00:00+03:00");
    let doc = c.as_("doc");
    let br = reports::open_benefit_risk(&mut c.db, &doc, "CAR-T анти-CD19", "15.03.2026", "").unwrap();
    let r = reports::get(c.db.conn(), br).unwrap();
    assert_eq!((r.period_from, r.period_to), (Some(day("01.01.2026")), Some(day("30.06.2026"))), "6-month periods");
    assert_eq!(r.due_on, day("08.09.2026"), "70 calendar days after 30.06.2026");
    let data = reports::data(c.db.conn(), br, c.db.today()).unwrap();
    schema_check(&data);
    assert_eq!(data["administrations"], 1, "uses in the period");
    assert_eq!(data["patients"], 1);
    assert_eq!(data["decisions"]["approved"], 1);
    assert_eq!(data["reactions"]["total"], 1);
    assert_eq!(data["reactions"]["serious"], 1, "reactions by seriousness");
    assert_eq!(data["reactions"]["by_seriousness"]["life_threatening"], 1);
    assert_eq!(data["reactions"]["by_outcome"]["recovering"], 1, "outcomes");
    let again = reports::open_benefit_risk(&mut c.db, &doc, "CAR-T анти-CD19", "01.02.2026", "");
    assert!(matches!(again, Err(Error::Invalid { field: "period", check: Check::Taken })), "one report per period");
    let open = reports::open_benefit_risk(&mut c.db, &doc, "CAR-T анти-CD19", "01.07.2026", "");
    assert!(
        matches!(open, Err(Error::Refused(Rule::PeriodNotOver { .. }))),
        "a period that has not ended cannot be reported on"
    );
    let unknown = reports::open_benefit_risk(&mut c.db, &doc, "Нет такого", "01.02.2026", "");
    assert!(matches!(unknown, Err(Error::Invalid { field: "product_name", .. })));
    let unsigned = reports::sign(&mut c.db, &doc, br, &password("doc"), Lang::Ru);
    assert!(
        matches!(unsigned, Err(Error::Invalid { field: "conclusion", check: Check::Required })),
        "a benefit–risk report is not signed without its conclusion"
    );
    reports::set_conclusion(&mut c.db, &doc, br, "Польза превышает риск").unwrap();
    reports::sign(&mut c.db, &doc, br, &password("doc"), Lang::Ru).unwrap();
}

#[test]
fn a_report_is_signed_then_sent_and_never_changes_after_signing() {
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    let id = report_of(&c, a).id;
    let (doc, member) = (c.as_("doc"), c.as_("m1"));
    let r = reports::mark_sent(&mut c.db, &doc, id, "01.06.2026", "исх-1");
    assert!(matches!(r, Err(Error::Refused(Rule::ReportUnsigned))), "a draft cannot be sent");
    let r = reports::sign(&mut c.db, &member, id, &password("m1"), Lang::Ru);
    assert!(matches!(r, Err(Error::Forbidden { .. })), "a commission member does not sign regulator reports");
    let r = reports::sign(&mut c.db, &doc, id, "wrong password", Lang::Ru);
    assert!(r.is_err(), "a wrong password signs nothing");
    assert_eq!(reports::get(c.db.conn(), id).unwrap().status, Status::Draft);

    reports::sign(&mut c.db, &doc, id, &password("doc"), Lang::Ru).unwrap();
    let signed = reports::get(c.db.conn(), id).unwrap();
    assert_eq!(signed.status, Status::Signed);
    assert_eq!(signed.signer_name.as_deref(), Some("Тестов doc Тестович"));
    let data = reports::data(c.db.conn(), id, c.db.today()).unwrap();
    assert_eq!(data["reporter"]["full_name"], "Тестов doc Тестович", "signing names the reporter in the data");
    schema_check(&data);
    let pdf = reports::pdf(c.db.conn(), id).unwrap().expect("a signed report has its PDF");
    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert!(checks.len() == 1 && checks[0].valid(), "the report's one signature verifies");
    let report = pdfsig(&pdf, &pki::root_cert(c.db.conn()).unwrap());
    assert!(
        report.contains("Signature is Valid") && report.contains("Certificate is Trusted"),
        "pdfsig accepts the signed report:\n{report}"
    );
    let again = reports::sign(&mut c.db, &doc, id, &password("doc"), Lang::Ru);
    assert!(matches!(again, Err(Error::Refused(Rule::AlreadySigned))), "a report is signed once");
    let edit = c.db.conn().execute("UPDATE reports SET data = '{}' WHERE id = ?1", [id]);
    assert!(edit.is_err(), "the database itself refuses to change a signed report's data");

    let r = reports::mark_sent(&mut c.db, &doc, id, "02.06.2026", "исх-1");
    assert!(matches!(r, Err(Error::Invalid { field: "sent_on", check: Check::NotInFuture })));
    let r = reports::mark_sent(&mut c.db, &doc, id, "01.06.2026", " ");
    assert!(matches!(r, Err(Error::Invalid { field: "outgoing_ref", .. })), "the outgoing reference is required");
    reports::mark_sent(&mut c.db, &doc, id, "01.06.2026", "исх-17/2026").unwrap();
    let sent = reports::get(c.db.conn(), id).unwrap();
    assert_eq!(
        (sent.status, sent.sent_on, sent.outgoing_ref.as_deref()),
        (Status::Sent, Some(day("01.06.2026")), Some("исх-17/2026"))
    );
    let r = reports::mark_sent(&mut c.db, &doc, id, "01.06.2026", "исх-18");
    assert!(matches!(r, Err(Error::Refused(Rule::ReportSent))), "a report is sent once");
    let actions: Vec<String> =
        btlp_commission::audit::recent(c.db.conn(), 100).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"report.sign".into()) && actions.contains(&"report.sent".into()), "both are audited");
}

#[test]
fn the_csv_of_a_report_reads_back_with_its_cyrillic() {
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    let data = reports::data(c.db.conn(), report_of(&c, a).id, c.db.today()).unwrap();
    let bytes = reports::to_csv(&data);
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM lets Excel read the Cyrillic as UTF-8");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let row: Vec<String> = reader.records().next().unwrap().unwrap().iter().map(String::from).collect();
    let get = |k: &str| row[header.iter().position(|h| h == k).unwrap_or_else(|| panic!("column {k}"))].clone();
    assert_eq!(get("product_name"), "CAR-T анти-CD19");
    assert_eq!(get("patient.initials"), "И.И.И.");
    assert_eq!(get("administration.department"), "Гематология");
    assert_eq!(get("organization.name"), "Тестовая клиника");
}

#[test]
fn every_report_field_has_a_label_in_both_languages() {
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    let x = react(&mut c, a, "01.06.2026", &["death"], "fatal");
    let doc = c.as_("doc");
    let xr = report_of(&c, x).id;
    reports::sign(&mut c.db, &doc, xr, &password("doc"), Lang::Ru).unwrap();
    c.at("2026-07-01T09:00:00+03:00");
    let br = reports::open_benefit_risk(&mut c.db, &doc, "CAR-T анти-CD19", "01.06.2026", "").unwrap();
    let today = c.db.today();
    let mut paths = Vec::new();
    for id in [report_of(&c, a).id, report_of(&c, x).id, br] {
        paths.extend(reports::paths(&reports::data(c.db.conn(), id, today).unwrap()));
    }
    let catalogue = include_str!("../../locales/app.yml");
    let missing: Vec<&String> = paths
        .iter()
        .filter(|p| !matches!(p.as_str(), "schema" | "kind" | "due_rule"))
        .filter(|p| !catalogue.contains(&format!("\nreport.field.{p}:\n")))
        .collect();
    assert!(missing.is_empty(), "a PDF would print a raw key for {missing:?}");
}

#[test]
fn records_made_before_reports_existed_get_theirs_with_the_same_deadlines() {
    // Migration 4's frozen data fix gives the deadlines today's rules give, for the same records.
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    let x = react(&mut c, a, "01.06.2026", &["life_threatening"], "recovering");
    let before: Vec<(Option<Uuid>, NaiveDate, String)> =
        reports::list(c.db.conn(), Filter::All, None, Order::Deadline, 10, 0)
            .unwrap()
            .0
            .into_iter()
            .map(|r| (r.subject_id, r.due_on, r.due_rule))
            .collect();
    assert_eq!(btlp_commission::db::fixes::open_missing_reports(c.db.conn()).unwrap(), 0, "nothing is opened twice");
    // A database from before migration 4: the records exist, their reports do not.
    c.db.conn().execute_batch("DROP TRIGGER reports_no_delete; DELETE FROM reports;").unwrap();
    assert_eq!(
        btlp_commission::db::fixes::open_missing_reports(c.db.conn()).unwrap(),
        2,
        "the use and the reaction get their reports"
    );
    let mut after: Vec<(Option<Uuid>, NaiveDate, String)> =
        reports::list(c.db.conn(), Filter::All, None, Order::Deadline, 10, 0)
            .unwrap()
            .0
            .into_iter()
            .map(|r| (r.subject_id, r.due_on, r.due_rule))
            .collect();
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(after, before, "with the deadlines the records would have had");
    assert!(after.iter().any(|(s, _, _)| *s == Some(x)));
}
