//! The authorisation matrix: for every operation that changes the clinic's records, the roles that may do it.
//! Every such operation asks here (`Actor::require`) before anything else, so this one table is the whole
//! policy: who may record a use, vote, release a batch, manage users or export. Who signs a decision is not a
//! role but a seat on the composition (`signatures`). `readers` says who may read each kind of record; today
//! it decides who hears of a change (the live screens' notices), while the read commands stay open to every
//! signed-in user.
use super::Role;
use crate::notices::Subject;
use Role::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    // Cases and patients
    PatientRegister,
    CaseCreate,
    CaseSubmit,
    CaseSetting,
    AssessmentRecord,
    AssessmentComplete,
    ConsentRecord,
    ConsentWithdraw,
    // The commission
    MeetingCreate,
    MeetingAttendance,
    AgendaAdd,
    ConflictDeclare,
    MeetingClose,
    Vote,
    DecisionAdopt,
    DecisionCorrect,
    // Use and safety
    AdministrationRecord,
    ReactionRecord,
    ReportOpen,
    ReportSign,
    ReportSend,
    // Production and quality control
    RoomAdd,
    RoomBook,
    BatchCreate,
    BatchStage,
    QcStage,
    BatchDispose,
    QcPlan,
    QcResult,
    BatchRelease,
    // Administration and exports
    UserCreate,
    UserChangePassword,
    UserDeactivate,
    CompositionCreate,
    CertificateRevoke,
    /// A member chooses how they sign: the clinic key, a token, the external tool.
    SigningMethodChoose,
    /// Recording whose an outside certificate may be (СНИЛС or fingerprint).
    SignerIdentityRecord,
    /// Importing a root the clinic trusts for outside certificates.
    TrustedRootImport,
    SettingsUpdate,
    IcdImport,
    PermitUpdate,
    ApplicationManage,
    ChecklistManage,
    Export,
    JournalExport,
    QcExport,
    Backup,
    IntegrityCheck,
    UserUnlock,
    TlsIssue,
    UnlockFileManage,
    /// Opening the database for the clinic server with one's own password (`btlp serve --unlock-prompt`).
    ServerUnlock,
}

impl Operation {
    pub const ALL: [Operation; 52] = [
        Operation::PatientRegister,
        Operation::CaseCreate,
        Operation::CaseSubmit,
        Operation::CaseSetting,
        Operation::AssessmentRecord,
        Operation::AssessmentComplete,
        Operation::ConsentRecord,
        Operation::ConsentWithdraw,
        Operation::MeetingCreate,
        Operation::MeetingAttendance,
        Operation::AgendaAdd,
        Operation::ConflictDeclare,
        Operation::MeetingClose,
        Operation::Vote,
        Operation::DecisionAdopt,
        Operation::DecisionCorrect,
        Operation::AdministrationRecord,
        Operation::ReactionRecord,
        Operation::ReportOpen,
        Operation::ReportSign,
        Operation::ReportSend,
        Operation::RoomAdd,
        Operation::RoomBook,
        Operation::BatchCreate,
        Operation::BatchStage,
        Operation::QcStage,
        Operation::BatchDispose,
        Operation::QcPlan,
        Operation::QcResult,
        Operation::BatchRelease,
        Operation::UserCreate,
        Operation::UserChangePassword,
        Operation::UserDeactivate,
        Operation::CompositionCreate,
        Operation::CertificateRevoke,
        Operation::SigningMethodChoose,
        Operation::SignerIdentityRecord,
        Operation::TrustedRootImport,
        Operation::SettingsUpdate,
        Operation::IcdImport,
        Operation::PermitUpdate,
        Operation::ApplicationManage,
        Operation::ChecklistManage,
        Operation::Export,
        Operation::JournalExport,
        Operation::QcExport,
        Operation::Backup,
        Operation::IntegrityCheck,
        Operation::UserUnlock,
        Operation::TlsIssue,
        Operation::UnlockFileManage,
        Operation::ServerUnlock,
    ];

    /// The action's key in the catalogue (`action.*`), as a refusal names it.
    pub fn code(self) -> &'static str {
        match self {
            Operation::PatientRegister => "patient_register",
            Operation::CaseCreate => "case_create",
            Operation::CaseSubmit => "case_submit",
            Operation::CaseSetting => "case_setting",
            Operation::AssessmentRecord => "assessment_record",
            Operation::AssessmentComplete => "assessment_complete",
            Operation::ConsentRecord => "consent_record",
            Operation::ConsentWithdraw => "consent_withdraw",
            Operation::MeetingCreate => "meeting_create",
            Operation::MeetingAttendance => "meeting_attendance",
            Operation::AgendaAdd => "agenda_add",
            Operation::ConflictDeclare => "conflict_declare",
            Operation::MeetingClose => "meeting_close",
            Operation::Vote => "vote",
            Operation::DecisionAdopt => "decision_adopt",
            Operation::DecisionCorrect => "decision_correct",
            Operation::AdministrationRecord => "administration_record",
            Operation::ReactionRecord => "reaction_record",
            Operation::ReportOpen => "report_open",
            Operation::ReportSign => "report_sign",
            Operation::ReportSend => "report_send",
            Operation::RoomAdd => "room_add",
            Operation::RoomBook => "room_book",
            Operation::BatchCreate => "batch_create",
            Operation::BatchStage => "batch_stage",
            Operation::QcStage => "qc_stage",
            Operation::BatchDispose => "batch_dispose",
            Operation::QcPlan => "qc_plan",
            Operation::QcResult => "qc_result",
            Operation::BatchRelease => "batch_release",
            Operation::UserCreate => "user_create",
            Operation::UserChangePassword => "user_change_password",
            Operation::UserDeactivate => "user_deactivate",
            Operation::CompositionCreate => "composition_create",
            Operation::CertificateRevoke => "certificate_revoke",
            Operation::SigningMethodChoose => "signing_method_choose",
            Operation::SignerIdentityRecord => "signer_identity_record",
            Operation::TrustedRootImport => "trusted_root_import",
            Operation::SettingsUpdate => "settings_update",
            Operation::IcdImport => "icd_import",
            Operation::PermitUpdate => "permit_update",
            Operation::ApplicationManage => "application_manage",
            Operation::ChecklistManage => "checklist_manage",
            Operation::Export => "export",
            Operation::JournalExport => "journal_export",
            Operation::QcExport => "qc_export",
            Operation::Backup => "backup",
            Operation::IntegrityCheck => "integrity_check",
            Operation::UserUnlock => "user_unlock",
            Operation::TlsIssue => "tls_issue",
            Operation::UnlockFileManage => "unlock_file_manage",
            Operation::ServerUnlock => "server_unlock",
        }
    }

    /// The roles that may do it.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Operation::PatientRegister => &[Physician, Secretary],
            Operation::CaseCreate => &[Physician],
            Operation::CaseSubmit => &[Physician],
            Operation::CaseSetting => &[Physician],
            Operation::AssessmentRecord => &[Physician, Secretary, Chair],
            Operation::AssessmentComplete => &[Physician, Secretary, Chair],
            Operation::ConsentRecord => &[Physician],
            Operation::ConsentWithdraw => &[Physician],
            Operation::MeetingCreate => &[Secretary, Chair],
            Operation::MeetingAttendance => &[Secretary, Chair],
            Operation::AgendaAdd => &[Secretary, Chair],
            Operation::ConflictDeclare => &[Secretary, Chair],
            Operation::MeetingClose => &[Secretary, Chair],
            Operation::Vote => &[Chair, DeputyChair, Member],
            Operation::DecisionAdopt => &[Chair, Secretary],
            Operation::DecisionCorrect => &[Chair],
            Operation::AdministrationRecord => &[Physician],
            Operation::ReactionRecord => &[Physician],
            Operation::ReportOpen => &[Physician, Admin],
            Operation::ReportSign => &[Physician, Admin],
            Operation::ReportSend => &[Physician, Admin],
            Operation::RoomAdd => &[Admin, Production],
            Operation::RoomBook => &[Production],
            Operation::BatchCreate => &[Production],
            Operation::BatchStage => &[Production],
            Operation::QcStage => &[Production, Qc],
            Operation::BatchDispose => &[Production, Qc],
            Operation::QcPlan => &[Qc],
            Operation::QcResult => &[Qc],
            Operation::BatchRelease => &[Qc],
            Operation::UserCreate => &[Admin],
            Operation::UserChangePassword => &[Admin],
            Operation::UserDeactivate => &[Admin],
            Operation::CompositionCreate => &[Admin],
            Operation::CertificateRevoke => &[Admin],
            Operation::SigningMethodChoose => &[Chair, DeputyChair, Secretary, Member, Physician],
            Operation::SignerIdentityRecord => &[Admin],
            Operation::TrustedRootImport => &[Admin],
            Operation::SettingsUpdate => &[Admin],
            Operation::IcdImport => &[Admin],
            Operation::PermitUpdate => &[Admin],
            Operation::ApplicationManage => &[Admin],
            Operation::ChecklistManage => &[Admin],
            Operation::Export => &[Admin],
            // Exports leave the clinic's protection (an unencrypted file): admins only (issue 7).
            Operation::JournalExport => &[Admin],
            Operation::QcExport => &[Admin],
            Operation::Backup => &[Admin],
            Operation::IntegrityCheck => &[Admin],
            Operation::UserUnlock => &[Admin],
            Operation::TlsIssue => &[Admin],
            Operation::UnlockFileManage => &[Admin],
            Operation::ServerUnlock => &[Admin],
        }
    }
}

/// Who may read records of each kind. Patients' records and the commission's deliberations are for the
/// clinicians, the commission and the administrators (medical secrecy, 323-ФЗ art. 13); the lab's batches and
/// rooms for the lab, the physician who administers and the administrators; the permit file and the users for
/// the administrators; the organisation, the settings, the composition and the certificates for everyone.
pub fn readers(subject: Subject) -> &'static [Role] {
    const CLINICAL: &[Role] = &[Admin, Chair, DeputyChair, Secretary, Member, Physician];
    const LAB: &[Role] = &[Admin, Production, Qc, Physician];
    const EVERYONE: &[Role] = &Role::ALL;
    match subject {
        Subject::Patient
        | Subject::Case
        | Subject::Consent
        | Subject::Meeting
        | Subject::Decision
        | Subject::Administration
        | Subject::AdverseReaction
        | Subject::Report => CLINICAL,
        Subject::Batch | Subject::Room => LAB,
        Subject::Application | Subject::User => &[Admin],
        Subject::Organization | Subject::Settings | Subject::Composition | Subject::Certificate => EVERYONE,
    }
}
