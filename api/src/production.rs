//! Production and quality control: rooms and bookings, batches with their stages and label, QC tests,
//! release and the QC journal export.
use crate::dto::{day, parse_id};
use btlp_commission::documents;
use btlp_commission::i18n::tr;
use btlp_commission::production::{self, qc, Batch, Disposal, NewBooking, NewStage};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BatchRow {
    pub id: String,
    /// The chain-of-identity code on the label.
    pub code: String,
    pub case_id: String,
    pub patient_name: String,
    pub birth_date: String,
    pub product_name: String,
    pub number: u32,
    pub expires_on: Option<String>,
    pub storage: Option<String>,
    /// The latest stage's code (collection … disposal), if any.
    pub last_stage: Option<String>,
    /// The latest stage in the user's language.
    pub last_stage_title: String,
}

fn batch_row(b: &Batch, lang: btlp_commission::Lang) -> BatchRow {
    BatchRow {
        id: b.id.to_string(),
        code: b.code.clone(),
        case_id: b.case_id.to_string(),
        patient_name: b.patient_name.clone(),
        birth_date: day(b.birth_date),
        product_name: b.product_name.clone(),
        number: b.number,
        expires_on: b.expires_on.map(day),
        storage: b.storage.clone(),
        last_stage: b.last_stage.map(|s| s.code().to_string()),
        last_stage_title: b.last_stage.map(|s| tr(lang, &format!("stage.{}", s.code()), &[])).unwrap_or_default(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct StageRow {
    pub stage: String,
    pub title: String,
    pub done_at: String,
    pub place: String,
    pub result: String,
    pub quantity: Option<String>,
    pub method: Option<String>,
    pub done_by: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TestRow {
    pub id: String,
    pub name: String,
    pub specification: String,
    pub method: String,
    pub required: bool,
    pub result: Option<String>,
    pub passed: Option<bool>,
    pub analyst: Option<String>,
    pub tested_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BatchDetail {
    pub batch: BatchRow,
    pub stages: Vec<StageRow>,
    pub tests: Vec<TestRow>,
    /// The stages that may be recorded next by hand (codes), in order.
    pub next_stages: Vec<String>,
}

/// Every batch, newest first, or one case's.
pub fn batches_list(s: &mut Session, lang: Lang, case_id: Option<String>) -> Result<Vec<BatchRow>> {
    let case = case_id.as_deref().filter(|c| !c.is_empty()).map(|c| parse_id("case_id", c)).transpose()?;
    Ok(production::batches(s.db.conn(), case)?.iter().map(|b| batch_row(b, lang)).collect())
}

/// Starts a batch of a case's product (production staff).
pub fn batches_create(s: &mut Session, lang: Lang, case_id: String, product_code: String) -> Result<BatchRow> {
    let b = production::create_batch(&mut s.db, &s.actor, parse_id("case_id", &case_id)?, &product_code)?;
    Ok(batch_row(&b, lang))
}

/// A batch with its stages and tests.
pub fn batches_get(s: &mut Session, lang: Lang, id: String) -> Result<BatchDetail> {
    let screen = btlp_commission::screens::batch(s.db.conn(), parse_id("batch_id", &id)?)?;
    let stages = screen
        .stages
        .into_iter()
        .map(|st| StageRow {
            stage: st.stage.code().into(),
            title: tr(lang, &format!("stage.{}", st.stage.code()), &[]),
            done_at: st.done_at.format("%d.%m.%Y %H:%M").to_string(),
            place: st.place,
            result: st.result,
            quantity: st.quantity,
            method: st.method,
            done_by: st.done_by,
        })
        .collect();
    let tests = screen
        .tests
        .into_iter()
        .map(|t| TestRow {
            id: t.id.to_string(),
            name: t.name,
            specification: t.specification,
            method: t.method,
            required: t.required,
            result: t.result,
            passed: t.passed,
            analyst: t.analyst,
            tested_on: t.tested_on.map(day),
        })
        .collect();
    let next_stages = screen.next_stages.iter().map(|st| st.code().to_string()).collect();
    let b = screen.batch;
    Ok(BatchDetail { batch: batch_row(&b, lang), stages, tests, next_stages })
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct StageForm {
    pub stage: String,
    /// ДД.ММ.ГГГГ ЧЧ:ММ
    pub done_at: String,
    pub place: String,
    pub result: String,
}

pub fn batches_record_stage(s: &mut Session, _: Lang, id: String, form: StageForm) -> Result<()> {
    let st = NewStage { stage: form.stage, done_at: form.done_at, place: form.place, result: form.result };
    production::record_stage(&mut s.db, &s.actor, parse_id("batch_id", &id)?, &st)
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DisposalForm {
    pub done_at: String,
    pub place: String,
    pub quantity: String,
    pub method: String,
    pub reason: String,
}

pub fn batches_dispose(s: &mut Session, _: Lang, id: String, form: DisposalForm) -> Result<()> {
    let d = Disposal {
        done_at: form.done_at,
        place: form.place,
        quantity: form.quantity,
        method: form.method,
        reason: form.reason,
    };
    production::dispose(&mut s.db, &s.actor, parse_id("batch_id", &id)?, &d)
}

/// The batch's label PDF (QR code of its chain-of-identity code).
pub fn batches_label(s: &mut Session, lang: Lang, id: String) -> Result<Vec<u8>> {
    documents::render_label(s.db.conn(), parse_id("batch_id", &id)?, lang)
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TestForm {
    pub name: String,
    pub specification: String,
    pub method: String,
    pub required: bool,
}

pub fn qc_plan(s: &mut Session, _: Lang, batch_id: String, form: TestForm) -> Result<String> {
    let t = qc::NewTest {
        name: form.name,
        specification: form.specification,
        method: form.method,
        required: form.required,
    };
    Ok(qc::plan(&mut s.db, &s.actor, parse_id("batch_id", &batch_id)?, &t)?.to_string())
}

/// Records a test's result once; `tested_on` is ДД.ММ.ГГГГ.
pub fn qc_record_result(
    s: &mut Session,
    _: Lang,
    test_id: String,
    result: String,
    passed: bool,
    tested_on: String,
) -> Result<()> {
    qc::record_result(&mut s.db, &s.actor, parse_id("test_id", &test_id)?, &result, passed, &tested_on)
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ReleaseForm {
    pub done_at: String,
    pub place: String,
    pub expires_on: String,
    pub storage: String,
}

pub fn qc_release(s: &mut Session, _: Lang, batch_id: String, form: ReleaseForm) -> Result<()> {
    let r =
        qc::Release { done_at: form.done_at, place: form.place, expires_on: form.expires_on, storage: form.storage };
    qc::release(&mut s.db, &s.actor, parse_id("batch_id", &batch_id)?, &r)
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct RoomRow {
    pub id: String,
    pub name: String,
    pub cleaning_minutes: u32,
    pub bookings: Vec<BookingRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BookingRow {
    pub product_name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub purpose: String,
}

pub fn rooms_list(s: &mut Session, _: Lang) -> Result<Vec<RoomRow>> {
    let conn = s.db.conn();
    production::rooms(conn)?
        .into_iter()
        .map(|r| {
            let bookings = production::bookings(conn, r.id)?
                .into_iter()
                .map(|b| BookingRow {
                    product_name: b.product_name,
                    starts_at: b.starts_at.format("%d.%m.%Y %H:%M").to_string(),
                    ends_at: b.ends_at.format("%d.%m.%Y %H:%M").to_string(),
                    purpose: b.purpose,
                })
                .collect();
            Ok(RoomRow { id: r.id.to_string(), name: r.name, cleaning_minutes: r.cleaning_minutes, bookings })
        })
        .collect()
}

pub fn rooms_add(s: &mut Session, _: Lang, name: String, cleaning_minutes: u32) -> Result<String> {
    Ok(production::add_room(&mut s.db, &s.actor, &name, cleaning_minutes)?.to_string())
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BookingForm {
    pub room_id: String,
    pub product_name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub purpose: String,
}

pub fn rooms_book(s: &mut Session, _: Lang, form: BookingForm) -> Result<()> {
    let b = NewBooking {
        room_id: parse_id("room_id", &form.room_id)?,
        product_name: form.product_name,
        starts_at: form.starts_at,
        ends_at: form.ends_at,
        purpose: form.purpose,
    };
    production::book(&mut s.db, &s.actor, &b).map(|_| ())
}
