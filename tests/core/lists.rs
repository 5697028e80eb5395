//! Lists filtered and sorted by the core: each list's orders (by date both ways, by the patient's ФИО), the
//! decisions list's filters, and an order a list does not have refused with a typed error naming the field.
use crate::common::{child_patient, Clinic, VOTERS};
use btlp_commission::commission::{self, Choice, Outcome};
use btlp_commission::error::Check;
use btlp_commission::order::Order;
use btlp_commission::reports::{self, Filter};
use btlp_commission::safety::{self, NewReaction};
use btlp_commission::screens::{self, DecisionFilter};
use btlp_commission::{cases, patients, Error};
use uuid::Uuid;

/// A decision on `case` (assessed, ready) by a unanimous vote of `choice`.
fn decide(c: &mut Clinic, case: Uuid, choice: Choice) -> Uuid {
    let m = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], case);
    for v in VOTERS {
        c.vote(m, case, v, choice).unwrap();
    }
    let chair = c.as_("chair");
    commission::adopt(&mut c.db, &chair, m, case).unwrap()
}

fn refused_order(r: btlp_commission::Result<impl Sized>) -> bool {
    matches!(r, Err(Error::Invalid { field: "order", check: Check::OneOf { .. } }))
}

#[test]
fn decisions_filter_by_outcome_signing_and_patient_and_order_by_number_or_name() {
    let mut c = Clinic::new();
    let (_, ivanov) = c.signed();
    c.at("2026-06-01T13:00:00+03:00");
    let petrova = c.patient(child_patient()).unwrap();
    let case = c.assessed_but_open(petrova);
    let doc = c.as_("doc");
    cases::complete_assessment(&mut c.db, &doc, case).unwrap();
    let rejected = decide(&mut c, case, Choice::Against);
    let conn = c.db.conn();
    let ids = |f: &DecisionFilter, o: Order| {
        let (rows, total) = screens::decisions(conn, f, o, 25, 0).unwrap();
        (rows.into_iter().map(|r| r.decision.id).collect::<Vec<_>>(), total)
    };
    let all = DecisionFilter::default();
    assert_eq!(ids(&all, Order::Newest), (vec![rejected, ivanov], 2), "newest first: the higher number leads");
    assert_eq!(ids(&all, Order::Oldest), (vec![ivanov, rejected], 2), "oldest first reverses it");
    assert_eq!(ids(&all, Order::Patient), (vec![ivanov, rejected], 2), "Иванов before Петрова");
    let only_rejected = DecisionFilter { outcome: Some(Outcome::Rejected), ..DecisionFilter::default() };
    assert_eq!(ids(&only_rejected, Order::Newest), (vec![rejected], 1), "the outcome filter keeps that outcome");
    let unsigned = DecisionFilter { unsigned: true, ..DecisionFilter::default() };
    assert_eq!(ids(&unsigned, Order::Newest), (vec![rejected], 1), "a decision signed by all is not unsigned");
    let by_name = DecisionFilter { patient: "ПЕТРОВ".into(), ..DecisionFilter::default() };
    assert_eq!(ids(&by_name, Order::Newest), (vec![rejected], 1), "a part of the ФИО, case folded");
    let (rows, _) = screens::decisions(conn, &all, Order::Newest, 25, 0).unwrap();
    assert!(rows[1].signed && !rows[0].signed, "each row carries its signing state");
    assert_eq!(rows[0].patient_name, "Петрова Аня", "and its patient");
    assert!(refused_order(screens::decisions(conn, &all, Order::Deadline, 25, 0)), "decisions have no deadline order");
}

#[test]
fn cases_and_patients_order_by_date_or_by_name() {
    let mut c = Clinic::new();
    c.at("2026-06-01T09:00:00+03:00");
    let petrova = c.patient(child_patient()).unwrap();
    let older = c.new_case(petrova);
    c.at("2026-06-01T10:00:00+03:00");
    let ivanov = c.adult();
    let newer = c.new_case(ivanov);
    let conn = c.db.conn();
    let cases_in = |o: Order| -> Vec<Uuid> {
        cases::page(conn, None, "", o, 25, 0).unwrap().0.into_iter().map(|r| r.case.id).collect()
    };
    assert_eq!(cases_in(Order::Newest), vec![newer, older], "cases newest first by default");
    assert_eq!(cases_in(Order::Oldest), vec![older, newer], "or oldest first");
    assert_eq!(cases_in(Order::Patient), vec![newer, older], "or by the patient: Иванов before Петрова");
    let (named, total) = cases::page(conn, None, "а", Order::Oldest, 25, 0).unwrap();
    assert_eq!(total, 2, "a name filter that both match");
    assert_eq!(named[0].case.id, older, "keeps the order asked");
    assert!(refused_order(cases::page(conn, None, "", Order::Deadline, 25, 0)), "cases have no deadline order");

    let people_in =
        |o: Order| -> Vec<Uuid> { patients::find(conn, "", o, 25).unwrap().0.into_iter().map(|p| p.id).collect() };
    assert_eq!(people_in(Order::Patient), vec![ivanov, petrova], "patients alphabetically");
    assert_eq!(people_in(Order::Newest), vec![ivanov, petrova], "or the last registered first");
    assert_eq!(people_in(Order::Oldest), vec![petrova, ivanov], "or the first registered first");
    assert!(refused_order(patients::find(conn, "", Order::Deadline, 25)), "patients have no deadline");
}

#[test]
fn reports_order_by_deadline_or_by_the_events_day() {
    let mut c = Clinic::new();
    let (_, _, a) = c.administered("01.06.2026 10:00");
    let doc = c.as_("doc");
    let reaction = NewReaction {
        administration_id: a,
        description: "Синдром высвобождения цитокинов".into(),
        onset_on: "05.06.2026".into(),
        seriousness: vec![],
        outcome: "recovered".into(),
        causality: "probable".into(),
    };
    c.at("2026-06-05T12:00:00+03:00");
    safety::record(&mut c.db, &doc, &reaction).unwrap();
    let conn = c.db.conn();
    let events = |o: Order| -> Vec<String> {
        let (rows, total) = reports::list(conn, Filter::All, None, o, 25, 0).unwrap();
        assert_eq!(total, 2, "the use and the reaction are reported");
        rows.into_iter().map(|r| r.event_on.format("%d.%m").to_string()).collect()
    };
    assert_eq!(events(Order::Newest), ["05.06", "01.06"], "the latest event first");
    assert_eq!(events(Order::Oldest), ["01.06", "05.06"], "the earliest event first");
    let (by_deadline, _) = reports::list(conn, Filter::All, None, Order::Deadline, 25, 0).unwrap();
    assert!(by_deadline[0].due_on <= by_deadline[1].due_on, "the nearest deadline first");
    let (by_patient, _) = reports::list(conn, Filter::All, None, Order::Patient, 25, 0).unwrap();
    assert!(by_patient.iter().all(|r| r.patient_name.as_deref() == Some("Иванов Иван Иванович")), "{by_patient:?}");
}
