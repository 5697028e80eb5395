//! PAdES baseline B-B signatures on PDF decisions (`/SubFilter /ETSI.CAdES.detached`), each one appended as an
//! incremental update so that every earlier signature keeps verifying, and their verification against the
//! clinic root. Every member of the commission signs the same decision in turn: `sign` is called once per
//! member on the output of the previous call, and `verify` reports each signature in signing order.
//!
//! Limits, on purpose: the signature is invisible (a zero-size widget on page 1) unless the caller gives an
//! `Appearance`: a box on a page showing the caller's stamp (a one-page PDF, e.g. the signer's name typeset
//! with the document's embedded font), copied into the update; the signing time is the
//! one the signer claims in /M (B-B has no time-stamp token, so there is no B-T/LTV); revocation is the list
//! the caller gives, not CRL/OCSP; a later update passes as "only signatures" when it adds signature fields
//! and dictionaries, appends them to /Fields and /Annots, or touches the catalog's /Extensions, /Version or
//! /Metadata (as pyHanko does) — anything else, e.g. a change to /Info, counts as a change.
//!
//! Layout: `writer` appends a signature, `reader` finds and checks them, `cades` holds the CMS part,
//! `changes` judges what later updates changed, `text` encodes PDF strings and dates.

mod cades;
mod changes;
mod reader;
mod text;
mod writer;

#[cfg(test)]
mod tests;

use chrono::{DateTime, FixedOffset, Utc};

pub use super::signer::Signer;
use super::{ca, Result, SigningError};

/// Raw bytes reserved for the CMS in /Contents (written as twice as many hex digits). A P-256 signature with
/// the signer's and the root's certificates takes about 1.6 KB, so this leaves room for longer chains.
pub const CONTENTS_RESERVED: usize = 8192;

/// One signature to add.
pub struct SignRequest<'a> {
    /// What makes the signature: a key (the clinic's, a token's) or an external CMS tool.
    pub signer: Signer<'a>,
    /// Certificates to embed after the signer's, normally the clinic root (a key signer only: an external
    /// tool embeds what it embeds).
    pub chain: &'a [Vec<u8>],
    /// The signature field's name, unique in the document, e.g. "Подпись 1".
    pub field_name: &'a str,
    pub signer_name: &'a str,
    pub reason: &'a str,
    pub location: &'a str,
    /// The claimed signing time, written to /M.
    pub time: DateTime<FixedOffset>,
    /// Where to show the signature on the page; `None` for an invisible signature on page 1.
    pub appearance: Option<Appearance>,
}

/// A visible signature: a box on a page (PDF points, bottom-left origin) showing the stamp's first page,
/// scaled to the box. The stamp's fonts must be embedded for the signed file to stay archival (PDF/A).
#[derive(Debug, Clone, PartialEq)]
pub struct Appearance {
    /// Zero-based page index.
    pub page: usize,
    /// x1, y1, x2, y2.
    pub rect: [f32; 4],
    /// A one-page PDF, normally of the box's size.
    pub stamp: Vec<u8>,
}

/// The signature algorithm of a signature, as its CMS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA P-256 with SHA-256: the clinic key, or a token's.
    EcdsaP256Sha256,
    /// GOST R 34.10-2012 with Streebog-256 (a qualified certificate through CryptoPro or OpenSSL's engine).
    Gost2012_256,
    /// GOST R 34.10-2012 with Streebog-512.
    Gost2012_512,
    /// Anything else, or a CMS that does not parse.
    Unknown,
}

impl Algorithm {
    /// Its key in the catalogues (`signature_algorithm.*`).
    pub fn code(self) -> &'static str {
        match self {
            Algorithm::EcdsaP256Sha256 => "ecdsa_p256",
            Algorithm::Gost2012_256 => "gost2012_256",
            Algorithm::Gost2012_512 => "gost2012_512",
            Algorithm::Unknown => "unknown",
        }
    }

    pub fn is_gost(self) -> bool {
        matches!(self, Algorithm::Gost2012_256 | Algorithm::Gost2012_512)
    }
}

/// What a signature is trusted against: the clinic root, the roots an admin imported (accredited CAs), the
/// clinic's revocation list, and the verifier of GOST signatures (none: GOST signatures cannot be checked).
#[derive(Clone, Copy)]
pub struct Trust<'a> {
    pub clinic_root: &'a [u8],
    pub imported_roots: &'a [Vec<u8>],
    /// Serials revoked by the clinic; they apply to certificates the clinic root issued.
    pub revoked: &'a [String],
    /// SHA-256 (hex) of outside certificates the clinic revoked.
    pub revoked_sha256: &'a [String],
    pub gost: Option<&'a dyn ExternalVerifier>,
}

/// Checks a CMS signature whose value this program cannot check itself (GOST R 34.10-2012).
pub trait ExternalVerifier {
    /// Whether `cms` verifies over `content` (the signed byte ranges) with exactly the certificate `signer`
    /// (DER, the one shown to the user), and whether that certificate then chains to one of `roots` (DER),
    /// valid at `at`. An error means the tool could not be run.
    fn verify(
        &self,
        cms: &[u8],
        content: &[u8],
        signer: &[u8],
        roots: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<ExternalCheck>;
}

/// What an external verifier found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalCheck {
    pub intact: bool,
    pub chain_ok: bool,
}

/// What verification found about one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    pub field_name: String,
    pub signer_cn: String,
    pub signer_serial_hex: String,
    pub algorithm: Algorithm,
    /// The signer's certificate: names, СНИЛС/ИНН when it carries them, issuer, validity.
    pub certificate: Option<ca::CertInfo>,
    /// The signature's value could not be checked here (a GOST signature with no working verifier).
    pub unverifiable: bool,
    /// From /M.
    pub signing_time: Option<DateTime<FixedOffset>>,
    /// The digest over /ByteRange matches and the CMS signature verifies with the signer certificate's key.
    pub intact: bool,
    /// The signer certificate was issued by the clinic root or an imported root, both valid at the signing time.
    pub chain_ok: bool,
    /// The signer certificate was issued by the clinic's own root (not an outside CA).
    pub by_clinic: bool,
    /// The signer's certificate is revoked: its serial is in the clinic's list (a clinic certificate), or its
    /// SHA-256 in the list of revoked outside certificates.
    pub revoked: bool,
    /// /ByteRange covers the file from its start to the end of this signature's revision.
    pub covers_revision: bool,
    /// Every later incremental update only adds signature fields and dictionaries.
    pub later_changes_only_signatures: bool,
}

impl SignatureCheck {
    pub fn valid(&self) -> bool {
        self.intact && self.chain_ok && !self.revoked && self.covers_revision && self.later_changes_only_signatures
    }

    /// «Подпись математически верна, сертификат не доверенный»: everything holds except that the certificate
    /// chains to no root the clinic trusts. Never shown as valid.
    pub fn untrusted(&self) -> bool {
        self.intact && !self.chain_ok && !self.revoked && self.covers_revision && self.later_changes_only_signatures
    }
}

/// Returns `pdf` with one more signature appended as an incremental update; the original bytes are kept as
/// they are. The signature's widget (showing the request's appearance, or invisible on page 1 without one) is
/// added to /AcroForm /Fields with /SigFlags 3.
pub fn sign(pdf: &[u8], req: &SignRequest) -> Result<Vec<u8>> {
    writer::sign(pdf, req)
}

/// Checks every signature of `pdf` against `root_cert_der`, in signing order. A file without signatures is
/// [`SigningError::NoSignatures`]; a broken signature is reported in its check, not as an error.
pub fn verify(pdf: &[u8], root_cert_der: &[u8], revoked_serials_hex: &[String]) -> Result<Vec<SignatureCheck>> {
    let trust = Trust {
        clinic_root: root_cert_der,
        imported_roots: &[],
        revoked: revoked_serials_hex,
        revoked_sha256: &[],
        gost: None,
    };
    reader::verify(pdf, &trust)
}

/// Checks every signature of `pdf` against everything `trust` holds, in signing order.
pub fn verify_trusting(pdf: &[u8], trust: &Trust) -> Result<Vec<SignatureCheck>> {
    reader::verify(pdf, trust)
}

/// A PDF text string (UTF-16BE with its mark when not plain ASCII), for other writers of PDF metadata.
pub fn text_string(text: &str) -> lopdf::Object {
    text::encode(text)
}

/// A PDF date, `D:YYYYMMDDHHmmSS+HH'mm'`.
pub fn pdf_date(time: &DateTime<FixedOffset>) -> String {
    text::format_date(time)
}

/// The PDF header must appear in the first kilobyte, as readers allow.
fn ensure_pdf(pdf: &[u8]) -> Result<()> {
    let head = &pdf[..pdf.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        Ok(())
    } else {
        Err(SigningError::NotAPdf)
    }
}
