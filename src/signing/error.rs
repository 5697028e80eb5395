//! Errors of the signing layer. One enum for sealing, the clinic CA and PAdES, so a caller maps a single type;
//! the variants separate what a user can fix (a wrong password, a file that is not a PDF) from what is broken.

/// What can go wrong while sealing keys, issuing certificates, or signing and verifying PDFs.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// The password does not open the sealed secret (or the sealed bytes or their context were altered).
    #[error("wrong password")]
    BadPassword,
    /// The input does not start like a PDF file.
    #[error("not a PDF file")]
    NotAPdf,
    /// The PDF holds no signature to verify.
    #[error("the PDF holds no signatures")]
    NoSignatures,
    /// A signature field with this name already exists in the PDF.
    #[error("a signature field named {0:?} already exists")]
    DuplicateField(String),
    /// A field name must be non-empty and free of periods (which separate levels of PDF field names).
    #[error("invalid signature field name {0:?}")]
    InvalidFieldName(String),
    /// The signature did not fit into the space reserved for it in the PDF.
    #[error("the signature needs {needed} bytes but only {reserved} are reserved")]
    SignatureTooLarge { needed: usize, reserved: usize },
    /// The input is structurally broken (PDF syntax, sealed-secret layout, CMS encoding).
    #[error("malformed input: {0}")]
    Malformed(String),
    /// A certificate is unusable: it does not parse, does not match its key, or lacks what is needed.
    #[error("certificate: {0}")]
    Certificate(String),
    /// A cryptographic primitive failed (key derivation, encryption, signing).
    #[error("cryptography: {0}")]
    Crypto(String),
    /// The key signed, but not as the certificate's public key verifies (a token's key that is not the one
    /// its certificate certifies).
    #[error("the signing key does not match the signer's certificate")]
    KeyMismatch,
    /// The external signer signed with a certificate other than the one chosen for it.
    #[error("the signature was made with another certificate")]
    WrongCertificate,
    /// A PKCS#11 token refused or could not be reached.
    #[error("token: {0:?}")]
    Token(TokenFailure),
    /// The external signer or verifier command failed (it could not start, or ended with an error).
    #[error("external tool: {0}")]
    External(String),
}

/// Why a PKCS#11 token did not sign, in terms a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFailure {
    /// The PIN is wrong (the token counts the failed try).
    PinIncorrect,
    /// The PIN is locked after too many wrong tries, or expired.
    PinLocked,
    /// No token with the chosen serial is inserted.
    Absent,
    /// The chosen key is not on the token.
    KeyMissing,
    /// The PKCS#11 module could not be loaded from the configured path.
    Module,
    /// Anything else the module reported.
    Other(String),
}

/// The result type of the signing layer.
pub type Result<T> = std::result::Result<T, SigningError>;

impl From<der::Error> for SigningError {
    fn from(err: der::Error) -> Self {
        SigningError::Malformed(format!("DER: {err}"))
    }
}

impl From<lopdf::Error> for SigningError {
    fn from(err: lopdf::Error) -> Self {
        SigningError::Malformed(format!("PDF: {err}"))
    }
}
