//! The permit page: the permit's status and whether it is in force today, its history, the applications to
//! the Ministry with their steps and deadlines, and the requirements checklist with its evidence.
use crate::error::Result;
use crate::org::{self, applications, checklist, permit, Organization};
use chrono::NaiveDate;
use rusqlite::Connection;

#[derive(Debug, Clone)]
pub struct PermitScreen {
    pub org: Organization,
    pub in_force: bool,
    pub history: Vec<permit::HistoryEntry>,
    pub applications: Vec<applications::Application>,
    pub requirements: Vec<checklist::Requirement>,
}

pub fn permit(conn: &Connection, today: NaiveDate) -> Result<PermitScreen> {
    let org = org::get(conn)?;
    Ok(PermitScreen {
        in_force: org.check_permit(today).is_ok(),
        org,
        history: permit::history(conn)?,
        applications: applications::list(conn)?,
        requirements: checklist::checklist(conn, today)?,
    })
}
