//! The batch label: the chain-of-identity code in a QR code and in print, with the patient (name, date of birth
//! and the medical record number as the second identifier), the product, the batch number, the dates of
//! manufacture and expiry, the dose, the storage conditions and «Для индивидуального применения» / «Только для
//! аутологичного применения». Printed at the label printer's size (a setting: 100 × 50 mm by default) or on
//! an A4 sheet. The bedside check reads the same code.
use super::layout::{Layout, Sheet, Weight, A4};
use super::{qr_modules, save, Meta};
use crate::error::{Check, Error, Result};
use crate::i18n::{tr, Lang};
use crate::people::{Actor, Operation};
use crate::production::{self, Stage};
use crate::validate::show_date;
use crate::{org, patients};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// What the labels are printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelSize {
    /// A label printer's 100 × 50 mm label (the default).
    Roll100x50,
    /// An A4 sheet.
    A4,
}

impl LabelSize {
    pub fn code(self) -> &'static str {
        match self {
            LabelSize::Roll100x50 => "100x50",
            LabelSize::A4 => "a4",
        }
    }

    pub fn parse(code: &str) -> Result<LabelSize> {
        match code {
            "100x50" => Ok(LabelSize::Roll100x50),
            "a4" => Ok(LabelSize::A4),
            _ => Err(Error::invalid("label_size", Check::OneOf { allowed: "100x50, a4".into() })),
        }
    }
}

/// The clinic's label size (100 × 50 mm until an admin chooses otherwise).
pub fn label_size(conn: &Connection) -> Result<LabelSize> {
    match org::settings::text(conn, "label_size")? {
        Some(code) => LabelSize::parse(&code),
        None => Ok(LabelSize::Roll100x50),
    }
}

/// Sets the label size. Admins.
pub fn set_label_size(db: &mut crate::db::Db, actor: &Actor, size: LabelSize) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    db.tx(|tx| {
        org::settings::put(tx, "label_size", size.code())?;
        crate::audit::record(tx, actor, "settings.label_size", "settings", "label_size", &size.code())
    })
}

/// The label of the batch, at the clinic's label size.
pub fn render_label(conn: &Connection, batch_id: Uuid, lang: Lang) -> Result<Vec<u8>> {
    let b = production::batch(conn, batch_id)?;
    let org_name = org::get(conn)?.name;
    let record = patients::record_number(conn, b.patient_id)?;
    let made =
        production::stages(conn, batch_id)?.into_iter().find(|s| s.stage == Stage::Manufacture).map(|s| s.done_at);
    let dose: Option<String> = conn
        .query_row(
            "SELECT dose FROM decisions WHERE case_id = ?1 AND outcome = 'approved' ORDER BY year DESC, seq DESC LIMIT 1",
            [b.case_id],
            |r| r.get(0),
        )
        .optional()?;
    let t = |key: &str| tr(lang, &format!("label.{key}"), &[]);
    let title = format!("{} {}", t("title"), b.code);
    let meta = Meta {
        title: title.clone(),
        author: org_name.clone(),
        subject: t("title"),
        created: chrono::Local::now().fixed_offset(),
    };
    let modules = qr_modules(&b.code)?;
    let pending = t("not_released");
    let none = "—".to_string();
    let rows = vec![
        (t("patient"), format!("{}, {}", b.patient_name, show_date(b.birth_date))),
        (t("record_number"), record.unwrap_or_else(|| none.clone())),
        (t("product"), format!("{} ({})", b.product_name, b.product_code)),
        (t("batch"), format!("{:03}", b.number)),
        (t("made"), made.map(|d| show_date(d.date())).unwrap_or_else(|| none.clone())),
        (t("expires"), b.expires_on.map(show_date).unwrap_or_else(|| pending.clone())),
        (t("dose"), dose.unwrap_or_else(|| none.clone())),
        (t("storage"), b.storage.clone().unwrap_or(pending)),
    ];
    let size = label_size(conn)?;
    save(&meta, |regular, bold| match size {
        LabelSize::Roll100x50 => {
            let mut l = Layout::on(Sheet::mm(100.0, 50.0, 3.0), regular, bold);
            let sheet = l.sheet();
            let (qr, gap, text) = (78.0, 6.0, 6.2);
            let top = l.top();
            l.squares(0, sheet.left, top, qr, &modules);
            let x = sheet.left + qr + gap;
            let width = sheet.width() - qr - gap;
            let mut y = top;
            y += l.text_beside_in(x, y, width, &b.code, 8.5, Weight::Bold);
            for (label, value) in &rows {
                y += l.text_beside(x, y, width, &format!("{label}: {value}"), text);
            }
            let below = top + qr.max(y - top) + 3.0;
            l.text_beside_in(sheet.left, below, sheet.width(), &t("individual"), 7.0, Weight::Bold);
            l.text_beside_in(sheet.left, below + 9.0, sheet.width(), &t("autologous"), 7.0, Weight::Bold);
            l.plain()
        }
        LabelSize::A4 => {
            let mut l = Layout::on(A4, regular, bold);
            l.paragraph(&org_name, 10.0, Weight::Bold, false);
            l.paragraph(&t("title"), 12.0, Weight::Bold, false);
            l.space(10.0);
            let (qr, sheet) = (120.0, l.sheet());
            let top = l.top();
            l.squares(0, sheet.left, top, qr, &modules);
            let beside = sheet.left + qr + 24.0;
            let width = sheet.width() - qr - 24.0;
            l.text_beside(beside, top + 10.0, width, &t("code"), 9.0);
            l.text_beside(beside, top + 30.0, width, &b.code, 16.0);
            l.text_beside_in(beside, top + 62.0, width, &t("individual"), 9.5, Weight::Bold);
            l.text_beside_in(beside, top + 76.0, width, &t("autologous"), 9.5, Weight::Bold);
            l.text_beside(beside, top + 92.0, width, &t("warning"), 9.0);
            l.space(qr + 16.0);
            let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
            l.table(&[0.3, 0.7], None, &rows, 11.0);
            l.finish(&title, |n, m| tr(lang, "doc.page", &[("n", n.to_string()), ("total", m.to_string())]))
        }
    })
}
