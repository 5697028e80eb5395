//! The demo clinic: users of every role, a commission, patients and cases in every state, one carried
//! through to a recorded administration with an adverse reaction. Used by `btlp demo` and by the app when no
//! database exists. Dates are relative to today so the demo always looks current. All names are fictional.
use crate::cases::{self, FindingKind, NewCase};
use crate::clinic::{self, Session};
use crate::commission::{self, NewComposition, Plan, SeatRole};
use crate::consent::{self, NewConsent};
use crate::error::Result;
use crate::org::NewOrganization;
use crate::org::{applications, checklist};
use crate::patients::{self, NewPatient};
use crate::people::{Actor, NewUser, Role};
use crate::production::{self, qc, qc::NewTest, NewBooking, NewStage, Stage};
use crate::signatures::RecordKind;
use crate::{administrations, safety, signatures, validate, Lang};
use chrono::{Days, NaiveDate};
use std::path::Path;
use uuid::Uuid;

/// A demo account, printed so people can sign in.
pub struct DemoUser {
    pub login: &'static str,
    pub password: &'static str,
    pub full_name: &'static str,
    pub role: Role,
}

pub const USERS: [DemoUser; 9] = [
    DemoUser {
        login: "admin", password: "admin-demo", full_name: "Соколова Марина Петровна", role: Role::Admin
    },
    DemoUser {
        login: "chair", password: "chair-demo", full_name: "Орлов Виктор Андреевич", role: Role::Chair
    },
    DemoUser {
        login: "deputy", password: "deputy-demo", full_name: "Белова Ирина Сергеевна", role: Role::DeputyChair
    },
    DemoUser {
        login: "secretary",
        password: "secretary-demo",
        full_name: "Кузнецова Анна Игоревна",
        role: Role::Secretary,
    },
    DemoUser {
        login: "member1", password: "member1-demo", full_name: "Лебедев Павел Олегович", role: Role::Member
    },
    DemoUser {
        login: "member2", password: "member2-demo", full_name: "Никитина Елена Викторовна", role: Role::Member
    },
    DemoUser {
        login: "doctor",
        password: "doctor-demo",
        full_name: "Морозов Дмитрий Алексеевич",
        role: Role::Physician,
    },
    DemoUser {
        login: "production",
        password: "production-demo",
        full_name: "Григорьев Артём Ильич",
        role: Role::Production,
    },
    DemoUser {
        login: "qc", password: "quality-demo", full_name: "Васильева Ольга Романовна", role: Role::Qc
    },
];

const POSITIONS: [&str; 9] = [
    "Администратор информационной системы",
    "Заместитель главного врача по медицинской части",
    "Заведующая отделением гематологии и трансплантации костного мозга",
    "Секретарь врачебной комиссии",
    "Заведующий отделением анестезиологии-реанимации",
    "Врач — клинический фармаколог",
    "Врач-гематолог",
    "Заведующий лабораторией клеточных технологий",
    "Начальник отдела контроля качества",
];

const VOTERS: [&str; 4] = ["chair", "deputy", "member1", "member2"];

struct Demo {
    s: Session,
    today: NaiveDate,
}

fn day(base: NaiveDate, offset: i64) -> String {
    let d = if offset >= 0 {
        base.checked_add_days(Days::new(offset as u64))
    } else {
        base.checked_sub_days(Days::new(offset.unsigned_abs()))
    };
    validate::show_date(d.unwrap_or(base))
}

impl Demo {
    fn as_user(&mut self, login: &str) -> Result<Actor> {
        let password = USERS.iter().find(|u| u.login == login).map(|u| u.password).unwrap_or_default();
        self.s.act_as(login, password)
    }

    fn d(&self, offset: i64) -> String {
        day(self.today, offset)
    }

    fn patient(&mut self, p: NewPatient) -> Result<Uuid> {
        let doctor = self.as_user("doctor")?;
        patients::register(&mut self.s.db, &doctor, &p)
    }

    fn case(&mut self, patient_id: Uuid, product: &str, icd: &str, indication: &str) -> Result<Uuid> {
        let doctor = self.as_user("doctor")?;
        let c = NewCase {
            patient_id,
            product_name: product.into(),
            genetic_study: "Секвенирование нового поколения (NGS) опухолевого материала и HLA-типирование пациента; \
                            протокол исследования № ГИ-{n} от {d}"
                .replace("{n}", &patient_id.simple().to_string()[24..])
                .replace("{d}", &self.d(-40)),
            icd_code: icd.into(),
            indication: indication.into(),
        };
        cases::create(&mut self.s.db, &doctor, &c)
    }

    fn assess(&mut self, case_id: Uuid, kinds: &[FindingKind]) -> Result<()> {
        let doctor = self.as_user("doctor")?;
        for kind in kinds {
            let (finding, why) = finding_text(*kind);
            cases::record_finding(&mut self.s.db, &doctor, case_id, *kind, finding, why)?;
        }
        Ok(())
    }

    /// Submits, assesses completely and chooses the setting.
    fn ready(&mut self, case_id: Uuid, setting: &str) -> Result<()> {
        let doctor = self.as_user("doctor")?;
        cases::submit(&mut self.s.db, &doctor, case_id)?;
        self.assess(case_id, &FindingKind::ALL)?;
        let department = "Отделение гематологии и трансплантации костного мозга";
        cases::set_setting(&mut self.s.db, &doctor, case_id, setting, department, true)?;
        cases::complete_assessment(&mut self.s.db, &doctor, case_id)
    }

    fn consent(&mut self, case_id: Uuid, signed: i64, representative: Option<(&str, &str)>) -> Result<Uuid> {
        let doctor = self.as_user("doctor")?;
        let (kind, name, ground) = match representative {
            Some((name, ground)) => ("representative", name, ground),
            None => ("patient", "", ""),
        };
        let c = NewConsent {
            case_id,
            form_version: "Приказ Минздрава России № 1051н, форма ИДС, ред. 2025".into(),
            info_sheet_version: "Информационный листок пациента, версия 1.2".into(),
            signer_kind: kind.into(),
            signer_name: name.into(),
            representative_ground: ground.into(),
            signed_on: self.d(signed),
            scan: Some(DEMO_SCAN.to_vec()),
        };
        consent::record(&mut self.s.db, &doctor, &c)
    }

    fn vote(&mut self, meeting: Uuid, case_id: Uuid, choices: [&str; 4]) -> Result<Uuid> {
        for (login, choice) in VOTERS.iter().zip(choices) {
            let member = self.as_user(login)?;
            let reason = if choice == "against" {
                "Ожидаемая польза не превышает риски с учётом текущего состояния пациента"
            } else {
                ""
            };
            commission::cast(
                &mut self.s.db,
                &member,
                meeting,
                case_id,
                Some(commission::Choice::parse(choice)?),
                reason,
            )?;
        }
        let chair = self.as_user("chair")?;
        commission::adopt(&mut self.s.db, &chair, meeting, case_id)
    }

    /// Every required signer signs the decision, in order.
    fn sign_all(&mut self, decision: Uuid) -> Result<()> {
        for (seat, _) in signatures::status(self.s.db.conn(), decision)?.signers {
            let signer = self.as_user(&seat.login)?;
            let password = USERS.iter().find(|u| u.login == seat.login).map(|u| u.password).unwrap_or_default();
            signatures::sign_decision(&mut self.s.db, &signer, decision, password, Lang::Ru)?;
        }
        Ok(())
    }

    /// Every required signer signs the meeting's protocol, in order.
    fn sign_minutes(&mut self, meeting: Uuid) -> Result<()> {
        for (seat, _) in signatures::minutes_status(self.s.db.conn(), meeting)?.signers {
            let signer = self.as_user(&seat.login)?;
            let password = USERS.iter().find(|u| u.login == seat.login).map(|u| u.password).unwrap_or_default();
            signatures::sign_minutes(&mut self.s.db, &signer, meeting, password, Lang::Ru)?;
        }
        Ok(())
    }

    /// Records production stages of `batch` at the given day offsets (at 09:00).
    fn stages(&mut self, batch: Uuid, stages: &[(Stage, i64, &str)]) -> Result<()> {
        for (stage, offset, result) in stages {
            let who = if *stage == Stage::QualityControl { "qc" } else { "production" };
            let actor = self.as_user(who)?;
            let s = NewStage {
                stage: stage.code().into(),
                done_at: format!("{} 09:00", self.d(*offset)),
                place: ROOM.into(),
                result: (*result).into(),
            };
            production::record_stage(&mut self.s.db, &actor, batch, &s)?;
        }
        Ok(())
    }

    /// A batch for `case_id` made, tested, released and brought to the ward; returns its label code.
    fn released_batch(&mut self, case_id: Uuid) -> Result<String> {
        let prod = self.as_user("production")?;
        let b = production::create_batch(&mut self.s.db, &prod, case_id, "CART19")?;
        self.stages(b.id, &MADE)?;
        let qc = self.as_user("qc")?;
        for (name, spec, method, result) in QC_TESTS {
            let t = NewTest { name: name.into(), specification: spec.into(), method: method.into(), required: true };
            let id = qc::plan(&mut self.s.db, &qc, b.id, &t)?;
            qc::record_result(&mut self.s.db, &qc, id, result, true, &day(self.today, -13))?;
        }
        let release = qc::Release {
            done_at: format!("{} 15:00", self.d(-12)),
            place: "Отдел контроля качества".into(),
            expires_on: self.d(60),
            storage: "В парах жидкого азота, не выше −150 °C; после размораживания ввести в течение 90 минут".into(),
        };
        qc::release(&mut self.s.db, &qc, b.id, &release)?;
        self.stages(
            b.id,
            &[
                (Stage::Storage, -11, "Криохранилище, сосуд Дьюара № 3, позиция 12"),
                (Stage::Transport, -9, "Доставлено в отделение в сухом транспортёре, −165 °C"),
            ],
        )?;
        Ok(b.code)
    }

    /// A batch for `case_id` in quality control: tests planned, one result still awaited.
    fn batch_in_qc(&mut self, case_id: Uuid) -> Result<()> {
        let prod = self.as_user("production")?;
        let b = production::create_batch(&mut self.s.db, &prod, case_id, "CART19")?;
        // Ten days behind the released batch.
        let stages: Vec<(Stage, i64, &str)> = MADE.iter().map(|(s, o, r)| (*s, o + 10, *r)).collect();
        self.stages(b.id, &stages)?;
        let qc = self.as_user("qc")?;
        for (i, (name, spec, method, result)) in QC_TESTS.into_iter().enumerate() {
            let t = NewTest { name: name.into(), specification: spec.into(), method: method.into(), required: true };
            let id = qc::plan(&mut self.s.db, &qc, b.id, &t)?;
            if i > 0 {
                qc::record_result(&mut self.s.db, &qc, id, result, true, &day(self.today, -1))?;
            }
        }
        let room = production::add_room(&mut self.s.db, &prod, ROOM, 60)?;
        let booking = NewBooking {
            room_id: room,
            product_name: "CAR-T анти-CD19".into(),
            starts_at: format!("{} 09:00", self.d(2)),
            ends_at: format!("{} 17:00", self.d(2)),
            purpose: "Изготовление следующей серии".into(),
        };
        production::book(&mut self.s.db, &prod, &booking)?;
        Ok(())
    }

    /// The permit's papers: an application for a change awaiting the clinic's answer to the Ministry's
    /// request, and evidence for some requirements (the others show as missing).
    fn permit_papers(&mut self) -> Result<()> {
        let admin = self.as_user("admin")?;
        let app = applications::open(&mut self.s.db, &admin, "change", "Заявление № 45-ИБТЛП", &day(self.today, -20))?;
        let note = "Запрошен обновлённый проект регламента изготовления";
        applications::add_step(&mut self.s.db, &admin, app, "ministry_request", &day(self.today, -17), note)?;
        let licence = "Лицензия Л041-01137-77/00368512";
        checklist::attach(&mut self.s.db, &admin, "licence", licence, "licence.pdf", DEMO_SCAN, "")?;
        let icu = "Приказ о структуре: отделение реанимации и интенсивной терапии";
        checklist::attach(&mut self.s.db, &admin, "icu", icu, "icu.pdf", DEMO_SCAN, "")?;
        let premises = "Заключение о соответствии помещений GMP";
        checklist::attach(&mut self.s.db, &admin, "premises", premises, "gmp.pdf", DEMO_SCAN, &day(self.today, 40))?;
        Ok(())
    }

    fn plan(&self, from: i64, to: i64) -> Plan {
        Plan {
            window_from: self.d(from),
            window_to: self.d(to),
            dose: "100 млн CAR-положительных жизнеспособных Т-клеток".into(),
            route: "внутривенно капельно".into(),
        }
    }
}

/// A one-page PDF standing in for the scanned, hand-signed consent form.
const DEMO_SCAN: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const ROOM: &str = "Чистое помещение класса B № 1";

/// The stages up to quality control, in days from today.
const MADE: [(Stage, i64, &str); 4] = [
    (Stage::Collection, -40, "Лейкаферез: 1,2 × 10⁹ мононуклеаров"),
    (Stage::GeneticStudy, -35, "Экспрессия CD19 подтверждена, HLA-типирование выполнено"),
    (Stage::Manufacture, -25, "Трансдукция и экспансия завершены, 9 суток культивирования"),
    (Stage::QualityControl, -15, "Образцы переданы в ОКК"),
];

const QC_TESTS: [(&str, &str, &str, &str); 3] = [
    ("Стерильность", "Стерильно", "ОФС.1.2.4.0003.15", "Роста нет"),
    ("Жизнеспособность", "Не менее 70 %", "Проточная цитометрия, 7-AAD", "91 %"),
    ("Эндотоксины", "Не более 5 ЕЭ/кг", "ЛАЛ-тест", "< 0,5 ЕЭ/кг"),
];

fn finding_text(kind: FindingKind) -> (&'static str, &'static str) {
    match kind {
        FindingKind::Diagnosis => (
            "Диффузная В-крупноклеточная лимфома, IV стадия по Ann Arbor, рефрактерное течение",
            "Гистологическое и иммуногистохимическое исследование биоптата, ПЭТ-КТ",
        ),
        FindingKind::PriorTreatment => (
            "Две линии иммунохимиотерапии (R-CHOP, R-DHAP) без стойкого ответа",
            "Выписки из медицинской карты, заключения ПЭТ-КТ после каждой линии",
        ),
        FindingKind::Alternatives => (
            "Третья линия химиотерапии, паллиативная терапия; зарегистрированные препараты недоступны",
            "Клинические рекомендации Минздрава России; консилиум от предыдущей недели",
        ),
        FindingKind::ExpectedBenefit => (
            "Вероятность полного ответа 40–50 % по данным исследований аналогичных продуктов",
            "Опубликованные результаты клинических исследований CAR-T терапии",
        ),
        FindingKind::KnownRisks => (
            "Синдром высвобождения цитокинов, нейротоксичность, цитопении",
            "Профиль безопасности класса CAR-T; наличие отделения реанимации и тоцилизумаба",
        ),
        FindingKind::Contraindications => {
            ("Абсолютных противопоказаний не выявлено", "Осмотр, лабораторные показатели, ЭхоКГ")
        }
        FindingKind::Condition => (
            "Состояние средней тяжести, ECOG 1, органные функции сохранены",
            "Осмотр лечащего врача и заведующего отделением",
        ),
        FindingKind::GeneticStudy => (
            "Экспрессия CD19 на опухолевых клетках подтверждена; аферез выполнен, материал пригоден",
            "Протокол генетического исследования и паспорт аферезного продукта",
        ),
    }
}

/// Builds the demo clinic at `path` (which must not exist) and returns the admin's session.
pub fn build(path: &Path) -> Result<Session> {
    let today = chrono::Local::now().date_naive();
    let org = NewOrganization {
        name: "ГБУЗ «Городская клиническая больница № 1» (демонстрационная)".into(),
        licence: "Л041-01137-77/00368512 от 12.03.2021".into(),
        permit_number: "БТЛП-77-0001".into(),
        permit_date: "15.03.2025".into(),
        icu_present: true,
    };
    let admin = &USERS[0];
    let first = NewUser {
        login: admin.login.into(),
        full_name: admin.full_name.into(),
        position: POSITIONS[0].into(),
        roles: vec![Role::Admin],
        password: admin.password.into(),
    };
    let s = clinic::init(path, &org, &first)?;
    let mut demo = Demo { s, today };
    if let Err(e) = fill(&mut demo) {
        drop(demo);
        clinic::remove_files(path);
        return Err(e);
    }
    Ok(demo.s)
}

fn fill(demo: &mut Demo) -> Result<()> {
    let admin = demo.s.actor.clone();
    let address = "123456, г. Москва, ул. Больничная, д. 1";
    crate::org::set_details(&mut demo.s.db, &admin, "1027800123450", address)?;
    for (u, position) in USERS.iter().zip(POSITIONS).skip(1) {
        let roles = match u.role {
            Role::Chair => vec![Role::Chair, Role::Physician],
            r => vec![r],
        };
        let new = NewUser {
            login: u.login.into(),
            full_name: u.full_name.into(),
            position: position.into(),
            roles,
            password: u.password.into(),
        };
        demo.s.add_user(&new)?;
    }
    let admin = demo.s.actor.clone();
    commission::compose(
        &mut demo.s.db,
        &admin,
        &NewComposition {
            order_ref: format!("Приказ главного врача № 214-о от {}", day(demo.today, -90)),
            effective_from: day(demo.today, -90),
            seats: vec![
                ("chair".into(), SeatRole::Chair),
                ("deputy".into(), SeatRole::DeputyChair),
                ("member1".into(), SeatRole::Member),
                ("member2".into(), SeatRole::Member),
                ("secretary".into(), SeatRole::Secretary),
            ],
        },
    )?;
    let p = |last: &str, first: &str, middle: &str, born: &str, sex: &str, snils: &str, oms: &str| NewPatient {
        last_name: last.into(),
        first_name: first.into(),
        patronymic: middle.into(),
        birth_date: born.into(),
        sex: sex.into(),
        snils: snils.into(),
        oms_number: oms.into(),
        // The medical record number the clinic gives: here the birth day and month, and the year.
        record_number: format!("{}/26", born.replace('.', "").chars().take(4).collect::<String>()),
        ..NewPatient::default()
    };
    let lymphoma = "CAR-T (анти-CD19), индивидуальный, аутологичный";
    let myeloma = "CAR-T (анти-BCMA), индивидуальный, аутологичный";

    // Draft.
    let a =
        demo.patient(p("Григорьев", "Степан", "Ильич", "04.02.1968", "male", "145-226-781 59", "7700000000000016"))?;
    demo.case(a, lymphoma, "C83.3", "Рецидив диффузной В-крупноклеточной лимфомы после второй линии")?;
    // Submitted, assessment under way.
    let b =
        demo.patient(p("Полякова", "Вера", "Андреевна", "19.11.1975", "female", "156-338-912 86", "7700000000000024"))?;
    let cb = demo.case(b, myeloma, "C90.0", "Множественная миелома, рецидивирующее течение")?;
    let doctor = demo.as_user("doctor")?;
    cases::submit(&mut demo.s.db, &doctor, cb)?;
    demo.assess(cb, &[FindingKind::Diagnosis, FindingKind::PriorTreatment])?;
    // Assessed, waiting for a meeting.
    let c =
        demo.patient(p("Зайцев", "Роман", "Евгеньевич", "30.07.1982", "male", "167-449-023 92", "7700000000000032"))?;
    let cc = demo.case(c, lymphoma, "C85.2", "Первичная медиастинальная В-клеточная лимфома, рефрактерная")?;
    demo.ready(cc, "inpatient")?;
    // Scheduled on the next meeting.
    let d =
        demo.patient(p("Фёдорова", "Алина", "Олеговна", "08.05.1990", "female", "178-551-134 92", "7700000000000040"))?;
    let cd = demo.case(d, lymphoma, "C91.0", "Острый В-лимфобластный лейкоз, второй рецидив")?;
    demo.ready(cd, "inpatient")?;
    // Past meeting: approved and given; approved for a child; rejected; deferred.
    let e =
        demo.patient(p("Иванов", "Сергей", "Петрович", "12.09.1961", "male", "189-662-245 27", "7700000000000057"))?;
    let ce = demo.case(e, lymphoma, "C83.3", "Диффузная В-крупноклеточная лимфома, рефрактерное течение")?;
    demo.ready(ce, "inpatient")?;
    let mut child = p("Смирнова", "Дарья", "Максимовна", &day(demo.today, -12 * 365), "female", "190-773-356 94", "");
    child.rep_full_name = "Смирнова Ольга Николаевна".into();
    child.rep_relation = "мать".into();
    child.rep_document = "Свидетельство о рождении V-МЮ № 512345".into();
    let f = demo.patient(child)?;
    let cf = demo.case(f, lymphoma, "C91.0", "Острый В-лимфобластный лейкоз, рецидив после трансплантации")?;
    demo.ready(cf, "inpatient")?;
    let g = demo.patient(p(
        "Кравченко",
        "Николай",
        "Степанович",
        "23.03.1949",
        "male",
        "201-884-467 59",
        "7700000000000073",
    ))?;
    let cg = demo.case(g, myeloma, "C90.0", "Множественная миелома, пятая линия терапии")?;
    demo.ready(cg, "day_hospital")?;
    let h = demo.patient(p(
        "Лазарева",
        "Ксения",
        "Викторовна",
        "14.12.1987",
        "female",
        "212-995-578 95",
        "7700000000000099",
    ))?;
    let ch = demo.case(h, lymphoma, "C82", "Фолликулярная лимфома с трансформацией")?;
    demo.ready(ch, "day_hospital")?;

    let secretary = demo.as_user("secretary")?;
    let past = commission::create_meeting(&mut demo.s.db, &secretary, &meeting_on(day(demo.today, -10)))?;
    commission::set_attendance(
        &mut demo.s.db,
        &secretary,
        past,
        &["chair", "deputy", "member1", "member2", "secretary"],
    )?;
    for case_id in [ce, cf, cg, ch] {
        let plan = demo.plan(-9, 20);
        commission::add_to_agenda(&mut demo.s.db, &secretary, past, case_id, &plan)?;
    }
    let approved = demo.vote(past, ce, ["for", "for", "for", "for"])?;
    let child_decision = demo.vote(past, cf, ["for", "for", "for", "abstain"])?;
    let rejected = demo.vote(past, cg, ["for", "against", "against", "against"])?;
    let deferred = demo.vote(past, ch, ["for", "for", "against", "abstain"])?;
    commission::close_meeting(&mut demo.s.db, &secretary, past)?;
    for decision in [approved, child_decision, rejected, deferred] {
        demo.sign_all(decision)?;
    }
    demo.sign_minutes(past)?;

    let adult_consent = demo.consent(ce, -14, None)?;
    let child_consent =
        demo.consent(cf, -13, Some(("Смирнова Ольга Николаевна", "мать несовершеннолетней пациентки (до 15 лет)")))?;
    let doctor = demo.as_user("doctor")?;
    for consent in [adult_consent, child_consent] {
        signatures::sign_record(&mut demo.s.db, &doctor, RecordKind::Consent, consent, "doctor-demo", Lang::Ru)?;
    }
    let batch = demo.released_batch(ce)?;
    demo.batch_in_qc(cf)?;
    let given = administrations::record(
        &mut demo.s.db,
        &doctor,
        &administrations::NewAdministration {
            decision_id: approved,
            // Nine days ago: its fact-of-use report is overdue, so the deadline board shows one in red.
            administered_at: format!("{} 10:30", day(demo.today, -9)),
            setting: "inpatient".into(),
            department: "Отделение гематологии и трансплантации костного мозга".into(),
            dose: "100 млн CAR-положительных жизнеспособных Т-клеток".into(),
            route: "внутривенно капельно".into(),
            batch,
            staff: "Морозов Д. А., врач-гематолог; Ершова Т. В., медицинская сестра".into(),
            bedside_confirmed: true,
            deviation_reason: String::new(),
        },
    )?;
    safety::record(
        &mut demo.s.db,
        &doctor,
        &safety::NewReaction {
            administration_id: given,
            description: "Синдром высвобождения цитокинов 1 степени: лихорадка до 38,6 °C".into(),
            onset_on: day(demo.today, -4),
            seriousness: vec![],
            outcome: "recovered".into(),
            causality: "probable".into(),
        },
    )?;
    signatures::sign_record(&mut demo.s.db, &doctor, RecordKind::Administration, given, "doctor-demo", Lang::Ru)?;

    let next = commission::create_meeting(&mut demo.s.db, &secretary, &meeting_on(day(demo.today, 4)))?;
    let plan = demo.plan(5, 30);
    commission::add_to_agenda(&mut demo.s.db, &secretary, next, cd, &plan)?;
    demo.permit_papers()?;
    Ok(())
}

/// The demo's meetings: at two in the afternoon in the conference room.
fn meeting_on(date: String) -> commission::NewMeeting {
    commission::NewMeeting {
        date, time: "14:00".into(), place: "Конференц-зал, корпус 2, каб. 305".into()
    }
}
