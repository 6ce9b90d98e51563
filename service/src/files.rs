//! File storage for materials and results, through `object_store`: the local filesystem by
//! default, S3-compatible storage by configuration. A file is written (and, locally, synced to
//! disk) before the database row that refers to it, so a row never points at nothing; a crash in
//! between leaves only an orphan file.

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    /// Set for the local filesystem, whose writes we sync ourselves.
    local_root: Option<PathBuf>,
}

impl Files {
    /// Files under `root` on this machine (created if missing).
    pub fn local(root: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        let root = root.canonicalize()?;
        Ok(Self {
            store: Arc::new(LocalFileSystem::new_with_prefix(&root)?),
            local_root: Some(root),
        })
    }

    /// Any other store (S3-compatible, in-memory for tools); durability is the store's.
    pub fn with_store(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            local_root: None,
        }
    }

    /// Writes `bytes` at `key` and returns once they are durable.
    pub async fn put_durable(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        let path = StorePath::from(key);
        self.store.put(&path, PutPayload::from(bytes)).await?;
        if let Some(root) = &self.local_root {
            let file = root.join(key);
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                std::fs::File::open(&file)?.sync_all()?;
                if let Some(dir) = file.parent() {
                    std::fs::File::open(dir)?.sync_all()?;
                }
                Ok(())
            })
            .await??;
        }
        Ok(())
    }

    pub async fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        let path = StorePath::from(key);
        Ok(self.store.get(&path).await?.bytes().await?)
    }
}
