//! The clinic at scale (issue 5): seeds `bench/data/scale.db` once with `btlp_commission::seed` (100,000
//! cases, 300,000 decisions and administrations, 30,000 adverse reactions, 10,000 signed decisions), then
//! times the commission's journal for one year (query, and the XLSX export), the deadline board, patient
//! searches, and the archive export of the 10,000 signed decisions, compared in the same run with `cp -r` of
//! the same PDF bytes. Prints each figure and one JSON line. `BTLP_SCALE_DB` picks another file.
mod timing;

use btlp_commission::exports::{self, Selection};
use btlp_commission::journal::{self, Format};
use btlp_commission::order::Order;
use btlp_commission::{clinic, deadlines, patients, Lang};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use timing::{median, ms, peak_mib};

fn main() {
    let path = std::env::var_os("BTLP_SCALE_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/data/scale.db")));
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        eprintln!("seeding {} (once; later runs reuse it)", path.display());
        let done = btlp_commission::seed::seed(&path, &Default::default(), |what| eprintln!("  {what}")).unwrap();
        println!(
            "seeded: {} decisions and administrations, {} reactions, {} signed: rows {:.1} s, signing {:.1} s",
            done.decisions, done.reactions, done.signed, done.rows_seconds, done.signing_seconds
        );
    }
    let mut s = clinic::sign_in(&path, "admin", "admin-demo").unwrap();
    let year = (Some("2025-01-01".parse().unwrap()), Some("2025-12-31".parse().unwrap()));
    let mut rows = 0;
    if let Some(mib) = std::env::var_os("BTLP_CACHE_MIB") {
        let kib: i64 = mib.to_string_lossy().parse::<i64>().unwrap() * 1024;
        s.db.conn().execute_batch(&format!("PRAGMA cache_size = -{kib}")).unwrap();
    }
    let journal_query = median(5, || rows = journal::rows(s.db.conn(), year.0, year.1).unwrap().len());
    println!("journal 2025 ({rows} decisions), query: {journal_query:.0} ms median of 5");
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("journal.xlsx");
    let actor = s.actor.clone();
    let journal_xlsx = ms(|| {
        journal::export(
            &mut s.db,
            &actor,
            "запрос Росздравнадзора № 17",
            "01.01.2025",
            "31.12.2025",
            Format::Xlsx,
            Lang::Ru,
            &xlsx,
        )
        .unwrap();
    });
    let xlsx_mib = std::fs::metadata(&xlsx).unwrap().len() as f64 / 1048576.0;
    println!("journal 2025 as XLSX: {journal_xlsx:.0} ms ({xlsx_mib:.1} MiB)");
    let journal_csv = ms(|| {
        let csv = out.path().join("journal.csv");
        journal::export(
            &mut s.db,
            &actor,
            "запрос Росздравнадзора № 17",
            "01.01.2025",
            "31.12.2025",
            Format::Csv,
            Lang::Ru,
            &csv,
        )
        .unwrap();
    });
    println!("journal 2025 as CSV: {journal_csv:.0} ms");
    let today = s.db.today();
    let mut items = 0;
    let board = median(5, || items = deadlines::board(s.db.conn(), today).unwrap().len());
    println!("deadline board ({items} items): {board:.0} ms median of 5");
    // The home worklist of the secretary (every unsigned decision awaits her signature) and of a member.
    for (login, password) in [("secretary", "secretary-demo"), ("member1", "member1-demo")] {
        let who = clinic::sign_in(&path, login, password).unwrap();
        let mut waiting = 0;
        let took = median(5, || {
            waiting = btlp_commission::screens::worklist(who.db.conn(), &who.actor, today).unwrap().to_sign.len()
        });
        println!("home worklist of {login} ({waiting} decisions to sign shown): {took:.1} ms median of 5");
    }
    // Patient search as a user types («петров1234», «ивановна», «1234 сергеевич»), each keystroke from the
    // third letter on: the first 25 with the total, through the trigram index, beside the scan of every name
    // that the search was before it (the same queries, the same run).
    let typed: Vec<String> = ["петров1234", "ивановна", "кузнецов777 ан", "34 сергеевич"]
        .iter()
        .flat_map(|w| (3..=w.chars().count()).map(move |n| w.chars().take(n).collect::<String>()))
        .collect();
    let keystrokes = |f: &mut dyn FnMut(&str)| {
        let mut all: Vec<f64> = Vec::new();
        for _ in 0..5 {
            all.extend(typed.iter().map(|q| ms(|| f(q))));
        }
        all.sort_by(|a, b| a.total_cmp(b));
        (all[all.len() / 2], all[(all.len() * 95 / 100).min(all.len() - 1)])
    };
    let conn = s.db.conn();
    let (index_p50, index_p95) = keystrokes(&mut |q| {
        patients::find(conn, q, Order::Patient, 25).unwrap();
    });
    let (scan_p50, scan_p95) = keystrokes(&mut |q| {
        let pattern = format!("%{}%", q.to_lowercase().replace('ё', "е"));
        let sql = "SELECT id FROM patients WHERE name_key LIKE ?1 ORDER BY name_key, birth_date LIMIT 25";
        let _: Vec<String> =
            conn.prepare_cached(sql).unwrap().query_map([&pattern], |r| r.get(0)).unwrap().flatten().collect();
        let _: i64 =
            conn.query_row("SELECT count(*) FROM patients WHERE name_key LIKE ?1", [&pattern], |r| r.get(0)).unwrap();
    });
    println!(
        "patient search by a part of the ФИО, {} keystrokes × 5, first 25 with the total: trigram index p50 \
         {index_p50:.2} / p95 {index_p95:.2} ms; the scan of every name p50 {scan_p50:.1} / p95 {scan_p95:.1} ms",
        typed.len()
    );
    let by_snils = median(20, || {
        patients::find(s.db.conn(), "001-012-34", Order::Patient, 25).unwrap();
    });
    println!("patient search by СНИЛС prefix: {by_snils:.2} ms (median of 20)");
    if std::env::var_os("BTLP_SCALE_SEARCH_ONLY").is_some() {
        for q in &typed {
            let (took, _) = timing::spread(5, || drop(patients::find(s.db.conn(), q, Order::Patient, 25).unwrap()));
            println!("  «{q}»: {took:.2} ms");
        }
        return;
    }

    let before = peak_mib();
    let zip = out.path().join("archive.zip");
    let mut exported = 0;
    let export_ms = ms(|| {
        let never = AtomicBool::new(false);
        exported = exports::decisions_archive(
            &mut s.db,
            &actor,
            "запрос Росздравнадзора № 17",
            &Selection::default(),
            &zip,
            |_, _| {},
            &never,
        )
        .unwrap()
        .decisions;
    });
    let peak = peak_mib();
    // What the archive cannot avoid: reading the same PDFs out of the encrypted file, one by one.
    let read_ms = ms(|| {
        let mut stmt = s.db.conn().prepare("SELECT dd.pdf FROM decision_documents dd").unwrap();
        let n: usize = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap().map(|p| p.unwrap().len()).sum();
        std::hint::black_box(n);
    });
    println!("reading the {exported} PDFs out of the database alone: {read_ms:.0} ms");
    // The same bytes as plain files, copied with cp -r in this run.
    let plain = out.path().join("pdfs");
    std::fs::create_dir(&plain).unwrap();
    let mut stmt = s.db.conn().prepare("SELECT rowid, pdf FROM decision_documents").unwrap();
    let mut bytes = 0u64;
    let files = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap()
        .map(|r| {
            let (n, pdf) = r.unwrap();
            bytes += pdf.len() as u64;
            std::fs::write(plain.join(format!("{n}.pdf")), pdf).unwrap();
        })
        .count();
    let copy = out.path().join("copy");
    let sync = |dir: &std::path::Path| {
        assert!(std::process::Command::new("sync").arg("-f").arg(dir).status().unwrap().success());
    };
    // The plain files are on disk before the copy is timed, so that its sync flushes only the copy.
    sync(&plain);
    let mut cp_only_ms = 0.0;
    // The archive is synced to disk before it takes its name; the copy is timed with the same sync after it,
    // and without it (the copy then is still in the page cache).
    let cp_ms = ms(|| {
        cp_only_ms = ms(|| {
            assert!(std::process::Command::new("cp").arg("-r").arg(&plain).arg(&copy).status().unwrap().success());
        });
        sync(&copy);
    });
    let zip_mib = std::fs::metadata(&zip).unwrap().len() as f64 / 1048576.0;
    println!(
        "archive of {exported} signed decisions: {export_ms:.0} ms ({zip_mib:.0} MiB ZIP, synced); cp -r of the same \
         {files} PDFs ({:.0} MiB) then sync: {cp_ms:.0} ms; ratio {:.1}× (cp -r alone, left in the page cache: \
         {cp_only_ms:.0} ms, {:.1}×); peak memory {before:.0} → {peak:.0} MiB",
        bytes as f64 / 1048576.0,
        export_ms / cp_ms,
        export_ms / cp_only_ms
    );
    println!(
        "{{\"journal_year_rows\":{rows},\"journal_query_ms\":{journal_query:.1},\"journal_xlsx_ms\":{journal_xlsx:.0},\
         \"journal_csv_ms\":{journal_csv:.0},\"board_items\":{items},\"board_ms\":{board:.1},\"search_index_p95_ms\":{index_p95:.2},\"search_scan_p95_ms\":{scan_p95:.1},\
         \"search_snils_ms\":{by_snils:.2},\"export_decisions\":{exported},\"export_ms\":{export_ms:.0},\"cp_ms\":{cp_ms:.0},\
         \"export_to_cp\":{:.2},\"peak_mib_before\":{before:.0},\"peak_mib_after\":{peak:.0}}}",
        export_ms / cp_ms
    );
}
