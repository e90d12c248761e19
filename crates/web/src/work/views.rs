//! Decisions and tasks.

use crate::api::now;
use crate::auth::PageViewer;
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
use honbu_domain::board::{DecisionView, HqView, TaskView};
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::log;
use honbu_store::rules::Page;
use honbu_store::work;

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsPage {
    c: Chrome,
    incident: IncidentId,
    page: Page<DecisionView>,
    clock: Clock,
    hqs: Vec<HqView>,
    numbers: Vec<(EntryId, i64)>,
    can_decide: bool,
    releases: &'static [Release],
    my_hqs: Vec<(HqId, String)>,
    /// The words the decisions were searched for ("" for all of them).
    q: String,
    search_error: String,
    at_value: String,
}

impl DecisionsPage {
    fn hq_name(&self, id: &HqId) -> String {
        crate::pages::hq_name(&self.hqs, *id)
    }
    fn number(&self, id: &EntryId) -> String {
        self.numbers
            .iter()
            .find(|(e, _)| *e == *id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| "?".into())
    }
}

pub async fn decisions_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (p, at) = (v.p.clone(), frame.moment.at);
    let qm = query_map(&uri);
    let q = qm
        .get("q")
        .map(|q| q.trim().to_string())
        .unwrap_or_default();
    let typed = crate::log::search::Typed {
        q: Some(&q),
        ..Default::default()
    };
    let (words, search_error) = match crate::log::search::filter(&typed, None, None) {
        Ok(f) => (f.words, String::new()),
        Err(e) => (vec![], e.message),
    };
    let (page, numbers) = s
        .store
        .read(move |c| {
            let page = work::decisions_matching(c, &p, id, at, &words, 1000, 0)?;
            // The numbers of the entries they rest on, of those the viewer
            // may read (the list names no other).
            let ids: Vec<EntryId> = page
                .items
                .iter()
                .flat_map(|d| d.based_on.iter().copied())
                .collect();
            let numbers = log::readable_numbers(c, &p, id, at, &ids)?
                .into_iter()
                .collect();
            Ok((page, numbers))
        })
        .await?;
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.decisions"), &qm)
        .tab(id, &frame.inc.title, "decisions")
        .moment(&frame, &uri);
    Ok(render(DecisionsPage {
        c,
        incident: id,
        page,
        clock: frame.clock,
        numbers,
        q,
        search_error,
        at_value: qm.get("at").cloned().unwrap_or_default(),
        can_decide: frame.may_work(v.p.can_in_incident(id, Capability::DecisionRecord)),
        releases: Release::ALL,
        my_hqs: frame
            .hqs
            .iter()
            .filter(|h| v.p.can(h.id, Capability::DecisionRecord))
            .map(|h| (h.id, h.name.clone()))
            .collect(),
        hqs: frame.hqs,
    }))
}

pub async fn decide(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/decisions");
    let based_on: Result<Vec<EntryId>, _> = f.all("based_on").iter().map(|e| e.parse()).collect();
    let Ok(mut based_on) = based_on else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("based_on", "is not an entry of this incident"),
            &f,
        ));
    };
    // The entries it rests on, by number as the picker or the officer typed
    // them; a number the viewer may not read is as one that does not exist.
    let numbers = match crate::log::views::entry_numbers(&f.str("based_on_numbers")) {
        Ok(n) if n.len() > RecordDecision::MAX_BASED_ON => {
            return Ok(back_with_error(
                &to,
                ApiError::invalid(
                    "based_on",
                    format!("names more than {} entries", RecordDecision::MAX_BASED_ON),
                ),
                &f,
            ))
        }
        Ok(n) => n,
        Err(e) => {
            return Ok(back_with_error(
                &to,
                ApiError::invalid("based_on", e.message),
                &f,
            ))
        }
    };
    if !numbers.is_empty() {
        let (p, wanted) = (v.p.clone(), numbers.clone());
        let found = s
            .store
            .read(move |c| log::entry_ids_by_number(c, &p, id, &wanted))
            .await?;
        for n in numbers {
            match found.get(&n) {
                Some(e) if !based_on.contains(e) => based_on.push(*e),
                Some(_) => {}
                None => {
                    return Ok(back_with_error(
                        &to,
                        ApiError::invalid(
                            "based_on",
                            format!("#{n} is not an entry of this incident"),
                        ),
                        &f,
                    ))
                }
            }
        }
    }
    let Ok(hq) = f.opt("hq").map(|h| h.parse()).transpose() else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("hq", "is not a headquarters of this incident"),
            &f,
        ));
    };
    let r = RecordDecision {
        hq,
        decided_at: None,
        decided_by: f.opt("decided_by"),
        title: f.str("title"),
        options: f
            .str("options")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        rationale: f.str("rationale"),
        based_on,
        release: f.opt("release"),
    };
    Ok(submit(
        &s,
        &v,
        &f,
        &to,
        "ok.decision_recorded",
        &to,
        move |c, ctx| work::record_decision(c, ctx, id, &r),
    )
    .await)
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    incident: IncidentId,
    tasks: Vec<TaskView>,
    clock: Clock,
    can_manage: bool,
    statuses: &'static [TaskStatus],
    /// The zone the due time is read in: the HQ the task is assigned for.
    form_zone: &'static str,
}

pub async fn tasks_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let m = frame.moment;
    let tasks = s
        .store
        .read(move |c| work::tasks(c, id, m.at, true, m.clock))
        .await?;
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.tasks"), &query_map(&uri))
        .tab(id, &frame.inc.title, "tasks")
        .moment(&frame, &uri);
    Ok(render(TasksPage {
        c,
        incident: id,
        tasks,
        clock: frame.clock,
        can_manage: frame.may_work(v.p.can_in_incident(id, Capability::TaskManage)),
        statuses: TaskStatus::ALL,
        form_zone: crate::pages::acting_zone(
            &frame.hqs,
            &v.p,
            None,
            Capability::TaskManage,
            frame.clock.hq,
        )
        .name(),
    }))
}

pub async fn assign(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let (_, hqs, clock) = context(&s, &v, id).await?;
    let to = format!("/incidents/{id}/tasks");
    let zone = crate::pages::acting_zone(&hqs, &v.p, None, Capability::TaskManage, clock.hq);
    let due_at = match local_time(&f, "due_at", zone) {
        Ok(d) => d,
        Err(e) => return Ok(back_with_error(&to, e, &f)),
    };
    let r = AssignTask {
        hq: None,
        title: f.str("title"),
        owner: f.str("owner"),
        due_at,
        note: f.opt("note"),
    };
    Ok(
        submit(&s, &v, &f, &to, "ok.task_assigned", &to, move |c, ctx| {
            work::assign_task(c, ctx, id, &r)
        })
        .await,
    )
}

pub async fn task_status(
    State(s): State<AppState>,
    PagePath(task): PagePath<TaskId>,
    Posted(v, f): Posted,
) -> PageResult {
    let p = v.p.clone();
    let inc = s
        .store
        .read(move |c| {
            Ok(work::task(c, task, now())?
                .map(|(i, _)| i)
                .filter(|i| p.can_see_incident(*i)))
        })
        .await?
        .ok_or(PageError::NotFound)?;
    let to = format!("/incidents/{inc}/tasks");
    let r = UpdateTask {
        status: f.str("status"),
        note: f.opt("note"),
    };
    Ok(submit(&s, &v, &f, &to, "ok.saved", &to, move |c, ctx| {
        work::update_task(c, ctx, task, &r)
    })
    .await)
}
