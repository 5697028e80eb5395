//! What each report says, as structured data: the JSON documented by the schemas in `docs/schemas/`, the CSV
//! made from the same fields, and the label/value rows of its PDF. Dates are ISO 8601 in the data and
//! ДД.ММ.ГГГГ on paper.
use super::{Kind, Report};
use crate::error::Result;
use crate::i18n::{tr, Lang};
use crate::validate::show_date;
use crate::{administrations, cases, commission, org, patients, safety};
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The `schema` value of each kind; the file is `docs/schemas/<schema>.schema.json`.
pub fn schema_id(kind: Kind) -> &'static str {
    match kind {
        Kind::Use => "report-use-1",
        Kind::Reaction => "report-reaction-1",
        Kind::BenefitRisk => "report-benefit-risk-1",
    }
}

fn organization(conn: &Connection) -> Result<Value> {
    let o = org::get(conn)?;
    Ok(json!({
        "name": o.name, "licence": o.licence, "permit_number": o.permit_number, "permit_date": o.permit_date,
    }))
}

/// The patient as a report identifies them: a code, initials, sex, birth year and age on the day.
fn patient(conn: &Connection, id: Uuid, on: NaiveDate) -> Result<Value> {
    let p = patients::get(conn, id)?;
    let initial = |s: &str| s.chars().next().map(|c| format!("{c}.")).unwrap_or_default();
    let initials = [Some(p.last_name.as_str()), Some(p.first_name.as_str()), p.patronymic.as_deref()]
        .into_iter()
        .flatten()
        .map(initial)
        .collect::<String>();
    let age = on.years_since(p.birth_date).unwrap_or(0);
    Ok(json!({
        "code": p.id.to_string(), "initials": initials, "sex": p.sex, "birth_year": p.birth_date.year(),
        "age_years": age,
    }))
}

fn administration(a: &administrations::Administration) -> Value {
    json!({
        "administered_at": a.administered_at.format("%Y-%m-%dT%H:%M").to_string(),
        "setting": a.setting.code(), "department": a.department, "dose": a.dose, "route": a.route,
        "batch": a.batch, "staff": a.staff,
    })
}

fn decision(d: &commission::Decision) -> Value {
    json!({ "number": d.number, "decided_on": d.decided_on })
}

fn header(conn: &Connection, r: &Report) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    m.insert("schema".into(), schema_id(r.kind).into());
    m.insert("report_id".into(), r.id.to_string().into());
    m.insert("kind".into(), r.kind.code().into());
    m.insert("organization".into(), organization(conn)?);
    m.insert("reporter".into(), Value::Null);
    m.insert("product_name".into(), r.product_name.clone().into());
    Ok(m)
}

fn footer(m: &mut Map<String, Value>, r: &Report, today: NaiveDate) {
    m.insert("event_on".into(), json!(r.event_on));
    m.insert("due_on".into(), json!(r.due_on));
    m.insert("due_rule".into(), r.due_rule.clone().into());
    m.insert("compiled_on".into(), json!(today));
}

/// The report's data as of `today` (a draft's data follow the records; a signed report's are the stored ones).
pub(crate) fn compile(conn: &Connection, r: &Report, today: NaiveDate) -> Result<Value> {
    let mut m = header(conn, r)?;
    match r.kind {
        Kind::Use => {
            let a = administrations::get(conn, r.subject_id.unwrap_or_default())?;
            clinical(conn, &mut m, &a)?;
        }
        Kind::Reaction => {
            let x = safety::get(conn, r.subject_id.unwrap_or_default())?;
            let a = administrations::get(conn, x.administration_id)?;
            clinical(conn, &mut m, &a)?;
            m.insert(
                "reaction".into(),
                json!({
                    "description": x.description, "onset_on": x.onset_on, "known_on": r.event_on,
                    "serious": x.serious(), "seriousness": x.seriousness, "outcome": x.outcome,
                    "causality": x.causality,
                }),
            );
        }
        Kind::BenefitRisk => benefit_risk(conn, &mut m, r)?,
    }
    footer(&mut m, r, today);
    Ok(Value::Object(m))
}

fn clinical(conn: &Connection, m: &mut Map<String, Value>, a: &administrations::Administration) -> Result<()> {
    let case = cases::get(conn, a.case_id)?;
    let d = commission::decision(conn, a.decision_id)?;
    m.insert("patient".into(), patient(conn, case.patient_id, a.administered_at.date())?);
    m.insert("diagnosis".into(), json!({ "icd_code": case.icd_code, "indication": case.indication }));
    m.insert("decision".into(), decision(&d));
    m.insert("administration".into(), administration(a));
    Ok(())
}

fn counts(conn: &Connection, sql: &str, from: NaiveDate, to: NaiveDate, product: &str) -> Result<Map<String, Value>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![from, to, product], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut m = Map::new();
    for row in rows {
        let (k, n) = row?;
        m.insert(k, n.into());
    }
    Ok(m)
}

fn zeros(keys: &[&str], found: Map<String, Value>) -> Value {
    let mut m = Map::new();
    for k in keys {
        m.insert((*k).into(), found.get(*k).cloned().unwrap_or(json!(0)));
    }
    Value::Object(m)
}

/// Uses, patients, decisions and reactions of one product over the report's period.
fn benefit_risk(conn: &Connection, m: &mut Map<String, Value>, r: &Report) -> Result<()> {
    let (from, to) = (r.period_from.unwrap_or_default(), r.period_to.unwrap_or_default());
    let product = r.product_name.as_str();
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, params![from, to, product], |x| x.get(0))?) };
    // administered_at holds a date-time; comparing its date keeps the period's last day in.
    const ADMIN: &str = "FROM administrations a JOIN cases c ON c.id = a.case_id
        WHERE date(a.administered_at) BETWEEN ?1 AND ?2 AND c.product_name = ?3";
    const REACT: &str = "FROM adverse_reactions x JOIN administrations a ON a.id = x.administration_id
        JOIN cases c ON c.id = a.case_id WHERE x.onset_on BETWEEN ?1 AND ?2 AND c.product_name = ?3";
    let decisions = counts(
        conn,
        "SELECT d.outcome, count(*) FROM decisions d JOIN cases c ON c.id = d.case_id
         WHERE d.decided_on BETWEEN ?1 AND ?2 AND c.product_name = ?3 GROUP BY d.outcome",
        from,
        to,
        product,
    )?;
    let mut by_seriousness = Map::new();
    for s in safety::SERIOUSNESS {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) {REACT} AND (',' || x.seriousness || ',') LIKE ?4"),
            params![from, to, product, format!("%,{s},%")],
            |x| x.get(0),
        )?;
        by_seriousness.insert(s.into(), n.into());
    }
    let by_outcome =
        counts(conn, &format!("SELECT x.outcome, count(*) {REACT} GROUP BY x.outcome"), from, to, product)?;
    let by_causality =
        counts(conn, &format!("SELECT x.causality, count(*) {REACT} GROUP BY x.causality"), from, to, product)?;
    m.insert("period".into(), json!({ "from": from, "to": to }));
    m.insert("decisions".into(), zeros(&["approved", "rejected", "deferred"], decisions));
    m.insert("administrations".into(), one(&format!("SELECT count(*) {ADMIN}"))?.into());
    m.insert("patients".into(), one(&format!("SELECT count(DISTINCT c.patient_id) {ADMIN}"))?.into());
    m.insert(
        "reactions".into(),
        json!({
            "total": one(&format!("SELECT count(*) {REACT}"))?,
            "serious": one(&format!("SELECT count(*) {REACT} AND x.seriousness <> ''"))?,
            "fatal": one(&format!("SELECT count(*) {REACT} AND (x.outcome = 'fatal' OR x.seriousness LIKE '%death%')"))?,
            "by_seriousness": by_seriousness,
            "by_outcome": zeros(&safety::OUTCOMES, by_outcome),
            "by_causality": zeros(&safety::CAUSALITY, by_causality),
        }),
    );
    m.insert("conclusion".into(), r.conclusion.clone().unwrap_or_default().into());
    Ok(())
}

/// The data as (path, value) pairs in document order: `patient.code`, `reactions.by_outcome.fatal`, …
/// Arrays become one value joined with "; ".
pub fn flatten(data: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&path, v, out);
                }
            }
            Value::Array(items) => {
                let text: Vec<String> = items.iter().map(scalar).collect();
                out.push((prefix.to_string(), text.join("; ")));
            }
            _ => out.push((prefix.to_string(), scalar(v))),
        }
    }
    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
    let mut out = Vec::new();
    walk("", data, &mut out);
    out
}

/// One header row of field paths and one row of values, UTF-8 with a BOM so Excel reads the Cyrillic.
pub fn to_csv(data: &Value) -> Vec<u8> {
    let pairs = flatten(data);
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(pairs.iter().map(|(k, _)| k.as_str()));
    let _ = w.write_record(pairs.iter().map(|(_, v)| v.as_str()));
    w.into_inner().unwrap_or_default()
}

/// The PDF's rows: each field's label from the catalogue (`report.field.<path>`) and its value as a reader
/// expects it (dates ДД.ММ.ГГГГ, codes named in the user's language). Paths with no label are left out
/// (the schema id, say).
pub fn rows(data: &Value, lang: Lang) -> Vec<(String, String)> {
    flatten(data)
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "schema" | "kind" | "due_rule"))
        .map(|(k, v)| (tr(lang, &format!("report.field.{k}"), &[]), readable(&k, &v, lang)))
        .collect()
}

fn readable(path: &str, value: &str, lang: Lang) -> String {
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return show_date(d);
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M") {
        return t.format("%d.%m.%Y %H:%M").to_string();
    }
    let coded = |prefix: &str| {
        value
            .split("; ")
            .filter(|s| !s.is_empty())
            .map(|c| tr(lang, &format!("{prefix}.{c}"), &[]))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match path {
        "administration.setting" => coded("setting"),
        "patient.sex" => coded("sex"),
        "reaction.seriousness" => coded("seriousness"),
        "reaction.outcome" => coded("reaction_outcome"),
        "reaction.causality" => coded("causality"),
        "reaction.serious" => tr(lang, if value == "true" { "word.yes" } else { "word.no" }, &[]),
        _ => value.to_string(),
    }
}

/// Every path a report of `kind` has, for the catalogue test.
pub fn paths(data: &Value) -> Vec<String> {
    flatten(data).into_iter().map(|(k, _)| k).collect()
}
