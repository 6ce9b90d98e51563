//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds by design.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub async fn hash_password(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)?;
        let salt = SaltString::encode_b64(&salt).map_err(anyhow::Error::msg)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(anyhow::Error::msg)
    })
    .await?
}

/// Whether `password` matches the stored PHC string. Without a stored hash (unknown account) a
/// fixed dummy is checked instead, so the answer takes as long and reveals nothing.
pub async fn verify_password(password: &str, stored: Option<&str>) -> anyhow::Result<bool> {
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored.unwrap_or(DUMMY_HASH).to_owned();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(anyhow::Error::msg)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

/// argon2id of a random string nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$2EpcLAkuTlPl9LlpRD8e6jnBY1ZEDnkhwuwJGuF6uzw";
