//! Migrations that change data keep what earlier versions wrote, on both engines.

use service::Backend;
use service::testing::TestDb;
use sqlx::Row;

/// 0009 moves the daily case-number sequences into the one counter mechanism: a database that
/// issued numbers under 0008 goes on from the last number, never repeating one.
async fn case_sequences_move_into_counters(backend: Backend) {
    let Some(test) = TestDb::unmigrated(backend).await else {
        return;
    };
    test.db.migrate_to(8).await.unwrap();
    sqlx::query("INSERT INTO case_sequences (item_code, day, last) VALUES ($1, $2, $3)")
        .bind("1133010000250005004000400000031")
        .bind("20261207")
        .bind(41_i64)
        .execute(test.db.pool())
        .await
        .unwrap();
    test.db.migrate().await.unwrap();
    let mut tx = test.db.begin_write().await.unwrap();
    let next =
        service::counters::next_value(&mut tx, "case:1133010000250005004000400000031:20261207")
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(next, 42);
    let tables = sqlx::query("SELECT COUNT(*) AS n FROM counters")
        .fetch_one(test.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
    assert_eq!(tables, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_case_sequences_move_into_counters() {
    case_sequences_move_into_counters(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_case_sequences_move_into_counters() {
    case_sequences_move_into_counters(Backend::Postgres).await;
}

/// 0011 gives every case submitted before it the hall and zone of its item, so the clerks of
/// that zone find it in their queue; drafts stay without.
async fn cases_take_their_items_hall_and_zone(backend: Backend) {
    let Some(test) = TestDb::unmigrated(backend).await else {
        return;
    };
    test.db.migrate_to(10).await.unwrap();
    service::seed::run(&test.db).await.unwrap();
    sqlx::query(
        "INSERT INTO citizens (id, id_number, name, phone, password_hash, created_at) \
         VALUES ('c_1', '11010519491231002X', '张三', '13800138000', 'x', '2026-12-01T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await
    .unwrap();
    for (id, case_no, state) in [
        (
            "a_sent",
            Some("1133010000250002364000400000033202612010001"),
            "submitted",
        ),
        ("a_draft", None, "draft"),
    ] {
        sqlx::query(
            "INSERT INTO applications (id, case_no, owner_citizen_id, item_code, item_version, \
             state, answers, materials, created_at, updated_at, submitted_at, draft_expires_at) \
             VALUES ($1, $2, 'c_1', '1133010000250002364000400000033', 1, $3, '{}', '{}', \
             '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', \
             '2026-12-31T00:00:00Z')",
        )
        .bind(id)
        .bind(case_no)
        .bind(state)
        .execute(test.db.pool())
        .await
        .unwrap();
    }
    test.db.migrate().await.unwrap();
    let placed = |id: &'static str| {
        let pool = test.db.pool().clone();
        async move {
            let row = sqlx::query("SELECT hall_id, zone, channel FROM applications WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
            (
                row.try_get::<Option<String>, _>("hall_id").unwrap(),
                row.try_get::<Option<String>, _>("zone").unwrap(),
                row.try_get::<String, _>("channel").unwrap(),
            )
        }
    };
    assert_eq!(
        placed("a_sent").await,
        (Some("city".into()), Some("social".into()), "online".into())
    );
    assert_eq!(placed("a_draft").await, (None, None, "online".into()));
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_cases_take_their_items_hall_and_zone() {
    cases_take_their_items_hall_and_zone(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_cases_take_their_items_hall_and_zone() {
    cases_take_their_items_hall_and_zone(Backend::Postgres).await;
}

/// 0012 rebuilds citizens on SQLite so that an offline record may lack a login: accounts, and the
/// cases that point at them, come through whole; a row with a phone but no password is refused.
async fn accounts_survive_the_offline_record_rebuild(backend: Backend) {
    let Some(test) = TestDb::unmigrated(backend).await else {
        return;
    };
    test.db.migrate_to(11).await.unwrap();
    service::seed::run(&test.db).await.unwrap();
    sqlx::query(
        "INSERT INTO citizens (id, id_number, name, phone, password_hash, address, created_at) \
         VALUES ('c_1', '11010519491231002X', '张三', '13800138000', 'x', '人民大道1号', \
         '2026-12-01T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO applications (id, owner_citizen_id, item_code, item_version, state, answers, \
         materials, created_at, updated_at, draft_expires_at) VALUES ('a_1', 'c_1', \
         '1133010000250002364000400000033', 1, 'draft', '{}', '{}', '2026-12-01T00:00:00Z', \
         '2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await
    .unwrap();
    test.db.migrate().await.unwrap();
    let row = sqlx::query(
        "SELECT c.phone, c.address, a.id FROM citizens c JOIN applications a \
         ON a.owner_citizen_id = c.id WHERE c.id = 'c_1'",
    )
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    assert_eq!(
        row.try_get::<Option<String>, _>("phone")
            .unwrap()
            .as_deref(),
        Some("13800138000")
    );
    assert_eq!(row.try_get::<String, _>("address").unwrap(), "人民大道1号");
    let half = sqlx::query(
        "INSERT INTO citizens (id, id_number, name, phone, created_at) \
         VALUES ('c_2', '440304198503150028', '王五', '13900139000', '2026-12-01T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await;
    assert!(
        half.is_err(),
        "a phone without a password is neither account nor offline record"
    );
    let orphan = sqlx::query(
        "INSERT INTO applications (id, owner_citizen_id, item_code, item_version, state, answers, \
         materials, created_at, updated_at, draft_expires_at) VALUES ('a_2', 'c_nobody', \
         '1133010000250002364000400000033', 1, 'draft', '{}', '{}', '2026-12-01T00:00:00Z', \
         '2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await;
    assert!(orphan.is_err(), "cases still point at citizens");
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_accounts_survive_the_offline_record_rebuild() {
    accounts_survive_the_offline_record_rebuild(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_accounts_survive_the_offline_record_rebuild() {
    accounts_survive_the_offline_record_rebuild(Backend::Postgres).await;
}

/// 0014 routes what was accepted before it: a single case to its item's department, a 一件事 to
/// its lead department, and the package's child cases — which waited in 'submitted' — are
/// accepted with it, each at its own item's department.
async fn accepted_cases_are_routed_to_their_departments(backend: Backend) {
    let Some(test) = TestDb::unmigrated(backend).await else {
        return;
    };
    test.db.migrate_to(13).await.unwrap();
    service::seed::run(&test.db).await.unwrap();
    sqlx::query(
        "INSERT INTO citizens (id, id_number, name, phone, password_hash, created_at) \
         VALUES ('c_1', '11010519491231002X', '张三', '13800138000', 'x', '2026-12-01T00:00:00Z')",
    )
    .execute(test.db.pool())
    .await
    .unwrap();
    // (id, item, package, parent, state, accepted_at)
    let rows = [
        (
            "a_single",
            "1133010000250002364000400000033",
            None,
            None,
            "accepted",
            Some("2026-12-01T02:00:00Z"),
        ),
        (
            "a_package",
            "1133010000250005004000400000031",
            Some("chusheng"),
            None,
            "accepted",
            Some("2026-12-01T02:00:00Z"),
        ),
        (
            "a_child",
            "1133010000250002364000400000033",
            None,
            Some("a_package"),
            "submitted",
            None,
        ),
        (
            "a_waiting",
            "1133010000250002364000400000033",
            None,
            None,
            "submitted",
            None,
        ),
    ];
    for (n, (id, item, package, parent, state, accepted_at)) in rows.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO applications (id, case_no, owner_citizen_id, item_code, item_version, \
             package_id, parent_id, state, answers, materials, created_at, updated_at, \
             submitted_at, draft_expires_at, hall_id, zone, accepted_at, accepted_by) \
             VALUES ($1, $2, 'c_1', $3, 1, $4, $5, $6, '{}', '{}', '2026-12-01T00:00:00Z', \
             '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z', \
             $7, 'social', $8, $9)",
        )
        .bind(id)
        .bind(format!("{item}2026120100{n:02}"))
        .bind(item)
        .bind(package)
        .bind(parent)
        .bind(state)
        // A child case carried no hall before 0014: it takes its package's.
        .bind(parent.map_or(Some("city"), |_| None))
        .bind(accepted_at)
        .bind(accepted_at.map(|_| "s_clerk"))
        .execute(test.db.pool())
        .await
        .unwrap();
    }
    test.db.migrate().await.unwrap();
    let routed = |id: &'static str| {
        let pool = test.db.pool().clone();
        async move {
            let row = sqlx::query(
                "SELECT state, department_code, accepted_at, hall_id FROM applications WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
            (
                row.try_get::<String, _>("state").unwrap(),
                row.try_get::<Option<String>, _>("department_code").unwrap(),
                row.try_get::<Option<String>, _>("accepted_at").unwrap(),
                row.try_get::<Option<String>, _>("hall_id").unwrap(),
            )
        }
    };
    let accepted = Some("2026-12-01T02:00:00Z".to_owned());
    let city = Some("city".to_owned());
    assert_eq!(
        routed("a_single").await,
        (
            "accepted".into(),
            Some("gaj".into()),
            accepted.clone(),
            city.clone()
        )
    );
    assert_eq!(
        routed("a_package").await,
        (
            "accepted".into(),
            Some("wjw".into()),
            accepted.clone(),
            city.clone()
        )
    );
    assert_eq!(
        routed("a_child").await,
        ("accepted".into(), Some("gaj".into()), accepted, city)
    );
    assert_eq!(
        routed("a_waiting").await.1,
        None,
        "not accepted: not routed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_accepted_cases_are_routed_to_their_departments() {
    accepted_cases_are_routed_to_their_departments(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_accepted_cases_are_routed_to_their_departments() {
    accepted_cases_are_routed_to_their_departments(Backend::Postgres).await;
}
