//! The home worklist: what waits for each user, and that it empties as they act.
use crate::common::{now, password, Clinic, VOTERS};
use btlp_commission::commission::Choice;
use btlp_commission::{screens, signatures, Lang};

#[test]
fn the_worklist_shows_each_user_what_waits_for_them_and_empties_as_they_act() {
    let mut c = Clinic::new();
    let today = now().date_naive();
    let case = c.ready_case();
    let m = c.meeting(&VOTERS, case);
    let list = |c: &Clinic, login: &str| screens::worklist(c.db.conn(), &c.as_(login), today).unwrap();
    let waiting = list(&c, "m1").to_vote;
    assert_eq!(waiting.len(), 1, "a member sees the meeting with a case waiting for their vote");
    assert_eq!((waiting[0].meeting_id, waiting[0].cases), (m, 1), "the meeting and how many cases");
    assert!(list(&c, "secretary").to_vote.is_empty(), "the secretary does not vote");
    assert!(list(&c, "outsider").to_vote.is_empty(), "nor does a member outside the meeting's composition");
    c.vote(m, case, "m1", Choice::For).unwrap();
    assert!(list(&c, "m1").to_vote.is_empty(), "once they voted the meeting leaves their list");

    let (_, decision) = c.approved();
    let secretary = list(&c, "secretary");
    assert!(secretary.to_sign.iter().any(|d| d.decision_id == decision), "the secretary has a decision to sign");
    assert!(!list(&c, "chair").to_sign.iter().any(|d| d.decision_id == decision), "the chair signs last, not yet");
    let sec = c.as_("secretary");
    signatures::sign_decision(&mut c.db, &sec, decision, &password("secretary"), Lang::Ru).unwrap();
    assert!(list(&c, "m1").to_sign.iter().any(|d| d.decision_id == decision), "a member who voted signs it");
    assert!(list(&c, "outsider").to_sign.is_empty(), "one who did not vote has nothing to sign");
    assert!(list(&c, "secretary").to_sign.is_empty(), "nor has the secretary once she signed");
    c.sign_all_remaining(decision);
    assert!(list(&c, "secretary").to_sign.is_empty(), "a signed decision leaves the list");
    assert!(secretary.reports.is_none() && secretary.backup_age_days.is_none(), "no reports or backups for her");

    let admin = list(&c, "admin");
    assert_eq!(admin.backup_age_days, Some(None), "the admin is told there has never been a backup");
    assert_eq!(admin.permit_days, None, "the permit's confirmation is years away");
    assert!(list(&c, "doc").reports.is_some(), "the physician, who signs reports, sees their count");
}
