//! Live updates. Every committed event reaches the store's bus (directly on
//! SQLite; through LISTEN/NOTIFY from any instance on PostgreSQL); each SSE
//! subscriber takes the events of its incident and sees only what its
//! viewer may: a log entry's content only when its marking allows, other
//! changes only as "something changed" (kind, time, journal number), on
//! which a page refetches what it shows. A new entry is sent as the API
//! returns it (`EntryView`), read once for every subscriber.

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::AppState;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use honbu_domain::access::Principal;
use honbu_domain::events::{Body, Committed};
use honbu_domain::ids::IncidentId;
use honbu_store::incidents;
use honbu_store::log;
use honbu_store::versions::At;
use honbu_store::{Published, Store};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// The SSE message for one committed event, or `None` when this viewer is
/// not to learn of it.
pub async fn message(
    store: &Store,
    p: &Principal,
    incident: IncidentId,
    ev: &Published,
) -> Option<(&'static str, String)> {
    if ev.event.incident != Some(incident) || ev.event.body.is_security() {
        return None;
    }
    if let Body::EntryLogged(l) = &ev.event.body {
        if !p.can_read_entry(incident, l.hq, l.release, &[]) {
            return None;
        }
    }
    // What a viewer may learn of an event is the same for every viewer who
    // may learn of it at all: made once, for all subscribers.
    let data = ev.wire.get_or_init(|| wire(store, ev)).await.clone()?;
    Some((ev.event.body.kind(), data))
}

/// The event's kind, time and journal number; for a new entry, the entry
/// itself, as the API returns it (`EntryView`), as it stood once this event
/// was applied.
async fn wire(store: &Store, ev: &Committed) -> Option<String> {
    let kind = ev.event.body.kind();
    let mut data = json!({ "seq": ev.seq, "kind": kind, "at": ev.event.at });
    if let Body::EntryLogged(l) = &ev.event.body {
        let (id, seq) = (l.entry, ev.seq);
        match store
            .read(move |c| log::entry_unchecked(c, id, At::Seq(seq)))
            .await
        {
            Ok(Some((_, entry))) => {
                data["entry"] = serde_json::to_value(entry).unwrap_or(Value::Null);
            }
            // The page refetches what it shows on any event; a stream that
            // cannot read the entry still says something changed.
            Ok(None) => tracing::warn!("live stream: entry {id} of event {seq} is not in the log"),
            Err(e) => tracing::warn!("live stream: entry {id} of event {seq}: {e}"),
        }
    }
    Some(data.to_string())
}

pub async fn incident_stream(
    state: &AppState,
    v: Viewer,
    id: IncidentId,
) -> Result<Response, ApiError> {
    // Subscribe before checking, so nothing committed in between is missed.
    let rx = state.store.subscribe();
    let p = v.p.clone();
    if state
        .store
        .read(move |c| incidents::incident(c, &p, id, At::Now))
        .await?
        .is_none()
    {
        return Err(ApiError::not_found());
    }
    let p = Arc::new(v.p);
    let store = state.store.clone();
    let stream = futures::stream::unfold(rx, move |mut rx| {
        let (p, store) = (p.clone(), store.clone());
        async move {
            loop {
                match rx.recv().await {
                    Ok(ev) => {
                        if let Some((kind, data)) = message(&store, &p, id, &ev).await {
                            let e = Event::default()
                                .event(kind)
                                .id(ev.seq.to_string())
                                .data(data);
                            return Some((Ok::<_, Infallible>(e), rx));
                        }
                    }
                    // Too slow a reader: tell it to refetch rather than fall behind.
                    Err(RecvError::Lagged(n)) => {
                        let e = Event::default()
                            .event("lagged")
                            .data(json!({ "missed": n }).to_string());
                        return Some((Ok(e), rx));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
