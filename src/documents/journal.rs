//! The commission's journal as a PDF: A4 pages, seven columns with several fields to a cell, the header
//! repeated on every page.
use super::layout::{Layout, Weight};
use super::{save, Meta};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::{journal, org};
use chrono::NaiveDate;

/// The journal on A4 pages: seven columns, several fields to a cell, the header repeated on every page.
pub fn render_journal(
    rows: &[journal::Row],
    org: &org::Organization,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let t = |key: &str| tr(lang, &format!("journal.{key}"), &[]);
    let period = crate::validate::show_open_period(from, to, lang);
    let title = format!("{} ({period})", t("title"));
    let meta = Meta {
        title: title.clone(),
        author: org.name.clone(),
        subject: title.clone(),
        created: chrono::Local::now().fixed_offset(),
    };
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let c = journal::cells(r, lang);
            vec![
                format!("{}\n{}\n{}", c[0], c[1], c[17]),
                format!("{}\n{}\n{}", c[2], c[3], c[5]),
                format!("{} {}\n{}", c[6], c[7], c[8]),
                format!("{}; {}\n{}", c[9], c[16], c[11]),
                format!("{}\n{}", c[12], c[13]),
                if c[14].is_empty() { c[10].clone() } else { format!("{}\n{} {}", c[10], t("supersedes"), c[14]) },
                if c[15].is_empty() { "—".into() } else { c[15].clone() },
            ]
        })
        .collect();
    let heads: Vec<String> =
        ["pdf.number", "pdf.patient", "pdf.diagnosis", "pdf.setting", "pdf.votes", "pdf.outcome", "pdf.administered"]
            .iter()
            .map(|k| t(k))
            .collect();
    let head: Vec<&str> = heads.iter().map(String::as_str).collect();
    save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(&org.name, 10.0, Weight::Bold, true);
        l.space(6.0);
        l.paragraph(&title, 12.0, Weight::Bold, true);
        l.space(8.0);
        l.table(&[0.1, 0.2, 0.2, 0.16, 0.1, 0.12, 0.12], Some(&head), &body, 7.5);
        if rows.is_empty() {
            l.paragraph(&t("empty"), 9.0, Weight::Regular, false);
        }
        l.finish(&format!("{} · {}", org.name, t("title")), |n, m| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", m.to_string())])
        })
    })
}

/// Any table of text on A4 pages (the quality-control journal): `widths` are fractions of the page width.
pub fn render_table(
    header: &[String],
    rows: &[Vec<String>],
    widths: &[f32],
    org: &org::Organization,
    title: &str,
    lang: Lang,
) -> Result<Vec<u8>> {
    let meta = Meta {
        title: title.to_string(),
        author: org.name.clone(),
        subject: title.to_string(),
        created: chrono::Local::now().fixed_offset(),
    };
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(&org.name, 10.0, Weight::Bold, true);
        l.space(6.0);
        l.paragraph(title, 12.0, Weight::Bold, true);
        l.space(8.0);
        l.table(widths, Some(&head), rows, 7.5);
        if rows.is_empty() {
            l.paragraph(&tr(lang, "journal.empty", &[]), 9.0, Weight::Regular, false);
        }
        l.finish(&format!("{} · {title}", org.name), |n, m| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", m.to_string())])
        })
    })
}
