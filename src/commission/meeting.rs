//! Meetings: the date (which fixes the composition in force), the members present, the agenda of cases with
//! the administration each would authorise, and conflicts of interest declared per case.
use super::composition::{by_id, effective_on, Composition};
use crate::audit;
use crate::cases::{self, CaseState};
use crate::db::{Db, Tx};
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: Uuid,
    pub date: NaiveDate,
    /// The protocol's number, counted per year of the meeting's date («Протокол № 12 от 21.11.2026»).
    pub number: u32,
    /// ЧЧ:ММ, and where the commission sits (empty for meetings from before protocols were numbered).
    pub starts_at: String,
    pub place: String,
    pub composition: Composition,
    pub open: bool,
    pub present: Vec<Uuid>,
}

/// The administration a decision on an agenda item would authorise.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// ДД.ММ.ГГГГ: the planned window for the one administration.
    pub window_from: String,
    pub window_to: String,
    pub dose: String,
    pub route: String,
}

/// What opening a meeting asks for: its date, and the time and place its protocol and agenda print.
#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    /// ДД.ММ.ГГГГ.
    pub date: String,
    /// ЧЧ:ММ, or empty.
    pub time: String,
    pub place: String,
}

impl NewMeeting {
    /// A meeting on `date`, time and place not given.
    pub fn on(date: &str) -> NewMeeting {
        NewMeeting { date: date.into(), ..Default::default() }
    }
}

/// Opens a meeting with the composition in force on its date; its protocol gets the next number of that year.
/// Secretary or chair.
pub fn create_meeting(db: &mut Db, actor: &Actor, m: &NewMeeting) -> Result<Uuid> {
    actor.require(Operation::MeetingCreate)?;
    let date = validate::date("meeting_date", &m.date)?;
    let time = validate::time_of_day("meeting_time", &m.time)?.unwrap_or_default();
    let place = validate::optional_text("meeting_place", &m.place, 300)?.unwrap_or_default();
    db.tx(|tx| {
        let composition = effective_on(tx, date)?
            .ok_or_else(|| Error::Refused(Rule::NoComposition { date: validate::show_date(date) }))?;
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO meetings (id, meeting_date, composition_id, state, created_by, created_at)
             VALUES (?1, ?2, ?3, 'open', ?4, ?5)",
            params![id, date, composition.id, actor.id(), tx.now_text()],
        )?;
        let year = date.year();
        let number: u32 =
            tx.query_row("SELECT coalesce(max(number), 0) + 1 FROM meeting_protocols WHERE year = ?1", [year], |r| {
                r.get(0)
            })?;
        tx.execute(
            "INSERT INTO meeting_protocols (meeting_id, year, number, starts_at, place) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, year, number, time, place],
        )?;
        audit::record(tx, actor, "meeting.create", "meeting", &id.to_string(), &(date, composition.id, number))?;
        Ok(id)
    })
}

pub fn meeting(conn: &Connection, id: Uuid) -> Result<Meeting> {
    type Row = (NaiveDate, Uuid, String, (u32, String, String));
    let (date, composition_id, state, (number, starts_at, place)): Row = conn
        .query_row(
            "SELECT meeting_date, composition_id, state,
                    coalesce(p.number, 0), coalesce(p.starts_at, ''), coalesce(p.place, '')
             FROM meetings m LEFT JOIN meeting_protocols p ON p.meeting_id = m.id WHERE m.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, (r.get(3)?, r.get(4)?, r.get(5)?))),
        )
        .optional()?
        .ok_or(Error::NotFound { entity: "meeting", id: id.to_string() })?;
    let mut stmt = conn.prepare("SELECT user_id FROM meeting_attendance WHERE meeting_id = ?1")?;
    let present = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let composition = by_id(conn, composition_id)?;
    Ok(Meeting { id, date, number, starts_at, place, composition, open: state == "open", present })
}

pub(crate) fn open_meeting(conn: &Connection, id: Uuid) -> Result<Meeting> {
    let m = meeting(conn, id)?;
    if !m.open {
        return Err(Error::Refused(Rule::MeetingClosed));
    }
    Ok(m)
}

/// Records who is present: every login must sit on the meeting's composition. Secretary or chair.
pub fn set_attendance(db: &mut Db, actor: &Actor, meeting_id: Uuid, logins: &[&str]) -> Result<()> {
    actor.require(Operation::MeetingAttendance)?;
    db.tx(|tx| {
        let m = open_meeting(tx, meeting_id)?;
        let mut ids = Vec::new();
        for login in logins {
            let login = login.trim().to_lowercase();
            let seat = m.composition.seats.iter().find(|s| s.login == login);
            ids.push(seat.ok_or(Error::Refused(Rule::NotCommissionMember))?.user_id);
        }
        tx.execute("DELETE FROM meeting_attendance WHERE meeting_id = ?1", [meeting_id])?;
        for id in &ids {
            tx.execute(
                "INSERT OR IGNORE INTO meeting_attendance (meeting_id, user_id) VALUES (?1, ?2)",
                params![meeting_id, id],
            )?;
        }
        audit::record(tx, actor, "meeting.attendance", "meeting", &meeting_id.to_string(), &ids)
    })
}

/// Puts an assessed case on the agenda with the administration it would authorise (rule 2: only a case
/// whose assessment is complete and setting chosen). Secretary or chair.
pub fn add_to_agenda(db: &mut Db, actor: &Actor, meeting_id: Uuid, case_id: Uuid, plan: &Plan) -> Result<()> {
    actor.require(Operation::AgendaAdd)?;
    let from = validate::date("window_from", &plan.window_from)?;
    let to = validate::date("window_to", &plan.window_to)?;
    if to < from {
        return Err(Error::invalid("window_to", Check::EndBeforeStart));
    }
    let dose = validate::text("dose", &plan.dose, 300)?;
    let route = validate::text("route", &plan.route, 200)?;
    db.tx(|tx| {
        let m = open_meeting(tx, meeting_id)?;
        if from < m.date {
            return Err(Error::invalid("window_from", Check::EndBeforeStart));
        }
        let case = cases::get(tx, case_id)?;
        match case.state {
            CaseState::Assessed => {}
            CaseState::Decided if may_return(tx, case_id)? => {}
            _ => cases::require_state(&case, &[CaseState::Assessed])?,
        }
        cases::check_complete(tx, case_id)?;
        tx.execute(
            "INSERT INTO agenda_items (meeting_id, case_id, window_from, window_to, dose, route)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![meeting_id, case_id, from, to, dose, route],
        )?;
        cases::set_state(tx, case_id, CaseState::Scheduled)?;
        audit::record(tx, actor, "agenda.add", "meeting", &meeting_id.to_string(), &(case_id, from, to, &dose, &route))
    })
}

/// A decided case returns to a meeting when its last decision was deferred, or was approved and used.
fn may_return(tx: &Tx, case_id: Uuid) -> Result<bool> {
    let last: Option<(String, bool)> = tx
        .query_row(
            "SELECT d.outcome, EXISTS (SELECT 1 FROM administrations a WHERE a.decision_id = d.id)
             FROM decisions d WHERE d.case_id = ?1 ORDER BY d.created_at DESC, d.id DESC LIMIT 1",
            [case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(matches!(last, Some((o, used)) if o == "deferred" || (o == "approved" && used)))
}

/// Who puts a conflict of interest on record.
#[derive(Debug, Clone, Copy)]
pub enum Declarant<'a> {
    /// The member themselves: signed in, or confirmed with their own password at the meeting's workstation.
    Member,
    /// The secretary or chair, on the member's word («со слов члена комиссии»); `note` says how the member
    /// stated it. Recorded as such in the audit trail and the protocol.
    OnWordOf { login: &'a str, note: &'a str },
}

/// Records a declared conflict of interest: the member, present at the meeting, is recused and does not vote
/// on the case. Not after the member has voted, nor once the decision is adopted.
pub fn declare_conflict(
    db: &mut Db,
    actor: &Actor,
    meeting_id: Uuid,
    case_id: Uuid,
    declarant: Declarant,
    reason: &str,
) -> Result<()> {
    let (login, note) = match declarant {
        Declarant::OnWordOf { login, note } if login.trim().to_lowercase() != actor.login => {
            actor.require(Operation::ConflictDeclare)?;
            (login.trim().to_lowercase(), Some(validate::text("recusal_note", note, 1000)?))
        }
        _ => (actor.login.clone(), None),
    };
    let reason = validate::text("reason", reason, 2000)?;
    db.tx(|tx| {
        let m = open_meeting(tx, meeting_id)?;
        on_agenda(tx, meeting_id, case_id)?;
        // Once the decision is adopted its protocol is fixed: no recusal is added or changed after it.
        cases::require_state(&cases::get(tx, case_id)?, &[CaseState::Scheduled])?;
        let seat = m.composition.seats.iter().find(|s| s.login == login && s.role.votes());
        let user_id = seat.ok_or(Error::Refused(Rule::NotCommissionMember))?.user_id;
        if !m.present.contains(&user_id) {
            return Err(Error::Refused(Rule::NotPresent));
        }
        let voted: bool = tx.query_row(
            "SELECT count(*) > 0 FROM votes WHERE meeting_id = ?1 AND case_id = ?2 AND user_id = ?3",
            params![meeting_id, case_id, user_id],
            |r| r.get(0),
        )?;
        if voted {
            return Err(Error::Refused(Rule::AlreadyVoted));
        }
        let key = params![meeting_id, case_id, user_id];
        tx.execute("DELETE FROM recusal_entries WHERE meeting_id = ?1 AND case_id = ?2 AND user_id = ?3", key)?;
        tx.execute(
            "INSERT OR REPLACE INTO recusals (meeting_id, case_id, user_id, reason) VALUES (?1, ?2, ?3, ?4)",
            params![meeting_id, case_id, user_id, reason],
        )?;
        let id = meeting_id.to_string();
        match note {
            None => audit::record(tx, actor, "meeting.recusal", "meeting", &id, &(case_id, &login, &reason)),
            Some(note) => {
                tx.execute(
                    "INSERT INTO recusal_entries (meeting_id, case_id, user_id, entered_by, note)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![meeting_id, case_id, user_id, actor.id(), note],
                )?;
                let summary = (case_id, &login, &reason, &note);
                audit::record(tx, actor, "meeting.recusal_on_word", "meeting", &id, &summary)
            }
        }
    })
}

pub(crate) fn on_agenda(conn: &Connection, meeting_id: Uuid, case_id: Uuid) -> Result<Plan> {
    conn.query_row(
        "SELECT window_from, window_to, dose, route FROM agenda_items WHERE meeting_id = ?1 AND case_id = ?2",
        params![meeting_id, case_id],
        |r| Ok(Plan { window_from: r.get(0)?, window_to: r.get(1)?, dose: r.get(2)?, route: r.get(3)? }),
    )
    .optional()?
    .ok_or(Error::Refused(Rule::NotOnAgenda))
}

/// Closes a meeting once every case on its agenda has a decision. Secretary or chair.
pub fn close_meeting(db: &mut Db, actor: &Actor, meeting_id: Uuid) -> Result<()> {
    actor.require(Operation::MeetingClose)?;
    db.tx(|tx| {
        open_meeting(tx, meeting_id)?;
        let undecided: usize = tx.query_row(
            "SELECT count(*) FROM agenda_items i WHERE i.meeting_id = ?1 AND NOT EXISTS
                 (SELECT 1 FROM decisions d WHERE d.meeting_id = i.meeting_id AND d.case_id = i.case_id)",
            [meeting_id],
            |r| r.get::<_, i64>(0).map(|n| n as usize),
        )?;
        if undecided > 0 {
            return Err(Error::Refused(Rule::VotingUnfinished { missing: undecided }));
        }
        tx.execute("UPDATE meetings SET state = 'closed' WHERE id = ?1", [meeting_id])?;
        audit::record(tx, actor, "meeting.close", "meeting", &meeting_id.to_string(), &())
    })
}
