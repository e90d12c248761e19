//! The situation log: the list, the entry form, one entry, and sources.

use crate::auth::{PageViewer, Viewer};
use crate::error::ApiError;
use crate::pages::PagePath;
use crate::pages::{
    back_with_error, context, incident_page, local_time, query_map, render, submit, Chrome, Clock,
    PageError, PageResult, Posted,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use honbu_domain::board::EntryView;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::*;
use honbu_store::accounts;
use honbu_store::log;
use honbu_store::log::{EntryQuery, SourceRow};
use honbu_store::rules::Page;
use honbu_store::versions::At;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    c: Chrome,
    incident: IncidentId,
    page: Page<EntryView>,
    clock: Clock,
    now: Timestamp,
    significant_only: bool,
    self_url: String,
    can_write: bool,
    /// (id, name, zone) of the HQs the viewer may log for.
    my_hqs: Vec<(HqId, String, &'static str)>,
    /// The zone the form's times are read in, for the HQ first chosen.
    form_zone: &'static str,
    sources: Vec<SourceRow>,
    credibilities: &'static [Credibility],
    categories: &'static [Category],
    releases: &'static [Release],
    supersedes: String,
    supersedes_number: i64,
    /// The search as typed, to show it again; its fields in a query
    /// string, for the links to older pages.
    search: HashMap<String, String>,
    search_qs: String,
    /// The same search for the export links (the API's times are RFC 3339).
    export_qs: String,
    searching: bool,
    search_error: String,
    all_hqs: Vec<(HqId, String)>,
    reliabilities: &'static [Reliability],
    at_value: String,
}

impl LogPage {
    /// A search field as typed ("" when not given).
    fn sv(&self, k: &str) -> &str {
        self.search.get(k).map_or("", String::as_str)
    }

    /// Whether the search uses more than its words (the filters open).
    fn more_filters(&self) -> bool {
        self.search.keys().any(|k| k != "q")
    }
}

/// The fields of a log search in a page's query string.
const SEARCH_FIELDS: [&str; 9] = [
    "q",
    "hq",
    "category",
    "source",
    "reliability",
    "credibility",
    "author",
    "from",
    "to",
];

/// A search field's label in the viewer's language.
fn c_label(t: &'static crate::i18n::Catalogue, field: &str) -> String {
    let key = format!("field.{field}");
    if t.has(&key) || crate::i18n::english().has(&key) {
        t.t(&key).to_string()
    } else {
        field.to_string()
    }
}

/// The search a log page's query string asks for, its times read in `zone`.
fn page_filter(
    q: &HashMap<String, String>,
    zone: honbu_domain::time::Zone,
) -> Result<log::Filter, ApiError> {
    let get = |k: &str| q.get(k).map(String::as_str);
    let time = |k: &str| {
        get(k)
            .filter(|v| !v.trim().is_empty())
            .map(|v| zone.parse_local(k, v.trim()))
            .transpose()
            .map_err(|e| ApiError::invalid(e.field, e.message))
    };
    crate::log::search::filter(
        &crate::log::search::Typed {
            q: get("q"),
            hq: get("hq"),
            category: get("category"),
            source: get("source"),
            reliability: get("reliability"),
            credibility: get("credibility"),
            author: get("author"),
        },
        time("from")?,
        time("to")?,
    )
}

pub async fn page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let q = query_map(&uri);
    let significant_only = q.get("significant").is_some_and(|s| s == "1");
    let before = q.get("before").and_then(|b| b.parse().ok());
    let supersedes: Option<EntryId> = q
        .get("supersedes")
        .or(q.get("f_supersedes"))
        .and_then(|s| s.parse().ok());
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (p, m) = (v.p.clone(), frame.moment);
    let search: HashMap<String, String> = SEARCH_FIELDS
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect();
    let (filter, search_error) = match page_filter(&search, frame.clock.hq) {
        Ok(f) => (f, String::new()),
        Err(e) => (
            log::Filter::default(),
            match &e.field {
                Some(f) => format!("{}: {}", c_label(v.lang, f), e.message),
                None => e.message,
            },
        ),
    };
    let searching = !filter.is_empty();
    let export_qs = {
        let mut pairs: Vec<(&str, String)> = [
            "q",
            "hq",
            "category",
            "source",
            "reliability",
            "credibility",
            "author",
        ]
        .iter()
        .filter_map(|k| search.get(*k).map(|v| (*k, v.clone())))
        .collect();
        if search_error.is_empty() {
            if let Some(f) = filter.occurred_from {
                pairs.push(("from", crate::export::utc(&f)));
            }
            if let Some(t) = filter.occurred_to {
                pairs.push(("to", crate::export::utc(&t)));
            }
        }
        if significant_only {
            pairs.push(("significant", "true".into()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    };
    let mut pairs: Vec<(&str, &str)> = SEARCH_FIELDS
        .iter()
        .filter_map(|k| search.get(*k).map(|v| (*k, v.as_str())))
        .collect();
    if significant_only {
        pairs.push(("significant", "1"));
    }
    let search_qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let (page, sources, old) = s
        .store
        .read(move |c| {
            let page = log::entries(
                c,
                &p,
                id,
                m.at,
                &EntryQuery {
                    limit: 100,
                    before,
                    significant_only,
                    filter,
                    ..Default::default()
                },
            )?;
            let old = match supersedes {
                Some(e) => log::entry(c, &p, e, At::Now)?
                    .filter(|(i, _)| *i == id)
                    .map(|(_, e)| e),
                None => None,
            };
            Ok((page, log::sources(c)?, old))
        })
        .await?;
    let my_hqs: Vec<(HqId, String, &'static str)> = frame
        .hqs
        .iter()
        .filter(|h| v.p.can(h.id, Capability::LogWrite))
        .map(|h| (h.id, h.name.clone(), h.time_zone.name()))
        .collect();
    let drafted_hq = crate::pages::draft_value("hq");
    let form_zone = crate::pages::acting_zone(
        &frame.hqs,
        &v.p,
        drafted_hq.as_deref(),
        Capability::LogWrite,
        frame.clock.hq,
    )
    .name();
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.log"), &q)
        .tab(id, &frame.inc.title, "log")
        .moment(&frame, &uri);
    Ok(render(LogPage {
        c,
        incident: id,
        page,
        clock: frame.clock,
        now: m.clock,
        significant_only,
        self_url: uri.to_string(),
        can_write: frame.may(!my_hqs.is_empty() && frame.inc.status != IncidentStatus::Closed),
        my_hqs,
        form_zone,
        sources,
        credibilities: Credibility::ALL,
        categories: Category::ALL,
        releases: Release::ALL,
        supersedes: old.as_ref().map(|e| e.id.to_string()).unwrap_or_default(),
        supersedes_number: old.map(|e| e.number).unwrap_or(0),
        search,
        search_qs,
        export_qs,
        searching,
        search_error,
        all_hqs: frame.hqs.iter().map(|h| (h.id, h.name.clone())).collect(),
        reliabilities: Reliability::ALL,
        at_value: q.get("at").cloned().unwrap_or_default(),
    }))
}

/// Entry numbers as typed in the "related entries" field: "12, 15" or
/// "#12 #15".
pub fn entry_numbers(typed: &str) -> Result<Vec<i64>, ApiError> {
    typed
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|n| n.trim().trim_start_matches('#'))
        .filter(|n| !n.is_empty())
        .map(|n| {
            n.parse::<i64>().map_err(|_| {
                let shown: String = n.chars().take(20).collect();
                ApiError::invalid("links", format!("“{shown}” is not an entry number"))
            })
        })
        .collect()
}

pub async fn create(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let from_board = f.get("back") == Some("board");
    let back = if from_board {
        format!("/incidents/{id}")
    } else {
        format!("/incidents/{id}/log")
    };
    let (_, hqs, clock) = context(&s, &v, id).await?;
    let zone = crate::pages::acting_zone(
        &hqs,
        &v.p,
        f.opt("hq").as_deref(),
        Capability::LogWrite,
        clock.hq,
    );
    // The same limit as the JSON body's, before the numbers are looked up.
    let numbers = entry_numbers(&f.str("links")).and_then(|n| {
        NewEntry::check_links(n.len())?;
        Ok(n)
    });
    let links = match numbers {
        Ok(numbers) => {
            let (p, wanted) = (v.p.clone(), numbers.clone());
            let found = s
                .store
                .read(move |c| log::entry_ids_by_number(c, &p, id, &wanted))
                .await?;
            let mut ids = Vec::with_capacity(numbers.len());
            for n in numbers {
                match found.get(&n) {
                    Some(e) if !ids.contains(e) => ids.push(*e),
                    Some(_) => {}
                    None => {
                        return Ok(back_with_error(
                            &back,
                            ApiError::invalid(
                                "links",
                                format!("#{n} is not an entry of this incident"),
                            ),
                            &f,
                        ))
                    }
                }
            }
            ids
        }
        Err(e) => return Ok(back_with_error(&back, e, &f)),
    };
    let parsed = (|| {
        Ok::<_, ApiError>(NewEntry {
            text: f.str("text"),
            hq: f
                .opt("hq")
                .map(|h| {
                    h.parse().map_err(|_| {
                        ApiError::invalid("hq", "is not a headquarters of this incident")
                    })
                })
                .transpose()?,
            occurred_at: local_time(&f, "occurred_at", zone)?,
            reported_at: local_time(&f, "reported_at", zone)?,
            source: f.source()?,
            credibility: f.credibility()?,
            category: f.opt("category"),
            release: f.opt("release"),
            significant: Some(f.checked("significant")),
            supersedes: f
                .opt("supersedes")
                .map(|h| {
                    h.parse().map_err(|_| {
                        ApiError::invalid("supersedes", "is not an entry of this incident")
                    })
                })
                .transpose()?,
            links,
        })
    })();
    let r = match parsed {
        Ok(r) => r,
        Err(e) => return Ok(back_with_error(&back, e, &f)),
    };
    Ok(
        submit(&s, &v, &f, &back, "ok.entry_added", &back, move |c, ctx| {
            log::log_entry(c, ctx, id, &r)
        })
        .await,
    )
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    c: Chrome,
    incident: IncidentId,
    e: EntryView,
    clock: Clock,
    hq_name: String,
    author: String,
    released_to: Vec<String>,
    links: Vec<(EntryId, i64)>,
    supersedes: Option<(EntryId, i64)>,
    superseded_by: Option<(EntryId, i64)>,
    can_write: bool,
    release_targets: Vec<(HqId, String)>,
    attachments: Vec<crate::attachments::views::Row>,
    /// The largest file the server takes, for the upload's note and check.
    max_attachment: String,
    max_attachment_bytes: usize,
}

pub async fn entry_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath((id, entry)): PagePath<(IncidentId, EntryId)>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (p, at) = (v.p.clone(), frame.moment.at);
    let (e, names, numbers, files) = s
        .store
        .read(move |c| {
            let Some((i, e)) = log::entry(c, &p, entry, at)? else {
                return Ok(None);
            };
            if i != id {
                return Ok(None);
            }
            let files =
                honbu_store::attachments::attachments(c, &p, entry, at)?.unwrap_or_default();
            let mut numbers = vec![];
            for other in e
                .links
                .iter()
                .chain(e.supersedes.iter())
                .chain(e.superseded_by.iter())
            {
                if let Some((_, o)) = log::entry(c, &p, *other, at)? {
                    numbers.push((o.id, o.number));
                }
            }
            Ok(Some((e, accounts::names(c)?, numbers, files)))
        })
        .await?
        .ok_or(PageError::NotFound)?;
    let (hqs, inc, clock) = (&frame.hqs, &frame.inc, frame.clock);
    let name_of = |h: HqId| {
        hqs.iter()
            .find(|x| x.id == h)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let num = |x: Option<EntryId>| x.and_then(|x| numbers.iter().find(|(i, _)| *i == x).copied());
    let release_targets =
        if frame.may(e.release == Release::Hq && v.p.can(e.hq, Capability::LogRelease)) {
            hqs.iter()
                .filter(|h| h.id != e.hq && !e.released_to.contains(&h.id))
                .map(|h| (h.id, h.name.clone()))
                .collect()
        } else {
            vec![]
        };
    let c = Chrome::new(Some(&v), v.lang, format!("#{}", e.number), &query_map(&uri))
        .tab(id, &inc.title, "log")
        .moment(&frame, &uri);
    Ok(render(EntryPage {
        c,
        incident: id,
        clock,
        hq_name: name_of(e.hq),
        author: e
            .author
            .and_then(|a| names.get(&a).cloned())
            .unwrap_or_default(),
        released_to: e.released_to.iter().map(|h| name_of(*h)).collect(),
        links: e.links.iter().filter_map(|l| num(Some(*l))).collect(),
        supersedes: num(e.supersedes),
        superseded_by: num(e.superseded_by),
        can_write: frame.may(
            v.p.can_in_incident(id, Capability::LogWrite) && inc.status != IncidentStatus::Closed,
        ),
        release_targets,
        attachments: crate::attachments::views::rows(files, &names),
        max_attachment: crate::attachments::human_size(s.config.max_attachment_bytes as u64),
        max_attachment_bytes: s.config.max_attachment_bytes,
        e,
    }))
}

async fn entry_incident(s: &AppState, v: &Viewer, entry: EntryId) -> Result<IncidentId, PageError> {
    let p = v.p.clone();
    Ok(s.store
        .read(move |c| log::entry(c, &p, entry, At::Now))
        .await?
        .ok_or(PageError::NotFound)?
        .0)
}

pub async fn significance(
    State(s): State<AppState>,
    PagePath(entry): PagePath<EntryId>,
    Posted(v, f): Posted,
) -> PageResult {
    let inc = entry_incident(&s, &v, entry).await?;
    let r = MarkSignificant {
        significant: f.get("significant") == Some("1"),
    };
    let to = format!("/incidents/{inc}/log/{entry}");
    Ok(submit(&s, &v, &f, &to, "ok.saved", &to, move |c, ctx| {
        log::mark_significant(c, ctx, entry, &r)
    })
    .await)
}

pub async fn release(
    State(s): State<AppState>,
    PagePath(entry): PagePath<EntryId>,
    Posted(v, f): Posted,
) -> PageResult {
    let inc = entry_incident(&s, &v, entry).await?;
    let to = format!("/incidents/{inc}/log/{entry}");
    let Some(to_hq) = f.opt("to_hq").and_then(|h| h.parse().ok()) else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("to_hq", "choose a headquarters"),
            &f,
        ));
    };
    Ok(submit(&s, &v, &f, &to, "ok.released", &to, move |c, ctx| {
        log::release_entry(c, ctx, entry, &ReleaseEntry { to_hq })
    })
    .await)
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    c: Chrome,
    sources: Vec<SourceRow>,
    can_grade: bool,
    kinds: &'static [SourceKind],
    reliabilities: &'static [Reliability],
}

pub async fn sources_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    uri: Uri,
) -> PageResult {
    let sources = s.store.read(log::sources).await?;
    let can_grade = v.p.may_grade_sources();
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.sources"), &query_map(&uri));
    Ok(render(SourcesPage {
        c,
        sources,
        can_grade,
        kinds: SourceKind::ALL,
        reliabilities: Reliability::ALL,
    }))
}

pub async fn source_create(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let r = RegisterSource {
        name: f.str("name"),
        kind: f.str("kind"),
        reliability: f.str("reliability"),
    };
    Ok(submit(
        &s,
        &v,
        &f,
        "/sources",
        "ok.saved",
        "/sources",
        move |c, ctx| log::register_source(c, ctx, &r),
    )
    .await)
}

pub async fn source_regrade(
    State(s): State<AppState>,
    PagePath(id): PagePath<SourceId>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = RegradeSource {
        reliability: f.str("reliability"),
        reason: f.str("reason"),
    };
    Ok(submit(
        &s,
        &v,
        &f,
        "/sources",
        "ok.saved",
        "/sources",
        move |c, ctx| log::regrade_source(c, ctx, id, &r),
    )
    .await)
}
