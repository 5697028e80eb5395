//! The commission's journal (XLSX, CSV, PDF read back) and the deadline board.
use crate::common::{password, Clinic};
use btlp_commission::deadlines::{self, ItemKind};
use btlp_commission::journal::{self, Format};
use btlp_commission::order::Order;
use btlp_commission::reports::{self, Filter};
use btlp_commission::{Error, Lang};
use calamine::{open_workbook, Reader, Xlsx};
use chrono::NaiveDate;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%d.%m.%Y").unwrap()
}

#[test]
fn the_journal_exports_as_xlsx_that_reads_back() {
    let mut c = Clinic::new();
    let (_, d, _) = c.administered("01.06.2026 10:00");
    let number = btlp_commission::commission::decision(c.db.conn(), d).unwrap().number;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("journal.xlsx");
    let admin = c.as_("admin");
    let n = journal::export(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        "01.01.2026",
        "31.12.2026",
        Format::Xlsx,
        Lang::Ru,
        &out,
    )
    .unwrap();
    assert_eq!(n, 1);
    let mut book: Xlsx<_> = open_workbook(&out).expect("calamine opens the workbook");
    let sheet = book.worksheet_range("Журнал").expect("the sheet is named in Russian");
    let cell = |r: u32, col: u32| sheet.get_value((r, col)).map(|v| v.to_string()).unwrap_or_default();
    assert_eq!(cell(0, 0), "№ решения", "the header row names the columns in Russian");
    assert_eq!(cell(1, 0), number, "one row per decision, in number order");
    assert_eq!(cell(1, 1), "01.06.2026", "dates as ДД.ММ.ГГГГ");
    assert_eq!(cell(1, 2), "Иванов Иван Иванович");
    assert_eq!(cell(1, 10), "одобрено", "the outcome in words");
    assert_eq!(cell(1, 15), "01.06.2026 10:00", "the administration the decision authorised");
    assert_eq!(cell(1, 17), "протокол №\u{a0}1 от 01.06.2026", "the journal lists the meeting's protocol too");
    let none = journal::export(
        &mut c.db,
        &admin,
        "запрос Росздравнадзора № 17",
        "01.01.2025",
        "31.12.2025",
        Format::Xlsx,
        Lang::Ru,
        &out,
    )
    .unwrap();
    assert_eq!(none, 0, "the period filters");
}

#[test]
fn the_journal_csv_opens_back_with_its_cyrillic_and_the_pdf_prints_it() {
    let mut c = Clinic::new();
    c.signed();
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("journal.csv");
    let admin = c.as_("admin");
    journal::export(&mut c.db, &admin, "запрос Росздравнадзора № 17", "", "", Format::Csv, Lang::Ru, &csv_path)
        .unwrap();
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM lets Excel read UTF-8 Cyrillic");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&reader.headers().unwrap()[2], "Пациент (ФИО)");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "Иванов Иван Иванович", "the Cyrillic survives the round trip");
    assert_eq!(&row[8], "CAR-T анти-CD19");

    let pdf_path = dir.path().join("journal.pdf");
    journal::export(&mut c.db, &admin, "запрос Росздравнадзора № 17", "", "", Format::Pdf, Lang::Ru, &pdf_path)
        .unwrap();
    let text =
        std::process::Command::new("pdftotext").arg(&pdf_path).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Иванов Иван"), "the PDF journal carries the patient in extractable Cyrillic:\n{text}");
    assert!(text.contains("Журнал решений врачебной комиссии"), "and its title");

    let doc = c.as_("doc");
    let r = journal::export(&mut c.db, &doc, "запрос Росздравнадзора № 17", "", "", Format::Csv, Lang::Ru, &csv_path);
    assert!(matches!(r, Err(Error::Forbidden { .. })), "a physician does not export the commission's journal");
    assert!(matches!(Format::parse("docx"), Err(Error::Invalid { field: "format", .. })));
}

#[test]
fn an_overdue_report_appears_first_on_the_board_and_leaves_it_when_sent() {
    let mut c = Clinic::new();
    c.administered("01.06.2026 10:00");
    let (_, unused) = c.signed();
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    let report = board.iter().find(|i| i.kind == ItemKind::Report).expect("the use's report is on the board");
    assert_eq!(report.due_on, day("08.06.2026"));
    assert!(!report.overdue && report.days_left == 7);
    let window = board.iter().find(|i| i.kind == ItemKind::DecisionWindow).expect("an approved, unused decision");
    assert_eq!(window.decision_id, Some(unused));
    assert_eq!(window.due_on, day("30.06.2026"), "due at the end of its window");

    c.at("2026-06-09T09:00:00+03:00");
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    assert_eq!(board[0].kind, ItemKind::Report, "the overdue report is listed first");
    assert!(board[0].overdue && board[0].days_left == -1, "one day past 08.06.2026");
    assert!(board.iter().skip(1).all(|i| !i.overdue), "nothing else is overdue yet");

    let id = board[0].report_id.unwrap();
    let doc = c.as_("doc");
    reports::sign(&mut c.db, &doc, id, &password("doc"), Lang::Ru).unwrap();
    assert!(
        deadlines::board(c.db.conn(), c.db.today()).unwrap().iter().any(|i| i.report_id == Some(id)),
        "signed is not sent: it stays on the board"
    );
    reports::mark_sent(&mut c.db, &doc, id, "09.06.2026", "исх-1").unwrap();
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    assert!(!board.iter().any(|i| i.report_id == Some(id)), "a sent report leaves the board");
    assert_eq!(reports::list(c.db.conn(), Filter::Open, None, Order::Deadline, 10, 0).unwrap().1, 0);
}

#[test]
fn the_board_asks_for_benefit_risk_reports_and_the_permit_confirmation() {
    let mut c = Clinic::new();
    c.administered("01.06.2026 10:00");
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    assert!(!board.iter().any(|i| i.kind == ItemKind::BenefitRiskMissing), "the half-year has not ended");
    assert!(!board.iter().any(|i| i.kind == ItemKind::PermitConfirmation), "the permit is years from confirmation");
    c.at("2026-07-01T09:00:00+03:00");
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    let br =
        board.iter().find(|i| i.kind == ItemKind::BenefitRiskMissing).expect("H1 2026 needs a benefit–risk report");
    assert_eq!(
        (br.period_from, br.period_to, br.due_on),
        (Some(day("01.01.2026")), Some(day("30.06.2026")), day("08.09.2026"))
    );
    let doc = c.as_("doc");
    reports::open_benefit_risk(&mut c.db, &doc, "CAR-T анти-CD19", "01.06.2026", "").unwrap();
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    assert!(!board.iter().any(|i| i.kind == ItemKind::BenefitRiskMissing), "once opened, it is tracked as a report");
    assert!(board.iter().any(|i| i.report_kind == Some(reports::Kind::BenefitRisk)));

    c.at("2029-12-01T09:00:00+03:00");
    let board = deadlines::board(c.db.conn(), c.db.today()).unwrap();
    let permit =
        board.iter().find(|i| i.kind == ItemKind::PermitConfirmation).expect("confirmation due within half a year");
    assert_eq!(permit.due_on, day("15.03.2030"), "5 years after the permit of 15.03.2025");
    assert!(permit.provisional, "2030's production calendar is not shipped, and the board says so");
}

#[test]
fn the_journals_show_on_screen_as_they_export_and_only_to_those_who_may_read_them() {
    use btlp_commission::production::qc;
    let mut c = Clinic::new();
    c.signed();
    let table = journal::table(c.db.conn(), &c.as_("m1"), "", "", Lang::Ru).unwrap();
    assert_eq!(table.rows.len(), 1, "the member sees the decision on screen");
    assert_eq!(table.header.len(), table.rows[0].len(), "a cell under every column, as in the export");
    assert!(table.rows[0].iter().any(|cell| cell.contains("Иванов")), "the row names the patient");
    assert!(
        matches!(journal::table(c.db.conn(), &c.as_("qc"), "", "", Lang::Ru), Err(Error::Forbidden { .. })),
        "the lab does not read the commission's decisions"
    );
    assert!(qc::table(c.db.conn(), &c.as_("qc"), "", "", Lang::Ru).is_ok(), "QC staff see their own journal");
    assert!(qc::table(c.db.conn(), &c.as_("doc"), "", "", Lang::Ru).is_ok(), "so does the physician who administers");
    assert!(
        matches!(qc::table(c.db.conn(), &c.as_("m1"), "", "", Lang::Ru), Err(Error::Forbidden { .. })),
        "a commission member does not read the lab's journal"
    );
}
