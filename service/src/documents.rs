//! The personal vault (一份材料): uploads and issued e-licences a citizen can reuse in any
//! application. A file's type is recognised by its content, never by its name; its name is kept
//! only for display, sanitised.
//!
//! A vault belongs to a [`Holder`]: a citizen acting for themselves, or a business whichever
//! 经办人 acts for it. `owner_citizen_id` records who uploaded (or received) a document;
//! `owner_business_id` marks a business's document.

use crate::accounts::new_id;
use crate::auth::{CitizenPrincipal, Session};
use crate::clock::{stamp, stored_instant};
use crate::{Error, Portal, Result};
use bytes::Bytes;
use domain::catalog::FileType;
use domain::file_content::recognise;
use domain::instant::Instant;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Whose vault: a person's own, or a business's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    Citizen(String),
    Business(String),
}

impl Holder {
    /// The vault the signed-in citizen works with: the business's while acting for one.
    pub fn of(citizen: &CitizenPrincipal) -> Self {
        match &citizen.acting_for {
            Some(acting) => Self::Business(acting.business_id.clone()),
            None => Self::Citizen(citizen.citizen_id.clone()),
        }
    }

    /// SQL condition selecting this holder's documents, with the holder's id bound as `$n`.
    fn condition(&self, n: u8) -> String {
        match self {
            Self::Citizen(_) => format!("owner_citizen_id = ${n} AND owner_business_id IS NULL"),
            Self::Business(_) => format!("owner_business_id = ${n}"),
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::Citizen(id) | Self::Business(id) => id,
        }
    }
}

/// An issued e-licence to put into a vault (电子证照): seeded demo licences now, issued
/// results later.
pub struct IssuedLicence<'a> {
    pub holder: &'a Holder,
    /// The citizen who receives it: the holder, or the business's 经办人.
    pub recipient_citizen_id: &'a str,
    pub licence_type: &'a str,
    pub file_name: &'a str,
    pub bytes: Bytes,
}

/// A document as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    pub file_name: String,
    pub file_type: String,
    pub size_bytes: i64,
    /// Set for issued e-licences (营业执照 …), which 免提交 materials draw on.
    pub licence_type: Option<String>,
    pub created_at: Instant,
}

/// A display name safe anywhere: no directories, no control or path characters, at most 100
/// characters, with the extension of the recognised type.
pub fn sanitise_file_name(original: &str, file_type: FileType) -> String {
    let base = original
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        // Direction overrides (U+202E and kin) would show a name ending "fdp.exe" as "exe.pdf".
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect::<String>();
    let base = base.trim();
    // The extension is replaced by the recognised type's; leading dots (hidden files, "..")
    // go too.
    let stem = base
        .rsplit_once('.')
        .map(|(stem, _)| stem)
        .unwrap_or(base)
        .trim_matches('.')
        .trim();
    let stem: String = stem.chars().take(90).collect();
    let stem = if stem.is_empty() { "材料" } else { &stem };
    format!("{stem}.{}", file_type.as_str().replace("jpeg", "jpg"))
}

/// Stores an upload in the caller's vault: checks size and type, writes the file durably, then
/// records it.
pub async fn upload(
    portal: &Portal,
    session: &Session,
    original_name: &str,
    bytes: Bytes,
) -> Result<DocumentView> {
    let citizen = session.require_citizen()?;
    upload_to(
        portal,
        &Holder::of(citizen),
        &citizen.citizen_id,
        original_name,
        bytes,
    )
    .await
}

/// Stores an upload in `holder`'s vault, recorded as brought by `uploader` (a citizen id): the
/// signed-in citizen's own, or the applicant's when a clerk scans a material at the window.
pub(crate) async fn upload_to(
    portal: &Portal,
    holder: &Holder,
    uploader: &str,
    original_name: &str,
    bytes: Bytes,
) -> Result<DocumentView> {
    let limit = portal.application_settings().upload_max_bytes();
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge(format!(
            "文件超过 {} MB，请压缩后重新上传",
            portal.application_settings().upload_max_mb
        )));
    }
    if bytes.is_empty() {
        return Err(Error::invalid("file", "文件是空的，请重新选择"));
    }
    let file_type = recognise(&bytes).ok_or_else(|| {
        Error::UnsupportedType("只接受 PDF、JPG、PNG 或 OFD 文件（按文件内容识别）".into())
    })?;
    check_quota(portal, uploader, bytes.len() as u64).await?;
    let file_name = sanitise_file_name(original_name, file_type);
    store(portal, holder, uploader, &file_name, file_type, None, bytes).await
}

/// What one person's uploads may take up altogether (issued e-licences do not count). Checked
/// before the file is written; concurrent uploads may pass together, so the bound can be
/// exceeded by what is in flight at once, never more.
async fn check_quota(portal: &Portal, uploader: &str, adding: u64) -> Result<()> {
    let used: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) AS used FROM documents \
         WHERE owner_citizen_id = $1 AND licence_type IS NULL",
    )
    .bind(uploader)
    .fetch_one(portal.db().pool())
    .await?
    .try_get("used")?;
    let settings = portal.application_settings();
    if used.max(0) as u64 + adding > settings.upload_quota_bytes() {
        return Err(Error::Unprocessable {
            code: "upload_quota_exceeded",
            message: format!(
                "您上传的材料已接近{} MB 的存储上限，无法再上传此文件；可选用材料库中已有的文件",
                settings.upload_quota_mb
            ),
        });
    }
    Ok(())
}

/// Puts an issued e-licence into its holder's vault, where it satisfies 免提交 materials.
pub async fn issue_licence(portal: &Portal, licence: IssuedLicence<'_>) -> Result<DocumentView> {
    let file_type = recognise(&licence.bytes)
        .ok_or_else(|| anyhow::anyhow!("e-licence {} is no PDF or OFD", licence.licence_type))?;
    store(
        portal,
        licence.holder,
        licence.recipient_citizen_id,
        licence.file_name,
        file_type,
        Some(licence.licence_type),
        licence.bytes,
    )
    .await
}

/// Writes the file durably, then records it: a row never points at a missing file.
async fn store(
    portal: &Portal,
    holder: &Holder,
    citizen_id: &str,
    file_name: &str,
    file_type: FileType,
    licence_type: Option<&str>,
    bytes: Bytes,
) -> Result<DocumentView> {
    let id = new_id("d");
    let storage_key = format!("documents/{}/{id}", holder.id());
    let sha256 = data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    portal.files().put_durable(&storage_key, bytes).await?;
    let business_id = match holder {
        Holder::Business(id) => Some(id.as_str()),
        Holder::Citizen(_) => None,
    };
    sqlx::query(
        "INSERT INTO documents (id, owner_citizen_id, owner_business_id, file_name, file_type, \
         size_bytes, sha256, storage_key, licence_type, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(citizen_id)
    .bind(business_id)
    .bind(file_name)
    .bind(file_type.as_str())
    .bind(size)
    .bind(&sha256)
    .bind(&storage_key)
    .bind(licence_type)
    .bind(stamp(portal.now()))
    .execute(portal.db().pool())
    .await?;
    Ok(DocumentView {
        id,
        file_name: file_name.into(),
        file_type: file_type.as_str().into(),
        size_bytes: size,
        licence_type: licence_type.map(Into::into),
        created_at: Instant::new(portal.now()),
    })
}

/// The caller's vault (the business's while acting for one): e-licences first, then uploads,
/// newest first.
pub async fn list(portal: &Portal, session: &Session) -> Result<Vec<DocumentView>> {
    list_of(portal, &Holder::of(session.require_citizen()?)).await
}

/// `holder`'s vault, in the same order.
pub(crate) async fn list_of(portal: &Portal, holder: &Holder) -> Result<Vec<DocumentView>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, file_name, file_type, size_bytes, licence_type, created_at FROM documents \
         WHERE {} ORDER BY licence_type IS NULL, created_at DESC, id",
        holder.condition(1)
    )))
    .bind(holder.id())
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter().map(view).collect()
}

fn view(row: &AnyRow) -> Result<DocumentView> {
    let created_at: String = row.try_get("created_at")?;
    Ok(DocumentView {
        id: row.try_get("id")?,
        file_name: row.try_get("file_name")?,
        file_type: row.try_get("file_type")?,
        size_bytes: row.try_get("size_bytes")?,
        licence_type: row.try_get("licence_type")?,
        created_at: stored_instant(&created_at)?,
    })
}

/// One of the caller's documents with its bytes; someone else's is "not found".
pub async fn content(
    portal: &Portal,
    session: &Session,
    id: &str,
) -> Result<(DocumentView, Bytes)> {
    content_of(portal, &Holder::of(session.require_citizen()?), id).await
}

/// One of `holder`'s documents with its bytes.
pub(crate) async fn content_of(
    portal: &Portal,
    holder: &Holder,
    id: &str,
) -> Result<(DocumentView, Bytes)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, file_name, file_type, size_bytes, licence_type, created_at, storage_key \
         FROM documents WHERE id = $1 AND {}",
        holder.condition(2)
    )))
    .bind(id)
    .bind(holder.id())
    .fetch_optional(portal.db().pool())
    .await?
    .ok_or(Error::NotFound("没有找到该材料"))?;
    let key: String = row.try_get("storage_key")?;
    let bytes = portal.files().get(&key).await?;
    Ok((view(&row)?, bytes))
}

/// The file type and size of one of the holder's documents, for the pre-review.
pub(crate) async fn owned_file(
    portal: &Portal,
    holder: &Holder,
    id: &str,
) -> Result<Option<(FileType, u64)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT file_type, size_bytes FROM documents WHERE id = $1 AND {}",
        holder.condition(2)
    )))
    .bind(id)
    .bind(holder.id())
    .fetch_optional(portal.db().pool())
    .await?;
    row.map(|row| {
        let stored: String = row.try_get("file_type")?;
        let file_type =
            FileType::parse(&stored).ok_or_else(|| anyhow::anyhow!("file type {stored}"))?;
        Ok((file_type, row.try_get::<i64, _>("size_bytes")? as u64))
    })
    .transpose()
}

/// Licence types among the holder's issued e-licences (免提交 draws on these).
pub(crate) async fn licence_types(portal: &Portal, holder: &Holder) -> Result<Vec<String>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT licence_type FROM documents WHERE {} \
         AND licence_type IS NOT NULL ORDER BY licence_type",
        holder.condition(1)
    )))
    .bind(holder.id())
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| Ok(row.try_get("licence_type")?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_directories_and_strange_characters() {
        assert_eq!(
            sanitise_file_name("说明\u{202E}fdp.exe", FileType::Pdf),
            "说明fdp.pdf"
        );
        assert_eq!(
            sanitise_file_name("../../etc/passwd.pdf", FileType::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            sanitise_file_name("C:\\Users\\张三\\身份证 正面.JPG", FileType::Jpeg),
            "身份证 正面.jpg"
        );
        assert_eq!(
            sanitise_file_name("..\u{0}<>.png", FileType::Png),
            "材料.png"
        );
        assert_eq!(sanitise_file_name("申请书", FileType::Ofd), "申请书.ofd");
    }
}
