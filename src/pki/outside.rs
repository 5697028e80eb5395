//! Signing with keys from outside the clinic's CA: a certificate on a member's PKCS#11 token, or the clinic's
//! external signing command (GOST R 34.10-2012 through CryptoPro), and the trust that verifying them needs.
//!
//! - A member chooses in their profile how they sign ([`Method`]); the clinic key stays the default.
//! - An outside certificate must be the member's own: it carries the СНИЛС an admin recorded for them, or its
//!   SHA-256 is the one the admin recorded ([`record_identity`]). This is checked when it is chosen and again
//!   at every signature, so nobody signs as someone else.
//! - An admin imports the CA certificates the clinic trusts besides its own root ([`import_root`]), stops
//!   trusting one ([`untrust_root`]) and revokes outside certificates ([`revoke_outside`]); a signature chaining
//!   to none of them is shown as mathematically right but not trusted, never as valid, and a certificate that
//!   chains to none of them cannot be chosen or sign.
//! - The token's PIN is given for each signature and never stored; the module path and the command are
//!   clinic settings an admin sets with the command-line tool where the database is.
use super::SigningKey;
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::org::settings;
use crate::people::{Actor, Operation};
use crate::signing::ca;
use crate::signing::external::{self, CommandSigner, OpensslGost};
use crate::signing::pades::Trust;
use crate::signing::signer::{LocalKey, Signer};
use crate::signing::token::{self, TokenCertificate, TokenKey};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use uuid::Uuid;

const MODULE_KEY: &str = "signing.pkcs11_module";
const COMMAND_KEY: &str = "signing.external_command";
const OPENSSL_KEY: &str = "signing.openssl";

/// How a member signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// The key the clinic's CA issued, sealed under the member's password (the default).
    Clinic,
    /// A key on a PKCS#11 token, found by the token's serial and the key's CKA_ID.
    Token { token_serial: String, key_id: Vec<u8>, cert_der: Vec<u8> },
    /// The clinic's external signing command, with the member's certificate.
    External { cert_der: Vec<u8> },
}

/// Which of the three ways, without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodKind {
    Clinic,
    Token,
    External,
}

impl Method {
    pub fn kind(&self) -> MethodKind {
        match self {
            Method::Clinic => MethodKind::Clinic,
            Method::Token { .. } => MethodKind::Token,
            Method::External { .. } => MethodKind::External,
        }
    }

    /// The chosen outside certificate (none for the clinic key).
    pub fn certificate(&self) -> Option<&[u8]> {
        match self {
            Method::Clinic => None,
            Method::Token { cert_der, .. } | Method::External { cert_der } => Some(cert_der),
        }
    }
}

/// Every member who signs other than with the clinic key, and how (one query for a list of signers).
pub fn outside_methods(conn: &Connection) -> Result<std::collections::HashMap<Uuid, MethodKind>> {
    let mut stmt = conn.prepare("SELECT user_id, method FROM signing_methods")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        let (user, method) = row?;
        out.insert(user, if method == "token" { MethodKind::Token } else { MethodKind::External });
    }
    Ok(out)
}

/// The clinic's signing settings: the PKCS#11 module's path and the external signing command, if set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub module: Option<String>,
    pub command: Option<String>,
}

/// The settings themselves, for the administrator (they name files and programs of the machine).
pub fn settings(conn: &Connection, actor: &Actor) -> Result<Settings> {
    actor.require(Operation::SignerIdentityRecord)?;
    Ok(Settings { module: settings::text(conn, MODULE_KEY)?, command: settings::text(conn, COMMAND_KEY)? })
}

/// Whether the clinic has set up tokens (a module) and the external tool (a command), for everyone.
pub fn configured(conn: &Connection) -> Result<(bool, bool)> {
    Ok((settings::text(conn, MODULE_KEY)?.is_some(), settings::text(conn, COMMAND_KEY)?.is_some()))
}

/// Whose outside certificates are recorded as whose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub login: String,
    pub full_name: String,
    pub snils: Option<String>,
    pub cert_sha256: Option<String>,
}

/// Whose outside certificates are whose, for the administrator (it lists every member's СНИЛС).
pub fn identities(conn: &Connection, actor: &Actor) -> Result<Vec<Identity>> {
    actor.require(Operation::SignerIdentityRecord)?;
    let mut stmt = conn.prepare(
        "SELECT u.login, u.full_name, i.snils, i.cert_sha256 FROM signer_identities i JOIN users u ON u.id = i.user_id
         ORDER BY u.login",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Identity { login: r.get(0)?, full_name: r.get(1)?, snils: r.get(2)?, cert_sha256: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The member's chosen way of signing.
pub fn method(conn: &Connection, user: Uuid) -> Result<Method> {
    /// method, token_serial, key_id, cert_der
    type Row = (String, Option<String>, Option<Vec<u8>>, Vec<u8>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT method, token_serial, key_id, cert_der FROM signing_methods WHERE user_id = ?1",
            [user],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(match row {
        None => Method::Clinic,
        Some((m, Some(token_serial), Some(key_id), cert_der)) if m == "token" => {
            Method::Token { token_serial, key_id, cert_der }
        }
        Some((_, _, _, cert_der)) => Method::External { cert_der },
    })
}

/// The member goes back to signing with the clinic key.
pub fn use_clinic_key(db: &mut Db, actor: &Actor) -> Result<()> {
    actor.require(Operation::SigningMethodChoose)?;
    db.tx(|tx| {
        tx.execute("DELETE FROM signing_methods WHERE user_id = ?1", [actor.id()])?;
        audit::record(tx, actor, "signing.method", "user", &actor.id().to_string(), &"clinic")
    })
}

/// The certificates on the tokens the clinic's PKCS#11 module sees (no PIN needed to list them), for a member
/// choosing one.
pub fn token_certificates(conn: &Connection, actor: &Actor) -> Result<Vec<TokenCertificate>> {
    actor.require(Operation::SigningMethodChoose)?;
    Ok(token::certificates(&module(conn)?)?)
}

/// The member will sign with this certificate's key on its token: it must be on a token the module sees now,
/// be the member's own, be valid today and chain to a CA the clinic trusts.
pub fn choose_token(db: &mut Db, actor: &Actor, chosen: &TokenCertificate) -> Result<()> {
    actor.require(Operation::SigningMethodChoose)?;
    let on_token = token_certificates(db.conn(), actor)?.contains(chosen);
    if !on_token {
        return Err(Error::Refused(Rule::TokenAbsent));
    }
    let now = db.clock().now().with_timezone(&Utc);
    require_own(db.conn(), actor.id(), &chosen.cert_der, now)?;
    require_trusted(db.conn(), &chosen.cert_der, now)?;
    db.tx(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO signing_methods (user_id, method, token_serial, key_id, cert_der, cert_sha256,
                 chosen_at) VALUES (?1, 'token', ?2, ?3, ?4, ?5, ?6)",
            params![
                actor.id(),
                chosen.token_serial,
                chosen.key_id,
                chosen.cert_der,
                ca::info(&chosen.cert_der)?.sha256,
                tx.now_text()
            ],
        )?;
        audit::record(tx, actor, "signing.method", "user", &actor.id().to_string(), &("token", &chosen.token_serial))
    })
}

/// [`choose_token`] for the certificate with CKA_ID `key_id` on the token `token_serial`, as the token lists it
/// now (how a client that was shown the list names its choice).
pub fn choose_token_by_id(db: &mut Db, actor: &Actor, token_serial: &str, key_id: &[u8]) -> Result<()> {
    let chosen = token_certificates(db.conn(), actor)?
        .into_iter()
        .find(|t| t.token_serial == token_serial && t.key_id == key_id)
        .ok_or(Error::Refused(Rule::TokenAbsent))?;
    choose_token(db, actor, &chosen)
}

/// The member will sign through the clinic's external command with this certificate (DER or PEM), which must
/// be their own, be valid today and chain to a CA the clinic trusts.
pub fn choose_external(db: &mut Db, actor: &Actor, cert: &[u8]) -> Result<()> {
    actor.require(Operation::SigningMethodChoose)?;
    let cert_der = certificate_bytes("certificate", cert)?;
    let now = db.clock().now().with_timezone(&Utc);
    require_own(db.conn(), actor.id(), &cert_der, now)?;
    require_trusted(db.conn(), &cert_der, now)?;
    let sha256 = ca::info(&cert_der)?.sha256;
    db.tx(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO signing_methods (user_id, method, cert_der, cert_sha256, chosen_at)
             VALUES (?1, 'external', ?2, ?3, ?4)",
            params![actor.id(), cert_der, sha256, tx.now_text()],
        )?;
        audit::record(tx, actor, "signing.method", "user", &actor.id().to_string(), &("external", &sha256))
    })
}

/// An admin records whose an outside certificate may be: the member's СНИЛС, a certificate's SHA-256, or both.
pub fn record_identity(
    db: &mut Db,
    actor: &Actor,
    login: &str,
    snils: Option<&str>,
    cert_sha256: Option<&str>,
) -> Result<()> {
    actor.require(Operation::SignerIdentityRecord)?;
    let snils =
        snils.map(str::trim).filter(|s| !s.is_empty()).map(|s| crate::validate::snils("snils", s)).transpose()?;
    let sha256 =
        cert_sha256.map(str::trim).filter(|s| !s.is_empty()).map(|s| fingerprint("cert_sha256", s)).transpose()?;
    if login.trim().is_empty() {
        return Err(Error::invalid("login", Check::Required));
    }
    if snils.is_none() && sha256.is_none() {
        return Err(Error::invalid("snils", Check::Required));
    }
    db.tx(|tx| {
        let user: Uuid = tx
            .query_row("SELECT id FROM users WHERE login = ?1", [login.trim().to_lowercase()], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { entity: "user", id: login.to_string() })?;
        let taken: bool = tx.query_row(
            "SELECT count(*) > 0 FROM signer_identities WHERE user_id <> ?1 AND (snils = ?2 OR cert_sha256 = ?3)",
            params![user, snils, sha256],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::Refused(Rule::IdentityTaken));
        }
        // Recording one of the two keeps the other as it was.
        tx.execute(
            "INSERT INTO signer_identities (user_id, snils, cert_sha256, recorded_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET snils = coalesce(excluded.snils, snils),
                 cert_sha256 = coalesce(excluded.cert_sha256, cert_sha256), recorded_at = excluded.recorded_at",
            params![user, snils, sha256, tx.now_text()],
        )?;
        audit::record(tx, actor, "signing.identity", "user", &user.to_string(), &(&snils, &sha256))
    })
}

/// An admin imports a CA certificate the clinic trusts (DER or PEM): a root whose own signature verifies, or an
/// accredited CA's certificate (issued by the head CA), trusted as it is.
pub fn import_root(db: &mut Db, actor: &Actor, cert: &[u8]) -> Result<ca::CertInfo> {
    actor.require(Operation::TrustedRootImport)?;
    let cert_der = certificate_bytes("certificate", cert)?;
    let info = ca::info(&cert_der)?;
    // A CA certificate; if it names itself as its issuer, its own signature must verify (GOST through OpenSSL).
    let now = db.clock().now().with_timezone(&Utc);
    let self_signed_ok = || -> Result<bool> {
        Ok(ca::verify_issued(&cert_der, &cert_der)?
            || openssl(db.conn())?.certificate_trusted(&cert_der, std::slice::from_ref(&cert_der), now)?)
    };
    if !ca::is_ca(&cert_der)? || (ca::is_self_issued(&cert_der)? && !self_signed_ok()?) {
        return Err(Error::Refused(Rule::NotARoot));
    }
    db.tx(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO trusted_roots (sha256, cert_der, subject, imported_by, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![info.sha256, cert_der, info.subject_cn, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "signing.root_import", "certificate", &info.sha256, &info.subject_cn)
    })?;
    Ok(info)
}

/// An admin revokes an outside certificate by its SHA-256 (a lost token, a certificate its CA withdrew): it
/// no longer signs, and signatures made with it show as revoked.
pub fn revoke_outside(db: &mut Db, actor: &Actor, cert_sha256: &str) -> Result<()> {
    actor.require(Operation::CertificateRevoke)?;
    let sha256 = fingerprint("cert_sha256", cert_sha256)?;
    db.tx(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO outside_revocations (cert_sha256, revoked_by, revoked_at) VALUES (?1, ?2, ?3)",
            params![sha256, actor.id(), tx.now_text()],
        )?;
        audit::record(tx, actor, "signing.revoke", "certificate", &sha256, &())
    })
}

/// SHA-256 of every outside certificate the clinic revoked.
pub fn revoked_outside(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT cert_sha256 FROM outside_revocations ORDER BY cert_sha256")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An admin stops trusting an imported root (by its SHA-256): signatures chaining only to it show as not
/// trusted from then on, and its certificates no longer sign.
pub fn untrust_root(db: &mut Db, actor: &Actor, root_sha256: &str) -> Result<()> {
    actor.require(Operation::TrustedRootImport)?;
    let sha256 = fingerprint("root_sha256", root_sha256)?;
    db.tx(|tx| {
        if tx.execute("DELETE FROM trusted_roots WHERE sha256 = ?1", [&sha256])? == 0 {
            return Err(Error::NotFound { entity: "certificate", id: sha256.clone() });
        }
        audit::record(tx, actor, "signing.root_remove", "certificate", &sha256, &())
    })
}

/// A SHA-256 fingerprint as 64 lowercase hex digits (colons and spaces allowed in the input).
fn fingerprint(field: &'static str, text: &str) -> Result<String> {
    let hex: String = text.chars().filter(|c| !c.is_whitespace() && *c != ':').collect::<String>().to_lowercase();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid(field, Check::OneOf { allowed: "64 hex digits".into() }));
    }
    Ok(hex)
}

/// The roots an admin imported, oldest first (DER).
pub fn imported_roots(conn: &Connection) -> Result<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare("SELECT cert_der FROM trusted_roots ORDER BY imported_at, sha256")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An admin sets the path of the tokens' PKCS#11 module (e.g. `/usr/lib/librtpkcs11ecp.so` for Rutoken). The
/// module is loaded into the program, so only the command-line tool on the machine that holds the database
/// sets it, never a workstation over the clinic server (which would run code on the server).
pub fn set_pkcs11_module(db: &mut Db, actor: &Actor, path: &str) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    let path = path.trim();
    if !Path::new(path).is_file() {
        return Err(Error::invalid("pkcs11_module", Check::FileMissing));
    }
    db.tx(|tx| {
        settings::put(tx, MODULE_KEY, path)?;
        audit::record(tx, actor, "settings.update", "settings", MODULE_KEY, &path)
    })
}

/// An admin sets the external signing command (see `signing::external` for its placeholders). It is run on
/// the machine that holds the database, so, like the module, only the command-line tool there sets it.
pub fn set_external_command(db: &mut Db, actor: &Actor, command_line: &str) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    if external::parse_command(command_line).is_err() {
        return Err(Error::invalid("external_command", Check::OneOf { allowed: "… {in} … {out} …".into() }));
    }
    db.tx(|tx| {
        settings::put(tx, COMMAND_KEY, command_line.trim())?;
        audit::record(tx, actor, "settings.update", "settings", COMMAND_KEY, &command_line.trim())
    })
}

/// What verifying a signature trusts, read from the database: the clinic root and its revocations, the
/// imported roots, and OpenSSL's gost engine for GOST signatures (`signing.openssl`, default `openssl`).
pub struct TrustStore {
    clinic_root: Vec<u8>,
    imported: Vec<Vec<u8>>,
    revoked: Vec<String>,
    revoked_outside: Vec<String>,
    gost: OpensslGost,
}

impl TrustStore {
    pub fn read(conn: &Connection) -> Result<TrustStore> {
        Ok(TrustStore {
            clinic_root: super::root_cert(conn)?,
            imported: imported_roots(conn)?,
            revoked: super::revoked_serials(conn)?,
            revoked_outside: revoked_outside(conn)?,
            gost: openssl(conn)?,
        })
    }

    pub fn trust(&self) -> Trust<'_> {
        Trust {
            clinic_root: &self.clinic_root,
            imported_roots: &self.imported,
            revoked: &self.revoked,
            revoked_sha256: &self.revoked_outside,
            gost: Some(&self.gost),
        }
    }
}

/// A signer ready to sign: the clinic key unsealed, a token logged in to, or the external command set up.
pub(crate) enum Unlocked {
    Clinic(SigningKey),
    Token { key: TokenKey, serial: String },
    External { signer: CommandSigner, serial: String },
}

impl Unlocked {
    /// The serial of the certificate that signs (hex), as the signature rows record it.
    pub fn serial(&self) -> &str {
        match self {
            Unlocked::Clinic(key) => &key.serial,
            Unlocked::Token { serial, .. } | Unlocked::External { serial, .. } => serial,
        }
    }

    /// Runs `work` with the PAdES signer and the certificates to embed after the signer's.
    pub fn sign<T>(&self, root: &[u8], work: impl FnOnce(Signer, &[Vec<u8>]) -> T) -> T {
        match self {
            Unlocked::Clinic(key) => {
                let local = LocalKey { cert_der: &key.cert_der, key: &key.key };
                work(Signer::Key(&local), &[root.to_vec()])
            }
            Unlocked::Token { key, .. } => work(Signer::Key(key), &[]),
            Unlocked::External { signer, .. } => work(Signer::Cms(signer), &[]),
        }
    }
}

/// What a member gives to sign: their account password always, and their token's PIN when they sign with a
/// token. Neither is stored.
#[derive(Clone, Copy)]
pub struct Secret<'a> {
    pub password: &'a str,
    pub pin: Option<&'a str>,
}

/// Never the secrets themselves, in a log or a panic message.
impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret").field("pin", &self.pin.map(|_| "…")).finish_non_exhaustive()
    }
}

impl<'a> Secret<'a> {
    pub fn with_pin(password: &'a str, pin: &'a str) -> Self {
        Secret { password, pin: Some(pin) }
    }
}

impl<'a> From<&'a str> for Secret<'a> {
    fn from(password: &'a str) -> Self {
        Secret { password, pin: None }
    }
}

impl<'a> From<&'a String> for Secret<'a> {
    fn from(password: &'a String) -> Self {
        Secret { password, pin: None }
    }
}

/// Gets the member's signer ready: the clinic key unsealed with the password; for a token, the password
/// checked and the token logged in to with the PIN; for the external command (which asks for its own PIN, if
/// any), the password checked.
pub(crate) fn unlock(conn: &Connection, user: Uuid, secret: Secret, now: DateTime<Utc>) -> Result<Unlocked> {
    match method(conn, user)? {
        Method::Clinic => Ok(Unlocked::Clinic(super::unlock_signing_key(conn, user, secret.password, now)?)),
        Method::Token { token_serial, key_id, cert_der } => {
            let pin = secret.pin.filter(|p| !p.is_empty()).ok_or(Error::invalid("pin", Check::Required))?;
            crate::people::verify_password(conn, user, secret.password)?;
            require_own(conn, user, &cert_der, now)?;
            require_trusted(conn, &cert_der, now)?;
            let key = TokenKey::open(&module(conn)?, &token_serial, &key_id, &cert_der, pin)?;
            Ok(Unlocked::Token { key, serial: ca::info(&cert_der)?.serial_hex })
        }
        Method::External { cert_der } => {
            crate::people::verify_password(conn, user, secret.password)?;
            require_own(conn, user, &cert_der, now)?;
            require_trusted(conn, &cert_der, now)?;
            let command = settings::text(conn, COMMAND_KEY)?.ok_or(Error::Refused(Rule::ExternalSignerNotSet))?;
            let signer = CommandSigner::new(&command, &cert_der, openssl(conn)?)?;
            Ok(Unlocked::External { signer, serial: ca::info(&cert_der)?.serial_hex })
        }
    }
}

/// Refuses a certificate that is not the member's (by the recorded СНИЛС or SHA-256) or not valid at `now`.
fn require_own(conn: &Connection, user: Uuid, cert_der: &[u8], now: DateTime<Utc>) -> Result<()> {
    let info = ca::info(cert_der)?;
    let identity: Option<(Option<String>, Option<String>)> = conn
        .query_row("SELECT snils, cert_sha256 FROM signer_identities WHERE user_id = ?1", [user], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let own = identity.is_some_and(|(snils, sha256)| {
        let by_snils = snils.zip(info.snils.as_deref()).is_some_and(|(ours, theirs)| ours == digits(theirs));
        by_snils || sha256.as_deref() == Some(info.sha256.as_str())
    });
    if !own {
        return Err(Error::Refused(Rule::CertificateNotOwn));
    }
    if revoked_outside(conn)?.contains(&info.sha256) {
        return Err(Error::Refused(Rule::NoValidCertificate));
    }
    if now < info.not_before || now > info.not_after {
        return Err(Error::Refused(Rule::CertificateNotInForce));
    }
    Ok(())
}

/// Refuses a certificate that chains to neither the clinic root nor an imported root at `now`, or whose key
/// usage does not allow signing documents: such a signature would only ever show as not trusted.
fn require_trusted(conn: &Connection, cert_der: &[u8], now: DateTime<Utc>) -> Result<()> {
    let mut roots = vec![super::root_cert(conn)?];
    roots.extend(imported_roots(conn)?);
    let by_ecdsa = roots.iter().any(|root| ca::verify_issued(cert_der, root).unwrap_or(false));
    let trusted = by_ecdsa || openssl(conn)?.certificate_trusted(cert_der, &roots, now)?;
    if !trusted || !ca::allows_signing(cert_der)? {
        return Err(Error::Refused(Rule::CertificateUntrusted));
    }
    Ok(())
}

fn openssl(conn: &Connection) -> Result<OpensslGost> {
    let program = settings::text(conn, OPENSSL_KEY)?.unwrap_or_else(|| "openssl".into());
    Ok(OpensslGost { program: PathBuf::from(program) })
}

fn module(conn: &Connection) -> Result<PathBuf> {
    settings::text(conn, MODULE_KEY)?.map(PathBuf::from).ok_or(Error::Refused(Rule::TokenModuleNotSet))
}

/// A certificate given as DER or PEM, as DER.
fn certificate_bytes(field: &'static str, bytes: &[u8]) -> Result<Vec<u8>> {
    let der = match std::str::from_utf8(bytes) {
        Ok(text) if text.trim_start().starts_with("-----BEGIN") => ca::from_pem(text).ok(),
        _ => Some(bytes.to_vec()),
    };
    match der {
        Some(der) if ca::info(&der).is_ok() => Ok(der),
        _ => Err(Error::invalid(field, Check::NotACertificate)),
    }
}
