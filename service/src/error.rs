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
    /// No valid session or token, or the credentials were wrong; `code` is stable for programs.
    #[error("{message}")]
    Unauthenticated {
        code: &'static str,
        message: &'static str,
    },
    /// The caller is known but lacks the right to do this; `code` is stable for programs.
    #[error("{message}")]
    Forbidden {
        code: &'static str,
        message: &'static str,
    },
    /// The request clashes with the current state; `code` is stable for programs.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Well-formed but unacceptable, with a code of its own (`idempotency_mismatch`).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// An upload larger than the limit.
    #[error("{0}")]
    TooLarge(String),
    /// An upload whose content is none of the accepted types, whatever its name says.
    #[error("{0}")]
    UnsupportedType(String),
    /// Too many attempts; try again after the given number of seconds.
    #[error("{message}")]
    RateLimited {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
    },
    /// The portal is at capacity for this work right now (password hashing); try again after the
    /// given number of seconds (503 with Retry-After).
    #[error("{message}")]
    Busy {
        code: &'static str,
        message: &'static str,
        retry_after_secs: u64,
    },
    /// Anything the user cannot fix: logged with its cause chain, shown as 系统繁忙.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Error {
    /// How long to wait before trying again, for the answers that say so (429 and 503).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited {
                retry_after_secs, ..
            }
            | Self::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The generic refusal: the caller's role or scope does not cover this.
    pub const FORBIDDEN: Self = Self::Forbidden {
        code: "forbidden",
        message: "您没有权限执行此操作",
    };

    /// The caller must log in (again).
    pub const UNAUTHENTICATED: Self = Self::Unauthenticated {
        code: "unauthorized",
        message: "请先登录",
    };

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        // PostgreSQL gives up one of two transactions that wait on each other (deadlock) or
        // could not be serialised: the loser of a race, told so like any other, not a 500.
        let raced = error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "40P01" || code == "40001");
        if raced {
            return Self::Conflict {
                code: "state_conflict",
                message: "刚刚有其他操作修改了同一办件，请刷新后再试".into(),
            };
        }
        Self::Unexpected(anyhow::Error::new(error).context("database"))
    }
}
