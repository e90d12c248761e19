//! The contract every backend passes. Each backend's test binary expands
//! [`crate::contract_tests!`] with a function that makes a fresh, empty
//! store; every check then runs against that backend.
//!
//! The checks are written as users see the behaviour: what a member, a
//! reader and a stranger may see, what a correction does, what the journal
//! proves. They are split by feature like the store they check; this
//! module holds the small world they share.

use chrono::{Duration, TimeZone, Utc};
use honbu_domain::access::Principal;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::*;
use honbu_store::journal::Verdict;
use honbu_store::log::EntryQuery;
use honbu_store::rules::Ctx;
use honbu_store::versions::At;
use honbu_store::{Store, StoreError};
use std::sync::OnceLock;

mod incidents;
pub use incidents::*;
mod accounts;
pub use accounts::*;
mod headquarters;
pub use headquarters::*;
mod log;
pub use log::*;
mod attachments;
pub use attachments::*;
mod work;
pub use work::*;
mod reports;
pub use reports::*;
mod board;
pub use board::*;
mod journal;
pub use journal::*;
mod search;
pub use search::*;
mod moments;
pub use moments::*;
mod people;
pub use people::*;

/// Expands to one `#[test]` per contract check, each on a fresh store from
/// `$make`, a function returning `Option<S>` where `S` derefs to a
/// [`Store`] (a [`crate::TempStore`], or a store on a database of its own).
#[macro_export]
macro_rules! contract_tests {
    ($make:path) => {
        $crate::contract_tests!(@each $make;
            // incidents
            stranger_is_told_incident_does_not_exist,
            a_closed_incident_stops_its_clock,
            analyst_cannot_record_decisions_or_change_status,
            // accounts
            passwords_stay_out_of_the_journal_and_survive_a_rebuild,
            security_events_are_recorded,
            each_role_may_do_exactly_what_its_capabilities_allow,
            a_disabled_account_acts_as_no_one_until_enabled,
            a_password_set_by_an_administrator_must_be_replaced,
            // headquarters
            duty_roster_flags_headquarters_with_no_one_on_duty,
            // log
            release_markings_decide_who_reads_an_entry,
            entry_with_only_text_takes_defaults,
            correction_supersedes_and_both_stay_visible,
            supersede_of_another_incidents_entry_is_refused_and_nothing_written,
            a_reference_to_a_hidden_entry_answers_as_one_to_no_entry,
            a_correction_reaches_everyone_who_read_what_it_corrects,
            bad_grades_and_times_are_refused_naming_the_field,
            lists_page_with_cursor_and_total,
            // attachments
            an_attachment_reads_back_byte_for_byte_and_the_same_file_is_kept_once,
            an_attachment_is_read_and_added_by_exactly_who_reads_its_entry,
            a_bad_attachment_is_refused_naming_the_field,
            journal_verify_names_an_attachment_whose_file_changed_or_went,
            a_rebuild_keeps_the_files_and_their_attachments,
            // search
            the_log_is_searched_in_any_script_and_by_its_columns,
            a_common_word_is_counted_to_the_cap_and_paged_through_whole,
            decisions_are_searched_by_their_words,
            search_words_split_at_spaces_and_keep_quoted_phrases,
            // work
            overdue_tasks_come_first_and_missed_reports_show,
            a_decision_resting_on_an_hq_only_entry_is_read_by_that_hq_only,
            // reports
            handover_brief_covers_changes_since_last_acknowledged_one,
            sitreps_are_numbered_per_incident,
            // board
            live_board_equals_the_board_as_of_now,
            significant_entries_are_listed_by_when_they_occurred,
            board_as_of_a_past_moment_shows_what_was_known_then,
            // people
            a_persons_status_follows_its_reports_by_the_precedence_rules,
            a_stranger_learns_nothing_of_the_register_and_a_reader_no_names,
            passport_numbers_and_contacts_are_whole_only_for_roles_that_need_them,
            erased_personal_data_is_gone_from_the_database_and_the_journal_still_verifies,
            journal_verify_names_personal_data_changed_or_missing_without_erasure,
            the_accountability_board_counts_people_and_lists_the_unaccounted_oldest_first,
            briefs_and_sitreps_count_the_people_and_the_journal_keeps_no_name,
            a_list_is_matched_to_the_register_linking_creating_and_queueing_for_review,
            pfif_documents_from_person_finder_are_imported_as_their_sources_say,
            a_consular_list_gives_people_their_passport_spelling,
            // moments
            every_page_as_of_any_moment_equals_the_journal_replayed_to_it,
            a_changed_row_reads_as_it_was_before_the_change,
            // journal
            a_database_failure_keeps_the_drivers_error_as_its_source,
            journal_verifies_and_names_the_changed_entry,
            journal_names_a_removed_or_reordered_entry,
            a_cut_journal_is_not_sealed_again_by_the_next_write,
            a_write_refuses_a_journal_cut_or_extended_behind_its_head,
            rebuilt_read_models_equal_the_live_ones,
            the_read_model_check_finds_a_row_edited_behind_the_journal,
            live_subscribers_receive_committed_events,
        );
    };
    (@each $make:path; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                // `None`: the backend is not configured here (never under CI).
                let Some(store) = $make() else { return };
                $crate::contract::$name(&store);
            }
        )*
    };
}

pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(1996, 12, 18, 0, 40, 0)
        .single()
        .unwrap()
}

fn pw_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| honbu_store::accounts::hash_password("correct horse battery").unwrap())
        .clone()
}

/// A small world: an incident with two HQs (MOFA in Tokyo, local in Lima),
/// a member of each, a global reader, an officer and a stranger.
pub struct World {
    pub store: Store,
    pub incident: IncidentId,
    pub mofa: HqId,
    pub lima: HqId,
}

pub fn user(store: &Store, name: &str, role: Option<&str>) -> UserId {
    let hash = pw_hash();
    store
        .write_blocking(|c| {
            honbu_store::accounts::create_user(
                c,
                None,
                t0(),
                name,
                Some(&format!("{name} (test)")),
                hash,
                role,
                None,
            )
        })
        .unwrap()
        .1
}

pub fn principal(store: &Store, name: &str) -> Principal {
    let name = name.to_string();
    store
        .read_blocking(move |c| {
            let l = honbu_store::accounts::user_by_name(c, &name)?.ok_or(StoreError::NotFound)?;
            honbu_store::accounts::principal(c, l.user.id)?.ok_or(StoreError::NotFound)
        })
        .unwrap()
}

/// Runs a command as `who` at `now`.
pub fn run<T>(
    store: &Store,
    who: &str,
    now: Timestamp,
    f: impl FnOnce(
        &mut dyn honbu_store::sql::Conn,
        &Ctx,
    ) -> honbu_store::Result<(Vec<honbu_domain::events::Event>, T)>,
) -> honbu_store::Result<T> {
    let p = principal(store, who);
    store
        .write_blocking(|c| f(c, &Ctx { p: &p, now }))
        .map(|(_, t)| t)
}

pub fn world(store: &Store) -> World {
    user(store, "admin", Some("admin"));
    user(store, "officer", Some("officer"));
    user(store, "reader", Some("reader"));
    user(store, "stranger", None);
    user(store, "mofa.head", None);
    user(store, "lima.analyst", None);
    let open = OpenIncident {
        kind: "hostage_taking".into(),
        title: "Seizure of the Ambassador's Residence, Lima".into(),
        country: "PE".into(),
        lat: -12.0975,
        lon: -77.037,
        area: Some(honbu_domain::geo::AreaInput {
            radius_m: Some(400.0),
            kind: None,
            coordinates: None,
        }),
        severity: Some("extreme".into()),
        time_zone: "America/Lima".into(),
        summary: Some("Reception guests held.".into()),
        hqs: vec![
            NewHq {
                name: "MOFA Emergency HQ".into(),
                kind: Some("ministry".into()),
                time_zone: "Asia/Tokyo".into(),
                report_every_minutes: None,
                head: Some("mofa.head".into()),
            },
            NewHq {
                name: "Local HQ Lima".into(),
                kind: Some("local".into()),
                time_zone: "America/Lima".into(),
                report_every_minutes: Some(120),
                head: Some("officer".into()),
            },
        ],
    };
    let incident = run(store, "officer", t0(), |c, ctx| {
        honbu_store::incidents::open_incident(c, ctx, &open)
    })
    .unwrap();
    let p = principal(store, "officer");
    let mut hqs = p.hqs_in(incident);
    hqs.sort();
    let details = store
        .read_blocking(move |c| honbu_store::headquarters::hq_details(c, incident, At::Now, t0()))
        .unwrap();
    let mofa = details
        .iter()
        .find(|h| h.hq.name.starts_with("MOFA"))
        .unwrap()
        .hq
        .id;
    let lima = details
        .iter()
        .find(|h| h.hq.name.starts_with("Local"))
        .unwrap()
        .hq
        .id;
    run(store, "officer", t0(), |c, ctx| {
        honbu_store::headquarters::add_member(
            c,
            ctx,
            lima,
            &AddMember {
                user: "lima.analyst".into(),
                role: "analyst".into(),
            },
        )
    })
    .unwrap();
    World {
        store: store.clone(),
        incident,
        mofa,
        lima,
    }
}

fn entry(w: &World, who: &str, at: Timestamp, e: NewEntry) -> honbu_store::Result<EntryId> {
    run(&w.store, who, at, |c, ctx| {
        honbu_store::log::log_entry(c, ctx, w.incident, &e)
    })
}

/// Logs a text entry in `incident` as the MOFA head at [`t0`] (for tests and
/// benchmarks outside the contract that need entries in the world's incident).
pub fn log_text(store: &Store, incident: IncidentId, text: &str) -> EntryId {
    run(store, "mofa.head", t0(), |c, ctx| {
        honbu_store::log::log_entry(c, ctx, incident, &text_entry(text))
    })
    .unwrap()
}

fn text_entry(text: &str) -> NewEntry {
    NewEntry {
        text: text.into(),
        ..Default::default()
    }
}

fn seq(store: &Store) -> i64 {
    store.read_blocking(honbu_store::journal::last_seq).unwrap()
}

fn board(w: &World, who: &str, at: Timestamp) -> Option<honbu_domain::board::Board> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| honbu_store::board::board(c, &p, id, At::Now, at))
        .unwrap()
}

fn board_as_of(w: &World, who: &str, at: Timestamp) -> Option<honbu_domain::board::Board> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| honbu_store::board::board_as_of(c, &p, id, at))
        .unwrap()
}

fn entries(w: &World, who: &str) -> Vec<honbu_domain::board::EntryView> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| {
            honbu_store::log::entries(
                c,
                &p,
                id,
                At::Now,
                &EntryQuery {
                    limit: 1000,
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .items
}

fn busy_world(store: &Store) -> World {
    let w = world(store);
    let s = run(store, "officer", t0(), |c, ctx| {
        honbu_store::log::register_source(
            c,
            ctx,
            &RegisterSource {
                name: "Embassy cables".into(),
                kind: "embassy".into(),
                reliability: "B".into(),
            },
        )
    })
    .unwrap();
    // Each author corrects now and then the last entry they wrote (an entry
    // of the other HQ may be hidden from them, and then is not theirs to name).
    let mut last: std::collections::HashMap<&str, EntryId> = Default::default();
    for i in 0..30 {
        let at = t0() + Duration::minutes(10 * i);
        let who = if i % 2 == 0 {
            "mofa.head"
        } else {
            "lima.analyst"
        };
        let supersedes = if i % 7 == 6 {
            last.get(who).copied()
        } else {
            None
        };
        let e = NewEntry {
            source: (i % 3 == 0).then_some(s),
            credibility: Some(serde_json::json!(1 + i % 6)),
            significant: Some(i % 4 == 0),
            // A correction takes the marking of what it corrects.
            release: supersedes
                .is_none()
                .then(|| if i % 5 == 0 { "hq" } else { "incident" }.into()),
            supersedes,
            ..text_entry(&format!("entry {i}"))
        };
        last.insert(who, entry(&w, who, at, e).unwrap());
    }
    let (inc, mofa, lima) = (w.incident, w.mofa, w.lima);
    run(store, "mofa.head", t0() + Duration::hours(2), |c, ctx| {
        honbu_store::work::assign_task(
            c,
            ctx,
            inc,
            &AssignTask {
                title: "Charter flight".into(),
                owner: "JAL desk".into(),
                due_at: Some("1996-12-18T03:00:00Z".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let t2 = run(store, "mofa.head", t0() + Duration::hours(2), |c, ctx| {
        honbu_store::work::assign_task(
            c,
            ctx,
            inc,
            &AssignTask {
                title: "Family line".into(),
                owner: "Consular".into(),
                due_at: Some("1996-12-20T03:00:00Z".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        honbu_store::work::update_task(
            c,
            ctx,
            t2,
            &UpdateTask {
                status: "in_progress".into(),
                note: Some("staffed".into()),
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        honbu_store::work::record_decision(
            c,
            ctx,
            inc,
            &RecordDecision {
                title: "Peaceful resolution".into(),
                rationale: "Lives first".into(),
                options: vec!["wait".into(), "act".into()],
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        honbu_store::headquarters::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap();
    run(store, "officer", t0() + Duration::hours(3), |c, ctx| {
        honbu_store::headquarters::file_report(
            c,
            ctx,
            lima,
            &FileReport {
                text: "All quiet".into(),
            },
        )
    })
    .unwrap();
    run(store, "officer", t0() + Duration::hours(4), |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "active".into(),
                reason: "confirmed".into(),
            },
        )
    })
    .unwrap();
    w
}
