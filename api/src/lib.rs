//! The command layer: every command the UI may call, as one plain function over a signed-in core `Session`,
//! with the DTOs it takes and returns. Two transports carry them, neither adding a rule: the desktop shell
//! (Tauri IPC, in-process or forwarded to a clinic server) and the clinic server (`btlp serve`, HTTPS). Both
//! are generated from the one table in [`for_each_command!`]. This crate depends on neither tauri nor
//! tokio/axum (the test command checks it).
// A command takes the arguments the UI sends, one by one.
#![allow(clippy::too_many_arguments)]

pub mod admin;
pub mod cases;
pub mod commission;
pub mod connection;
pub mod decisions;
pub mod dto;
pub mod error;
pub mod files;
pub mod integrity;
pub mod live;
pub mod patients;
pub mod permit;
pub mod production;
pub mod reporting;
pub mod session;
pub mod signing;

pub use error::{ErrorKind, IpcError};
pub use files::{FileOut, SavedFile, Upload, Work, WorkProgress};

/// Commands the desktop app answers itself and a server never sees: the start-up probe and first-start set-up
/// of a clinic on this computer, the choice of where the clinic database is, opening another window, restoring
/// a backup into a new file on this computer, and saving a shown PDF where the user chose.
pub const LOCAL_ONLY: &[&str] = &[
    "app_status",
    "clinic_setup",
    "connection_inspect",
    "connection_set",
    "connection_local",
    "window_new",
    "backup_restore",
    "pdf_write",
];

/// Commands about the session itself, which every transport keeps in its own way (the desktop app in memory, the
/// server in its table of sessions): signing in and out, the language, cancelling long work. The server answers
/// them beside the table's (`btlp_server::routes::names`).
pub const SESSION: &[&str] = &["session_sign_in", "session_sign_out", "app_set_lang", "work_cancel"];

/// The one list of commands over a signed-in session. Each line is `kind module::name(args) -> reply;`, and
/// `for_each_command!(m)` hands the whole list to the macro `m`, which builds one transport from it.
///
/// Kinds: `json` (arguments and reply as JSON), `bytes` (the reply is a file's bytes: binary over HTTP),
/// `files` (the reply is files the workstation saves: the desktop shell writes them where the user chose),
/// `work` / `work_files` (long work with progress and a cancel flag of the session that asked), `upload` (an
/// argument is a file the desktop shell reads on the workstation from the path the user picked).
#[macro_export]
macro_rules! for_each_command {
    ($m:ident) => {
        $m! {
            json admin::users_list() -> Vec<$crate::admin::UserRow>;
            json admin::users_add(form: $crate::admin::UserForm) -> ();
            json admin::users_deactivate(login: String) -> ();
            json admin::users_unlock(login: String) -> ();
            json admin::users_set_password(login: String, password: String, current: Option<String>) -> ();
            json admin::compositions_current() -> Option<$crate::admin::CompositionView>;
            json admin::compositions_create(form: $crate::admin::CompositionForm) -> ();
            json admin::org_get() -> $crate::admin::OrgView;
            json admin::org_set_details(ogrn: String, address: String) -> ();
            json admin::org_set_label_size(size: $crate::admin::LabelSizeView) -> ();
            json admin::exports_log() -> Vec<$crate::admin::ExportLogRow>;
            json admin::certificates_list() -> Vec<$crate::admin::CertificateRow>;
            json admin::certificates_revoke(serial: String) -> ();
            json signing::signing_get() -> $crate::signing::SigningView;
            json signing::signing_tokens() -> Vec<$crate::signing::TokenCertRow>;
            json signing::signing_use_token(token_serial: String, key_id: String) -> ();
            upload signing::signing_use_external(file: $crate::files::Upload) -> ();
            json signing::signing_use_clinic() -> ();
            json signing::signing_settings() -> $crate::signing::SigningSettingsView;
            upload signing::signing_trust_root(file: $crate::files::Upload) -> ();
            json signing::signing_record_identity(login: String, snils: String, cert_sha256: String) -> ();
            work_files files::exports_decisions(reason: String, from: String, to: String, patient_id: Option<String>) -> Vec<$crate::files::FileOut>;
            json cases::cases_list(case_state: Option<String>, query: String, order: $crate::dto::ListOrder, offset: u32, limit: u32) -> $crate::dto::Page<$crate::cases::CaseRow>;
            json cases::icd_search(query: String) -> Vec<$crate::cases::IcdRow>;
            json cases::cases_create(form: $crate::cases::CaseForm) -> String;
            json cases::cases_get(id: String) -> $crate::cases::CaseDetail;
            json cases::cases_submit(id: String) -> ();
            json cases::cases_record_finding(case_id: String, kind: String, finding: String, justification: String) -> ();
            json cases::cases_set_setting(case_id: String, setting: String, department: String, icu_access: bool) -> ();
            json cases::cases_complete_assessment(case_id: String) -> ();
            upload cases::consent_record(form: $crate::cases::ConsentForm, scan: Option<$crate::files::Upload>) -> String;
            json cases::consent_withdraw(consent_id: String, on: String, note: String) -> ();
            json commission::meetings_list() -> Vec<$crate::commission::MeetingRow>;
            json commission::meetings_create(date: String, time: String, place: String) -> String;
            json commission::meetings_get(id: String) -> $crate::commission::MeetingDetail;
            json commission::meetings_set_attendance(meeting_id: String, logins: Vec<String>) -> ();
            json commission::meetings_add_to_agenda(meeting_id: String, case_id: String, plan: $crate::commission::PlanForm) -> ();
            json commission::meetings_declare_conflict(meeting_id: String, case_id: String, login: String, password: Option<String>, reason: String, note: String) -> ();
            json commission::votes_cast(meeting_id: String, case_id: String, login: String, password: String, choice: Option<$crate::commission::VoteChoice>, reason: String) -> ();
            json commission::decisions_preview(meeting_id: String, case_id: String) -> $crate::commission::AdoptionPreview;
            json commission::decisions_adopt(meeting_id: String, case_id: String, number: String) -> String;
            json commission::meetings_close(meeting_id: String) -> ();
            json decisions::decisions_list(filter: $crate::decisions::DecisionListFilter, order: $crate::dto::ListOrder, offset: u32, limit: u32) -> $crate::dto::Page<$crate::decisions::DecisionListRow>;
            json decisions::decisions_get(id: String) -> $crate::decisions::DecisionDetail;
            bytes decisions::decisions_pdf(id: String) -> Vec<u8>;
            json decisions::minutes_get(meeting_id: String) -> $crate::decisions::MinutesView;
            bytes decisions::minutes_pdf(meeting_id: String) -> Vec<u8>;
            json decisions::minutes_sign(meeting_id: String, login: String, password: String, pin: Option<String>) -> ();
            bytes decisions::agenda_pdf(meeting_id: String) -> Vec<u8>;
            bytes cases::consent_form_pdf(case_id: String, form_version: String, info_sheet_version: String) -> Vec<u8>;
            json decisions::decisions_sign(id: String, login: String, password: String, pin: Option<String>) -> ();
            json decisions::administrations_record(form: $crate::decisions::AdministrationForm) -> String;
            json decisions::administrations_bedside(decision_id: String, code: String) -> $crate::decisions::BedsideCard;
            json decisions::reactions_record(form: $crate::decisions::ReactionForm) -> String;
            work files::decisions_sign_all(login: String, password: String, pin: Option<String>) -> u32;
            json integrity::integrity_check(whole: bool) -> $crate::integrity::IntegrityView;
            json integrity::backup_status() -> $crate::integrity::BackupStatus;
            json integrity::backup_set_schedule(schedule: Option<$crate::integrity::BackupSchedule>) -> ();
            json integrity::backup_now() -> String;
            json patients::patients_search(query: String, order: $crate::dto::ListOrder) -> $crate::dto::Page<$crate::patients::PatientRow>;
            json patients::patients_register(form: $crate::patients::PatientForm) -> $crate::patients::PatientRow;
            json patients::patients_get(id: String) -> $crate::patients::PatientRow;
            json permit::permit_overview() -> $crate::permit::PermitOverview;
            json permit::permit_record_event(kind: String, on_date: String, reference: String, note: String) -> ();
            json permit::applications_open(kind: String, reference: String, on_date: String) -> String;
            json permit::applications_add_step(id: String, step: String, on_date: String, note: String) -> ();
            upload permit::checklist_attach(requirement: String, title: String, file: $crate::files::Upload, valid_until: String) -> ();
            json production::batches_list(case_id: Option<String>) -> Vec<$crate::production::BatchRow>;
            json production::batches_create(case_id: String, product_code: String) -> $crate::production::BatchRow;
            json production::batches_get(id: String) -> $crate::production::BatchDetail;
            json production::batches_record_stage(id: String, form: $crate::production::StageForm) -> ();
            json production::batches_dispose(id: String, form: $crate::production::DisposalForm) -> ();
            bytes production::batches_label(id: String) -> Vec<u8>;
            files files::batches_save_label(id: String) -> Vec<$crate::files::FileOut>;
            json production::qc_plan(batch_id: String, form: $crate::production::TestForm) -> String;
            json production::qc_record_result(test_id: String, result: String, passed: bool, tested_on: String) -> ();
            json production::qc_release(batch_id: String, form: $crate::production::ReleaseForm) -> ();
            files files::qc_journal_export(reason: String, from: String, to: String, format: String) -> Vec<$crate::files::FileOut>;
            json production::rooms_list() -> Vec<$crate::production::RoomRow>;
            json production::rooms_add(name: String, cleaning_minutes: u32) -> String;
            json production::rooms_book(form: $crate::production::BookingForm) -> ();
            json reporting::reports_list(filter: String, kind: Option<String>, order: $crate::dto::ListOrder, offset: u32, limit: u32) -> $crate::dto::Page<$crate::reporting::ReportRow>;
            json reporting::reports_get(id: String) -> $crate::reporting::ReportDetail;
            json reporting::journal_view(from: String, to: String) -> $crate::reporting::TableView;
            json reporting::home_worklist() -> $crate::reporting::WorklistView;
            json reporting::qc_journal_view(from: String, to: String) -> $crate::reporting::TableView;
            bytes reporting::reports_pdf(id: String) -> Vec<u8>;
            json reporting::reports_sign(id: String, password: String) -> ();
            json reporting::reports_mark_sent(id: String, sent_on: String, outgoing_ref: String) -> ();
            json reporting::reports_open_benefit_risk(product_name: String, period: String, conclusion: String) -> String;
            json reporting::reports_set_conclusion(id: String, conclusion: String) -> ();
            json reporting::reports_products() -> Vec<String>;
            json reporting::deadlines_board() -> Vec<$crate::reporting::DueRow>;
            files files::journal_export(reason: String, from: String, to: String, format: String) -> Vec<$crate::files::FileOut>;
            json reporting::deadline_rules_get() -> $crate::reporting::DeadlineSettings;
            json reporting::deadline_rules_set(rules: $crate::reporting::DeadlineSettings) -> ();
            files files::reports_save(id: String) -> Vec<$crate::files::FileOut>;
        }
    };
}

/// The names of every command in the table, in its order.
pub fn command_names() -> Vec<&'static str> {
    macro_rules! names {
        ($($kind:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty;)*) => {
            vec![$(stringify!($name)),*]
        };
    }
    for_each_command!(names)
}
