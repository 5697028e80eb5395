//! btlp_commission: the core of the medical commission's work with individual biotechnological drugs
//! (Government Resolution No. 213 of 24.02.2025). No UI and no Tauri here: the desktop shell and the `btlp`
//! command-line tool both call this library, which decides every rule.
rust_i18n::i18n!("locales", fallback = "ru");

pub mod administrations;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod clinic;
pub mod commission;
pub mod consent;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod digest;
pub mod documents;
pub mod error;
pub mod exports;
pub mod files;
pub mod i18n;
pub mod icd;
pub mod integrity;
pub mod journal;
pub mod names;
pub mod notices;
pub mod order;
pub mod org;
pub mod patients;
pub mod people;
pub mod pki;
pub mod production;
pub mod reports;
pub mod safety;
pub mod screens;
pub mod seed;
pub mod signatures;
pub mod signing;
pub mod validate;

pub use clinic::Session;
pub use db::{Clock, Db, DbKey, Keyring};
pub use error::{Error, Result};
pub use i18n::Lang;
pub use people::{Actor, Role};
