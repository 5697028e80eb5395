//! The CMS part of a PAdES signature: a detached CAdES SignedData over the SHA-256 digest of the signed byte
//! ranges. Signed attributes are exactly content-type, message-digest and signingCertificateV2, as PAdES
//! baseline B-B asks (the claimed signing time lives in the PDF's /M, so there is no signing-time attribute).
//! Built from `cms` types by hand rather than with its `builder` feature, which would pull in the `rsa` crate.
//! A CMS made by an external GOST tool is read here too: Streebog digests are computed in Rust, and the
//! signature value is left to the external verifier.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Header, Reader, Sequence, SliceReader};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::Signature;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use super::Algorithm;
use crate::signing::signer::KeySigner;
use crate::signing::{ca, Result, SigningError};

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
// GOST R 34.11-2012 (Streebog) and GOST R 34.10-2012, 256 and 512 bits (RFC 9215 / TC 26).
const OID_STREEBOG_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.2.2");
const OID_STREEBOG_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.2.3");
const OID_GOST_KEY_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.1.1");
const OID_GOST_KEY_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.1.2");
const OID_GOST_SIGN_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.3.2");
const OID_GOST_SIGN_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.3.3");

/// ESS `SigningCertificateV2` (RFC 5035): binds the signature to the signer's certificate by its hash.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// ESS `ESSCertIDv2`; the hash algorithm is omitted when it is the default, SHA-256.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// What the CMS says about itself once checked against the signed byte ranges.
pub(super) struct CmsCheck {
    /// The signer's certificate as embedded, when one matches the SignerInfo.
    pub signer: Option<Certificate>,
    /// The digest and attributes match the signed bytes and, for ECDSA, the signature verifies with the
    /// signer's key. A GOST signature's value is not checked here (no maintained Rust crate verifies GOST R
    /// 34.10-2012): the reader asks the external verifier, and `intact` only says the attributes match.
    pub intact: bool,
    pub algorithm: Algorithm,
}

/// The digest algorithms a signature may use: SHA-256 with ECDSA, Streebog with GOST R 34.10-2012.
#[derive(Clone, Copy)]
enum DigestAlgorithm {
    Sha256,
    Streebog256,
    Streebog512,
}

impl DigestAlgorithm {
    fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        match oid {
            OID_SHA256 => Some(Self::Sha256),
            OID_STREEBOG_256 => Some(Self::Streebog256),
            OID_STREEBOG_512 => Some(Self::Streebog512),
            _ => None,
        }
    }

    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: streebog::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            parts.iter().for_each(|part| hasher.update(part));
            hasher.finalize().to_vec()
        }
        match self {
            Self::Sha256 => {
                let mut hasher = Sha256::new();
                parts.iter().for_each(|part| hasher.update(part));
                hasher.finalize().to_vec()
            }
            Self::Streebog256 => run::<streebog::Streebog256>(parts),
            Self::Streebog512 => run::<streebog::Streebog512>(parts),
        }
    }
}

fn digest_algorithm(signer_info: &SignerInfo) -> Option<DigestAlgorithm> {
    DigestAlgorithm::from_oid(signer_info.digest_alg.oid)
}

/// A DER ContentInfo holding the detached SignedData for `digest`, signed by `signer`; `chain` certificates
/// are embedded after the signer's. The signature is checked with the certificate's key before it is used, so
/// a token whose key is not the certificate's is refused here rather than leaving a broken signature.
pub(super) fn sign(digest: &[u8; 32], signer: &dyn KeySigner, chain: &[Vec<u8>]) -> Result<Vec<u8>> {
    let cert_der = signer.certificate();
    let cert = ca::parse(cert_der)?;
    let signed_attrs = signed_attributes(digest, &cert, cert_der)?;
    let message = signed_attrs.to_der()?;
    let signature = signer.sign(&message)?;
    let checks = Signature::from_der(&signature)
        .is_ok_and(|sig| ca::verifying_key(&cert).is_ok_and(|key| key.verify(&message, &sig).is_ok()));
    if !checks {
        return Err(SigningError::KeyMismatch);
    }

    let sha256 = AlgorithmIdentifierOwned { oid: OID_SHA256, parameters: None };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned { oid: ca::OID_ECDSA_SHA256, parameters: None },
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let mut certificates = vec![CertificateChoices::Certificate(cert)];
    for extra in chain {
        certificates.push(CertificateChoices::Certificate(ca::parse(extra)?));
    }
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256])?,
        encap_content_info: EncapsulatedContentInfo { econtent_type: OID_DATA, econtent: None },
        certificates: Some(CertificateSet(SetOfVec::try_from(certificates)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info])?),
    };
    let content_info = ContentInfo { content_type: OID_SIGNED_DATA, content: Any::encode_from(&signed_data)? };
    Ok(content_info.to_der()?)
}

/// Checks a CMS an external tool returned for `parts` before it is embedded: one signer, detached, with
/// `expected_cert` embedded as the signer's certificate, a digest algorithm we can compute, and content-type
/// and message-digest attributes over exactly these bytes. The signature value is checked next, by the tool's
/// own verifier (`CmsSigner::verify`), and again, like any other, whenever the document is verified.
pub(super) fn check_external(cms_der: &[u8], parts: &[&[u8]], expected_cert: &[u8]) -> Result<()> {
    let refuse = |why: &str| Err(SigningError::External(format!("its CMS: {why}")));
    let Some((signed_data, signer_info)) = parse(cms_der) else {
        return refuse("not one detached SignedData with one signer");
    };
    let Some(signer) = find_signer(&signed_data, &signer_info) else {
        return refuse("the signer's certificate is not embedded");
    };
    if signer.to_der()? != expected_cert {
        return Err(SigningError::WrongCertificate);
    }
    let Some(algorithm) = digest_algorithm(&signer_info) else {
        return refuse("an unknown digest algorithm");
    };
    let digest = algorithm.digest(parts);
    if !check(&signed_data, &signer_info, &signer, &digest) {
        return refuse("its message digest is not over the signed byte ranges");
    }
    Ok(())
}

fn signed_attributes(digest: &[u8; 32], cert: &Certificate, cert_der: &[u8]) -> Result<SignedAttributes> {
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(cert.tbs_certificate.issuer.clone())],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    let attribute = |oid: ObjectIdentifier, value: Any| -> Result<Attribute> {
        Ok(Attribute { oid, values: SetOfVec::try_from(vec![value])? })
    };
    Ok(SetOfVec::try_from(vec![
        attribute(OID_CONTENT_TYPE, Any::encode_from(&OID_DATA)?)?,
        attribute(OID_MESSAGE_DIGEST, Any::encode_from(&OctetString::new(digest.to_vec())?)?)?,
        attribute(OID_SIGNING_CERTIFICATE_V2, Any::encode_from(&ess)?)?,
    ])?)
}

/// Checks a CMS blob (trailing zero padding allowed) against the signed byte ranges `parts`.
/// Anything unexpected makes the signature not intact rather than an error: one broken signature must not
/// hide the others.
pub(super) fn verify(cms_der: &[u8], parts: &[&[u8]]) -> CmsCheck {
    let broken = CmsCheck { signer: None, intact: false, algorithm: Algorithm::Unknown };
    let Some((signed_data, signer_info)) = parse(cms_der) else {
        return broken;
    };
    let signer = find_signer(&signed_data, &signer_info);
    let signature_oid = signer_info.signature_algorithm.oid;
    let (algorithm, digest) = match digest_algorithm(&signer_info) {
        Some(DigestAlgorithm::Sha256) if [ca::OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY].contains(&signature_oid) => {
            (Algorithm::EcdsaP256Sha256, DigestAlgorithm::Sha256)
        }
        Some(d @ DigestAlgorithm::Streebog256) if [OID_GOST_SIGN_256, OID_GOST_KEY_256].contains(&signature_oid) => {
            (Algorithm::Gost2012_256, d)
        }
        Some(d @ DigestAlgorithm::Streebog512) if [OID_GOST_SIGN_512, OID_GOST_KEY_512].contains(&signature_oid) => {
            (Algorithm::Gost2012_512, d)
        }
        _ => return CmsCheck { signer, ..broken },
    };
    let digest = digest.digest(parts);
    let attributes_ok = signer.as_ref().is_some_and(|cert| check(&signed_data, &signer_info, cert, &digest));
    let intact = attributes_ok
        && match algorithm {
            Algorithm::EcdsaP256Sha256 => signer.as_ref().is_some_and(|cert| {
                raw_signed_attributes(cms_der).is_some_and(|signed| signature_ok(&signer_info, cert, &signed))
            }),
            _ => true,
        };
    CmsCheck { signer, intact, algorithm }
}

/// The CMS without the zero padding that fills the rest of /Contents: its outer TLV exactly.
pub(super) fn trimmed(cms_der: &[u8]) -> Option<&[u8]> {
    SliceReader::new(cms_der).ok()?.tlv_bytes().ok()
}

fn parse(cms_der: &[u8]) -> Option<(SignedData, SignerInfo)> {
    let mut reader = SliceReader::new(cms_der).ok()?;
    let content_info = ContentInfo::decode(&mut reader).ok()?;
    if content_info.content_type != OID_SIGNED_DATA {
        return None;
    }
    let signed_data: SignedData = content_info.content.decode_as().ok()?;
    // PAdES allows exactly one signer per signature dictionary.
    let mut signers = signed_data.signer_infos.0.iter();
    let signer_info = signers.next()?.clone();
    if signers.next().is_some() {
        return None;
    }
    Some((signed_data, signer_info))
}

/// The one embedded certificate the SignerInfo names. Two with its serial (whatever their issuers) make the
/// signer ambiguous — a verifier that picks the other one would check the signature with a certificate we do
/// not show — so that is no signer at all.
fn find_signer(signed_data: &SignedData, signer_info: &SignerInfo) -> Option<Certificate> {
    let SignerIdentifier::IssuerAndSerialNumber(id) = &signer_info.sid else {
        return None;
    };
    let mut matching = signed_data.certificates.as_ref()?.0.iter().filter_map(|choice| match choice {
        CertificateChoices::Certificate(cert) if cert.tbs_certificate.serial_number == id.serial_number => Some(cert),
        _ => None,
    });
    let first = matching.next()?.clone();
    if matching.next().is_some() || first.tbs_certificate.issuer != id.issuer {
        return None;
    }
    Some(first)
}

fn check(signed_data: &SignedData, signer_info: &SignerInfo, cert: &Certificate, digest: &[u8]) -> bool {
    // Detached: the signed content is the PDF's byte ranges, never content carried inside the CMS.
    if signed_data.encap_content_info.econtent.is_some() || signed_data.encap_content_info.econtent_type != OID_DATA {
        return false;
    }
    let Some(attrs) = &signer_info.signed_attrs else {
        return false;
    };
    let single = |oid: ObjectIdentifier| -> Option<&Any> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        let attr = found.next()?;
        if found.next().is_some() || attr.values.len() != 1 {
            return None;
        }
        attr.values.get(0)
    };
    let content_type_ok =
        single(OID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok()) == Some(OID_DATA);
    let digest_ok = single(OID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .is_some_and(|d| d.as_bytes() == digest);
    let Ok(cert_der) = cert.to_der() else {
        return false;
    };
    // When the certificate binding is there it must name this certificate.
    let ess_ok = match attrs.iter().find(|a| a.oid == OID_SIGNING_CERTIFICATE_V2) {
        None => true,
        Some(attr) => attr.values.get(0).and_then(|v| v.decode_as::<SigningCertificateV2>().ok()).is_some_and(|ess| {
            ess.certs.first().is_some_and(|id| {
                let algorithm = id
                    .hash_algorithm
                    .as_ref()
                    .map_or(Some(DigestAlgorithm::Sha256), |alg| DigestAlgorithm::from_oid(alg.oid));
                algorithm.is_some_and(|alg| id.cert_hash.as_bytes() == alg.digest(&[&cert_der]).as_slice())
            })
        }),
    };
    content_type_ok && digest_ok && ess_ok
}

fn signature_ok(signer_info: &SignerInfo, cert: &Certificate, signed: &[u8]) -> bool {
    let (Ok(key), Ok(signature)) = (ca::verifying_key(cert), Signature::from_der(signer_info.signature.as_bytes()))
    else {
        return false;
    };
    key.verify(signed, &signature).is_ok()
}

/// The signed attributes exactly as encoded, re-tagged as a SET: the signature covers those bytes, and
/// decoding then re-encoding would sort them, breaking signatures from tools that did not.
fn raw_signed_attributes(cms_der: &[u8]) -> Option<Vec<u8>> {
    let mut reader = SliceReader::new(cms_der).ok()?;
    fn enter(reader: &mut SliceReader<'_>) -> Option<Header> {
        Header::decode(reader).ok()
    }
    fn skip<'a>(reader: &mut SliceReader<'a>) -> Option<&'a [u8]> {
        reader.tlv_bytes().ok()
    }
    enter(&mut reader)?; // ContentInfo
    skip(&mut reader)?; // contentType
    enter(&mut reader)?; // [0] EXPLICIT content
    enter(&mut reader)?; // SignedData
    for _ in 0..3 {
        skip(&mut reader)?; // version, digestAlgorithms, encapContentInfo
    }
    while matches!(reader.peek_byte(), Some(0xA0 | 0xA1)) {
        skip(&mut reader)?; // [0] certificates, [1] crls
    }
    enter(&mut reader)?; // signerInfos SET
    enter(&mut reader)?; // the SignerInfo
    for _ in 0..3 {
        skip(&mut reader)?; // version, sid, digestAlgorithm
    }
    if reader.peek_byte()? != 0xA0 {
        return None;
    }
    let mut signed = skip(&mut reader)?.to_vec();
    signed[0] = 0x31;
    Some(signed)
}
