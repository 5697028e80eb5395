//! The decisions list: a page of decisions with their patient, product and signing state, filtered by outcome,
//! by signing state and by a part of the patient's ФИО, in the order asked. One query for the page and one
//! for the total, whatever the page's length.
use crate::commission::decision::{from_row, COLUMNS};
use crate::commission::{Decision, Outcome};
use crate::error::Result;
use crate::order::Order;
use crate::patients;
use rusqlite::{params, Connection};

/// Which decisions the list shows; the default shows all.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub outcome: Option<Outcome>,
    /// Only those not yet signed by every signer.
    pub unsigned: bool,
    /// A part of the patient's ФИО (case and ё folded); empty for everyone.
    pub patient: String,
}

#[derive(Debug, Clone)]
pub struct DecisionItem {
    pub decision: Decision,
    pub patient_name: String,
    pub product_name: String,
    /// Every required signer has signed.
    pub signed: bool,
}

/// A page of decisions (newest or oldest by number, or by the patient's ФИО) and how many match in all.
pub fn decisions(
    conn: &Connection,
    filter: &DecisionFilter,
    order: Order,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DecisionItem>, u32)> {
    let by = match order.without_deadline()? {
        Order::Oldest => "d.year, d.seq",
        Order::Patient => "p.name_key, d.year DESC, d.seq DESC",
        _ => "d.year DESC, d.seq DESC",
    };
    let name = filter.patient.trim();
    let pattern = (!name.is_empty()).then(|| format!("%{}%", patients::fold(name)));
    let outcome = filter.outcome.map(Outcome::code);
    let from = "FROM decisions d JOIN cases c ON c.id = d.case_id JOIN patients p ON p.id = c.patient_id
        LEFT JOIN decision_documents dd ON dd.decision_id = d.id
        WHERE (?1 IS NULL OR d.outcome = ?1) AND (?2 = 0 OR dd.signed_sha256 IS NULL)
          AND (?3 IS NULL OR p.name_key LIKE ?3)";
    let total: u32 = if outcome.is_none() && !filter.unsigned && pattern.is_none() {
        conn.query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))?
    } else {
        conn.query_row(&format!("SELECT count(*) {from}"), params![outcome, filter.unsigned, pattern], |r| r.get(0))?
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''),
                c.product_name, dd.signed_sha256 IS NOT NULL
         {from} ORDER BY {by} LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = stmt.query_map(params![outcome, filter.unsigned, pattern, limit, offset], |r| {
        Ok(DecisionItem {
            decision: from_row(r)?,
            patient_name: r.get(23)?,
            product_name: r.get(24)?,
            signed: r.get::<_, Option<bool>>(25)?.unwrap_or(false),
        })
    })?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}
