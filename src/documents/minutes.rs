//! The protocol of a whole meeting («Протокол № N заседания врачебной комиссии») and, before the meeting, its
//! agenda («Повестка»): A4, in the user's language, names declined where the sentence needs it.
use super::decision::{decision_text, patient_dative};
use super::layout::{Layout, Weight};
use super::{save, Meta, Rendered};
use crate::cases;
use crate::commission::{self, Minutes, SeatRole};
use crate::digest::sha256_hex;
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::production::patient_code;
use crate::validate::show_date;
use crate::{names, org, patients};
use rusqlite::Connection;

/// One agenda item's case as the documents name it.
struct Subject {
    patient: patients::Patient,
    case: cases::Case,
    physician: String,
}

fn subjects(conn: &Connection, m: &Minutes) -> Result<Vec<Subject>> {
    m.items
        .iter()
        .map(|i| {
            let case = cases::get(conn, i.item.case_id)?;
            let patient = patients::get(conn, case.patient_id)?;
            let physician: String =
                conn.query_row("SELECT full_name FROM users WHERE id = ?1", [case.physician_id], |r| r.get(0))?;
            Ok(Subject { patient, case, physician })
        })
        .collect()
}

fn short(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Ru => names::short(name),
        _ => name.to_string(),
    }
}

fn seat(lang: Lang, role: SeatRole) -> String {
    tr(lang, &format!("seat.{}", role.code()), &[])
}

/// The head both documents share: the organisation, the title, the protocol's number, date, time and place.
fn head(l: &mut Layout, o: &org::Organization, m: &commission::Meeting, title: &str, lang: Lang) {
    l.paragraph(&o.name, 11.0, Weight::Bold, true);
    if !o.ogrn.is_empty() {
        let details = tr(lang, "doc.org_details", &[("ogrn", o.ogrn.clone()), ("address", o.address.clone())]);
        l.paragraph(&details, 9.0, Weight::Regular, true);
    }
    l.space(10.0);
    l.paragraph(title, 13.0, Weight::Bold, true);
    let when = [show_date(m.date), m.starts_at.clone(), m.place.clone()].into_iter().filter(|s| !s.is_empty());
    let line =
        tr(lang, "minutes.when", &[("number", m.number.to_string()), ("when", when.collect::<Vec<_>>().join(", "))]);
    l.paragraph(&line, 10.5, Weight::Regular, true);
    l.space(8.0);
}

/// The agenda the secretary prints before the meeting: numbered items, each patient as initials and code.
pub fn render_agenda(conn: &Connection, meeting_id: uuid::Uuid, lang: Lang) -> Result<Vec<u8>> {
    let m = commission::minutes(conn, meeting_id)?;
    let o = org::get(conn)?;
    let subjects = subjects(conn, &m)?;
    let title = tr(lang, "minutes.agenda_title", &[]);
    let meta = Meta {
        title: tr(lang, "minutes.agenda_meta", &[("number", m.meeting.number.to_string())]),
        author: o.name.clone(),
        subject: title.clone(),
        created: chrono::Local::now().fixed_offset(),
    };
    save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        head(&mut l, &o, &m.meeting, &title, lang);
        let rows: Vec<Vec<String>> = subjects
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let who = format!("{} ({})", names::initials(&s.patient.full_name()), patient_code(s.patient.id));
                vec![format!("{}.", n + 1), who, s.case.product_name.clone(), short(lang, &s.physician)]
            })
            .collect();
        let header = [
            tr(lang, "minutes.col_n", &[]),
            tr(lang, "minutes.col_patient", &[]),
            tr(lang, "minutes.col_product", &[]),
            tr(lang, "minutes.col_physician", &[]),
        ];
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        l.table(&[0.07, 0.3, 0.38, 0.25], Some(&header), &rows, 9.5);
        l.finish(&format!("{} · {}", o.name, meta.title), |n, total| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", total.to_string())])
        })
    })
}

/// The protocol of the whole meeting, with a signature box for each signer in signing order.
pub fn render_minutes(conn: &Connection, meeting_id: uuid::Uuid, lang: Lang) -> Result<Rendered> {
    let m = commission::minutes(conn, meeting_id)?;
    let o = org::get(conn)?;
    let subjects = subjects(conn, &m)?;
    let t = |key: &str| tr(lang, &format!("doc.{key}"), &[]);
    let title = tr(lang, "minutes.title", &[]);
    let meta = Meta {
        title: tr(
            lang,
            "minutes.meta",
            &[("number", m.meeting.number.to_string()), ("date", show_date(m.meeting.date))],
        ),
        author: o.name.clone(),
        subject: title.clone(),
        created: chrono::Local::now().fixed_offset(),
    };
    let mut boxes = Vec::new();
    let pdf = save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        head(&mut l, &o, &m.meeting, &title, lang);
        let voting = m.present.iter().filter(|s| s.role.votes()).count();
        let size = m.meeting.composition.seats.iter().filter(|s| s.role.votes()).count();
        let present: Vec<String> =
            m.present.iter().map(|s| format!("{} ({})", short(lang, &s.full_name), seat(lang, s.role))).collect();
        let absent: Vec<String> =
            m.absent.iter().map(|s| format!("{} ({})", short(lang, &s.full_name), seat(lang, s.role))).collect();
        let agenda: Vec<String> = subjects
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let item = tr(
                    lang,
                    "minutes.agenda_item",
                    &[("product", s.case.product_name.clone()), ("patient", patient_dative(lang, &s.patient))],
                );
                format!("{}. {item}", n + 1)
            })
            .collect();
        let rows = vec![
            vec![t("basis_label"), t("basis")],
            vec![t("composition"), m.meeting.composition.order_ref.clone()],
            vec![
                t("present_label"),
                tr(
                    lang,
                    "doc.present_line",
                    &[("names", present.join(", ")), ("present", voting.to_string()), ("size", size.to_string())],
                ),
            ],
            vec![tr(lang, "minutes.absent", &[]), if absent.is_empty() { t("none") } else { absent.join(", ") }],
            vec![tr(lang, "minutes.agenda", &[]), agenda.join("\n")],
        ];
        l.table(&[0.2, 0.8], None, &rows, 10.0);

        for (n, (item, s)) in m.items.iter().zip(&subjects).enumerate() {
            l.space(8.0);
            l.ensure(60.0);
            l.paragraph(&tr(lang, "minutes.item", &[("n", (n + 1).to_string())]), 11.0, Weight::Bold, false);
            let heard = tr(
                lang,
                "doc.heard",
                &[
                    (
                        "physician",
                        match lang {
                            Lang::Ru => {
                                names::short_in(&s.physician, names::Sex::Unknown, Some(names::Case::Accusative))
                            }
                            _ => s.physician.clone(),
                        },
                    ),
                    ("product", s.case.product_name.clone()),
                    ("patient", patient_dative(lang, &s.patient)),
                    ("birth", show_date(s.patient.birth_date)),
                    ("diagnosis", s.case.icd_code.clone()),
                ],
            );
            let recused: Vec<String> = item
                .protocol
                .recused
                .iter()
                .map(|r| format!("{} — {}", short(lang, &r.seat.full_name), r.reason))
                .collect();
            let votes: Vec<String> = item
                .protocol
                .votes
                .iter()
                .map(|v| {
                    let choice = tr(lang, &format!("outcome.{}", v.choice.code()), &[]);
                    match &v.reason {
                        Some(why) if !why.is_empty() => {
                            format!("{}: {choice}. {}: {why}", short(lang, &v.seat.full_name), t("dissent"))
                        }
                        _ => format!("{}: {choice}", short(lang, &v.seat.full_name)),
                    }
                })
                .collect();
            let decided = match &item.decision {
                Some(d) => format!(
                    "{} {}",
                    decision_text(lang, &s.case.product_name, &patient_dative(lang, &s.patient), &d.terms()),
                    tr(lang, "doc.heading", &[("number", d.number.clone()), ("date", show_date(d.decided_on))])
                ),
                None => tr(lang, "minutes.undecided", &[]),
            };
            let mut rows = vec![vec![t("heard_label"), heard]];
            if !recused.is_empty() {
                rows.push(vec![t("recused"), recused.join("; ")]);
            }
            rows.push(vec![t("voted_label"), votes.join("\n")]);
            rows.push(vec![t("decided_label"), decided]);
            l.table(&[0.2, 0.8], None, &rows, 9.5);
        }

        l.space(8.0);
        l.ensure(40.0);
        l.paragraph(&tr(lang, "minutes.signatures", &[]), 11.0, Weight::Bold, false);
        let rows: Vec<Vec<String>> =
            m.signers.iter().map(|s| vec![seat(lang, s.role), s.full_name.clone(), "\n\n".to_string()]).collect();
        let placed = l.table(&[0.3, 0.4, 0.3], Some(&[&t("role"), &t("name"), &t("signature")]), &rows, 9.5);
        boxes = placed.into_iter().filter_map(|cells| cells.get(2).copied()).collect();
        l.space(4.0);
        l.paragraph(&t("signature_note"), 8.0, Weight::Regular, false);
        l.finish(&format!("{} · {}", o.name, meta.title), |n, total| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", total.to_string())])
        })
    })?;
    Ok(Rendered { content_sha256: sha256_hex(&pdf), pdf, signature_boxes: boxes })
}
