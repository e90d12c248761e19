//! Commands on the log: sources, entries, significance, release.

use crate::rules::{acting_hq, forbid, open_for_work, opt_time, reason, visible_incident, Ctx};
use crate::sql::Conn;
use crate::versions::At;
use crate::{headquarters, Result, StoreError};
use honbu_domain::board::EntryView;
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, EntryLogged, Event};
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

pub fn register_source(
    _c: &mut dyn Conn,
    ctx: &Ctx,
    r: &RegisterSource,
) -> Result<(Vec<Event>, SourceId)> {
    let name = text("name", &r.name, 1, 200)?;
    let kind = SourceKind::parse("kind", &r.kind)?;
    let reliability = Reliability::parse("reliability", &r.reliability)?;
    if !ctx.p.may_grade_sources() {
        return Err(forbid("register sources"));
    }
    let source = SourceId::new();
    Ok((
        vec![ctx.ev(
            None,
            Body::SourceRegistered {
                source,
                name,
                kind,
                reliability,
            },
        )],
        source,
    ))
}

pub fn regrade_source(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: SourceId,
    r: &RegradeSource,
) -> Result<(Vec<Event>, ())> {
    let reliability = Reliability::parse("reliability", &r.reliability)?;
    let reason = reason(&r.reason)?;
    if !ctx.p.may_grade_sources() {
        return Err(forbid("grade sources"));
    }
    super::source(c, id)?.ok_or(StoreError::NotFound)?;
    Ok((
        vec![ctx.ev(
            None,
            Body::SourceRegraded {
                source: id,
                reliability,
                reason,
            },
        )],
        (),
    ))
}

pub fn log_entry(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &NewEntry,
) -> Result<(Vec<Event>, EntryId)> {
    let inc = visible_incident(c, ctx, id)?;
    let text = text("text", &r.text, 1, 20_000)?;
    let occurred_at = opt_time("occurred_at", &r.occurred_at, ctx.now)?;
    let reported_at = opt_time("reported_at", &r.reported_at, ctx.now.max(occurred_at))?;
    if reported_at < occurred_at {
        return Err(FieldError::new("reported_at", "must not be before occurred_at").into());
    }
    if occurred_at > ctx.now + chrono::Duration::minutes(5) {
        return Err(FieldError::new("occurred_at", "must not be in the future").into());
    }
    if reported_at > ctx.now + chrono::Duration::minutes(5) {
        return Err(FieldError::new("reported_at", "must not be in the future").into());
    }
    let credibility = Credibility::from_json("credibility", &r.credibility)?;
    let category = r
        .category
        .as_deref()
        .map(|s| Category::parse("category", s))
        .transpose()?
        .unwrap_or(Category::Information);
    let release = r
        .release
        .as_deref()
        .map(|s| Release::parse("release", s))
        .transpose()?;
    let (source, source_name, reliability) = match r.source {
        Some(s) => {
            let row = super::source(c, s)?
                .ok_or_else(|| FieldError::new("source", "is not a registered source"))?;
            (Some(s), row.name, row.reliability)
        }
        None => (None, ctx.p.display_name.clone(), Reliability::F),
    };
    // A reference to an entry the author may not read answers exactly as
    // one to no entry, and changes nothing.
    let corrected = match r.supersedes {
        Some(old) => {
            let e = super::referable_entry(c, ctx.p, id, old)?
                .ok_or_else(|| FieldError::new("supersedes", "is not an entry of this incident"))?;
            if e.superseded_by.is_some() {
                return Err(FieldError::new(
                    "supersedes",
                    "that entry has already been superseded; correct the newer one",
                )
                .into());
            }
            Some(e)
        }
        None => None,
    };
    // A correction reaches everyone who may read what it corrects, so that
    // nobody is left reading the old text as current: by default it takes
    // the corrected entry's marking, and a narrower one is refused.
    let release = match (&corrected, release) {
        (None, r) => r.unwrap_or(Release::Incident),
        (Some(old), None) => old.release,
        (Some(old), Some(r)) if r < old.release => {
            return Err(FieldError::new(
                "release",
                format!(
                    "a correction must reach everyone who can read the entry it corrects: at least \"{}\"",
                    old.release
                ),
            )
            .into())
        }
        (Some(_), Some(r)) => r,
    };
    NewEntry::check_links(r.links.len())?;
    for (i, l) in r.links.iter().enumerate() {
        if super::referable_entry(c, ctx.p, id, *l)?.is_none() {
            return Err(
                FieldError::new(format!("links[{i}]"), "is not an entry of this incident").into(),
            );
        }
    }
    let hq = acting_hq(c, ctx, id, r.hq, Capability::LogWrite)?;
    open_for_work(&inc)?;
    let entry = EntryId::new();
    let body = Body::EntryLogged(Box::new(EntryLogged {
        entry,
        hq,
        occurred_at,
        reported_at,
        source,
        source_name,
        reliability,
        credibility,
        category,
        release,
        // A correction of a significant entry stands where it stood.
        significant: r
            .significant
            .unwrap_or(corrected.as_ref().is_some_and(|e| e.significant)),
        text,
        supersedes: r.supersedes,
        links: r.links.clone(),
    }));
    let mut events = vec![ctx.ev(Some(id), body)];
    // An HQ-only correction is released to every HQ that reads the entry
    // it corrects.
    if let (Some(old), Release::Hq) = (&corrected, release) {
        for to_hq in readers(old) {
            if to_hq != hq {
                events.push(ctx.ev(Some(id), Body::EntryReleased { entry, to_hq }));
            }
        }
    }
    Ok((events, entry))
}

/// The HQs that read an HQ-only entry: its own and those it was released to.
fn readers(e: &EntryView) -> Vec<HqId> {
    let mut v = vec![e.hq];
    v.extend(e.released_to.iter().copied().filter(|h| *h != e.hq));
    v
}

/// The entry, readable by the viewer, and its incident.
fn readable_entry(c: &mut dyn Conn, ctx: &Ctx, entry: EntryId) -> Result<(IncidentId, EntryView)> {
    super::entry(c, ctx.p, entry, At::Now)?.ok_or(StoreError::NotFound)
}

pub fn mark_significant(
    c: &mut dyn Conn,
    ctx: &Ctx,
    entry: EntryId,
    r: &MarkSignificant,
) -> Result<(Vec<Event>, ())> {
    let (inc, e) = readable_entry(c, ctx, entry)?;
    if !ctx.p.can_in_incident(inc, Capability::LogWrite) {
        return Err(forbid("mark entries significant"));
    }
    if e.significant == r.significant {
        return Ok((vec![], ()));
    }
    Ok((
        vec![ctx.ev(
            Some(inc),
            Body::EntrySignificance {
                entry,
                significant: r.significant,
            },
        )],
        (),
    ))
}

pub fn release_entry(
    c: &mut dyn Conn,
    ctx: &Ctx,
    entry: EntryId,
    r: &ReleaseEntry,
) -> Result<(Vec<Event>, ())> {
    let (inc, e) = readable_entry(c, ctx, entry)?;
    match headquarters::hq_incident(c, r.to_hq)? {
        Some(i) if i == inc => {}
        _ => return Err(FieldError::new("to_hq", "is not a headquarters of this incident").into()),
    }
    if !ctx.p.can(e.hq, Capability::LogRelease) {
        return Err(forbid(
            "release entries of the headquarters that wrote them",
        ));
    }
    if r.to_hq == e.hq || e.released_to.contains(&r.to_hq) || e.release >= Release::Incident {
        return Err(StoreError::Conflict(
            "that headquarters can already read this entry".into(),
        ));
    }
    let mut events = vec![ctx.ev(
        Some(inc),
        Body::EntryReleased {
            entry,
            to_hq: r.to_hq,
        },
    )];
    // Releasing an entry releases its corrections with it: the HQ that now
    // reads it must not read it as current.
    let mut next = e.superseded_by;
    let mut seen = 0;
    while let Some(n) = next {
        let Some((_, later)) = super::entry_unchecked(c, n, At::Now)? else {
            break;
        };
        if later.release == Release::Hq
            && later.hq != r.to_hq
            && !later.released_to.contains(&r.to_hq)
        {
            events.push(ctx.ev(
                Some(inc),
                Body::EntryReleased {
                    entry: later.id,
                    to_hq: r.to_hq,
                },
            ));
        }
        next = later.superseded_by;
        seen += 1;
        if seen > 10_000 {
            return Err(StoreError::Corrupt(format!(
                "the corrections of entry {entry} run in a loop"
            )));
        }
    }
    Ok((events, ()))
}
