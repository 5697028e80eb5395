//! A clinic at scale for benchmarks (`btlp seed`): the demo clinic, then 100,000 patients with a case each,
//! 300,000 approved decisions each with its administration and fact-of-use report, 30,000 adverse reactions
//! with their reports, and the first 10,000 decisions rendered and signed by every required signer. Rows come
//! from counters, never from a random source, so two runs hold the same records (the demo users' keys and
//! ids differ). Bulk rows are inserted with plain SQL in one transaction and are not audited; the signed
//! decisions go through the same signing code as the app.
use crate::clinic::{self, Session};
use crate::db::Db;
use crate::error::Result;
use crate::people::Actor;
use crate::reports::{self, Kind};
use crate::{demo, pki, signatures, Lang};
use chrono::{Days, NaiveDate};
use rusqlite::params;
use std::path::Path;
use uuid::Uuid;

/// How big a clinic to make.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub cases: usize,
    /// Decisions (each approved and administered) per case.
    pub decisions_per_case: usize,
    /// One adverse reaction per this many administrations.
    pub reaction_every: usize,
    /// How many decisions (the earliest) are rendered and signed.
    pub signed: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Plan { cases: 100_000, decisions_per_case: 3, reaction_every: 10, signed: 10_000 }
    }
}

const LAST: [&str; 8] = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев"];
const FIRST: [&str; 6] = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей"];
const PATRONYMIC: [&str; 5] = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Олегович"];
const ICD: [&str; 4] = ["C83.3", "C91.0", "C90.0", "C82"];
const PRODUCTS: [&str; 2] = ["CAR-T (анти-CD19), индивидуальный", "CAR-T (анти-BCMA), индивидуальный"];

fn id(kind: u8, n: usize) -> Uuid {
    Uuid::from_u128(((kind as u128) << 120) | n as u128)
}

/// A valid СНИЛС for `n` (its 9 digits above the unchecked range, then the checksum).
fn snils(n: usize) -> String {
    let base = format!("{:09}", 1_002_000 + n);
    let sum: u32 = base.chars().enumerate().map(|(i, c)| c.to_digit(10).unwrap_or(0) * (9 - i as u32)).sum();
    let check = match sum % 101 {
        100 => 0,
        s => s,
    };
    format!("{base}{check:02}")
}

/// What the seeding made and how long each part took.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub rows_seconds: f64,
    pub signing_seconds: f64,
    pub decisions: usize,
    pub reactions: usize,
    pub signed: usize,
}

/// Builds the clinic at `path` (which must not exist); `progress` hears what is being done.
pub fn seed(path: &Path, plan: &Plan, mut progress: impl FnMut(String)) -> Result<Seeded> {
    demo::build(path)?;
    let mut s: Session = clinic::sign_in(path, "admin", "admin-demo")?;
    let start = std::time::Instant::now();
    progress(format!("rows: {} cases, {} decisions", plan.cases, plan.cases * plan.decisions_per_case));
    let mut seeded = rows(&mut s.db, plan)?;
    seeded.rows_seconds = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    seeded.signed = sign(&mut s.db, plan, &mut progress)?;
    seeded.signing_seconds = start.elapsed().as_secs_f64();
    Ok(seeded)
}

struct Staff {
    composition: Uuid,
    doctor: Uuid,
    chair: Uuid,
    deputy: Uuid,
    member: Uuid,
    secretary: Uuid,
}

fn staff(db: &Db) -> Result<Staff> {
    let user = |login: &str| -> Result<Uuid> {
        Ok(db.conn().query_row("SELECT id FROM users WHERE login = ?1", [login], |r| r.get(0))?)
    };
    Ok(Staff {
        composition: db.conn().query_row("SELECT id FROM compositions LIMIT 1", [], |r| r.get(0))?,
        doctor: user("doctor")?,
        chair: user("chair")?,
        deputy: user("deputy")?,
        member: user("member1")?,
        secretary: user("secretary")?,
    })
}

fn rows(db: &mut Db, plan: &Plan) -> Result<Seeded> {
    let st = staff(db)?;
    let total = plan.cases * plan.decisions_per_case;
    let first = NaiveDate::from_ymd_opt(2024, 1, 9).unwrap_or_default();
    let span = 1030u64;
    let today = db.today();
    let rules = reports::deadline_rules(db.conn())?;
    let day_of = |d: usize| first.checked_add_days(Days::new(d as u64 * span / total.max(1) as u64)).unwrap_or(first);
    let conn = db.conn();
    conn.execute_batch("BEGIN")?;
    let result = (|| -> Result<usize> {
        let mut patient = conn.prepare(
            "INSERT INTO patients (id, last_name, first_name, patronymic, birth_date, sex, snils, name_key, created_by,
             created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'male', ?6, ?7, ?8, '2024-01-01T09:00:00+03:00')",
        )?;
        let mut case = conn.prepare(
            "INSERT INTO cases (id, patient_id, product_name, genetic_study, icd_code, indication, physician_id, state,
             setting, department, icu_access, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'NGS, полноэкзомное секвенирование', ?4, 'Рефрактерное течение', ?5, 'decided',
             'inpatient', 'Гематология', 1, ?6, ?6)",
        )?;
        for i in 0..plan.cases {
            let (last, first_name, patronymic) = (format!("{}{i}", LAST[i % 8]), FIRST[i % 6], PATRONYMIC[i % 5]);
            let birth = NaiveDate::from_ymd_opt(1950 + (i % 50) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
            let key = format!("{} {} {}", last, first_name, patronymic).to_lowercase();
            patient.execute(params![id(1, i), last, first_name, patronymic, birth, snils(i), key, st.doctor])?;
            let created = format!("{}T09:00:00+03:00", day_of(i));
            case.execute(params![id(2, i), id(1, i), PRODUCTS[i % 2], ICD[i % 4], st.doctor, created])?;
        }
        let mut meeting = conn.prepare(
            "INSERT OR IGNORE INTO meetings (id, meeting_date, composition_id, state, created_by, created_at)
             VALUES (?1, ?2, ?3, 'closed', ?4, ?5)",
        )?;
        let mut attend =
            conn.prepare("INSERT OR IGNORE INTO meeting_attendance (meeting_id, user_id) VALUES (?1, ?2)")?;
        let mut agenda = conn.prepare(
            "INSERT INTO agenda_items (meeting_id, case_id, window_from, window_to, dose, route)
             VALUES (?1, ?2, ?3, ?4, '2×10⁶ клеток/кг', 'внутривенно')",
        )?;
        let mut vote = conn.prepare(
            "INSERT INTO votes (meeting_id, case_id, user_id, choice, cast_at) VALUES (?1, ?2, ?3, 'for', ?4)",
        )?;
        let mut decision = conn.prepare(
            "INSERT INTO decisions (id, number, year, seq, case_id, meeting_id, outcome, decided_on, setting, department,
             window_from, window_to, dose, route, composition_size, present, recused, votes_for, votes_against,
             votes_abstain, threshold, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'approved', ?7, 'inpatient', 'Гематология', ?7, ?8, '2×10⁶ клеток/кг',
             'внутривенно', 4, 3, 0, 3, 0, 0, 2, ?9, ?10)",
        )?;
        let mut administration = conn.prepare(
            "INSERT INTO administrations (id, decision_id, case_id, administered_at, setting, department, dose, route,
             batch, staff, recorded_by, created_at) VALUES (?1, ?2, ?3, ?4, 'inpatient', 'Гематология',
             '2×10⁶ клеток/кг', 'внутривенно', ?5, 'Морозов Д. А.', ?6, ?7)",
        )?;
        let mut reaction = conn.prepare(
            "INSERT INTO adverse_reactions (id, administration_id, description, onset_on, seriousness, outcome,
             causality, recorded_by, created_at)
             VALUES (?1, ?2, 'Синдром высвобождения цитокинов', ?3, ?4, ?5, 'probable', ?6, ?7)",
        )?;
        let mut report = conn.prepare(
            "INSERT INTO reports (id, kind, subject_id, product_name, event_on, due_on, due_rule, status, sent_on,
             outgoing_ref, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        // Numbers continue after the demo's own decisions.
        let mut seq_of_year: std::collections::HashMap<i32, i64> = conn
            .prepare("SELECT year, max(seq) FROM decisions GROUP BY year")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut reactions = 0;
        for d in 0..total {
            let (c, day) = (d % plan.cases, day_of(d));
            let meeting_id = id(3, (day - first).num_days() as usize);
            let at = format!("{day}T15:00:00+03:00");
            meeting.execute(params![meeting_id, day, st.composition, st.secretary, at])?;
            for u in [st.chair, st.deputy, st.member, st.secretary] {
                attend.execute(params![meeting_id, u])?;
            }
            let window_to = day.checked_add_days(Days::new(30)).unwrap_or(day);
            agenda.execute(params![meeting_id, id(2, c), day, window_to])?;
            if d < plan.signed {
                for u in [st.chair, st.deputy, st.member] {
                    vote.execute(params![meeting_id, id(2, c), u, at])?;
                }
            }
            let year = chrono::Datelike::year(&day);
            let seq = seq_of_year.entry(year).or_insert(0);
            *seq += 1;
            decision.execute(params![
                id(4, d),
                format!("{seq}/{year}"),
                year,
                *seq,
                id(2, c),
                meeting_id,
                day,
                window_to,
                st.secretary,
                at
            ])?;
            let given = day.checked_add_days(Days::new(1)).unwrap_or(day);
            let given_at = given.and_hms_opt(10, 0, 0).unwrap_or_default();
            let product = PRODUCTS[c % 2];
            administration.execute(params![
                id(5, d),
                id(4, d),
                id(2, c),
                given_at,
                format!("И-{year}-{seq}"),
                st.doctor,
                format!("{given}T12:00:00+03:00")
            ])?;
            let mut open = |kind: Kind, subject: Uuid, event: NaiveDate, p: reports::Period, n: usize| {
                // Reports of events more than ten days old were sent three days after the event.
                let old = (today - event).num_days() > 10;
                let (status, sent_on, reference) = if old {
                    ("sent", event.checked_add_days(Days::new(3)), Some(format!("исх-{n}")))
                } else {
                    ("draft", None, None)
                };
                report.execute(params![
                    id(6, n),
                    kind.code(),
                    subject,
                    product,
                    event,
                    p.due(event),
                    p.code(),
                    status,
                    sent_on,
                    reference,
                    format!("{event}T18:00:00+03:00")
                ])
            };
            open(Kind::Use, id(5, d), given, rules.use_period(), d)?;
            if d % plan.reaction_every.max(1) == 0 {
                let onset = given.checked_add_days(Days::new(2)).unwrap_or(given);
                let (seriousness, outcome) = match (d / plan.reaction_every.max(1)) % 10 {
                    0 => ("death", "fatal"),
                    1 => ("life_threatening", "recovering"),
                    2 | 3 => ("hospitalization", "recovered"),
                    _ => ("", "recovered"),
                };
                reaction.execute(params![
                    id(7, d),
                    id(5, d),
                    onset,
                    seriousness,
                    outcome,
                    st.doctor,
                    format!("{onset}T12:00:00+03:00")
                ])?;
                let urgent = seriousness == "death" || seriousness == "life_threatening";
                open(Kind::Reaction, id(7, d), onset, rules.reaction_period(urgent), total + d)?;
                reactions += 1;
            }
        }
        // Each seeded meeting's protocol, numbered in its year after those already there.
        conn.execute(
            "INSERT INTO meeting_protocols (meeting_id, year, number, starts_at, place)
             SELECT m.id, CAST(substr(m.meeting_date, 1, 4) AS INTEGER),
                    coalesce((SELECT max(p.number) FROM meeting_protocols p
                              WHERE p.year = CAST(substr(m.meeting_date, 1, 4) AS INTEGER)), 0)
                    + row_number() OVER (PARTITION BY substr(m.meeting_date, 1, 4)
                                         ORDER BY m.meeting_date, m.created_at, m.rowid),
                    '14:00', 'Конференц-зал'
             FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM meeting_protocols p WHERE p.meeting_id = m.id)",
            [],
        )?;
        Ok(reactions)
    })();
    match result {
        Ok(reactions) => {
            db.seal_changes()?;
            conn.execute_batch("COMMIT")?;
            Ok(Seeded { decisions: total, reactions, ..Seeded::default() })
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Renders and signs the first `plan.signed` decisions: the secretary, the members who voted, the chair last.
fn sign(db: &mut Db, plan: &Plan, progress: &mut impl FnMut(String)) -> Result<usize> {
    let now = db.clock().now().with_timezone(&chrono::Utc);
    let mut signers = Vec::new();
    for login in ["secretary", "deputy", "member1", "chair"] {
        let password = demo::USERS.iter().find(|u| u.login == login).map(|u| u.password).unwrap_or_default();
        let actor: Actor = crate::people::sign_in(db, login, password)?;
        let key = pki::outside::unlock(db.conn(), actor.id(), password.into(), now)?;
        signers.push((actor, key));
    }
    let total = plan.signed.min(plan.cases * plan.decisions_per_case);
    for d in 0..total {
        db.tx(|tx| {
            for (actor, key) in &signers {
                signatures::add_signature(tx, actor, key, id(4, d), Lang::Ru)?;
            }
            Ok(())
        })?;
        if (d + 1) % 1000 == 0 {
            progress(format!("signed {}/{total}", d + 1));
        }
    }
    Ok(total)
}
