//! Searching the log and the decisions: words in any script, the columns an
//! officer narrows by, and never a word of what the reader may not see.

use super::*;
use honbu_store::log::{words, Filter};

fn search(w: &World, who: &str, at: At, f: Filter) -> Vec<String> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| {
            honbu_store::log::entries(
                c,
                &p,
                id,
                at,
                &EntryQuery {
                    limit: 1000,
                    filter: f,
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.text)
        .collect()
}

fn find(w: &World, who: &str, typed: &str) -> Vec<String> {
    search(
        w,
        who,
        At::Now,
        Filter {
            words: words(typed),
            ..Default::default()
        },
    )
}

pub fn the_log_is_searched_in_any_script_and_by_its_columns(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(5);
    let e = |who: &str, text: &str, more: NewEntry| {
        entry(
            &w,
            who,
            at,
            NewEntry {
                text: text.into(),
                ..more
            },
        )
        .unwrap()
    };
    e(
        "mofa.head",
        "人質のうち女性と高齢者が解放された",
        NewEntry::default(),
    );
    e(
        "mofa.head",
        "Ambassador Aoki remains inside; Archbishop Cipriani entered the residence",
        NewEntry {
            category: Some("communication".into()),
            credibility: Some(serde_json::json!(2)),
            occurred_at: Some((t0() + Duration::minutes(1)).to_rfc3339()),
            ..Default::default()
        },
    );
    e(
        "mofa.head",
        "MOFA internal: 人質 family liaison plan",
        NewEntry {
            release: Some("hq".into()),
            ..Default::default()
        },
    );
    e(
        "lima.analyst",
        "Water and food taken in by the ICRC at 50% of the need",
        NewEntry {
            hq: Some(w.lima),
            significant: Some(true),
            ..Default::default()
        },
    );
    e(
        "lima.analyst",
        "Power cut at the residence",
        NewEntry {
            hq: Some(w.lima),
            ..Default::default()
        },
    );

    // Japanese has no spaces between words: a word of two letters and a
    // longer run are both found inside the sentence.
    assert_eq!(find(&w, "mofa.head", "人質").len(), 2);
    assert_eq!(
        find(&w, "mofa.head", "高齢者が解放"),
        vec!["人質のうち女性と高齢者が解放された"]
    );
    // Latin letters in any case; every word must be there; a phrase in
    // quotes is found whole.
    assert_eq!(find(&w, "mofa.head", "cipriani").len(), 1);
    assert_eq!(find(&w, "mofa.head", "CIPRIANI aoki").len(), 1);
    assert_eq!(find(&w, "mofa.head", "cipriani water").len(), 0);
    assert_eq!(find(&w, "mofa.head", "residence").len(), 2);
    assert_eq!(find(&w, "mofa.head", "\"at the residence\"").len(), 1);
    // LIKE's own signs stand for themselves.
    assert_eq!(find(&w, "mofa.head", "50%").len(), 1);
    assert_eq!(find(&w, "mofa.head", "%").len(), 1);
    assert_eq!(find(&w, "mofa.head", "_").len(), 0);
    assert_eq!(find(&w, "mofa.head", "nothing-like-this").len(), 0);

    // Need-to-know: the HQ-only entry is found by its HQ and by no one else;
    // the stranger finds nothing at all.
    assert_eq!(find(&w, "lima.analyst", "人質").len(), 1);
    assert_eq!(find(&w, "lima.analyst", "liaison").len(), 0);
    assert_eq!(find(&w, "reader", "liaison").len(), 0);
    assert_eq!(find(&w, "stranger", "residence").len(), 0);
    assert_eq!(find(&w, "stranger", "").len(), 0);

    // The columns of the log.
    let only = |f: Filter| search(&w, "mofa.head", At::Now, f);
    assert_eq!(
        only(Filter {
            hq: Some(w.lima),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        only(Filter {
            hq: Some(w.lima),
            words: words("power"),
            ..Default::default()
        }),
        vec!["Power cut at the residence"]
    );
    assert_eq!(
        only(Filter {
            category: Some(Category::Communication),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        only(Filter {
            credibility: Some(Credibility::C2),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        only(Filter {
            reliability: Some(Reliability::F),
            ..Default::default()
        })
        .len(),
        5,
        "entries of no registered source are graded F"
    );
    assert_eq!(
        only(Filter {
            author: Some("lima.analyst".into()),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        only(Filter {
            author: Some("nobody".into()),
            ..Default::default()
        })
        .len(),
        0
    );
    assert_eq!(
        only(Filter {
            occurred_to: Some(t0() + Duration::minutes(2)),
            ..Default::default()
        })
        .len(),
        1,
        "only the entry that occurred at minute 1"
    );
    assert_eq!(
        only(Filter {
            occurred_from: Some(t0() + Duration::minutes(2)),
            ..Default::default()
        })
        .len(),
        4
    );
    // The total counts what the search found, not the whole log.
    let p = principal(store, "mofa.head");
    let id = w.incident;
    let page = store
        .read_blocking(move |c| {
            honbu_store::log::entries(
                c,
                &p,
                id,
                At::Now,
                &EntryQuery {
                    limit: 1,
                    filter: Filter {
                        words: words("residence"),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!((page.items.len(), page.total), (1, 2));
    assert!(page.next_cursor.is_some());

    // As of a moment: what was in the log then.
    let then = t0() + Duration::minutes(1);
    let before_any = store
        .read_blocking(move |c| At::of_time(c, id, &then))
        .unwrap();
    assert_eq!(
        search(
            &w,
            "mofa.head",
            before_any,
            Filter {
                words: words("residence"),
                ..Default::default()
            }
        )
        .len(),
        0
    );
    // The index is the journal's too: a rebuild makes it again.
    store.rebuild_blocking().unwrap();
    assert_eq!(find(&w, "mofa.head", "人質").len(), 2);
    assert_eq!(find(&w, "mofa.head", "cipriani").len(), 1);
    assert_eq!(find(&w, "mofa.head", "高齢者が解放").len(), 1);
    // By source: an entry from a registered source, and no other.
    let cables = run(store, "officer", at, |c, ctx| {
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
    e(
        "mofa.head",
        "Cable: the guarantors met at the residence",
        NewEntry {
            source: Some(cables),
            ..Default::default()
        },
    );
    assert_eq!(
        only(Filter {
            source: Some(cables),
            ..Default::default()
        }),
        vec!["Cable: the guarantors met at the residence"]
    );
    assert_eq!(
        only(Filter {
            source: Some(cables),
            words: words("residence"),
            ..Default::default()
        })
        .len(),
        1,
        "with words too"
    );
}

pub fn decisions_are_searched_by_their_words(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(5);
    let hidden = entry(
        &w,
        "mofa.head",
        at,
        NewEntry {
            release: Some("hq".into()),
            ..text_entry("MOFA internal assessment")
        },
    )
    .unwrap();
    for (title, based_on) in [
        ("医療チームを派遣する", vec![]),
        ("Send a crisis team to Lima", vec![]),
        (
            "Keep the negotiations channel with the guarantors",
            vec![hidden],
        ),
    ] {
        run(store, "mofa.head", at, |c, ctx| {
            honbu_store::work::record_decision(
                c,
                ctx,
                w.incident,
                &RecordDecision {
                    hq: Some(w.mofa),
                    decided_at: None,
                    decided_by: Some("Foreign Minister".into()),
                    title: title.into(),
                    options: vec!["Wait".into()],
                    rationale: "As the situation requires".into(),
                    based_on: based_on.clone(),
                    release: None,
                },
            )
        })
        .unwrap();
    }
    let find = |who: &str, typed: &str| {
        let p = principal(store, who);
        let id = w.incident;
        let words = words(typed);
        store
            .read_blocking(move |c| {
                honbu_store::work::decisions_matching(c, &p, id, At::Now, &words, 100, 0)
            })
            .unwrap()
            .items
            .into_iter()
            .map(|d| d.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(find("mofa.head", "医療"), vec!["医療チームを派遣する"]);
    assert_eq!(find("mofa.head", "LIMA crisis").len(), 1);
    assert_eq!(find("mofa.head", "foreign minister").len(), 3);
    assert_eq!(find("mofa.head", "situation").len(), 3);
    assert_eq!(find("mofa.head", "negotiations").len(), 1);
    // The decision resting on an HQ-only entry is MOFA's alone.
    assert_eq!(find("lima.analyst", "negotiations").len(), 0);
    assert_eq!(find("lima.analyst", "situation").len(), 2);
    assert_eq!(find("stranger", "situation").len(), 0);
}

pub fn search_words_split_at_spaces_and_keep_quoted_phrases(_store: &Store) {
    assert_eq!(words("  a  bc "), vec!["a", "bc"]);
    assert_eq!(
        words("\"at the residence\" cipriani"),
        vec!["at the residence", "cipriani"]
    );
    assert_eq!(words("\"unclosed phrase"), vec!["unclosed phrase"]);
    assert_eq!(words("\"\" \"  \""), Vec::<String>::new());
    assert_eq!(
        words("人質　解放"),
        vec!["人質", "解放"],
        "an ideographic space splits"
    );
}

/// A word in more entries than a search counts: the total stops at the cap
/// and says so, and the pages, walked by their cursors newest first or
/// oldest first, still hold every match the reader may read, once each,
/// in order; as of an earlier moment, only what was logged by then.
pub fn a_common_word_is_counted_to_the_cap_and_paged_through_whole(store: &Store) {
    use honbu_domain::events::{Body as Ev, EntryLogged, Event};
    use honbu_store::rules::SEARCH_COUNT_CAP;
    let w = world(store);
    let head = principal(store, "mofa.head");
    let n = 2_400usize;
    let text = |j: usize| match j % 4 {
        0 => format!("cable {j}: the cordon is unchanged; 人質 safe"),
        1 => format!("cable {j}: 人質のうち女性が解放された"),
        2 => format!("cable {j}: the cordon was moved"),
        _ => format!("cable {j}: nothing to report"),
    };
    // The MOFA HQ's entries are HQ-only one time in three: Lima's analyst
    // may not read those.
    let hidden = |j: usize| j.is_multiple_of(2) && j.is_multiple_of(3);
    let event = |j: usize| Event {
        at: t0(),
        actor: Some(head.user),
        incident: Some(w.incident),
        body: Ev::EntryLogged(Box::new(EntryLogged {
            entry: EntryId::new(),
            hq: if j.is_multiple_of(2) { w.mofa } else { w.lima },
            occurred_at: t0(),
            reported_at: t0(),
            source: None,
            source_name: "Embassy cables".into(),
            reliability: Reliability::B,
            credibility: Credibility::C2,
            category: Category::Information,
            release: if hidden(j) {
                Release::Hq
            } else {
                Release::Incident
            },
            significant: false,
            text: text(j),
            supersedes: None,
            links: vec![],
        })),
    };
    let first: Vec<Event> = (0..n / 2).map(event).collect();
    let mid = store.append_blocking(first).unwrap().last().unwrap().seq;
    store
        .append_blocking((n / 2..n).map(event).collect())
        .unwrap();

    let walk = |who: &str, typed: &str, at: At, ascending: bool| {
        let (seen, total) = search_pages(
            store,
            &principal(store, who),
            w.incident,
            typed,
            at,
            ascending,
            100,
        );
        (seen.len(), total)
    };
    // Entry numbers run from the world's own entries on: count matches by
    // text instead.
    let expect = |upto: usize, f: &dyn Fn(usize) -> bool| (0..upto).filter(|j| f(*j)).count();
    let cordon = |j: usize| j.is_multiple_of(4) || j % 4 == 2;
    let both = |j: usize| j.is_multiple_of(4);
    let hostage = |j: usize| j.is_multiple_of(4) || j % 4 == 1;

    // More matches than the cap: counted to the cap, paged through whole.
    for ascending in [false, true] {
        let (got, total) = walk("mofa.head", "cordon", At::Now, ascending);
        assert_eq!(got, expect(n, &cordon));
        assert!(got as i64 > SEARCH_COUNT_CAP);
        assert_eq!(total, (SEARCH_COUNT_CAP, false));
        let (got, total) = walk("mofa.head", "人質", At::Now, ascending);
        assert_eq!(got, expect(n, &hostage));
        assert_eq!(total, (SEARCH_COUNT_CAP, false));
    }
    // Fewer: counted exactly. A word of three letters and one of two.
    let (got, total) = walk("mofa.head", "cordon 人質", At::Now, false);
    assert_eq!(got, expect(n, &both));
    assert_eq!(total, (got as i64, true));
    // A reader who may not read the HQ-only ones gets every other match.
    let (got, _) = walk("lima.analyst", "cordon", At::Now, false);
    assert_eq!(got, expect(n, &|j| cordon(j) && !hidden(j)));
    let (got, total) = walk("lima.analyst", "cordon 人質", At::Now, true);
    assert_eq!(got, expect(n, &|j| both(j) && !hidden(j)));
    assert_eq!(total, (got as i64, true));
    // As of the first half: only what was logged by then.
    let (got, _) = walk("mofa.head", "cordon", At::Seq(mid), false);
    assert_eq!(got, expect(n / 2, &cordon));
    let (got, total) = walk("lima.analyst", "人質", At::Seq(mid), false);
    assert_eq!(got, expect(n / 2, &|j| hostage(j) && !hidden(j)));
    assert_eq!(total, (got as i64, true));
}

/// Every match of a search, walked page by page (`limit` a page) by its
/// cursors: their numbers in the order given, and the first page's total
/// and whether it is exact. Fails unless each page holds only matches (in
/// any case), in order, each once.
pub fn search_pages(
    store: &Store,
    p: &honbu_domain::access::Principal,
    incident: IncidentId,
    typed: &str,
    at: At,
    ascending: bool,
    limit: i64,
) -> (Vec<i64>, (i64, bool)) {
    let mut seen: Vec<i64> = vec![];
    let mut cursor: Option<i64> = None;
    let mut first_page = None;
    loop {
        let (p, ws) = (p.clone(), words(typed));
        let page = store
            .read_blocking(move |c| {
                honbu_store::log::entries(
                    c,
                    &p,
                    incident,
                    at,
                    &EntryQuery {
                        limit,
                        before: cursor,
                        ascending,
                        filter: Filter {
                            words: ws,
                            ..Default::default()
                        },
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        for e in &page.items {
            for word in words(typed) {
                assert!(
                    e.text.to_lowercase().contains(&word.to_lowercase()),
                    "{typed}: {}",
                    e.text
                );
            }
        }
        seen.extend(page.items.iter().map(|e| e.number));
        first_page.get_or_insert((page.total, page.total_exact));
        match page.next_cursor {
            Some(c) => cursor = Some(c.parse().unwrap()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    if !ascending {
        sorted.reverse();
    }
    assert_eq!(seen, sorted, "{typed}: pages in order");
    sorted.dedup();
    assert_eq!(seen.len(), sorted.len(), "{typed}: each match once");
    (seen, first_page.unwrap_or((0, true)))
}
