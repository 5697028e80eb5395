//! The commission's meetings: the queue of cases ready for one, a meeting's attendance, agenda, conflicts
//! of interest and live tally, each member's vote (confirmed with their own password) and adopting the
//! decision.
use crate::dto::{day, parse_id};
use btlp_commission::commission::{self, Choice, Declarant, Plan};
use btlp_commission::people::Operation;
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct MeetingRow {
    pub id: String,
    pub date: String,
    pub open: bool,
    pub items: u32,
}

/// A seat on the commission.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SeatRole {
    Chair,
    DeputyChair,
    Secretary,
    Member,
}

impl From<commission::SeatRole> for SeatRole {
    fn from(r: commission::SeatRole) -> Self {
        match r {
            commission::SeatRole::Chair => SeatRole::Chair,
            commission::SeatRole::DeputyChair => SeatRole::DeputyChair,
            commission::SeatRole::Secretary => SeatRole::Secretary,
            commission::SeatRole::Member => SeatRole::Member,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SeatRow {
    pub login: String,
    pub full_name: String,
    pub role: SeatRole,
    pub votes: bool,
    pub present: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TallyRow {
    pub composition_size: u32,
    pub present: u32,
    pub recused: u32,
    pub votes_for: u32,
    pub votes_against: u32,
    pub votes_abstain: u32,
    pub quorum_needed: u32,
    pub votes_needed: u32,
}

/// A member's vote, as the UI offers and shows it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VoteChoice {
    For,
    Against,
    Abstain,
}

impl From<VoteChoice> for Choice {
    fn from(c: VoteChoice) -> Self {
        match c {
            VoteChoice::For => Choice::For,
            VoteChoice::Against => Choice::Against,
            VoteChoice::Abstain => Choice::Abstain,
        }
    }
}

impl From<Choice> for VoteChoice {
    fn from(c: Choice) -> Self {
        match c {
            Choice::For => VoteChoice::For,
            Choice::Against => VoteChoice::Against,
            Choice::Abstain => VoteChoice::Abstain,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct VoteRow {
    pub login: String,
    pub full_name: String,
    pub choice: VoteChoice,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct RecusalRow {
    pub login: String,
    pub full_name: String,
    pub reason: String,
    /// Entered by the secretary or chair on the member's word: who, and their note.
    pub entered_by: Option<String>,
    pub note: Option<String>,
}

/// What adopting would record, shown in the confirmation first.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct AdoptionPreview {
    pub number: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct AgendaRow {
    pub case_id: String,
    pub patient_name: String,
    pub product_name: String,
    pub icd_code: String,
    pub window: String,
    pub dose: String,
    pub route: String,
    pub decision_id: Option<String>,
    pub tally: TallyRow,
    pub votes: Vec<VoteRow>,
    pub recused: Vec<RecusalRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct MeetingDetail {
    pub id: String,
    pub date: String,
    /// The protocol's number in its year, its time (ЧЧ:ММ or empty) and place.
    pub number: u32,
    pub time: String,
    pub place: String,
    pub open: bool,
    pub order_ref: String,
    pub seats: Vec<SeatRow>,
    pub agenda: Vec<AgendaRow>,
    /// What the signed-in user's roles let them do here (the authorisation matrix's answer, so the screen
    /// offers no action the core would refuse).
    pub may: MeetingActions,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
pub struct MeetingActions {
    pub attendance: bool,
    pub adopt: bool,
    pub close: bool,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct PlanForm {
    pub window_from: String,
    pub window_to: String,
    pub dose: String,
    pub route: String,
}

pub fn meetings_list(s: &mut Session, _: Lang) -> Result<Vec<MeetingRow>> {
    Ok(commission::meetings(s.db.conn(), 100)?
        .into_iter()
        .map(|m| MeetingRow { id: m.id.to_string(), date: day(m.date), open: m.open, items: m.items })
        .collect())
}

pub fn meetings_create(s: &mut Session, _: Lang, date: String, time: String, place: String) -> Result<String> {
    let m = commission::NewMeeting { date, time, place };
    Ok(commission::create_meeting(&mut s.db, &s.actor, &m)?.to_string())
}

pub fn meetings_get(s: &mut Session, _: Lang, id: String) -> Result<MeetingDetail> {
    let screen = btlp_commission::screens::meeting(s.db.conn(), parse_id("meeting_id", &id)?)?;
    let m = &screen.meeting;
    let seats = m
        .composition
        .seats
        .iter()
        .map(|seat| SeatRow {
            login: seat.login.clone(),
            full_name: seat.full_name.clone(),
            role: seat.role.into(),
            votes: seat.role.votes(),
            present: m.present.contains(&seat.user_id),
        })
        .collect();
    let agenda = screen.agenda.into_iter().map(agenda_row).collect();
    Ok(MeetingDetail {
        id: m.id.to_string(),
        date: day(m.date),
        number: m.number,
        time: m.starts_at.clone(),
        place: m.place.clone(),
        open: m.open,
        order_ref: m.composition.order_ref.clone(),
        seats,
        agenda,
        may: MeetingActions {
            attendance: s.actor.may(Operation::MeetingAttendance),
            adopt: s.actor.may(Operation::DecisionAdopt),
            close: s.actor.may(Operation::MeetingClose),
        },
    })
}

fn agenda_row(a: btlp_commission::screens::AgendaView) -> AgendaRow {
    let t = a.tally;
    AgendaRow {
        case_id: a.item.case_id.to_string(),
        patient_name: a.patient_name,
        product_name: a.product_name,
        icd_code: a.icd_code,
        window: format!("{} – {}", day(a.item.window_from), day(a.item.window_to)),
        dose: a.item.dose,
        route: a.item.route,
        decision_id: a.item.decision_id.map(|d| d.to_string()),
        tally: TallyRow {
            composition_size: t.composition_size as u32,
            present: t.present as u32,
            recused: t.recused as u32,
            votes_for: t.votes_for as u32,
            votes_against: t.votes_against as u32,
            votes_abstain: t.votes_abstain as u32,
            quorum_needed: t.quorum_needed as u32,
            votes_needed: t.votes_needed as u32,
        },
        votes: a
            .protocol
            .votes
            .into_iter()
            .map(|v| VoteRow {
                login: v.seat.login,
                full_name: v.seat.full_name,
                choice: v.choice.into(),
                reason: v.reason,
            })
            .collect(),
        recused: a
            .protocol
            .recused
            .into_iter()
            .map(|r| RecusalRow {
                login: r.seat.login,
                full_name: r.seat.full_name,
                reason: r.reason,
                entered_by: r.on_word.as_ref().map(|w| w.entered_by.clone()),
                note: r.on_word.map(|w| w.note),
            })
            .collect(),
    }
}

pub fn meetings_set_attendance(s: &mut Session, _: Lang, meeting_id: String, logins: Vec<String>) -> Result<()> {
    let logins: Vec<&str> = logins.iter().map(String::as_str).collect();
    commission::set_attendance(&mut s.db, &s.actor, parse_id("meeting_id", &meeting_id)?, &logins)
}

pub fn meetings_add_to_agenda(
    s: &mut Session,
    _: Lang,
    meeting_id: String,
    case_id: String,
    plan: PlanForm,
) -> Result<()> {
    let plan = Plan { window_from: plan.window_from, window_to: plan.window_to, dose: plan.dose, route: plan.route };
    let (m, c) = (parse_id("meeting_id", &meeting_id)?, parse_id("case_id", &case_id)?);
    commission::add_to_agenda(&mut s.db, &s.actor, m, c, &plan)
}

/// A conflict of interest: declared by the member, confirmed with their own password at the meeting's
/// workstation (or as the signed-in member); or, with `note` and no password, entered by the secretary or
/// chair on the member's word.
pub fn meetings_declare_conflict(
    s: &mut Session,
    _: Lang,
    meeting_id: String,
    case_id: String,
    login: String,
    password: Option<String>,
    reason: String,
    note: String,
) -> Result<()> {
    let (m, c) = (parse_id("meeting_id", &meeting_id)?, parse_id("case_id", &case_id)?);
    match password.filter(|p| !p.is_empty()) {
        Some(password) => {
            let member = s.act_as(&login, &password)?;
            commission::declare_conflict(&mut s.db, &member, m, c, Declarant::Member, &reason)
        }
        None => {
            let on_word = Declarant::OnWordOf { login: &login, note: &note };
            commission::declare_conflict(&mut s.db, &s.actor, m, c, on_word, &reason)
        }
    }
}

/// A member casts their own vote on the shared meeting workstation: their password confirms it is them.
/// `choice` is `null` until the member picks one; the core refuses a vote without it.
pub fn votes_cast(
    s: &mut Session,
    _: Lang,
    meeting_id: String,
    case_id: String,
    login: String,
    password: String,
    choice: Option<VoteChoice>,
    reason: String,
) -> Result<()> {
    let (m, c) = (parse_id("meeting_id", &meeting_id)?, parse_id("case_id", &case_id)?);
    let member = s.act_as(&login, &password)?;
    commission::cast(&mut s.db, &member, m, c, choice.map(Choice::from), &reason)
}

/// The decision adopting would record now (its number, outcome and text), for the confirmation.
pub fn decisions_preview(s: &mut Session, lang: Lang, meeting_id: String, case_id: String) -> Result<AdoptionPreview> {
    let (m, c) = (parse_id("meeting_id", &meeting_id)?, parse_id("case_id", &case_id)?);
    let p = btlp_commission::documents::adoption_preview(&s.db, &s.actor, m, c, lang)?;
    Ok(AdoptionPreview { number: p.number, text: p.text })
}

/// Adopts the decision the user confirmed under `number` (from `decisions_preview`).
pub fn decisions_adopt(
    s: &mut Session,
    _: Lang,
    meeting_id: String,
    case_id: String,
    number: String,
) -> Result<String> {
    let (m, c) = (parse_id("meeting_id", &meeting_id)?, parse_id("case_id", &case_id)?);
    Ok(commission::adopt_confirmed(&mut s.db, &s.actor, m, c, &number)?.to_string())
}

pub fn meetings_close(s: &mut Session, _: Lang, meeting_id: String) -> Result<()> {
    commission::close_meeting(&mut s.db, &s.actor, parse_id("meeting_id", &meeting_id)?)
}
