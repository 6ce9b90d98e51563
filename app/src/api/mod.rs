//! Server functions: three-line adapters from the UI to `service`, served under `/_sf`.

pub mod catalog;
pub mod site;
