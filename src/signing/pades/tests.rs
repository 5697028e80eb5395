//! Tests of PAdES signing and verification: three signers in a row on a one-page decision, tampering, a foreign
//! root, revocation, later updates that change content, and the external validators (pdfsig with a throwaway
//! NSS database, qpdf) on the three-signature file.

use std::process::Command;
use std::time::Instant;

use chrono::{Duration, FixedOffset, Utc};
use lopdf::{dictionary, Document, IncrementalDocument, Object, Stream};

use super::*;
use crate::signing::ca::{self, Subject};
use crate::signing::signer::LocalKey;

const PAGE_TEXT: &str = "Decision 42: approved";

/// A one-page PDF with a line of uncompressed text.
fn sample_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content = format!("BT /F1 18 Tf 72 720 Td ({PAGE_TEXT}) Tj ET");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the sample PDF is written");
    out
}

/// The same page written by hand with a classic cross-reference table, as many producers still write.
fn classic_pdf() -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 720 Td ({PAGE_TEXT}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let trailer = format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(trailer.as_bytes());
    out
}

struct Member {
    name: &'static str,
    cert: Vec<u8>,
    key: p256::ecdsa::SigningKey,
}

struct Clinic {
    root: Vec<u8>,
    members: Vec<Member>,
}

fn clinic() -> Clinic {
    let start = Utc::now() - Duration::days(1);
    let (root, root_key) = ca::new_root("ГБУЗ «ГКБ № 1»", start, 10).expect("the root is created");
    let names = ["Иванова Мария Петровна", "Петров Сергей Иванович", "Сидорова Анна Викторовна"];
    let members = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let key = ca::new_key();
            let subject = Subject {
                full_name: (*name).into(),
                position: "Член врачебной комиссии".into(),
                organization: "ГБУЗ «ГКБ № 1»".into(),
            };
            let cert = ca::issue(&root, &root_key, &subject, &key.public_key(), 100 + i as u64, start, 3)
                .expect("the member certificate is issued");
            Member { name, cert, key: p256::ecdsa::SigningKey::from(key) }
        })
        .collect();
    Clinic { root, members }
}

fn sign_as(pdf: &[u8], clinic: &Clinic, index: usize) -> Vec<u8> {
    let member = &clinic.members[index];
    let moscow = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
    let time = Utc::now().with_timezone(&moscow) - Duration::minutes(10 - index as i64);
    let field = format!("Подпись {}", index + 1);
    let req = SignRequest {
        signer: Signer::Key(&LocalKey { cert_der: &member.cert, key: &member.key }),
        chain: std::slice::from_ref(&clinic.root),
        field_name: &field,
        signer_name: member.name,
        reason: "Решение врачебной комиссии",
        location: "Москва",
        time,
        appearance: None,
    };
    sign(pdf, &req).expect("signing works")
}

fn three_signatures(clinic: &Clinic, original: Vec<u8>) -> Vec<u8> {
    let mut pdf = original;
    for i in 0..3 {
        let started = Instant::now();
        let signed = sign_as(&pdf, clinic, i);
        eprintln!("signature {} took {:?}", i + 1, started.elapsed());
        assert!(signed.starts_with(&pdf), "signature {} must only append to the earlier bytes", i + 1);
        pdf = signed;
    }
    pdf
}

#[test]
fn three_signers_verify_in_order() {
    let clinic = clinic();
    let pdf = three_signatures(&clinic, sample_pdf());
    let started = Instant::now();
    let checks = verify(&pdf, &clinic.root, &[]).expect("verification runs");
    eprintln!("verifying three signatures took {:?}", started.elapsed());
    assert_eq!(checks.len(), 3, "every signature is reported");
    for (i, check) in checks.iter().enumerate() {
        assert!(check.valid(), "signature {} must be valid: {check:?}", i + 1);
        assert_eq!(check.field_name, format!("Подпись {}", i + 1), "signatures come in signing order");
        assert_eq!(check.signer_cn, clinic.members[i].name, "the signer is read from the embedded certificate");
        assert_eq!(check.signer_serial_hex, format!("{:02x}", 100 + i), "the serial is the one issued");
        assert!(check.signing_time.is_some(), "the signing time is read from /M");
    }
    assert!(checks[0].signing_time < checks[2].signing_time, "the times from /M keep their order and offsets");
}

#[test]
fn tampering_foreign_root_and_revocation_are_detected() {
    let clinic = clinic();
    let pdf = three_signatures(&clinic, sample_pdf());

    let mut tampered = pdf.clone();
    let at = tampered.windows(PAGE_TEXT.len()).position(|w| w == PAGE_TEXT.as_bytes()).expect("the text is there");
    tampered[at + "Decision 4".len()] = b'7';
    let checks = verify(&tampered, &clinic.root, &[]).expect("verification runs");
    assert!(checks.iter().all(|c| !c.intact), "a changed page must break every signature: {checks:?}");

    let (other_root, _) = ca::new_root("Другая клиника", Utc::now() - Duration::days(1), 10).expect("root");
    let checks = verify(&pdf, &other_root, &[]).expect("verification runs");
    assert!(checks.iter().all(|c| c.intact && !c.chain_ok), "another clinic's root must not vouch: {checks:?}");

    let member = &clinic.members[0];
    let late = SignRequest {
        signer: Signer::Key(&LocalKey { cert_der: &member.cert, key: &member.key }),
        chain: &[],
        field_name: "Подпись 4",
        signer_name: member.name,
        reason: "",
        location: "",
        time: (Utc::now() + Duration::days(5 * 365)).fixed_offset(),
        appearance: None,
    };
    let checks = verify(&sign(&pdf, &late).expect("signing works"), &clinic.root, &[]).expect("verification runs");
    assert!(checks[3].intact && !checks[3].chain_ok, "a certificate expired at the claimed signing time: {checks:?}");
    assert!(checks[..3].iter().all(SignatureCheck::valid), "a fourth signature keeps the first three valid");

    let checks = verify(&pdf, &clinic.root, &["0065".to_string()]).expect("verification runs");
    let revoked: Vec<bool> = checks.iter().map(|c| c.revoked).collect();
    assert_eq!(revoked, [false, true, false], "only the second signer's serial (0x65) was revoked");
    assert!(!checks[1].valid(), "a revoked signer's signature is not valid");
}

#[test]
fn later_content_changes_are_reported() {
    let clinic = clinic();
    let pdf = sign_as(&sample_pdf(), &clinic, 0);
    let doc = Document::load_mem(&pdf).expect("the signed PDF loads");
    let page_id = *doc.get_pages().values().next().expect("a page");
    let content_id = doc.get_dictionary(page_id).and_then(|p| p.get(b"Contents")).and_then(Object::as_reference);
    let content_id = content_id.expect("the page has a content stream");
    let mut inc = IncrementalDocument::create_from(pdf.clone(), doc);
    let forged = Stream::new(dictionary! {}, b"BT /F1 18 Tf 72 720 Td (Decision 42: rejected) Tj ET".to_vec());
    inc.new_document.set_object(content_id, forged);
    let mut changed = Vec::new();
    inc.save_to(&mut changed).expect("the update is written");

    let checks = verify(&changed, &clinic.root, &[]).expect("verification runs");
    assert!(checks[0].intact && checks[0].covers_revision, "the signed revision itself is untouched");
    assert!(!checks[0].later_changes_only_signatures, "a later update replaced the page content");
    assert!(!checks[0].valid(), "a signature followed by content changes is not valid");

    let mut appended = pdf.clone();
    appended.extend_from_slice(b"\n1 0 obj (junk) endobj\n");
    let checks = verify(&appended, &clinic.root, &[]).expect("verification runs");
    assert!(!checks[0].valid(), "bytes appended after the signed revision must not pass unnoticed");
}

/// An empty signature field added later, its appearance drawn over the page («Sneaky Signature»): not a
/// signature, so the signatures before it must no longer count as followed by signatures only.
#[test]
fn a_later_empty_signature_field_drawing_over_the_page_is_a_change() {
    let clinic = clinic();
    let pdf = sign_as(&sample_pdf(), &clinic, 0);
    let doc = Document::load_mem(&pdf).expect("the signed PDF loads");
    let page_id = *doc.get_pages().values().next().expect("a page");
    let root_id = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("a catalog");
    let mut inc = IncrementalDocument::create_from(pdf.clone(), doc);
    let cover = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 400.into(), 40.into()] },
        b"1 g 0 0 400 40 re f 0 g BT /F1 18 Tf 0 10 Td (Decision 42: rejected) Tj ET".to_vec(),
    );
    let cover_id = inc.new_document.add_object(cover);
    let field_id = inc.new_document.add_object(dictionary! {
        "FT" => "Sig", "T" => Object::string_literal("Empty"), "Type" => "Annot", "Subtype" => "Widget",
        "F" => 4, "P" => page_id, "Rect" => vec![72.into(), 710.into(), 472.into(), 750.into()],
        "AP" => dictionary! { "N" => cover_id },
    });
    inc.opt_clone_object_to_new_document(page_id).expect("the page is copied into the update");
    let annots = inc.new_document.get_dictionary(page_id).and_then(|p| p.get(b"Annots")).cloned();
    let mut annots = annots.ok().and_then(|a| a.as_array().ok().cloned()).unwrap_or_default();
    annots.push(field_id.into());
    inc.new_document.get_dictionary_mut(page_id).expect("the page").set("Annots", annots);
    inc.opt_clone_object_to_new_document(root_id).expect("the catalog is copied");
    let mut changed = Vec::new();
    inc.save_to(&mut changed).expect("the update is written");

    let checks = verify(&changed, &clinic.root, &[]).expect("verification runs");
    assert!(checks[0].intact, "the signed revision itself is untouched");
    assert!(!checks[0].later_changes_only_signatures, "an empty field drawing over the page is not a signature");
}

#[test]
fn classic_cross_reference_table_is_kept() {
    let clinic = clinic();
    let original = classic_pdf();
    assert!(Document::load_mem(&original).is_ok(), "the hand-written PDF is valid");
    let pdf = three_signatures(&clinic, original);
    let checks = verify(&pdf, &clinic.root, &[]).expect("verification runs");
    assert!(checks.len() == 3 && checks.iter().all(SignatureCheck::valid), "three valid signatures: {checks:?}");
    assert!(
        pdf[pdf.len() / 2..].windows(5).any(|w| w == b"xref\n"),
        "updates to a file with a classic xref table keep writing classic tables"
    );
}

#[test]
fn refusals() {
    let clinic = clinic();
    assert!(matches!(verify(b"hello", &clinic.root, &[]), Err(SigningError::NotAPdf)), "not a PDF");
    assert!(
        matches!(verify(&sample_pdf(), &clinic.root, &[]), Err(SigningError::NoSignatures)),
        "an unsigned PDF has nothing to verify"
    );
    let pdf = sign_as(&sample_pdf(), &clinic, 0);
    let member = &clinic.members[1];
    let req = SignRequest {
        signer: Signer::Key(&LocalKey { cert_der: &member.cert, key: &member.key }),
        chain: &[],
        field_name: "Подпись 1",
        signer_name: member.name,
        reason: "",
        location: "",
        time: Utc::now().fixed_offset(),
        appearance: None,
    };
    assert!(matches!(sign(&pdf, &req), Err(SigningError::DuplicateField(_))), "field names must be unique");
    let dotted = SignRequest { field_name: "Подпись.2", appearance: None, ..req };
    assert!(
        matches!(sign(&pdf, &dotted), Err(SigningError::InvalidFieldName(_))),
        "a period would make the name a field hierarchy"
    );
    let mismatched = LocalKey { cert_der: &member.cert, key: &clinic.members[0].key };
    let wrong_key =
        SignRequest { signer: Signer::Key(&mismatched), field_name: "Подпись 2", appearance: None, ..req };
    assert!(
        matches!(sign(&pdf, &wrong_key), Err(SigningError::KeyMismatch)),
        "a key that does not match the certificate must not sign"
    );
}

fn tool(name: &str) -> bool {
    Command::new("which").arg(name).output().is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} must succeed:\n{text}");
    text
}

#[test]
fn external_validators_accept_three_signatures() {
    for name in ["pdfsig", "certutil", "qpdf"] {
        assert!(tool(name), "{name} is needed (poppler-utils, libnss3-tools, qpdf): run scripts/deps.sh");
    }
    let clinic = clinic();
    let dir = tempfile::tempdir().expect("a temp dir");
    // BTLP_SIGNING_KEEP=1 keeps the files (PDFs, root PEM, NSS database) for a look with other validators.
    let dir_path = if std::env::var_os("BTLP_SIGNING_KEEP").is_some() { dir.keep() } else { dir.path().to_path_buf() };
    let dir = dir_path.as_path();
    let root_pem = dir.join("root.pem");
    std::fs::write(&root_pem, ca::to_pem(&clinic.root)).expect("the root is written");
    let nss = format!("sql:{}", dir.join("nss").display());
    std::fs::create_dir(dir.join("nss")).expect("the NSS dir is created");
    run(Command::new("certutil").args(["-N", "-d", &nss, "--empty-password"]));
    run(Command::new("certutil").args(["-A", "-d", &nss, "-n", "root", "-t", "CT,C,C", "-i"]).arg(&root_pem));

    for (kind, original) in [("xref-stream", sample_pdf()), ("xref-table", classic_pdf())] {
        let file = dir.join(format!("decision-{kind}.pdf"));
        std::fs::write(&file, three_signatures(&clinic, original)).expect("the PDF is written");
        let report = run(Command::new("pdfsig").args(["-nssdir", &nss]).arg(&file));
        eprintln!("{report}");
        assert_eq!(
            report.matches("Signature is Valid").count(),
            3,
            "pdfsig: three valid signatures ({kind}):\n{report}"
        );
        assert_eq!(
            report.matches("Certificate is Trusted").count(),
            3,
            "pdfsig trusts every signer ({kind}):\n{report}"
        );
        let lower = report.to_lowercase();
        for bad in ["invalid", "not signed", "does not contain", "not trusted", "unknown issuer"] {
            assert!(!lower.contains(bad), "pdfsig must not report {bad:?} ({kind}):\n{report}");
        }
        assert!(report.contains("Подпись 3"), "pdfsig reads the Cyrillic field names ({kind}):\n{report}");

        let out = Command::new("qpdf").arg("--check").arg(&file).output().expect("qpdf runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "qpdf --check must pass, exit 0 and no warnings ({kind}):\n{text}");
        assert!(text.contains("No syntax or stream encoding errors found"), "qpdf finds no errors ({kind}):\n{text}");
    }
}

/// Earlier signatures' values are blanked in the copy the parser reads, for speed: the update written from
/// that copy must be byte for byte the one written from the file as it is (ECDSA nonces are deterministic).
#[test]
fn blanking_earlier_signature_values_changes_nothing_in_the_update() {
    let clinic = clinic();
    let mut pdf = sample_pdf();
    for i in 0..2 {
        pdf = sign_as(&pdf, &clinic, i);
    }
    let member = &clinic.members[2];
    let time = Utc::now().fixed_offset();
    let req = SignRequest {
        signer: Signer::Key(&LocalKey { cert_der: &member.cert, key: &member.key }),
        chain: std::slice::from_ref(&clinic.root),
        field_name: "Подпись 3",
        signer_name: member.name,
        reason: "Решение врачебной комиссии",
        location: "Москва",
        time,
        appearance: None,
    };
    let blanked = super::writer::without_signature_values(&pdf);
    let runs = blanked.windows(65).filter(|w| w[0] == b'<' && w[1..].iter().all(|b| *b == b' ')).count();
    assert!(blanked.len() == pdf.len() && runs == 2, "both earlier values are blanked in place ({runs} found)");
    let fast = super::writer::sign_parsed(&pdf, &req, true).expect("signing from the blanked copy works");
    let plain = super::writer::sign_parsed(&pdf, &req, false).expect("signing from the file as it is works");
    assert!(fast == plain, "the update must not depend on the earlier signature values the parser skipped");
    let checks = verify(&fast, &clinic.root, &[]).expect("verifies");
    assert!(checks.len() == 3 && checks.iter().all(SignatureCheck::valid), "all three signatures stay valid");
}
