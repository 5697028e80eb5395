//! How each member signs (the clinic key, a PKCS#11 token, the external GOST tool) and what the clinic trusts
//! besides its own root: the views and commands the profile and the certificates screen use. Every rule is
//! the core's (`pki::outside`); these only carry.
use crate::files::Upload;
use btlp_commission::error::{Error, Rule};
use btlp_commission::pki::outside::{self, Method, MethodKind};
use btlp_commission::signing::ca;
use btlp_commission::signing::pades::Algorithm;
use btlp_commission::validate::{show_date, show_snils};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SigningMethodView {
    Clinic,
    Token,
    External,
}

impl From<MethodKind> for SigningMethodView {
    fn from(k: MethodKind) -> Self {
        match k {
            MethodKind::Clinic => SigningMethodView::Clinic,
            MethodKind::Token => SigningMethodView::Token,
            MethodKind::External => SigningMethodView::External,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignatureAlgorithmView {
    EcdsaP256,
    Gost2012_256,
    Gost2012_512,
    Unknown,
}

impl From<Algorithm> for SignatureAlgorithmView {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::EcdsaP256Sha256 => SignatureAlgorithmView::EcdsaP256,
            Algorithm::Gost2012_256 => SignatureAlgorithmView::Gost2012_256,
            Algorithm::Gost2012_512 => SignatureAlgorithmView::Gost2012_512,
            Algorithm::Unknown => SignatureAlgorithmView::Unknown,
        }
    }
}

/// A certificate as a person reads it: holder, СНИЛС and ИНН where it carries them, issuer, validity.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CertView {
    pub subject: String,
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub serial: String,
    pub sha256: String,
}

impl From<ca::CertInfo> for CertView {
    fn from(i: ca::CertInfo) -> Self {
        CertView {
            subject: i.subject_cn,
            snils: i.snils.as_deref().map(show_snils),
            inn: i.inn,
            issuer: i.issuer_cn,
            not_before: show_date(i.not_before.date_naive()),
            not_after: show_date(i.not_after.date_naive()),
            serial: i.serial_hex,
            sha256: i.sha256,
        }
    }
}

fn cert_view(der: &[u8]) -> Result<CertView> {
    Ok(ca::info(der)?.into())
}

/// The signed-in user's way of signing, and whether the clinic has set up the other two.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SigningView {
    pub method: SigningMethodView,
    pub certificate: Option<CertView>,
    pub token_serial: Option<String>,
    pub module_set: bool,
    pub command_set: bool,
}

pub fn signing_get(s: &mut Session, _: Lang) -> Result<SigningView> {
    let conn = s.db.conn();
    let method = outside::method(conn, s.actor.id())?;
    let (module_set, command_set) = outside::configured(conn)?;
    Ok(SigningView {
        method: method.kind().into(),
        certificate: method.certificate().map(cert_view).transpose()?,
        token_serial: match &method {
            Method::Token { token_serial, .. } => Some(token_serial.clone()),
            _ => None,
        },
        module_set,
        command_set,
    })
}

/// A certificate on a connected token.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TokenCertRow {
    pub token_label: String,
    pub token_serial: String,
    /// The key's CKA_ID, hex.
    pub key_id: String,
    pub certificate: CertView,
}

pub fn signing_tokens(s: &mut Session, _: Lang) -> Result<Vec<TokenCertRow>> {
    outside::token_certificates(s.db.conn(), &s.actor)?
        .into_iter()
        .map(|t| {
            Ok(TokenCertRow {
                certificate: cert_view(&t.cert_der)?,
                token_label: t.token_label,
                token_serial: t.token_serial,
                key_id: hex::encode(&t.key_id),
            })
        })
        .collect()
}

/// The user signs from now on with the certificate `key_id` on token `token_serial`, as listed.
pub fn signing_use_token(s: &mut Session, _: Lang, token_serial: String, key_id: String) -> Result<()> {
    // An id that is not hex names no key on any token, as before.
    let key_id = hex::decode(key_id.trim()).map_err(|_| Error::Refused(Rule::TokenAbsent))?;
    outside::choose_token_by_id(&mut s.db, &s.actor, &token_serial, &key_id)
}

pub fn signing_use_external(s: &mut Session, _: Lang, file: Upload) -> Result<()> {
    outside::choose_external(&mut s.db, &s.actor, &file.bytes)
}

pub fn signing_use_clinic(s: &mut Session, _: Lang) -> Result<()> {
    outside::use_clinic_key(&mut s.db, &s.actor)
}

/// The clinic's signing settings (set with the command-line tool on the machine that holds the database), the
/// roots it trusts besides its own, and whose outside certificates are whose; for the administrator.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SigningSettingsView {
    pub module: String,
    pub command: String,
    pub roots: Vec<CertView>,
    pub identities: Vec<IdentityRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IdentityRow {
    pub login: String,
    pub full_name: String,
    pub snils: Option<String>,
    pub cert_sha256: Option<String>,
}

pub fn signing_settings(s: &mut Session, _: Lang) -> Result<SigningSettingsView> {
    let conn = s.db.conn();
    let settings = outside::settings(conn, &s.actor)?;
    Ok(SigningSettingsView {
        module: settings.module.unwrap_or_default(),
        command: settings.command.unwrap_or_default(),
        roots: outside::imported_roots(conn)?.iter().map(|der| cert_view(der)).collect::<Result<_>>()?,
        identities: outside::identities(conn, &s.actor)?
            .into_iter()
            .map(|i| IdentityRow {
                login: i.login,
                full_name: i.full_name,
                snils: i.snils.as_deref().map(show_snils),
                cert_sha256: i.cert_sha256,
            })
            .collect(),
    })
}

pub fn signing_trust_root(s: &mut Session, _: Lang, file: Upload) -> Result<()> {
    outside::import_root(&mut s.db, &s.actor, &file.bytes).map(drop)
}

pub fn signing_record_identity(
    s: &mut Session,
    _: Lang,
    login: String,
    snils: String,
    cert_sha256: String,
) -> Result<()> {
    outside::record_identity(&mut s.db, &s.actor, &login, Some(&snils), Some(&cert_sha256))
}
