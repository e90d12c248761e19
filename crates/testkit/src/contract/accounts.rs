//! Accounts: passwords, the security record, what each role may do.

use super::*;
use honbu_store::rules;
use honbu_store::versions::At;

pub fn passwords_stay_out_of_the_journal_and_survive_a_rebuild(store: &Store) {
    world(store);
    let p = principal(store, "mofa.head");
    let hash = honbu_store::accounts::hash_password("a new and longer passphrase").unwrap();
    store
        .write_blocking(|c| {
            honbu_store::accounts::change_password(c, &rules::Ctx { p: &p, now: t0() }, hash)
        })
        .unwrap();
    let payloads: Vec<String> = store
        .read_blocking(|c| c.query("SELECT payload FROM journal", &[]))
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    assert!(payloads.iter().any(|p| p.contains("password_changed")));
    assert!(
        payloads.iter().all(|p| !p.contains("$argon2")),
        "no password hash is written to the journal"
    );
    store.rebuild_blocking().unwrap();
    let l = store
        .read_blocking(|c| honbu_store::accounts::user_by_name(c, "mofa.head"))
        .unwrap()
        .unwrap();
    assert!(
        honbu_store::accounts::verify_password("a new and longer passphrase", &l.password_hash),
        "the new password still signs in after a rebuild"
    );
}

fn sessions_of(store: &Store, user: honbu_domain::ids::UserId) -> i64 {
    store
        .read_blocking(move |c| {
            c.query_one(
                "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
                &[honbu_store::sql::t(user)],
            )
        })
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap()
}

fn user_id_of(store: &Store, name: &'static str) -> honbu_domain::ids::UserId {
    store
        .read_blocking(move |c| honbu_store::accounts::user_by_name(c, name))
        .unwrap()
        .unwrap()
        .user
        .id
}

/// A disabled account is no one: it has no principal (so no token, session
/// or stream of its acts), its sessions are gone, and it stays so through a
/// rebuild; enabled, it acts again. Only an administrator (or the operator
/// at the command line) may, and never on their own account.
pub fn a_disabled_account_acts_as_no_one_until_enabled(store: &Store) {
    use honbu_store::accounts::{disable_user, enable_user, open_session};
    world(store);
    let admin = principal(store, "admin");
    let head = principal(store, "mofa.head");
    let u = head.user;
    store.write_blocking(|c| open_session(c, u, t0())).unwrap();
    assert_eq!(sessions_of(store, u), 1);

    for who in ["mofa.head", "officer", "reader", "stranger"] {
        let p = principal(store, who);
        let r = store.write_blocking(|c| disable_user(c, Some(&p), t0(), "lima.analyst"));
        assert!(matches!(r, Err(StoreError::Forbidden(_))), "{who}: {r:?}");
    }
    let r = store.write_blocking(|c| disable_user(c, Some(&admin), t0(), "admin"));
    assert!(
        matches!(r, Err(StoreError::Conflict(_))),
        "not oneself: {r:?}"
    );
    let r = store.write_blocking(|c| disable_user(c, Some(&admin), t0(), "nobody"));
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");

    store
        .write_blocking(|c| disable_user(c, Some(&admin), t0(), "mofa.head"))
        .unwrap();
    let gone = move |c: &mut dyn honbu_store::sql::Conn| honbu_store::accounts::principal(c, u);
    assert_eq!(store.read_blocking(gone).unwrap(), None, "disabled: no one");
    assert_eq!(sessions_of(store, u), 0, "every session of theirs ended");
    let r = store.write_blocking(|c| disable_user(c, None, t0(), "mofa.head"));
    assert!(matches!(r, Err(StoreError::Conflict(_))), "already: {r:?}");
    store.rebuild_blocking().unwrap();
    assert_eq!(
        store.read_blocking(gone).unwrap(),
        None,
        "and after a rebuild"
    );

    store
        .write_blocking(|c| enable_user(c, None, t0(), "mofa.head"))
        .unwrap();
    assert_eq!(
        store
            .read_blocking(gone)
            .unwrap()
            .map(|p| p.memberships.len()),
        Some(1),
        "enabled, with the memberships it had"
    );
    let r = store.write_blocking(|c| enable_user(c, Some(&admin), t0(), "mofa.head"));
    assert!(
        matches!(r, Err(StoreError::Conflict(_))),
        "not disabled: {r:?}"
    );
}

/// A password an administrator sets must be replaced: the sign-in sees it
/// so, the user's sessions end, and their own new password clears it. The
/// journal records that it was set, never the hash.
pub fn a_password_set_by_an_administrator_must_be_replaced(store: &Store) {
    use honbu_store::accounts::{
        change_password, hash_password, must_change_password, open_session, reset_password,
        user_by_name, verify_password,
    };
    world(store);
    let admin = principal(store, "admin");
    let u = user_id_of(store, "lima.analyst");
    store.write_blocking(|c| open_session(c, u, t0())).unwrap();
    let p = principal(store, "officer");
    let hash = hash_password("a temporary passphrase").unwrap();
    let r =
        store.write_blocking(|c| reset_password(c, Some(&p), t0(), "lima.analyst", hash.clone()));
    assert!(matches!(r, Err(StoreError::Forbidden(_))), "{r:?}");
    let r = store.write_blocking(|c| reset_password(c, Some(&admin), t0(), "admin", hash.clone()));
    assert!(
        matches!(r, Err(StoreError::Conflict(_))),
        "not oneself: {r:?}"
    );
    store
        .write_blocking(|c| reset_password(c, Some(&admin), t0(), "lima.analyst", hash))
        .unwrap();
    let l = store
        .read_blocking(|c| user_by_name(c, "lima.analyst"))
        .unwrap()
        .unwrap();
    assert!(l.must_change && verify_password("a temporary passphrase", &l.password_hash));
    assert_eq!(sessions_of(store, u), 0, "their sessions ended");
    assert!(store
        .read_blocking(move |c| must_change_password(c, u))
        .unwrap());
    let journal: Vec<String> = store
        .read_blocking(|c| {
            c.query(
                "SELECT payload FROM journal WHERE kind = 'password_reset'",
                &[],
            )
        })
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    assert_eq!(journal.len(), 1);
    assert!(!journal[0].contains("$argon2"), "no hash in the journal");

    let me = principal(store, "lima.analyst");
    let own = hash_password("my very own passphrase").unwrap();
    store
        .write_blocking(|c| change_password(c, &rules::Ctx { p: &me, now: t0() }, own))
        .unwrap();
    assert!(!store
        .read_blocking(move |c| must_change_password(c, u))
        .unwrap());
}

pub fn security_events_are_recorded(store: &Store) {
    let w = world(store);
    let u = principal(store, "stranger").user;
    let now = t0();
    store
        .write_blocking(|c| honbu_store::accounts::open_session(c, u, now))
        .unwrap();
    store
        .append_blocking(honbu_store::accounts::login_failed(
            "stranger",
            "wrong password",
            0,
            now,
        ))
        .unwrap();
    let p = principal(store, "stranger");
    store
        .append_blocking(honbu_store::accounts::refused(
            Some(p.user),
            "GET",
            &format!("/incidents/{}", w.incident),
            12,
            now,
        ))
        .unwrap();
    let log = store
        .read_blocking(|c| honbu_store::accounts::security_log(c, 10, 0).map(|p| p.items))
        .unwrap();
    let kinds: Vec<&str> = log.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        &kinds[..3],
        &["access_refused", "login_failed", "login_succeeded"]
    );
    assert_eq!(log[0].username.as_deref(), Some("stranger"));
    assert!(
        log[0]
            .detail
            .ends_with("(and 12 more like it, counted, not recorded one by one)"),
        "a counted flood shows its count: {}",
        log[0].detail
    );
}

/// The access matrix: for every built-in role, every action is allowed
/// exactly when the role's capabilities say so; a reader, an officer who is
/// not a member and a stranger may do none of them.
pub fn each_role_may_do_exactly_what_its_capabilities_allow(store: &Store) {
    use honbu_domain::vocab::{Capability as C, RoleName, BUILTIN_ROLES};
    let w = world(store);
    let (inc, lima, mofa) = (w.incident, w.lima, w.mofa);
    let at = t0() + Duration::minutes(30);
    let mofa_entry = entry(
        &w,
        "mofa.head",
        at,
        NewEntry {
            hq: Some(mofa),
            release: Some("hq".into()),
            ..text_entry("held at MOFA")
        },
    )
    .unwrap();
    let lima_entry = entry(
        &w,
        "officer",
        at,
        NewEntry {
            hq: Some(lima),
            release: Some("hq".into()),
            ..text_entry("held in Lima")
        },
    )
    .unwrap();
    let person = super::people::record(&w, "officer", at, super::people::yamada()).unwrap();
    // What each action needs; `true` when it succeeded.
    let attempt = |who: &str, action: C| -> bool {
        let r = match action {
            C::LogWrite => run(store, who, at, |c, ctx| {
                honbu_store::log::log_entry(
                    c,
                    ctx,
                    inc,
                    &NewEntry {
                        hq: Some(lima),
                        ..text_entry("x")
                    },
                )
            })
            .map(|_| ()),
            C::LogRelease => run(store, who, at, |c, ctx| {
                honbu_store::log::release_entry(c, ctx, lima_entry, &ReleaseEntry { to_hq: mofa })
            })
            .map(|_| ()),
            C::IncidentManage => run(store, who, at, |c, ctx| {
                honbu_store::incidents::amend_incident(
                    c,
                    ctx,
                    inc,
                    &AmendIncident {
                        summary: Some("s".into()),
                        reason: "r".into(),
                        ..Default::default()
                    },
                )
            }),
            C::HqManage => run(store, who, at, |c, ctx| {
                honbu_store::headquarters::set_cadence(
                    c,
                    ctx,
                    lima,
                    &SetCadence {
                        every_minutes: Some(60),
                    },
                )
            }),
            C::DecisionRecord => run(store, who, at, |c, ctx| {
                honbu_store::work::record_decision(
                    c,
                    ctx,
                    inc,
                    &RecordDecision {
                        hq: Some(lima),
                        title: "d".into(),
                        rationale: "r".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
            C::TaskManage => run(store, who, at, |c, ctx| {
                honbu_store::work::assign_task(
                    c,
                    ctx,
                    inc,
                    &AssignTask {
                        hq: Some(lima),
                        title: "t".into(),
                        owner: "o".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
            C::ReportFile => run(store, who, at, |c, ctx| {
                honbu_store::headquarters::file_report(
                    c,
                    ctx,
                    lima,
                    &FileReport { text: "r".into() },
                )
            })
            .map(|_| ()),
            C::SitrepIssue => run(store, who, at, |c, ctx| {
                honbu_store::reports::issue_sitrep(
                    c,
                    ctx,
                    inc,
                    &IssueSitrep {
                        from: "1996-12-18T00:00:00Z".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
            C::PersonsManage => super::people::record(
                &w,
                who,
                at,
                NewPerson {
                    hq: Some(lima),
                    ..super::people::yamada()
                },
            )
            .map(|_| ()),
            C::PersonsIdentify => {
                match super::people::person_as(&w, who, person).map(|r| r.person.identifying) {
                    Some(true) => Ok(()),
                    _ => Err(StoreError::Forbidden("identify".into())),
                }
            }
            C::PersonalDataErase => {
                let p = super::people::record(&w, "officer", at, super::people::yamada()).unwrap();
                run(store, who, at, |c, ctx| {
                    honbu_store::people::erase_person(
                        c,
                        ctx,
                        p,
                        &ErasePerson {
                            basis: "request".into(),
                            reason: "asked".into(),
                        },
                    )
                })
                .map(|_| ())
            }
        };
        match r {
            Ok(()) => true,
            Err(StoreError::Forbidden(_)) | Err(StoreError::NotFound) => false,
            // A release already made is still proof the right was there.
            Err(StoreError::Conflict(_)) => true,
            Err(e) => panic!("{who} {action}: unexpected {e:?}"),
        }
    };
    for role in BUILTIN_ROLES {
        let name = format!("role.{role}");
        user(store, &name, None);
        let r = AddMember {
            user: name.clone(),
            role: role.to_string(),
        };
        run(store, "officer", at, |c, ctx| {
            honbu_store::headquarters::add_member(c, ctx, lima, &r)
        })
        .unwrap();
        let caps = RoleName::parse("role", role)
            .unwrap()
            .builtin_capabilities()
            .unwrap();
        for action in C::ALL {
            assert_eq!(
                attempt(&name, *action),
                caps.contains(action),
                "role {role}, action {action}"
            );
        }
        // Whatever the role, an entry kept to the other HQ stays unseen.
        let p = principal(store, &name);
        assert!(
            store
                .read_blocking(move |c| honbu_store::log::entry(c, &p, mofa_entry, At::Now))
                .unwrap()
                .is_none(),
            "{role} reads MOFA's HQ-only entry"
        );
    }
    // A role an administrator defines gives exactly what it lists.
    run(store, "admin", at, |c, ctx| {
        honbu_store::accounts::define_role(
            c,
            ctx,
            &DefineRole {
                name: "press_officer".into(),
                label: "Press".into(),
                capabilities: vec!["log_write".into(), "sitrep_issue".into()],
            },
        )
    })
    .unwrap();
    user(store, "lima.press", None);
    run(store, "officer", at, |c, ctx| {
        honbu_store::headquarters::add_member(
            c,
            ctx,
            lima,
            &AddMember {
                user: "lima.press".into(),
                role: "press_officer".into(),
            },
        )
    })
    .unwrap();
    for action in C::ALL {
        assert_eq!(
            attempt("lima.press", *action),
            matches!(action, C::LogWrite | C::SitrepIssue),
            "press_officer {action}"
        );
    }
    // No membership, no rights: the reader, a stranger, an officer of another incident.
    user(store, "officer2", Some("officer"));
    for who in ["reader", "stranger", "officer2"] {
        for action in C::ALL {
            assert!(!attempt(who, *action), "{who} may {action}");
        }
    }
}
