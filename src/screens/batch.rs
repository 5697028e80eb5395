//! The batch page: the batch, its stages in order, its quality-control tests, and the stages that may be
//! recorded next by hand (the order rule answers, not the screen).
use crate::error::Result;
use crate::production::{self, qc, Batch, Stage, StageRecord};
use rusqlite::Connection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct BatchScreen {
    pub batch: Batch,
    pub stages: Vec<StageRecord>,
    pub tests: Vec<qc::Test>,
    pub next_stages: Vec<Stage>,
}

pub fn batch(conn: &Connection, id: Uuid) -> Result<BatchScreen> {
    let batch = production::batch(conn, id)?;
    let next_stages =
        Stage::RECORDED.into_iter().filter(|st| production::check_order(batch.last_stage, *st).is_ok()).collect();
    Ok(BatchScreen {
        stages: production::stages(conn, id)?,
        tests: qc::tests(conn, Some(id), None, None)?,
        next_stages,
        batch,
    })
}
