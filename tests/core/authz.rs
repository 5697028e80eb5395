//! The authorisation matrix (issue 7): every operation that changes records is called, for real, by a user of
//! each role. Roles the matrix leaves out must be refused with `Forbidden` naming that operation, before any
//! input is looked at; roles it lets in must get past the role check (they may still fail for other reasons:
//! unknown ids, empty input). So the matrix is enforced, and a role check missing or out of place shows here.
use crate::common::{password, user, Clinic};
use btlp_commission::commission::{Choice, Correction, Declarant, NewComposition};
use btlp_commission::exports::Selection;
use btlp_commission::journal::Format;
use btlp_commission::org::{applications, checklist, permit, VotingRules};
use btlp_commission::people::Operation;
use btlp_commission::production::{self, qc, Disposal, NewBooking, NewStage};
use btlp_commission::reports;
use btlp_commission::{administrations, cases, commission, consent, exports, icd, journal, patients, people, pki};
use btlp_commission::{safety, Actor, Db, Error, Lang, Result, Role};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use uuid::Uuid;

/// One real call of the operation with plausible input and ids that do not exist.
fn call(op: Operation, db: &mut Db, a: &Actor, dir: &Path) -> Result<()> {
    let id = Uuid::now_v7();
    let when = "01.06.2026 09:00";
    match op {
        Operation::PatientRegister => patients::register(db, a, &crate::common::adult_patient()).map(drop),
        Operation::CaseCreate => {
            cases::create(db, a, &cases::NewCase { patient_id: id, ..Default::default() }).map(drop)
        }
        Operation::CaseSubmit => cases::submit(db, a, id),
        Operation::CaseSetting => cases::set_setting(db, a, id, "inpatient", "Гематология", true),
        Operation::AssessmentRecord => {
            cases::record_finding(db, a, id, cases::FindingKind::ALL[0], "Находка", "Обоснование")
        }
        Operation::AssessmentComplete => cases::complete_assessment(db, a, id),
        Operation::ConsentRecord => {
            consent::record(db, a, &consent::NewConsent { case_id: id, ..Default::default() }).map(drop)
        }
        Operation::ConsentWithdraw => consent::withdraw(db, a, id, "01.06.2026", "Отказ"),
        Operation::MeetingCreate => {
            commission::create_meeting(db, a, &commission::NewMeeting::on("01.06.2026")).map(drop)
        }
        Operation::MeetingAttendance => commission::set_attendance(db, a, id, &["chair"]),
        Operation::AgendaAdd => commission::add_to_agenda(db, a, id, id, &crate::common::plan()),
        Operation::ConflictDeclare => {
            let on_word = Declarant::OnWordOf { login: "m3", note: "Заявил устно на заседании" };
            commission::declare_conflict(db, a, id, id, on_word, "Родство")
        }
        Operation::MeetingClose => commission::close_meeting(db, a, id),
        Operation::Vote => commission::cast(db, a, id, id, Some(Choice::For), ""),
        Operation::DecisionAdopt => commission::adopt(db, a, id, id).map(drop),
        Operation::DecisionCorrect => commission::correct(db, a, id, &Correction::default()).map(drop),
        Operation::AdministrationRecord => {
            administrations::record(db, a, &crate::common::given(id, "01.06.2026 10:00")).map(drop)
        }
        Operation::ReactionRecord => {
            safety::record(db, a, &safety::NewReaction { administration_id: id, ..Default::default() }).map(drop)
        }
        Operation::ReportOpen => reports::open_benefit_risk(db, a, "CAR-T", "01.01.2026", "").map(drop),
        Operation::ReportSign => reports::sign(db, a, id, "password", Lang::Ru),
        Operation::ReportSend => reports::mark_sent(db, a, id, "01.06.2026", "исх-1"),
        Operation::RoomAdd => production::add_room(db, a, &format!("Помещение {id}"), 0).map(drop),
        Operation::RoomBook => production::book(db, a, &NewBooking { room_id: id, ..Default::default() }).map(drop),
        Operation::BatchCreate => production::create_batch(db, a, id, "CART19").map(drop),
        Operation::BatchStage | Operation::QcStage => {
            let stage = if op == Operation::QcStage { "quality_control" } else { "manufacture" };
            let s =
                NewStage {
                    stage: stage.into(), done_at: when.into(), place: "Зал".into(), result: "Готово".into()
                };
            production::record_stage(db, a, id, &s)
        }
        Operation::BatchDispose => production::dispose(db, a, id, &Disposal::default()),
        Operation::QcPlan => qc::plan(db, a, id, &qc::NewTest::default()).map(drop),
        Operation::QcResult => qc::record_result(db, a, id, "Норма", true, "01.06.2026"),
        Operation::BatchRelease => qc::release(db, a, id, &qc::Release::default()),
        Operation::UserCreate => {
            let login = format!("u{}", &id.simple().to_string()[20..]);
            people::create(db, a, &user(&login, "Новиков Олег Петрович", vec![Role::Member]), |_, _| Ok(())).map(drop)
        }
        Operation::UserChangePassword => people::change_password(db, a, "m3", "new-password-1", |_, _| Ok(())),
        Operation::UserDeactivate => people::deactivate(db, a, "nobody", || Ok(())),
        Operation::CompositionCreate => {
            let c =
                NewComposition { order_ref: "Приказ".into(), effective_from: "01.06.2026".into(), seats: vec![] };
            commission::compose(db, a, &c).map(drop)
        }
        Operation::CertificateRevoke => pki::revoke(db, a, "00"),
        Operation::SigningMethodChoose => pki::outside::choose_external(db, a, b"not a certificate"),
        Operation::SignerIdentityRecord => pki::outside::record_identity(db, a, "nobody", None, None),
        Operation::TrustedRootImport => pki::outside::import_root(db, a, b"not a certificate").map(drop),
        Operation::SettingsUpdate => btlp_commission::org::set_rules(db, a, VotingRules::default()),
        Operation::IcdImport => icd::import_file(db, a, b"not a csv").map(drop),
        Operation::PermitUpdate => permit::record(db, a, "confirmed", "01.06.2026", "Реестр", ""),
        Operation::ApplicationManage => applications::add_step(db, a, id, "decision", "01.06.2026", ""),
        Operation::ChecklistManage => {
            checklist::attach(db, a, "licence", "Лицензия", "l.pdf", b"%PDF-1.4", "").map(drop)
        }
        Operation::Export => {
            let sel = Selection { from: String::new(), to: String::new(), patient: Some(id) };
            exports::decisions_archive(
                db,
                a,
                "запрос Росздравнадзора № 17",
                &sel,
                &dir.join(format!("{id}.zip")),
                |_, _| {},
                &AtomicBool::new(false),
            )
            .map(drop)
        }
        Operation::JournalExport => journal::export(
            db,
            a,
            "запрос Росздравнадзора № 17",
            "",
            "",
            Format::Csv,
            Lang::Ru,
            &dir.join(format!("{id}.csv")),
        )
        .map(drop),
        Operation::QcExport => qc::export(
            db,
            a,
            "запрос Росздравнадзора № 17",
            "",
            "",
            Format::Csv,
            Lang::Ru,
            &dir.join(format!("{id}.csv")),
        )
        .map(drop),
        Operation::IntegrityCheck => btlp_commission::integrity::check(db, a).map(drop),
        Operation::UserUnlock => people::unlock(db, a, "m3"),
        Operation::TlsIssue => pki::issue_server_tls(db, a, None, "btlp.clinic.local").map(drop),
        Operation::UnlockFileManage => btlp_commission::clinic::manage_unlock_file(db, a, &dir.join("none.db"), None),
        Operation::ServerUnlock => btlp_commission::clinic::record_server_unlock(db, a),
        Operation::Backup => {
            let key = btlp_commission::db::DbKey::random();
            btlp_commission::backup::create(db, a, &dir.join("none.db"), &key, &dir.join("backups"), 0).map(drop)
        }
    }
}

#[test]
fn every_operation_refuses_every_role_the_matrix_leaves_out() {
    let mut c = Clinic::new();
    let dir = tempfile::tempdir().unwrap();
    let by_role = [
        (Role::Admin, "admin"),
        (Role::Chair, "chair"),
        (Role::DeputyChair, "deputy"),
        (Role::Secretary, "secretary"),
        (Role::Member, "m1"),
        (Role::Physician, "doc"),
        (Role::Production, "prod"),
        (Role::Qc, "qc"),
    ];
    assert_eq!(by_role.len(), Role::ALL.len(), "a user of every role");
    let mut wrong = Vec::new();
    for op in Operation::ALL {
        for (role, login) in by_role {
            let actor = c.as_(login);
            let r = call(op, &mut c.db, &actor, dir.path());
            let refused = matches!(r, Err(Error::Forbidden { action }) if action == op.code());
            if refused == op.roles().contains(&role) {
                wrong.push(format!("{} as {role:?}: {r:?}", op.code()));
            }
        }
    }
    assert!(wrong.is_empty(), "the matrix must be what the operations enforce, role first:\n{}", wrong.join("\n"));
}

#[test]
fn the_matrix_keeps_the_clinic_s_separation_of_duties() {
    let only = |op: Operation| op.roles().to_vec();
    assert!(!Operation::Vote.roles().contains(&Role::Physician), "a physician does not vote");
    assert!(!Operation::AdministrationRecord.roles().contains(&Role::Member), "a member does not record a use");
    assert_eq!(only(Operation::AdministrationRecord), [Role::Physician], "only physicians record administrations");
    for op in [
        Operation::UserCreate,
        Operation::UserChangePassword,
        Operation::UserDeactivate,
        Operation::UserUnlock,
        Operation::TlsIssue,
        Operation::UnlockFileManage,
        Operation::ServerUnlock,
        Operation::Export,
        Operation::JournalExport,
        Operation::QcExport,
        Operation::Backup,
        Operation::SignerIdentityRecord,
        Operation::TrustedRootImport,
    ] {
        assert_eq!(only(op), [Role::Admin], "only admins: {}", op.code());
    }
    assert_eq!(only(Operation::BatchRelease), [Role::Qc], "only QC releases a batch");
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    let doc = c.as_("doc");
    let r = btlp_commission::signatures::sign_decision(&mut c.db, &doc, d, &password("doc"), Lang::Ru);
    assert!(r.is_err(), "a physician without a seat cannot sign a decision");
}
