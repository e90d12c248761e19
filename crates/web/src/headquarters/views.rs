//! The headquarters page: HQs, members, duty, cadence, status reports.

use crate::api::exec;
use crate::auth::PageViewer;
use crate::pages::PagePath;
use crate::pages::{
    back_with_error, done, incident_page, query_map, render, submit, Chrome, Clock, FormData,
    PageError, PageResult, Posted,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::accounts;
use honbu_store::headquarters;
use honbu_store::headquarters::{HqDetail, ReportRow};
use honbu_store::rules;

#[derive(Template)]
#[template(path = "hqs.html")]
struct HqsPage {
    c: Chrome,
    incident: IncidentId,
    hqs: Vec<HqDetail>,
    reports: Vec<ReportRow>,
    clock: Clock,
    me: UserId,
    manage: Vec<HqId>,
    report: Vec<HqId>,
    can_activate: bool,
    roles: Vec<String>,
    hq_kinds: &'static [HqKind],
    /// The incident is closed: its headquarters have stood down.
    stood_down: bool,
}

impl HqsPage {
    fn manages(&self, id: &HqId) -> bool {
        self.manage.contains(id)
    }
    fn reports_for(&self, id: &HqId) -> bool {
        self.report.contains(id)
    }
    fn role_label(&self, role: &str) -> String {
        let key = format!("role.{role}");
        if self.c.t.has(&key) {
            self.c.t.t(&key).to_string()
        } else {
            role.to_string()
        }
    }
    fn hq_name(&self, id: &HqId) -> &str {
        self.hqs
            .iter()
            .find(|h| h.hq.id == *id)
            .map(|h| h.hq.name.as_str())
            .unwrap_or("")
    }
}

pub async fn hqs_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let m = frame.moment;
    let (hqs, reports, roles) = s
        .store
        .read(move |c| {
            Ok((
                // A closed incident's clock stopped when it closed (hq_views).
                headquarters::hq_details(c, id, m.at, m.clock)?,
                headquarters::reports(c, id, m.at, None, 200)?,
                accounts::roles(c)?,
            ))
        })
        .await?;
    let (inc, clock) = (&frame.inc, frame.clock);
    let manage = hqs
        .iter()
        .map(|h| h.hq.id)
        .filter(|h| frame.may(v.p.can(*h, Capability::HqManage)))
        .collect();
    let report = hqs
        .iter()
        .map(|h| h.hq.id)
        .filter(|h| frame.may_work(v.p.can(*h, Capability::ReportFile)))
        .collect();
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.hqs"), &query_map(&uri))
        .tab(id, &inc.title, "hqs")
        .moment(&frame, &uri);
    Ok(render(HqsPage {
        c,
        incident: id,
        hqs,
        reports,
        clock,
        me: v.p.user,
        manage,
        report,
        can_activate: frame.may_work(v.p.can_in_incident(id, Capability::IncidentManage)),
        roles: roles.into_iter().map(|r| r.name).collect(),
        hq_kinds: HqKind::ALL,
        stood_down: inc.status.is_closed(),
    }))
}

pub async fn activate_hq(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = NewHq {
        name: f.str("name"),
        kind: f.opt("kind"),
        time_zone: f.str("time_zone"),
        report_every_minutes: None,
        head: f.opt("head"),
    };
    let to = format!("/incidents/{id}/hqs");
    Ok(
        submit(&s, &v, &f, &to, "ok.hq_activated", &to, move |c, ctx| {
            headquarters::activate_hq(c, ctx, id, &r)
        })
        .await,
    )
}

/// Runs an HQ form and goes back to the HQ page of its incident.
async fn hq_form<T: Send + 'static>(
    s: &AppState,
    v: &crate::auth::Viewer,
    hq: HqId,
    f: &FormData,
    ok: &str,
    run: impl FnOnce(
            &mut dyn honbu_store::sql::Conn,
            &rules::Ctx,
        ) -> honbu_store::Result<(Vec<honbu_domain::events::Event>, T)>
        + Send
        + 'static,
) -> PageResult {
    let p = v.p.clone();
    let inc = s
        .store
        .read(move |c| Ok(headquarters::hq_incident(c, hq)?.filter(|i| p.can_see_incident(*i))))
        .await?
        .ok_or(PageError::NotFound)?;
    let to = format!("/incidents/{inc}/hqs");
    Ok(match exec(s, v, run).await {
        Ok(_) => done(&format!("{to}#hq-{hq}"), ok),
        Err(e) => back_with_error(&to, e, f),
    })
}

pub async fn add_member(
    State(s): State<AppState>,
    PagePath(hq): PagePath<HqId>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = AddMember {
        user: f.str("user"),
        role: f.str("role"),
    };
    hq_form(&s, &v, hq, &f, "ok.member_added", move |c, ctx| {
        headquarters::add_member(c, ctx, hq, &r)
    })
    .await
}

pub async fn remove_member(
    State(s): State<AppState>,
    PagePath((hq, user)): PagePath<(HqId, String)>,
    Posted(v, f): Posted,
) -> PageResult {
    hq_form(&s, &v, hq, &f, "ok.member_removed", move |c, ctx| {
        headquarters::remove_member(c, ctx, hq, &user)
    })
    .await
}

pub async fn duty(
    State(s): State<AppState>,
    PagePath(hq): PagePath<HqId>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = Duty {
        on: f.get("on") == Some("1"),
        user: f.opt("user"),
    };
    let ok = if r.on {
        "ok.signed_on"
    } else {
        "ok.signed_off"
    };
    hq_form(&s, &v, hq, &f, ok, move |c, ctx| {
        headquarters::duty(c, ctx, hq, &r)
    })
    .await
}

pub async fn cadence(
    State(s): State<AppState>,
    PagePath(hq): PagePath<HqId>,
    Posted(v, f): Posted,
) -> PageResult {
    let every = match f.opt("every_minutes") {
        None => None,
        Some(m) => match m.parse::<u32>() {
            Ok(m) => Some(m),
            Err(_) => {
                let p = v.p.clone();
                let inc = s
                    .store
                    .read(move |c| {
                        Ok(headquarters::hq_incident(c, hq)?.filter(|i| p.can_see_incident(*i)))
                    })
                    .await?
                    .ok_or(PageError::NotFound)?;
                return Ok(back_with_error(
                    &format!("/incidents/{inc}/hqs"),
                    crate::error::ApiError::invalid(
                        "every_minutes",
                        "must be a whole number of minutes",
                    ),
                    &f,
                ));
            }
        },
    };
    hq_form(&s, &v, hq, &f, "ok.saved", move |c, ctx| {
        headquarters::set_cadence(
            c,
            ctx,
            hq,
            &SetCadence {
                every_minutes: every,
            },
        )
    })
    .await
}

pub async fn report(
    State(s): State<AppState>,
    PagePath(hq): PagePath<HqId>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = FileReport {
        text: f.str("text"),
    };
    hq_form(&s, &v, hq, &f, "ok.report_filed", move |c, ctx| {
        headquarters::file_report(c, ctx, hq, &r)
    })
    .await
}
