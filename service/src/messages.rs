//! The message centre (站内信): what the portal tells a person about their cases and drafts.
//! A message is written in the same transaction as the event it reports, once per event
//! (`dedup_key`), so retries and several instances never send it twice.

use crate::accounts::new_id;
use crate::auth::Session;
use crate::clock::{stamp, stored_instant};
use crate::{Error, Portal, Result};
use domain::message::{Inbox, MessageView};
use domain::paging::PageRequest;
use sqlx::{AnyConnection, Row};

/// A message to write.
pub(crate) struct NewMessage<'a> {
    pub citizen_id: &'a str,
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    /// The application (draft or case) the message is about; the web link is derived from it.
    pub application_id: Option<String>,
    /// Where the message leads when it is about something else (a booking).
    pub link: Option<String>,
    /// One message per distinct key; a repeat is silently dropped.
    pub dedup_key: String,
}

/// Writes `message` unless one with the same key exists; returns whether it was written.
pub(crate) async fn send(
    conn: &mut AnyConnection,
    portal: &Portal,
    message: NewMessage<'_>,
) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO messages (id, citizen_id, kind, title, body, link, application_id, \
         dedup_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(new_id("m"))
    .bind(message.citizen_id)
    .bind(message.kind)
    .bind(&message.title)
    .bind(&message.body)
    .bind(message.link.clone().or_else(|| {
        message
            .application_id
            .as_ref()
            .map(|id| format!("/applications/{id}"))
    }))
    .bind(&message.application_id)
    .bind(&message.dedup_key)
    .bind(stamp(portal.now()))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(written == 1)
}

/// One page of the signed-in person's messages, newest first, and how many are unread.
pub async fn inbox(portal: &Portal, session: &Session, paging: PageRequest) -> Result<Inbox> {
    let citizen = session.require_citizen()?;
    let counts = sqlx::query(
        "SELECT COUNT(*) AS total, COUNT(read_at) AS read FROM messages WHERE citizen_id = $1",
    )
    .bind(&citizen.citizen_id)
    .fetch_one(portal.db().pool())
    .await?;
    let total: i64 = counts.try_get("total")?;
    let read: i64 = counts.try_get("read")?;
    let rows = sqlx::query(
        "SELECT m.id, m.kind, m.title, m.body, m.link, m.application_id, a.case_no, \
         m.created_at, m.read_at FROM messages m LEFT JOIN applications a ON a.id = m.application_id \
         WHERE m.citizen_id = $1 ORDER BY m.seq DESC LIMIT $2 OFFSET $3",
    )
    .bind(&citizen.citizen_id)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(portal.db().pool())
    .await?;
    let messages = rows
        .iter()
        .map(|row| {
            let created_at: String = row.try_get("created_at")?;
            Ok(MessageView {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                link: row.try_get("link")?,
                application_id: row.try_get("application_id")?,
                case_no: row.try_get("case_no")?,
                created_at: stored_instant(&created_at)?,
                read: row.try_get::<Option<String>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Inbox {
        items: messages,
        total: total as u64,
        page: paging.page,
        page_size: paging.page_size,
        unread: (total - read) as u64,
    })
}

/// Marks one of the person's messages read; reading it again changes nothing.
pub async fn mark_read(portal: &Portal, session: &Session, id: &str) -> Result<()> {
    let citizen = session.require_citizen()?;
    let found = sqlx::query(
        "UPDATE messages SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND citizen_id = $3 \
         RETURNING id",
    )
    .bind(stamp(portal.now()))
    .bind(id)
    .bind(&citizen.citizen_id)
    .fetch_optional(portal.db().pool())
    .await?;
    found.map(|_| ()).ok_or(Error::NotFound("没有找到该消息"))
}
