//! Signed decision PDFs: who signs and in what order, keys that cannot sign, and documents that external
//! tools read, verify and match to the record.
use crate::common::{password, Clinic};
use btlp_commission::cases::{self, FindingKind};
use btlp_commission::commission::{self, Choice};
use btlp_commission::error::Rule;
use btlp_commission::signing::ca;
use btlp_commission::{pki, signatures, Clock, Error, Lang};
use std::process::Command;
use uuid::Uuid;

fn sign(c: &mut Clinic, d: Uuid, login: &str) -> btlp_commission::Result<signatures::SignatureStatus> {
    let who = c.as_(login);
    signatures::sign_decision(&mut c.db, &who, d, &password(login), Lang::Ru)
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} must be installed: {e}"));
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn signers_sign_once_each_and_the_presiding_member_last() {
    let mut c = Clinic::new();
    let (_, d) = c.approved();
    assert!(
        matches!(sign(&mut c, d, "chair"), Err(Error::Refused(Rule::PresidingSignsLast))),
        "the chair must not sign before the others"
    );
    assert!(matches!(sign(&mut c, d, "doc"), Err(Error::Refused(Rule::NotASigner))), "a physician does not sign");
    let m1 = c.as_("m1");
    assert!(
        matches!(signatures::sign_decision(&mut c.db, &m1, d, "wrong-password", Lang::Ru), Err(Error::Auth(_))),
        "a wrong password must not unlock the signing key"
    );
    sign(&mut c, d, "m1").unwrap();
    assert!(matches!(sign(&mut c, d, "m1"), Err(Error::Refused(Rule::AlreadySigned))), "one signature each");
    for who in ["secretary", "deputy", "m2", "m3"] {
        let st = sign(&mut c, d, who).unwrap();
        assert!(!st.complete, "not complete before the chair signs");
    }
    let st = sign(&mut c, d, "chair").unwrap();
    assert!(st.complete, "the chair's signature completes the decision");
    let (pdf, complete) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    assert!(complete);
    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert_eq!(checks.len(), 6, "secretary, four members and the chair");
    assert!(checks.iter().all(|k| k.valid()), "every signature must verify: {checks:?}");
    assert!(checks.last().unwrap().signer_cn.contains("chair"), "the chair's signature is the last one");
    let r = c.db.conn().execute("UPDATE decision_documents SET pdf = x'00' WHERE decision_id = ?1", [d]);
    assert!(r.is_err(), "a fully signed document is immutable");
}

#[test]
fn the_batch_work_list_holds_what_each_signer_may_sign_now() {
    let mut c = Clinic::new();
    let (_, d) = c.approved();
    let id = |c: &Clinic, login: &str| c.as_(login).id();
    let waiting = |c: &Clinic, login: &str| signatures::awaiting(c.db.conn(), id(c, login)).unwrap();
    assert_eq!(waiting(&c, "secretary"), vec![d], "the secretary may sign a fresh decision");
    assert!(waiting(&c, "chair").is_empty(), "the chair signs last, so nothing waits for them yet");
    assert!(waiting(&c, "doc").is_empty(), "a physician is never a decision's signer");
    for who in ["secretary", "deputy", "m1", "m2", "m3"] {
        sign(&mut c, d, who).unwrap();
        assert!(waiting(&c, who).is_empty(), "a signed decision leaves {who}'s list");
    }
    assert_eq!(waiting(&c, "chair"), vec![d], "once the others have signed, it waits for the chair");
    sign(&mut c, d, "chair").unwrap();
    assert!(waiting(&c, "chair").is_empty(), "a fully signed decision waits for no one");
}

#[test]
fn a_revoked_or_expired_certificate_cannot_sign() {
    let mut c = Clinic::new();
    let (_, d) = c.approved();
    sign(&mut c, d, "secretary").unwrap();
    let serial: String = c
        .db
        .conn()
        .query_row("SELECT serial FROM certificates c JOIN users u ON u.id = c.user_id WHERE u.login = 'm1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let admin = c.as_("admin");
    pki::revoke(&mut c.db, &admin, &serial).unwrap();
    assert!(
        matches!(sign(&mut c, d, "m1"), Err(Error::Refused(Rule::NoValidCertificate))),
        "a revoked certificate must not sign"
    );
    let later = chrono::DateTime::parse_from_rfc3339("2029-07-01T10:00:00+03:00").unwrap();
    c.db.set_clock(Clock::Fixed(later));
    assert!(
        matches!(sign(&mut c, d, "m2"), Err(Error::Refused(Rule::NoValidCertificate))),
        "an expired certificate must not sign"
    );
    let doc = c.as_("doc");
    assert!(matches!(pki::revoke(&mut c.db, &doc, &serial), Err(Error::Forbidden { .. })), "only admins revoke");
}

#[test]
fn verification_catches_a_changed_byte_a_foreign_root_and_a_revoked_signer() {
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    let (pdf, _) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    let root = pki::root_cert(c.db.conn()).unwrap();
    let (other_root, _) = ca::new_root("Чужая клиника", chrono::Utc::now(), 1).unwrap();
    let foreign = signatures::verify(&pdf, &other_root, &[]).unwrap();
    assert!(foreign.iter().all(|k| !k.chain_ok), "signatures must not chain to another clinic's root");
    let mut tampered = pdf.clone();
    let at = tampered.windows(6).position(|w| w == b"stream").unwrap() + 40;
    tampered[at] ^= 0x01;
    let checks = signatures::verify(&tampered, &root, &[]).unwrap();
    assert!(checks.iter().all(|k| !k.intact), "a changed byte in the content must break every signature");
    let serial = signatures::verify(&pdf, &root, &[]).unwrap()[1].signer_serial_hex.clone();
    let checks = signatures::verify(&pdf, &root, &[serial]).unwrap();
    assert!(checks[1].revoked && !checks[1].valid(), "a signature by a revoked certificate is reported");
    assert!(checks[0].valid(), "and the others stay valid");
}

#[test]
fn the_pdf_reads_back_in_russian_with_pages_numbered_and_headers_repeated() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let m = c.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], case);
    for v in crate::common::VOTERS {
        c.vote(m, case, v, Choice::For).unwrap();
    }
    let chair = c.as_("chair");
    let d = commission::adopt(&mut c.db, &chair, m, case).unwrap();
    let _ = cases::findings(c.db.conn(), case).unwrap();
    // Long findings must wrap in their cells and push the document onto further pages.
    let long = "Длительное наблюдение с подробным описанием каждого этапа лечения. ".repeat(60);
    c.db.conn()
        .execute(
            "UPDATE assessment_findings SET finding = ?1 WHERE case_id = ?2 AND kind = ?3",
            (&long, case, FindingKind::PriorTreatment.code()),
        )
        .unwrap();
    c.sign_all(d);
    let (pdf, _) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decision.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let f = file.to_str().unwrap();
    let info = run("pdfinfo", &[f]);
    let pages: usize = info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..].trim().parse().unwrap();
    assert!(pages >= 3, "the long finding must continue on further pages: {pages}");
    assert!(info.contains("Выписка из протокола"), "the title is set in the metadata: {info}");
    for n in 1..=pages {
        let text = run("pdftotext", &["-f", &n.to_string(), "-l", &n.to_string(), "-layout", f, "-"]);
        assert!(text.contains(&format!("стр. {n} из {pages}")), "page {n} must say стр. {n} из {pages}");
        assert!(text.contains("решение № 1/2026"), "page {n} must repeat the running header");
    }
    let all = run("pdftotext", &[f, "-"]);
    for needed in ["ВЫПИСКА ИЗ ПРОТОКОЛА", "Иванов Иван Иванович", "C83.3", "Одобрить применение", "стационарно"]
    {
        assert!(all.contains(needed), "the extract must contain {needed}");
    }
    assert!(!all.contains("12.09.1961") || all.contains("Дата рождения"), "dates print as ДД.ММ.ГГГГ");
    let fonts = run("pdffonts", &[f]);
    assert!(fonts.contains("PTSans") && fonts.contains("yes"), "the PT fonts are embedded as subsets: {fonts}");
    let custom = run("pdfinfo", &["-custom", f]);
    assert!(!custom.contains("GTS_PDFXVersion"), "a signed extract must not claim to be PDF/X: {custom}");
    let check = Command::new("qpdf").args(["--check", f]).output().expect("qpdf (scripts/deps.sh)");
    assert!(
        check.status.success(),
        "qpdf finds the file's structure sound: {}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn the_qr_code_matches_the_record() {
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    let (pdf, _) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    let digest: String =
        c.db.conn()
            .query_row("SELECT content_sha256 FROM decision_documents WHERE decision_id = ?1", [d], |r| r.get(0))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let prefix = dir.path().join("page");
    run("pdftoppm", &["-r", "200", "-png", file.to_str().unwrap(), prefix.to_str().unwrap()]);
    let mut decoded = String::new();
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "png") {
            let out = Command::new("zbarimg")
                .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", entry.path().to_str().unwrap()])
                .output()
                .expect("zbarimg (zbar-tools) must be installed");
            decoded.push_str(&String::from_utf8_lossy(&out.stdout));
        }
    }
    assert_eq!(
        decoded.trim(),
        format!("BTLP-DECISION;1/2026;{digest}"),
        "the QR code must carry the decision number and the stored content digest"
    );
}

/// The QR code's digest is taken from the layout in the one rendering pass: it must name the content (the same
/// decision gives the same digest, whatever random ids the PDF's fonts get) and change with it.
#[test]
fn the_content_digest_follows_the_content_only() {
    use btlp_commission::documents::{decision_sheet, render_decision};
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    let decision = commission::decision(c.db.conn(), d).unwrap();
    let sheet = decision_sheet(c.db.conn(), &decision).unwrap();
    let (a, b) = (render_decision(&sheet, Lang::Ru).unwrap(), render_decision(&sheet, Lang::Ru).unwrap());
    assert_eq!(a.content_sha256, b.content_sha256, "the same decision laid out twice must give the same digest");
    let english = render_decision(&sheet, Lang::En).unwrap();
    assert_ne!(a.content_sha256, english.content_sha256, "other text on the page must give another digest");
    let mut other = sheet.clone();
    other.patient.last_name.push('а');
    let changed = render_decision(&other, Lang::Ru).unwrap();
    assert_ne!(
        a.content_sha256, changed.content_sha256,
        "one letter more in the patient's name must change the digest"
    );
}

#[test]
fn consent_and_administration_records_are_signed_by_their_physician() {
    use btlp_commission::administrations::{self, NewAdministration};
    use btlp_commission::signatures::RecordKind;
    let mut c = Clinic::new();
    let (case, d) = c.signed();
    let consent = c.consent(case, "25.05.2026").unwrap();
    let doc = c.as_("doc");
    let batch = c.batch_code(d);
    let given = administrations::record(
        &mut c.db,
        &doc,
        &NewAdministration { batch, ..crate::common::given(d, "01.06.2026 10:00") },
    )
    .unwrap();
    let chair = c.as_("chair");
    assert!(
        matches!(
            signatures::sign_record(&mut c.db, &chair, RecordKind::Consent, consent, &password("chair"), Lang::Ru),
            Err(Error::Refused(Rule::NotASigner))
        ),
        "only the physician who recorded the consent signs it"
    );
    for (kind, id) in [(RecordKind::Consent, consent), (RecordKind::Administration, given)] {
        signatures::sign_record(&mut c.db, &doc, kind, id, &password("doc"), Lang::Ru).unwrap();
        let pdf = signatures::record_pdf(c.db.conn(), kind, id).unwrap().expect("the signed record is stored");
        let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
        assert!(checks.len() == 1 && checks[0].valid(), "{kind:?}: one valid signature by the physician");
        assert!(
            matches!(
                signatures::sign_record(&mut c.db, &doc, kind, id, &password("doc"), Lang::Ru),
                Err(Error::Refused(Rule::AlreadySigned))
            ),
            "a record is signed once"
        );
    }
}

#[test]
fn the_signing_key_is_unsealed_and_checked_before_the_write_lock_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    let mut c = Clinic::on_file(&path);
    let (_, d) = c.approved();
    // Another workstation holds the write lock (a long write, or one signing at the same moment).
    let other = Clinic::reopen(&path);
    other.db.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    let secretary = c.as_("secretary");
    let r = signatures::sign_decision(&mut c.db, &secretary, d, "not-the-password", Lang::Ru);
    assert!(
        matches!(r, Err(Error::Auth(_))),
        "a wrong password is found while unsealing the key, without waiting for the write lock: {r:?}"
    );
    let r = sign(&mut c, d, "chair");
    assert!(
        matches!(r, Err(Error::Refused(Rule::PresidingSignsLast))),
        "a signer out of turn learns it without waiting for the write lock: {r:?}"
    );
    other.db.conn().execute_batch("ROLLBACK").unwrap();
    let s = sign(&mut c, d, "secretary").expect("with the lock free the secretary signs");
    assert_eq!(s.signers.iter().filter(|(_, at)| at.is_some()).count(), 1, "one signature is stored");
}

#[test]
fn the_decision_page_is_one_read_model_with_its_signatures_verified() {
    let mut c = Clinic::new();
    let (_, d) = c.approved();
    let before = btlp_commission::screens::decision(c.db.conn(), d).unwrap();
    assert!(before.checks.is_empty(), "nothing to verify before the first signature");
    assert!(!before.signatures.complete);
    c.sign_all(d);
    let after = btlp_commission::screens::decision(c.db.conn(), d).unwrap();
    assert_eq!(after.patient_name, "Иванов Иван Иванович", "the page names the patient");
    assert_eq!(after.checks.len(), after.signatures.signers.len(), "one verified signature per signer");
    assert!(after.checks.iter().all(|c| c.valid()), "every stored signature verifies: {:?}", after.checks);
    assert!(after.signatures.complete, "and the decision is signed by all");
}

#[test]
fn the_extract_reads_as_a_protocol_extract_with_the_decision_on_page_one() {
    let mut c = Clinic::new();
    let admin = c.as_("admin");
    btlp_commission::org::set_details(&mut c.db, &admin, "1027800123450", "123456, г. Москва, ул. Больничная, д. 1")
        .unwrap();
    let (_, d) = c.signed();
    let (pdf, _) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decision.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let f = file.to_str().unwrap();
    let first = run("pdftotext", &["-f", "1", "-l", "1", f, "-"]).replace('\u{a0}', " ");
    for needed in ["ОГРН 1027800123450", "Протокол № 1 от", "Основание", "61-ФЗ", "№ 213", "180н", "Присутствовали"]
    {
        assert!(first.contains(needed), "page 1 must carry {needed}: {first}");
    }
    assert!(first.contains("Слушали") && first.contains("Тестова"), "the physician is heard, in the accusative");
    assert!(first.contains("(докладчик)"), "the attending physician presents the case");
    assert!(first.contains("Решили") && first.contains("Одобрить применение"), "the decision's words are on page 1");
    assert!(first.contains("пациенту Иванову Ивану Ивановичу"), "the patient takes the dative: {first}");
    let all = run("pdftotext", &[f, "-"]);
    assert!(all.contains("Выписка верна"), "the extract is certified by the secretary");
    assert!(!all.contains("№\n"), "«№» never ends a line apart from its number");
}

#[test]
fn the_meeting_protocol_is_signed_after_the_meeting_closes_by_the_decisions_signers_in_their_order() {
    let mut c = Clinic::new();
    let (_, d) = c.approved();
    let m = commission::decision(c.db.conn(), d).unwrap().meeting_id;
    let sign = |c: &mut Clinic, login: &str| {
        let who = c.as_(login);
        signatures::sign_minutes(&mut c.db, &who, m, &password(login), Lang::Ru)
    };
    assert!(
        matches!(sign(&mut c, "secretary"), Err(Error::Refused(Rule::MeetingStillOpen))),
        "the protocol is signed only once the meeting is closed"
    );
    assert!(signatures::minutes_pdf(c.db.conn(), m).unwrap().is_none(), "and nothing was stored");
    let secretary = c.as_("secretary");
    commission::close_meeting(&mut c.db, &secretary, m).unwrap();
    let order: Vec<String> =
        signatures::minutes_status(c.db.conn(), m).unwrap().signers.iter().map(|(s, _)| s.login.clone()).collect();
    let decision_order: Vec<String> =
        signatures::status(c.db.conn(), d).unwrap().signers.iter().map(|(s, _)| s.login.clone()).collect();
    assert_eq!(order, decision_order, "the same signers in the same order as the meeting's decision");
    assert!(
        matches!(sign(&mut c, "chair"), Err(Error::Refused(Rule::PresidingSignsLast))),
        "the presiding member signs last"
    );
    for login in &order {
        sign(&mut c, login).unwrap_or_else(|e| panic!("{login} signs in turn: {e:?}"));
    }
    let (pdf, complete) = signatures::minutes_pdf(c.db.conn(), m).unwrap().unwrap();
    assert!(complete, "after every signer the protocol is final");
    let report = crate::common::pdfsig(&pdf, &pki::root_cert(c.db.conn()).unwrap());
    assert_eq!(report.matches("Signature is Valid").count(), order.len(), "pdfsig accepts every signature: {report}");
    let checks = signatures::verify_with_db(c.db.conn(), &pdf).unwrap();
    assert!(checks.iter().all(|ch| ch.valid()), "and so does our own verifier");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("protocol.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = run("pdftotext", &[file.to_str().unwrap(), "-"]).replace('\u{a0}', " ");
    for needed in
        ["ПРОТОКОЛ ЗАСЕДАНИЯ ВРАЧЕБНОЙ КОМИССИИ", "Протокол № 1", "Присутствовали", "Повестка", "Слушали", "Решили"]
    {
        assert!(text.contains(needed), "the protocol carries {needed}: {text}");
    }
    assert!(matches!(sign(&mut c, "secretary"), Err(Error::Refused(Rule::AlreadySigned))), "a protocol is signed once");
}

#[test]
fn the_consent_form_prints_prefilled_for_the_patient_the_product_and_the_sheets_version() {
    let mut c = Clinic::new();
    let case = c.ready_case();
    let pdf =
        btlp_commission::documents::render_consent_form(c.db.conn(), case, "ИДС-БТЛП v3", "ИЛ-CAR-T v2", Lang::Ru)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("consent.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = run("pdftotext", &[file.to_str().unwrap(), "-"]).replace('\u{a0}', " ");
    for needed in [
        "ИНФОРМИРОВАННОЕ ДОБРОВОЛЬНОЕ СОГЛАСИЕ",
        "Иванов Иван Иванович",
        "пациенту Иванову",
        "ИЛ-CAR-T v2",
        "ИДС-БТЛП v3",
    ] {
        assert!(text.contains(needed), "the form is prefilled with {needed}: {text}");
    }
}

/// The text an appearance stream shows: its hex-string glyph codes read back through its font's /ToUnicode.
fn appearance_text(doc: &lopdf::Document, form: &lopdf::Stream) -> String {
    let resources = match form.dict.get(b"Resources").unwrap() {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    let fonts = match resources.get(b"Font").unwrap() {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => other.as_dict().unwrap(),
    };
    let (_, font) = fonts.iter().next().expect("the stamp uses a font");
    let font = doc.get_dictionary(font.as_reference().unwrap()).unwrap();
    let cmap = doc.get_object(font.get(b"ToUnicode").unwrap().as_reference().unwrap()).unwrap();
    let cmap = String::from_utf8(cmap.as_stream().unwrap().decompressed_content().unwrap()).unwrap();
    let map: std::collections::HashMap<String, char> = cmap
        .lines()
        .filter_map(|l| {
            let (code, uni) = l.split_once("> <")?;
            let uni = u32::from_str_radix(uni.trim_end_matches('>'), 16).ok()?;
            Some((code.trim_start_matches('<').to_string(), char::from_u32(uni)?))
        })
        .collect();
    let content = String::from_utf8_lossy(&form.decompressed_content().unwrap_or(form.content.clone())).to_string();
    content
        .lines()
        .filter_map(|l| l.strip_suffix("> Tj")?.strip_prefix('<').map(str::to_string))
        .map(|hex| {
            let glyphs = hex.as_bytes().chunks(4).map(|c| map.get(std::str::from_utf8(c).unwrap()).copied());
            glyphs.map(|g| g.unwrap_or('\u{fffd}')).collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_signed_extract_has_the_archival_structure_and_shows_each_signer_in_cyrillic() {
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    let (pdf, _) = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decision.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let f = file.to_str().unwrap();

    let info = run("pdfinfo", &[f]);
    assert!(info.contains("PDF version:     1.7"), "PDF/A-2 is built on PDF 1.7: {info}");
    assert!(info.contains("Metadata Stream: yes"), "XMP metadata is in the catalog: {info}");
    let fonts = run("pdffonts", &[f]);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(rows.len() >= 2 + 5, "the document's two faces and one per visible signature: {fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(&cols[cols.len() - 5..cols.len() - 2], &["yes", "yes", "yes"], "every font embedded: {row}");
    }
    assert!(!fonts.contains("Helvetica"), "no standard-14 font in the appearances: {fonts}");
    let meta = run("pdfinfo", &["-meta", f]);
    let title = info.lines().find_map(|l| l.strip_prefix("Title:")).unwrap().trim();
    assert!(meta.contains(&format!(">{title}</rdf:li>")), "the XMP title repeats /Info /Title: {meta}");
    assert!(!meta.contains("pdfaid"), "no PDF/A claim that no validator has checked: {meta}");

    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1", "a PDF/A output intent");
    let profile = doc.get_object(intent.get(b"DestOutputProfile").unwrap().as_reference().unwrap()).unwrap();
    let profile = profile.as_stream().unwrap().decompressed_content().unwrap();
    assert_eq!(&profile[16..20], b"RGB ", "the output intent's profile is an RGB (sRGB) profile");

    let root = pki::root_cert(c.db.conn()).unwrap();
    let checks = signatures::verify(&pdf, &root, &[]).unwrap();
    assert!(checks.iter().all(|k| k.valid()), "visible signatures with their fonts keep every signature valid");
    let shown: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|n| n.as_name()).ok() == Some(b"Form"))
        .map(|s| appearance_text(&doc, s).replace('\u{a0}', " "))
        .collect();
    assert_eq!(shown.len(), checks.len(), "one visible signature per signer: {shown:?}");
    for k in &checks {
        let short = btlp_commission::names::short(&k.signer_cn).replace('\u{a0}', " ");
        let number = format!("сертификат № {}", k.signer_serial_hex);
        assert!(
            shown.iter().any(|s| s.contains(&short) && s.contains(&number)),
            "the signature box shows «{short}» in Cyrillic and its certificate number: {shown:?}"
        );
    }
}
