//! Values shared by several areas' commands. Dates cross the boundary as ДД.ММ.ГГГГ text and ids as
//! UUID text, so the UI never parses or formats them itself.
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Chair,
    DeputyChair,
    Secretary,
    Member,
    Physician,
    Production,
    Qc,
}

impl From<btlp_commission::Role> for Role {
    fn from(r: btlp_commission::Role) -> Self {
        use btlp_commission::Role as R;
        match r {
            R::Admin => Role::Admin,
            R::Chair => Role::Chair,
            R::DeputyChair => Role::DeputyChair,
            R::Secretary => Role::Secretary,
            R::Member => Role::Member,
            R::Physician => Role::Physician,
            R::Production => Role::Production,
            R::Qc => Role::Qc,
        }
    }
}

impl From<Role> for btlp_commission::Role {
    fn from(r: Role) -> Self {
        use btlp_commission::Role as R;
        match r {
            Role::Admin => R::Admin,
            Role::Chair => R::Chair,
            Role::DeputyChair => R::DeputyChair,
            Role::Secretary => R::Secretary,
            Role::Member => R::Member,
            Role::Physician => R::Physician,
            Role::Production => R::Production,
            Role::Qc => R::Qc,
        }
    }
}

/// Where the product is given (never outpatient: the core has no such setting).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Inpatient,
    DayHospital,
}

impl From<btlp_commission::cases::Setting> for Setting {
    fn from(s: btlp_commission::cases::Setting) -> Self {
        use btlp_commission::cases::Setting as S;
        match s {
            S::Inpatient => Setting::Inpatient,
            S::DayHospital => Setting::DayHospital,
        }
    }
}

/// How a list is ordered (the core's `order::Order`): by its date, newest or oldest first, by the patient's
/// ФИО, or (reports) by the deadline.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ListOrder {
    Newest,
    Oldest,
    Patient,
    Deadline,
}

impl From<ListOrder> for btlp_commission::order::Order {
    fn from(o: ListOrder) -> Self {
        use btlp_commission::order::Order as O;
        match o {
            ListOrder::Newest => O::Newest,
            ListOrder::Oldest => O::Oldest,
            ListOrder::Patient => O::Patient,
            ListOrder::Deadline => O::Deadline,
        }
    }
}

/// A decision's outcome.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeView {
    Approved,
    Rejected,
    Deferred,
}

impl From<btlp_commission::commission::Outcome> for OutcomeView {
    fn from(o: btlp_commission::commission::Outcome) -> Self {
        use btlp_commission::commission::Outcome as O;
        match o {
            O::Approved => OutcomeView::Approved,
            O::Rejected => OutcomeView::Rejected,
            O::Deferred => OutcomeView::Deferred,
        }
    }
}

impl From<OutcomeView> for btlp_commission::commission::Outcome {
    fn from(o: OutcomeView) -> Self {
        use btlp_commission::commission::Outcome as O;
        match o {
            OutcomeView::Approved => O::Approved,
            OutcomeView::Rejected => O::Rejected,
            OutcomeView::Deferred => O::Deferred,
        }
    }
}

/// The signed-in user, for the window title and the screens their roles open.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct UserInfo {
    pub login: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub organization: String,
    /// Other OS users of the computer holding the database may read it or its key file (they should be 0600).
    pub storage_exposed: bool,
}

/// One page of a long list and the total it is taken from.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u32,
}

/// A day as the UI shows it: ДД.ММ.ГГГГ. An id sent back by the UI, checked with its field's name.
pub use btlp_commission::validate::{id as parse_id, show_date as day};

/// A stored RFC 3339 time as ДД.ММ.ГГГГ ЧЧ:ММ in the clinic's local time (the text itself when unreadable).
pub fn moment(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Local).format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}
