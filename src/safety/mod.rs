//! Adverse reactions to an administered product: description, onset, seriousness criteria (the
//! pharmacovigilance criteria of Roszdravnadzor Order 3518), outcome and causality (WHO-UMC scale). Each is
//! linked to the administration it followed; reports and their deadlines build on these records.
use crate::administrations;
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::reports;
use crate::validate;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

/// Seriousness criteria; none means a non-serious reaction.
pub const SERIOUSNESS: [&str; 6] =
    ["death", "life_threatening", "hospitalization", "disability", "congenital_anomaly", "medically_important"];
pub const OUTCOMES: [&str; 6] =
    ["recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", "unknown"];
pub const CAUSALITY: [&str; 6] = ["certain", "probable", "possible", "unlikely", "conditional", "unassessable"];

#[derive(Debug, Clone, Default)]
pub struct NewReaction {
    pub administration_id: Uuid,
    pub description: String,
    /// ДД.ММ.ГГГГ
    pub onset_on: String,
    pub seriousness: Vec<String>,
    pub outcome: String,
    pub causality: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reaction {
    pub id: Uuid,
    pub administration_id: Uuid,
    pub description: String,
    pub onset_on: NaiveDate,
    pub seriousness: Vec<String>,
    pub outcome: String,
    pub causality: String,
}

impl Reaction {
    pub fn serious(&self) -> bool {
        !self.seriousness.is_empty()
    }

    /// Fatal or life-threatening: reported within the shorter, working-day deadline.
    pub fn urgent(&self) -> bool {
        self.outcome == "fatal" || self.seriousness.iter().any(|s| s == "death" || s == "life_threatening")
    }
}

fn one_of(field: &'static str, value: &str, allowed: &[&str]) -> Result<String> {
    let v = value.trim();
    if allowed.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(Error::invalid(field, Check::OneOf { allowed: allowed.join(", ") }))
    }
}

/// Records an adverse reaction. Physicians only.
pub fn record(db: &mut Db, actor: &Actor, r: &NewReaction) -> Result<Uuid> {
    actor.require(Operation::ReactionRecord)?;
    let description = validate::text("description", &r.description, 5000)?;
    let onset = validate::date("onset_on", &r.onset_on)?;
    if onset > db.today() {
        return Err(Error::invalid("onset_on", Check::NotInFuture));
    }
    let mut seriousness = Vec::new();
    for s in &r.seriousness {
        seriousness.push(one_of("seriousness", s, &SERIOUSNESS)?);
    }
    seriousness.sort();
    seriousness.dedup();
    let outcome = one_of("outcome", &r.outcome, &OUTCOMES)?;
    let causality = one_of("causality", &r.causality, &CAUSALITY)?;
    db.tx(|tx| {
        let a = administrations::get(tx, r.administration_id)?;
        if onset < a.administered_at.date() {
            return Err(Error::Refused(Rule::OnsetBeforeAdministration));
        }
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO adverse_reactions (id, administration_id, description, onset_on, seriousness, outcome,
                 causality, recorded_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, a.id, description, onset, seriousness.join(","), outcome, causality, actor.id(), tx.now_text()],
        )?;
        let summary = (a.id, onset, &seriousness, &outcome, &causality);
        audit::record(tx, actor, "reaction.record", "adverse_reaction", &id.to_string(), &summary)?;
        // Rule 9: every adverse reaction opens a report, its clock started today (when the clinic learnt of it).
        reports::open_for_reaction(tx, &get(tx, id)?, tx.today())?;
        Ok(id)
    })
}

const COLUMNS: &str = "id, administration_id, description, onset_on, seriousness, outcome, causality";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Reaction> {
    let seriousness: String = r.get(4)?;
    Ok(Reaction {
        id: r.get(0)?,
        administration_id: r.get(1)?,
        description: r.get(2)?,
        onset_on: r.get(3)?,
        seriousness: seriousness.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
        outcome: r.get(5)?,
        causality: r.get(6)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Reaction> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM adverse_reactions WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "adverse_reaction", id: id.to_string() })
}

pub fn for_administration(conn: &Connection, administration_id: Uuid) -> Result<Vec<Reaction>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM adverse_reactions WHERE administration_id = ?1 ORDER BY onset_on"))?;
    let rows = stmt.query_map([administration_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
