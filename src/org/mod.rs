//! The organization, its Ministry of Health permit to make and use individual BTLP, and the commission's
//! voting rules (settings with the defaults DOMAIN.md §6 gives until Order 180н's exact figures are confirmed).
//!
//! The permit is in force only while it is active and its 5-year confirmation is not overdue; decisions and
//! administrations check this (rule 1).
pub mod applications;
pub mod checklist;
pub mod permit;
pub(crate) mod settings;

pub use settings::{rules, set_rules, VotingRules};

use crate::audit;
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    Active,
    Suspended,
    Revoked,
}

impl PermitStatus {
    pub fn code(self) -> &'static str {
        match self {
            PermitStatus::Active => "active",
            PermitStatus::Suspended => "suspended",
            PermitStatus::Revoked => "revoked",
        }
    }

    pub fn parse(code: &str) -> Result<PermitStatus> {
        match code {
            "active" => Ok(PermitStatus::Active),
            "suspended" => Ok(PermitStatus::Suspended),
            "revoked" => Ok(PermitStatus::Revoked),
            _ => Err(Error::invalid("permit_status", Check::OneOf { allowed: "active, suspended, revoked".into() })),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub name: String,
    pub licence: String,
    pub permit_number: String,
    pub permit_date: NaiveDate,
    pub permit_status: PermitStatus,
    pub last_confirmed: Option<NaiveDate>,
    pub icu_present: bool,
    /// ОГРН and the legal address, as the organisation's documents print them (empty until an admin gives them).
    pub ogrn: String,
    pub address: String,
}

/// What the set-up asks for.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub licence: String,
    pub permit_number: String,
    pub permit_date: String,
    pub icu_present: bool,
}

/// The permit must be confirmed every 5 years (Resolution 213).
const CONFIRMATION_YEARS: u32 = 5;

impl Organization {
    /// The date by which the permit must next be confirmed.
    pub fn confirmation_due(&self) -> NaiveDate {
        let from = self.last_confirmed.unwrap_or(self.permit_date);
        from.checked_add_months(Months::new(12 * CONFIRMATION_YEARS)).unwrap_or(NaiveDate::MAX)
    }

    /// Days left until the confirmation is due (negative when overdue).
    pub fn days_to_confirmation(&self, today: NaiveDate) -> i64 {
        (self.confirmation_due() - today).num_days()
    }

    /// Refuses unless the permit is active and its confirmation is not overdue on `today`.
    pub fn check_permit(&self, today: NaiveDate) -> Result<()> {
        if self.permit_status != PermitStatus::Active || today > self.confirmation_due() {
            return Err(Error::Refused(Rule::PermitNotInForce {
                status: self.permit_status.code().to_string(),
                due: validate::show_date(self.confirmation_due()),
            }));
        }
        Ok(())
    }
}

/// Stores the organization at set-up; refused when one exists.
pub fn setup(db: &mut Db, org: &NewOrganization) -> Result<()> {
    let name = validate::text("org_name", &org.name, 300)?;
    let licence = validate::text("licence", &org.licence, 200)?;
    let permit_number = validate::text("permit_number", &org.permit_number, 100)?;
    let permit_date = validate::date("permit_date", &org.permit_date)?;
    if permit_date > db.today() {
        return Err(Error::invalid("permit_date", Check::NotInFuture));
    }
    db.tx(|tx| {
        if load(tx)?.is_some() {
            return Err(Error::Forbidden { action: "org_setup" });
        }
        tx.execute(
            "INSERT INTO organization (id, name, licence, permit_number, permit_date, permit_status, icu_present)
             VALUES (1, ?1, ?2, ?3, ?4, 'active', ?5)",
            params![name, licence, permit_number, permit_date, org.icu_present],
        )?;
        // A new clinic starts with the МКБ-10 codes the program ships.
        crate::icd::seed_shipped(tx)?;
        audit::append(tx, "system", "org.setup", "organization", "1", &(&name, &permit_number, permit_date))
    })
}

fn load(conn: &Connection) -> Result<Option<Organization>> {
    conn.query_row(
        "SELECT name, licence, permit_number, permit_date, permit_status, last_confirmed, icu_present,
                coalesce(d.ogrn, ''), coalesce(d.address, '')
             FROM organization o LEFT JOIN organization_details d ON d.id = o.id WHERE o.id = 1",
        [],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, NaiveDate>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<NaiveDate>>(5)?,
                r.get::<_, bool>(6)?,
                (r.get::<_, String>(7)?, r.get::<_, String>(8)?),
            ))
        },
    )
    .optional()?
    .map(|(name, licence, permit_number, permit_date, status, last_confirmed, icu_present, (ogrn, address))| {
        Ok::<_, Error>(Organization {
            name,
            licence,
            permit_number,
            permit_date,
            permit_status: PermitStatus::parse(&status)?,
            last_confirmed,
            icu_present,
            ogrn,
            address,
        })
    })
    .transpose()
}

/// Sets the organisation's ОГРН (checked) and address, as its documents print them. Admins.
pub fn set_details(db: &mut Db, actor: &Actor, ogrn: &str, address: &str) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    let ogrn = validate::ogrn("ogrn", ogrn)?;
    let address = validate::text("address", address, 500)?;
    db.tx(|tx| {
        get(tx)?;
        tx.execute(
            "INSERT INTO organization_details (id, ogrn, address) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET ogrn = excluded.ogrn, address = excluded.address",
            params![ogrn, address],
        )?;
        audit::record(tx, actor, "org.details", "organization", "1", &(&ogrn, &address))
    })
}

/// The organization; `NotFound` before set-up.
pub fn get(conn: &Connection) -> Result<Organization> {
    load(conn)?.ok_or(Error::NotFound { entity: "organization", id: "1".into() })
}

/// Checks rule 1 inside a transaction: the permit is in force today.
pub(crate) fn check_permit(tx: &Tx) -> Result<()> {
    get(tx)?.check_permit(tx.today())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(status: PermitStatus, permit: (i32, u32, u32)) -> Organization {
        Organization {
            name: "Клиника".into(),
            licence: "Л041".into(),
            permit_number: "1".into(),
            permit_date: NaiveDate::from_ymd_opt(permit.0, permit.1, permit.2).unwrap(),
            permit_status: status,
            last_confirmed: None,
            icu_present: true,
            ogrn: String::new(),
            address: String::new(),
        }
    }

    #[test]
    fn confirmation_falls_due_five_years_after_the_permit() {
        let o = org(PermitStatus::Active, (2025, 3, 10));
        assert_eq!(o.confirmation_due(), NaiveDate::from_ymd_opt(2030, 3, 10).unwrap(), "5 years after the entry");
        assert!(o.check_permit(NaiveDate::from_ymd_opt(2030, 3, 10).unwrap()).is_ok(), "in force on the due date");
        assert!(
            o.check_permit(NaiveDate::from_ymd_opt(2030, 3, 11).unwrap()).is_err(),
            "an overdue confirmation must stop the permit"
        );
    }

    #[test]
    fn a_suspended_or_revoked_permit_is_not_in_force() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for status in [PermitStatus::Suspended, PermitStatus::Revoked] {
            let r = org(status, (2025, 3, 10)).check_permit(today);
            assert!(
                matches!(r, Err(Error::Refused(Rule::PermitNotInForce { .. }))),
                "a {status:?} permit must refuse decisions and administrations"
            );
        }
    }
}
