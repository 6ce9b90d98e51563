//! The command line: `server [--config FILE] serve | migrate | seed | user create-staff |
//! audit verify | calendar load FILE`.

use crate::config::Config;
use crate::http::{AppState, app};
use crate::telemetry;
use clap::{Parser, Subcommand};
use service::Db;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "server", about = "政务服务门户 server", version)]
struct Cli {
    /// Configuration file (default: portal.toml if present; env PORTAL_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the portal until SIGTERM or Ctrl-C.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Migrate, then load the demo data sets (idempotent) and exit.
    Seed,
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The working-day calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load (or replace) one year's holiday schedule, as the State Council publishes it each
    /// winter, from a TOML file shaped like `seed/calendar/2026.toml`. Days of that year become
    /// bookable and time limits count its holidays.
    Load {
        /// The year's schedule.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; the password is read from PORTAL_STAFF_PASSWORD, never an argument
    /// (arguments show up in `ps` and shell history). The member enrols TOTP at first login.
    CreateStaff {
        /// Login name: lower-case letters, digits, `.`, `_`, `-`.
        #[arg(long)]
        username: String,
        /// Real name as on the ID.
        #[arg(long)]
        name: String,
        /// clerk | approver | issuer | supervisor | admin
        #[arg(long)]
        role: String,
        /// Hall id, for clerks and issuers.
        #[arg(long)]
        hall: Option<String>,
        /// Hall zone (economic, construction, social, real_estate), for clerks and issuers.
        #[arg(long)]
        zone: Option<String>,
        /// Department code, for approvers.
        #[arg(long)]
        department: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chain; exit with failure if any row was edited or deleted.
    Verify,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("配置有误 (configuration error): {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init_logging(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "command failed");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    match command {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Seed => {
            service::seed::run(&db).await?;
            let portal = config.portal(db.clone())?;
            service::seed::demo_accounts(&portal).await?;
            tracing::info!("demo data loaded");
            Ok(())
        }
        Command::Serve => serve(config, db).await,
        Command::User {
            command:
                UserCommand::CreateStaff {
                    username,
                    name,
                    role,
                    hall,
                    zone,
                    department,
                },
        } => {
            let password = std::env::var("PORTAL_STAFF_PASSWORD").map_err(|_| {
                anyhow::anyhow!("set PORTAL_STAFF_PASSWORD to the new account's initial password")
            })?;
            let portal = config.portal(db.clone())?;
            let new = domain::account::NewStaff {
                username,
                name,
                role,
                hall_id: hall,
                zone,
                department,
                password,
            };
            match service::staff::create_staff(&portal, service::staff::Creator::CommandLine, &new)
                .await
            {
                Ok(staff) => {
                    println!(
                        "已创建工作人员账号 {}（{}），首次登录须先修改初始密码，再绑定动态口令",
                        staff.username, staff.role_label
                    );
                    Ok(())
                }
                Err(service::Error::Invalid(fields)) => {
                    for (field, messages) in fields.iter() {
                        eprintln!("{field}: {}", messages.join("；"));
                    }
                    anyhow::bail!("输入有误，账号未创建")
                }
                Err(error) => Err(anyhow::anyhow!("{error}")),
            }
        }
        Command::Calendar {
            command: CalendarCommand::Load { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let schedule = service::calendar::YearSchedule::from_toml(&text)?;
            service::calendar::import_year(&db, &schedule).await?;
            println!(
                "已导入 {} 年的节假日安排（{}），共 {} 个节日",
                schedule.year,
                schedule.source,
                schedule.holidays.len()
            );
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let verdict = service::audit::verify(&db).await?;
            println!("{verdict}");
            match verdict {
                service::audit::Verdict::Intact(_) => Ok(()),
                _ => anyhow::bail!("audit log verification failed"),
            }
        }
    }
}

async fn open_database(config: &Config) -> anyhow::Result<Db> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = Db::connect(&config.db_settings()).await?;
    db.migrate().await?;
    tracing::info!(backend = ?db.backend(), "database ready");
    Ok(db)
}

async fn serve(config: Config, db: Db) -> anyhow::Result<()> {
    let mut leptos = leptos::config::get_configuration(None)?.leptos_options;
    leptos.site_addr = config.listen;
    // cargo-leptos writes the content-hashed asset names next to the binary in release builds.
    leptos.hash_files = std::env::current_exe()?
        .with_file_name(&*leptos.hash_file)
        .exists();

    let grace = Duration::from_secs(config.http.shutdown_grace_secs);
    let state = AppState {
        portal: config.portal(db.clone())?,
        leptos,
        config: Arc::new(config),
    };
    spawn_housekeeping(state.portal.clone());
    let listener = tokio::net::TcpListener::bind(state.config.listen).await?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    let server = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal());
    // After the signal, in-flight requests get `grace` to finish; then the process exits anyway.
    tokio::select! {
        result = server => result?,
        () = async { shutdown_signal().await; tokio::time::sleep(grace).await } => {
            tracing::warn!("shutdown grace period over; closing remaining connections");
        }
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Hourly housekeeping (draft expiry reminders, expired drafts, old idempotency keys, 容缺
/// commitments, bookings, answered 差评 never re-rated, finished login throttles). Every instance
/// may run it: each step is idempotent.
fn spawn_housekeeping(portal: service::Portal) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match service::applications::sweep(&portal).await {
                Ok(swept) if swept == Default::default() => {}
                Ok(swept) => tracing::info!(
                    reminded = swept.reminded,
                    deleted = swept.deleted,
                    commitments_reminded = swept.commitments.reminded,
                    commitments_flagged = swept.commitments.flagged,
                    revoked = swept.commitments.revoked,
                    "housekeeping: drafts and 容缺 commitments"
                ),
                Err(error) => tracing::error!(error = format!("{error:#}"), "housekeeping failed"),
            }
            match service::appointments::sweep(&portal).await {
                Ok(swept) if swept == Default::default() => {}
                Ok(swept) => tracing::info!(
                    reminded = swept.reminded,
                    no_shows = swept.no_shows,
                    "housekeeping: bookings"
                ),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "booking housekeeping failed")
                }
            }
            match service::ratings::sweep(&portal).await {
                Ok(0) => {}
                Ok(closed) => tracing::info!(closed, "housekeeping: rectifications not re-rated"),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "rating housekeeping failed")
                }
            }
            match service::auth::purge_throttles(&portal).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "housekeeping: finished login throttles"),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "throttle housekeeping failed")
                }
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
