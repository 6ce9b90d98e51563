//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), off the async
//! runtime because each hash takes tens of milliseconds by design — and behind a gate, because a
//! flood of logins would otherwise queue unbounded CPU work and memory behind every other request.

use crate::{Error, Portal, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most `concurrency` hashes at once (the core count by default) and at most `queue` waiting;
/// anyone beyond is answered 503 with Retry-After at once instead of waiting for a timeout.
pub(crate) struct HashingGate {
    permits: Arc<Semaphore>,
    queue: usize,
    waiting: AtomicUsize,
}

const BUSY: Error = Error::Busy {
    code: "busy",
    message: "当前登录人数较多，请稍后再试",
    retry_after_secs: 5,
};

impl HashingGate {
    /// `concurrency` 0 means one per core.
    pub(crate) fn new(concurrency: usize, queue: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(if concurrency == 0 {
                cores
            } else {
                concurrency
            })),
            queue,
            waiting: AtomicUsize::new(0),
        }
    }

    /// A place at the gate, or busy at once when the queue is full.
    async fn admit(&self) -> Result<Admission> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let waiting = Waiting::join(&self.waiting);
                if waiting.ahead >= self.queue {
                    return Err(BUSY);
                }
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| anyhow::anyhow!("the hashing gate is closed"))?
            }
        };
        Ok(Admission { permit })
    }
}

/// A core's worth of hashing, held from the gate to the end of one hash. A login takes it
/// before it counts its try, so a busy answer costs no try and every counted try is checked.
pub(crate) struct Admission {
    permit: OwnedSemaphorePermit,
}

impl Admission {
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self.permit;
        // The permit goes with the hash, not with the request: a client that hangs up does not
        // free a core that is still hashing for it.
        Ok(tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(anyhow::Error::from)??)
    }

    /// Whether `password` matches the stored PHC string. Without a stored hash (unknown
    /// account) a fixed dummy is checked instead, so the answer takes as long and reveals
    /// nothing.
    pub(crate) async fn verify_password(
        self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<bool> {
        let password = password.to_owned();
        let known = stored.is_some();
        let stored = stored.unwrap_or(DUMMY_HASH).to_owned();
        self.run(move || {
            let parsed = PasswordHash::new(&stored).map_err(anyhow::Error::msg)?;
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(known && matches)
        })
        .await
    }
}

/// One place in the queue, given back however the wait ends (also when the request is dropped).
struct Waiting<'a> {
    count: &'a AtomicUsize,
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicUsize) -> Self {
        let ahead = count.fetch_add(1, Ordering::SeqCst);
        Self { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

pub async fn hash_password(portal: &Portal, password: &str) -> Result<String> {
    let password = password.to_owned();
    admit(portal)
        .await?
        .run(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt)?;
            let salt = SaltString::encode_b64(&salt).map_err(anyhow::Error::msg)?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(anyhow::Error::msg)
        })
        .await
}

/// Waits for a place at the hashing gate (or answers busy at once).
pub(crate) async fn admit(portal: &Portal) -> Result<Admission> {
    portal.hashing().admit().await
}

/// argon2id of a random string nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$2EpcLAkuTlPl9LlpRD8e6jnBY1ZEDnkhwuwJGuF6uzw";
