//! Recording an administration: every rule that can refuse it, each named.
use crate::common::{given, Clinic};
use btlp_commission::administrations::{self, NewAdministration};
use btlp_commission::commission::{self, Choice};
use btlp_commission::error::Rule;
use btlp_commission::org;
use btlp_commission::safety::{self, NewReaction};
use btlp_commission::{consent, Error};
use uuid::Uuid;

fn record(c: &mut Clinic, a: &NewAdministration) -> btlp_commission::Result<Uuid> {
    c.record_given(a.clone())
}

#[test]
fn an_approved_decision_with_consent_allows_one_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    record(&mut c, &given(d, "01.06.2026 10:00")).expect("all rules hold, so the administration is recorded");
    let r = record(&mut c, &given(d, "01.06.2026 11:00"));
    assert!(
        matches!(r, Err(Error::Refused(Rule::DecisionUsed))),
        "a second administration on the same decision must be refused"
    );
    assert_eq!(c.count("administrations"), 1, "only the first is stored");
}

#[test]
fn an_unsigned_decision_blocks_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.approved();
    c.consent(case, "25.05.2026").unwrap();
    assert!(
        matches!(record(&mut c, &given(d, "01.06.2026 10:00")), Err(Error::Refused(Rule::DecisionUnsigned))),
        "until every required signer has signed, the decision authorises nothing"
    );
}

#[test]
fn a_withdrawn_consent_blocks_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    let k = c.consent(case, "25.05.2026").unwrap();
    let doc = c.as_("doc");
    consent::withdraw(&mut c.db, &doc, k, "30.05.2026", "").unwrap();
    assert!(
        matches!(record(&mut c, &given(d, "01.06.2026 10:00")), Err(Error::Refused(Rule::ConsentWithdrawn))),
        "a withdrawn consent must block administration"
    );
}

#[test]
fn no_consent_no_administration() {
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    assert!(
        matches!(record(&mut c, &given(d, "01.06.2026 10:00")), Err(Error::Refused(Rule::NoConsent))),
        "administration needs informed consent"
    );
}

#[test]
fn the_window_and_setting_of_the_decision_bind() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let mut early = given(d, "31.05.2026 10:00");
    assert!(
        matches!(record(&mut c, &early), Err(Error::Refused(Rule::OutsideWindow { .. }))),
        "a date before the decision's window must be refused"
    );
    early.administered_at = "01.06.2026 10:00".into();
    early.setting = "day_hospital".into();
    assert!(
        matches!(record(&mut c, &early), Err(Error::Refused(Rule::SettingMismatch { .. }))),
        "a setting other than the decided one must be refused"
    );
    early.setting = "outpatient".into();
    assert!(
        matches!(record(&mut c, &early), Err(Error::Refused(Rule::OutpatientSetting))),
        "outpatient is refused outright"
    );
}

#[test]
fn a_rejected_decision_authorises_nothing() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], case);
    for who in crate::common::VOTERS {
        c.vote(m, case, who, Choice::Against).unwrap();
    }
    let chair = c.as_("chair");
    let d = commission::adopt(&mut c.db, &chair, m, case).unwrap();
    c.sign_all(d);
    c.consent(case, "25.05.2026").unwrap();
    assert!(
        matches!(record(&mut c, &given(d, "01.06.2026 10:00")), Err(Error::Refused(Rule::DecisionNotApproved))),
        "a rejected decision must not allow administration"
    );
}

#[test]
fn a_suspended_permit_blocks_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let admin = c.as_("admin");
    org::permit::record(&mut c.db, &admin, "revoked", "01.06.2026", "Приказ Минздрава № 10", "").unwrap();
    assert!(
        matches!(record(&mut c, &given(d, "01.06.2026 10:00")), Err(Error::Refused(Rule::PermitNotInForce { .. }))),
        "no administration while the permit is revoked"
    );
}

#[test]
fn only_a_physician_records_an_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let chair = c.as_("chair");
    assert!(
        matches!(
            administrations::record(&mut c.db, &chair, &given(d, "01.06.2026 10:00")),
            Err(Error::Forbidden { .. })
        ),
        "a commission member without the physician role must not record administrations"
    );
}

#[test]
fn an_adverse_reaction_follows_its_administration() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let a = record(&mut c, &given(d, "01.06.2026 10:00")).unwrap();
    let doc = c.as_("doc");
    let mut r = NewReaction {
        administration_id: a,
        description: "Синдром высвобождения цитокинов 2 степени".into(),
        onset_on: "31.05.2026".into(),
        seriousness: vec!["hospitalization".into()],
        outcome: "recovering".into(),
        causality: "probable".into(),
    };
    assert!(
        matches!(safety::record(&mut c.db, &doc, &r), Err(Error::Refused(Rule::OnsetBeforeAdministration))),
        "a reaction cannot start before the product was given"
    );
    r.onset_on = "01.06.2026".into();
    safety::record(&mut c.db, &doc, &r).unwrap();
    let stored = safety::for_administration(c.db.conn(), a).unwrap();
    assert!(stored[0].serious(), "a reaction with a seriousness criterion is serious");
    r.outcome = "gone".into();
    assert!(matches!(safety::record(&mut c.db, &doc, &r), Err(Error::Invalid { field: "outcome", .. })));
}

#[test]
fn every_change_is_audited_and_the_chain_holds() {
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    record(&mut c, &given(d, "01.06.2026 10:00")).unwrap();
    let actions: Vec<String> =
        btlp_commission::audit::recent(c.db.conn(), 1000).unwrap().into_iter().map(|e| e.action).collect();
    for needed in
        ["patient.register", "case.create", "vote.cast", "decision.adopt", "consent.record", "administration.record"]
    {
        assert!(actions.iter().any(|a| a == needed), "{needed} must leave an audit entry");
    }
    assert!(
        matches!(btlp_commission::audit::verify(c.db.conn()).unwrap(), btlp_commission::audit::Verdict::Intact { .. }),
        "the chain of an untouched database verifies"
    );
}
