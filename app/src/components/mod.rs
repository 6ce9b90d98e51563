//! Building blocks shared by pages.

pub mod case_progress;
pub mod catalog;
pub mod layout;
pub mod notice;
pub mod refresh;
pub mod review;
pub mod time;
