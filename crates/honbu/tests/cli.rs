//! The `honbu` binary as an operator uses it, and the Lima demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_domain::access::Principal;
use honbu_store::accounts;
use honbu_store::board;
use honbu_store::headquarters;
use honbu_store::journal::Verdict;
use honbu_store::schema;
use honbu_store::versions::At;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn honbu(db: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_honbu"))
        .args(args)
        .env("HONBU_DATABASE_URL", db)
        .env_remove("HONBU_JOURNAL_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A database of its own (removed when the test ends) and its URL.
fn temp_db() -> (honbu_testkit::TempDb, String) {
    let db = honbu_testkit::temp_db();
    let url = format!("sqlite://{}", db.display());
    (db, url)
}

#[test]
fn users_tokens_and_journal_from_the_command_line() {
    let (dir, db) = temp_db();
    let (code, out, err) = honbu(
        &db,
        &["user", "add", "kato", "--role", "admin"],
        "a long enough password\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        dir.dir().join("journal.key").exists(),
        "the journal key is made beside the database"
    );
    let (code, _, err) = honbu(&db, &["user", "add", "suzuki"], "another long password\n");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = honbu(&db, &["user", "add", "kato"], "a long enough password\n");
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = honbu(&db, &["user", "add", "weak"], "short\n");
    assert_ne!(code, 0);
    assert!(err.contains("password"), "{err}");
    let (code, _, err) = honbu(
        &db,
        &["user", "add", "kimura", "--role", "emperor"],
        "a long enough password\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("role"), "{err}");
    let (code, token, err) = honbu(&db, &["token", "create", "kato"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        token.trim().starts_with("honbu_") && token.trim().len() > 40,
        "{token}"
    );
    let (code, out, _) = honbu(&db, &["journal", "verify"], "");
    assert_eq!(code, 0);
    assert!(out.contains("journal intact"), "{out}");
    let (code, out, _) = honbu(&db, &["journal", "verify", "--read-models"], "");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("read models are what the journal says"),
        "{out}"
    );
    // A user's name edited in its table, behind the journal's back.
    let store = honbu::open_store(&db, None, None).unwrap();
    store
        .write_blocking(|c| {
            c.exec(
                "UPDATE users SET display_name = 'Someone else' WHERE username = 'kato'",
                &[],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    drop(store);
    let (code, out, _) = honbu(&db, &["journal", "verify", "--read-models"], "");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("read models DIFFER") && out.contains("users: 1 row(s)"),
        "{out}"
    );
    let (code, _, err) = honbu(&db, &["journal", "rebuild"], "");
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = honbu(&db, &["journal", "verify", "--read-models"], "");
    assert_eq!(code, 0, "rebuilt as the journal says: {out}");

    // Someone with the database in hand changes a stored event.
    let store = honbu::open_store(&db, None, None).unwrap();
    let target = store
        .read_blocking(|c| {
            c.query_one(
                "SELECT seq FROM journal WHERE kind = 'user_created' ORDER BY seq DESC LIMIT 1",
                &[],
            )
        })
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    store
        .write_blocking(move |c| {
            c.exec(
                "UPDATE journal SET payload = REPLACE(payload, 'suzuki', 'sasaki') WHERE seq = $1",
                &[honbu_store::sql::Value::Int(target)],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    drop(store);
    let (code, out, _) = honbu(&db, &["journal", "verify"], "");
    assert_eq!(code, 1);
    assert!(out.contains(&format!("BROKEN at entry {target}")), "{out}");
    // Rebuild refuses to put the forged name live, naming the entry, and
    // changes nothing; the operator may insist, knowing what it means.
    let names = |db: &str| {
        let store = honbu::open_store(db, None, None).unwrap();
        store
            .read_blocking(accounts::users)
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect::<Vec<_>>()
    };
    let (code, _, err) = honbu(&db, &["journal", "rebuild"], "");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "refusing to rebuild: the journal does not verify at entry {target}"
        )),
        "{err}"
    );
    assert!(err.contains("--accept-broken-journal"), "{err}");
    assert!(
        names(&db).contains(&"suzuki".to_string()),
        "nothing changed"
    );
    let (code, out, err) = honbu(&db, &["journal", "rebuild", "--accept-broken-journal"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rebuilt"), "{out}");
    assert!(names(&db).contains(&"sasaki".to_string()));
}

/// A file attached to an entry and then lost from the database (a restore
/// that missed it, a hand that deleted it): `journal verify` fails, naming
/// the attachment and the event that attached it.
#[test]
fn journal_verify_names_an_attached_file_that_is_missing() {
    let (_dir, db) = temp_db();
    let store = honbu::open_store(&db, None, None).unwrap();
    let w = honbu_testkit::contract::world(&store);
    let entry = honbu_testkit::contract::log_text(&store, w.incident, "Scanned list");
    let added = honbu_testkit::contract::run(
        &store,
        "mofa.head",
        honbu_testkit::contract::t0(),
        |c, ctx| {
            honbu_store::attachments::add_attachment(
                c,
                ctx,
                entry,
                honbu_domain::attachments::NewAttachment {
                    name: "名簿.pdf".into(),
                    content_type: Some("application/pdf".into()),
                    data: b"%PDF-1.4\0".to_vec(),
                },
            )
        },
    )
    .unwrap();
    let at = store.read_blocking(honbu_store::journal::last_seq).unwrap();
    drop(store);
    let (code, out, _) = honbu(&db, &["journal", "verify"], "");
    assert_eq!(code, 0, "{out}");
    let store = honbu::open_store(&db, None, None).unwrap();
    store
        .write_blocking(|c| {
            c.exec("DELETE FROM attachment_blobs", &[])?;
            Ok((vec![], ()))
        })
        .unwrap();
    drop(store);
    let (code, out, _) = honbu(&db, &["journal", "verify"], "");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("BROKEN at entry {at}: attachment {}", added.id))
            && out.contains("名簿.pdf")
            && out.contains("missing"),
        "{out}"
    );
}

/// The operator disables and enables an account and sets a password the
/// user must replace, from the command line; mistakes exit non-zero naming
/// what is wrong.
#[test]
fn accounts_are_disabled_enabled_and_given_a_password_from_the_command_line() {
    let (_dir, db) = temp_db();
    let (code, _, err) = honbu(&db, &["user", "add", "suzuki"], "a long enough password\n");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = honbu(&db, &["user", "disable", "suzuki"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("suzuki disabled"), "{out}");
    let (code, _, err) = honbu(&db, &["user", "disable", "suzuki"], "");
    assert_ne!(code, 0);
    assert!(err.contains("already disabled"), "{err}");
    let (code, _, err) = honbu(&db, &["user", "disable", "nobody"], "");
    assert_ne!(code, 0);
    assert!(err.contains("nobody"), "{err}");
    let disabled = |db: &str| {
        let store = honbu::open_store(db, None, None).unwrap();
        let l = store
            .read_blocking(|c| accounts::user_by_name(c, "suzuki"))
            .unwrap()
            .unwrap();
        (l.user.disabled_at.is_some(), l.must_change, l.password_hash)
    };
    assert!(disabled(&db).0);
    let (code, _, err) = honbu(&db, &["user", "enable", "suzuki"], "");
    assert_eq!(code, 0, "{err}");
    assert!(!disabled(&db).0);

    let (code, _, err) = honbu(&db, &["user", "passwd", "suzuki"], "short\n");
    assert_ne!(code, 0);
    assert!(err.contains("password"), "{err}");
    let (code, out, err) = honbu(
        &db,
        &["user", "passwd", "suzuki"],
        "a temporary passphrase\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("must choose their own"), "{out}");
    let (_, must_change, hash) = disabled(&db);
    assert!(must_change && accounts::verify_password("a temporary passphrase", &hash));
}

#[test]
fn a_written_journal_without_its_key_is_refused() {
    let (dir, db) = temp_db();
    assert_eq!(
        honbu(&db, &["user", "add", "kato"], "a long enough password\n").0,
        0
    );
    std::fs::remove_file(dir.dir().join("journal.key")).unwrap();
    let (code, _, err) = honbu(&db, &["journal", "verify"], "");
    assert_eq!(code, 2);
    assert!(err.contains("key file") && err.contains("missing"), "{err}");
}

#[test]
fn lima_demo_loads_through_the_rules_and_reads_as_of_any_moment() {
    let (_dir, db) = temp_db();
    let store = honbu::open_store(&db, None, None).unwrap();
    let loaded = honbu::demo::load(&store, &mut |_, _| {}).unwrap();
    assert!(loaded.entries >= 60, "{} entries", loaded.entries);
    honbu::demo::demo_login(&store, Some(loaded.incident)).unwrap();
    let inc = loaded.incident;
    let demo: Principal = store
        .read_blocking(|c| {
            let l = accounts::user_by_name(c, honbu::demo::DEMO_USER)?.unwrap();
            Ok(accounts::principal(c, l.user.id)?.unwrap())
        })
        .unwrap();
    let now = chrono::Utc::now();
    let p = demo.clone();
    let (live, then, hqs) = store
        .read_blocking(move |c| {
            Ok((
                board::board(c, &p, inc, At::Now, now)?.unwrap(),
                board::board_as_of(c, &p, inc, now)?.unwrap(),
                headquarters::hq_details(c, inc, At::Now, now)?,
            ))
        })
        .unwrap();
    assert_eq!(live, then, "the live board equals the board read as of now");
    assert_eq!(hqs.len(), 3);
    // Beside the closed record, a live exercise where a new user's first
    // actions work.
    let p = demo.clone();
    let exercise = store
        .read_blocking(move |c| {
            Ok(honbu_store::incidents::incidents(c, &p, 100, 0)?
                .items
                .into_iter()
                .map(|s| s.incident)
                .find(|i| i.title == honbu::demo::EXERCISE_TITLE))
        })
        .unwrap()
        .expect("the exercise incident is there");
    assert!(!exercise.status.is_closed());
    let p = demo.clone();
    store
        .write_blocking(|c| {
            honbu_store::log::log_entry(
                c,
                &honbu_store::rules::Ctx { p: &p, now },
                exercise.id,
                &honbu_domain::commands::NewEntry {
                    text: "My first entry".into(),
                    ..Default::default()
                },
            )
        })
        .expect("a first entry in the exercise works");
    assert_eq!(
        live.incident.status,
        honbu_domain::vocab::IncidentStatus::Closed
    );
    // Seen: the SITREP for 22–24 April 1997 listed #95 ("Wire services
    // report that all hostages have been freed") as plain fact. Issued
    // today, it shows it corrected, and by which entry.
    let p = demo.clone();
    let (_, sitrep) = store
        .write_blocking(|c| {
            honbu_store::reports::issue_sitrep(
                c,
                &honbu_store::rules::Ctx { p: &p, now },
                inc,
                &honbu_domain::commands::IssueSitrep {
                    from: "1997-04-22T00:00:00-05:00".into(),
                    to: Some("1997-04-24T23:59:00-05:00".into()),
                    ..Default::default()
                },
            )
        })
        .expect("a SITREP of the record can be issued");
    let doc = store
        .read_blocking(move |c| honbu_store::reports::sitrep(c, sitrep, At::Now))
        .unwrap()
        .unwrap()
        .document;
    let wire = doc["significant"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Wire services report that all hostages"))
        })
        .unwrap_or_else(|| panic!("#95 is in the period: {doc}"));
    assert!(!wire["superseded_by"].is_null(), "{wire}");
    assert!(wire["superseded_by_number"].as_i64().is_some(), "{wire}");
    // Closed at the end of June 1997, the demo reads as a finished crisis
    // today: nothing overdue, no headquarters flagged short of staff.
    assert_eq!(
        (
            live.counts.overdue_tasks,
            live.counts.reports_overdue,
            live.counts.hqs_without_duty
        ),
        (0, 0, 0),
        "{:?}",
        live.tasks
    );
    // "What did we know at 03:00 on 19 December?"
    let at = honbu_domain::time::parse_time("at", "1996-12-19T03:00:00+09:00").unwrap();
    let p = demo.clone();
    let then = store
        .read_blocking(move |c| board::board_as_of(c, &p, inc, at))
        .unwrap()
        .unwrap();
    assert_eq!(
        then.incident.status,
        honbu_domain::vocab::IncidentStatus::Active
    );
    assert!(
        then.counts.entries > 5 && then.counts.entries < live.counts.entries,
        "{} then, {} now",
        then.counts.entries,
        live.counts.entries
    );
    assert_eq!(
        then.hqs.len(),
        2,
        "the local HQ in Lima was set up on the 20th"
    );
    assert!(then.recent.iter().all(|e| e.entered_at <= at));
    // The hostages: three lists reconciled, one record waiting in review;
    // 72 held by mid-January; at the end 71 freed, 24 of them Japanese, and
    // one dead.
    let p = demo.clone();
    let (lists, queue, now, january, freed_jp) = store
        .read_blocking(move |c| {
            let jan = honbu_domain::time::parse_time("at", "1997-01-15T00:00:00+09:00").unwrap();
            let jan = honbu_store::versions::At::of_time(c, inc, &jan)?;
            let all = honbu_store::people::persons(
                c,
                &p,
                inc,
                honbu_store::versions::At::Now,
                &Default::default(),
                1000,
                0,
            )?;
            let held_in_january: std::collections::HashSet<_> =
                honbu_store::people::persons(c, &p, inc, jan, &Default::default(), 1000, 0)?
                    .items
                    .into_iter()
                    .filter(|x| x.status == honbu_domain::vocab::PersonStatus::Hostage)
                    .map(|x| x.id)
                    .collect();
            let freed_jp = all
                .items
                .iter()
                .filter(|x| {
                    held_in_january.contains(&x.id)
                        && x.status == honbu_domain::vocab::PersonStatus::Released
                        && x.nationalities == ["JP"]
                })
                .count();
            Ok((
                honbu_store::people::lists::lists(c, &p, inc, honbu_store::versions::At::Now)?,
                honbu_store::people::lists::review_queue(
                    c,
                    &p,
                    inc,
                    honbu_store::versions::At::Now,
                )?,
                honbu_store::people::accountability(c, &p, inc, honbu_store::versions::At::Now)?,
                honbu_store::people::accountability(c, &p, inc, jan)?,
                freed_jp,
            ))
        })
        .unwrap();
    assert_eq!(
        lists.len(),
        3,
        "the host government's, the companies', the Embassy's"
    );
    assert!(!queue.is_empty(), "a record waits for an officer");
    assert_eq!((january.unaccounted, now.total), (72, 102));
    let count = |k: &str| {
        now.by_status
            .iter()
            .find(|c| c.key == k)
            .map_or(0, |c| c.count)
    };
    assert_eq!((count("deceased"), freed_jp), (1, 24));
    assert!(matches!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Intact { .. }
    ));
    let before = store.read_blocking(schema::dump_read_models).unwrap();
    store.rebuild_blocking().unwrap();
    let after = store.read_blocking(schema::dump_read_models).unwrap();
    if let Some(d) = schema::differences(&before, &after) {
        panic!("the rebuild differs: {}", &d[..d.len().min(3000)]);
    }
}

/// `honbu serve` with `args` on the database URL `db`, its stderr piped
/// when `log` (at level warn): the child, the address it serves at, and the
/// rest of what it prints.
fn serve(
    db: &str,
    args: &[&str],
    log: bool,
) -> (
    std::process::Child,
    String,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_honbu"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("HONBU_DATABASE_URL", db)
        .env("HONBU_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(if log { Stdio::piped() } else { Stdio::null() })
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let serving = lines.next().unwrap().unwrap();
    let addr = serving
        .split("http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    (child, addr, lines)
}

/// The whole answer to `GET path` (HTTP/1.0) on a connection of its own.
fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let _ = s.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes());
    let mut r = String::new();
    let _ = std::io::Read::read_to_string(&mut s, &mut r);
    r
}

#[test]
fn serve_demo_prints_a_login_that_works() {
    let (_dir, db) = temp_db();
    let (mut child, addr, mut lines) = serve(&db, &["--demo"], false);
    let login = lines.next().unwrap().unwrap();
    let password = login.split("password ").nth(1).unwrap().trim().to_string();
    assert!(login.contains("user demo"), "{login}");
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.0 200"));
    // The sign-in page says which incident is the record and which the
    // place to try things.
    let login_page = http_get(&addr, "/login");
    assert!(
        login_page.contains("historical record, closed")
            && login_page.contains(honbu::demo::EXERCISE_TITLE)
            && login_page.contains("is live (try everything there)"),
        "{login_page}"
    );
    // The printed password signs in (checked against the store's hash).
    let store = honbu::open_store(&db, None, None).unwrap();
    let hash = store
        .read_blocking(|c| accounts::user_by_name(c, "demo"))
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(honbu_store::accounts::verify_password(&password, &hash));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Seen: 20,000 idle connections exhausted the server with nothing logged.
/// A client past its share of connections is refused, the server says so
/// in its log (with the count and the address), and others are served.
#[test]
fn a_connection_limit_hit_is_logged_and_the_server_goes_on() {
    let (_dir, db) = temp_db();
    let (mut child, addr, _) = serve(&db, &["--max-connections-per-client", "2"], true);
    // Two idle connections hold this address's share; the third is refused.
    let held: Vec<std::net::TcpStream> = (0..2)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let got = http_get(&addr, "/healthz");
    assert!(!got.starts_with("HTTP/1.0 200"), "refused: {got}");
    drop(held);
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Its share free again, the same client is served.
    let ok = http_get(&addr, "/healthz");
    assert!(ok.starts_with("HTTP/1.0 200"), "{ok}");
    child.kill().unwrap();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
    child.wait().unwrap();
    assert!(
        log.contains("connection limit: refused: this client holds its share")
            && log.contains("127.0.0.1"),
        "the refusal is logged: {log}"
    );
}

// --- lists of people: generate, link, dedupe

/// Pairs (a < b) of ids that a file of `id,cluster_id` puts in one cluster.
fn cluster_pairs(csv: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in csv.lines().skip(1) {
        let (id, c) = line.split_once(',').unwrap();
        by.entry(c.to_string()).or_default().push(id.to_string());
    }
    let mut out = std::collections::BTreeSet::new();
    for mut ids in by.into_values() {
        ids.sort();
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                out.insert((ids[i].clone(), ids[j].clone()));
            }
        }
    }
    out
}

#[test]
fn people_are_generated_deduplicated_and_linked_from_the_command_line() {
    let dir = honbu_testkit::temp_dir("linkage");
    let p = |name: &str| dir.path().join(name).display().to_string();
    // One file with duplicates, and its truth.
    let (code, list, err) = honbu(
        "",
        &[
            "people",
            "generate",
            "--count",
            "3000",
            "--seed",
            "4",
            "--truth",
            &p("truth.csv"),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(list.starts_with("id,given_name,family_name,full_name,native_name,date_of_birth"));
    assert_eq!(list.lines().count(), 3001);
    std::fs::write(p("list.csv"), &list).unwrap();
    let (code, again, _) = honbu(
        "",
        &["people", "generate", "--count", "3000", "--seed", "4"],
        "",
    );
    assert_eq!(
        (code, again == list),
        (0, true),
        "seeded: the same file again"
    );
    let (code, out, err) = honbu("", &["dedupe", &p("list.csv")], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("id,cluster_id\n"));
    assert_eq!(out.lines().count(), 3001);
    let found = cluster_pairs(&out);
    let truth = cluster_pairs(&std::fs::read_to_string(p("truth.csv")).unwrap());
    let right = found.intersection(&truth).count();
    assert!(
        right as f64 > 0.95 * found.len() as f64,
        "precision: {right} of {}",
        found.len()
    );
    assert!(
        right as f64 > 0.9 * truth.len() as f64,
        "recall: {right} of {}",
        truth.len()
    );

    // A register and a list, linked one-to-one.
    let (code, register, err) = honbu(
        "",
        &[
            "people",
            "generate",
            "--count",
            "2000",
            "--list",
            "1500",
            "--list-file",
            &p("incoming.csv"),
            "--truth",
            &p("link-truth.csv"),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(p("register.csv"), &register).unwrap();
    let (code, out, err) = honbu("", &["link", &p("incoming.csv"), &p("register.csv")], "");
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("left_id,right_id,probability"));
    let truth: std::collections::BTreeMap<String, String> =
        std::fs::read_to_string(p("link-truth.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let (a, b) = l.split_once(',').unwrap();
                (a.to_string(), b.to_string())
            })
            .collect();
    let (mut lefts, mut rights, mut right, mut n) = (
        std::collections::BTreeSet::new(),
        std::collections::BTreeSet::new(),
        0,
        0,
    );
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert!(
            lefts.insert(f[0].to_string()) && rights.insert(f[1].to_string()),
            "one-to-one: {l}"
        );
        assert!(f[2].parse::<f64>().unwrap() >= 0.9);
        n += 1;
        if truth[f[0]] == truth[f[1]] {
            right += 1;
        }
    }
    assert!(n > 1000 && right as f64 > 0.97 * n as f64, "{right} of {n}");
}

#[test]
fn link_reads_the_febrl_columns() {
    let dir = honbu_testkit::temp_dir("febrl");
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let header = "rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id\n";
    let left = [
        "rec-1-org,michaela,neumann,8,stanley street,miami,winston hills,4223,nsw,19151111,5304218",
        "rec-2-org,courtney,painter,12,pinkerton circuit,bega flats,richlands,4560,vic,19161214,4066625",
        "rec-3-org,charles,green,38,salkauskas crescent,kela,dapto,4566,nsw,19480930,4365168",
        "rec-4-org,vanessa,parr,905,macquoid place,broadbridge manor,south grafton,2135,sa,19951119,9239102",
        "rec-5-org,mikayla,malloney,37,randwick road,avalind,hoppers crossing,4552,vic,19860208,7207688",
    ];
    let right = [
        "rec-1-dup-0,michaela,neumann,8,stanley street,miami,winston hills,4223,nsw,19151111,5304218",
        "rec-2-dup-0,courtney,paintr,12,pinkerton circuit,bega flats,richlands,4560,vic,19161214,4066625",
        "rec-3-dup-0,green,charles,38,salkauskas cr,kela,dapto,4566,nsw,19480930,4365168",
        "rec-9-org,liam,healy,16,leichhardt street,,bellbird,2326,nsw,19700613,1002383",
        "rec-8-org,jessica,nguyen,4,broughton street,,kaleen,2617,act,19820302,8827361",
    ];
    std::fs::write(&a, format!("{header}{}\n", left.join("\n"))).unwrap();
    std::fs::write(&b, format!("{header}{}\n", right.join("\n"))).unwrap();
    let (code, out, err) = honbu("", &["link", a.to_str().unwrap(), b.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    let pairs: Vec<(String, String)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    for (x, y) in [
        ("rec-1-org", "rec-1-dup-0"),
        ("rec-2-org", "rec-2-dup-0"),
        ("rec-3-org", "rec-3-dup-0"),
    ] {
        assert!(
            pairs.contains(&(x.to_string(), y.to_string())),
            "{x} {y}: {out}"
        );
    }
    assert_eq!(pairs.len(), 3, "{out}");
}

#[test]
fn bad_lists_are_refused_naming_the_file_line_and_field() {
    let dir = honbu_testkit::temp_dir("badlists");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let good = write("good.csv", "id,given_name,family_name\n1,Taro,Tanaka\n");
    let cases = [
        (
            "no-id.csv",
            "name,date_of_birth\nTaro Tanaka,1970-01-01\n",
            vec!["no-id.csv", "line 1", "no id column"],
        ),
        (
            "short-row.csv",
            "id,given_name,family_name,date_of_birth\n1,Taro,Tanaka,1970-01-01\n2,Jiro,Tanaka\n",
            vec![
                "short-row.csv",
                "line 3",
                "date_of_birth",
                "3 fields where the header has 4",
            ],
        ),
        (
            "long-row.csv",
            "id,given_name\n1,Taro,Tanaka\n",
            vec!["long-row.csv", "line 2", "3 fields where the header has 2"],
        ),
        (
            "empty-id.csv",
            "id,given_name\n,Taro\n",
            vec!["empty-id.csv", "line 2", "field id is empty"],
        ),
        (
            "twice.csv",
            "id,given_name\n7,Taro\n7,Jiro\n",
            vec!["twice.csv", "line 3", "field id", "already used"],
        ),
    ];
    for (name, text, expect) in cases {
        let path = write(name, text);
        for args in [
            vec!["dedupe", path.as_str()],
            vec!["link", path.as_str(), good.as_str()],
        ] {
            let (code, out, err) = honbu("", &args, "");
            assert_ne!(code, 0, "{name}: {out}");
            assert!(!err.contains("panicked"), "{err}");
            for e in &expect {
                assert!(err.contains(e), "{name}: `{e}` in {err}");
            }
        }
    }
    let (code, _, err) = honbu("", &["dedupe", "/nonexistent/list.csv"], "");
    assert_ne!(code, 0);
    assert!(err.contains("/nonexistent/list.csv"), "{err}");
    // --id names a column that is not there.
    let (code, _, err) = honbu("", &["dedupe", &good, "--id", "rec_id"], "");
    assert_ne!(code, 0);
    assert!(err.contains("line 1") && err.contains("rec_id"), "{err}");
}
