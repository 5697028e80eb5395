//! Signatures with keys from outside the clinic's CA (issue 19): a member's PKCS#11 token (SoftHSM2) and a
//! chair's GOST R 34.10-2012 certificate through the external signing command (OpenSSL's gost engine), on the
//! same decision as the clinic key, checked by pdfsig, OpenSSL and our own verifier.
mod kit;

use crate::common::{password, pdfsig_trusting, Clinic};
use btlp_commission::error::Rule;
use btlp_commission::signatures::Secret;
use btlp_commission::signing::ca;
use btlp_commission::signing::external::OpensslGost;
use btlp_commission::signing::pades::{self, Algorithm, Trust};
use btlp_commission::{pki, signatures, Error, Lang};
use chrono::Utc;
use uuid::Uuid;

/// An approved decision, with the clinic's clock moved to today: the outside certificates are made today
/// (OpenSSL's from the second it makes them on, so the clock is set a few minutes ahead of that).
fn approved_today(c: &mut Clinic) -> Uuid {
    let (_, d) = c.approved();
    c.at(&(Utc::now() + chrono::Duration::minutes(10)).fixed_offset().to_rfc3339());
    d
}

/// Signs with the member's password, and with `pin` for a token.
fn sign(c: &mut Clinic, d: Uuid, login: &str, pin: Option<&str>) -> btlp_commission::Result<()> {
    let who = c.as_(login);
    let password = password(login);
    let secret = Secret { password: &password, pin };
    signatures::sign_decision(&mut c.db, &who, d, secret, Lang::Ru).map(drop)
}

/// The last signature in `pdf`: its /ByteRange, its CMS (without the zero padding after it) and the signed
/// bytes.
fn last_signature(pdf: &[u8]) -> ([usize; 4], Vec<u8>, Vec<u8>) {
    let at = memchr::memmem::rfind(pdf, b"/ByteRange").expect("a signature");
    let text = String::from_utf8_lossy(&pdf[at..at + 80]);
    let inner = &text[text.find('[').unwrap() + 1..text.find(']').unwrap()];
    let r: Vec<usize> = inner.split_whitespace().map(|n| n.parse().unwrap()).collect();
    let padded = hex::decode(&pdf[r[1] + 1..r[2] - 1]).unwrap();
    // The DER length of the outer SEQUENCE: short form, or 0x8N and N length bytes.
    let (header, body) = match padded[1] {
        n if n < 0x80 => (2, n as usize),
        n => {
            let k = (n & 0x7f) as usize;
            (2 + k, padded[2..2 + k].iter().fold(0usize, |acc, b| acc << 8 | *b as usize))
        }
    };
    let content = [&pdf[r[0]..r[0] + r[1]], &pdf[r[2]..r[2] + r[3]]].concat();
    ([r[0], r[1], r[2], r[3]], padded[..header + body].to_vec(), content)
}

#[test]
fn a_decision_signed_with_the_clinic_key_a_token_and_gost_verifies_in_every_tool() {
    let mut c = Clinic::new();
    let d = approved_today(&mut c);
    let admin = c.as_("admin");

    // m1 signs with a key generated on a SoftHSM2 token, certified by an accredited CA the clinic imports.
    let public = kit::token_with_key("m1-token", "1234", "01");
    let accredited = kit::accredited_ca("Аккредитованный УЦ (тест)");
    let m1_cert = kit::issue(&accredited, "Первый Участник Комиссии", &public, 7001);
    kit::put_certificate("m1-token", "1234", "01", &m1_cert);
    pki::outside::set_pkcs11_module(&mut c.db, &admin, kit::MODULE).unwrap();
    pki::outside::import_root(&mut c.db, &admin, &accredited.0).unwrap();
    let m1_sha256 = ca::info(&m1_cert).unwrap().sha256;
    pki::outside::record_identity(&mut c.db, &admin, "m1", None, Some(&m1_sha256)).unwrap();
    let listed = pki::outside::token_certificates(c.db.conn(), &c.as_("m1")).unwrap();
    let on_token = listed.into_iter().find(|t| t.cert_der == m1_cert).expect("the token's certificate is listed");
    let m1 = c.as_("m1");
    pki::outside::choose_token(&mut c.db, &m1, &on_token).unwrap();

    // The chair signs with a GOST certificate carrying his СНИЛС, through the external command.
    let gost = kit::GostCa::new("Тестовый УЦ ГОСТ");
    let chair_cert = gost.person("Председателев", "Пётр Петрович", "11223344595");
    pki::outside::set_external_command(&mut c.db, &admin, &gost.command()).unwrap();
    pki::outside::import_root(&mut c.db, &admin, &gost.root_der).unwrap();
    pki::outside::record_identity(&mut c.db, &admin, "chair", Some("112-233-445 95"), None).unwrap();
    let chair = c.as_("chair");
    pki::outside::choose_external(&mut c.db, &chair, ca::to_pem(&chair_cert).as_bytes()).unwrap();

    let r = sign(&mut c, d, "m1", None);
    assert!(matches!(r, Err(Error::Invalid { field: "pin", .. })), "a token signature asks for its PIN: {r:?}");
    for (login, pin) in
        [("secretary", None), ("deputy", None), ("m1", Some("1234")), ("m2", None), ("m3", None), ("chair", None)]
    {
        sign(&mut c, d, login, pin).unwrap_or_else(|e| panic!("{login} must be able to sign: {e:?}"));
    }
    let (pdf, complete) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    assert!(complete, "the chair's GOST signature completes the decision like any other");
    // To look at the signed decision (its stamps) by hand: BTLP_OUTSIDE_PDF=/path/decision.pdf.
    if let Ok(path) = std::env::var("BTLP_OUTSIDE_PDF") {
        std::fs::write(path, &pdf).unwrap();
    }

    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert_eq!(checks.len(), 6, "secretary, deputy, m1, m2, m3 and the chair");
    assert!(checks.iter().all(|k| k.valid()), "every signature, whatever signed it, must verify: {checks:#?}");
    let algorithms: Vec<Algorithm> = checks.iter().map(|k| k.algorithm).collect();
    assert_eq!(algorithms[2], Algorithm::EcdsaP256Sha256, "m1's token key is ECDSA P-256");
    assert_eq!(algorithms[5], Algorithm::Gost2012_256, "the chair's signature is GOST R 34.10-2012/256");
    let token_cert = checks[2].certificate.as_ref().expect("m1's certificate details");
    assert_eq!(token_cert.issuer_cn, ca::info(&accredited.0).unwrap().subject_cn, "issued by the accredited CA");
    let chair_info = checks[5].certificate.as_ref().expect("the chair's certificate details");
    assert_eq!(chair_info.snils.as_deref(), Some("11223344595"), "the qualified certificate's СНИЛС is shown");
    assert_eq!(chair_info.subject_cn, "Председателев Пётр Петрович", "the holder's ФИО is shown");
    assert_eq!(chair_info.issuer_cn, "Тестовый УЦ ГОСТ", "the issuer is shown");

    // pdfsig (NSS) trusts the clinic root and the accredited root; it has no GOST, so only the first five.
    let report = pdfsig_trusting(&pdf, &[&pki::root_cert(c.db.conn()).unwrap(), &accredited.0]);
    let per_signature: Vec<&str> = report.split("Signature #").skip(1).collect();
    assert_eq!(per_signature.len(), 6, "pdfsig sees six signatures: {report}");
    for (i, part) in per_signature[..5].iter().enumerate() {
        assert!(
            part.contains("Signature is Valid") && part.contains("Certificate is Trusted"),
            "pdfsig must accept signature {} (clinic key or token): {part}",
            i + 1
        );
    }

    // OpenSSL with the gost engine accepts the chair's CMS over its byte range.
    let (range, cms, content) = last_signature(&pdf);
    assert!(gost.openssl_verifies(&cms, &content), "OpenSSL must verify the GOST signature over its byte range");
    let mut other = content.clone();
    other[10] ^= 1;
    assert!(!gost.openssl_verifies(&cms, &other), "and refuse it over other bytes: the check can fail");

    // One byte changed in the decision breaks every signature.
    let mut tampered = pdf.clone();
    let at = memchr::memmem::find(&tampered, b"/Producer").unwrap_or(200);
    tampered[at + 2] ^= 0x01;
    let checks = signatures::verify_with_db(c.db.conn(), &tampered).unwrap();
    assert!(checks.iter().all(|k| !k.valid() && !k.intact), "a one-byte change must break all six: {checks:#?}");

    // Without the imported roots, the outside signatures are right but not trusted, never valid.
    let clinic_root = pki::root_cert(c.db.conn()).unwrap();
    let openssl = OpensslGost::default();
    let trust = Trust {
        clinic_root: &clinic_root,
        imported_roots: &[],
        revoked: &[],
        revoked_sha256: &[],
        gost: Some(&openssl),
    };
    let checks = pades::verify_trusting(&pdf, &trust).unwrap();
    for i in [2, 5] {
        assert!(checks[i].untrusted() && !checks[i].valid(), "signature {} must be right but untrusted", i + 1);
    }
    assert!(checks[0].valid() && checks[0].by_clinic, "the clinic's own signatures stay valid");
    assert!(!checks[2].by_clinic && !checks[5].by_clinic, "outside certificates are not the clinic's");

    // OpenSSL itself must refuse a GOST signature value that was changed: one byte of the chair's CMS near its
    // end (inside the signature value), in place, so the PDF's structure and our digest check still pass.
    let value_end = range[1] + 1 + 2 * cms.len(); // the hex digits of the CMS end here, then its padding
    let mut forged = pdf.clone();
    let digit = value_end - 6;
    forged[digit] = if forged[digit] == b'0' { b'1' } else { b'0' };
    let checks = signatures::verify_with_db(c.db.conn(), &forged).unwrap();
    assert!(!checks[5].intact && !checks[5].valid(), "a changed GOST signature value must not verify: {:?}", checks[5]);
    assert!(!checks[5].unverifiable, "it was checked, and refused, by OpenSSL");
    assert!(checks[..5].iter().all(|k| k.valid()), "the five signatures before it are untouched");

    // A revoked outside certificate: its signature shows as revoked, and it signs no more.
    pki::outside::revoke_outside(&mut c.db, &admin, &m1_sha256).unwrap();
    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert!(checks[2].revoked && !checks[2].valid(), "m1's revoked token certificate is shown as revoked");
    // An imported root no longer trusted: the chair's GOST signature is right but not trusted.
    let gost_sha256 = ca::info(&gost.root_der).unwrap().sha256;
    pki::outside::untrust_root(&mut c.db, &admin, &gost_sha256).unwrap();
    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert!(checks[5].untrusted() && !checks[5].valid(), "without its root the GOST signature is not trusted");
}

#[test]
fn a_wrong_pin_a_removed_token_and_another_s_certificate_are_refused_and_change_nothing() {
    let mut c = Clinic::new();
    let d = approved_today(&mut c);
    let admin = c.as_("admin");
    let public = kit::token_with_key("m2-token", "2468", "02");
    let accredited = kit::accredited_ca("Аккредитованный УЦ (тест)");
    let m2_cert = kit::issue(&accredited, "Второй Участник Комиссии", &public, 7002);
    kit::put_certificate("m2-token", "2468", "02", &m2_cert);
    pki::outside::set_pkcs11_module(&mut c.db, &admin, kit::MODULE).unwrap();
    pki::outside::import_root(&mut c.db, &admin, &accredited.0).unwrap();
    let sha256 = ca::info(&m2_cert).unwrap().sha256;
    pki::outside::record_identity(&mut c.db, &admin, "m2", None, Some(&sha256)).unwrap();
    let on_token = pki::outside::token_certificates(c.db.conn(), &c.as_("m2"))
        .unwrap()
        .into_iter()
        .find(|t| t.cert_der == m2_cert)
        .expect("listed");

    // m3, with a СНИЛС of his own recorded, cannot take m2's certificate, nor have its fingerprint recorded.
    pki::outside::record_identity(&mut c.db, &admin, "m3", Some("08765430300"), None).unwrap();
    let m3 = c.as_("m3");
    let r = pki::outside::choose_token(&mut c.db, &m3, &on_token);
    assert!(matches!(r, Err(Error::Refused(Rule::CertificateNotOwn))), "another's certificate is refused: {r:?}");
    assert_eq!(c.count("signing_methods"), 0, "a refused choice stores nothing");
    assert!(Error::Refused(Rule::CertificateNotOwn).message(Lang::Ru).contains("СНИЛС"), "the message says why");
    let r = pki::outside::record_identity(&mut c.db, &admin, "m3", None, Some(&sha256));
    assert!(matches!(r, Err(Error::Refused(Rule::IdentityTaken))), "a fingerprint recorded for m2 is m2's: {r:?}");
    let snils: Option<String> =
        c.db.conn()
            .query_row("SELECT snils FROM signer_identities WHERE cert_sha256 IS NULL AND snils IS NOT NULL", [], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(snils.as_deref(), Some("08765430300"), "m3's СНИЛС stays as recorded");

    // A certificate from a CA the clinic does not trust cannot be chosen.
    let stranger_ca = kit::accredited_ca("Неизвестный УЦ");
    let untrusted = kit::issue(&stranger_ca, "Второй Участник Комиссии", &public, 7003);
    let untrusted_sha256 = ca::info(&untrusted).unwrap().sha256;
    pki::outside::record_identity(&mut c.db, &admin, "deputy", None, Some(&untrusted_sha256)).unwrap();
    let deputy = c.as_("deputy");
    let r = pki::outside::choose_external(&mut c.db, &deputy, &untrusted);
    assert!(matches!(r, Err(Error::Refused(Rule::CertificateUntrusted))), "an untrusted CA's certificate: {r:?}");
    assert_eq!(c.count("signing_methods"), 0, "nothing stored");

    let m2 = c.as_("m2");
    pki::outside::choose_token(&mut c.db, &m2, &on_token).unwrap();
    let r = sign(&mut c, d, "m2", Some("0000"));
    assert!(matches!(r, Err(Error::Refused(Rule::TokenPinIncorrect))), "a wrong PIN is told apart: {r:?}");
    assert_eq!(c.count("document_signatures"), 0, "a wrong PIN signs nothing");
    assert_eq!(c.count("decision_documents"), 0, "and stores no document");
    assert!(Error::Refused(Rule::TokenPinIncorrect).message(Lang::Ru).contains("PIN"), "the message names the PIN");

    let r = signatures::sign_decision(&mut c.db, &m2, d, Secret::with_pin("not-the-password", "2468"), Lang::Ru);
    assert!(matches!(r, Err(Error::Auth(_))), "the right PIN does not stand in for the member's password: {r:?}");
    let r = pki::outside::import_root(&mut c.db, &admin, &m2_cert);
    assert!(matches!(r, Err(Error::Refused(Rule::NotARoot))), "a member's certificate is no root: {r:?}");
    let mut forged_root = kit::accredited_ca("Поддельный УЦ").0;
    let last = forged_root.len() - 1;
    forged_root[last] ^= 1; // inside its self-signature
    let r = pki::outside::import_root(&mut c.db, &admin, &forged_root);
    assert!(matches!(r, Err(Error::Refused(Rule::NotARoot))), "a root whose own signature is broken: {r:?}");

    kit::remove_token("m2-token");
    let r = sign(&mut c, d, "m2", Some("2468"));
    assert!(matches!(r, Err(Error::Refused(Rule::TokenAbsent))), "a removed token is told apart: {r:?}");
    assert_eq!(c.count("document_signatures"), 0, "a removed token signs nothing");

    // The external command signing with a certificate other than the member's chosen one is refused.
    let gost = kit::GostCa::new("Тестовый УЦ ГОСТ");
    let chair_cert = gost.person("Председателев", "Пётр Петрович", "11223344595");
    let stranger = gost.person("Посторонний", "Иван Иванович", "08765430300");
    let wrong_command = gost.command_as(&stranger);
    pki::outside::set_external_command(&mut c.db, &admin, &wrong_command).unwrap();
    pki::outside::import_root(&mut c.db, &admin, &gost.root_der).unwrap();
    pki::outside::record_identity(&mut c.db, &admin, "chair", Some("11223344595"), None).unwrap();
    let chair = c.as_("chair");
    let r = pki::outside::choose_external(&mut c.db, &chair, &stranger);
    assert!(matches!(r, Err(Error::Refused(Rule::CertificateNotOwn))), "a certificate with another СНИЛС: {r:?}");
    pki::outside::choose_external(&mut c.db, &chair, &chair_cert).unwrap();
    pki::outside::use_clinic_key(&mut c.db, &m2).unwrap();
    for who in ["secretary", "deputy", "m1", "m2", "m3"] {
        sign(&mut c, d, who, None).unwrap();
    }
    let before = c.count("document_signatures");
    let r = sign(&mut c, d, "chair", None);
    assert!(
        matches!(r, Err(Error::Refused(Rule::ExternalSignerWrongCertificate))),
        "the tool signed as someone else: {r:?}"
    );
    assert_eq!(c.count("document_signatures"), before, "a signature by the wrong certificate is not stored");
    let chair = c.as_("chair");
    let r = signatures::sign_decision(&mut c.db, &chair, d, "not-the-password", Lang::Ru);
    assert!(matches!(r, Err(Error::Auth(_))), "the external tool still needs the member's own password: {r:?}");
}
