//! Making the product (DOMAIN.md §3, issue 6): production rooms and their bookings, batches with their chain
//! of identity and stages, and the quality-control journal with release.
mod batches;
pub mod qc;
mod rooms;

pub(crate) use batches::administer;
pub use batches::{
    bedside_check, by_code, check_order, create as create_batch, dispose, get as batch, list as batches,
    normalise_code, patient_code, record_stage, stages, Batch, Disposal, NewStage, Stage, StageRecord,
};
pub use rooms::{add_room, book, bookings, rooms, Booking, NewBooking, Room};
