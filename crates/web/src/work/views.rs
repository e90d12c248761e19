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
use honbu_domain::board::{DecisionView, EntryView, HqView, TaskView};
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::log;
use honbu_store::log::EntryQuery;
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
    recent: Vec<EntryView>,
    numbers: Vec<(EntryId, i64)>,
    can_decide: bool,
    releases: &'static [Release],
    my_hqs: Vec<(HqId, String)>,
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
    let (page, recent) = s
        .store
        .read(move |c| {
            Ok((
                work::decisions(c, &p, id, at, 1000, 0)?,
                log::entries(
                    c,
                    &p,
                    id,
                    at,
                    &EntryQuery {
                        limit: 1000,
                        ..Default::default()
                    },
                )?
                .items,
            ))
        })
        .await?;
    let numbers = recent.iter().map(|e| (e.id, e.number)).collect();
    let c = Chrome::new(
        Some(&v),
        v.lang,
        v.lang.t("nav.decisions"),
        &query_map(&uri),
    )
    .tab(id, &frame.inc.title, "decisions")
    .moment(&frame, &uri);
    Ok(render(DecisionsPage {
        c,
        incident: id,
        page,
        clock: frame.clock,
        recent: recent.into_iter().take(30).collect(),
        numbers,
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
    let Ok(based_on) = based_on else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("based_on", "is not an entry of this incident"),
            &f,
        ));
    };
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
    }))
}

pub async fn assign(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let (_, _, clock) = context(&s, &v, id).await?;
    let to = format!("/incidents/{id}/tasks");
    let due_at = match local_time(&f, "due_at", clock.hq) {
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
