//! Setting eligibility: an individual BTLP is used only in a day hospital or inpatient conditions
//! (Resolution 213, rules §14). An outpatient setting is refused outright.
use super::{get, require_state, CaseState};
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result, Rule};
use crate::people::{Actor, Operation};
use crate::validate;
use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Inpatient,
    DayHospital,
}

impl Setting {
    pub fn code(self) -> &'static str {
        match self {
            Setting::Inpatient => "inpatient",
            Setting::DayHospital => "day_hospital",
        }
    }

    /// Reads a setting; `outpatient` (in any common spelling) is refused with the rule that forbids it.
    pub fn parse(code: &str) -> Result<Setting> {
        match code.trim().to_lowercase().as_str() {
            "inpatient" | "стационар" => Ok(Setting::Inpatient),
            "day_hospital" | "дневной стационар" => Ok(Setting::DayHospital),
            "outpatient" | "ambulatory" | "амбулаторно" | "амбулаторные условия" => {
                Err(Error::Refused(Rule::OutpatientSetting))
            }
            _ => Err(Error::invalid("setting", Check::OneOf { allowed: "inpatient, day_hospital".into() })),
        }
    }
}

/// Records where the product would be given: the setting, the department and whether an ICU is at hand.
/// Physicians only, before the case is scheduled.
pub fn set_setting(
    db: &mut Db,
    actor: &Actor,
    case_id: Uuid,
    setting: &str,
    department: &str,
    icu_access: bool,
) -> Result<()> {
    actor.require(Operation::CaseSetting)?;
    let setting = Setting::parse(setting)?;
    let department = validate::text("department", department, 200)?;
    db.tx(|tx| {
        let case = get(tx, case_id)?;
        require_state(&case, &[CaseState::Draft, CaseState::Submitted, CaseState::Assessed])?;
        tx.execute(
            "UPDATE cases SET setting = ?1, department = ?2, icu_access = ?3, updated_at = ?4 WHERE id = ?5",
            params![setting.code(), department, icu_access, tx.now_text(), case_id],
        )?;
        audit::record(tx, actor, "case.setting", "case", &case_id.to_string(), &(setting, &department, icu_access))
    })
}
