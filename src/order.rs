//! How a list is ordered. Each list orders by its own date (a patient's registration, a case's creation, a
//! decision's number, a report's event), newest or oldest first, or by the patient's ФИО (alphabetically, ё
//! as е, case folded); reports also by their deadline. The SQL of each order stays with its list.
use crate::error::{Check, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Newest,
    Oldest,
    Patient,
    /// The nearest deadline first (reports only).
    Deadline,
}

impl Order {
    /// Refuses the deadline order on a list whose rows have no deadline.
    pub(crate) fn without_deadline(self) -> Result<Self> {
        if self == Order::Deadline {
            return Err(Error::invalid("order", Check::OneOf { allowed: "newest, oldest, patient".into() }));
        }
        Ok(self)
    }
}
