//! The app's long lists at clinic scale: 100,000 patients with one case each, then the case list's first
//! page, its last page, a page filtered by state and one filtered by a part of the patient's name (each with
//! its total), and a case's timeline. Rows are inserted with plain SQL (the rules are not under test here);
//! the queries are the ones the app's screens run. Prints the median of 20 runs of each, in ms.
use btlp_commission::cases::{self, CaseState};
use btlp_commission::order::Order;
use btlp_commission::org::{self, NewOrganization};
use btlp_commission::people::{self, NewUser};
use btlp_commission::{Db, Role};
use std::time::Instant;
use uuid::Uuid;

const CASES: usize = 100_000;

fn median(f: impl Fn()) -> f64 {
    let mut ms: Vec<f64> = (0..20)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    ms[ms.len() / 2]
}

fn main() {
    let mut db = Db::in_memory().unwrap();
    let org = NewOrganization {
        name: "Клиника".into(),
        licence: "Л".into(),
        permit_number: "Р".into(),
        permit_date: "15.03.2025".into(),
        icu_present: true,
    };
    org::setup(&mut db, &org).unwrap();
    let admin = NewUser {
        login: "admin".into(),
        full_name: "Админов Админ".into(),
        position: "Администратор".into(),
        roles: vec![Role::Admin],
        password: "admin-password".into(),
    };
    let admin = people::bootstrap_admin(&mut db, &admin).unwrap();
    let names = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев"];
    let states = ["draft", "submitted", "assessed", "scheduled", "decided"];
    let start = Instant::now();
    let conn = db.conn();
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut p = conn
            .prepare(
                "INSERT INTO patients (id, last_name, first_name, patronymic, birth_date, sex, name_key, created_by,
                 created_at) VALUES (?1, ?2, 'Иван', 'Иванович', '1970-01-01', 'male', ?3, ?4, '2026-01-01T00:00:00Z')",
            )
            .unwrap();
        let mut c = conn
            .prepare(
                "INSERT INTO cases (id, patient_id, product_name, genetic_study, icd_code, indication, physician_id,
                 state, created_at, updated_at) VALUES (?1, ?2, 'CAR-T', 'NGS', 'C83.3', 'ДВКЛ', ?3, ?4, ?5, ?5)",
            )
            .unwrap();
        for i in 0..CASES {
            let (pid, cid) = (Uuid::now_v7(), Uuid::now_v7());
            let last = format!("{}{i}", names[i % names.len()]);
            let key = format!("{} иван иванович", last.to_lowercase());
            p.execute(rusqlite::params![pid, last, key, admin.id()]).unwrap();
            let at = format!("2026-{:02}-{:02}T{:02}:00:00Z", 1 + i % 12, 1 + i % 28, i % 24);
            c.execute(rusqlite::params![cid, pid, admin.id(), states[i % states.len()], at]).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    println!("seeded {CASES} patients and cases in {:.1} s", start.elapsed().as_secs_f64());

    let first = median(|| {
        cases::page(conn, None, "", Order::Newest, 25, 0).unwrap();
    });
    let last = median(|| {
        cases::page(conn, None, "", Order::Newest, 25, (CASES - 25) as i64).unwrap();
    });
    let by_state = median(|| {
        cases::page(conn, Some(CaseState::Assessed), "", Order::Newest, 25, 0).unwrap();
    });
    let by_name = median(|| {
        cases::page(conn, None, "соколов12", Order::Newest, 25, 0).unwrap();
    });
    let some_case = cases::page(conn, None, "", Order::Newest, 1, 0).unwrap().0[0].case.id;
    let timeline = median(|| {
        cases::timeline(conn, some_case).unwrap();
    });
    println!("case list, first page of 25 with the total: {first:.2} ms");
    println!("case list, last page: {last:.2} ms");
    println!("case list, filtered by state: {by_state:.2} ms");
    println!("case list, filtered by a part of the name: {by_name:.2} ms");
    println!("a case's timeline: {timeline:.2} ms");
}
