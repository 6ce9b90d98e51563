//! Building blocks shared by pages.

pub mod catalog;
pub mod layout;
pub mod time;
