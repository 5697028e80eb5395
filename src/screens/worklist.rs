//! The home screen as a worklist: what waits for the signed-in user — decisions to sign in their turn,
//! meetings with cases they have not voted on, reports overdue or due within a week (for those who sign
//! them), the permit's confirmation and the age of the last backup (for admins). A fixed number of queries.
use crate::deadlines::{self, ItemKind};
use crate::error::Result;
use crate::people::{Actor, Operation};
use crate::{backup, org, signatures};
use chrono::{DateTime, NaiveDate};
use rusqlite::{params, Connection};
use uuid::Uuid;

/// Reports due within this many days count as "due" on the worklist.
pub const DUE_SOON_DAYS: i64 = 7;

#[derive(Debug, Clone)]
pub struct ToSign {
    pub decision_id: Uuid,
    pub number: String,
    pub patient_name: String,
}

#[derive(Debug, Clone)]
pub struct ToVote {
    pub meeting_id: Uuid,
    pub date: NaiveDate,
    pub number: u32,
    /// Cases on its agenda with neither this member's vote nor a decision yet.
    pub cases: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Worklist {
    pub to_sign: Vec<ToSign>,
    pub to_vote: Vec<ToVote>,
    /// For those who sign reports: how many are overdue and how many are due within `DUE_SOON_DAYS`.
    pub reports: Option<(u32, u32)>,
    /// For admins, when it falls due within the board's notice: days to the permit's confirmation.
    pub permit_days: Option<i64>,
    /// For admins: whole days since the last backup, `Some(None)` when there has never been one.
    pub backup_age_days: Option<Option<i64>>,
}

/// Decisions shown as waiting for a signature at most (the oldest first; the batch signing finds them all).
pub const SIGN_SHOWN: usize = 20;

/// The oldest decisions waiting for `user`'s signature now: among the unsigned decisions they voted on or took
/// the minutes of (the secretary), not yet signed by them — found by the indexes, not by reading every
/// decision's signers — those whose order lets them sign now (the presiding member once all others have).
fn awaiting_signature(conn: &Connection, user: Uuid) -> Result<Vec<Uuid>> {
    // A secretary takes the minutes of nearly every meeting: the unsigned decisions in number order soon give
    // theirs. A member signs only what they voted on: their votes (by the member's index) give the decisions.
    let secretary: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM composition_members WHERE user_id = ?1 AND role = 'secretary')",
        [user],
        |r| r.get(0),
    )?;
    let unsigned = "dd.signed_sha256 IS NULL
           AND NOT EXISTS (SELECT 1 FROM document_signatures s WHERE s.decision_id = d.id AND s.user_id = ?1)";
    let sql = if secretary {
        format!(
            "SELECT d.id FROM decisions d LEFT JOIN decision_documents dd ON dd.decision_id = d.id
             WHERE {unsigned}
               AND (EXISTS (SELECT 1 FROM votes v WHERE v.meeting_id = d.meeting_id AND v.case_id = d.case_id
                            AND v.user_id = ?1)
                    OR EXISTS (SELECT 1 FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id
                               JOIN composition_members cm ON cm.composition_id = m.composition_id
                                    AND cm.user_id = a.user_id
                               WHERE a.meeting_id = d.meeting_id AND a.user_id = ?1 AND cm.role = 'secretary'))
             ORDER BY d.year, d.seq LIMIT ?2"
        )
    } else {
        format!(
            "SELECT d.id FROM votes v
             JOIN decisions d ON d.meeting_id = v.meeting_id AND d.case_id = v.case_id
             LEFT JOIN decision_documents dd ON dd.decision_id = d.id
             WHERE v.user_id = ?1 AND {unsigned}
             ORDER BY d.year, d.seq LIMIT ?2"
        )
    };
    let mut stmt = conn.prepare(&sql)?;
    let candidates: Vec<Uuid> =
        stmt.query_map(params![user, (SIGN_SHOWN * 10) as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut ready = Vec::new();
    for id in candidates {
        if ready.len() == SIGN_SHOWN {
            break;
        }
        if signatures::may_sign_now(conn, id, user)? {
            ready.push(id);
        }
    }
    Ok(ready)
}

pub fn worklist(conn: &Connection, actor: &Actor, today: NaiveDate) -> Result<Worklist> {
    let mut w = Worklist::default();
    let waiting = awaiting_signature(conn, actor.id())?;
    if !waiting.is_empty() {
        let marks = vec!["?"; waiting.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT d.id, d.number, p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, '')
             FROM decisions d JOIN cases c ON c.id = d.case_id JOIN patients p ON p.id = c.patient_id
             WHERE d.id IN ({marks}) ORDER BY d.year, d.seq"
        ))?;
        w.to_sign = stmt
            .query_map(rusqlite::params_from_iter(&waiting), |r| {
                Ok(ToSign { decision_id: r.get(0)?, number: r.get(1)?, patient_name: r.get(2)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    let mut stmt = conn.prepare(
        "SELECT m.id, m.meeting_date, coalesce(p.number, 0), count(*)
         FROM meetings m
         JOIN composition_members cm ON cm.composition_id = m.composition_id AND cm.user_id = ?1
         JOIN agenda_items a ON a.meeting_id = m.id
         LEFT JOIN meeting_protocols p ON p.meeting_id = m.id
         WHERE m.state = 'open' AND cm.role <> 'secretary'
           AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.meeting_id = m.id AND v.case_id = a.case_id AND v.user_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.meeting_id = m.id AND r.case_id = a.case_id AND r.user_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.meeting_id = m.id AND d.case_id = a.case_id)
         GROUP BY m.id ORDER BY m.meeting_date",
    )?;
    w.to_vote = stmt
        .query_map(params![actor.id()], |r| {
            Ok(ToVote { meeting_id: r.get(0)?, date: r.get(1)?, number: r.get(2)?, cases: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if actor.may(Operation::ReportSign) {
        let reports: Vec<_> =
            deadlines::board(conn, today)?.into_iter().filter(|i| i.kind == ItemKind::Report).collect();
        let overdue = reports.iter().filter(|i| i.overdue).count() as u32;
        let soon = reports.iter().filter(|i| !i.overdue && i.days_left <= DUE_SOON_DAYS).count() as u32;
        w.reports = Some((overdue, soon));
    }
    if actor.may(Operation::PermitUpdate) {
        let o = org::get(conn)?;
        let days = o.days_to_confirmation(today);
        w.permit_days = (days <= deadlines::PERMIT_NOTICE_DAYS).then_some(days);
    }
    if actor.may(Operation::Backup) {
        let (_, last) = backup::schedule(conn)?;
        let age =
            last.and_then(|at| DateTime::parse_from_rfc3339(&at).ok()).map(|at| (today - at.date_naive()).num_days());
        w.backup_age_days = Some(age);
    }
    Ok(w)
}
