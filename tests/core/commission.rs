//! The commission: who may vote, quorum, majority, recusal, outcomes computed, decisions immutable.
use crate::common::{choice, Clinic, VOTERS};
use btlp_commission::commission::{self, Choice, Declarant, Outcome};
use btlp_commission::error::{Check, Rule};
use btlp_commission::org;
use btlp_commission::Error;
use btlp_commission::{documents, Lang};

const ALL_PRESENT: [&str; 6] = ["chair", "deputy", "m1", "m2", "m3", "secretary"];

#[test]
fn a_composition_needs_three_voting_members_a_chair_and_a_deputy() {
    let mut c = Clinic::new();
    assert!(
        matches!(
            c.compose(&["chair", "deputy"], "01.02.2026"),
            Err(Error::Refused(Rule::CompositionTooSmall { count: 2 }))
        ),
        "fewer than 3 voting members must be refused"
    );
    assert!(
        matches!(c.compose(&["deputy", "m1", "m2"], "01.02.2026"), Err(Error::Refused(Rule::CompositionNeedsChair))),
        "a composition without a chair must be refused"
    );
    assert!(
        matches!(
            c.compose(&["chair", "m1", "m2"], "01.02.2026"),
            Err(Error::Refused(Rule::CompositionNeedsDeputyChair))
        ),
        "a composition without a deputy chair must be refused"
    );
    assert!(
        matches!(
            c.compose(&["chair", "deputy", "doc"], "01.02.2026"),
            Err(Error::Refused(Rule::CompositionRoleMismatch { .. }))
        ),
        "a seat needs a user holding that role"
    );
    assert!(c.compose(&["chair", "deputy", "m1"], "01.02.2026").is_ok(), "three with chair and deputy is enough");
}

#[test]
fn a_vote_by_someone_outside_the_composition_is_refused() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    let r = c.vote(m, case, "outsider", Choice::For);
    assert!(
        matches!(r, Err(Error::Refused(Rule::NotCommissionMember))),
        "a member-role user not in this composition must not vote"
    );
    assert_eq!(c.count("votes"), 0, "the refused vote must not be stored");
}

#[test]
fn a_physician_cannot_vote() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    assert!(
        matches!(c.vote(m, case, "doc", Choice::For), Err(Error::Forbidden { action: "vote" })),
        "a physician's role does not allow voting"
    );
}

#[test]
fn no_vote_without_quorum() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&["chair", "deputy", "secretary"], case);
    let r = c.vote(m, case, "chair", Choice::For);
    assert!(
        matches!(r, Err(Error::Refused(Rule::NoQuorum { present: 2, needed: 3 }))),
        "2 of 5 voting members present is no quorum: {r:?}"
    );
}

#[test]
fn a_member_votes_once_only_when_present_and_not_recused() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&["chair", "deputy", "m1", "m2", "secretary"], case);
    c.vote(m, case, "m1", Choice::For).unwrap();
    assert!(
        matches!(c.vote(m, case, "m1", Choice::Against), Err(Error::Refused(Rule::AlreadyVoted))),
        "a second vote by the same member must be refused"
    );
    assert!(
        matches!(c.vote(m, case, "m3", Choice::For), Err(Error::Refused(Rule::NotPresent))),
        "an absent member must not vote"
    );
    let m2 = c.as_("m2");
    commission::declare_conflict(&mut c.db, &m2, m, case, Declarant::Member, "Родственник пациента").unwrap();
    assert!(
        matches!(c.vote(m, case, "m2", Choice::For), Err(Error::Refused(Rule::Recused))),
        "a recused member must not vote"
    );
}

#[test]
fn a_vote_against_needs_a_reason() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    let chair = c.as_("chair");
    let r = commission::cast(&mut c.db, &chair, m, case, Some(Choice::Against), "");
    assert!(matches!(r, Err(Error::Refused(Rule::AgainstNeedsReason))), "dissent must be reasoned");
}

#[test]
fn a_vote_without_a_choice_is_refused() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    let chair = c.as_("chair");
    let r = commission::cast(&mut c.db, &chair, m, case, None, "");
    assert!(
        matches!(r, Err(Error::Invalid { field: "choice", check: Check::Required })),
        "nothing is chosen for a member: a vote with no choice must be refused beside the choice: {r:?}"
    );
    assert_eq!(c.count("votes"), 0, "the refused vote must not be stored");
    c.vote(m, case, "chair", Choice::For).expect("the same member may then vote with a choice");
}

#[test]
fn the_same_vote_sent_again_is_stored_once_and_answered_as_stored() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    c.vote(m, case, "m1", Choice::For).unwrap();
    c.vote(m, case, "m1", Choice::For).expect("a retry of the same vote (its answer lost) is answered as stored");
    assert_eq!(c.count("votes"), 1, "and stored once");
    assert_eq!(audit_count(&c, "vote.cast"), 1, "and audited once");
    assert!(
        matches!(c.vote(m, case, "m1", Choice::Abstain), Err(Error::Refused(Rule::AlreadyVoted))),
        "a different vote by the same member is still refused"
    );
}

fn audit_count(c: &Clinic, action: &str) -> i64 {
    c.db.conn().query_row("SELECT count(*) FROM audit_log WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[test]
fn a_recusal_entered_by_the_secretary_is_marked_as_on_the_members_word() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    let sec = c.as_("secretary");
    let no_note = Declarant::OnWordOf { login: "m3", note: "  " };
    let r = commission::declare_conflict(&mut c.db, &sec, m, case, no_note, "Родственник пациента");
    assert!(
        matches!(r, Err(Error::Invalid { field: "recusal_note", check: Check::Required })),
        "a recusal entered for someone else needs the secretary's note: {r:?}"
    );
    assert_eq!(c.count("recusals"), 0, "the refused entry must not be stored");

    let m1 = c.as_("m1");
    let by_member = Declarant::OnWordOf { login: "m3", note: "Со слов" };
    assert!(
        matches!(
            commission::declare_conflict(&mut c.db, &m1, m, case, by_member, "Родство"),
            Err(Error::Forbidden { action: "conflict_declare" })
        ),
        "a member cannot put a conflict on record for another member"
    );

    let on_word = Declarant::OnWordOf { login: "m3", note: "Заявил устно на заседании" };
    commission::declare_conflict(&mut c.db, &sec, m, case, on_word, "Родственник пациента").unwrap();
    let m2 = c.as_("m2");
    commission::declare_conflict(&mut c.db, &m2, m, case, Declarant::Member, "Лечащий врач пациента").unwrap();

    let p = commission::protocol(c.db.conn(), m, case).unwrap();
    let of = |login: &str| p.recused.iter().find(|r| r.seat.login == login).unwrap().clone();
    let entered = of("m3").on_word.expect("the secretary's entry must be marked as on the member's word");
    assert_eq!(entered.entered_by, "Тестов secretary Тестович", "the protocol names who entered it");
    assert_eq!(entered.note, "Заявил устно на заседании", "and keeps the secretary's note");
    assert!(of("m2").on_word.is_none(), "a member's own declaration is not marked as entered by someone else");
    assert_eq!(audit_count(&c, "meeting.recusal_on_word"), 1, "the audit trail tells the secretary's entry apart");
    assert_eq!(audit_count(&c, "meeting.recusal"), 1, "and the member's own");
    assert!(
        matches!(c.vote(m, case, "m3", Choice::For), Err(Error::Refused(Rule::Recused))),
        "a member recused on their word does not vote"
    );

    for v in ["chair", "deputy", "m1"] {
        c.vote(m, case, v, Choice::For).unwrap();
    }
    let chair = c.as_("chair");
    let d = commission::adopt(&mut c.db, &chair, m, case).unwrap();
    let late = Declarant::OnWordOf { login: "m2", note: "Исправление" };
    assert!(
        matches!(
            commission::declare_conflict(&mut c.db, &sec, m, case, late, "Иное"),
            Err(Error::Refused(Rule::CaseState { .. }))
        ),
        "once the decision is adopted its protocol's recusals are fixed"
    );
    let d = commission::decision(c.db.conn(), d).unwrap();
    let sheet = documents::decision_sheet(c.db.conn(), &d).unwrap();
    let pdf = documents::render_decision(&sheet, Lang::Ru).unwrap().pdf;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(dir.path().join("d.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("внесено со слов члена комиссии: Тестов secretary Тестович"),
        "the decision's protocol prints who entered the recusal on the member's word: {text}"
    );
}

#[test]
fn the_adoption_preview_shows_what_adopting_records_and_changes_nothing() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    let chair = c.as_("chair");
    let early = commission::adoption_preview(&c.db, &chair, m, case);
    assert!(
        matches!(early, Err(Error::Refused(Rule::VotingUnfinished { missing: 5 }))),
        "the preview is refused exactly as adopting would be: {early:?}"
    );
    for v in VOTERS {
        c.vote(m, case, v, Choice::For).unwrap();
    }
    let p = documents::adoption_preview(&c.db, &chair, m, case, Lang::Ru).unwrap();
    assert_eq!(c.count("decisions"), 0, "a preview must not adopt anything");
    assert!(
        p.text.contains("1 × 10⁸ клеток") && p.text.contains("01.06.2026"),
        "the text states the terms: {}",
        p.text
    );
    let id = commission::adopt_confirmed(&mut c.db, &chair, m, case, &p.number).unwrap();
    let d = commission::decision(c.db.conn(), id).unwrap();
    assert_eq!(p.number, d.number, "the number shown is the number the decision gets");
    assert_eq!(p.outcome, d.outcome, "and so is the outcome");
}

#[test]
fn a_decision_confirmed_under_a_number_another_took_is_not_adopted() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for v in VOTERS {
        c.vote(m, case, v, Choice::For).unwrap();
    }
    let chair = c.as_("chair");
    let p = documents::adoption_preview(&c.db, &chair, m, case, Lang::Ru).unwrap();
    c.approved(); // another decision is adopted while the first confirmation is open
    let r = commission::adopt_confirmed(&mut c.db, &chair, m, case, &p.number);
    assert!(
        matches!(&r, Err(Error::Refused(Rule::DecisionNumberChanged { number })) if *number != p.number),
        "the user confirmed № {} and must not silently get another number: {r:?}",
        p.number
    );
    assert_eq!(c.count("decisions"), 1, "only the other decision is stored");
}

fn decide(votes: [&str; 5]) -> (Clinic, Result<commission::Decision, Error>) {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for (who, v) in VOTERS.iter().zip(votes) {
        c.vote(m, case, who, choice(v)).unwrap();
    }
    let chair = c.as_("chair");
    let r = commission::adopt(&mut c.db, &chair, m, case).and_then(|id| commission::decision(c.db.conn(), id));
    (c, r)
}

#[test]
fn two_of_five_is_not_a_majority() {
    let (_, d) = decide(["for", "for", "abstain", "abstain", "against"]);
    let d = d.unwrap();
    assert_ne!(d.outcome, Outcome::Approved, "2 of 5 must not approve under the 2/3 rule");
    assert_eq!(d.threshold, 4, "⌈2/3 × 5⌉ = 4 votes are needed");
    let (_, d) = decide(["for", "for", "for", "abstain", "against"]);
    assert_eq!(d.unwrap().outcome, Outcome::Deferred, "3 of 5 is still short of 4");
    let (_, d) = decide(["for", "for", "for", "for", "against"]);
    assert_eq!(d.unwrap().outcome, Outcome::Approved, "4 of 5 approves");
    let (_, d) = decide(["against", "against", "against", "against", "for"]);
    assert_eq!(d.unwrap().outcome, Outcome::Rejected, "4 against of 5 rejects");
}

#[test]
fn the_majority_follows_the_settings() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    let simple = org::VotingRules { majority_num: 1, majority_den: 2, ..org::VotingRules::default() };
    org::set_rules(&mut c.db, &admin, simple).unwrap();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for (who, v) in VOTERS.iter().zip(["for", "for", "for", "against", "against"]) {
        c.vote(m, case, who, choice(v)).unwrap();
    }
    let chair = c.as_("chair");
    let d = commission::adopt(&mut c.db, &chair, m, case).unwrap();
    let d = commission::decision(c.db.conn(), d).unwrap();
    assert_eq!(d.outcome, Outcome::Approved, "with a simple-majority setting 3 of 5 approves");
}

#[test]
fn a_decision_waits_for_every_eligible_vote() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for who in ["chair", "deputy", "m1", "m2"] {
        c.vote(m, case, who, Choice::For).unwrap();
    }
    let chair = c.as_("chair");
    assert!(
        matches!(
            commission::adopt(&mut c.db, &chair, m, case),
            Err(Error::Refused(Rule::VotingUnfinished { missing: 1 }))
        ),
        "the outcome is computed only when everyone eligible has voted"
    );
}

#[test]
fn decisions_are_numbered_per_year_and_immutable() {
    let mut c = Clinic::new();
    let (_, first) = c.approved();
    let (_, second) = c.approved();
    let conn = c.db.conn();
    assert_eq!(commission::decision(conn, first).unwrap().number, "1/2026", "the first decision of 2026");
    assert_eq!(commission::decision(conn, second).unwrap().number, "2/2026", "numbers run on within the year");
    let r = conn.execute("UPDATE decisions SET outcome = 'rejected' WHERE id = ?1", [first]);
    assert!(r.is_err(), "an adopted decision must not be changed in place");
    assert!(conn.execute("DELETE FROM decisions", []).is_err(), "nor deleted");
}

#[test]
fn a_correction_supersedes_and_keeps_the_original() {
    let mut c = Clinic::new();
    let (_, first) = c.approved();
    let chair = c.as_("chair");
    let fix = commission::Correction {
        window_from: "05.06.2026".into(),
        window_to: "20.06.2026".into(),
        dose: "2 × 10⁸ клеток".into(),
        route: "внутривенно".into(),
        department: "Гематология".into(),
        reason: "Опечатка в дозе".into(),
    };
    let second = commission::correct(&mut c.db, &chair, first, &fix).unwrap();
    let old = commission::decision(c.db.conn(), first).unwrap();
    let new = commission::decision(c.db.conn(), second).unwrap();
    assert_eq!(old.superseded_by, Some(second), "the original must point to its correction");
    assert_eq!(new.supersedes, Some(first), "the correction must name what it supersedes");
    assert_eq!(old.dose, "1 × 10⁸ клеток", "the original's text stays as adopted");
    assert!(
        matches!(commission::correct(&mut c.db, &chair, first, &fix), Err(Error::Refused(Rule::DecisionSuperseded))),
        "a superseded decision cannot be corrected again"
    );
}

#[test]
fn a_suspended_permit_blocks_decisions() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for who in VOTERS {
        c.vote(m, case, who, Choice::For).unwrap();
    }
    let admin = c.as_("admin");
    org::permit::record(&mut c.db, &admin, "suspended", "01.06.2026", "Приказ Минздрава № 9", "").unwrap();
    let chair = c.as_("chair");
    assert!(
        matches!(commission::adopt(&mut c.db, &chair, m, case), Err(Error::Refused(Rule::PermitNotInForce { .. }))),
        "no decision while the permit is suspended"
    );
    assert_eq!(c.count("decisions"), 0, "nothing adopted");
}

#[test]
fn an_overdue_confirmation_blocks_decisions() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&ALL_PRESENT, case);
    for who in VOTERS {
        c.vote(m, case, who, Choice::For).unwrap();
    }
    let later = chrono::DateTime::parse_from_rfc3339("2030-03-16T10:00:00+03:00").unwrap();
    c.db.set_clock(btlp_commission::Clock::Fixed(later));
    let chair = c.as_("chair");
    assert!(
        matches!(commission::adopt(&mut c.db, &chair, m, case), Err(Error::Refused(Rule::PermitNotInForce { .. }))),
        "5 years after the permit without confirmation, decisions stop"
    );
}

#[test]
fn the_meeting_screens_see_their_meetings_agenda_and_the_adopted_decision() {
    let mut c = Clinic::new();
    let (case, decision) = c.approved();
    let meetings = commission::meetings(c.db.conn(), 10).unwrap();
    assert_eq!(meetings.len(), 1);
    assert!(meetings[0].open && meetings[0].items == 1, "an open meeting with its one agenda item: {meetings:?}");
    let agenda = commission::agenda(c.db.conn(), meetings[0].id).unwrap();
    assert_eq!(agenda[0].case_id, case);
    assert_eq!(agenda[0].decision_id, Some(decision), "the item links to the decision adopted on it");
    let all = btlp_commission::screens::decisions(c.db.conn(), &Default::default(), Default::default(), 25, 0);
    assert_eq!(all.unwrap().1, 1, "the decisions list counts the one decision");
    let screen = btlp_commission::screens::meeting(c.db.conn(), meetings[0].id).unwrap();
    let item = &screen.agenda[0];
    assert_eq!(item.patient_name, "Иванов Иван Иванович", "the meeting screen names the patient");
    assert_eq!(item.tally.votes_for, 5, "with the live tally");
    assert_eq!(item.protocol.votes.len(), 5, "and each member's vote");
    assert_eq!(screen.meeting.present.len(), 6, "and who is present");
}

/// With the server a member votes from their own session; at the secretary's shared workstation they confirm
/// it with their own password. The trail names the member either way, and the session that entered it when it
/// is another's.
#[test]
fn a_vote_entered_at_another_members_session_names_both_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    drop(btlp_commission::demo::build(&path).unwrap());
    let mut secretary = btlp_commission::clinic::sign_in(&path, "secretary", "secretary-demo").unwrap();
    let next = commission::meetings(secretary.db.conn(), 10).unwrap().into_iter().find(|m| m.open && m.items == 1);
    let m = next.expect("the demo's next meeting, one case on its agenda").id;
    let case = btlp_commission::screens::meeting(secretary.db.conn(), m).unwrap().agenda[0].item.case_id;
    let all = ["chair", "deputy", "member1", "member2", "secretary"];
    commission::set_attendance(&mut secretary.db, &secretary.actor.clone(), m, &all).unwrap();

    let at_the_desk = secretary.act_as("member1", "member1-demo").unwrap();
    commission::cast(&mut secretary.db, &at_the_desk, m, case, Some(Choice::For), "").unwrap();
    let mut own = btlp_commission::clinic::sign_in(&path, "member2", "member2-demo").unwrap();
    let herself = own.act_as("member2", "member2-demo").unwrap();
    assert_eq!(herself.entered_at(), None, "a member's own session notes nothing more");
    commission::cast(&mut own.db, &herself, m, case, Some(Choice::For), "").unwrap();

    let rows = |action: &str| -> Vec<String> {
        let sql = "SELECT actor FROM audit_log WHERE action = ?1 AND entity_id = ?2 ORDER BY seq";
        let mut stmt = own.db.conn().prepare(sql).unwrap();
        stmt.query_map([action, &m.to_string()], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(rows("vote.cast"), ["member1", "member2"], "each vote is the member's own act");
    assert_eq!(rows("vote.entered"), ["secretary"], "the vote typed at the secretary's screen names that session");
}

#[test]
fn meetings_are_numbered_per_year_and_a_bad_time_is_refused_and_stores_nothing() {
    use commission::NewMeeting;
    let mut c = Clinic::new();
    let sec = c.as_("secretary");
    let at =
        |date: &str, time: &str| NewMeeting {
            date: date.into(), time: time.into(), place: "Зал заседаний".into()
        };
    let first = commission::create_meeting(&mut c.db, &sec, &at("01.06.2026", "14:00")).unwrap();
    let second = commission::create_meeting(&mut c.db, &sec, &NewMeeting::on("15.06.2026")).unwrap();
    let next_year = commission::create_meeting(&mut c.db, &sec, &NewMeeting::on("15.01.2027")).unwrap();
    let number = |id| commission::meeting(c.db.conn(), id).unwrap().number;
    assert_eq!([number(first), number(second), number(next_year)], [1, 2, 1], "protocols are numbered per year");
    let m = commission::meeting(c.db.conn(), first).unwrap();
    assert_eq!((m.starts_at.as_str(), m.place.as_str()), ("14:00", "Зал заседаний"), "time and place are kept");

    let before = c.count("meetings");
    let r = commission::create_meeting(&mut c.db, &sec, &at("01.07.2026", "25:00"));
    assert!(
        matches!(r, Err(Error::Invalid { field: "meeting_time", check: Check::NotATime })),
        "a time that does not exist must be refused beside its field: {r:?}"
    );
    assert_eq!(c.count("meetings"), before, "a refused meeting stores nothing");
    assert_eq!(c.count("meeting_protocols"), 3, "and numbers nothing");
}

thread_local! {
    static STATEMENTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_statement(event: rusqlite::trace::TraceEvent<'_>) {
    if let rusqlite::trace::TraceEvent::Stmt(..) = event {
        STATEMENTS.with(|n| n.set(n.get() + 1));
    }
}

/// How many SQL statements `f` runs on `conn`.
fn statements<T>(conn: &rusqlite::Connection, f: impl FnOnce() -> T) -> (T, usize) {
    conn.trace_v2(rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT, Some(count_statement));
    STATEMENTS.with(|n| n.set(0));
    let out = f();
    conn.trace_v2(rusqlite::trace::TraceEventCodes::empty(), None);
    (out, STATEMENTS.with(|n| n.get()))
}

#[test]
fn the_meeting_screen_costs_the_same_statements_for_one_item_as_for_many_and_agrees_with_each_items_tally() {
    let mut c = Clinic::new();
    let first = c.ready_case();
    let small = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], first);
    let cases: Vec<_> = (0..5).map(|_| c.ready_case()).collect();
    let big = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], cases[0]);
    let sec = c.as_("secretary");
    for case in &cases[1..] {
        commission::add_to_agenda(&mut c.db, &sec, big, *case, &crate::common::plan()).unwrap();
    }
    let m2 = c.as_("m2");
    commission::declare_conflict(&mut c.db, &m2, big, cases[1], Declarant::Member, "Родственник пациента").unwrap();
    for v in ["chair", "deputy", "m1"] {
        c.vote(big, cases[1], v, Choice::For).unwrap();
        c.vote(big, cases[2], v, Choice::Against).unwrap();
    }
    c.vote(small, first, "m3", Choice::Abstain).unwrap();
    let conn = c.db.conn();
    let (one, n_one) = statements(conn, || btlp_commission::screens::meeting(conn, small).unwrap());
    let (many, n_many) = statements(conn, || btlp_commission::screens::meeting(conn, big).unwrap());
    assert_eq!((one.agenda.len(), many.agenda.len()), (1, 5));
    assert_eq!(n_one, n_many, "a fixed number of statements whatever the agenda's length ({n_one} and {n_many})");
    for (screen, id) in [(&one, small), (&many, big)] {
        let m = commission::meeting(conn, id).unwrap();
        for item in &screen.agenda {
            let alone = commission::tally(conn, &m, item.item.case_id).unwrap();
            assert_eq!(item.tally, alone, "the screen's tally is the item's own");
            let protocol = commission::protocol(conn, id, item.item.case_id).unwrap();
            assert_eq!(item.protocol.votes.len(), protocol.votes.len(), "and so are its votes");
            assert_eq!(item.protocol.recused.len(), protocol.recused.len(), "and its recusals");
        }
    }
    let second = &many.agenda[1];
    assert_eq!((second.tally.recused, second.tally.votes_for), (1, 3), "the recusal and the votes of item 2");
    assert_eq!(many.agenda[2].tally.votes_against, 3, "item 3's votes are its own");
}
