//! The one error type of every use case; adapters map it to HTTP statuses and form messages.

use domain::errors::FieldErrors;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input breaks a rule; each message names its field.
    #[error("输入有误，请按提示修改")]
    Invalid(FieldErrors),
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("{0}")]
    NotFound(&'static str),
    /// The caller is known but lacks the right to do this.
    #[error("您没有权限执行此操作")]
    Forbidden,
    /// The request clashes with the current state; `code` is stable for programs.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Too many attempts; try again after the given number of seconds.
    #[error("操作过于频繁，请稍后再试")]
    RateLimited { retry_after_secs: u64 },
    /// Anything the user cannot fix: logged with its cause chain, shown as 系统繁忙.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(error).context("database"))
    }
}
