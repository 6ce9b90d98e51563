//! The audit chain on both engines: concurrent appends form one chain; edits and deletions by
//! someone who gets past the append-only triggers are detected.

use domain::audit::ChainBreak;
use service::audit::{self, NewEntry, Verdict};
use service::testing::TestDb;
use service::{Backend, Db};

async fn append_many(db: &Db, count: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..count {
        let db = db.clone();
        tasks.spawn(async move {
            let mut tx = db.begin_write().await?;
            let subject = format!("citizen:{n}");
            audit::append(
                &mut tx,
                NewEntry {
                    actor: "staff:1",
                    action: "profile.view",
                    subject: &subject,
                    detail: "受理审查",
                },
                "2026-11-22T01:00:00.000Z",
            )
            .await?;
            tx.commit().await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().expect("every append succeeds");
    }
}

/// Turns the append-only triggers off, as an attacker with database access could.
async fn bypass_triggers(db: &Db, backend: Backend) {
    let statements: &[&'static str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"],
    };
    for statement in statements {
        sqlx::query(*statement).execute(db.pool()).await.unwrap();
    }
}

async fn chain_detects_tampering(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = &test.db;
    assert_eq!(audit::verify(db).await.unwrap(), Verdict::Intact(0));
    append_many(db, 24).await;
    assert_eq!(audit::verify(db).await.unwrap(), Verdict::Intact(24));

    let refused = sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 5")
        .execute(db.pool())
        .await;
    assert!(refused.is_err(), "the application cannot edit the log");
    let refused = sqlx::query("DELETE FROM audit_log WHERE seq = 5")
        .execute(db.pool())
        .await;
    assert!(
        refused.is_err(),
        "the application cannot delete from the log"
    );

    bypass_triggers(db, backend).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 24")
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(db).await.unwrap(),
        Verdict::Truncated { last: 23, head: 24 }
    );

    sqlx::query("DELETE FROM audit_log WHERE seq = 10")
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(db).await.unwrap(),
        Verdict::Broken(ChainBreak::Gap {
            expected: 10,
            found: 11
        })
    );

    sqlx::query("UPDATE audit_log SET detail = '无' WHERE seq = 5")
        .execute(db.pool())
        .await
        .unwrap();
    let verdict = audit::verify(db).await.unwrap();
    assert_eq!(verdict, Verdict::Broken(ChainBreak::Altered { seq: 5 }));
    assert!(verdict.to_string().contains("第 5 条记录"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_chain_detects_tampering() {
    chain_detects_tampering(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_chain_detects_tampering() {
    chain_detects_tampering(Backend::Postgres).await;
}
