//! What a case keeps beside its own row, read back for every view of it: the 特别程序 that
//! stopped its clock, the joint inspections (一车勘验) covering it, its 容缺 supplements and the
//! commitments they keep, and who answers for it after acceptance. The areas that write these
//! records (`review`, `inspections`, `commitments`) and every view read them here.

use super::{Filing, Stored, from_json};
use crate::clock::{stored_instant, today_at};
use crate::{Portal, Result, catalog};
use domain::case_clock::{SuspensionKind, SuspensionView};
use domain::commitment::CommitmentStatus;
use domain::prereview::MaterialChoice;
use domain::review::{Draw, InspectionView};
use sqlx::Row;

/// A case's 特别程序, oldest first.
pub(super) async fn suspensions_of(
    portal: &Portal,
    application_id: &str,
) -> Result<Vec<SuspensionView>> {
    let rows = sqlx::query(
        "SELECT kind, reason, started_on, expected_end, ended_on, inspection_id \
         FROM case_suspensions WHERE application_id = $1 ORDER BY started_at, id",
    )
    .bind(application_id)
    .fetch_all(portal.db().pool())
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let kind =
                SuspensionKind::parse(&kind).ok_or_else(|| anyhow::anyhow!("kind {kind}"))?;
            let date = |text: String| {
                domain::form::parse_date(&text).ok_or_else(|| anyhow::anyhow!("date {text}"))
            };
            Ok(SuspensionView {
                kind,
                kind_label: kind.label().into(),
                reason: row.try_get("reason")?,
                started_on: date(row.try_get("started_on")?)?,
                expected_end: date(row.try_get("expected_end")?)?,
                ended_on: row
                    .try_get::<Option<String>, _>("ended_on")?
                    .map(date)
                    .transpose()?,
                inspection_id: row.try_get("inspection_id")?,
            })
        })
        .collect()
}

/// The inspections covering a case, oldest first.
pub(super) async fn inspections_of(
    portal: &Portal,
    application_id: &str,
) -> Result<Vec<InspectionView>> {
    let rows = sqlx::query(
        "SELECT i.id FROM inspections i JOIN inspection_cases c ON c.inspection_id = i.id \
         WHERE c.application_id = $1 ORDER BY i.created_at, i.id",
    )
    .bind(application_id)
    .fetch_all(portal.db().pool())
    .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        views.extend(inspection(portal, &id).await?);
    }
    Ok(views)
}

pub(super) async fn inspection(portal: &Portal, id: &str) -> Result<Option<InspectionView>> {
    let Some(row) = sqlx::query(
        "SELECT id, scheduled_on, expected_end, place, draw, result, recorded_at \
         FROM inspections WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(portal.db().pool())
    .await?
    else {
        return Ok(None);
    };
    let cases = sqlx::query(
        "SELECT a.case_no FROM inspection_cases c JOIN applications a ON a.id = c.application_id \
         WHERE c.inspection_id = $1 ORDER BY a.case_no",
    )
    .bind(id)
    .fetch_all(portal.db().pool())
    .await?
    .iter()
    .map(|row| row.try_get::<String, _>("case_no"))
    .collect::<std::result::Result<Vec<_>, _>>()?;
    let draw: Draw = from_json(&row.try_get::<String, _>("draw")?)?;
    let date = |column: &str| -> Result<time::Date> {
        let text: String = row.try_get(column)?;
        Ok(domain::form::parse_date(&text).ok_or_else(|| anyhow::anyhow!("date {text}"))?)
    };
    Ok(Some(InspectionView {
        id: row.try_get("id")?,
        scheduled_on: date("scheduled_on")?,
        expected_end: date("expected_end")?,
        place: row.try_get("place")?,
        cases,
        reproduced: draw.reproduces(),
        draw,
        result: row.try_get("result")?,
        recorded_at: row
            .try_get::<Option<String>, _>("recorded_at")?
            .as_deref()
            .map(stored_instant)
            .transpose()?,
    }))
}

/// A 容缺 material's supplement row.
pub(super) struct Supplement {
    pub document_id: Option<String>,
    pub handed_in_at: String,
    pub confirmed_at: Option<String>,
}

pub(super) async fn supplement(
    portal: &Portal,
    application_id: &str,
    material_code: &str,
) -> Result<Option<Supplement>> {
    let row = sqlx::query(
        "SELECT document_id, handed_in_at, confirmed_at FROM case_supplements \
         WHERE application_id = $1 AND material_code = $2",
    )
    .bind(application_id)
    .bind(material_code)
    .fetch_optional(portal.db().pool())
    .await?;
    row.map(|row| {
        Ok(Supplement {
            document_id: row.try_get("document_id")?,
            handed_in_at: row.try_get("handed_in_at")?,
            confirmed_at: row.try_get("confirmed_at")?,
        })
    })
    .transpose()
}

/// The document handed in for a 容缺 material, if one was (staff open it like any material).
pub(super) async fn handed_in_document(
    portal: &Portal,
    application_id: &str,
    material_code: &str,
) -> Result<Option<String>> {
    Ok(supplement(portal, application_id, material_code)
        .await?
        .and_then(|s| s.document_id))
}

/// The 容缺 materials of an accepted case (its package case for a 一件事) and where each stands.
pub(super) async fn commitments_of(
    portal: &Portal,
    application: &Stored,
    filing: &Filing,
) -> Result<Vec<CommitmentStatus>> {
    if application.accepted_at.is_none() || application.parent_id.is_some() {
        return Ok(Vec::new());
    }
    let today = today_at(portal.now());
    let mut statuses = Vec::new();
    for material in &filing.materials {
        let Some(MaterialChoice::Deferred { until }) = application.choices.get(&material.code)
        else {
            continue;
        };
        let row = supplement(portal, &application.id, &material.code).await?;
        let state = CommitmentStatus::state_on(
            *until,
            row.is_some(),
            row.as_ref().is_some_and(|r| r.confirmed_at.is_some()),
            today,
        );
        statuses.push(CommitmentStatus {
            material_code: material.code.clone(),
            material_name: material.name.clone(),
            until: *until,
            state,
            state_label: state.label().into(),
            handed_in_at: row
                .as_ref()
                .map(|r| stored_instant(&r.handed_in_at))
                .transpose()?,
            on_paper: row.as_ref().is_some_and(|r| r.document_id.is_none()),
            document_id: row.as_ref().and_then(|r| r.document_id.clone()),
            confirmed_at: row
                .as_ref()
                .and_then(|r| r.confirmed_at.as_deref())
                .map(stored_instant)
                .transpose()?,
        });
    }
    Ok(statuses)
}

/// Who answers for a case from acceptance on: the reviewing department with its phone, and the
/// hall that accepted it.
pub(super) async fn responsible(portal: &Portal, application: &Stored) -> Result<Option<String>> {
    responsible_for(
        portal,
        application.department_code.as_deref(),
        application.hall_id.as_deref(),
    )
    .await
}

pub(super) async fn responsible_for(
    portal: &Portal,
    department: Option<&str>,
    hall_id: Option<&str>,
) -> Result<Option<String>> {
    let Some(department) = department else {
        return Ok(None);
    };
    let department = catalog::departments(portal.db())
        .await?
        .into_iter()
        .find(|d| d.code == department);
    let hall = match hall_id {
        Some(hall_id) => Some(catalog::hall(portal.db(), hall_id).await?.name),
        None => None,
    };
    Ok(department.map(|d| match hall {
        Some(hall) => format!("{}（咨询电话 {}；受理：{hall}）", d.name, d.phone),
        None => format!("{}（咨询电话 {}）", d.name, d.phone),
    }))
}
