//! Fixtures: a clinic in memory on a fixed date with users of every role, a five-member commission and
//! helpers that carry a case to the point a test needs.
#![allow(dead_code)]
use btlp_commission::administrations::{self, NewAdministration};
use btlp_commission::cases::{self, FindingKind, NewCase};
use btlp_commission::commission::{self, Choice, NewComposition, Plan, SeatRole};
use btlp_commission::consent::{self, NewConsent};
use btlp_commission::org::{self, NewOrganization};
use btlp_commission::patients::{self, NewPatient};
use btlp_commission::people::{self, NewUser};
use btlp_commission::production::{self, qc, qc::NewTest, qc::Release, NewStage, Stage};
use btlp_commission::signing::ca;
use btlp_commission::{pki, signatures};
use btlp_commission::{Actor, Clock, Db, DbKey, Keyring, Lang, Role};
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use uuid::Uuid;

pub const TODAY: &str = "2026-06-01T12:00:00+03:00";
pub const VOTERS: [&str; 5] = ["chair", "deputy", "m1", "m2", "m3"];

pub struct Clinic {
    pub db: Db,
    pub users: HashMap<&'static str, Actor>,
}

pub fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(TODAY).unwrap()
}

/// Everyone but the admin, with their role.
pub const PEOPLE: [(&str, Role); 10] = [
    ("chair", Role::Chair),
    ("deputy", Role::DeputyChair),
    ("m1", Role::Member),
    ("m2", Role::Member),
    ("m3", Role::Member),
    ("secretary", Role::Secretary),
    ("doc", Role::Physician),
    ("outsider", Role::Member),
    ("prod", Role::Production),
    ("qc", Role::Qc),
];

impl Clinic {
    pub fn new() -> Clinic {
        Clinic::setup(Db::in_memory().unwrap())
    }

    /// The same clinic in an encrypted file, with a key file that lets the admin open it again (`reopen`).
    pub fn on_file(path: &Path) -> Clinic {
        let key = DbKey::random();
        Keyring::create(path).unwrap().add("admin", &password("admin"), &key).unwrap();
        Clinic::setup(Db::create(path, &key).unwrap())
    }

    /// Opens a clinic made by `on_file` again and signs every user in.
    pub fn reopen(path: &Path) -> Clinic {
        let key = Keyring::load(path).unwrap().unlock("admin", &password("admin")).unwrap();
        let mut db = Db::open(path, &key).unwrap();
        db.set_clock(Clock::Fixed(now()));
        let mut users = HashMap::new();
        for login in PEOPLE.map(|(l, _)| l).into_iter().chain(["admin"]) {
            users.insert(login, people::sign_in(&mut db, login, &password(login)).unwrap());
        }
        Clinic { db, users }
    }

    fn setup(mut db: Db) -> Clinic {
        db.set_clock(Clock::Fixed(now()));
        org::setup(
            &mut db,
            &NewOrganization {
                name: "Тестовая клиника".into(),
                licence: "Л041-00000".into(),
                permit_number: "БТЛП-1".into(),
                permit_date: "15.03.2025".into(),
                icu_present: true,
            },
        )
        .unwrap();
        let admin =
            people::bootstrap_admin(&mut db, &user("admin", "Админов Админ Админович", vec![Role::Admin])).unwrap();
        let root = db.tx(|tx| pki::create_root(tx, "Тестовая клиника", admin.id(), &password("admin"))).unwrap();
        let mut users = HashMap::new();
        for (login, role) in PEOPLE {
            let name = format!("Тестов {login} Тестович");
            people::create(&mut db, &admin, &user(login, &name, vec![role]), |tx, id| {
                pki::issue(tx, &root, id, &password(login)).map(|_| ())
            })
            .unwrap();
            users.insert(login, people::sign_in(&mut db, login, &password(login)).unwrap());
        }
        users.insert("admin", admin);
        let mut clinic = Clinic { db, users };
        clinic.compose(&["chair", "deputy", "m1", "m2", "m3"], "01.01.2026").unwrap();
        clinic
    }

    pub fn as_(&self, login: &str) -> Actor {
        self.users[login].clone()
    }

    pub fn compose(&mut self, voting: &[&str], from: &str) -> btlp_commission::Result<Uuid> {
        let mut seats: Vec<(String, SeatRole)> = voting
            .iter()
            .map(|l| {
                let seat = match *l {
                    "chair" => SeatRole::Chair,
                    "deputy" => SeatRole::DeputyChair,
                    _ => SeatRole::Member,
                };
                (l.to_string(), seat)
            })
            .collect();
        seats.push(("secretary".into(), SeatRole::Secretary));
        let admin = self.as_("admin");
        commission::compose(
            &mut self.db,
            &admin,
            &NewComposition { order_ref: "Приказ № 1".into(), effective_from: from.into(), seats },
        )
    }

    pub fn patient(&mut self, p: NewPatient) -> btlp_commission::Result<Uuid> {
        let doc = self.as_("doc");
        patients::register(&mut self.db, &doc, &p)
    }

    pub fn adult(&mut self) -> Uuid {
        self.patient(adult_patient()).unwrap()
    }

    pub fn new_case(&mut self, patient: Uuid) -> Uuid {
        let doc = self.as_("doc");
        cases::create(
            &mut self.db,
            &doc,
            &NewCase {
                patient_id: patient,
                product_name: "CAR-T анти-CD19".into(),
                genetic_study: "NGS, протокол № 1".into(),
                icd_code: "C83.3".into(),
                indication: "Рефрактерная ДВКЛ".into(),
            },
        )
        .unwrap()
    }

    /// Submitted with every finding recorded and the setting chosen, but not yet marked complete.
    pub fn assessed_but_open(&mut self, patient: Uuid) -> Uuid {
        let case = self.new_case(patient);
        let doc = self.as_("doc");
        cases::submit(&mut self.db, &doc, case).unwrap();
        for kind in FindingKind::ALL {
            cases::record_finding(&mut self.db, &doc, case, kind, "Находка", "Обоснование").unwrap();
        }
        cases::set_setting(&mut self.db, &doc, case, "inpatient", "Гематология", true).unwrap();
        case
    }

    /// A case of an adult patient, assessed, ready for a meeting.
    pub fn ready_case(&mut self) -> Uuid {
        let patient = self.adult();
        let case = self.assessed_but_open(patient);
        let doc = self.as_("doc");
        cases::complete_assessment(&mut self.db, &doc, case).unwrap();
        case
    }

    /// A meeting today with `present` recorded and `case` on the agenda (window: today + 0..30 days).
    pub fn meeting(&mut self, present: &[&str], case: Uuid) -> Uuid {
        let sec = self.as_("secretary");
        let m = commission::create_meeting(&mut self.db, &sec, &commission::NewMeeting::on("01.06.2026")).unwrap();
        commission::set_attendance(&mut self.db, &sec, m, present).unwrap();
        commission::add_to_agenda(&mut self.db, &sec, m, case, &plan()).unwrap();
        m
    }

    pub fn vote(&mut self, m: Uuid, case: Uuid, login: &str, choice: Choice) -> btlp_commission::Result<()> {
        let who = self.as_(login);
        let reason = if choice == Choice::Against { "Риск выше пользы" } else { "" };
        commission::cast(&mut self.db, &who, m, case, Some(choice), reason)
    }

    /// A case approved unanimously by all five voting members; returns the decision.
    pub fn approved(&mut self) -> (Uuid, Uuid) {
        let case = self.ready_case();
        let m = self.meeting(&["chair", "deputy", "m1", "m2", "m3", "secretary"], case);
        for v in VOTERS {
            self.vote(m, case, v, Choice::For).unwrap();
        }
        let chair = self.as_("chair");
        (case, commission::adopt(&mut self.db, &chair, m, case).unwrap())
    }

    /// Every required signer signs the decision with their own password, in order.
    pub fn sign_all(&mut self, decision: Uuid) {
        for (seat, _) in signatures::status(self.db.conn(), decision).unwrap().signers {
            let who = self.as_(&seat.login);
            signatures::sign_decision(&mut self.db, &who, decision, &password(&seat.login), Lang::Ru).unwrap();
        }
    }

    /// Every required signer who has not signed yet signs, in order.
    pub fn sign_all_remaining(&mut self, decision: Uuid) {
        for (seat, at) in signatures::status(self.db.conn(), decision).unwrap().signers {
            if at.is_none() {
                let who = self.as_(&seat.login);
                signatures::sign_decision(&mut self.db, &who, decision, &password(&seat.login), Lang::Ru).unwrap();
            }
        }
    }

    /// An approved decision signed by everyone required.
    pub fn signed(&mut self) -> (Uuid, Uuid) {
        let (case, decision) = self.approved();
        self.sign_all(decision);
        (case, decision)
    }

    pub fn consent(&mut self, case: Uuid, signed_on: &str) -> btlp_commission::Result<Uuid> {
        let doc = self.as_("doc");
        consent::record(
            &mut self.db,
            &doc,
            &NewConsent {
                case_id: case,
                form_version: "1051н".into(),
                info_sheet_version: "1.0".into(),
                signer_kind: "patient".into(),
                signed_on: signed_on.into(),
                ..NewConsent::default()
            },
        )
    }

    /// The physician records giving the product under `decision` at `at` (ДД.ММ.ГГГГ ЧЧ:ММ), with the label of
    /// the case's released batch.
    pub fn give(&mut self, decision: Uuid, at: &str) -> btlp_commission::Result<Uuid> {
        let a = given(decision, at);
        self.record_given(a)
    }

    /// Records `a` as the physician, filling in the case's released batch when `a.batch` is empty.
    pub fn record_given(&mut self, mut a: NewAdministration) -> btlp_commission::Result<Uuid> {
        if a.batch.is_empty() {
            a.batch = self.batch_code(a.decision_id);
        }
        let doc = self.as_("doc");
        administrations::record(&mut self.db, &doc, &a)
    }

    /// The label code of a released batch made for the case `decision` is about (made and released here,
    /// through every stage and a passed QC test, the first time).
    pub fn batch_code(&mut self, decision: Uuid) -> String {
        let case = commission::decision(self.db.conn(), decision).unwrap().case_id;
        let released = production::batches(self.db.conn(), Some(case))
            .unwrap()
            .into_iter()
            .find(|b| b.expires_on.is_some() && b.last_stage != Some(Stage::Disposal));
        match released {
            Some(b) => b.code,
            None => {
                let b = self.batch_at(case, Stage::QualityControl);
                self.release(b).unwrap();
                production::batch(self.db.conn(), b).unwrap().code
            }
        }
    }

    /// A batch for `case` taken through every stage up to and including `upto` (in May 2026).
    pub fn batch_at(&mut self, case: Uuid, upto: Stage) -> Uuid {
        let prod = self.as_("prod");
        let b = production::create_batch(&mut self.db, &prod, case, "CART19").unwrap().id;
        let days = [
            (Stage::Collection, "10.05.2026 09:00"),
            (Stage::GeneticStudy, "12.05.2026 09:00"),
            (Stage::Manufacture, "15.05.2026 09:00"),
            (Stage::QualityControl, "20.05.2026 09:00"),
        ];
        for (stage, at) in days.into_iter().filter(|(s, _)| *s <= upto) {
            let who = if stage == Stage::QualityControl { self.as_("qc") } else { prod.clone() };
            let s = NewStage {
                stage: stage.code().into(),
                done_at: at.into(),
                place: "Чистое помещение № 1".into(),
                result: "Выполнено по регламенту".into(),
            };
            production::record_stage(&mut self.db, &who, b, &s).unwrap();
        }
        b
    }

    /// QC tests sterility and it passes; then QC releases the batch (expiry 31.12.2026).
    pub fn release(&mut self, batch: Uuid) -> btlp_commission::Result<()> {
        let qc = self.as_("qc");
        let t = qc::plan(&mut self.db, &qc, batch, &sterility(true)).unwrap();
        qc::record_result(&mut self.db, &qc, t, "Роста нет", true, "25.05.2026").unwrap();
        qc::release(&mut self.db, &qc, batch, &release_terms())
    }

    /// A signed, approved decision given to its patient at `at` (inside June 2026); returns (case, decision,
    /// administration).
    pub fn administered(&mut self, at: &str) -> (Uuid, Uuid, Uuid) {
        let (case, decision) = self.signed();
        self.consent(case, "25.05.2026").unwrap();
        let a = self.give(decision, at).unwrap();
        (case, decision, a)
    }

    /// Moves the clinic's clock to `instant` (RFC 3339).
    pub fn at(&mut self, instant: &str) {
        self.db.set_clock(Clock::Fixed(DateTime::parse_from_rfc3339(instant).unwrap()));
    }

    pub fn count(&self, table: &str) -> i64 {
        self.db.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }
}

/// An inpatient administration under `decision` at `at` (ДД.ММ.ГГГГ ЧЧ:ММ).
pub fn given(decision: Uuid, at: &str) -> NewAdministration {
    NewAdministration {
        decision_id: decision,
        administered_at: at.into(),
        setting: "inpatient".into(),
        department: "Гематология".into(),
        dose: "1 × 10⁸ клеток".into(),
        route: "внутривенно".into(),
        // Filled in with the case's released batch by `Clinic::record_given`.
        batch: String::new(),
        staff: "Врачев В. В.".into(),
        bedside_confirmed: true,
        deviation_reason: String::new(),
    }
}

pub fn sterility(required: bool) -> NewTest {
    NewTest {
        name: "Стерильность".into(),
        specification: "Стерильно".into(),
        method: "ОФС.1.2.4.0003".into(),
        required,
    }
}

pub fn release_terms() -> Release {
    Release {
        done_at: "28.05.2026 10:00".into(),
        place: "ОКК".into(),
        expires_on: "31.12.2026".into(),
        storage: "В парах жидкого азота, не выше −150 °C".into(),
    }
}

pub fn password(login: &str) -> String {
    format!("{login}-password")
}

pub fn user(login: &str, name: &str, roles: Vec<Role>) -> NewUser {
    NewUser {
        login: login.into(), full_name: name.into(), position: "Врач".into(), roles, password: password(login)
    }
}

pub fn plan() -> Plan {
    Plan {
        window_from: "01.06.2026".into(),
        window_to: "30.06.2026".into(),
        dose: "1 × 10⁸ клеток".into(),
        route: "внутривенно".into(),
    }
}

pub fn adult_patient() -> NewPatient {
    NewPatient {
        last_name: "Иванов".into(),
        first_name: "Иван".into(),
        patronymic: "Иванович".into(),
        birth_date: "12.09.1961".into(),
        sex: "male".into(),
        snils: String::new(),
        oms_number: "8451999122899990".into(),
        record_number: "4521/26".into(),
        ..NewPatient::default()
    }
}

pub fn child_patient() -> NewPatient {
    NewPatient {
        last_name: "Петрова".into(),
        first_name: "Аня".into(),
        birth_date: "10.10.2015".into(),
        sex: "female".into(),
        rep_full_name: "Петрова Мария Ивановна".into(),
        rep_relation: "мать".into(),
        ..NewPatient::default()
    }
}

pub fn choice(c: &str) -> Choice {
    Choice::parse(c).unwrap()
}

/// Runs poppler's `pdfsig` on `pdf` with the clinic's root (`root_der`) trusted in a throwaway NSS database;
/// returns its report. Fails the test when the tools are missing (scripts/deps.sh installs them).
pub fn pdfsig(pdf: &[u8], root_der: &[u8]) -> String {
    pdfsig_trusting(pdf, &[root_der])
}

/// `pdfsig` with every root of `roots` trusted.
pub fn pdfsig_trusting(pdf: &[u8], roots: &[&[u8]]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let nss = format!("sql:{}", dir.path().display());
    let run = |cmd: &mut Command| {
        let out = cmd.output().expect("certutil and pdfsig are installed (scripts/deps.sh)");
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    run(Command::new("certutil").args(["-N", "-d", &nss, "--empty-password"]));
    for (i, root_der) in roots.iter().enumerate() {
        let root = dir.path().join(format!("root{i}.pem"));
        std::fs::write(&root, ca::to_pem(root_der)).unwrap();
        let nick = format!("root{i}");
        run(Command::new("certutil").args(["-A", "-d", &nss, "-n", &nick, "-t", "CT,C,C", "-i"]).arg(&root));
    }
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    run(Command::new("pdfsig").args(["-nssdir", &nss]).arg(&file))
}
