//! The administrator's screens: users and roles, the commission's composition, the organization and its
//! permit, signing certificates, and the decisions archive (with progress and cancel).
use crate::dto::{day, moment, Role};
use btlp_commission::commission::{self, NewComposition, SeatRole};
use btlp_commission::people::{self, NewUser};
use btlp_commission::{org, pki};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct UserRow {
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// Locked after too many failed sign-ins.
    pub locked: bool,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct UserForm {
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub roles: Vec<Role>,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SeatView {
    pub login: String,
    pub full_name: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CompositionView {
    pub order_ref: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub seats: Vec<SeatView>,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct SeatForm {
    pub login: String,
    pub role: String,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct CompositionForm {
    pub order_ref: String,
    pub effective_from: String,
    pub seats: Vec<SeatForm>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct OrgView {
    pub name: String,
    pub licence: String,
    pub permit_number: String,
    pub permit_date: String,
    /// active, suspended, revoked
    pub permit_status: String,
    pub last_confirmed: Option<String>,
    pub confirmation_due: String,
    pub days_to_confirmation: i32,
    pub icu_present: bool,
    /// ОГРН and address, as the documents print them (empty until given).
    pub ogrn: String,
    pub address: String,
    /// What batch labels are printed on.
    pub label_size: LabelSizeView,
}

/// What batch labels are printed on: a label printer's 100 × 50 mm label or an A4 sheet.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LabelSizeView {
    Roll100x50,
    A4,
}

impl From<btlp_commission::documents::LabelSize> for LabelSizeView {
    fn from(s: btlp_commission::documents::LabelSize) -> Self {
        match s {
            btlp_commission::documents::LabelSize::Roll100x50 => LabelSizeView::Roll100x50,
            btlp_commission::documents::LabelSize::A4 => LabelSizeView::A4,
        }
    }
}

impl From<LabelSizeView> for btlp_commission::documents::LabelSize {
    fn from(s: LabelSizeView) -> Self {
        match s {
            LabelSizeView::Roll100x50 => btlp_commission::documents::LabelSize::Roll100x50,
            LabelSizeView::A4 => btlp_commission::documents::LabelSize::A4,
        }
    }
}

pub fn org_set_label_size(s: &mut Session, _: Lang, size: LabelSizeView) -> Result<()> {
    btlp_commission::documents::set_label_size(&mut s.db, &s.actor, size.into())
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CertificateRow {
    pub serial: String,
    pub login: String,
    pub full_name: String,
    pub not_before: String,
    pub not_after: String,
    pub revoked_at: Option<String>,
}

pub fn users_list(s: &mut Session, _: Lang) -> Result<Vec<UserRow>> {
    Ok(people::list(&s.db)?
        .into_iter()
        .map(|u| UserRow {
            login: u.login,
            full_name: u.full_name,
            position: u.position,
            roles: u.roles.into_iter().map(Role::from).collect(),
            active: u.active,
            locked: u.locked,
        })
        .collect())
}

pub fn users_add(s: &mut Session, _: Lang, form: UserForm) -> Result<()> {
    let u = NewUser {
        login: form.login,
        full_name: form.full_name,
        position: form.position,
        roles: form.roles.into_iter().map(Into::into).collect(),
        password: form.password,
    };
    s.add_user(&u).map(|_| ())
}

pub fn users_deactivate(s: &mut Session, _: Lang, login: String) -> Result<()> {
    s.deactivate(&login)
}

/// Unlocks an account locked after failed sign-ins (admins).
pub fn users_unlock(s: &mut Session, _: Lang, login: String) -> Result<()> {
    s.unlock(&login)
}

pub fn users_set_password(
    s: &mut Session,
    _: Lang,
    login: String,
    password: String,
    current: Option<String>,
) -> Result<()> {
    s.change_password(&login, current.as_deref(), &password)
}

pub fn compositions_current(s: &mut Session, _: Lang) -> Result<Option<CompositionView>> {
    let today = chrono::Local::now().date_naive();
    Ok(commission::effective_on(s.db.conn(), today)?.map(|c| CompositionView {
        order_ref: c.order_ref,
        effective_from: day(c.effective_from),
        effective_to: c.effective_to.map(day),
        seats: c
            .seats
            .into_iter()
            .map(|x| SeatView { login: x.login, full_name: x.full_name, role: x.role.code().to_string() })
            .collect(),
    }))
}

pub fn compositions_create(s: &mut Session, _: Lang, form: CompositionForm) -> Result<()> {
    let seats = form
        .seats
        .into_iter()
        .map(|x| Ok((x.login, SeatRole::parse(&x.role)?)))
        .collect::<btlp_commission::Result<_>>()?;
    let c = NewComposition { order_ref: form.order_ref, effective_from: form.effective_from, seats };
    commission::compose(&mut s.db, &s.actor, &c).map(|_| ())
}

pub fn org_get(s: &mut Session, _: Lang) -> Result<OrgView> {
    let o = org::get(s.db.conn())?;
    let today = chrono::Local::now().date_naive();
    Ok(OrgView {
        confirmation_due: day(o.confirmation_due()),
        days_to_confirmation: o.days_to_confirmation(today) as i32,
        name: o.name,
        licence: o.licence,
        permit_number: o.permit_number,
        permit_date: day(o.permit_date),
        permit_status: o.permit_status.code().to_string(),
        last_confirmed: o.last_confirmed.map(day),
        icu_present: o.icu_present,
        ogrn: o.ogrn,
        address: o.address,
        label_size: btlp_commission::documents::label_size(s.db.conn())?.into(),
    })
}

pub fn org_set_details(s: &mut Session, _: Lang, ogrn: String, address: String) -> Result<()> {
    org::set_details(&mut s.db, &s.actor, &ogrn, &address)
}

pub fn certificates_list(s: &mut Session, _: Lang) -> Result<Vec<CertificateRow>> {
    Ok(pki::list(s.db.conn())?
        .into_iter()
        .map(|c| CertificateRow {
            not_before: moment(&c.not_before),
            not_after: moment(&c.not_after),
            revoked_at: c.revoked_at.as_deref().map(moment),
            serial: c.serial,
            login: c.login,
            full_name: c.full_name,
        })
        .collect())
}

pub fn certificates_revoke(s: &mut Session, _: Lang, serial: String) -> Result<()> {
    pki::revoke(&mut s.db, &s.actor, &serial)
}

/// What an export was of.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportKindView {
    Decisions,
    Journal,
    Qc,
}

impl From<btlp_commission::exports::ExportKind> for ExportKindView {
    fn from(k: btlp_commission::exports::ExportKind) -> Self {
        use btlp_commission::exports::ExportKind as K;
        match k {
            K::Decisions => ExportKindView::Decisions,
            K::Journal => ExportKindView::Journal,
            K::Qc => ExportKindView::Qc,
        }
    }
}

/// One line of the export log: who exported what, when and why.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ExportLogRow {
    pub at: String,
    pub full_name: String,
    pub kind: ExportKindView,
    /// ДД.ММ.ГГГГ or empty for an open end.
    pub from: String,
    pub to: String,
    pub records: u32,
    pub file: String,
    pub reason: String,
}

pub fn exports_log(s: &mut Session, _: Lang) -> Result<Vec<ExportLogRow>> {
    Ok(btlp_commission::exports::export_log(s.db.conn(), &s.actor, 200)?
        .into_iter()
        .map(|e| ExportLogRow {
            at: moment(&e.at),
            full_name: e.full_name,
            kind: e.kind.into(),
            from: e.from.map(day).unwrap_or_default(),
            to: e.to.map(day).unwrap_or_default(),
            records: e.records as u32,
            file: e.file,
            reason: e.reason,
        })
        .collect())
}
