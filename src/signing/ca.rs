//! The clinic's own certificate authority: a self-signed root (ECDSA P-256 with SHA-256) that issues one
//! certificate per commission member, whose subject carries the member's ФИО, position and organisation.
//! The clinic signs its decisions with these certificates; a validator trusts them by trusting the root,
//! which the clinic hands out as PEM. Certificates travel as DER bytes so the rest of the core can store them
//! as blobs without knowing X.509.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use der::asn1::{
    GeneralizedTime, Ia5String, ObjectIdentifier, OctetString, PrintableStringRef, SetOfVec, Utf8StringRef,
};
use der::{Any, Decode, Encode, Header, Reader, SliceReader, Tag, Tagged};
use p256::ecdsa::signature::{Keypair, Signer, Verifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use rand::RngCore;
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use super::{Result, SigningError};

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
/// СНИЛС and ИНН in the subject of a Russian qualified certificate (Order of the FSB No. 795).
const OID_SNILS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.100.3");
const OID_INN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.3.131.1.1");
pub(crate) const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_KP_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");

/// Who a member certificate is issued to. All three go into the subject as UTF8String, so Cyrillic is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub full_name: String,
    pub position: String,
    pub organization: String,
}

/// What a person needs to see about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Lowercase hex of the serial number, leading zero bytes stripped.
    pub serial_hex: String,
    pub subject_cn: String,
    pub issuer_cn: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// СНИЛС (OID 1.2.643.100.3), as a qualified certificate of a person carries it.
    pub snils: Option<String>,
    /// ИНН of the person (OID 1.2.643.3.131.1.1), when the certificate carries it.
    pub inn: Option<String>,
    /// SHA-256 of the DER certificate, lowercase hex: how a certificate is recorded for a member.
    pub sha256: String,
    /// SHA-1 of the DER certificate, lowercase hex: the thumbprint CryptoPro selects a certificate by.
    pub thumbprint: String,
}

/// A fresh P-256 private key from the operating system's random source.
pub fn new_key() -> p256::SecretKey {
    p256::SecretKey::random(&mut rand::rngs::OsRng)
}

/// Creates the clinic's self-signed root: CA:true (critical), keyCertSign + cRLSign (critical), a subject key
/// identifier, a random 128-bit serial and a validity of `years` from `not_before`.
pub fn new_root(organization: &str, not_before: DateTime<Utc>, years: u32) -> Result<(Vec<u8>, p256::SecretKey)> {
    let key = new_key();
    let signer = CaSigner(SigningKey::from(&key));
    let mut serial = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut serial);
    // A positive INTEGER that never needs a leading zero byte and is never zero.
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let serial = SerialNumber::new(&serial).map_err(cert_err)?;
    let subject = name(&[
        (OID_COUNTRY, Value::Printable("RU")),
        (OID_ORGANIZATION, Value::Utf8(organization)),
        (OID_CN, Value::Utf8(&format!("{organization} — корневой сертификат"))),
    ])?;
    let validity = validity(not_before, years, None)?;
    let spki = SubjectPublicKeyInfoOwned::from_key(key.public_key()).map_err(cert_err)?;
    let builder = CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signer).map_err(cert_err)?;
    let cert = builder.build::<DerSignature>().map_err(cert_err)?;
    Ok((cert.to_der()?, key))
}

/// Issues a member certificate signed by the root: digitalSignature + nonRepudiation (critical), CA:false,
/// authority and subject key identifiers. There is no extendedKeyUsage on purpose: validators differ on the
/// purposes they demand of a PDF signer (NSS behind pdfsig checks for email signing), an absent one allows
/// any, and keyUsage already limits the key to signing.
/// The validity is cut at the root's own end so that no member outlives the CA.
pub fn issue(
    root_cert_der: &[u8],
    root_key: &p256::SecretKey,
    subject: &Subject,
    subject_key: &p256::PublicKey,
    serial: u64,
    not_before: DateTime<Utc>,
    years: u32,
) -> Result<Vec<u8>> {
    let root = issuing_root(root_cert_der, root_key, serial)?;
    let signer = CaSigner(SigningKey::from(root_key));
    let subject_name = name(&[
        (OID_COUNTRY, Value::Printable("RU")),
        (OID_ORGANIZATION, Value::Utf8(&subject.organization)),
        (OID_TITLE, Value::Utf8(&subject.position)),
        (OID_CN, Value::Utf8(&subject.full_name)),
    ])?;
    let validity = validity(not_before, years, Some(&root.tbs_certificate.validity.not_after))?;
    let spki = SubjectPublicKeyInfoOwned::from_key(*subject_key).map_err(cert_err)?;
    let profile = Profile::Leaf {
        issuer: root.tbs_certificate.subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let builder = CertificateBuilder::new(profile, SerialNumber::from(serial), validity, subject_name, spki, &signer)
        .map_err(cert_err)?;
    let cert = builder.build::<DerSignature>().map_err(cert_err)?;
    Ok(cert.to_der()?)
}

/// A name the clinic server answers to: a DNS name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Dns(String),
    Ip(std::net::IpAddr),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Dns(name) => f.write_str(name),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The root certificate that issues a certificate with `serial`, after checking that the serial is positive
/// and that `root_key` is the root's own key.
fn issuing_root(root_cert_der: &[u8], root_key: &p256::SecretKey, serial: u64) -> Result<Certificate> {
    if serial == 0 {
        return Err(SigningError::Certificate("a serial number must be positive".into()));
    }
    let root = parse(root_cert_der)?;
    let root_public = root.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    if root_public != root_key.public_key().to_sec1_bytes().as_ref() {
        return Err(SigningError::Certificate("the root key does not match the root certificate".into()));
    }
    Ok(root)
}

/// Issues the clinic server's TLS certificate, signed by the root. It carries a subjectAltName with every
/// host (rustls and browsers match only that, never the common name), extendedKeyUsage serverAuth (which
/// browsers want, and which keeps it from passing as a document signer) and the leaf's keyUsage. The
/// validity is cut at the root's end.
#[allow(clippy::too_many_arguments)]
pub fn issue_server(
    root_cert_der: &[u8],
    root_key: &p256::SecretKey,
    organization: &str,
    hosts: &[Host],
    subject_key: &p256::PublicKey,
    serial: u64,
    not_before: DateTime<Utc>,
    years: u32,
) -> Result<Vec<u8>> {
    let first = hosts.first().ok_or_else(|| SigningError::Certificate("a server certificate needs a host".into()))?;
    let root = issuing_root(root_cert_der, root_key, serial)?;
    let signer = CaSigner(SigningKey::from(root_key));
    let cn = first.to_string();
    let subject_name = name(&[
        (OID_COUNTRY, Value::Printable("RU")),
        (OID_ORGANIZATION, Value::Utf8(organization)),
        (OID_CN, Value::Utf8(&cn)),
    ])?;
    let validity = validity(not_before, years, Some(&root.tbs_certificate.validity.not_after))?;
    let spki = SubjectPublicKeyInfoOwned::from_key(*subject_key).map_err(cert_err)?;
    let profile = Profile::Leaf {
        issuer: root.tbs_certificate.subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let mut builder =
        CertificateBuilder::new(profile, SerialNumber::from(serial), validity, subject_name, spki, &signer)
            .map_err(cert_err)?;
    let names = hosts
        .iter()
        .map(|h| match h {
            Host::Dns(name) => Ia5String::new(name).map(GeneralName::DnsName).map_err(cert_err),
            Host::Ip(std::net::IpAddr::V4(ip)) => {
                OctetString::new(ip.octets()).map(GeneralName::IpAddress).map_err(cert_err)
            }
            Host::Ip(std::net::IpAddr::V6(ip)) => {
                OctetString::new(ip.octets()).map(GeneralName::IpAddress).map_err(cert_err)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    builder.add_extension(&SubjectAltName(names)).map_err(cert_err)?;
    builder.add_extension(&ExtendedKeyUsage(vec![OID_KP_SERVER_AUTH])).map_err(cert_err)?;
    let cert = builder.build::<DerSignature>().map_err(cert_err)?;
    Ok(cert.to_der()?)
}

/// The hosts a certificate's subjectAltName names, and whether its extendedKeyUsage includes serverAuth.
pub fn server_names(cert_der: &[u8]) -> Result<(Vec<Host>, bool)> {
    let cert = parse(cert_der)?;
    let extensions = cert.tbs_certificate.extensions.as_deref().unwrap_or_default();
    let mut hosts = Vec::new();
    if let Some(ext) = extensions.iter().find(|e| e.extn_id == OID_SUBJECT_ALT_NAME) {
        for n in SubjectAltName::from_der(ext.extn_value.as_bytes()).map_err(cert_err)?.0 {
            match n {
                GeneralName::DnsName(d) => hosts.push(Host::Dns(d.to_string())),
                GeneralName::IpAddress(o) => match o.as_bytes().len() {
                    4 => hosts.push(Host::Ip(
                        <[u8; 4]>::try_from(o.as_bytes()).map(std::net::IpAddr::from).map_err(cert_err)?,
                    )),
                    16 => hosts.push(Host::Ip(
                        <[u8; 16]>::try_from(o.as_bytes()).map(std::net::IpAddr::from).map_err(cert_err)?,
                    )),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    Ok((hosts, serves_tls(&cert)))
}

fn serves_tls(cert: &Certificate) -> bool {
    let extensions = cert.tbs_certificate.extensions.as_deref().unwrap_or_default();
    extensions.iter().filter(|e| e.extn_id == OID_EXT_KEY_USAGE).any(|e| {
        ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).is_ok_and(|eku| eku.0.contains(&OID_KP_SERVER_AUTH))
    })
}

/// Serial, names and validity of a DER certificate.
pub fn info(cert_der: &[u8]) -> Result<CertInfo> {
    let cert = parse(cert_der)?;
    let tbs = &cert.tbs_certificate;
    Ok(CertInfo {
        serial_hex: serial_hex(&tbs.serial_number),
        subject_cn: common_name(&tbs.subject),
        issuer_cn: common_name(&tbs.issuer),
        not_before: to_chrono(&tbs.validity.not_before)?,
        not_after: to_chrono(&tbs.validity.not_after)?,
        snils: attribute(&tbs.subject, OID_SNILS),
        inn: attribute(&tbs.subject, OID_INN),
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(cert_der)),
        thumbprint: hex::encode(<sha1::Sha1 as sha2::Digest>::digest(cert_der)),
    })
}

/// Whether `cert_der` carries a valid ECDSA P-256/SHA-256 signature by the key of `issuer_der`, and names
/// that certificate's subject as its issuer. Validity dates are not looked at here.
pub fn verify_issued(cert_der: &[u8], issuer_der: &[u8]) -> Result<bool> {
    let cert = parse(cert_der)?;
    let issuer = parse(issuer_der)?;
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject || cert.signature_algorithm.oid != OID_ECDSA_SHA256
    {
        return Ok(false);
    }
    let Ok(key) = verifying_key(&issuer) else {
        return Ok(false);
    };
    let Ok(signature) = Signature::from_der(cert.signature.raw_bytes()) else {
        return Ok(false);
    };
    Ok(key.verify(tbs_bytes(cert_der)?, &signature).is_ok())
}

/// Whether the certificate's keyUsage, when present, allows signing documents (any key algorithm).
pub fn allows_signing(cert_der: &[u8]) -> Result<bool> {
    Ok(allows_document_signing(&parse(cert_der)?))
}

/// Whether the certificate is a CA's: basicConstraints with CA:TRUE.
pub fn is_ca(cert_der: &[u8]) -> Result<bool> {
    let cert = parse(cert_der)?;
    let extensions = cert.tbs_certificate.extensions.as_deref().unwrap_or_default();
    Ok(extensions.iter().any(|ext| {
        ext.extn_id == OID_BASIC_CONSTRAINTS
            && x509_cert::ext::pkix::BasicConstraints::from_der(ext.extn_value.as_bytes()).is_ok_and(|bc| bc.ca)
    }))
}

/// Whether the certificate names itself as its issuer (a root), whatever its key's algorithm.
pub fn is_self_issued(cert_der: &[u8]) -> Result<bool> {
    let cert = parse(cert_der)?;
    Ok(cert.tbs_certificate.issuer == cert.tbs_certificate.subject)
}

/// The certificate as PEM ("-----BEGIN CERTIFICATE-----"), LF line endings.
pub fn to_pem(cert_der: &[u8]) -> String {
    // Encoding fails only for an invalid label or a length overflowing usize; neither can happen here.
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert_der).unwrap_or_default()
}

/// The DER bytes of a PEM certificate; the label must be CERTIFICATE and the content a parsable certificate.
pub fn from_pem(pem: &str) -> Result<Vec<u8>> {
    let (label, der_bytes) =
        der::pem::decode_vec(pem.trim().as_bytes()).map_err(|e| SigningError::Certificate(format!("PEM: {e}")))?;
    if label != "CERTIFICATE" {
        return Err(SigningError::Certificate(format!("PEM holds {label}, not a certificate")));
    }
    parse(&der_bytes)?;
    Ok(der_bytes)
}

pub(crate) fn parse(cert_der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(cert_der).map_err(|e| SigningError::Certificate(format!("cannot parse: {e}")))
}

/// The P-256 public key of a certificate.
pub(crate) fn verifying_key(cert: &Certificate) -> Result<VerifyingKey> {
    VerifyingKey::from_sec1_bytes(cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes())
        .map_err(|_| SigningError::Certificate("the certificate key is not a P-256 key".into()))
}

/// Whether the certificate's keyUsage, when present, allows signing documents. The clinic server's TLS
/// certificate (serverAuth) never does, although it chains to the same root.
pub(crate) fn allows_document_signing(cert: &Certificate) -> bool {
    if serves_tls(cert) {
        return false;
    }
    let extensions = cert.tbs_certificate.extensions.as_deref().unwrap_or_default();
    match extensions.iter().find(|ext| ext.extn_id == OID_KEY_USAGE) {
        None => true,
        Some(ext) => KeyUsage::from_der(ext.extn_value.as_bytes()).is_ok_and(|usage| {
            usage.0.contains(KeyUsages::DigitalSignature) || usage.0.contains(KeyUsages::NonRepudiation)
        }),
    }
}

pub(crate) fn serial_hex(serial: &SerialNumber) -> String {
    let bytes = serial.as_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    hex::encode(&bytes[first..])
}

/// The first common name of a distinguished name, whatever its string type.
pub(crate) fn common_name(name: &Name) -> String {
    attribute(name, OID_CN).unwrap_or_default()
}

/// The first value of `oid` in a distinguished name, whatever its string type.
fn attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|atv| atv.oid == oid).map(|atv| directory_string(&atv.value))
}

pub(crate) fn to_chrono(time: &Time) -> Result<DateTime<Utc>> {
    let secs = i64::try_from(time.to_unix_duration().as_secs())
        .map_err(|_| SigningError::Certificate("time out of range".into()))?;
    DateTime::from_timestamp(secs, 0).ok_or_else(|| SigningError::Certificate("time out of range".into()))
}

/// The DER bytes of the to-be-signed part, taken from the encoding as it is rather than re-encoded.
fn tbs_bytes(cert_der: &[u8]) -> Result<&[u8]> {
    let mut reader = SliceReader::new(cert_der)?;
    Header::decode(&mut reader)?;
    Ok(reader.tlv_bytes()?)
}

fn directory_string(value: &Any) -> String {
    match value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = value.value().chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(value.value()).into_owned(),
    }
}

enum Value<'a> {
    Utf8(&'a str),
    Printable(&'a str),
}

fn name(parts: &[(ObjectIdentifier, Value<'_>)]) -> Result<Name> {
    let mut rdns = Vec::with_capacity(parts.len());
    for (oid, value) in parts {
        let value = match value {
            Value::Utf8(s) => Any::encode_from(&Utf8StringRef::new(s)?)?,
            Value::Printable(s) => Any::encode_from(&PrintableStringRef::new(s)?)?,
        };
        let set = SetOfVec::try_from(vec![AttributeTypeAndValue { oid: *oid, value }])?;
        rdns.push(RelativeDistinguishedName(set));
    }
    Ok(RdnSequence(rdns))
}

fn validity(not_before: DateTime<Utc>, years: u32, cap: Option<&Time>) -> Result<Validity> {
    let months = years.checked_mul(12).map(Months::new);
    let not_after = months
        .and_then(|m| not_before.checked_add_months(m))
        .ok_or_else(|| SigningError::Certificate("validity period out of range".into()))?;
    let mut not_after = to_time(not_after)?;
    if let Some(cap) = cap {
        if cap.to_unix_duration() < not_after.to_unix_duration() {
            not_after = *cap;
        }
    }
    Ok(Validity { not_before: to_time(not_before)?, not_after })
}

fn to_time(time: DateTime<Utc>) -> Result<Time> {
    let secs = u64::try_from(time.timestamp())
        .map_err(|_| SigningError::Certificate("dates before 1970 are not supported".into()))?;
    let date = der::DateTime::from_unix_duration(Duration::from_secs(secs))?;
    Ok(GeneralizedTime::from_date_time(date).into())
}

/// Wraps the root's signing key for the certificate builder, naming the algorithm itself: the generic
/// implementation on `SigningKey` needs `sha2`'s `oid` feature, which the core's `sha2` line does not turn on.
struct CaSigner(SigningKey);

impl Keypair for CaSigner {
    type VerifyingKey = VerifyingKey;

    fn verifying_key(&self) -> VerifyingKey {
        *self.0.verifying_key()
    }
}

impl DynSignatureAlgorithmIdentifier for CaSigner {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned { oid: OID_ECDSA_SHA256, parameters: None })
    }
}

impl Signer<DerSignature> for CaSigner {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<DerSignature, p256::ecdsa::Error> {
        self.0.try_sign(msg)
    }
}

fn cert_err(err: impl std::fmt::Display) -> SigningError {
    SigningError::Certificate(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).single().expect("a valid date")
    }

    fn chair() -> Subject {
        Subject {
            full_name: "Иванова Мария Петровна".into(),
            position: "Председатель врачебной комиссии".into(),
            organization: "ГБУЗ «Городская клиническая больница № 1»".into(),
        }
    }

    #[test]
    fn root_and_issued_certificate() {
        let (root, root_key) = new_root("ГБУЗ «ГКБ № 1»", start(), 10).expect("the root is created");
        let root_info = info(&root).expect("the root parses");
        assert_eq!(root_info.subject_cn, root_info.issuer_cn, "a root certificate is self-issued");
        assert!(
            root_info.subject_cn.contains("корневой"),
            "the root's CN says it is the root: {}",
            root_info.subject_cn
        );
        assert!(verify_issued(&root, &root).expect("parses"), "the root is self-signed with its own key");

        let member_key = new_key();
        let cert = issue(&root, &root_key, &chair(), &member_key.public_key(), 0x1234, start(), 3).expect("issued");
        let cert_info = info(&cert).expect("the member certificate parses");
        assert_eq!(cert_info.subject_cn, "Иванова Мария Петровна", "the CN keeps the Cyrillic full name intact");
        assert_eq!(cert_info.issuer_cn, root_info.subject_cn, "the issuer is the clinic root");
        assert_eq!(cert_info.serial_hex, "1234", "the serial is the one given, as lowercase hex");
        assert_eq!(cert_info.not_before, start(), "validity starts at the given moment");
        assert_eq!(
            cert_info.not_after,
            Utc.with_ymd_and_hms(2029, 1, 15, 9, 0, 0).single().expect("a valid date"),
            "validity lasts the given number of years"
        );
        assert!(verify_issued(&cert, &root).expect("parses"), "the member certificate verifies against the root");

        let (other_root, _) = new_root("Другая клиника", start(), 10).expect("another root");
        assert!(
            !verify_issued(&cert, &other_root).expect("parses"),
            "the member certificate must not verify against a different root"
        );
        let parsed = parse(&cert).expect("parses");
        assert!(allows_document_signing(&parsed), "a member certificate is meant for signing documents");
        assert!(!allows_document_signing(&parse(&root).expect("parses")), "the root signs certificates only");
    }

    #[test]
    fn issuing_needs_the_matching_root_key_and_is_capped_by_the_root() {
        let (root, _) = new_root("Клиника", start(), 2).expect("the root is created");
        let wrong = new_key();
        assert!(
            matches!(
                issue(&root, &wrong, &chair(), &new_key().public_key(), 1, start(), 1),
                Err(SigningError::Certificate(_))
            ),
            "a key that is not the root's must not issue certificates in its name"
        );
        let (root, root_key) = new_root("Клиника", start(), 2).expect("the root is created");
        let cert = issue(&root, &root_key, &chair(), &new_key().public_key(), 7, start(), 5).expect("issued");
        assert_eq!(
            info(&cert).expect("parses").not_after,
            info(&root).expect("parses").not_after,
            "a member certificate must not outlive the root that issued it"
        );
    }

    #[test]
    fn a_server_certificate_cannot_pass_as_a_document_signer() {
        let (root, root_key) = new_root("Клиника", start(), 20).expect("root");
        let key = new_key();
        let hosts = [Host::Dns("btlp.clinic.local".into())];
        let cert = issue_server(&root, &root_key, "Клиника", &hosts, &key.public_key(), 7, start(), 3).expect("issued");
        assert!(verify_issued(&cert, &root).expect("verifies"), "it chains to the clinic root");
        assert!(
            !allows_document_signing(&parse(&cert).expect("parses")),
            "the server's key must never sign a decision, though it chains to the same root"
        );
        assert!(
            issue_server(&root, &root_key, "Клиника", &[], &key.public_key(), 8, start(), 3).is_err(),
            "no host, no certificate"
        );
    }

    #[test]
    fn pem_round_trip() {
        let (root, _) = new_root("Клиника", start(), 1).expect("the root is created");
        let pem = to_pem(&root);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "PEM has the certificate label: {pem}");
        assert_eq!(from_pem(&pem).expect("our own PEM parses"), root, "PEM decodes to the same DER");
        assert!(from_pem("not pem").is_err(), "text that is not PEM is refused");
    }
}
