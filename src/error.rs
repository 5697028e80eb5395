//! The core's error model. Every failure a user can meet is one of a closed set of kinds, each with a stable
//! code (for the UI to branch on), an optional field (for a form to show the message beside it) and a message
//! in the user's language from the catalogue. Validation problems name the field and the check that failed;
//! refusals name the rule of Resolution 213 / Order 180н that forbade the action. A refused or invalid
//! operation changes nothing: every multi-step change runs in one transaction.
use crate::i18n::{tr, Lang};
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A check on one input value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Required,
    TooLong {
        max: usize,
    },
    SnilsFormat,
    SnilsChecksum,
    EnpFormat,
    EnpChecksum,
    NotInFuture,
    EndBeforeStart,
    IcdFormat,
    UnknownIcd {
        code: String,
    },
    UnknownProduct,
    LoginFormat,
    PasswordTooShort {
        min: usize,
    },
    ScanType,
    ScanTooLarge {
        max_mb: usize,
    },
    Taken,
    OneOf {
        allowed: String,
    },
    NotADate,
    /// A short Latin code: 2–12 capital letters or digits.
    CodeFormat,
    /// A whole number from `min` to `max`.
    Between {
        min: u32,
        max: u32,
    },
    /// A full path to a folder (starting from the root of a disk).
    AbsolutePath,
    /// A host name (letters, digits, hyphens, dots) or an IP address.
    HostName,
    /// A file name alone, with no folder in it.
    FileName,
    /// ОГРН: 13 digits.
    OgrnFormat,
    /// ОГРН: the 13th digit is the remainder of the first twelve modulo 11 (its last digit).
    OgrnChecksum,
    /// A time of day written ЧЧ:ММ.
    NotATime,
    /// No file at the path given.
    FileMissing,
    /// Not an X.509 certificate (DER or PEM).
    NotACertificate,
}

impl Check {
    pub fn code(&self) -> &'static str {
        match self {
            Check::Required => "required",
            Check::TooLong { .. } => "too_long",
            Check::SnilsFormat => "snils_format",
            Check::SnilsChecksum => "snils_checksum",
            Check::EnpFormat => "enp_format",
            Check::EnpChecksum => "enp_checksum",
            Check::NotInFuture => "not_in_future",
            Check::EndBeforeStart => "end_before_start",
            Check::IcdFormat => "icd_format",
            Check::UnknownIcd { .. } => "unknown_icd",
            Check::UnknownProduct => "unknown_product",
            Check::LoginFormat => "login_format",
            Check::PasswordTooShort { .. } => "password_too_short",
            Check::ScanType => "scan_type",
            Check::ScanTooLarge { .. } => "scan_too_large",
            Check::Taken => "taken",
            Check::OneOf { .. } => "one_of",
            Check::NotADate => "not_a_date",
            Check::CodeFormat => "code_format",
            Check::Between { .. } => "between",
            Check::AbsolutePath => "absolute_path",
            Check::HostName => "host_name",
            Check::FileName => "file_name",
            Check::OgrnFormat => "ogrn_format",
            Check::OgrnChecksum => "ogrn_checksum",
            Check::NotATime => "not_a_time",
            Check::FileMissing => "file_missing",
            Check::NotACertificate => "not_a_certificate",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Check::TooLong { max } => vec![("max", max.to_string())],
            Check::UnknownIcd { code } => vec![("code", code.clone())],
            Check::PasswordTooShort { min } => vec![("min", min.to_string())],
            Check::ScanTooLarge { max_mb } => vec![("max", max_mb.to_string())],
            Check::OneOf { allowed } => vec![("allowed", allowed.clone())],
            Check::Between { min, max } => vec![("min", min.to_string()), ("max", max.to_string())],
            _ => vec![],
        }
    }
}

/// A rule of the domain that refused an action (DOMAIN.md, "rules the core must enforce").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    PermitNotInForce {
        status: String,
        due: String,
    },
    OutpatientSetting,
    AssessmentIncomplete {
        missing: String,
    },
    SettingNotChosen,
    CaseState {
        state: String,
    },
    NoComposition {
        date: String,
    },
    CompositionTooSmall {
        count: usize,
    },
    CompositionNeedsChair,
    CompositionNeedsDeputyChair,
    CompositionNeedsSecretary,
    CompositionRoleMismatch {
        login: String,
    },
    CompositionOverlaps,
    NotCommissionMember,
    NotPresent,
    Recused,
    AlreadyVoted,
    NoQuorum {
        present: usize,
        needed: usize,
    },
    AgainstNeedsReason,
    MeetingClosed,
    /// The protocol of a meeting is signed once the meeting is closed.
    MeetingStillOpen,
    NotOnAgenda,
    VotingUnfinished {
        missing: usize,
    },
    DecisionNotApproved,
    DecisionSuperseded,
    DecisionUsed,
    /// Another decision took the number the user confirmed; the confirmation must be read again.
    DecisionNumberChanged {
        number: String,
    },
    OutsideWindow {
        from: String,
        to: String,
    },
    SettingMismatch {
        decided: String,
    },
    NoConsent,
    ConsentWithdrawn,
    ConsentAfterDate {
        date: String,
    },
    /// A new consent after a withdrawal cannot be dated before that withdrawal.
    ConsentBeforeWithdrawal {
        date: String,
    },
    RepresentativeMustSign,
    PatientMustSign,
    RepresentativeMissing,
    OnsetBeforeAdministration,
    UserInactive,
    LastAdmin,
    /// An administrator cannot deactivate their own account.
    SelfDeactivate,
    NoValidCertificate,
    /// The signed-in admin holds no copy of the clinic CA's key (or it is not open in this session).
    NoCaKey,
    DecisionUnsigned,
    /// The physician has not confirmed, at the bedside, that the batch's card matches the patient.
    BedsideNotConfirmed,
    NotASigner,
    AlreadySigned,
    PresidingSignsLast,
    /// The token refused the PIN (it counts the failed try).
    TokenPinIncorrect,
    /// The token's PIN is locked after too many wrong tries.
    TokenPinLocked,
    /// The chosen token is not inserted.
    TokenAbsent,
    /// The chosen key is no longer on the token.
    TokenKeyMissing,
    /// The PKCS#11 module at the configured path could not be loaded.
    TokenModuleBroken,
    /// The token reported another failure.
    TokenFailed,
    /// No PKCS#11 module is configured.
    TokenModuleNotSet,
    /// No external signing command is configured.
    ExternalSignerNotSet,
    /// The external signing command failed; `detail` is its last error line, with our temporary paths removed.
    ExternalSignerFailed {
        detail: String,
    },
    /// The certificate carries neither the member's recorded СНИЛС nor the recorded fingerprint.
    CertificateNotOwn,
    /// The certificate is not valid today (not yet, or no longer).
    CertificateNotInForce,
    /// The certificate chains to no root the clinic trusts, or may not sign documents.
    CertificateUntrusted,
    /// The external tool signed with a certificate other than the member's chosen one.
    ExternalSignerWrongCertificate,
    /// The key that signed is not the one the certificate certifies.
    SigningKeyMismatch,
    /// Someone else signed the document while this signature was being made (it was made again, and again).
    DocumentChanged,
    /// That СНИЛС or fingerprint is recorded for another user already.
    IdentityTaken,
    /// A trusted certificate must be a CA's, and a self-issued one must carry its own valid signature.
    NotARoot,
    /// The user cancelled a long operation (an export); nothing was kept.
    Cancelled,
    /// A benefit–risk report covers a period that has not ended yet.
    PeriodNotOver {
        to: String,
    },
    /// Only a signed report can be sent.
    ReportUnsigned,
    /// The report was sent already.
    ReportSent,
    /// Another drug is made in the room then (or the room is being cleaned after it).
    RoomBusy {
        product: String,
        from: String,
        to: String,
        cleaning: u32,
    },
    /// Production stages happen in order (codes of `production::Stage`).
    StageOutOfOrder {
        stage: String,
        expected: String,
    },
    /// A stage cannot be dated before the one it follows.
    StageBeforePrevious {
        previous: String,
    },
    BatchDisposed,
    /// No batch carries the code typed or scanned at the bedside.
    BatchUnknown {
        code: String,
    },
    BatchOtherPatient,
    BatchOtherCase,
    BatchNotReleased,
    BatchExpired {
        on: String,
    },
    /// Release needs quality-control tests, every required one passed.
    QcNoTests,
    QcMissing {
        test: String,
    },
    QcFailed {
        test: String,
    },
    QcResultFinal,
    /// The permit cannot go from one status to another this way (codes of `org::PermitEvent`/status).
    PermitTransition {
        from: String,
        to: String,
    },
    /// An application step that cannot follow the steps recorded so far.
    ApplicationStep {
        step: String,
    },
    /// A date before the application's latest step.
    ApplicationStepBefore {
        previous: String,
    },
}

impl Rule {
    pub fn code(&self) -> &'static str {
        match self {
            Rule::PermitNotInForce { .. } => "permit_not_in_force",
            Rule::OutpatientSetting => "outpatient_setting",
            Rule::AssessmentIncomplete { .. } => "assessment_incomplete",
            Rule::SettingNotChosen => "setting_not_chosen",
            Rule::CaseState { .. } => "case_state",
            Rule::NoComposition { .. } => "no_composition",
            Rule::CompositionTooSmall { .. } => "composition_too_small",
            Rule::CompositionNeedsChair => "composition_needs_chair",
            Rule::CompositionNeedsDeputyChair => "composition_needs_deputy_chair",
            Rule::CompositionNeedsSecretary => "composition_needs_secretary",
            Rule::CompositionRoleMismatch { .. } => "composition_role_mismatch",
            Rule::CompositionOverlaps => "composition_overlaps",
            Rule::NotCommissionMember => "not_commission_member",
            Rule::NotPresent => "not_present",
            Rule::Recused => "recused",
            Rule::AlreadyVoted => "already_voted",
            Rule::NoQuorum { .. } => "no_quorum",
            Rule::AgainstNeedsReason => "against_needs_reason",
            Rule::MeetingClosed => "meeting_closed",
            Rule::MeetingStillOpen => "meeting_still_open",
            Rule::NotOnAgenda => "not_on_agenda",
            Rule::VotingUnfinished { .. } => "voting_unfinished",
            Rule::DecisionNotApproved => "decision_not_approved",
            Rule::DecisionSuperseded => "decision_superseded",
            Rule::DecisionUsed => "decision_used",
            Rule::DecisionNumberChanged { .. } => "decision_number_changed",
            Rule::OutsideWindow { .. } => "outside_window",
            Rule::SettingMismatch { .. } => "setting_mismatch",
            Rule::NoConsent => "no_consent",
            Rule::ConsentWithdrawn => "consent_withdrawn",
            Rule::ConsentAfterDate { .. } => "consent_after_date",
            Rule::ConsentBeforeWithdrawal { .. } => "consent_before_withdrawal",
            Rule::RepresentativeMustSign => "representative_must_sign",
            Rule::PatientMustSign => "patient_must_sign",
            Rule::RepresentativeMissing => "representative_missing",
            Rule::OnsetBeforeAdministration => "onset_before_administration",
            Rule::UserInactive => "user_inactive",
            Rule::LastAdmin => "last_admin",
            Rule::SelfDeactivate => "self_deactivate",
            Rule::NoValidCertificate => "no_valid_certificate",
            Rule::NoCaKey => "no_ca_key",
            Rule::DecisionUnsigned => "decision_unsigned",
            Rule::BedsideNotConfirmed => "bedside_not_confirmed",
            Rule::NotASigner => "not_a_signer",
            Rule::AlreadySigned => "already_signed",
            Rule::PresidingSignsLast => "presiding_signs_last",
            Rule::TokenPinIncorrect => "token_pin_incorrect",
            Rule::TokenPinLocked => "token_pin_locked",
            Rule::TokenAbsent => "token_absent",
            Rule::TokenKeyMissing => "token_key_missing",
            Rule::TokenModuleBroken => "token_module_broken",
            Rule::TokenFailed => "token_failed",
            Rule::TokenModuleNotSet => "token_module_not_set",
            Rule::ExternalSignerNotSet => "external_signer_not_set",
            Rule::ExternalSignerFailed { .. } => "external_signer_failed",
            Rule::CertificateNotOwn => "certificate_not_own",
            Rule::CertificateNotInForce => "certificate_not_in_force",
            Rule::CertificateUntrusted => "certificate_untrusted",
            Rule::DocumentChanged => "document_changed",
            Rule::ExternalSignerWrongCertificate => "external_signer_wrong_certificate",
            Rule::SigningKeyMismatch => "signing_key_mismatch",
            Rule::IdentityTaken => "identity_taken",
            Rule::NotARoot => "not_a_root",
            Rule::Cancelled => "cancelled",
            Rule::PeriodNotOver { .. } => "period_not_over",
            Rule::ReportUnsigned => "report_unsigned",
            Rule::ReportSent => "report_sent",
            Rule::RoomBusy { .. } => "room_busy",
            Rule::StageOutOfOrder { .. } => "stage_out_of_order",
            Rule::StageBeforePrevious { .. } => "stage_before_previous",
            Rule::BatchDisposed => "batch_disposed",
            Rule::BatchUnknown { .. } => "batch_unknown",
            Rule::BatchOtherPatient => "batch_other_patient",
            Rule::BatchOtherCase => "batch_other_case",
            Rule::BatchNotReleased => "batch_not_released",
            Rule::BatchExpired { .. } => "batch_expired",
            Rule::QcNoTests => "qc_no_tests",
            Rule::QcMissing { .. } => "qc_missing",
            Rule::QcFailed { .. } => "qc_failed",
            Rule::QcResultFinal => "qc_result_final",
            Rule::PermitTransition { .. } => "permit_transition",
            Rule::ApplicationStep { .. } => "application_step",
            Rule::ApplicationStepBefore { .. } => "application_step_before",
        }
    }

    /// The input field a refusal is about, where there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Rule::OutpatientSetting | Rule::SettingMismatch { .. } | Rule::SettingNotChosen => Some("setting"),
            Rule::RepresentativeMissing => Some("rep_full_name"),
            Rule::TokenPinIncorrect | Rule::TokenPinLocked => Some("pin"),
            Rule::RepresentativeMustSign | Rule::PatientMustSign => Some("signer_kind"),
            Rule::AgainstNeedsReason => Some("reason"),
            Rule::OutsideWindow { .. } => Some("administered_at"),
            Rule::OnsetBeforeAdministration => Some("onset_on"),
            Rule::ConsentBeforeWithdrawal { .. } => Some("signed_on"),
            Rule::BedsideNotConfirmed => Some("bedside_confirmed"),
            Rule::PeriodNotOver { .. } => Some("period"),
            Rule::RoomBusy { .. } => Some("starts_at"),
            Rule::StageBeforePrevious { .. } => Some("done_at"),
            Rule::BatchUnknown { .. }
            | Rule::BatchOtherPatient
            | Rule::BatchOtherCase
            | Rule::BatchNotReleased
            | Rule::BatchExpired { .. }
            | Rule::BatchDisposed => Some("batch"),
            Rule::ApplicationStepBefore { .. } => Some("on_date"),
            _ => None,
        }
    }

    fn args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let named = |prefix: &str, code: &str| tr(lang, &format!("{prefix}.{code}"), &[]);
        match self {
            Rule::PermitNotInForce { status, due } => vec![("status", status.clone()), ("due", due.clone())],
            Rule::AssessmentIncomplete { missing } => vec![("missing", missing.clone())],
            Rule::CaseState { state } => vec![("state", state.clone())],
            Rule::NoComposition { date } => vec![("date", date.clone())],
            Rule::CompositionTooSmall { count } => vec![("count", count.to_string())],
            Rule::CompositionRoleMismatch { login } => vec![("login", login.clone())],
            Rule::NoQuorum { present, needed } => {
                vec![("present", present.to_string()), ("needed", needed.to_string())]
            }
            Rule::VotingUnfinished { missing } => vec![("missing", missing.to_string())],
            Rule::OutsideWindow { from, to } => vec![("from", from.clone()), ("to", to.clone())],
            Rule::SettingMismatch { decided } => vec![("decided", decided.clone())],
            Rule::ConsentAfterDate { date } | Rule::ConsentBeforeWithdrawal { date } => vec![("date", date.clone())],
            Rule::PeriodNotOver { to } => vec![("to", to.clone())],
            Rule::ExternalSignerFailed { detail } => vec![("detail", detail.clone())],
            Rule::RoomBusy { product, from, to, cleaning } => vec![
                ("product", product.clone()),
                ("from", from.clone()),
                ("to", to.clone()),
                ("cleaning", cleaning.to_string()),
            ],
            Rule::StageOutOfOrder { stage, expected } => {
                vec![("stage", named("stage", stage)), ("expected", named("stage", expected))]
            }
            Rule::StageBeforePrevious { previous } => vec![("previous", previous.clone())],
            Rule::BatchUnknown { code } => vec![("code", code.clone())],
            Rule::DecisionNumberChanged { number } => vec![("number", number.clone())],
            Rule::BatchExpired { on } => vec![("on", on.clone())],
            Rule::QcMissing { test } | Rule::QcFailed { test } => vec![("test", test.clone())],
            Rule::PermitTransition { from, to } => {
                vec![("from", named("permit_status", from)), ("to", named("permit_event", to))]
            }
            Rule::ApplicationStep { step } => vec![("step", named("application_step", step))],
            Rule::ApplicationStepBefore { previous } => vec![("previous", previous.clone())],
            _ => vec![],
        }
    }
}

/// Why a sign-in failed. Deliberately vague towards the user: it never says which of login or password
/// was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    BadCredentials,
    Inactive,
    /// No one is signed in (the app was locked or signed out); the user must sign in again.
    SignedOut,
    /// `after` failed sign-ins in a row locked the account: only an admin can unlock it.
    Locked {
        after: u32,
    },
    /// Failed sign-ins in a row: the next try must wait this many seconds.
    TooSoon {
        seconds: u64,
    },
}

/// Trouble with the database file or the key file.
#[derive(Debug, thiserror::Error)]
pub enum Storage {
    #[error("database file not found: {0}")]
    Missing(PathBuf),
    #[error("file already exists: {0}")]
    AlreadyExists(PathBuf),
    #[error("wrong key or not a database: {0}")]
    WrongKeyOrNotDatabase(PathBuf),
    #[error("unencrypted SQLite file: {0}")]
    Unencrypted(PathBuf),
    #[error("database schema {found} is newer than this program's {supported}")]
    NewerSchema { found: i64, supported: i64 },
    #[error("key file {0} is unreadable or damaged")]
    KeyFileDamaged(PathBuf),
    #[error("key file not found: {0}")]
    KeyFileMissing(PathBuf),
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("crypto failure")]
    Crypto,
    #[error("document: {0}")]
    Document(String),
    #[error("backup damaged: {0}")]
    BackupDamaged(String),
    /// The database file or its disk is write-protected; nothing was changed.
    #[error("the database is read-only")]
    ReadOnly,
    /// The disk is full; the change was not saved, earlier ones are intact.
    #[error("the disk is full")]
    DiskFull,
    /// An unlock file that is missing or no longer registered in the key file.
    #[error("unlock file not registered: {0}")]
    UnlockFileUnknown(PathBuf),
    #[error("unlock file is not a regular file: {0}")]
    UnlockFileNotAFile(PathBuf),
    /// An unlock file others may read or write (it must be 0400 or 0600).
    #[error("unlock file {path} has mode {mode:o}")]
    UnlockFileMode { path: PathBuf, mode: u32 },
    /// An unlock file owned by another user than the one running the program.
    #[error("unlock file {path} is owned by uid {owner}")]
    UnlockFileOwner { path: PathBuf, owner: u32 },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input value failed a check; nothing was changed.
    #[error("invalid {field}: {}", check.code())]
    Invalid { field: &'static str, check: Check },
    /// The acting user's roles do not allow the action.
    #[error("forbidden: {action}")]
    Forbidden { action: &'static str },
    /// A domain rule refused the action.
    #[error("refused: {}", .0.code())]
    Refused(Rule),
    #[error("{entity} not found: {id}")]
    NotFound { entity: &'static str, id: String },
    #[error("authentication failed: {0:?}")]
    Auth(AuthFailure),
    #[error(transparent)]
    Storage(#[from] Storage),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly) => Error::Storage(Storage::ReadOnly),
            Some(rusqlite::ErrorCode::DiskFull) => Error::Storage(Storage::DiskFull),
            _ => Error::Storage(Storage::Sqlite(e)),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull => Error::Storage(Storage::DiskFull),
            std::io::ErrorKind::ReadOnlyFilesystem => Error::Storage(Storage::ReadOnly),
            _ => Error::Storage(Storage::Io(e)),
        }
    }
}

impl Error {
    pub fn invalid(field: &'static str, check: Check) -> Self {
        Error::Invalid { field, check }
    }

    /// A stable, closed code the UI can branch on, such as `invalid.snils_checksum` or `refused.decision_used`.
    pub fn code(&self) -> String {
        match self {
            Error::Invalid { check, .. } => format!("invalid.{}", check.code()),
            Error::Forbidden { .. } => "forbidden".into(),
            Error::Refused(rule) => format!("refused.{}", rule.code()),
            Error::NotFound { .. } => "not_found".into(),
            Error::Auth(AuthFailure::BadCredentials) => "auth.bad_credentials".into(),
            Error::Auth(AuthFailure::Inactive) => "auth.inactive".into(),
            Error::Auth(AuthFailure::SignedOut) => "auth.signed_out".into(),
            Error::Auth(AuthFailure::Locked { .. }) => "auth.locked".into(),
            Error::Auth(AuthFailure::TooSoon { .. }) => "auth.too_soon".into(),
            Error::Storage(s) => format!("storage.{}", storage_code(s)),
        }
    }

    /// The input field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::Refused(rule) => rule.field(),
            _ => None,
        }
    }

    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::Invalid { field, check } => {
                let name = tr(lang, &format!("field.{field}"), &[]);
                let what = tr(lang, &format!("check.{}", check.code()), &check.args());
                tr(lang, "error.invalid", &[("field", name), ("rule", what)])
            }
            Error::Forbidden { action } => {
                let action = tr(lang, &format!("action.{action}"), &[]);
                tr(lang, "error.forbidden", &[("action", action)])
            }
            Error::Refused(rule) => tr(lang, &format!("rule.{}", rule.code()), &rule.args(lang)),
            Error::NotFound { entity, id } => {
                let entity = tr(lang, &format!("entity.{entity}"), &[]);
                tr(lang, "error.not_found", &[("entity", entity), ("id", id.clone())])
            }
            Error::Auth(AuthFailure::BadCredentials) => tr(lang, "error.bad_credentials", &[]),
            Error::Auth(AuthFailure::Inactive) => tr(lang, "error.inactive", &[]),
            Error::Auth(AuthFailure::SignedOut) => tr(lang, "error.signed_out", &[]),
            Error::Auth(AuthFailure::Locked { after }) => tr(lang, "error.locked", &[("n", after.to_string())]),
            Error::Auth(AuthFailure::TooSoon { seconds }) => {
                tr(lang, "error.too_soon", &[("seconds", seconds.to_string())])
            }
            Error::Storage(s) => storage_message(s, lang),
        }
    }
}

fn storage_code(s: &Storage) -> &'static str {
    match s {
        Storage::Missing(_) => "missing",
        Storage::AlreadyExists(_) => "already_exists",
        Storage::WrongKeyOrNotDatabase(_) => "wrong_key_or_not_database",
        Storage::Unencrypted(_) => "unencrypted",
        Storage::NewerSchema { .. } => "newer_schema",
        Storage::KeyFileDamaged(_) => "key_file_damaged",
        Storage::KeyFileMissing(_) => "key_file_missing",
        Storage::Sqlite(_) => "sqlite",
        Storage::Migration(_) => "migration",
        Storage::Io(_) => "io",
        Storage::Crypto => "crypto",
        Storage::Document(_) => "document",
        Storage::BackupDamaged(_) => "backup_damaged",
        Storage::ReadOnly => "read_only",
        Storage::DiskFull => "disk_full",
        Storage::UnlockFileUnknown(_) => "unlock_file_unknown",
        Storage::UnlockFileNotAFile(_) => "unlock_file_not_a_file",
        Storage::UnlockFileMode { .. } => "unlock_file_mode",
        Storage::UnlockFileOwner { .. } => "unlock_file_owner",
    }
}

fn storage_message(s: &Storage, lang: Lang) -> String {
    let key = format!("storage.{}", storage_code(s));
    let args = match s {
        Storage::Missing(p)
        | Storage::AlreadyExists(p)
        | Storage::WrongKeyOrNotDatabase(p)
        | Storage::Unencrypted(p)
        | Storage::KeyFileDamaged(p)
        | Storage::KeyFileMissing(p)
        | Storage::UnlockFileUnknown(p)
        | Storage::UnlockFileNotAFile(p) => vec![("path", p.display().to_string())],
        Storage::UnlockFileMode { path, mode } => {
            vec![("path", path.display().to_string()), ("mode", format!("{mode:04o}"))]
        }
        Storage::UnlockFileOwner { path, owner } => {
            vec![("path", path.display().to_string()), ("owner", owner.to_string())]
        }
        Storage::NewerSchema { found, supported } => {
            vec![("found", found.to_string()), ("supported", supported.to_string())]
        }
        Storage::Sqlite(e) => vec![("detail", e.to_string())],
        Storage::Migration(e) => vec![("detail", e.to_string())],
        Storage::Io(e) => vec![("detail", e.to_string())],
        Storage::Document(d) | Storage::BackupDamaged(d) => vec![("detail", d.clone())],
        Storage::Crypto | Storage::ReadOnly | Storage::DiskFull => vec![],
    };
    tr(lang, &key, &args)
}
