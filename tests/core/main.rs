//! One integration-test binary for the core library: each module covers one area's rules against a real
//! SQLite database (in memory, or an encrypted file where storage itself is under test).
#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod administrations;
mod authz;
mod batches;
mod bedside;
mod cases;
mod commission;
mod consent;
mod crash;
mod exports;
mod fuzz;
mod integrity;
mod journal;
mod layers;
mod lists;
mod notices;
mod outside;
mod patients;
mod people;
mod permit;
mod powercut;
mod production;
mod reports;
mod signing;
mod storage;
mod upgrade;
mod worklist;
