//! Verifying: every signature field of the final document is checked on its own. Its /ByteRange and
//! /Contents are read from the raw bytes (the hex string must fill exactly the gap the ranges leave), the
//! digest recomputed, the CMS checked, the signer's certificate checked against the clinic root and the
//! imported roots at the signing time (a GOST signature's value and chain through the external verifier), and the file's revisions examined: a signature must cover its whole revision, and every
//! later revision may only add signatures.

use chrono::{DateTime, FixedOffset, Utc};
use lopdf::{Dictionary, Document, Object};
use x509_cert::Certificate;

use super::{cades, changes, text, Algorithm, SignatureCheck, Trust};
use crate::signing::{ca, Result, SigningError};

/// A signature field found in the document, with the parts of its signature dictionary we read.
pub(super) struct Field {
    pub name: String,
    pub byte_range: Option<[usize; 4]>,
    pub contents: Option<Vec<u8>>,
    pub time: Option<DateTime<FixedOffset>>,
}

pub(super) fn verify(pdf: &[u8], trust: &Trust) -> Result<Vec<SignatureCheck>> {
    super::ensure_pdf(pdf)?;
    let clinic_root = ca::parse(trust.clinic_root)?;
    // An imported root that no longer parses trusts nothing; it must not hide the other signatures.
    let imported: Vec<Certificate> = trust.imported_roots.iter().filter_map(|der| ca::parse(der).ok()).collect();
    let doc = Document::load_mem(pdf)?;
    let mut fields = signature_fields(&doc);
    if fields.is_empty() {
        return Err(SigningError::NoSignatures);
    }
    fields.sort_by_key(|f| f.byte_range.map_or(usize::MAX, |r| r[2] + r[3]));
    let history = changes::History::new(pdf);
    let revoked: Vec<String> = trust.revoked.iter().map(|s| normalize_serial(s)).collect();
    let roots = Roots { clinic: &clinic_root, imported: &imported, revoked: &revoked, trust };
    Ok(fields.iter().map(|field| check(pdf, field, &roots, &history)).collect())
}

/// The trust of one verification, parsed once.
struct Roots<'a> {
    clinic: &'a Certificate,
    imported: &'a [Certificate],
    revoked: &'a [String],
    trust: &'a Trust<'a>,
}

fn check(pdf: &[u8], field: &Field, roots: &Roots, history: &changes::History) -> SignatureCheck {
    let mut result = SignatureCheck {
        field_name: field.name.clone(),
        signer_cn: String::new(),
        signer_serial_hex: String::new(),
        algorithm: Algorithm::Unknown,
        certificate: None,
        unverifiable: false,
        signing_time: field.time,
        intact: false,
        chain_ok: false,
        by_clinic: false,
        revoked: false,
        covers_revision: false,
        later_changes_only_signatures: false,
    };
    let Some(range) = field.byte_range.filter(|r| r[0] == 0 && r[1] < r[2] && r[2] + r[3] <= pdf.len()) else {
        return result;
    };
    let signed_end = range[2] + range[3];
    result.covers_revision = history.is_revision_end(signed_end);
    result.later_changes_only_signatures = history.only_signatures_after(signed_end);

    let Some(cms) = contents_in_gap(pdf, range[1], range[2]).filter(|raw| Some(raw) == field.contents.as_ref()) else {
        return result;
    };
    let parts: [&[u8]; 2] = [&pdf[..range[1]], &pdf[range[2]..signed_end]];
    let cms_check = cades::verify(&cms, &parts);
    result.intact = cms_check.intact;
    result.algorithm = cms_check.algorithm;
    let Some(signer) = cms_check.signer else {
        return result;
    };
    result.signer_cn = ca::common_name(&signer.tbs_certificate.subject);
    result.signer_serial_hex = ca::serial_hex(&signer.tbs_certificate.serial_number);
    let signer_der = der::Encode::to_der(&signer).ok();
    result.certificate = signer_der.as_deref().and_then(|der| ca::info(der).ok());
    let clinic_issued = signer.tbs_certificate.issuer == roots.clinic.tbs_certificate.subject;
    let outside_revoked = result.certificate.as_ref().is_some_and(|c| roots.trust.revoked_sha256.contains(&c.sha256));
    result.revoked = (clinic_issued && roots.revoked.contains(&result.signer_serial_hex)) || outside_revoked;
    let at = field.time.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    if cms_check.algorithm.is_gost() {
        let external = match (roots.trust.gost, cades::trimmed(&cms), signer_der) {
            (Some(gost), Some(cms), Some(signer_der)) if result.intact => {
                let mut all = vec![roots.trust.clinic_root.to_vec()];
                all.extend(roots.trust.imported_roots.iter().cloned());
                gost.verify(cms, &parts.concat(), &signer_der, &all, at).ok()
            }
            _ => None,
        };
        result.unverifiable = result.intact && external.is_none();
        result.intact = external.is_some_and(|c| c.intact);
        // OpenSSL is told any purpose; the key usage is checked here, as for the clinic's own certificates.
        result.chain_ok = external.is_some_and(|c| c.intact && c.chain_ok) && ca::allows_document_signing(&signer);
    } else {
        result.chain_ok = std::iter::once(roots.clinic).chain(roots.imported).any(|root| chain_ok(&signer, root, at));
        result.by_clinic = clinic_issued && chain_ok(&signer, roots.clinic, at);
    }
    result
}

/// Issued by the root (signature and names), allowed to sign documents, and both certificates valid at `at`.
fn chain_ok(signer: &Certificate, root: &Certificate, at: DateTime<Utc>) -> bool {
    let valid_at = |cert: &Certificate| {
        let validity = &cert.tbs_certificate.validity;
        match (ca::to_chrono(&validity.not_before), ca::to_chrono(&validity.not_after)) {
            (Ok(from), Ok(to)) => from <= at && at <= to,
            _ => false,
        }
    };
    let (Ok(signer_der), Ok(root_der)) = (der::Encode::to_der(signer), der::Encode::to_der(root)) else {
        return false;
    };
    ca::verify_issued(&signer_der, &root_der).unwrap_or(false)
        && ca::allows_document_signing(signer)
        && valid_at(signer)
        && valid_at(root)
}

/// The bytes of the hex string that exactly fills the unsigned gap, or nothing if the gap holds anything else.
fn contents_in_gap(pdf: &[u8], from: usize, to: usize) -> Option<Vec<u8>> {
    let gap = pdf.get(from..to)?;
    let hex_digits = gap.strip_prefix(b"<")?.strip_suffix(b">")?;
    if hex_digits.len() % 2 != 0 {
        return None;
    }
    hex::decode(hex_digits).ok()
}

/// All signature fields reachable from /AcroForm /Fields, following /Kids.
pub(super) fn signature_fields(doc: &Document) -> Vec<Field> {
    walk(doc).1
}

/// The full names of all form fields, signed or not, of any type.
pub(super) fn field_names(doc: &Document) -> Vec<String> {
    walk(doc).0
}

fn walk(doc: &Document) -> (Vec<String>, Vec<Field>) {
    let mut found = (Vec::new(), Vec::new());
    let form = doc.catalog().and_then(|c| c.get(b"AcroForm")).ok().and_then(|f| resolve_dict(doc, f));
    if let Some(fields) = form.and_then(|f| f.get(b"Fields").ok()).and_then(|f| resolve_array(doc, f)) {
        collect(doc, fields, "", false, 0, &mut found);
    }
    found
}

type Found = (Vec<String>, Vec<Field>);

fn collect(doc: &Document, items: &[Object], prefix: &str, sig_parent: bool, depth: usize, out: &mut Found) {
    // Kids chains deeper than this are malformed or cyclic.
    if depth > 32 {
        return;
    }
    for item in items {
        let Some(field) = resolve_dict(doc, item) else { continue };
        let own = field.get(b"T").and_then(Object::as_str).map(text::decode).ok();
        let name = match (prefix.is_empty(), own) {
            (_, None) => prefix.to_string(),
            (true, Some(own)) => own,
            (false, Some(own)) => format!("{prefix}.{own}"),
        };
        out.0.push(name.clone());
        let is_sig = field.get(b"FT").and_then(Object::as_name).map_or(sig_parent, |ft| ft == b"Sig");
        if let Some(kids) = field.get(b"Kids").ok().and_then(|k| resolve_array(doc, k)) {
            collect(doc, kids, &name, is_sig, depth + 1, out);
        }
        let Some(sig) = field.get(b"V").ok().and_then(|v| resolve_dict(doc, v)) else { continue };
        if !is_sig || sig.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t != b"Sig") {
            continue;
        }
        out.1.push(Field {
            name,
            byte_range: byte_range(sig),
            contents: sig.get(b"Contents").and_then(Object::as_str).ok().map(<[u8]>::to_vec),
            time: sig.get(b"M").and_then(Object::as_str).ok().and_then(|m| text::parse_date(&text::decode(m))),
        });
    }
}

fn byte_range(sig: &Dictionary) -> Option<[usize; 4]> {
    let items = sig.get(b"ByteRange").and_then(Object::as_array).ok()?;
    let numbers: Vec<usize> =
        items.iter().map(|o| o.as_i64().ok().and_then(|n| usize::try_from(n).ok())).collect::<Option<_>>()?;
    numbers.try_into().ok()
}

fn resolve_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match doc.dereference(object).ok()?.1 {
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

fn resolve_array<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a [Object]> {
    doc.dereference(object).ok()?.1.as_array().ok().map(Vec::as_slice)
}

/// Serial numbers compare as lowercase hex without leading zeros, with or without colons.
fn normalize_serial(serial: &str) -> String {
    let digits: String = serial.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_lowercase()).collect();
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else if trimmed.len() % 2 == 1 {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    }
}
