//! Errors as the UI receives them: `{kind, code, message, field}`. `kind` is a closed set the UI branches on,
//! `code` the core's stable code (`refused.decision_used`, `invalid.snils_checksum`, …), `message` the core's
//! text in the user's language and `field` the form field to show it beside. Never a bare string.
use btlp_commission::error::Storage;
use btlp_commission::i18n::tr;
use btlp_commission::{Error, Lang};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// An input value failed a check; `field` names it.
    Invalid,
    /// The user's role does not allow the action.
    Forbidden,
    /// A rule of the domain refused the action; the message names the rule.
    Refused,
    NotFound,
    /// Wrong credentials, a deactivated account, or no one signed in.
    Auth,
    /// The database, the key file or a document could not be read or written.
    Storage,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl IpcError {
    pub fn new(e: Error, lang: Lang) -> Self {
        let kind = match &e {
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::Forbidden { .. } => ErrorKind::Forbidden,
            Error::Refused(_) => ErrorKind::Refused,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Auth(_) => ErrorKind::Auth,
            Error::Storage(_) => ErrorKind::Storage,
        };
        IpcError { kind, code: e.code(), message: e.message(lang), field: e.field().map(str::to_string) }
    }

    /// The error as the clinic server sends it to a workstation: a storage error's message is the catalogue's
    /// general one, never the file path or SQLite's words (those stay in the server's log).
    pub fn remote(e: Error, lang: Lang) -> Self {
        let plain = matches!(e, Error::Storage(Storage::ReadOnly | Storage::DiskFull | Storage::NewerSchema { .. }));
        let mut out = IpcError::new(e, lang);
        if out.kind == ErrorKind::Storage && !plain {
            out.message = tr(lang, "storage.remote", &[]);
        }
        out
    }

    /// An error of the transport itself (a request the server could not read, one too large), in the catalogue's
    /// words.
    pub fn transport(kind: ErrorKind, code: &str, message: String) -> Self {
        IpcError { kind, code: code.to_string(), message, field: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use btlp_commission::error::{Check, Rule};

    #[test]
    fn a_field_error_keeps_its_field_and_a_translated_message() {
        let e = IpcError::new(Error::invalid("snils", Check::SnilsChecksum), Lang::Ru);
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.code, "invalid.snils_checksum", "the UI branches on the core's stable code");
        assert_eq!(e.field.as_deref(), Some("snils"), "a form shows the message beside the field it names");
        assert!(e.message.contains("СНИЛС"), "the message must be the catalogue's Russian text: {}", e.message);
    }

    #[test]
    fn a_refusal_names_its_rule() {
        let e = IpcError::new(Error::Refused(Rule::DecisionUsed), Lang::En);
        assert_eq!(e.kind, ErrorKind::Refused);
        assert_eq!(e.code, "refused.decision_used");
        assert!(!e.message.contains("rule."), "no raw catalogue key may reach the user: {}", e.message);
    }
}
