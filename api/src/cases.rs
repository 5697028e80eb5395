//! Cases: the list, the new-case wizard's steps (case, assessment findings, setting, consent), the case
//! page with its timeline, and the МКБ-10 search behind the diagnosis field.
use crate::dto::{day, moment, parse_id, Page};
use crate::files::Upload;
use crate::patients::PatientRow;
use btlp_commission::cases::{self, CaseState, FindingKind, NewCase};
use btlp_commission::consent::{self, NewConsent};
use btlp_commission::{administrations, commission, icd};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Where a case is in its life (`draft → submitted → assessed → scheduled → decided`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CaseStateView {
    Draft,
    Submitted,
    Assessed,
    Scheduled,
    Decided,
}

impl From<CaseState> for CaseStateView {
    fn from(s: CaseState) -> Self {
        match s {
            CaseState::Draft => CaseStateView::Draft,
            CaseState::Submitted => CaseStateView::Submitted,
            CaseState::Assessed => CaseStateView::Assessed,
            CaseState::Scheduled => CaseStateView::Scheduled,
            CaseState::Decided => CaseStateView::Decided,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CaseRow {
    pub id: String,
    pub patient_name: String,
    pub birth_date: String,
    pub product_name: String,
    pub icd_code: String,
    pub state: CaseStateView,
    pub created_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IcdRow {
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct FindingRow {
    pub kind: String,
    pub finding: String,
    pub justification: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ConsentRow {
    pub id: String,
    pub form_version: String,
    pub info_sheet_version: String,
    /// patient or representative
    pub signer_kind: String,
    pub signer_name: String,
    pub signed_on: String,
    pub has_scan: bool,
    pub withdrawn_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DecisionRow {
    pub id: String,
    pub number: String,
    pub decided_on: String,
    pub outcome: crate::dto::OutcomeView,
    pub window: String,
    pub used: bool,
    pub superseded: bool,
}

/// Whether an administration can be recorded under a decision today, and if not, why and since when.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Readiness {
    Ready,
    NotApproved,
    Superseded { by: String, on: String },
    Used { on: String },
    Unsigned,
    NotYetOpen { from: String },
    WindowEnded { on: String },
}

impl From<administrations::Readiness> for Readiness {
    fn from(r: administrations::Readiness) -> Self {
        use administrations::Readiness as R;
        match r {
            R::Ready => Readiness::Ready,
            R::NotApproved => Readiness::NotApproved,
            R::Superseded { by, on } => Readiness::Superseded { by, on: day(on) },
            R::Used { on } => Readiness::Used { on: on.format("%d.%m.%Y %H:%M").to_string() },
            R::Unsigned => Readiness::Unsigned,
            R::NotYetOpen { from } => Readiness::NotYetOpen { from: day(from) },
            R::WindowEnded { on } => Readiness::WindowEnded { on: day(on) },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CaseDecisionRow {
    pub decision: DecisionRow,
    pub readiness: Readiness,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ReactionRow {
    pub description: String,
    pub onset_on: String,
    pub serious: bool,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct AdministrationRow {
    pub id: String,
    pub decision_id: String,
    pub administered_at: String,
    pub setting: String,
    pub department: String,
    pub dose: String,
    pub route: String,
    pub batch: String,
    /// Why the dose or route differs from the decision's, when it does.
    pub deviation_reason: Option<String>,
    pub reactions: Vec<ReactionRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CaseDetail {
    pub id: String,
    pub patient: PatientRow,
    pub product_name: String,
    pub genetic_study: String,
    pub icd_code: String,
    pub icd_title: String,
    pub indication: String,
    pub state: CaseStateView,
    pub setting: Option<String>,
    pub department: Option<String>,
    pub icu_access: Option<bool>,
    pub findings: Vec<FindingRow>,
    /// Every finding kind, in the order the assessment form asks for them.
    pub finding_kinds: Vec<String>,
    pub consents: Vec<ConsentRow>,
    pub decisions: Vec<CaseDecisionRow>,
    pub administrations: Vec<AdministrationRow>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct CaseForm {
    pub patient_id: String,
    pub product_name: String,
    pub genetic_study: String,
    pub icd_code: String,
    pub indication: String,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct ConsentForm {
    pub case_id: String,
    pub form_version: String,
    pub info_sheet_version: String,
    pub signer_kind: String,
    pub signer_name: String,
    pub representative_ground: String,
    pub signed_on: String,
}

pub fn decision_row(d: &commission::Decision) -> DecisionRow {
    DecisionRow {
        id: d.id.to_string(),
        number: d.number.clone(),
        decided_on: day(d.decided_on),
        outcome: d.outcome.into(),
        window: format!("{} – {}", day(d.window_from), day(d.window_to)),
        used: d.used,
        superseded: d.superseded_by.is_some(),
    }
}

pub fn cases_list(
    s: &mut Session,
    _: Lang,
    case_state: Option<String>,
    query: String,
    order: crate::dto::ListOrder,
    offset: u32,
    limit: u32,
) -> Result<Page<CaseRow>> {
    let filter =
        case_state.as_deref().filter(|c| !c.is_empty()).map(|c| CaseState::from_code("state", c)).transpose()?;
    let (rows, total) = cases::page(s.db.conn(), filter, &query, order.into(), limit.min(200) as i64, offset as i64)?;
    let items = rows
        .into_iter()
        .map(|r| CaseRow {
            id: r.case.id.to_string(),
            patient_name: r.patient_name,
            birth_date: day(r.birth_date),
            product_name: r.case.product_name,
            icd_code: r.case.icd_code,
            state: r.case.state.into(),
            created_on: moment(&r.case.created_at).chars().take(10).collect(),
        })
        .collect();
    Ok(Page { items, total })
}

pub fn icd_search(s: &mut Session, _: Lang, query: String) -> Result<Vec<IcdRow>> {
    Ok(icd::search(s.db.conn(), &query, 20)?.into_iter().map(|e| IcdRow { code: e.code, title: e.title }).collect())
}

pub fn cases_create(s: &mut Session, _: Lang, form: CaseForm) -> Result<String> {
    let c = NewCase {
        patient_id: parse_id("patient_id", &form.patient_id)?,
        product_name: form.product_name,
        genetic_study: form.genetic_study,
        icd_code: form.icd_code,
        indication: form.indication,
    };
    Ok(cases::create(&mut s.db, &s.actor, &c)?.to_string())
}

pub fn cases_get(s: &mut Session, _: Lang, id: String) -> Result<CaseDetail> {
    let screen = btlp_commission::screens::case(s.db.conn(), parse_id("case_id", &id)?, s.db.today())?;
    let c = screen.case;
    let administrations = screen
        .administrations
        .into_iter()
        .map(|(a, reactions)| AdministrationRow {
            id: a.id.to_string(),
            decision_id: a.decision_id.to_string(),
            administered_at: a.administered_at.format("%d.%m.%Y %H:%M").to_string(),
            setting: a.setting.code().to_string(),
            department: a.department,
            dose: a.dose,
            route: a.route,
            batch: a.batch,
            deviation_reason: a.deviation.map(|d| d.reason),
            reactions: reactions
                .into_iter()
                .map(|r| ReactionRow {
                    serious: r.serious(),
                    description: r.description,
                    onset_on: day(r.onset_on),
                    outcome: r.outcome,
                })
                .collect(),
        })
        .collect();
    Ok(CaseDetail {
        id: c.id.to_string(),
        patient: screen.patient.into(),
        icd_title: screen.icd_title,
        findings: screen
            .findings
            .into_iter()
            .map(|f| FindingRow { kind: f.kind.code().to_string(), finding: f.finding, justification: f.justification })
            .collect(),
        finding_kinds: FindingKind::ALL.iter().map(|k| k.code().to_string()).collect(),
        consents: screen
            .consents
            .into_iter()
            .map(|k| ConsentRow {
                id: k.id.to_string(),
                form_version: k.form_version,
                info_sheet_version: k.info_sheet_version,
                signer_kind: k.signer_kind.code().to_string(),
                signer_name: k.signer_name,
                signed_on: day(k.signed_on),
                has_scan: k.scan_sha256.is_some(),
                withdrawn_on: k.withdrawn_on.map(day),
            })
            .collect(),
        decisions: screen
            .decisions
            .into_iter()
            .map(|(d, r)| CaseDecisionRow { decision: decision_row(&d), readiness: r.into() })
            .collect(),
        administrations,
        timeline: screen
            .timeline
            .into_iter()
            .map(|e| TimelineEntry { at: moment(&e.at), actor: e.actor, action: e.action })
            .collect(),
        product_name: c.product_name,
        genetic_study: c.genetic_study,
        icd_code: c.icd_code,
        indication: c.indication,
        state: c.state.into(),
        setting: c.setting.map(|x| x.code().to_string()),
        department: c.department,
        icu_access: c.icu_access,
    })
}

pub fn cases_submit(s: &mut Session, _: Lang, id: String) -> Result<()> {
    cases::submit(&mut s.db, &s.actor, parse_id("case_id", &id)?)
}

pub fn cases_record_finding(
    s: &mut Session,
    _: Lang,
    case_id: String,
    kind: String,
    finding: String,
    justification: String,
) -> Result<()> {
    let kind = FindingKind::parse(&kind)?;
    cases::record_finding(&mut s.db, &s.actor, parse_id("case_id", &case_id)?, kind, &finding, &justification)
}

pub fn cases_set_setting(
    s: &mut Session,
    _: Lang,
    case_id: String,
    setting: String,
    department: String,
    icu_access: bool,
) -> Result<()> {
    cases::set_setting(&mut s.db, &s.actor, parse_id("case_id", &case_id)?, &setting, &department, icu_access)
}

pub fn cases_complete_assessment(s: &mut Session, _: Lang, case_id: String) -> Result<()> {
    cases::complete_assessment(&mut s.db, &s.actor, parse_id("case_id", &case_id)?)
}

/// The patient withdraws a consent on `on` (ДД.ММ.ГГГГ); final for that consent.
pub fn consent_withdraw(s: &mut Session, _: Lang, consent_id: String, on: String, note: String) -> Result<()> {
    consent::withdraw(&mut s.db, &s.actor, parse_id("consent_id", &consent_id)?, &on, &note)
}

/// Records a consent, with its scanned copy (PDF, JPEG or PNG) read on the workstation, if any.
pub fn consent_record(s: &mut Session, _: Lang, form: ConsentForm, scan: Option<Upload>) -> Result<String> {
    let c = NewConsent {
        case_id: parse_id("case_id", &form.case_id)?,
        form_version: form.form_version,
        info_sheet_version: form.info_sheet_version,
        signer_kind: form.signer_kind,
        signer_name: form.signer_name,
        representative_ground: form.representative_ground,
        signed_on: form.signed_on,
        scan: scan.map(|u| u.bytes),
    };
    Ok(consent::record(&mut s.db, &s.actor, &c)?.to_string())
}

/// The informed consent form for the case, prefilled, to print for a wet signature.
pub fn consent_form_pdf(
    s: &mut Session,
    lang: Lang,
    case_id: String,
    form_version: String,
    info_sheet_version: String,
) -> Result<Vec<u8>> {
    let id = crate::dto::parse_id("case_id", &case_id)?;
    btlp_commission::documents::render_consent_form(s.db.conn(), id, &form_version, &info_sheet_version, lang)
}
