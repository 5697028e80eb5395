//! The meeting screen: the meeting with its composition and attendance, and for each agenda item the case,
//! the patient, the live tally and the protocol so far (votes with dissent, recusals and how each was put on
//! record).
use crate::commission::{self, AgendaItem, Meeting, Protocol, Tally};
use crate::error::Result;
use crate::org;
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct AgendaView {
    pub item: AgendaItem,
    pub patient_name: String,
    pub product_name: String,
    pub icd_code: String,
    pub tally: Tally,
    pub protocol: Protocol,
}

#[derive(Debug, Clone)]
pub struct MeetingScreen {
    pub meeting: Meeting,
    pub agenda: Vec<AgendaView>,
}

/// The meeting screen's data in a fixed number of queries, whatever the agenda's length: the meeting, its
/// agenda with each case's patient and product (one join), the voting rules and the meeting's record (votes
/// and recusals of every item), from which each item's tally and protocol are computed.
pub fn meeting(conn: &Connection, id: Uuid) -> Result<MeetingScreen> {
    let meeting = commission::meeting(conn, id)?;
    let rules = org::rules(conn)?;
    let record = commission::record(conn, id, None)?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.case_id, p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, ''), c.product_name,
                c.icd_code
         FROM agenda_items a JOIN cases c ON c.id = a.case_id JOIN patients p ON p.id = c.patient_id
         WHERE a.meeting_id = ?1",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, Uuid>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
    let mut cases: HashMap<Uuid, (String, String, String)> = rows.collect::<rusqlite::Result<_>>()?;
    let agenda = commission::agenda(conn, id)?
        .into_iter()
        .map(|item| {
            let (patient_name, product_name, icd_code) = cases.remove(&item.case_id).unwrap_or_default();
            AgendaView {
                tally: record.tally(&meeting, &rules, item.case_id),
                protocol: record.protocol(&meeting, item.case_id),
                patient_name,
                product_name,
                icd_code,
                item,
            }
        })
        .collect();
    Ok(MeetingScreen { meeting, agenda })
}
