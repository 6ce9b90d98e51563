//! Identity writes under concurrency, on both engines: a registration race ends in exactly one
//! account, concurrent wrong passwords lock the account exactly once, and the audit chain that
//! records all of it stays intact.

use domain::account::CitizenSignup;
use domain::site::SiteInfo;
use service::auth::{AuthSettings, Channel, LoginAttempt};
use service::files::Files;
use service::testing::TestDb;
use service::{Backend, Error, Portal, Settings};

fn site() -> SiteInfo {
    SiteInfo {
        portal_name: "测试门户".into(),
        sponsor: String::new(),
        hotline: String::new(),
        address: String::new(),
        site_code: String::new(),
        icp_record: String::new(),
        police_record: String::new(),
        public_url: String::new(),
    }
}

async fn portal(backend: Backend) -> Option<(TestDb, Portal)> {
    let test_db = TestDb::new(backend).await?;
    let settings = Settings {
        auth: AuthSettings {
            attempts_per_address: 1000,
            ..AuthSettings::default()
        },
        ..Settings::default()
    };
    let files = Files::with_store(std::sync::Arc::new(object_store::memory::InMemory::new()));
    let portal = Portal::new(test_db.db.clone(), files, site(), settings);
    Some((test_db, portal))
}

fn signup(phone: String) -> CitizenSignup {
    CitizenSignup {
        id_number: "11010519491231002X".into(),
        name: "张三".into(),
        phone,
        password: "mountain42".into(),
        ..CitizenSignup::default()
    }
}

async fn a_registration_race_creates_exactly_one_account(backend: Backend) {
    let Some((_db, portal)) = portal(backend).await else {
        return;
    };
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..12 {
        let portal = portal.clone();
        tasks.spawn(async move {
            let signup = signup(format!("1380013{n:04}"));
            service::accounts::register_citizen(&portal, &signup, "race").await
        });
    }
    let (mut created, mut refused) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            Ok(_) => created += 1,
            Err(Error::Conflict {
                code: "id_number_taken",
                ..
            }) => refused += 1,
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((created, refused), (1, 11));
}

async fn concurrent_wrong_passwords_lock_the_account_once(backend: Backend) {
    let Some((test_db, portal)) = portal(backend).await else {
        return;
    };
    service::accounts::register_citizen(&portal, &signup("13800138000".into()), "test")
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let portal = portal.clone();
        tasks.spawn(async move {
            service::auth::login(
                &portal,
                LoginAttempt {
                    account: "13800138000",
                    password: "wrong-pass1",
                    agent: None,
                    totp: None,
                    channel: Channel::Api,
                    address: "test",
                    user_agent: "",
                    door: service::auth::LoginDoor::Api,
                },
            )
            .await
            .map(|_| ())
        });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.unwrap().is_err());
    }
    let right = service::auth::login(
        &portal,
        LoginAttempt {
            account: "13800138000",
            password: "mountain42",
            agent: None,
            totp: None,
            channel: Channel::Api,
            address: "test",
            user_agent: "",
            door: service::auth::LoginDoor::Api,
        },
    )
    .await;
    assert!(
        matches!(
            right,
            Err(Error::RateLimited {
                code: "account_locked",
                ..
            })
        ),
        "locked after the fifth failure: {right:?}"
    );
    let locks: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.locked'")
            .fetch_one(test_db.db.pool())
            .await
            .unwrap();
    assert_eq!(locks, 1, "the lockout is audited once");
    let verdict = service::audit::verify(&test_db.db).await.unwrap();
    assert!(
        matches!(verdict, service::audit::Verdict::Intact(_)),
        "{verdict}"
    );
}

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $name() { super::$name(service::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $name() { super::$name(service::Backend::Postgres).await })*
        }
    };
}

on_both_databases!(
    a_registration_race_creates_exactly_one_account,
    concurrent_wrong_passwords_lock_the_account_once,
);
