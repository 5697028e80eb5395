//! Decisions: the list, the decision page (its PDF for the preview, the signers in order, a verification
//! badge per signature), signing by each signer with their own password, and recording the one
//! administration a signed approved decision allows, with any adverse reaction after it.
use crate::cases::{decision_row, DecisionRow};
use crate::dto::{day, parse_id, Page, Setting};
use btlp_commission::administrations::{self, NewAdministration};
use btlp_commission::safety::{self, NewReaction};
use btlp_commission::{commission, screens, signatures};
use btlp_commission::{Lang, Result, Session};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DecisionListRow {
    pub decision: DecisionRow,
    pub case_id: String,
    pub patient_name: String,
    pub product_name: String,
    pub signed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SignerRow {
    pub login: String,
    pub full_name: String,
    pub role: crate::commission::SeatRole,
    pub signed_at: Option<String>,
    /// How they sign: a token's signer is asked for its PIN as well as their password.
    pub method: crate::signing::SigningMethodView,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct CheckRow {
    pub signer: String,
    /// The signer's login, from the signature rows (an outside certificate's name need not be the user's).
    pub login: Option<String>,
    pub signing_time: Option<String>,
    pub valid: bool,
    /// «Подпись математически верна, сертификат не доверенный».
    pub untrusted: bool,
    /// Made with a certificate of the clinic's own CA (not a token's or a qualified one from outside).
    pub by_clinic: bool,
    /// A GOST signature that could not be checked on this machine (no OpenSSL gost engine).
    pub unverifiable: bool,
    pub algorithm: crate::signing::SignatureAlgorithmView,
    pub certificate: Option<crate::signing::CertView>,
    pub intact: bool,
    pub chain_ok: bool,
    pub revoked: bool,
    pub covers_revision: bool,
    pub later_changes_only_signatures: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DecisionDetail {
    pub decision: DecisionRow,
    pub case_id: String,
    pub patient_name: String,
    pub product_name: String,
    pub setting: String,
    pub department: String,
    pub dose: String,
    pub route: String,
    pub votes: String,
    pub signers: Vec<SignerRow>,
    pub complete: bool,
    pub signed_sha256: Option<String>,
    pub checks: Vec<CheckRow>,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct AdministrationForm {
    pub decision_id: String,
    /// ДД.ММ.ГГГГ ЧЧ:ММ
    pub administered_at: String,
    pub setting: String,
    pub department: String,
    pub dose: String,
    pub route: String,
    pub batch: String,
    pub staff: String,
    /// The physician ticked that the bedside card matches the patient in front of them.
    pub bedside_confirmed: bool,
    /// Why the dose or route differs from the decision's.
    pub deviation_reason: String,
}

/// The scanned batch beside the decision's terms, for the physician to confirm at the bedside.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct BedsideCard {
    pub patient_name: String,
    pub birth_date: String,
    pub product_name: String,
    pub batch_code: String,
    pub expires_on: Option<String>,
    pub released_at: String,
    pub storage: Option<String>,
    pub decision_number: String,
    pub dose: String,
    pub route: String,
    pub setting: Setting,
    pub department: String,
    pub window: String,
}

#[derive(Debug, Serialize, Deserialize, Type)]
pub struct ReactionForm {
    pub administration_id: String,
    pub description: String,
    pub onset_on: String,
    pub seriousness: Vec<String>,
    pub outcome: String,
    pub causality: String,
}

/// Which decisions the list shows: one outcome or all, only those still being signed, a part of the
/// patient's ФИО.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DecisionListFilter {
    pub outcome: Option<crate::dto::OutcomeView>,
    pub unsigned: bool,
    pub patient: String,
}

pub fn decisions_list(
    s: &mut Session,
    _: Lang,
    filter: DecisionListFilter,
    order: crate::dto::ListOrder,
    offset: u32,
    limit: u32,
) -> Result<Page<DecisionListRow>> {
    let filter = screens::DecisionFilter {
        outcome: filter.outcome.map(Into::into),
        unsigned: filter.unsigned,
        patient: filter.patient,
    };
    let (rows, total) = screens::decisions(s.db.conn(), &filter, order.into(), limit.min(200) as i64, offset as i64)?;
    let items = rows
        .into_iter()
        .map(|r| DecisionListRow {
            decision: decision_row(&r.decision),
            case_id: r.decision.case_id.to_string(),
            patient_name: r.patient_name,
            product_name: r.product_name,
            signed: r.signed,
        })
        .collect();
    Ok(Page { items, total })
}

pub fn decisions_get(s: &mut Session, _: Lang, id: String) -> Result<DecisionDetail> {
    let screen = btlp_commission::screens::decision(s.db.conn(), parse_id("decision_id", &id)?)?;
    let d = screen.decision;
    let serials = &screen.signatures.serials;
    let checks = screen.checks.into_iter().map(|c| check_row(c, serials)).collect();
    let methods = btlp_commission::pki::outside::outside_methods(s.db.conn())?;
    Ok(DecisionDetail {
        decision: decision_row(&d),
        case_id: d.case_id.to_string(),
        patient_name: screen.patient_name,
        product_name: screen.product_name,
        setting: d.setting.code().to_string(),
        department: d.department.clone(),
        dose: d.dose.clone(),
        route: d.route.clone(),
        votes: format!("{} / {} / {}", d.votes_for, d.votes_against, d.votes_abstain),
        signers: signer_rows(screen.signatures.signers, &methods),
        complete: screen.signatures.complete,
        signed_sha256: screen.signatures.signed_sha256,
        checks,
    })
}

fn check_row(c: btlp_commission::signing::pades::SignatureCheck, logins: &[(String, String)]) -> CheckRow {
    CheckRow {
        valid: c.valid(),
        untrusted: c.untrusted(),
        by_clinic: c.by_clinic,
        unverifiable: c.unverifiable,
        algorithm: c.algorithm.into(),
        login: logins.iter().find(|(serial, _)| *serial == c.signer_serial_hex).map(|(_, login)| login.clone()),
        certificate: c.certificate.map(Into::into),
        signer: c.signer_cn,
        signing_time: c.signing_time.map(|t| t.format("%d.%m.%Y %H:%M").to_string()),
        intact: c.intact,
        chain_ok: c.chain_ok,
        revoked: c.revoked,
        covers_revision: c.covers_revision,
        later_changes_only_signatures: c.later_changes_only_signatures,
    }
}

fn signer_rows(
    signers: Vec<(btlp_commission::commission::Seat, Option<String>)>,
    methods: &std::collections::HashMap<uuid::Uuid, btlp_commission::pki::outside::MethodKind>,
) -> Vec<SignerRow> {
    signers
        .into_iter()
        .map(|(seat, at)| SignerRow {
            method: methods.get(&seat.user_id).copied().map_or(crate::signing::SigningMethodView::Clinic, Into::into),
            login: seat.login,
            full_name: seat.full_name,
            role: seat.role.into(),
            signed_at: at.as_deref().map(crate::dto::moment),
        })
        .collect()
}

/// The protocol of a whole meeting: whether it can be signed yet (the meeting closed), its signers in order,
/// and the checks of the signatures it carries.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct MinutesView {
    pub closed: bool,
    pub signers: Vec<SignerRow>,
    pub complete: bool,
    pub checks: Vec<CheckRow>,
}

pub fn minutes_get(s: &mut Session, _: Lang, meeting_id: String) -> Result<MinutesView> {
    let conn = s.db.conn();
    let id = parse_id("meeting_id", &meeting_id)?;
    let closed = !commission::meeting(conn, id)?.open;
    let status = signatures::minutes_status(conn, id)?;
    let checks = match signatures::minutes_pdf(conn, id)? {
        Some((pdf, _)) => {
            signatures::verify_with_db(conn, &pdf)?.into_iter().map(|c| check_row(c, &status.serials)).collect()
        }
        None => Vec::new(),
    };
    let methods = btlp_commission::pki::outside::outside_methods(conn)?;
    Ok(MinutesView { closed, signers: signer_rows(status.signers, &methods), complete: status.complete, checks })
}

/// The meeting's protocol: the stored (signed or partly signed) file, or a rendering before the first signature.
pub fn minutes_pdf(s: &mut Session, lang: Lang, meeting_id: String) -> Result<Vec<u8>> {
    let conn = s.db.conn();
    let id = parse_id("meeting_id", &meeting_id)?;
    if let Some((pdf, _)) = signatures::minutes_pdf(conn, id)? {
        return Ok(pdf);
    }
    Ok(btlp_commission::documents::render_minutes(conn, id, lang)?.pdf)
}

/// One signer signs the meeting's protocol, unlocking their key with their own password.
pub fn minutes_sign(
    s: &mut Session,
    lang: Lang,
    meeting_id: String,
    login: String,
    password: String,
    pin: Option<String>,
) -> Result<()> {
    let signer = s.act_as(&login, &password)?;
    let secret = signatures::Secret { password: &password, pin: pin.as_deref() };
    signatures::sign_minutes(&mut s.db, &signer, parse_id("meeting_id", &meeting_id)?, secret, lang)?;
    Ok(())
}

/// The agenda the secretary prints before the meeting.
pub fn agenda_pdf(s: &mut Session, lang: Lang, meeting_id: String) -> Result<Vec<u8>> {
    btlp_commission::documents::render_agenda(s.db.conn(), parse_id("meeting_id", &meeting_id)?, lang)
}

/// The decision's PDF: the stored (signed or partly signed) file, or a rendering of the unsigned extract
/// before the first signature.
pub fn decisions_pdf(s: &mut Session, lang: Lang, id: String) -> Result<Vec<u8>> {
    let conn = s.db.conn();
    let id = parse_id("decision_id", &id)?;
    if let Some((pdf, _)) = signatures::decision_pdf(conn, id)? {
        return Ok(pdf);
    }
    let d = commission::decision(conn, id)?;
    let sheet = btlp_commission::documents::decision_sheet(conn, &d)?;
    Ok(btlp_commission::documents::render_decision(&sheet, lang)?.pdf)
}

/// One signer signs, unlocking their key with their own password.
pub fn decisions_sign(
    s: &mut Session,
    lang: Lang,
    id: String,
    login: String,
    password: String,
    pin: Option<String>,
) -> Result<()> {
    let signer = s.act_as(&login, &password)?;
    let secret = signatures::Secret { password: &password, pin: pin.as_deref() };
    signatures::sign_decision(&mut s.db, &signer, parse_id("decision_id", &id)?, secret, lang)?;
    Ok(())
}

pub fn administrations_record(s: &mut Session, _: Lang, form: AdministrationForm) -> Result<String> {
    let a = NewAdministration {
        decision_id: parse_id("decision_id", &form.decision_id)?,
        administered_at: form.administered_at,
        setting: form.setting,
        department: form.department,
        dose: form.dose,
        route: form.route,
        batch: form.batch,
        staff: form.staff,
        bedside_confirmed: form.bedside_confirmed,
        deviation_reason: form.deviation_reason,
    };
    Ok(administrations::record(&mut s.db, &s.actor, &a)?.to_string())
}

/// The bedside card for the scanned label `code` under a decision; refused with the batch's rule.
pub fn administrations_bedside(s: &mut Session, _: Lang, decision_id: String, code: String) -> Result<BedsideCard> {
    let today = s.db.today();
    let c = administrations::bedside(s.db.conn(), &s.actor, parse_id("decision_id", &decision_id)?, &code, today)?;
    Ok(BedsideCard {
        patient_name: c.patient_name,
        birth_date: day(c.birth_date),
        product_name: c.product_name,
        batch_code: c.batch_code,
        expires_on: c.expires_on.map(day),
        released_at: c.released_at.format("%d.%m.%Y %H:%M").to_string(),
        storage: c.storage,
        decision_number: c.decision_number,
        dose: c.dose,
        route: c.route,
        setting: c.setting.into(),
        department: c.department,
        window: format!("{} – {}", day(c.window_from), day(c.window_to)),
    })
}

pub fn reactions_record(s: &mut Session, _: Lang, form: ReactionForm) -> Result<String> {
    let r = NewReaction {
        administration_id: parse_id("administration_id", &form.administration_id)?,
        description: form.description,
        onset_on: form.onset_on,
        seriousness: form.seriousness,
        outcome: form.outcome,
        causality: form.causality,
    };
    Ok(safety::record(&mut s.db, &s.actor, &r)?.to_string())
}
