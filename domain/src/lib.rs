//! Pure rules and data types of the portal.
//!
//! This crate knows no I/O, database, HTTP or UI framework. It compiles for `wasm32-unknown-unknown`
//! so the browser runs exactly the checks the server runs. Everything here is deterministic and
//! unit-tested.

pub mod account;
pub mod applicant;
pub mod application;
pub mod appointment;
pub mod audit;
pub mod calendar;
pub mod case_clock;
pub mod catalog;
pub mod commitment;
pub mod device;
pub mod display;
pub mod errors;
pub mod event_codes;
pub mod file_content;
pub mod form;
pub mod form_post;
pub mod identity;
pub mod instant;
pub mod intake;
pub mod message;
pub mod money;
pub mod notice;
pub mod package;
pub mod paging;
pub mod password;
pub mod prereview;
pub mod queue;
pub mod rating;
pub mod return_path;
pub mod review;
pub mod search;
pub mod site;
pub mod supervision;
pub mod totp;
