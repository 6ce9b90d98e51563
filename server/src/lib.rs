//! The portal's server: configuration, HTTP wiring (REST `/api/v1`, Leptos pages and server
//! functions, operations endpoints) and the command line.
//!
//! Nothing here holds business rules: handlers extract input, call one `service` function and
//! map the result.

pub mod cli;
pub mod config;
pub mod http;
pub mod telemetry;
