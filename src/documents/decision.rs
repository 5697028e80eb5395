//! The decision extract ("выписка из протокола заседания врачебной комиссии"): everything the commission
//! decided about one administration, on A4, in the user's language (Russian by default).
use super::layout::{Layout, Weight, LEFT, WIDTH};
use super::{qr_modules, save, Meta, Rendered};
use crate::cases::{self, FindingKind};
use crate::commission::{self, Decision, Outcome, Protocol, SeatRole, Terms};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::validate::show_date;
use crate::{consent, icd, names, org, patients};
use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;

/// Everything the extract prints, gathered from the record.
#[derive(Debug, Clone)]
pub struct DecisionSheet {
    pub org: org::Organization,
    pub decision: Decision,
    pub meeting_date: chrono::NaiveDate,
    /// The meeting's protocol number in its year.
    pub protocol_number: u32,
    pub composition_order: String,
    /// The attending physician, who presents the case («докладчик»).
    pub physician: String,
    pub protocol: Protocol,
    pub patient: patients::Patient,
    pub case: cases::Case,
    pub icd_title: String,
    pub findings: Vec<cases::Finding>,
    pub consent: Option<consent::Consent>,
    pub supersedes_number: Option<String>,
    pub adopted_at: DateTime<FixedOffset>,
}

pub fn decision_sheet(conn: &Connection, decision: &Decision) -> Result<DecisionSheet> {
    let meeting = commission::meeting_of(conn, decision)?;
    let case = cases::get(conn, decision.case_id)?;
    let icd_title = icd::search(conn, &case.icd_code, 1)?.into_iter().next().map(|e| e.title).unwrap_or_default();
    // The consent the decision relied on: the latest in force by its date (one given later only if none was).
    let consents = consent::for_case(conn, case.id)?;
    let consent = consents
        .iter()
        .rfind(|c| c.withdrawn_on.is_none() && c.signed_on <= decision.decided_on)
        .or_else(|| consents.iter().rfind(|c| c.withdrawn_on.is_none()))
        .cloned();
    let supersedes_number = match decision.supersedes {
        Some(id) => Some(commission::decision(conn, id)?.number),
        None => None,
    };
    let adopted_at: String =
        conn.query_row("SELECT created_at FROM decisions WHERE id = ?1", [decision.id], |r| r.get(0))?;
    let physician: String =
        conn.query_row("SELECT full_name FROM users WHERE id = ?1", [case.physician_id], |r| r.get(0))?;
    Ok(DecisionSheet {
        org: org::get(conn)?,
        decision: decision.clone(),
        meeting_date: meeting.date,
        protocol_number: meeting.number,
        physician,
        composition_order: meeting.composition.order_ref.clone(),
        protocol: commission::protocol(conn, decision.meeting_id, decision.case_id)?,
        patient: patients::get(conn, case.patient_id)?,
        icd_title,
        findings: cases::findings(conn, case.id)?,
        consent,
        supersedes_number,
        adopted_at: DateTime::parse_from_rfc3339(&adopted_at).unwrap_or_else(|_| chrono::Local::now().fixed_offset()),
        case,
    })
}

/// The operative paragraph of a decision («Разрешить применение …»), as the extract prints it.
pub fn decision_text(lang: Lang, product: &str, patient: &str, t: &Terms) -> String {
    let key = match t.outcome {
        Outcome::Approved => "doc.text_approved",
        Outcome::Rejected => "doc.text_rejected",
        Outcome::Deferred => "doc.text_deferred",
    };
    tr(
        lang,
        key,
        &[
            ("product", product.to_string()),
            ("patient", patient.to_string()),
            ("setting", tr(lang, &format!("setting.{}", t.setting.code()), &[])),
            ("department", t.department.clone()),
            ("from", show_date(t.window_from)),
            ("to", show_date(t.window_to)),
            ("dose", t.dose.clone()),
            ("route", t.route.clone()),
        ],
    )
}

/// What the user confirms before adopting: the number the decision will get, its outcome and its text.
#[derive(Debug, Clone)]
pub struct AdoptionPreview {
    pub number: String,
    pub outcome: Outcome,
    pub text: String,
}

pub fn adoption_preview(
    db: &crate::db::Db,
    actor: &crate::people::Actor,
    meeting_id: uuid::Uuid,
    case_id: uuid::Uuid,
    lang: Lang,
) -> Result<AdoptionPreview> {
    let d = commission::adoption_preview(db, actor, meeting_id, case_id)?;
    let case = cases::get(db.conn(), d.case_id)?;
    let patient = patients::get(db.conn(), case.patient_id)?;
    let text = decision_text(lang, &case.product_name, &patient_dative(lang, &patient), &d.terms);
    Ok(AdoptionPreview { number: d.number, outcome: d.terms.outcome, text })
}

/// The patient as the decision's sentence names them: «пациенту Зайцеву Роману Евгеньевичу» takes the dative in
/// Russian; English keeps the name as it is.
pub fn patient_dative(lang: Lang, p: &patients::Patient) -> String {
    match lang {
        Lang::Ru => names::decline(&p.full_name(), names::Sex::of_code(&p.sex), names::Case::Dative),
        _ => p.full_name(),
    }
}

fn masked_snils(snils: Option<&str>) -> String {
    match snils {
        Some(s) if s.len() == 11 => format!("***-***-*{} {}", &s[7..9], &s[9..11]),
        _ => "—".into(),
    }
}

fn seat_label(lang: Lang, role: SeatRole) -> String {
    tr(lang, &format!("seat.{}", role.code()), &[])
}

/// Renders the extract in one pass: the QR code carries the digest of everything laid out before it.
pub fn render_decision(sheet: &DecisionSheet, lang: Lang) -> Result<Rendered> {
    let (pdf, signature_boxes, content_sha256) = render(sheet, lang)?;
    Ok(Rendered { pdf, content_sha256, signature_boxes })
}

fn render(s: &DecisionSheet, lang: Lang) -> Result<(Vec<u8>, Vec<super::Placed>, String)> {
    let t = |key: &str| tr(lang, &format!("doc.{key}"), &[]);
    let d = &s.decision;
    let meta = Meta {
        title: tr(lang, "doc.title_meta", &[("number", d.number.clone())]),
        author: s.org.name.clone(),
        subject: t("subject"),
        created: s.adopted_at,
    };
    let mut digest = String::new();
    let mut qr_failed = None;
    let mut boxes = Vec::new();
    let pdf = save(&meta, |regular, bold| {
        let mut l = Layout::new(regular, bold);
        l.paragraph(&s.org.name, 11.0, Weight::Bold, true);
        if !s.org.ogrn.is_empty() {
            let details =
                tr(lang, "doc.org_details", &[("ogrn", s.org.ogrn.clone()), ("address", s.org.address.clone())]);
            l.paragraph(&details, 9.0, Weight::Regular, true);
        }
        let permit =
            tr(lang, "doc.permit", &[("number", s.org.permit_number.clone()), ("date", show_date(s.org.permit_date))]);
        l.paragraph(&permit, 9.0, Weight::Regular, true);
        l.space(10.0);
        l.paragraph(&t("title"), 13.0, Weight::Bold, true);
        let protocol = tr(
            lang,
            "doc.protocol_line",
            &[("number", s.protocol_number.to_string()), ("date", show_date(s.meeting_date))],
        );
        l.paragraph(&protocol, 11.0, Weight::Bold, true);
        let heading = tr(lang, "doc.heading", &[("number", d.number.clone()), ("date", show_date(d.decided_on))]);
        l.paragraph(&heading, 10.5, Weight::Regular, true);
        if let (Some(n), Some(why)) = (&s.supersedes_number, &d.correction_reason) {
            l.paragraph(
                &tr(lang, "doc.supersedes", &[("number", n.clone()), ("reason", why.clone())]),
                9.5,
                Weight::Regular,
                true,
            );
        }
        l.space(8.0);

        // Page 1, as a protocol reads: on what grounds, who sat, whom they heard, how they voted, what they decided.
        let p = &s.patient;
        let short = |name: &str| match lang {
            Lang::Ru => names::short(name),
            _ => name.to_string(),
        };
        let present: Vec<String> = s
            .protocol
            .present
            .iter()
            .map(|m| format!("{} ({})", short(&m.full_name), seat_label(lang, m.role)))
            .collect();
        let present = tr(
            lang,
            "doc.present_line",
            &[
                ("names", present.join(", ")),
                ("present", d.present.to_string()),
                ("size", d.composition_size.to_string()),
            ],
        );
        let physician = match lang {
            Lang::Ru => names::short_in(&s.physician, names::Sex::Unknown, Some(names::Case::Accusative)),
            _ => s.physician.clone(),
        };
        let heard = tr(
            lang,
            "doc.heard",
            &[
                ("physician", physician),
                ("product", s.case.product_name.clone()),
                ("patient", patient_dative(lang, p)),
                ("birth", show_date(p.birth_date)),
                ("diagnosis", format!("{} — {}", s.case.icd_code, s.icd_title)),
            ],
        );
        let voted = tr(
            lang,
            "doc.voted",
            &[
                ("for", d.votes_for.to_string()),
                ("against", d.votes_against.to_string()),
                ("abstain", d.votes_abstain.to_string()),
                ("needed", d.threshold.to_string()),
            ],
        );
        let decided = decision_text(lang, &s.case.product_name, &patient_dative(lang, p), &d.terms());
        let rows = vec![
            vec![t("basis_label"), t("basis")],
            vec![t("present_label"), present],
            vec![t("heard_label"), heard],
            vec![t("voted_label"), voted],
            vec![t("decided_label"), decided],
        ];
        l.table(&[0.2, 0.8], None, &rows, 10.0);

        section(&mut l, &t("s_patient"));
        let mut rows = vec![
            vec![t("patient"), p.full_name()],
            vec![t("birth_date"), show_date(p.birth_date)],
            vec![t("snils"), masked_snils(p.snils.as_deref())],
            vec![t("diagnosis"), format!("{} — {}. {}", s.case.icd_code, s.icd_title, s.case.indication)],
            vec![t("product"), s.case.product_name.clone()],
            vec![t("genetic_study"), s.case.genetic_study.clone()],
        ];
        if let Some(r) = &p.representative {
            rows.insert(3, vec![t("representative"), format!("{} ({})", r.full_name, r.relation)]);
        }
        l.table(&[0.3, 0.7], None, &rows, 9.5);

        section(&mut l, &t("s_assessment"));
        let rows: Vec<Vec<String>> = FindingKind::ALL
            .iter()
            .filter_map(|k| s.findings.iter().find(|f| f.kind == *k))
            .map(|f| {
                vec![tr(lang, &format!("finding.{}", f.kind.code()), &[]), f.finding.clone(), f.justification.clone()]
            })
            .collect();
        l.table(&[0.24, 0.4, 0.36], Some(&[&t("finding"), &t("content"), &t("justification")]), &rows, 9.0);

        section(&mut l, &t("s_conditions"));
        let setting = tr(lang, &format!("setting.{}", d.setting.code()), &[]);
        let consent = match &s.consent {
            Some(c) => tr(
                lang,
                "doc.consent_line",
                &[
                    ("date", show_date(c.signed_on)),
                    ("signer", c.signer_name.clone()),
                    ("form", c.form_version.clone()),
                    ("sheet", c.info_sheet_version.clone()),
                ],
            ),
            None => t("consent_missing"),
        };
        let rows = vec![vec![t("setting"), format!("{setting}; {}", d.department)], vec![t("consent"), consent]];
        l.table(&[0.3, 0.7], None, &rows, 9.5);

        section(&mut l, &t("s_votes"));
        let rows: Vec<Vec<String>> = s
            .protocol
            .votes
            .iter()
            .map(|v| {
                vec![
                    format!("{} ({})", v.seat.full_name, seat_label(lang, v.seat.role)),
                    tr(lang, &format!("outcome.{}", v.choice.code()), &[]),
                    v.reason.clone().unwrap_or_default(),
                ]
            })
            .collect();
        l.table(&[0.42, 0.16, 0.42], Some(&[&t("member"), &t("vote"), &t("dissent")]), &rows, 9.0);
        let tally = tr(
            lang,
            "doc.tally",
            &[
                ("size", d.composition_size.to_string()),
                ("present", d.present.to_string()),
                ("recused", d.recused.to_string()),
                ("for", d.votes_for.to_string()),
                ("against", d.votes_against.to_string()),
                ("abstain", d.votes_abstain.to_string()),
                ("needed", d.threshold.to_string()),
            ],
        );
        l.space(4.0);
        l.paragraph(&tally, 9.5, Weight::Regular, false);

        section(&mut l, &t("s_commission"));
        let recused: Vec<String> = s
            .protocol
            .recused
            .iter()
            .map(|r| match &r.on_word {
                None => format!("{} — {}", r.seat.full_name, r.reason),
                Some(w) => tr(
                    lang,
                    "doc.recused_on_word",
                    &[
                        ("name", r.seat.full_name.clone()),
                        ("reason", r.reason.clone()),
                        ("by", w.entered_by.clone()),
                        ("note", w.note.clone()),
                    ],
                ),
            })
            .collect();
        let present: Vec<String> =
            s.protocol.present.iter().map(|p| format!("{} ({})", p.full_name, seat_label(lang, p.role))).collect();
        let rows = vec![
            vec![t("composition"), s.composition_order.clone()],
            vec![t("present"), present.join("; ")],
            vec![t("recused"), if recused.is_empty() { t("none") } else { recused.join("; ") }],
        ];
        l.table(&[0.3, 0.7], None, &rows, 9.5);

        section(&mut l, &t("s_signatures"));
        let rows: Vec<Vec<String>> = s
            .protocol
            .signers
            .iter()
            // Three empty lines leave room for the visible signature (name, time and certificate number).
            .map(|seat| vec![seat_label(lang, seat.role), seat.full_name.clone(), "\n\n".to_string()])
            .collect();
        let placed = l.table(&[0.3, 0.4, 0.3], Some(&[&t("role"), &t("name"), &t("signature")]), &rows, 9.5);
        boxes = placed.into_iter().filter_map(|cells| cells.get(2).copied()).collect();
        l.space(4.0);
        l.paragraph(&t("signature_note"), 8.0, Weight::Regular, false);

        // «Выписка верна»: the secretary who issues the extract and the date of issue.
        let secretary = s.protocol.signers.iter().find(|seat| seat.role == SeatRole::Secretary);
        l.space(10.0);
        l.ensure(48.0);
        l.paragraph(&t("certified"), 10.5, Weight::Bold, false);
        let issued = tr(
            lang,
            "doc.certified_by",
            &[
                ("name", secretary.map(|seat| short(&seat.full_name)).unwrap_or_default()),
                ("date", show_date(s.adopted_at.date_naive())),
            ],
        );
        l.paragraph(&issued, 10.0, Weight::Regular, false);

        digest = l.content_digest();
        match qr_modules(&format!("BTLP-DECISION;{};{digest}", d.number)) {
            Err(e) => qr_failed = Some(e),
            Ok(modules) => {
                let size = 72.0;
                l.ensure(size + 24.0);
                l.space(8.0);
                let top = l.top();
                let page = l.page();
                l.squares(page, LEFT, top, size, &modules);
                let caption = tr(lang, "doc.qr_caption", &[("number", d.number.clone())]);
                l.text_beside(LEFT + size + 10.0, top + 20.0, WIDTH - size - 10.0, &caption, 8.0);
                l.space(size);
            }
        }
        l.finish(&format!("{} · {}", s.org.name, meta.title), |n, total| {
            tr(lang, "doc.page", &[("n", n.to_string()), ("total", total.to_string())])
        })
    })?;
    match qr_failed {
        Some(e) => Err(e),
        None => Ok((pdf, boxes, digest)),
    }
}

fn section(l: &mut Layout, title: &str) {
    l.space(8.0);
    l.ensure(40.0);
    l.paragraph(title, 11.0, Weight::Bold, false);
    l.space(2.0);
}
