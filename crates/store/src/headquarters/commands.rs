//! Commands on headquarters: activate, members, duty, cadence, reports.

use crate::rules::{forbid, hq_home, not_closed, user_id, visible_incident, Ctx};
use crate::sql::{t, Conn};
use crate::{Result, StoreError};
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

pub(crate) fn parse_hq(
    c: &mut dyn Conn,
    ctx: &Ctx,
    h: &NewHq,
    field: &str,
) -> Result<(HqId, Vec<Body>)> {
    let name = text("name", &h.name, 1, 200).map_err(|e| e.under(field))?;
    let kind = match &h.kind {
        Some(k) => HqKind::parse("kind", k).map_err(|e| e.under(field))?,
        None => HqKind::Other,
    };
    let zone = Zone::parse("time_zone", &h.time_zone).map_err(|e| e.under(field))?;
    SetCadence::check(
        &format!("{field}.report_every_minutes"),
        h.report_every_minutes,
    )?;
    let head = match &h.head {
        Some(u) => user_id(c, &format!("{field}.head"), u)?,
        None => ctx.p.user,
    };
    let hq = HqId::new();
    Ok((
        hq,
        vec![
            Body::HqActivated {
                hq,
                name,
                kind,
                time_zone: zone,
                report_every_minutes: h.report_every_minutes,
            },
            Body::HqMemberAdded {
                hq,
                user: head,
                role: RoleName::head(),
            },
        ],
    ))
}

pub fn activate_hq(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &NewHq,
) -> Result<(Vec<Event>, HqId)> {
    visible_incident(c, ctx, id)?;
    if !ctx.p.can_in_incident(id, Capability::IncidentManage) {
        return Err(forbid("activate headquarters"));
    }
    let (hq, bodies) = parse_hq(c, ctx, r, "hq")?;
    let bodies = bodies.into_iter().map(|b| match b {
        Body::HqActivated {
            hq,
            name,
            kind,
            time_zone,
            report_every_minutes,
        } => Body::HqActivated {
            hq,
            name: name.trim().to_string(),
            kind,
            time_zone,
            report_every_minutes,
        },
        b => b,
    });
    not_closed(c, id)?;
    Ok((bodies.map(|b| ctx.ev(Some(id), b)).collect(), hq))
}

pub fn add_member(
    c: &mut dyn Conn,
    ctx: &Ctx,
    hq: HqId,
    r: &AddMember,
) -> Result<(Vec<Event>, UserId)> {
    let inc = hq_home(c, ctx, hq)?;
    let user = user_id(c, "user", &r.user)?;
    let role = RoleName::parse("role", &r.role)?;
    if crate::accounts::role_capabilities(c, &role)?.is_none() {
        return Err(FieldError::new("role", "is not a defined role").into());
    }
    if !ctx.p.can(hq, Capability::HqManage) {
        return Err(forbid("manage the members of this headquarters"));
    }
    Ok((
        vec![ctx.ev(Some(inc), Body::HqMemberAdded { hq, user, role })],
        user,
    ))
}

pub fn remove_member(
    c: &mut dyn Conn,
    ctx: &Ctx,
    hq: HqId,
    username: &str,
) -> Result<(Vec<Event>, ())> {
    let inc = hq_home(c, ctx, hq)?;
    let user = user_id(c, "user", username)?;
    if !ctx.p.can(hq, Capability::HqManage) {
        return Err(forbid("manage the members of this headquarters"));
    }
    let member = c.query_one(
        "SELECT role FROM hq_members WHERE hq_id = $1 AND user_id = $2",
        &[t(hq), t(user)],
    )?;
    if member.is_none() {
        return Err(FieldError::new("user", "is not a member of this headquarters").into());
    }
    Ok((
        vec![ctx.ev(Some(inc), Body::HqMemberRemoved { hq, user })],
        (),
    ))
}

pub fn set_cadence(
    c: &mut dyn Conn,
    ctx: &Ctx,
    hq: HqId,
    r: &SetCadence,
) -> Result<(Vec<Event>, ())> {
    let inc = hq_home(c, ctx, hq)?;
    SetCadence::check("every_minutes", r.every_minutes)?;
    if !ctx.p.can(hq, Capability::HqManage) {
        return Err(forbid("set the report cadence of this headquarters"));
    }
    not_closed(c, inc)?;
    Ok((
        vec![ctx.ev(
            Some(inc),
            Body::ReportCadenceSet {
                hq,
                every_minutes: r.every_minutes,
            },
        )],
        (),
    ))
}

pub fn duty(c: &mut dyn Conn, ctx: &Ctx, hq: HqId, r: &Duty) -> Result<(Vec<Event>, ())> {
    let inc = hq_home(c, ctx, hq)?;
    let user = match &r.user {
        Some(u) => user_id(c, "user", u)?,
        None => ctx.p.user,
    };
    if user != ctx.p.user && !ctx.p.can(hq, Capability::HqManage) {
        return Err(forbid("sign another member on or off duty"));
    }
    let member = c.query_one(
        "SELECT role FROM hq_members WHERE hq_id = $1 AND user_id = $2",
        &[t(hq), t(user)],
    )?;
    if member.is_none() {
        return Err(if user == ctx.p.user {
            forbid("go on duty in a headquarters you are not a member of")
        } else {
            FieldError::new("user", "is not a member of this headquarters").into()
        });
    }
    let on = c
        .query_one(
            "SELECT since FROM duty WHERE hq_id = $1 AND user_id = $2",
            &[t(hq), t(user)],
        )?
        .is_some();
    if on == r.on {
        return Err(StoreError::Conflict(if on {
            "already on duty".into()
        } else {
            "not on duty".into()
        }));
    }
    let body = if r.on {
        Body::DutyStarted { hq, user }
    } else {
        Body::DutyEnded { hq, user }
    };
    if r.on {
        // Signing off stays possible: nobody is left on duty by a closing.
        not_closed(c, inc)?;
    }
    Ok((vec![ctx.ev(Some(inc), body)], ()))
}

pub fn file_report(
    c: &mut dyn Conn,
    ctx: &Ctx,
    hq: HqId,
    r: &FileReport,
) -> Result<(Vec<Event>, ReportId)> {
    let inc = hq_home(c, ctx, hq)?;
    let text = text("text", &r.text, 1, 20_000)?;
    if !ctx.p.can(hq, Capability::ReportFile) {
        return Err(forbid("file status reports for this headquarters"));
    }
    let report = ReportId::new();
    not_closed(c, inc)?;
    Ok((
        vec![ctx.ev(Some(inc), Body::StatusReportFiled { report, hq, text })],
        report,
    ))
}
