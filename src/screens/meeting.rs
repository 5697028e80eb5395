//! The meeting screen: the meeting with its composition and attendance, and for each agenda item the case,
//! the patient, the live tally and the protocol so far (votes with dissent, recusals and how each was put on
//! record).
use crate::commission::{self, AgendaItem, Meeting, Protocol, Tally};
use crate::error::Result;
use crate::{cases, patients};
use rusqlite::Connection;
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

pub fn meeting(conn: &Connection, id: Uuid) -> Result<MeetingScreen> {
    let meeting = commission::meeting(conn, id)?;
    let mut agenda = Vec::new();
    for item in commission::agenda(conn, id)? {
        let case = cases::get(conn, item.case_id)?;
        let patient = patients::get(conn, case.patient_id)?;
        agenda.push(AgendaView {
            tally: commission::tally(conn, &meeting, item.case_id)?,
            protocol: commission::protocol(conn, id, item.case_id)?,
            patient_name: patient.full_name(),
            product_name: case.product_name,
            icd_code: case.icd_code,
            item,
        });
    }
    Ok(MeetingScreen { meeting, agenda })
}
