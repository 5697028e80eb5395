//! How long the clinic has to send each report, kept as settings because the rule texts are not yet confirmed
//! (DOMAIN.md §5). Defaults: a fact of use within 5 working days of the administration; an adverse reaction
//! that is fatal or life-threatening within 3 working days, any other within 15 calendar days, of the day the
//! clinic learnt of it (Roszdravnadzor Order 3518 as summarised); a benefit–risk report per product every 6
//! months, due 70 calendar days after the period ends (the EAEU GVP rule for periodic reports).
use crate::audit;
use crate::calendar;
use crate::db::Db;
use crate::error::{Check, Error, Result};
use crate::org::settings::{put, read};
use crate::people::{Actor, Operation};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

/// A period counted from an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    WorkingDays(u32),
    CalendarDays(u32),
}

impl Period {
    /// The last day of the period that starts the day after `event`.
    pub fn due(self, event: NaiveDate) -> NaiveDate {
        match self {
            Period::WorkingDays(n) => calendar::add_working_days(event, n),
            Period::CalendarDays(n) => calendar::add_calendar_days(event, n),
        }
    }

    /// Stored beside each deadline: `working_days:5`, `calendar_days:15`.
    pub fn code(self) -> String {
        match self {
            Period::WorkingDays(n) => format!("working_days:{n}"),
            Period::CalendarDays(n) => format!("calendar_days:{n}"),
        }
    }

    /// The period in words: "5 рабочих дн.", "15 календарных дн.".
    pub fn text(self, lang: crate::Lang) -> String {
        let (key, n) = match self {
            Period::WorkingDays(n) => ("period.working_days", n),
            Period::CalendarDays(n) => ("period.calendar_days", n),
        };
        crate::i18n::tr(lang, key, &[("n", n.to_string())])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineRules {
    /// Fact of use: working days after the administration.
    pub use_working_days: u32,
    /// A fatal or life-threatening reaction: working days after the clinic learnt of it.
    pub urgent_reaction_working_days: u32,
    /// Any other reaction: calendar days after the clinic learnt of it.
    pub reaction_calendar_days: u32,
    /// Benefit–risk reports: months per period.
    pub benefit_risk_months: u32,
    /// Benefit–risk reports: calendar days after the period ends.
    pub benefit_risk_due_days: u32,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            use_working_days: 5,
            urgent_reaction_working_days: 3,
            reaction_calendar_days: 15,
            benefit_risk_months: 6,
            benefit_risk_due_days: 70,
        }
    }
}

impl DeadlineRules {
    pub fn use_period(&self) -> Period {
        Period::WorkingDays(self.use_working_days)
    }

    /// Fatal or life-threatening reactions are urgent.
    pub fn reaction_period(&self, urgent: bool) -> Period {
        if urgent {
            Period::WorkingDays(self.urgent_reaction_working_days)
        } else {
            Period::CalendarDays(self.reaction_calendar_days)
        }
    }

    pub fn benefit_risk_period(&self) -> Period {
        Period::CalendarDays(self.benefit_risk_due_days)
    }

    /// Each setting's field name and value; stored under `deadline_<field>`.
    fn fields(&self) -> [(&'static str, u32); 5] {
        [
            ("use_working_days", self.use_working_days),
            ("urgent_reaction_working_days", self.urgent_reaction_working_days),
            ("reaction_calendar_days", self.reaction_calendar_days),
            ("benefit_risk_months", self.benefit_risk_months),
            ("benefit_risk_due_days", self.benefit_risk_due_days),
        ]
    }
}

/// The rules in force (defaults where none were set).
pub fn deadline_rules(conn: &Connection) -> Result<DeadlineRules> {
    let d = DeadlineRules::default();
    Ok(DeadlineRules {
        use_working_days: read(conn, "deadline_use_working_days")?.unwrap_or(d.use_working_days),
        urgent_reaction_working_days: read(conn, "deadline_urgent_reaction_working_days")?
            .unwrap_or(d.urgent_reaction_working_days),
        reaction_calendar_days: read(conn, "deadline_reaction_calendar_days")?.unwrap_or(d.reaction_calendar_days),
        benefit_risk_months: read(conn, "deadline_benefit_risk_months")?.unwrap_or(d.benefit_risk_months),
        benefit_risk_due_days: read(conn, "deadline_benefit_risk_due_days")?.unwrap_or(d.benefit_risk_due_days),
    })
}

/// Changes the rules for reports opened from now on (open reports keep the deadline they were given). Admins
/// only; each period must lie in 1..=365 days, and benefit–risk periods in 1..=12 months (dividing a year).
pub fn set_deadline_rules(db: &mut Db, actor: &Actor, r: DeadlineRules) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    for (field, value) in r.fields() {
        let ok = if field == "benefit_risk_months" {
            [1, 2, 3, 4, 6, 12].contains(&value)
        } else {
            (1..=365).contains(&value)
        };
        if !ok {
            let allowed = if field == "benefit_risk_months" { "1, 2, 3, 4, 6, 12" } else { "1–365" };
            return Err(Error::invalid(field, Check::OneOf { allowed: allowed.into() }));
        }
    }
    db.tx(|tx| {
        for (field, v) in r.fields() {
            put(tx, &format!("deadline_{field}"), &v.to_string())?;
        }
        audit::record(tx, actor, "settings.deadline_rules", "settings", "deadlines", &r)
    })
}
