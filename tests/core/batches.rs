//! Batches, their chain of identity and quality control: stages in order, release only after every required
//! test passed, and the bedside check that refuses any batch not made for this patient and case, not
//! released, expired or disposed of (rules 7 and 8).
use crate::common::{given, release_terms, sterility, Clinic};
use btlp_commission::error::{Check, Rule};
use btlp_commission::journal::Format;
use btlp_commission::production::{self, qc, Disposal, NewStage, Stage};
use btlp_commission::{documents, Error, Lang};
use std::process::Command;
use uuid::Uuid;

fn stage(stage: Stage, at: &str) -> NewStage {
    NewStage {
        stage: stage.code().into(),
        done_at: at.into(),
        place: "Чистое помещение № 1".into(),
        result: "Выполнено".into(),
    }
}

/// An approved, signed decision with consent, ready to be given.
fn ready(c: &mut Clinic) -> (Uuid, Uuid) {
    let (case, d) = c.signed();
    c.consent(case, "25.05.2026").unwrap();
    (case, d)
}

fn give_with(c: &mut Clinic, d: Uuid, code: &str) -> btlp_commission::Result<Uuid> {
    let mut a = given(d, "01.06.2026 10:00");
    a.batch = code.to_string();
    c.record_given(a)
}

#[test]
fn a_batch_made_for_another_patient_is_refused_at_the_bedside() {
    let mut c = Clinic::new();
    let (_, d) = ready(&mut c);
    let (_, other) = ready(&mut c);
    let theirs = c.batch_code(other);
    let r = give_with(&mut c, d, &theirs);
    assert!(
        matches!(r, Err(Error::Refused(Rule::BatchOtherPatient))),
        "another patient's batch must never be given: {r:?}"
    );
    assert_eq!(c.count("administrations"), 0, "nothing is recorded");
    let ours = c.batch_code(d);
    let typed = format!("  {}  ", ours.to_lowercase());
    give_with(&mut c, d, &typed)
        .expect("the patient's own released batch, typed in lower case with spaces, is accepted");
    let stages = production::stages(c.db.conn(), production::by_code(c.db.conn(), &ours).unwrap().unwrap().id).unwrap();
    assert_eq!(
        stages.last().map(|s| s.stage),
        Some(Stage::Administration),
        "the administration is a stage of the batch"
    );
}

#[test]
fn unknown_unreleased_expired_and_disposed_batches_are_refused() {
    let mut c = Clinic::new();
    let (case, d) = ready(&mut c);
    let r = give_with(&mut c, d, "P0000000000-CART19-001");
    assert!(matches!(r, Err(Error::Refused(Rule::BatchUnknown { .. }))), "a code no batch carries: {r:?}");
    assert_eq!(r.unwrap_err().field(), Some("batch"), "the refusal points at the batch field");

    let unreleased = c.batch_at(case, Stage::QualityControl);
    let code = production::batch(c.db.conn(), unreleased).unwrap().code;
    let r = give_with(&mut c, d, &code);
    assert!(matches!(r, Err(Error::Refused(Rule::BatchNotReleased))), "a batch QC has not released: {r:?}");

    let qc_user = c.as_("qc");
    let t = qc::plan(&mut c.db, &qc_user, unreleased, &sterility(true)).unwrap();
    qc::record_result(&mut c.db, &qc_user, t, "Роста нет", true, "25.05.2026").unwrap();
    let mut short = release_terms();
    short.expires_on = "31.05.2026".into();
    qc::release(&mut c.db, &qc_user, unreleased, &short).unwrap();
    let r = give_with(&mut c, d, &code);
    assert!(
        matches!(r, Err(Error::Refused(Rule::BatchExpired { ref on })) if on == "31.05.2026"),
        "a batch past its expiry date, named: {r:?}"
    );

    let prod = c.as_("prod");
    let disposal = Disposal {
        done_at: "01.06.2026 09:00".into(),
        place: "Участок утилизации".into(),
        quantity: "1 мешок, 50 мл".into(),
        method: "Автоклавирование, затем сжигание".into(),
        reason: "Истёк срок годности".into(),
    };
    production::dispose(&mut c.db, &prod, unreleased, &disposal).unwrap();
    let r = give_with(&mut c, d, &code);
    assert!(matches!(r, Err(Error::Refused(Rule::BatchDisposed))), "a disposed batch: {r:?}");
    let last = production::stages(c.db.conn(), unreleased).unwrap().pop().unwrap();
    assert_eq!(
        (last.quantity.as_deref(), last.method.as_deref(), last.result.as_str()),
        (Some("1 мешок, 50 мл"), Some("Автоклавирование, затем сжигание"), "Истёк срок годности"),
        "the disposal keeps quantity, method and reason"
    );
    assert_eq!(c.count("administrations"), 0, "no refused attempt was recorded");
}

#[test]
fn a_batch_of_another_case_of_the_same_patient_is_refused() {
    let mut c = Clinic::new();
    let (case, d) = ready(&mut c);
    let patient: Uuid =
        c.db.conn().query_row("SELECT patient_id FROM cases WHERE id = ?1", [case], |r| r.get(0)).unwrap();
    let second = c.new_case(patient);
    let b = c.batch_at(second, Stage::QualityControl);
    c.release(b).unwrap();
    let code = production::batch(c.db.conn(), b).unwrap().code;
    let r = give_with(&mut c, d, &code);
    assert!(matches!(r, Err(Error::Refused(Rule::BatchOtherCase))), "a batch for the same patient's other case: {r:?}");
}

#[test]
fn stages_out_of_order_or_back_in_time_are_refused() {
    let mut c = Clinic::new();
    let (case, _) = c.approved();
    let prod = c.as_("prod");
    let b = production::create_batch(&mut c.db, &prod, case, "cart19").unwrap();
    assert!(b.code.ends_with("-CART19-001"), "patient code, product code and number: {}", b.code);
    assert_eq!(
        production::patient_code(b.patient_id),
        b.code.split('-').next().unwrap(),
        "the code starts with the patient"
    );
    let r = production::record_stage(&mut c.db, &prod, b.id, &stage(Stage::Manufacture, "15.05.2026 09:00"));
    assert!(
        matches!(r, Err(Error::Refused(Rule::StageOutOfOrder { ref expected, .. })) if expected == "collection"),
        "manufacture before the collection must be refused, naming the stage due: {r:?}"
    );
    production::record_stage(&mut c.db, &prod, b.id, &stage(Stage::Collection, "10.05.2026 09:00")).unwrap();
    let r = production::record_stage(&mut c.db, &prod, b.id, &stage(Stage::GeneticStudy, "09.05.2026 09:00"));
    assert!(
        matches!(r, Err(Error::Refused(Rule::StageBeforePrevious { .. }))),
        "a stage before its predecessor: {r:?}"
    );
    let r = production::record_stage(&mut c.db, &prod, b.id, &stage(Stage::GeneticStudy, "02.06.2026 09:00"));
    assert!(matches!(r, Err(Error::Invalid { field: "done_at", check: Check::NotInFuture })), "not in the future");
    let r = production::record_stage(&mut c.db, &prod, b.id, &stage(Stage::Release, "12.05.2026 09:00"));
    assert!(matches!(r, Err(Error::Invalid { field: "stage", .. })), "release has its own operation with QC's checks");
    let doc = c.as_("doc");
    let r = production::record_stage(&mut c.db, &doc, b.id, &stage(Stage::GeneticStudy, "12.05.2026 09:00"));
    assert!(matches!(r, Err(Error::Forbidden { .. })), "only production staff record stages");
    let second = production::create_batch(&mut c.db, &prod, case, "CART19").unwrap();
    assert!(second.code.ends_with("-CART19-002"), "the next batch of the product is numbered on: {}", second.code);
    let changed = c.db.conn().execute("UPDATE batch_stages SET result = 'x'", []);
    assert!(changed.is_err(), "a recorded stage is never changed, even behind the app's back");
}

#[test]
fn release_needs_every_required_test_passed_and_the_qc_role() {
    let mut c = Clinic::new();
    let (case, _) = c.approved();
    let qc_user = c.as_("qc");
    let early = c.batch_at(case, Stage::GeneticStudy);
    let r = qc::plan(&mut c.db, &qc_user, early, &sterility(true));
    assert!(
        matches!(r, Err(Error::Refused(Rule::StageOutOfOrder { .. }))),
        "nothing to test before manufacture: {r:?}"
    );
    let b = c.batch_at(case, Stage::QualityControl);
    let r = qc::release(&mut c.db, &qc_user, b, &release_terms());
    assert!(matches!(r, Err(Error::Refused(Rule::QcNoTests))), "no tests, no release: {r:?}");

    let sterile = qc::plan(&mut c.db, &qc_user, b, &sterility(true)).unwrap();
    let mut note = sterility(false);
    note.name = "Цитокиновый профиль".into();
    qc::plan(&mut c.db, &qc_user, b, &note).unwrap();
    let r = qc::release(&mut c.db, &qc_user, b, &release_terms());
    assert!(
        matches!(r, Err(Error::Refused(Rule::QcMissing { ref test })) if test == "Стерильность"),
        "a required test without a result blocks release and is named: {r:?}"
    );
    qc::record_result(&mut c.db, &qc_user, sterile, "Рост микроорганизмов", false, "25.05.2026").unwrap();
    let r = qc::release(&mut c.db, &qc_user, b, &release_terms());
    assert!(matches!(r, Err(Error::Refused(Rule::QcFailed { .. }))), "a failed required test blocks release: {r:?}");
    let again = qc::record_result(&mut c.db, &qc_user, sterile, "Роста нет", true, "26.05.2026");
    assert!(matches!(again, Err(Error::Refused(Rule::QcResultFinal))), "a recorded result is never rewritten");
    let raw = c.db.conn().execute("UPDATE qc_tests SET passed = 1", []);
    assert!(raw.is_err(), "not even behind the app's back");

    let b2 = c.batch_at(case, Stage::QualityControl);
    let t = qc::plan(&mut c.db, &qc_user, b2, &sterility(true)).unwrap();
    qc::record_result(&mut c.db, &qc_user, t, "Роста нет", true, "25.05.2026").unwrap();
    let prod = c.as_("prod");
    let r = qc::release(&mut c.db, &prod, b2, &release_terms());
    assert!(matches!(r, Err(Error::Forbidden { .. })), "only QC staff release");
    qc::release(&mut c.db, &qc_user, b2, &release_terms()).expect("the optional test does not hold release back");
    let released = production::batch(c.db.conn(), b2).unwrap();
    assert_eq!(released.last_stage, Some(Stage::Release));
    assert_eq!(released.expires_on.map(|d| d.to_string()).as_deref(), Some("2026-12-31"), "the expiry is kept");
}

/// Reads a binary PGM (as `pdftoppm -gray` writes it): width, height, pixels.
fn pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "a binary greymap");
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

#[test]
fn the_label_qr_code_decodes_to_the_chain_of_identity_code() {
    let mut c = Clinic::new();
    let (_, d) = ready(&mut c);
    let code = c.batch_code(d);
    let batch = production::by_code(c.db.conn(), &code).unwrap().unwrap();
    let pdf = documents::render_label(c.db.conn(), batch.id, Lang::Ru).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("label.pdf"), &pdf).unwrap();
    let info = Command::new("pdfinfo").arg(dir.path().join("label.pdf")).output().unwrap().stdout;
    let info = String::from_utf8_lossy(&info);
    assert!(info.contains("283.465 x 141.732 pts"), "the label printer's 100 × 50 mm by default: {info}");
    let out = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-singlefile", "label.pdf", "label"])
        .current_dir(dir.path())
        .output()
        .expect("poppler-utils is installed (scripts/deps.sh)");
    assert!(out.status.success(), "pdftoppm renders the label");
    let (w, h, pixels) = pgm(&std::fs::read(dir.path().join("label.pgm")).unwrap());
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the label");
    let (_, text) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(text, code, "the QR code carries the chain-of-identity code");
    let text = Command::new("pdftotext").arg(dir.path().join("label.pdf")).arg("-").output().unwrap().stdout;
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains(&code) && text.contains("31.12.2026"), "the code and the expiry are printed too");
    assert!(text.contains("4521/26"), "the medical record number is the second patient identifier: {text}");
    for needed in ["ДЛЯ ИНДИВИДУАЛЬНОГО ПРИМЕНЕНИЯ", "ТОЛЬКО ДЛЯ АУТОЛОГИЧНОГО ПРИМЕНЕНИЯ"]
    {
        assert!(text.contains(needed), "the label says {needed}: {text}");
    }
    let admin = c.as_("admin");
    documents::set_label_size(&mut c.db, &admin, documents::LabelSize::A4).unwrap();
    let sheet = documents::render_label(c.db.conn(), batch.id, Lang::Ru).unwrap();
    std::fs::write(dir.path().join("sheet.pdf"), &sheet).unwrap();
    let info = Command::new("pdfinfo").arg(dir.path().join("sheet.pdf")).output().unwrap().stdout;
    assert!(String::from_utf8_lossy(&info).contains("(A4)"), "an A4 sheet when the clinic chose it");
    let qc = c.as_("qc");
    let r = documents::set_label_size(&mut c.db, &qc, documents::LabelSize::Roll100x50);
    assert!(matches!(r, Err(btlp_commission::Error::Forbidden { .. })), "only an admin sets the label size");
}

#[test]
fn the_qc_journal_exports_as_xlsx_and_pdf() {
    use calamine::{Reader, Xlsx};
    let mut c = Clinic::new();
    let (_, d) = ready(&mut c);
    let code = c.batch_code(d);
    let admin = c.as_("admin");
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("qc.xlsx");
    let n = qc::export(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        "01.05.2026",
        "31.05.2026",
        Format::Xlsx,
        Lang::Ru,
        &xlsx,
    )
    .unwrap();
    assert_eq!(n, 1, "the one test made in May");
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(cells[0], code, "the batch's code");
    assert_eq!(&cells[1..3], ["Стерильность", "Стерильно"], "test and specification");
    assert_eq!(cells[5], "соответствует", "the verdict in words");
    assert_eq!(cells[6], "Тестов qc Тестович", "the analyst");
    let pdf = dir.path().join("qc.pdf");
    qc::export(&mut c.db, &admin, "запрос Росздравнадзора № 17", "", "", Format::Pdf, Lang::Ru, &pdf).unwrap();
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout;
    assert!(String::from_utf8_lossy(&text).contains("Стерильность"), "the PDF lists the test");
    for who in ["doc", "qc"] {
        let user = c.as_(who);
        let r = qc::export(&mut c.db, &user, "запрос Росздравнадзора № 17", "", "", Format::Pdf, Lang::Ru, &pdf);
        assert!(matches!(r, Err(Error::Forbidden { .. })), "only admins export the journal, not {who}");
    }
}

#[test]
fn the_batch_page_offers_only_the_stages_the_order_allows_next() {
    let mut c = Clinic::new();
    let (case, _) = ready(&mut c);
    let b = c.batch_at(case, Stage::Manufacture);
    let screen = btlp_commission::screens::batch(c.db.conn(), b).unwrap();
    assert_eq!(screen.stages.len(), 3, "collection, genetic study and manufacture are recorded");
    assert!(screen.next_stages.contains(&Stage::QualityControl), "quality control comes next");
    assert!(
        !screen.next_stages.contains(&Stage::Release),
        "release is not offered before QC: {:?}",
        screen.next_stages
    );
}
