//! Starting up: the first-start set-up of a clinic and who is signed in. Keeping the session (in the desktop
//! app's memory or the server's table of sessions) is each transport's own business.
use crate::dto::{Role, UserInfo};
use btlp_commission::org::NewOrganization;
use btlp_commission::people::NewUser;
use btlp_commission::{clinic, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SetupForm {
    pub org_name: String,
    pub licence: String,
    pub permit_number: String,
    /// ДД.ММ.ГГГГ
    pub permit_date: String,
    pub icu_present: bool,
    pub admin_login: String,
    pub admin_full_name: String,
    pub admin_position: String,
    pub admin_password: String,
}

/// The signed-in user as the UI shows them.
pub fn user_info(s: &Session) -> Result<UserInfo> {
    let org = btlp_commission::org::get(s.db.conn())?;
    Ok(UserInfo {
        login: s.actor.login.clone(),
        full_name: s.actor.full_name.clone(),
        roles: s.actor.roles().iter().map(|r| Role::from(*r)).collect(),
        organization: org.name,
        storage_exposed: s.readable_by_others(),
    })
}

/// Creates the clinic database at `path` with its organization and first administrator, signed in.
pub fn clinic_setup(path: &Path, form: SetupForm) -> Result<Session> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let org = NewOrganization {
        name: form.org_name,
        licence: form.licence,
        permit_number: form.permit_number,
        permit_date: form.permit_date,
        icu_present: form.icu_present,
    };
    let admin = NewUser {
        login: form.admin_login,
        full_name: form.admin_full_name,
        position: form.admin_position,
        roles: vec![btlp_commission::Role::Admin],
        password: form.admin_password,
    };
    clinic::init(path, &org, &admin)
}
