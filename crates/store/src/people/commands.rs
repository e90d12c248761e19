//! Commands on people of concern.

use super::data::{self, Kind};
use crate::journal::JournalKey;
use crate::rules::{acting_hq, forbid, not_closed, opt_time, reason, visible_incident, Ctx};
use crate::sql::Conn;
use crate::versions::At;
use crate::{log, Result, StoreError};
use chrono::Datelike;
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::people::{judge, Grade, Holding, PersonParts};
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

/// Enters a person in the incident's register, their personal data kept
/// apart under its digest.
pub fn record_person(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &JournalKey,
    id: IncidentId,
    r: &NewPerson,
) -> Result<(Vec<Event>, PersonId)> {
    visible_incident(c, ctx, id)?;
    let parts = PersonParts::parse(r, ctx.now.year())?;
    let hq = acting_hq(c, ctx, id, r.hq, Capability::PersonsManage)?;
    not_closed(c, id)?;
    let person = PersonId::new();
    let details = data::keep(c, key, Kind::Details, person, &parts.details)?;
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::PersonRecorded {
                person,
                hq,
                role: parts.role,
                nationalities: parts.nationalities,
                employer: parts.employer,
                details,
            },
        )],
        person,
    ))
}

/// The person, for a viewer who may change them with `cap`: `NotFound`
/// for whoever may not know the incident, a refusal for one without the
/// right.
fn person_for(
    c: &mut dyn Conn,
    ctx: &Ctx,
    person: PersonId,
    cap: Capability,
    what: &str,
) -> Result<super::Stored> {
    let p = super::stored(c, person, At::Now)?.ok_or(StoreError::NotFound)?;
    if !ctx.p.can_see_incident(p.incident) {
        return Err(StoreError::NotFound);
    }
    if !ctx.p.can_in_incident(p.incident, cap) {
        return Err(forbid(what));
    }
    Ok(p)
}

/// Changes what is recorded of a person: the fields the request gives.
pub fn amend_person(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &JournalKey,
    person: PersonId,
    r: &AmendPerson,
) -> Result<(Vec<Event>, ())> {
    let p = person_for(c, ctx, person, Capability::PersonsManage, "record people")?;
    let touches_details = r.family_name.is_some()
        || r.given_name.is_some()
        || r.native_name.is_some()
        || r.other_names.is_some()
        || r.sex.is_some()
        || r.date_of_birth.is_some()
        || r.age.is_some()
        || r.passport_number.is_some()
        || r.location.is_some()
        || r.contacts.is_some();
    let was = match super::details_of(c, &p)? {
        Some(d) => PersonParts {
            details: d,
            role: p.role,
            nationalities: p.nationalities.clone(),
            employer: p.employer.clone(),
        },
        None if touches_details => {
            return Err(StoreError::Conflict(
                "this person's personal data was erased; it cannot be amended".into(),
            ))
        }
        None => PersonParts {
            details: honbu_domain::people::PersonDetails {
                family_name: "-".into(),
                ..Default::default()
            },
            role: p.role,
            nationalities: p.nationalities.clone(),
            employer: p.employer.clone(),
        },
    };
    let now = was.amend(r, ctx.now.year())?;
    not_closed(c, p.incident)?;
    let details = if touches_details && now.details != was.details {
        Some(data::keep(c, key, Kind::Details, person, &now.details)?)
    } else {
        None
    };
    let role = (now.role != was.role).then_some(now.role);
    let nationalities = (now.nationalities != was.nationalities).then(|| now.nationalities.clone());
    let employer = (now.employer != was.employer).then(|| now.employer.clone().unwrap_or_default());
    if details.is_none() && role.is_none() && nationalities.is_none() && employer.is_none() {
        return Err(StoreError::Conflict(
            "nothing changes: that is what is recorded".into(),
        ));
    }
    Ok((
        vec![ctx.ev(
            Some(p.incident),
            Body::PersonAmended {
                person,
                role,
                nationalities,
                employer,
                details,
            },
        )],
        (),
    ))
}

/// What recording a status report did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reported {
    pub id: PersonReportId,
    #[serde(flatten)]
    pub outcome: honbu_domain::people::Outcome,
}

/// Records a report of where a person stands; the precedence rules decide,
/// now, whether it holds, is noted, or puts the person in review.
pub fn report_status(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &JournalKey,
    person: PersonId,
    r: &ReportStatus,
) -> Result<(Vec<Event>, Reported)> {
    let p = person_for(
        c,
        ctx,
        person,
        Capability::PersonsManage,
        "report on people",
    )?;
    let status = PersonStatus::parse("status", &r.status)?;
    let credibility = Credibility::from_json("credibility", &r.credibility)?;
    let reported_at = opt_time("reported_at", &r.reported_at, ctx.now)?;
    if reported_at > ctx.now + chrono::Duration::minutes(5) {
        return Err(FieldError::new("reported_at", "must not be in the future").into());
    }
    let note = text("note", r.note.as_deref().unwrap_or(""), 0, 5000)?;
    let (source, source_name, source_kind, reliability) = match r.source {
        Some(s) => {
            let row = log::source(c, s)?
                .ok_or_else(|| FieldError::new("source", "is not a registered source"))?;
            (Some(s), row.name, Some(row.kind), row.reliability)
        }
        None => (None, ctx.p.display_name.clone(), None, Reliability::F),
    };
    if !note.is_empty() && p.erased_at.is_some() {
        return Err(FieldError::new(
            "note",
            "this person's personal data was erased: report the status without a note",
        )
        .into());
    }
    let hq = acting_hq(c, ctx, p.incident, r.hq, Capability::PersonsManage)?;
    not_closed(c, p.incident)?;
    let current = p.status_reported_at.map(|at| Holding {
        status: p.status,
        reported_at: at,
    });
    let outcome = judge(
        current,
        status,
        reported_at,
        Grade {
            source_kind,
            reliability,
            credibility,
        },
    );
    let note = if note.is_empty() {
        None
    } else {
        Some(data::keep(c, key, Kind::Note, person, &note)?)
    };
    let report = PersonReportId::new();
    Ok((
        vec![ctx.ev(
            Some(p.incident),
            Body::PersonStatusReported {
                report,
                person,
                hq,
                status,
                reported_at,
                source,
                source_name,
                source_kind,
                reliability,
                credibility,
                note,
                outcome: outcome.clone(),
            },
        )],
        Reported {
            id: report,
            outcome,
        },
    ))
}

/// Settles which report stands for a person (in review, or not): its
/// status becomes the person's, and the review ends.
pub fn settle_status(
    c: &mut dyn Conn,
    ctx: &Ctx,
    person: PersonId,
    r: &SettleStatus,
) -> Result<(Vec<Event>, ())> {
    let p = person_for(
        c,
        ctx,
        person,
        Capability::PersonsManage,
        "settle people's status",
    )?;
    let why = reason(&r.reason)?;
    let Some(report) = super::report_status_of(c, person, r.report)? else {
        return Err(FieldError::new("report", "is not a report on this person").into());
    };
    if p.review.is_none() && p.status_report == Some(r.report) {
        return Err(StoreError::Conflict(format!(
            "that report already stands: the status is {report}"
        )));
    }
    not_closed(c, p.incident)?;
    Ok((
        vec![ctx.ev(
            Some(p.incident),
            Body::PersonStatusSettled {
                person,
                report: r.report,
                reason: why,
            },
        )],
        (),
    ))
}

/// Erases a person's personal data (on request, or when its time is up):
/// its rows are deleted in this transaction; the person's number, role and
/// statuses stay on the record. A closed incident's people can be erased
/// too: retention ends after the record is final.
pub fn erase_person(
    c: &mut dyn Conn,
    ctx: &Ctx,
    person: PersonId,
    r: &ErasePerson,
) -> Result<(Vec<Event>, u64)> {
    let p = person_for(
        c,
        ctx,
        person,
        Capability::PersonalDataErase,
        "erase personal data",
    )?;
    let basis = ErasureBasis::parse("basis", &r.basis)?;
    let why = reason(&r.reason)?;
    if p.erased_at.is_some() {
        return Err(StoreError::Conflict(
            "this person's personal data was erased already".into(),
        ));
    }
    let rows = data::erase(c, person)?;
    Ok((
        vec![ctx.ev(
            Some(p.incident),
            Body::PersonalDataErased {
                person,
                basis,
                reason: why,
            },
        )],
        rows,
    ))
}
