//! Change notices: what a committed change announces to the screens of this process, and to whom.
use crate::common::{Clinic, VOTERS};
use btlp_commission::commission::Choice;
use btlp_commission::notices::{self, Notice, Subject};
use btlp_commission::Role;
use std::sync::mpsc::Receiver;

fn drained(rx: &Receiver<Vec<Notice>>) -> Vec<Notice> {
    rx.try_iter().flatten().collect()
}

#[test]
fn a_committed_vote_is_announced_by_kind_and_id_and_a_refused_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut c = Clinic::on_file(&path);
    let case = c.ready_case();
    let m = c.meeting(&VOTERS, case);
    let rx = notices::subscribe(&path);

    c.vote(m, case, "m1", Choice::For).unwrap();
    let heard = drained(&rx);
    assert_eq!(
        heard,
        vec![Notice { subject: Subject::Meeting, id: m.to_string() }],
        "a vote announces its meeting, once per transaction, with no patient data"
    );

    assert!(c.vote(m, case, "outsider", Choice::For).is_err(), "a member outside the composition cannot vote");
    assert!(drained(&rx).is_empty(), "a refused change is rolled back and must not be announced");

    let again = btlp_commission::notices::subscribe(&path);
    c.vote(m, case, "m2", Choice::For).unwrap();
    assert_eq!(drained(&rx).len(), 1, "every subscriber of the file hears each change");
    assert_eq!(drained(&again).len(), 1, "a second window subscribed to the same file hears it too");
}

#[test]
fn notices_reach_only_the_roles_that_may_read_the_record() {
    let c = Clinic::new();
    let meeting = Notice { subject: Subject::Meeting, id: "m".into() };
    let batch = Notice { subject: Subject::Batch, id: "b".into() };
    let both = [meeting.clone(), batch.clone()];
    assert_eq!(c.as_("qc").readable(&both), vec![batch.clone()], "the lab must not hear of the commission's votes");
    assert_eq!(c.as_("prod").readable(&both), vec![batch.clone()], "production neither");
    assert_eq!(c.as_("m1").readable(&both), vec![meeting.clone()], "a member hears of meetings, not of batches");
    assert_eq!(c.as_("doc").readable(&both), both.to_vec(), "the physician hears of both");
    for subject in Subject::ALL {
        assert!(c.as_("admin").may_read(subject), "the administrator may read every kind ({subject:?})");
        let readers = btlp_commission::people::readers(subject);
        assert!(!readers.is_empty() && readers.contains(&Role::Admin), "{subject:?} has readers");
    }
}
