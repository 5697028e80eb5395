//! The informed consent form printed prefilled for a wet signature (Order 1051н): the patient or their legal
//! representative, the intervention (the use of the individual BTLP under the commission's decision), the
//! product, the setting and the information sheet's version; the signed paper is then scanned and attached.
use super::layout::{Layout, Weight};
use super::{save, Meta};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::validate::show_date;
use crate::{cases, names, org, patients};
use rusqlite::Connection;
use uuid::Uuid;

/// The form for `case_id`, with the form and information-sheet versions the physician is filling in.
pub fn render_consent_form(
    conn: &Connection,
    case_id: Uuid,
    form_version: &str,
    info_sheet_version: &str,
    lang: Lang,
) -> Result<Vec<u8>> {
    let case = cases::get(conn, case_id)?;
    let p = patients::get(conn, case.patient_id)?;
    let o = org::get(conn)?;
    let physician: String =
        conn.query_row("SELECT full_name FROM users WHERE id = ?1", [case.physician_id], |r| r.get(0))?;
    let t = |key: &str| tr(lang, &format!("consent_form.{key}"), &[]);
    let title = t("title");
    let meta = Meta {
        title: title.clone(),
        author: o.name.clone(),
        subject: t("subject"),
        created: chrono::Local::now().fixed_offset(),
    };
    let blank = "________________";
    let setting = case.setting.map(|s| tr(lang, &format!("setting.{}", s.code()), &[])).unwrap_or_else(|| blank.into());
    let dative = match lang {
        Lang::Ru => names::decline(&p.full_name(), names::Sex::of_code(&p.sex), names::Case::Dative),
        _ => p.full_name(),
    };
    let who = match &p.representative {
        Some(r) => tr(
            lang,
            "consent_form.who_representative",
            &[
                ("name", r.full_name.clone()),
                ("relation", r.relation.clone()),
                ("document", r.document.clone()),
                ("patient", p.full_name()),
                ("birth", show_date(p.birth_date)),
            ],
        ),
        None => tr(lang, "consent_form.who_patient", &[("name", p.full_name()), ("birth", show_date(p.birth_date))]),
    };
    let body = tr(
        lang,
        "consent_form.body",
        &[
            ("product", case.product_name.clone()),
            ("patient", dative),
            ("setting", setting),
            ("department", case.department.clone().unwrap_or_else(|| blank.into())),
            ("org", o.name.clone()),
            ("physician", physician.clone()),
            (
                "sheet",
                if info_sheet_version.trim().is_empty() { blank.into() } else { info_sheet_version.trim().into() },
            ),
        ],
    );
    let form = if form_version.trim().is_empty() { blank.to_string() } else { form_version.trim().to_string() };
    save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(&o.name, 11.0, Weight::Bold, true);
        l.space(8.0);
        l.paragraph(&title, 13.0, Weight::Bold, true);
        l.paragraph(&t("subtitle"), 10.0, Weight::Regular, true);
        l.paragraph(&tr(lang, "consent_form.form", &[("form", form.clone())]), 9.0, Weight::Regular, true);
        l.space(10.0);
        l.paragraph(&who, 10.5, Weight::Regular, false);
        l.space(4.0);
        l.paragraph(&body, 10.5, Weight::Regular, false);
        l.space(14.0);
        let rows = vec![
            vec![t("sign_patient"), format!("{blank} / {blank}"), t("date_line")],
            vec![t("sign_physician"), format!("{blank} / {}", names::short(&physician)), t("date_line")],
        ];
        let header = [t("col_who"), t("col_sign"), t("col_date")];
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        l.table(&[0.34, 0.44, 0.22], Some(&header), &rows, 9.5);
        l.space(6.0);
        l.paragraph(&t("note"), 8.0, Weight::Regular, false);
        l.finish(&format!("{} · {title}", o.name), |n, total| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", total.to_string())])
        })
    })
}
