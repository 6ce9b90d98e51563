//! The one map from a use case's error to an HTTP status: the API's envelope and the web pages
//! answer every `service::Error` with the same status.

use http::StatusCode;

pub fn of(error: &service::Error) -> StatusCode {
    use service::Error;
    match error {
        Error::Invalid(_) | Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
        Error::Forbidden { .. } => StatusCode::FORBIDDEN,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
