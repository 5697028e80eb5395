//! The consent record and the administration record: one page each (more if the text is long), signed by
//! the physician who recorded them.
use super::layout::{Layout, Weight, LEFT, WIDTH};
use super::{qr_modules, save, Meta, Rendered};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::validate::show_date;
use crate::{administrations, cases, commission, consent, org, patients, safety};
use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;
use uuid::Uuid;

/// What a record prints: a title, label/value rows, and its signer.
#[derive(Debug, Clone)]
pub struct RecordSheet {
    pub kind: &'static str,
    pub org: org::Organization,
    pub title: String,
    pub rows: Vec<(String, String)>,
    pub signer_name: String,
    /// The signer's capacity as printed ("Врач", "Ответственное лицо").
    pub signer_role: String,
    pub created: DateTime<FixedOffset>,
    pub code: String,
}

fn physician_name(conn: &Connection, id: Uuid) -> Result<String> {
    Ok(conn.query_row("SELECT full_name FROM users WHERE id = ?1", [id], |r| r.get(0))?)
}

fn now_of(conn: &Connection, table: &str, id: Uuid) -> Result<DateTime<FixedOffset>> {
    let at: String = conn.query_row(&format!("SELECT created_at FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?;
    Ok(DateTime::parse_from_rfc3339(&at).unwrap_or_else(|_| chrono::Local::now().fixed_offset()))
}

pub fn consent_sheet(conn: &Connection, consent_id: Uuid, lang: Lang) -> Result<RecordSheet> {
    let t = |key: &str| tr(lang, &format!("doc.{key}"), &[]);
    let c = consent::get(conn, consent_id)?;
    let case = cases::get(conn, c.case_id)?;
    let p = patients::get(conn, case.patient_id)?;
    let signer = match c.signer_kind {
        consent::SignerKind::Patient => format!("{} ({})", c.signer_name, t("signer_patient")),
        consent::SignerKind::Representative => {
            format!("{} ({})", c.signer_name, c.representative_ground.clone().unwrap_or_default())
        }
    };
    let mut rows = vec![
        (t("patient"), format!("{}, {}", p.full_name(), show_date(p.birth_date))),
        (t("product"), case.product_name.clone()),
        (t("diagnosis"), format!("{} — {}", case.icd_code, case.indication)),
        (t("consent_signed_on"), show_date(c.signed_on)),
        (t("consent_signer"), signer),
        (t("consent_form"), c.form_version.clone()),
        (t("info_sheet"), c.info_sheet_version.clone()),
        (t("informing_physician"), physician_name(conn, c.informing_physician)?),
        (
            t("scan"),
            c.scan_sha256
                .clone()
                .map(|h| format!("{} · SHA-256 {h}", c.scan_mime.clone().unwrap_or_default()))
                .unwrap_or_else(|| t("none")),
        ),
    ];
    if let Some(w) = c.withdrawn_on {
        rows.push((t("withdrawn_on"), show_date(w)));
    }
    Ok(RecordSheet {
        kind: "consent",
        org: org::get(conn)?,
        title: t("consent_title"),
        rows,
        signer_name: physician_name(conn, c.informing_physician)?,
        signer_role: t("physician"),
        created: now_of(conn, "consents", consent_id)?,
        code: format!("BTLP-CONSENT;{consent_id}"),
    })
}

pub fn administration_sheet(conn: &Connection, administration_id: Uuid, lang: Lang) -> Result<RecordSheet> {
    let t = |key: &str| tr(lang, &format!("doc.{key}"), &[]);
    let a = administrations::get(conn, administration_id)?;
    let d = commission::decision(conn, a.decision_id)?;
    let case = cases::get(conn, a.case_id)?;
    let p = patients::get(conn, case.patient_id)?;
    let recorded_by: Uuid =
        conn.query_row("SELECT recorded_by FROM administrations WHERE id = ?1", [administration_id], |r| r.get(0))?;
    let mut rows = vec![
        (t("patient"), format!("{}, {}", p.full_name(), show_date(p.birth_date))),
        (t("product"), case.product_name.clone()),
        (t("decision"), format!("№ {} {} {}", d.number, t("of"), show_date(d.decided_on))),
        (t("administered_at"), a.administered_at.format("%d.%m.%Y %H:%M").to_string()),
        (t("setting"), format!("{}; {}", tr(lang, &format!("setting.{}", a.setting.code()), &[]), a.department)),
        (t("dose"), a.dose.clone()),
        (t("route"), a.route.clone()),
        (t("batch"), a.batch.clone()),
        (t("staff"), a.staff.clone()),
    ];
    if let Some(dev) = &a.deviation {
        let text = tr(
            lang,
            "doc.deviation_text",
            &[("dose", dev.decided_dose.clone()), ("route", dev.decided_route.clone()), ("reason", dev.reason.clone())],
        );
        rows.push((t("deviation"), text));
    }
    for r in safety::for_administration(conn, administration_id)? {
        rows.push((t("reaction"), format!("{}: {}", show_date(r.onset_on), r.description)));
    }
    Ok(RecordSheet {
        kind: "administration",
        org: org::get(conn)?,
        title: t("administration_title"),
        rows,
        signer_name: physician_name(conn, recorded_by)?,
        signer_role: t("physician"),
        created: now_of(conn, "administrations", administration_id)?,
        code: format!("BTLP-ADMINISTRATION;{administration_id}"),
    })
}

/// Renders the record in one pass: the QR code carries the digest of everything laid out before it.
pub fn render_record(sheet: &RecordSheet, lang: Lang) -> Result<Rendered> {
    let t = |key: &str| tr(lang, &format!("doc.{key}"), &[]);
    let s = sheet;
    let meta =
        Meta { title: s.title.clone(), author: s.org.name.clone(), subject: s.title.clone(), created: s.created };
    let mut digest = String::new();
    let mut qr_failed = None;
    let pdf = save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(&s.org.name, 11.0, Weight::Bold, true);
        l.space(10.0);
        l.paragraph(&s.title, 13.0, Weight::Bold, true);
        l.space(8.0);
        let rows: Vec<Vec<String>> = s.rows.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
        l.table(&[0.32, 0.68], None, &rows, 9.5);
        l.space(10.0);
        let signer = vec![vec![s.signer_role.clone(), s.signer_name.clone(), String::new()]];
        l.table(&[0.3, 0.4, 0.3], Some(&[&t("role"), &t("name"), &t("signature")]), &signer, 9.5);
        digest = l.content_digest();
        match qr_modules(&format!("{};{digest}", s.code)) {
            Err(e) => qr_failed = Some(e),
            Ok(modules) => {
                let size = 64.0;
                l.ensure(size + 20.0);
                l.space(10.0);
                let (page, top) = (l.page(), l.top());
                l.squares(page, LEFT, top, size, &modules);
                l.text_beside(LEFT + size + 10.0, top + 16.0, WIDTH - size - 10.0, &t("record_qr_caption"), 8.0);
                l.space(size);
            }
        }
        l.finish(&format!("{} · {}", s.org.name, s.title), |n, total| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", total.to_string())])
        })
    })?;
    match qr_failed {
        Some(e) => Err(e),
        None => Ok(Rendered { pdf, content_sha256: digest, signature_boxes: Vec::new() }),
    }
}
