//! Handover briefs and situation reports.

use crate::api::exec;
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
use axum::response::{IntoResponse, Redirect};
use honbu_domain::board::HqView;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::reports::{Brief, Sitrep};
use honbu_domain::vocab::*;
use honbu_store::reports::{self, HandoverRow, SitrepRow};
use honbu_store::versions::At;
use honbu_store::{accounts, log};

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    c: Chrome,
    incident: IncidentId,
    rows: Vec<HandoverRow>,
    hqs: Vec<HqView>,
    my_hqs: Vec<(HqId, String)>,
    clock: Clock,
}

impl HandoverPage {
    fn hq_name(&self, id: &HqId) -> String {
        crate::pages::hq_name(&self.hqs, *id)
    }
}

pub async fn handover_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let mine = v.p.hqs_in(id);
    let admin = v.p.is_admin();
    let at = frame.moment.at;
    let rows: Vec<HandoverRow> = s
        .store
        .read(move |c| reports::handovers(c, id, at))
        .await?
        .into_iter()
        .filter(|h| admin || mine.contains(&h.hq))
        .collect();
    // Briefs are issued now, not in the past.
    let my_hqs = if frame.moment.is_now() {
        frame
            .hqs
            .iter()
            .filter(|h| admin || v.p.role_in(h.id).is_some())
            .map(|h| (h.id, h.name.clone()))
            .collect()
    } else {
        vec![]
    };
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.handover"), &query_map(&uri))
        .tab(id, &frame.inc.title, "handover")
        .moment(&frame, &uri);
    Ok(render(HandoverPage {
        c,
        incident: id,
        rows,
        my_hqs,
        clock: frame.clock,
        hqs: frame.hqs,
    }))
}

pub async fn handover_issue(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/handover");
    let Some(hq) = f.opt("hq").and_then(|h| h.parse().ok()) else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("hq", "choose a headquarters"),
            &f,
        ));
    };
    Ok(
        match exec(&s, &v, move |c, ctx| {
            reports::issue_handover(c, ctx, id, &IssueHandover { hq })
        })
        .await
        {
            Ok(h) => Redirect::to(&format!("/handovers/{h}")).into_response(),
            Err(e) => back_with_error(&to, e, &f),
        },
    )
}

#[derive(Template)]
#[template(path = "brief.html")]
struct BriefPage {
    c: Chrome,
    id: HandoverId,
    b: Brief,
    clock: Clock,
    issued_by: String,
    acknowledged_at: Option<honbu_domain::time::Timestamp>,
    acknowledged_by: String,
    can_ack: bool,
    /// How each person the brief names is named to this reader now.
    people: std::collections::HashMap<PersonId, String>,
}

impl BriefPage {
    fn person(&self, m: &honbu_domain::people::Mention) -> String {
        self.people
            .get(&m.id)
            .cloned()
            .unwrap_or_else(|| format!("P-{}", m.number))
    }
}

pub async fn brief_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(h): PagePath<HandoverId>,
    uri: Uri,
) -> PageResult {
    // Only its HQ's members (and administrators) read a brief, at any moment.
    let p = v.p.clone();
    let incident = s
        .store
        .read(move |c| reports::readable_handover(c, &p, h, At::Now))
        .await?
        .ok_or(PageError::NotFound)?
        .incident;
    let frame = incident_page(&s, &v, incident, &uri).await?;
    let at = frame.moment.at;
    let (row, names) = s
        .store
        .read(move |c| Ok((reports::handover(c, h, at)?, accounts::names(c)?)))
        .await?;
    // Not yet issued at the moment asked for.
    let row = row.ok_or(PageError::NotFound)?;
    let mut b: Brief = serde_json::from_value(row.brief.clone())
        .map_err(|e| ApiError::from(honbu_store::StoreError::Decode(e.to_string())))?;
    let (p, mut changes) = (v.p.clone(), std::mem::take(&mut b.changes));
    let named: Vec<PersonId> = b
        .people
        .newly_accounted
        .iter()
        .chain(b.people.still_unaccounted.iter())
        .map(|m| m.id)
        .collect();
    let (changes, people) = s
        .store
        .read(move |c| {
            log::mark_corrections(c, &p, incident, at, &mut changes)?;
            // The brief names people by number; the names are today's, for
            // whoever may read them.
            let people = honbu_store::people::labels(c, &p, incident, &named)?;
            Ok((changes, people))
        })
        .await?;
    b.changes = changes;
    let clock = frame.clock;
    let clock = Clock {
        hq: frame
            .hqs
            .iter()
            .find(|x| x.id == row.hq)
            .map(|x| x.time_zone)
            .unwrap_or(clock.hq),
        ..clock
    };
    let name = |u: Option<UserId>| u.and_then(|u| names.get(&u).cloned()).unwrap_or_default();
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("brief.kind"), &query_map(&uri))
        .tab(row.incident, &b.incident.title, "handover")
        .moment(&frame, &uri);
    Ok(render(BriefPage {
        c,
        id: h,
        clock,
        issued_by: name(row.issued_by),
        acknowledged_at: row.acknowledged_at,
        acknowledged_by: name(row.acknowledged_by),
        // The officer taking over acknowledges, not the one who prepared it.
        can_ack: frame.may(row.acknowledged_at.is_none() && row.issued_by != Some(v.p.user)),
        people,
        b,
    }))
}

pub async fn brief_ack(
    State(s): State<AppState>,
    PagePath(h): PagePath<HandoverId>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/handovers/{h}");
    Ok(
        submit(&s, &v, &f, &to, "ok.acknowledged", &to, move |c, ctx| {
            reports::acknowledge_handover(c, ctx, h)
        })
        .await,
    )
}

#[derive(Template)]
#[template(path = "sitreps.html")]
struct SitrepsPage {
    c: Chrome,
    incident: IncidentId,
    rows: Vec<SitrepRow>,
    clock: Clock,
    can_issue: bool,
    default_from: String,
    urgencies: &'static [Urgency],
    confidences: &'static [Confidence],
}

impl SitrepsPage {
    fn window(&self, r: &SitrepRow) -> String {
        serde_json::from_value::<Sitrep>(r.document.clone())
            .map(|s| {
                format!(
                    "{} → {}",
                    self.clock.hq(&s.for_time_period.from),
                    self.clock.hq(&s.for_time_period.to)
                )
            })
            .unwrap_or_default()
    }
}

pub async fn sitreps_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (inc, clock, at) = (&frame.inc, frame.clock, frame.moment.at);
    let rows = s.store.read(move |c| reports::sitreps(c, id, at)).await?;
    let default_from = rows
        .first()
        .and_then(|r| serde_json::from_value::<Sitrep>(r.document.clone()).ok())
        .map(|s| s.for_time_period.to)
        .unwrap_or(inc.opened_at);
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.sitreps"), &query_map(&uri))
        .tab(id, &inc.title, "sitreps")
        .moment(&frame, &uri);
    Ok(render(SitrepsPage {
        c,
        incident: id,
        rows,
        default_from: clock.input(&default_from),
        clock,
        can_issue: frame.may_work(v.p.can_in_incident(id, Capability::SitrepIssue)),
        urgencies: Urgency::ALL,
        confidences: Confidence::ALL,
    }))
}

pub async fn sitrep_issue(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let (_, _, clock) = context(&s, &v, id).await?;
    let to = format!("/incidents/{id}/sitreps");
    let times = (|| {
        Ok::<_, ApiError>((
            local_time(&f, "from", clock.hq)?,
            local_time(&f, "to", clock.hq)?,
            local_time(&f, "next_contact", clock.hq)?,
        ))
    })();
    let (from, to_t, next) = match times {
        Ok(t) => t,
        Err(e) => return Ok(back_with_error(&to, e, &f)),
    };
    let r = IssueSitrep {
        from: from.unwrap_or_default(),
        to: to_t,
        urgency: f.opt("urgency"),
        confidence: f.opt("confidence"),
        authorized_by: f.opt("authorized_by"),
        action_plan: f.opt("action_plan"),
        next_contact: next,
    };
    Ok(
        match exec(&s, &v, move |c, ctx| reports::issue_sitrep(c, ctx, id, &r)).await {
            Ok(sr) => Redirect::to(&format!("/sitreps/{sr}")).into_response(),
            Err(e) => back_with_error(&to, e, &f),
        },
    )
}

#[derive(Template)]
#[template(path = "sitrep.html")]
struct SitrepPage {
    c: Chrome,
    s: Sitrep,
    clock: Clock,
}

impl SitrepPage {
    /// Initial, Update or Final, in the reader's language (EDXL's word in the JSON).
    fn version(&self) -> &'static str {
        self.c
            .t
            .t(format!("sitrep.version.{}", self.s.report_version))
    }
}

pub async fn sitrep_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<SitrepId>,
    uri: Uri,
) -> PageResult {
    let incident = s
        .store
        .read(move |c| reports::sitrep(c, id, At::Now))
        .await?
        .filter(|r| v.p.can_see_incident(r.incident))
        .ok_or(PageError::NotFound)?
        .incident;
    let frame = incident_page(&s, &v, incident, &uri).await?;
    let at = frame.moment.at;
    // Not yet issued at the moment asked for: not found.
    let row = s
        .store
        .read(move |c| reports::sitrep(c, id, at))
        .await?
        .ok_or(PageError::NotFound)?;
    let mut doc: Sitrep = serde_json::from_value(row.document)
        .map_err(|e| ApiError::from(honbu_store::StoreError::Decode(e.to_string())))?;
    let (p, mut shown) = (v.p.clone(), std::mem::take(&mut doc.significant));
    doc.significant = s
        .store
        .read(move |c| {
            log::mark_corrections(c, &p, incident, at, &mut shown)?;
            Ok(shown)
        })
        .await?;
    let clock = frame.clock;
    let c = Chrome::new(
        Some(&v),
        v.lang,
        format!("SITREP {}", doc.report_number),
        &query_map(&uri),
    )
    .tab(row.incident, &doc.incident_name, "sitreps")
    .moment(&frame, &uri);
    Ok(render(SitrepPage { c, s: doc, clock }))
}
