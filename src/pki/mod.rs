//! The clinic's own certificate authority and each signer's key and certificate, kept in the database.
//!
//! At set-up the clinic gets a root certificate whose private key is sealed under the first admin's
//! password (and, later, each further admin's). Every commission member and physician gets an ECDSA P-256
//! key and a certificate issued by the root, with their ФИО, position and organization in the subject; the
//! private key is sealed under a key derived from their own password (argon2id), so only they can sign.
//! An admin can revoke a certificate; revoked or expired certificates cannot sign.
pub mod outside;

use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{AuthFailure, Error, Result, Rule, Storage};
use crate::people::{Actor, Operation, Role};
use crate::signing::{ca, sealed, SigningError, TokenFailure};
use chrono::{DateTime, Utc};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;
use zeroize::Zeroizing;

const ROOT_YEARS: u32 = 20;
const USER_YEARS: u32 = 3;

/// Roles whose holders sign documents and therefore get a certificate.
pub const SIGNING_ROLES: [Role; 5] = [Role::Chair, Role::DeputyChair, Role::Secretary, Role::Member, Role::Physician];

impl From<SigningError> for Error {
    fn from(e: SigningError) -> Self {
        match e {
            SigningError::BadPassword => Error::Auth(AuthFailure::BadCredentials),
            SigningError::Token(failure) => Error::Refused(match failure {
                TokenFailure::PinIncorrect => Rule::TokenPinIncorrect,
                TokenFailure::PinLocked => Rule::TokenPinLocked,
                TokenFailure::Absent => Rule::TokenAbsent,
                TokenFailure::KeyMissing => Rule::TokenKeyMissing,
                TokenFailure::Module => Rule::TokenModuleBroken,
                TokenFailure::Other(_) => Rule::TokenFailed,
            }),
            SigningError::External(detail) => Error::Refused(Rule::ExternalSignerFailed { detail }),
            SigningError::WrongCertificate => Error::Refused(Rule::ExternalSignerWrongCertificate),
            SigningError::KeyMismatch => Error::Refused(Rule::SigningKeyMismatch),
            other => Error::Storage(Storage::Document(other.to_string())),
        }
    }
}

/// The unlocked root key of the clinic's CA; held only while an admin works.
pub struct RootKey(p256::SecretKey);

fn aad_root(user: Uuid) -> String {
    format!("btlp-ca-root:{user}")
}

fn aad_user(serial: &str) -> String {
    format!("btlp-signing-key:{serial}")
}

fn key_bytes(key: &p256::SecretKey) -> Result<Zeroizing<Vec<u8>>> {
    let der = key.to_pkcs8_der().map_err(|e| Storage::Document(e.to_string()))?;
    Ok(Zeroizing::new(der.as_bytes().to_vec()))
}

fn key_from(bytes: &[u8]) -> Result<p256::SecretKey> {
    p256::SecretKey::from_pkcs8_der(bytes).map_err(|e| Storage::Document(e.to_string()).into())
}

/// Creates the root certificate at set-up and seals its key for the first admin.
pub fn create_root(tx: &Tx, organization: &str, admin: Uuid, password: &str) -> Result<RootKey> {
    let now = tx.now().with_timezone(&Utc);
    let (cert, key) = ca::new_root(organization, now, ROOT_YEARS)?;
    tx.execute("INSERT INTO ca_root (id, cert_der, created_at) VALUES (1, ?1, ?2)", params![cert, tx.now_text()])?;
    let root = RootKey(key);
    share_root(tx, &root, admin, password)?;
    audit::append(tx, "system", "ca.create", "ca_root", "1", &crate::digest::sha256_hex(&cert))?;
    Ok(root)
}

/// Seals the root key for an admin under their password.
pub(crate) fn share_root(tx: &Tx, root: &RootKey, admin: Uuid, password: &str) -> Result<()> {
    let sealed = sealed::seal(&key_bytes(&root.0)?, password, &aad_root(admin))?;
    tx.execute("INSERT OR REPLACE INTO ca_key_copies (user_id, sealed_key) VALUES (?1, ?2)", params![admin, sealed])?;
    Ok(())
}

/// Opens the root key with an admin's password; `None` when this admin holds no copy.
pub(crate) fn unlock_root(conn: &Connection, admin: &Actor, password: &str) -> Result<Option<RootKey>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT sealed_key FROM ca_key_copies WHERE user_id = ?1", [admin.id()], |r| r.get(0))
        .optional()?;
    match sealed {
        Some(s) => Ok(Some(RootKey(key_from(&sealed::open(&s, password, &aad_root(admin.id()))?)?))),
        None => Ok(None),
    }
}

/// The root certificate (DER), for verifiers.
pub fn root_cert(conn: &Connection) -> Result<Vec<u8>> {
    conn.query_row("SELECT cert_der FROM ca_root WHERE id = 1", [], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { entity: "certificate", id: "root".into() })
}

/// The clinic server's TLS certificate and its private key, both PEM.
pub struct ServerTls {
    pub cert_pem: String,
    pub key_pem: Zeroizing<String>,
    pub serial: String,
}

/// The hosts a server certificate is for, from `HOST[,IP…]`: DNS names (letters, digits, hyphens, dots) or IP
/// addresses; at least one.
pub fn parse_hosts(list: &str) -> Result<Vec<ca::Host>> {
    let bad = || Error::invalid("san", crate::error::Check::HostName);
    let mut hosts = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if let Ok(ip) = item.parse::<std::net::IpAddr>() {
            hosts.push(ca::Host::Ip(ip));
            continue;
        }
        let name = item.to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if name.len() > 253 || !name.split('.').all(label_ok) {
            return Err(bad());
        }
        hosts.push(ca::Host::Dns(name));
    }
    if hosts.is_empty() {
        return Err(Error::invalid("san", crate::error::Check::Required));
    }
    Ok(hosts)
}

/// Issues the clinic server's TLS certificate for `hosts` (`HOST[,IP…]`), signed by the clinic root (admins).
/// It is never entered among the signers' certificates and cannot sign documents; its issue is audited.
pub fn issue_server_tls(db: &mut Db, actor: &Actor, root: Option<&RootKey>, hosts: &str) -> Result<ServerTls> {
    actor.require(Operation::TlsIssue)?;
    let hosts = parse_hosts(hosts)?;
    let root = root.ok_or(Error::Refused(Rule::NoCaKey))?;
    db.tx(|tx| {
        let organization = crate::org::get(tx)?.name;
        let root_cert = root_cert(tx)?;
        let key = ca::new_key();
        let serial = new_serial();
        let now = tx.now().with_timezone(&Utc);
        let cert =
            ca::issue_server(&root_cert, &root.0, &organization, &hosts, &key.public_key(), serial, now, USER_YEARS)?;
        let serial = ca::info(&cert)?.serial_hex.to_lowercase();
        let der = key.to_pkcs8_der().map_err(|e| Storage::Document(e.to_string()))?;
        let key_pem = der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, der.as_bytes())
            .map_err(|e| Storage::Document(e.to_string()))?;
        let names: Vec<String> = hosts.iter().map(ToString::to_string).collect();
        audit::record(tx, actor, "tls.issue", "certificate", &serial, &names)?;
        Ok(ServerTls { cert_pem: ca::to_pem(&cert), key_pem: Zeroizing::new(key_pem), serial })
    })
}

/// A random positive 63-bit certificate serial.
fn new_serial() -> u64 {
    loop {
        let n = rand::rngs::OsRng.next_u64() >> 1;
        if n > 0 {
            return n;
        }
    }
}

/// Issues a signing key and certificate for a user, sealing the key under their password.
pub fn issue(tx: &Tx, root: &RootKey, user: Uuid, password: &str) -> Result<String> {
    let (full_name, position): (String, String) =
        tx.query_row("SELECT full_name, position FROM users WHERE id = ?1", [user], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let organization = crate::org::get(tx)?.name;
    let root_cert = root_cert(tx)?;
    let key = ca::new_key();
    let serial = new_serial();
    let now = tx.now().with_timezone(&Utc);
    let subject = ca::Subject { full_name, position, organization };
    let cert = ca::issue(&root_cert, &root.0, &subject, &key.public_key(), serial, now, USER_YEARS)?;
    let mut info = ca::info(&cert)?;
    info.serial_hex = info.serial_hex.to_lowercase();
    let sealed = sealed::seal(&key_bytes(&key)?, password, &aad_user(&info.serial_hex))?;
    tx.execute(
        "INSERT INTO certificates (serial, user_id, cert_der, sealed_key, not_before, not_after, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            info.serial_hex,
            user,
            cert,
            sealed,
            info.not_before.to_rfc3339(),
            info.not_after.to_rfc3339(),
            tx.now_text()
        ],
    )?;
    audit::append(tx, "system", "certificate.issue", "certificate", &info.serial_hex, &user)?;
    Ok(info.serial_hex)
}

/// Re-seals a user's current key under a new password (the user changing their own password).
pub(crate) fn reseal(tx: &Tx, user: Uuid, old_password: &str, new_password: &str) -> Result<()> {
    let rows: Vec<(String, Vec<u8>)> = {
        let mut stmt =
            tx.prepare("SELECT serial, sealed_key FROM certificates WHERE user_id = ?1 AND revoked_at IS NULL")?;
        let rows = stmt.query_map([user], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (serial, s) in rows {
        let key = sealed::open(&s, old_password, &aad_user(&serial))?;
        let again = sealed::seal(&key, new_password, &aad_user(&serial))?;
        tx.execute("UPDATE certificates SET sealed_key = ?1 WHERE serial = ?2", params![again, serial])?;
    }
    Ok(())
}

/// Revokes a user's current certificates and issues a new key under `password` (an admin's password reset:
/// the old key cannot be opened without the old password).
pub(crate) fn reissue(tx: &Tx, root: &RootKey, user: Uuid, password: &str) -> Result<()> {
    let had = tx.execute(
        "UPDATE certificates SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![tx.now_text(), user],
    )?;
    if had > 0 {
        issue(tx, root, user, password)?;
    }
    Ok(())
}

/// Whether the user holds a copy of the CA key (is an admin with it).
pub(crate) fn holds_root(conn: &Connection, user: Uuid) -> Result<bool> {
    Ok(conn.query_row("SELECT count(*) > 0 FROM ca_key_copies WHERE user_id = ?1", [user], |r| r.get(0))?)
}

/// A signer's usable key: the newest certificate that is neither revoked nor expired at `now`.
pub(crate) struct SigningKey {
    pub serial: String,
    pub cert_der: Vec<u8>,
    /// With its public key, derived once when the key is unlocked.
    pub key: p256::ecdsa::SigningKey,
}

pub(crate) fn unlock_signing_key(
    conn: &Connection,
    user: Uuid,
    password: &str,
    now: DateTime<Utc>,
) -> Result<SigningKey> {
    let row: Option<(String, Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT serial, cert_der, sealed_key FROM certificates
             WHERE user_id = ?1 AND revoked_at IS NULL AND not_before <= ?2 AND not_after >= ?2
             ORDER BY created_at DESC LIMIT 1",
            params![user, now.to_rfc3339()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (serial, cert_der, s) = row.ok_or(Error::Refused(Rule::NoValidCertificate))?;
    let key = key_from(&sealed::open(&s, password, &aad_user(&serial))?)?;
    Ok(SigningKey { serial, cert_der, key: p256::ecdsa::SigningKey::from(key) })
}

/// Revokes a certificate; it can no longer sign and verifiers report signatures made with it. Admins only.
pub fn revoke(db: &mut Db, actor: &Actor, serial: &str) -> Result<()> {
    actor.require(Operation::CertificateRevoke)?;
    db.tx(|tx| {
        let n = tx.execute(
            "UPDATE certificates SET revoked_at = ?1, revoked_by = ?2 WHERE serial = ?3 AND revoked_at IS NULL",
            params![tx.now_text(), actor.id(), serial.trim().to_lowercase()],
        )?;
        if n == 0 {
            return Err(Error::NotFound { entity: "certificate", id: serial.to_string() });
        }
        audit::record(tx, actor, "certificate.revoke", "certificate", serial, &())
    })
}

/// Serial numbers (hex) of every revoked certificate: the clinic's own revocation list.
pub fn revoked_serials(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT serial FROM certificates WHERE revoked_at IS NOT NULL")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub serial: String,
    pub login: String,
    pub full_name: String,
    pub not_before: String,
    pub not_after: String,
    pub revoked_at: Option<String>,
}

pub fn list(conn: &Connection) -> Result<Vec<Certificate>> {
    let mut stmt = conn.prepare(
        "SELECT c.serial, u.login, u.full_name, c.not_before, c.not_after, c.revoked_at
         FROM certificates c JOIN users u ON u.id = c.user_id ORDER BY u.login, c.created_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Certificate {
            serial: r.get(0)?,
            login: r.get(1)?,
            full_name: r.get(2)?,
            not_before: r.get(3)?,
            not_after: r.get(4)?,
            revoked_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
