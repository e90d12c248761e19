//! Commands on incidents: open, change status, amend.

use crate::headquarters::parse_hq;
use crate::rules::{forbid, open_for_work, reason, visible_incident, Ctx};
use crate::sql::Conn;
use crate::Result;
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::geo::{parse_country, Area, Point};
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

pub fn open_incident(
    c: &mut dyn Conn,
    ctx: &Ctx,
    r: &OpenIncident,
) -> Result<(Vec<Event>, IncidentId)> {
    if !ctx.p.can_open_incident() {
        return Err(forbid("open incidents"));
    }
    let kind = IncidentKind::parse("kind", &r.kind)?;
    let title = text("title", &r.title, 1, 300)?;
    let country = parse_country("country", &r.country)?;
    let place = Point::parse(r.lat, r.lon)?;
    place.check_in(&country)?;
    let area = match &r.area {
        Some(a) => {
            Area::parse(a)?;
            Some(a.clone())
        }
        None => None,
    };
    let severity = match &r.severity {
        Some(s) => Severity::parse("severity", s)?,
        None => Severity::Unknown,
    };
    let time_zone = Zone::parse("time_zone", &r.time_zone)?;
    let summary = text("summary", r.summary.as_deref().unwrap_or(""), 0, 5000)?;
    if r.hqs.len() > 20 {
        return Err(FieldError::new("hqs", "at most 20 headquarters at opening").into());
    }
    let id = IncidentId::new();
    let mut events = vec![ctx.ev(
        Some(id),
        Body::IncidentOpened {
            kind,
            title,
            country,
            place,
            area,
            severity,
            time_zone,
            summary,
        },
    )];
    for (i, h) in r.hqs.iter().enumerate() {
        let (hq, bodies) = parse_hq(c, ctx, h, &format!("hqs[{i}]"))?;
        events.extend(bodies.into_iter().map(|b| ctx.ev(Some(id), b)));
        if i == 0 && h.head.is_some() && h.head.as_deref() != Some(ctx.p.username.as_str()) {
            events.push(ctx.ev(
                Some(id),
                Body::HqMemberAdded {
                    hq,
                    user: ctx.p.user,
                    role: RoleName::parse("role", "duty_officer")?,
                },
            ));
        }
    }
    Ok((events, id))
}

pub fn change_status(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &ChangeStatus,
) -> Result<(Vec<Event>, ())> {
    let inc = visible_incident(c, ctx, id)?;
    let to = IncidentStatus::parse("status", &r.status)?;
    let reason = reason(&r.reason)?;
    if !ctx.p.can_in_incident(id, Capability::IncidentManage) {
        return Err(forbid("change the status of this incident"));
    }
    if !inc.status.can_move_to(to) {
        return Err(FieldError::new(
            "status",
            format!("cannot move from {} to {}", inc.status, to),
        )
        .into());
    }
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::IncidentStatusChanged {
                from: inc.status,
                to,
                reason,
            },
        )],
        (),
    ))
}

pub fn amend_incident(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &AmendIncident,
) -> Result<(Vec<Event>, ())> {
    let inc = visible_incident(c, ctx, id)?;
    let reason = reason(&r.reason)?;
    let title = r
        .title
        .as_deref()
        .map(|s| text("title", s, 1, 300))
        .transpose()?;
    let severity = r
        .severity
        .as_deref()
        .map(|s| Severity::parse("severity", s))
        .transpose()?;
    let summary = r
        .summary
        .as_deref()
        .map(|s| text("summary", s, 0, 5000))
        .transpose()?;
    let place = match (r.lat, r.lon) {
        (Some(lat), Some(lon)) => {
            let p = Point::parse(lat, lon)?;
            p.check_in(&inc.country)?;
            Some(p)
        }
        (None, None) => None,
        _ => return Err(FieldError::new("lat", "give lat and lon together").into()),
    };
    if let Some(a) = &r.area {
        Area::parse(a)?;
    }
    if !ctx.p.can_in_incident(id, Capability::IncidentManage) {
        return Err(forbid("amend this incident"));
    }
    open_for_work(&inc)?;
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::IncidentAmended {
                title,
                severity,
                summary,
                place,
                area: r.area.clone(),
                reason,
            },
        )],
        (),
    ))
}
