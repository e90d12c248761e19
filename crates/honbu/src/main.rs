//! `honbu`: the server, the CLI and the demo in one binary.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use honbu::{open_store, DEFAULT_DATABASE};
use honbu_store::accounts;
use honbu_store::journal::Verdict;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

mod linking;

#[derive(Parser)]
#[command(
    name = "honbu",
    version,
    about = "honbu (本部): the crisis desk's emergency headquarters"
)]
struct Cli {
    /// Database: sqlite://PATH (the default, embedded) or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, env = "HONBU_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    database: String,
    /// The journal's HMAC key, hex (else read from --key-file).
    #[arg(long, global = true, env = "HONBU_JOURNAL_KEY", hide_env_values = true)]
    journal_key: Option<String>,
    /// File holding the journal key; made on first start. Default: journal.key beside the SQLite file, or ./honbu-data/journal.key.
    #[arg(long, global = true, env = "HONBU_JOURNAL_KEY_FILE")]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and the JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "HONBU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the Lima 1996–97 scenario (once) and print a login.
        #[arg(long, env = "HONBU_DEMO")]
        demo: bool,
        /// Mark cookies Secure (when served behind TLS).
        #[arg(long, env = "HONBU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Connections one client address may hold at once (behind a
        /// reverse proxy every client has the proxy's address: raise it).
        #[arg(long, env = "HONBU_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 256)]
        max_connections_per_client: usize,
        /// The largest file that may be attached to a log entry, in MiB (1 to 512).
        #[arg(long, env = "HONBU_MAX_ATTACHMENT_MIB", default_value_t = 25)]
        max_attachment_mib: usize,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The hash-chained journal.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Lists of people: synthetic ones for tests and benchmarks.
    People {
        #[command(subcommand)]
        command: linking::PeopleCommand,
    },
    /// Link two CSV lists of people: print `left_id,right_id,probability`
    /// for each sure match, one-to-one.
    Link(linking::LinkArgs),
    /// Find the records of one CSV list that are one person: print `id,cluster_id`.
    Dedupe(linking::DedupeArgs),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input. Without --role
    /// the user has no rights until a headquarters takes them in.
    Add {
        name: String,
        /// admin, officer (may open incidents) or reader (sees every incident).
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Disable an account: its sessions, tokens and live streams stop at
    /// once, and it cannot sign in until enabled.
    Disable { name: String },
    /// Enable a disabled account.
    Enable { name: String },
    /// Set a password for user NAME, read from standard input; they must
    /// choose their own at their next sign-in, and their sessions end.
    Passwd { name: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token for user NAME and print it (only its hash is kept).
    Create {
        name: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Walk the chain; exit 1 naming the first entry changed, removed or reordered.
    Verify {
        /// Also prove the read-model tables are what the journal says
        /// (replayed in a transaction that is rolled back): exit 1 naming
        /// each table that differs and a row.
        #[arg(long)]
        read_models: bool,
    },
    /// Empty the read models and rebuild them from the journal, once the
    /// whole chain verifies (exit 1 naming the first bad entry otherwise).
    Rebuild {
        /// Rebuild from a journal that does not verify: the read models will
        /// show what it now holds, forged or cut short, and lose the rest.
        #[arg(long)]
        accept_broken_journal: bool,
    },
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HONBU_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("honbu: {e:#}");
            std::process::exit(2);
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    // Lists of people need no store.
    match &cli.command {
        Command::People { command } => return linking::people(command),
        Command::Link(args) => return linking::link(args),
        Command::Dedupe(args) => return linking::dedupe(args),
        _ => {}
    }
    let store = open_store(
        &cli.database,
        cli.journal_key.as_deref(),
        cli.key_file.as_deref(),
    )?;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            secure_cookies,
            max_connections_per_client,
            max_attachment_mib,
        } => serve(
            store,
            &listen,
            demo,
            secure_cookies,
            max_connections_per_client,
            max_attachment_mib,
        ),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    display_name,
                },
        } => {
            let password = read_password()?;
            accounts::check_password_strength(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = accounts::hash_password(&password)?;
            let now = honbu_domain::time::trunc(chrono::Utc::now());
            let (_, id) = store
                .write_blocking(|c| {
                    accounts::create_user(
                        c,
                        None,
                        now,
                        &name,
                        display_name.as_deref(),
                        hash,
                        role.as_deref(),
                        None,
                    )
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("user {name} created ({id})");
            Ok(0)
        }
        Command::User {
            command: UserCommand::Disable { name },
        } => {
            let now = honbu_domain::time::trunc(chrono::Utc::now());
            store
                .write_blocking(|c| accounts::disable_user(c, None, now, &name))
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            println!("user {name} disabled: every session, token and stream of theirs has stopped");
            Ok(0)
        }
        Command::User {
            command: UserCommand::Enable { name },
        } => {
            let now = honbu_domain::time::trunc(chrono::Utc::now());
            store
                .write_blocking(|c| accounts::enable_user(c, None, now, &name))
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            println!("user {name} enabled");
            Ok(0)
        }
        Command::User {
            command: UserCommand::Passwd { name },
        } => {
            let password = read_password()?;
            accounts::check_password_strength(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = accounts::hash_password(&password)?;
            let now = honbu_domain::time::trunc(chrono::Utc::now());
            store
                .write_blocking(|c| accounts::reset_password(c, None, now, &name, hash))
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            println!("password of {name} set: they must choose their own at their next sign-in");
            Ok(0)
        }
        Command::Token {
            command: TokenCommand::Create { name, label },
        } => {
            let now = honbu_domain::time::trunc(chrono::Utc::now());
            let r = honbu_domain::commands::CreateToken {
                name: label,
                user: Some(name),
            };
            let (_, (_, secret)) = store
                .write_blocking(|c| accounts::create_token(c, None, now, &r))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{secret}");
            Ok(0)
        }
        Command::Journal {
            command: JournalCommand::Verify { read_models },
        } => {
            let started = std::time::Instant::now();
            let tty = std::io::stderr().is_terminal();
            let verdict = store.verify_blocking(&mut |done, total| {
                if tty {
                    eprint!("\rverifying {done} of {total} events");
                }
            })?;
            if tty {
                eprintln!();
            }
            match verdict {
                Verdict::Intact { events, head } => {
                    println!(
                        "journal intact: {events} events, head {head} ({:.2} s)",
                        started.elapsed().as_secs_f64()
                    );
                    if !read_models {
                        return Ok(0);
                    }
                    let started = std::time::Instant::now();
                    match store.check_read_models_blocking()? {
                        None => {
                            println!(
                                "read models are what the journal says ({:.2} s)",
                                started.elapsed().as_secs_f64()
                            );
                            Ok(0)
                        }
                        Some(diff) => {
                            println!("read models DIFFER from the journal (`honbu journal rebuild` makes them what it says):\n{diff}");
                            Ok(1)
                        }
                    }
                }
                Verdict::Broken { seq, problem } => {
                    println!("journal BROKEN at entry {seq}: {problem}");
                    Ok(1)
                }
            }
        }
        Command::Journal {
            command: JournalCommand::Rebuild {
                accept_broken_journal,
            },
        } => {
            let rebuilt = if accept_broken_journal {
                store.rebuild_unverified_blocking()
            } else {
                store.rebuild_blocking()
            };
            match rebuilt {
                Ok(n) => {
                    println!("read models rebuilt from {n} events");
                    Ok(0)
                }
                Err(honbu_store::StoreError::JournalBroken(problem)) => {
                    eprintln!(
                        "honbu: refusing to rebuild: the journal does not verify at {problem}. \
                         Nothing was changed. Restore the database from a backup, or pass \
                         --accept-broken-journal to rebuild from the journal as it stands \
                         (the read models will then show its changed or missing entries as the record, \
                         and lose what only the missing entries held)."
                    );
                    Ok(1)
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::People { .. } | Command::Link(_) | Command::Dedupe(_) => Ok(0),
    }
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
        std::io::stderr().flush().ok();
        std::io::stdin().read_line(&mut s)?;
    } else {
        std::io::stdin().read_to_string(&mut s)?;
    }
    let s = s.trim_end_matches(['\n', '\r']).to_string();
    if s.is_empty() {
        bail!("no password on standard input");
    }
    Ok(s)
}

fn serve(
    store: honbu_store::Store,
    listen: &str,
    demo: bool,
    secure_cookies: bool,
    per_client: usize,
    attachment_mib: usize,
) -> anyhow::Result<i32> {
    let mut config = honbu_web::Config {
        secure_cookies,
        ..Default::default()
    };
    if per_client == 0 {
        anyhow::bail!("--max-connections-per-client must be at least 1");
    }
    // A file is held in memory while it is received and stored.
    if !(1..=512).contains(&attachment_mib) {
        anyhow::bail!("--max-attachment-mib must be from 1 to 512");
    }
    config.max_attachment_bytes = attachment_mib * 1024 * 1024;
    config.connections.per_client = per_client;
    let mut login = None;
    if demo {
        let incident = if honbu::demo::loaded(&store)? {
            None
        } else {
            eprintln!("loading the Lima 1996–97 scenario…");
            let tty = std::io::stderr().is_terminal();
            let loaded = honbu::demo::load(&store, &mut |n, total| {
                if tty && (n % 25 == 0 || n == total) {
                    eprint!("\r  step {n} of {total}");
                }
            })?;
            if tty {
                eprintln!();
            }
            eprintln!(
                "  {} log entries, {} journal events",
                loaded.entries, loaded.events
            );
            Some(loaded.incident)
        };
        let password = honbu::demo::demo_login(&store, incident)?;
        config.demo_note = Some(format!(
            "Demo: sign in as {} / {password}. Two incidents: the Lima 1996–97 seizure is the historical record, closed (read it); \"{}\" is live (try everything there).",
            honbu::demo::DEMO_USER,
            honbu::demo::EXERCISE_TITLE
        ));
        login = Some(password);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        println!(
            "honbu is serving at http://{addr}  (database: {})",
            store.describe()
        );
        if let Some(pw) = &login {
            println!("demo login: user {}  password {pw}", honbu::demo::DEMO_USER);
        }
        std::io::stdout().flush().ok();
        honbu_web::serve(listener, store, config, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, anyhow::Error>(0)
    })
}
