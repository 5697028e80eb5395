//! Data fixes that migrations run, frozen as they were when each migration landed. They use no domain module
//! (only the production calendar, which is data), so later changes to the rules cannot change what upgrading an
//! old file does.
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

/// Migration 4 (25.11.2026): administrations and adverse reactions recorded before reports existed get their
/// report to Roszdravnadzor opened, each with the deadline the rules of that day gave it — a use within 5
/// working days, a fatal or life-threatening reaction within 3 working days, any other within 15 calendar days
/// (or the clinic's own periods, if already set).
/// Public so that a test can replay it; returns how many reports it opened.
pub fn open_missing_reports(conn: &Connection) -> rusqlite::Result<usize> {
    let setting = |key: &str, default: u32| -> rusqlite::Result<u32> {
        let value: Option<String> =
            conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    let use_days = setting("deadline_use_working_days", 5)?;
    let urgent_days = setting("deadline_urgent_reaction_working_days", 3)?;
    let reaction_days = setting("deadline_reaction_calendar_days", 15)?;
    let now = chrono::Local::now().to_rfc3339();
    let mut insert = conn.prepare(
        "INSERT INTO reports (id, kind, subject_id, product_name, event_on, due_on, due_rule, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8)",
    )?;

    let uses: Vec<(Uuid, chrono::NaiveDate, String)> = conn
        .prepare(
            "SELECT a.id, date(a.administered_at), c.product_name FROM administrations a JOIN cases c ON c.id = a.case_id
             WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.subject_id = a.id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let reactions: Vec<(Uuid, String, String, String, String)> = conn
        .prepare(
            "SELECT x.id, substr(x.created_at, 1, 10), c.product_name, x.outcome, x.seriousness FROM adverse_reactions x
             JOIN administrations a ON a.id = x.administration_id JOIN cases c ON c.id = a.case_id
             WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.subject_id = x.id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;

    for (id, day, product) in &uses {
        let due = crate::calendar::add_working_days(*day, use_days);
        let rule = format!("working_days:{use_days}");
        insert.execute(params![Uuid::now_v7(), "use", id, product, day, due, rule, now])?;
    }
    for (id, day, product, outcome, seriousness) in &reactions {
        let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap_or_default();
        let urgent = outcome == "fatal" || seriousness.split(',').any(|s| s == "death" || s == "life_threatening");
        let (due, rule) = if urgent {
            (crate::calendar::add_working_days(day, urgent_days), format!("working_days:{urgent_days}"))
        } else {
            (crate::calendar::add_calendar_days(day, reaction_days), format!("calendar_days:{reaction_days}"))
        };
        insert.execute(params![Uuid::now_v7(), "reaction", id, product, day, due, rule, now])?;
    }
    Ok(uses.len() + reactions.len())
}
