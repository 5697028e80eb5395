//! The decisions archive: what it holds and how it can be checked, who may make it, the period filter, and
//! that a cancelled export leaves nothing behind.
use crate::common::{pdfsig, Clinic};
use btlp_commission::error::Rule;
use btlp_commission::exports::Selection;
use btlp_commission::signing::ca;
use btlp_commission::{exports, pki, signatures, Error};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::atomic::AtomicBool;

fn all() -> Selection {
    Selection::default()
}

fn period(from: &str, to: &str) -> Selection {
    Selection { from: from.into(), to: to.into(), patient: None }
}

fn entries(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[test]
fn the_archive_holds_signed_pdfs_a_manifest_that_matches_them_and_the_root() {
    let mut c = Clinic::new();
    let (_, d) = c.signed();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive.zip");
    let admin = c.as_("admin");
    let mut heard = Vec::new();
    let done = exports::decisions_archive(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        &all(),
        &out,
        |a, b| heard.push((a, b)),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(done.decisions, 1);
    assert_eq!(heard, vec![(1, 1)], "progress is reported after each decision");
    let files = entries(&out);
    let pdf =
        &files.iter().find(|(n, _)| n.starts_with("decisions/") && n.ends_with(".pdf")).expect("a decision PDF").1;
    let stored = signatures::decision_pdf(c.db.conn(), d).unwrap().unwrap().0;
    assert_eq!(pdf, &stored, "the archive carries the stored signed bytes unchanged");
    let digest = hex::encode(Sha256::digest(pdf));
    let csv = String::from_utf8(files.iter().find(|(n, _)| n == "manifest.csv").unwrap().1.clone()).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM lets Excel read the Cyrillic manifest as UTF-8");
    assert!(
        csv.contains(&digest) && csv.contains(",yes,"),
        "the manifest lists the file's SHA-256 and that it is signed: {csv}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1).unwrap();
    assert_eq!(json[0]["sha256"], digest, "the JSON manifest agrees with the CSV");
    let pem = String::from_utf8(files.iter().find(|(n, _)| n == "root.pem").unwrap().1.clone()).unwrap();
    let root = ca::from_pem(&pem).unwrap();
    assert_eq!(root, pki::root_cert(c.db.conn()).unwrap(), "the archive's root is the clinic's");
    let checks = signatures::verify(pdf, &root, &[]).unwrap();
    assert!(
        !checks.is_empty() && checks.iter().all(|k| k.valid()),
        "an outside verifier with root.pem accepts every signature"
    );
    assert!(files.iter().any(|(n, _)| n == "README.txt"), "the archive says how to check it");
    let report = pdfsig(pdf, &root);
    assert!(
        report.matches("Signature is Valid").count() == checks.len() && report.contains("Certificate is Trusted"),
        "pdfsig, trusting only the archive's root.pem, accepts every signature:\n{report}"
    );
}

#[test]
fn an_archive_of_one_patient_holds_only_their_decisions() {
    let mut c = Clinic::new();
    let (case, _) = c.signed();
    c.signed();
    let patient = btlp_commission::cases::get(c.db.conn(), case).unwrap().patient_id;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("one.zip");
    let admin = c.as_("admin");
    let selection = Selection { patient: Some(patient), ..Selection::default() };
    let done = exports::decisions_archive(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        &selection,
        &out,
        |_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(done.decisions, 1, "two patients have a decision each; the archive of one holds one");
    let json: serde_json::Value =
        serde_json::from_slice(&entries(&out).into_iter().find(|(n, _)| n == "manifest.json").unwrap().1).unwrap();
    assert_eq!(json[0]["patient_code"], patient.to_string(), "and it is that patient's");
}

#[test]
fn only_an_admin_exports_and_the_period_filters() {
    let mut c = Clinic::new();
    c.signed();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.zip");
    let doc = c.as_("doc");
    let never = AtomicBool::new(false);
    let r = exports::decisions_archive(&mut c.db, &doc, "запрос Росздравнадзора № 17", &all(), &out, |_, _| {}, &never);
    assert!(matches!(r, Err(Error::Forbidden { .. })), "a physician must not export the archive");
    assert!(!out.exists(), "a refused export writes nothing");
    let admin = c.as_("admin");
    let none = exports::decisions_archive(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        &period("01.01.2025", "31.12.2025"),
        &out,
        |_, _| {},
        &never,
    )
    .unwrap();
    assert_eq!(none.decisions, 0, "a period before the decision exports none of it");
    let r = exports::decisions_archive(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        &period("31.12.2025", "01.01.2025"),
        &out,
        |_, _| {},
        &never,
    );
    assert!(matches!(r, Err(Error::Invalid { field: "to", .. })), "a period that ends before it starts is refused");
}

#[test]
fn a_cancelled_export_leaves_no_archive_and_no_partial_file() {
    let mut c = Clinic::new();
    c.signed();
    c.signed();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive.zip");
    let admin = c.as_("admin");
    let cancel = AtomicBool::new(false);
    let audit_before = c.count("audit_log");
    let r = exports::decisions_archive(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        &all(),
        &out,
        |_, _| cancel.store(true, std::sync::atomic::Ordering::SeqCst),
        &cancel,
    );
    assert!(matches!(r, Err(Error::Refused(Rule::Cancelled))), "cancelling after the first decision stops the export");
    assert!(!out.exists(), "no archive may appear under the final name");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the partial file is removed");
    assert_eq!(c.count("audit_log"), audit_before, "a cancelled export records nothing: the database is unchanged");
}

#[test]
fn every_export_needs_a_reason_and_is_logged_with_who_when_and_why() {
    use btlp_commission::error::Check;
    use btlp_commission::journal::{self, Format};
    use btlp_commission::production::qc;
    use btlp_commission::Lang;
    let mut c = Clinic::new();
    c.signed();
    let admin = c.as_("admin");
    let dir = tempfile::tempdir().unwrap();
    let (zip, csv, qc_csv) = (dir.path().join("a.zip"), dir.path().join("j.csv"), dir.path().join("q.csv"));
    let never = AtomicBool::new(false);
    let refused = [
        exports::decisions_archive(&mut c.db, &admin, "  ", &all(), &zip, |_, _| {}, &never).map(|_| ()),
        journal::export(&mut c.db, &admin, "", "", "", Format::Csv, Lang::Ru, &csv).map(drop),
        qc::export(&mut c.db, &admin, "", "", "", Format::Csv, Lang::Ru, &qc_csv).map(drop),
    ];
    for r in refused {
        assert!(
            matches!(r, Err(Error::Invalid { field: "reason", check: Check::Required })),
            "an export without its reason must be refused beside the reason field: {r:?}"
        );
    }
    assert!(!zip.exists() && !csv.exists() && !qc_csv.exists(), "a refused export writes no file");
    assert!(exports::export_log(c.db.conn(), &admin, 10).unwrap().is_empty(), "and logs nothing");

    let why = "запрос Росздравнадзора № 12 от 01.06.2026";
    exports::decisions_archive(&mut c.db, &admin, why, &period("01.01.2026", "31.12.2026"), &zip, |_, _| {}, &never)
        .unwrap();
    journal::export(&mut c.db, &admin, "проверка журнала", "", "", Format::Csv, Lang::Ru, &csv).unwrap();
    let log = exports::export_log(c.db.conn(), &admin, 10).unwrap();
    assert_eq!(log.len(), 2, "each export is logged once");
    let archive = log.iter().find(|e| e.kind == exports::ExportKind::Decisions).unwrap();
    assert_eq!(archive.reason, why, "the log keeps the reason as given");
    assert_eq!((archive.login.as_str(), archive.file.as_str()), ("admin", "a.zip"), "who and which file");
    assert_eq!(archive.from.map(|d| d.to_string()).as_deref(), Some("2026-01-01"), "and the period");
    assert!(
        matches!(exports::export_log(c.db.conn(), &c.as_("doc"), 10), Err(Error::Forbidden { .. })),
        "the export log is for those who may export"
    );
}
