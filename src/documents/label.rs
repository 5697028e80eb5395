//! The batch label: the chain-of-identity code in a QR code and in print, with the patient, the product,
//! the batch number, the expiry date and the storage conditions. The bedside check reads the same code.
use super::layout::{Layout, Weight, LEFT, WIDTH};
use super::{qr_modules, save, Meta};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::production::Batch;
use crate::validate::show_date;

/// The label of `batch` on an A4 page (for label printers and sheets alike).
pub fn render_label(batch: &Batch, org_name: &str, lang: Lang) -> Result<Vec<u8>> {
    let t = |key: &str| tr(lang, &format!("label.{key}"), &[]);
    let title = format!("{} {}", t("title"), batch.code);
    let meta = Meta {
        title: title.clone(),
        author: org_name.to_string(),
        subject: t("title"),
        created: chrono::Local::now().fixed_offset(),
    };
    let modules = qr_modules(&batch.code)?;
    let pending = t("not_released");
    let rows = vec![
        vec![t("patient"), batch.patient_name.clone()],
        vec![t("birth_date"), show_date(batch.birth_date)],
        vec![t("product"), format!("{} ({})", batch.product_name, batch.product_code)],
        vec![t("batch"), format!("{:03}", batch.number)],
        vec![t("expires"), batch.expires_on.map(show_date).unwrap_or_else(|| pending.clone())],
        vec![t("storage"), batch.storage.clone().unwrap_or(pending)],
    ];
    save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(org_name, 10.0, Weight::Bold, false);
        l.paragraph(&t("title"), 12.0, Weight::Bold, false);
        l.space(10.0);
        let size = 120.0;
        let top = l.top();
        let page = l.page();
        l.squares(page, LEFT, top, size, &modules);
        let beside = LEFT + size + 24.0;
        l.text_beside(beside, top + 10.0, WIDTH - size - 24.0, &t("code"), 9.0);
        l.text_beside(beside, top + 30.0, WIDTH - size - 24.0, &batch.code, 16.0);
        l.text_beside(beside, top + 70.0, WIDTH - size - 24.0, &t("warning"), 9.0);
        l.space(size + 16.0);
        l.table(&[0.3, 0.7], None, &rows, 11.0);
        l.finish(&title, |n, m| tr(lang, "doc.page", &[("n", n.to_string()), ("total", m.to_string())]))
    })
}
