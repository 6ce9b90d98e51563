//! The server's HTTP tier in one test binary: the REST API and the server-rendered pages through the
//! production router, each test on SQLite and on PostgreSQL.
//!
//! One binary rather than one per file: every integration test binary links the whole portal, and
//! separate binaries multiplied link time and disk use on CI's small machines.

#[macro_use]
mod common;

mod api_applications;
mod api_appointments;
mod api_calendar;
mod api_cases;
mod api_catalog;
mod api_contract;
mod api_foundation;
mod api_hardening;
mod api_identity;
mod api_intake;
mod api_ratings;
mod api_review;
mod api_window;
mod pages;
mod pages_identity;
mod pages_staff;
