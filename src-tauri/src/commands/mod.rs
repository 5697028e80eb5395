//! The IPC commands, one file per area, each command a few lines over one core call. Commands are
//! `async` so Tauri runs them off the window's thread (argon2 and signing take tens of milliseconds).
pub mod admin;
pub mod cases;
pub mod commission;
pub mod decisions;
pub mod dto;
pub mod integrity;
pub mod patients;
pub mod permit;
pub mod production;
pub mod reporting;
pub mod session;
