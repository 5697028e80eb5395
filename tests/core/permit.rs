//! The permit's history and the application tracker: status changes in the allowed order, a suspended
//! permit blocking decisions and administrations (rule 1), application deadlines counted in working days
//! across holidays, and the requirements checklist.
use crate::common::{Clinic, TODAY};
use btlp_commission::deadlines::{self, ItemKind};
use btlp_commission::error::{Check, Rule};
use btlp_commission::org::{self, applications, checklist, permit, PermitStatus};
use btlp_commission::Error;
use chrono::NaiveDate;

fn date(s: &str) -> NaiveDate {
    btlp_commission::validate::date("on_date", s).unwrap()
}

#[test]
fn permit_events_follow_the_status_and_a_suspension_blocks_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let admin = c.as_("admin");
    let r = permit::record(&mut c.db, &admin, "reinstated", "20.05.2026", "Приказ № 1", "");
    assert!(
        matches!(r, Err(Error::Refused(Rule::PermitTransition { .. }))),
        "an active permit cannot be reinstated: {r:?}"
    );
    permit::record(&mut c.db, &admin, "suspended", "20.05.2026", "Приказ Минздрава № 77", "Проверка").unwrap();
    let r = c.give(d, "01.06.2026 10:00");
    assert!(
        matches!(r, Err(Error::Refused(Rule::PermitNotInForce { .. }))),
        "a suspended permit blocks administration"
    );
    let r = permit::record(&mut c.db, &admin, "reinstated", "19.05.2026", "Приказ № 2", "");
    assert!(matches!(r, Err(Error::Invalid { field: "on_date", .. })), "events are dated in order");
    permit::record(&mut c.db, &admin, "reinstated", "25.05.2026", "Приказ Минздрава № 80", "").unwrap();
    c.give(d, "01.06.2026 10:00").expect("a reinstated permit allows administration again");
    let kinds: Vec<&str> = permit::history(c.db.conn()).unwrap().iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["granted", "suspended", "reinstated"], "the history starts with the grant");
    let doc = c.as_("doc");
    let r = permit::record(&mut c.db, &doc, "revoked", "01.06.2026", "x", "");
    assert!(matches!(r, Err(Error::Forbidden { .. })), "only admins record permit events");
}

#[test]
fn a_confirmation_moves_the_next_due_date() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    permit::record(&mut c.db, &admin, "confirmed", "01.06.2026", "Реестр, запись 12", "").unwrap();
    let o = org::get(c.db.conn()).unwrap();
    assert_eq!(o.confirmation_due(), date("01.06.2031"), "five years from the latest confirmation");
    assert_eq!(o.permit_status, PermitStatus::Active);
    permit::record(&mut c.db, &admin, "revoked", "01.06.2026", "Приказ № 5", "").unwrap();
    let r = permit::record(&mut c.db, &admin, "confirmed", "01.06.2026", "x", "");
    assert!(matches!(r, Err(Error::Refused(Rule::PermitTransition { .. }))), "nothing follows a revocation");
}

#[test]
fn an_application_deadline_crossing_a_holiday_is_counted_in_working_days() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    // Friday 08.05.2026: the weekend and the transferred holiday of 11.05 are not counted.
    let app = applications::open(&mut c.db, &admin, "confirmation", "Заявление № 3", "08.05.2026").unwrap();
    let a = applications::get(c.db.conn(), app).unwrap();
    assert_eq!(a.deadlines[0].due, date("14.05.2026"), "3 working days after 08.05.2026 skip 09–11.05");
    applications::add_step(&mut c.db, &admin, app, "ministry_request", "13.05.2026", "Нужен регламент").unwrap();
    let r = applications::add_step(&mut c.db, &admin, app, "decision", "14.05.2026", "");
    assert!(
        matches!(r, Err(Error::Refused(Rule::ApplicationStep { .. }))),
        "the Ministry waits for the clinic's answer before deciding: {r:?}"
    );
    let r = applications::add_step(&mut c.db, &admin, app, "clinic_answer", "12.05.2026", "");
    assert!(matches!(r, Err(Error::Refused(Rule::ApplicationStepBefore { .. }))), "no step before the latest");
    let today = NaiveDate::parse_from_str(&TODAY[..10], "%Y-%m-%d").unwrap();
    let board = deadlines::board(c.db.conn(), today).unwrap();
    let answer = board.iter().find(|i| i.kind == ItemKind::Application).expect("the answer is on the board");
    assert_eq!(answer.subject.as_deref(), Some("clinic_answer"), "the clinic's own deadline");
    assert_eq!(answer.due_on, date("11.08.2026"), "90 days after the request");
    applications::add_step(&mut c.db, &admin, app, "clinic_answer", "20.05.2026", "Направлен регламент").unwrap();
    applications::add_step(&mut c.db, &admin, app, "expert_referral", "22.05.2026", "").unwrap();
    let a = applications::get(c.db.conn(), app).unwrap();
    let review = a.deadlines.last().unwrap();
    assert_eq!(review.due, date("03.08.2026"), "50 working days of review, 12.06 being a holiday");

    let screen = btlp_commission::screens::permit(c.db.conn(), date("04.08.2026")).unwrap();
    let a = screen.applications.iter().find(|x| x.id == app).unwrap();
    let late: Vec<_> = a.deadlines.iter().filter(|d| a.overdue(d, date("04.08.2026"))).collect();
    assert_eq!(late.len(), 1, "on the permit page only the expert's unmet review is overdue: {late:?}");
    assert!(screen.in_force, "the permit page says the permit is in force");
    applications::add_step(&mut c.db, &admin, app, "expert_conclusion", "23.05.2026", "").unwrap();
    applications::add_step(&mut c.db, &admin, app, "decision", "25.05.2026", "Подтверждено").unwrap();
    let a = applications::get(c.db.conn(), app).unwrap();
    assert!(
        a.deadlines.iter().all(|d| !a.overdue(d, date("04.08.2026"))),
        "nothing of a decided application is overdue"
    );
}

#[test]
fn the_checklist_shows_what_is_missing_or_running_out() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    let pdf = b"%PDF-1.4\n%%EOF\n";
    checklist::attach(&mut c.db, &admin, "licence", "Лицензия", "licence.pdf", pdf, "").unwrap();
    checklist::attach(&mut c.db, &admin, "premises", "Заключение GMP", "gmp.pdf", pdf, "15.07.2026").unwrap();
    let r = checklist::attach(&mut c.db, &admin, "icu", "Приказ", "icu.exe", b"MZ\x90\x00", "");
    assert!(matches!(r, Err(Error::Invalid { field: "evidence", check: Check::ScanType })), "only PDF, JPEG, PNG");
    let today = date("01.06.2026");
    let list = checklist::checklist(c.db.conn(), today).unwrap();
    let state = |code: &str| list.iter().find(|r| r.code == code).unwrap().state;
    assert_eq!(state("licence"), checklist::State::Met);
    assert_eq!(state("premises"), checklist::State::Expiring, "runs out within 60 days");
    assert_eq!(state("icu"), checklist::State::Missing, "the refused file did not count");
    let board = deadlines::board(c.db.conn(), today).unwrap();
    assert!(board.iter().any(|i| i.kind == ItemKind::Evidence), "running-out evidence is on the deadline board");
}

#[test]
fn the_organisations_ogrn_is_checked_and_only_an_admin_sets_its_details() {
    let mut c = Clinic::new();
    let (admin, secretary) = (c.as_("admin"), c.as_("secretary"));
    let address = "123456, г. Москва, ул. Больничная, д. 1";
    for (ogrn, check) in
        [("12345", Check::OgrnFormat), ("102780012345X", Check::OgrnFormat), ("1027800123451", Check::OgrnChecksum)]
    {
        let r = org::set_details(&mut c.db, &admin, ogrn, address);
        assert!(
            matches!(&r, Err(Error::Invalid { field: "ogrn", check: found }) if *found == check),
            "{ogrn} must be refused as {check:?}: {r:?}"
        );
    }
    assert!(
        matches!(org::set_details(&mut c.db, &secretary, "1027800123450", address), Err(Error::Forbidden { .. })),
        "only an admin sets the organisation's details"
    );
    assert!(org::get(c.db.conn()).unwrap().ogrn.is_empty(), "a refused change stores nothing");
    org::set_details(&mut c.db, &admin, "1027700132195", address).unwrap();
    let o = org::get(c.db.conn()).unwrap();
    assert_eq!((o.ogrn.as_str(), o.address.as_str()), ("1027700132195", address), "a valid ОГРН is kept");
}
