//! The decision page: the decision, its case and patient, the signers in order with when each signed, and
//! what verifying the stored PDF's signatures finds.
use crate::commission::{self, Decision};
use crate::error::Result;
use crate::signatures::{self, SignatureStatus};
use crate::signing::pades::SignatureCheck;
use crate::{cases, patients};
use rusqlite::Connection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct DecisionScreen {
    pub decision: Decision,
    pub patient_name: String,
    pub product_name: String,
    pub signatures: SignatureStatus,
    /// One per signature in the stored PDF; none before the first signature.
    pub checks: Vec<SignatureCheck>,
}

pub fn decision(conn: &Connection, id: Uuid) -> Result<DecisionScreen> {
    let decision = commission::decision(conn, id)?;
    let case = cases::get(conn, decision.case_id)?;
    let checks = match signatures::decision_pdf(conn, id)? {
        Some((pdf, _)) => signatures::verify_with_db(conn, &pdf)?,
        None => Vec::new(),
    };
    Ok(DecisionScreen {
        patient_name: patients::get(conn, case.patient_id)?.full_name(),
        product_name: case.product_name,
        signatures: signatures::status(conn, id)?,
        checks,
        decision,
    })
}
