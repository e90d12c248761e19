//! Live updates. Every committed event reaches the store's bus (directly on
//! SQLite; through LISTEN/NOTIFY from any instance on PostgreSQL); each SSE
//! subscriber takes the events of its incident and sees only what its
//! viewer may: a log entry's content only when its marking allows, a file
//! attached to an entry only when they may read the entry, other
//! changes only as "something changed" (kind, time, journal number), on
//! which a page refetches what it shows. A new entry is sent as the API
//! returns it (`EntryView`), read once for every subscriber.
//!
//! Rights hold at every moment, not only at connect: a stream keeps the
//! credential it was opened with (its hash), and every event that may change
//! its holder's rights (a membership, a global role, a sign-out, a revoked
//! token, a disabled account: `Body::rights_of`) makes it look at the credential again
//! before it sends anything more. A credential that no longer holds, or a
//! principal that can no longer see the incident, ends the stream; a session
//! that runs out ends it at its expiry, without waiting for an event.

use crate::auth::{Credential, Via, Viewer};
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
use honbu_store::{Published, Store, Wire};
use serde_json::{json, Value};
use std::collections::HashMap;
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
    // An HQ-only decision is not theirs to learn of either, not even that
    // one was taken.
    if let Body::DecisionRecorded { hq, release, .. } = &ev.event.body {
        if !p.can_read_entry(incident, *hq, *release, &[]) {
            return None;
        }
    }
    // What a viewer may learn of an event is the same for every viewer who
    // may learn of it at all, made once for all subscribers; but for an
    // entry naming one this viewer may not read, which is left out for them.
    let wire = ev.wire.get_or_init(|| wire(store, ev)).await.as_ref()?;
    // A file attached to, a mark set on, a release of an entry this viewer
    // may not read (as the entry stood once the event was applied: the HQ
    // an entry is released to learns of it) is not theirs to learn of, not
    // even that it came.
    if let Some((entry, refs)) = &wire.about {
        refs.readable(p, incident, *entry)?;
    }
    if let Some((entry, refs)) = &wire.entry {
        if refs.hides_any(p, incident, entry) {
            let mut entry = entry.clone();
            refs.apply(p, incident, &mut entry);
            let mut data: Value = serde_json::from_str(&wire.data).ok()?;
            data["entry"] = serde_json::to_value(entry).unwrap_or(Value::Null);
            return Some((ev.event.body.kind(), data.to_string()));
        }
    }
    Some((ev.event.body.kind(), wire.data.clone()))
}

/// The event's kind, time and journal number; for a new entry, the entry
/// itself, as the API returns it (`EntryView`), as it stood once this event
/// was applied, naming the entries it names (as a reader who may read them
/// all sees it).
async fn wire(store: &Store, ev: &Committed) -> Option<Wire> {
    let kind = ev.event.body.kind();
    let mut data = json!({ "seq": ev.seq, "kind": kind, "at": ev.event.at });
    let mut with = None;
    if let Body::EntryLogged(l) = &ev.event.body {
        let (id, seq) = (l.entry, ev.seq);
        match store
            .read(move |c| {
                let Some((_, mut e)) = log::entry_unchecked(c, id, At::Seq(seq))? else {
                    return Ok(None);
                };
                let refs = log::Refs::of(c, At::Seq(seq), std::slice::from_ref(&e))?;
                refs.number(&mut e);
                Ok(Some((e, refs)))
            })
            .await
        {
            Ok(Some((entry, refs))) => {
                data["entry"] = serde_json::to_value(&entry).unwrap_or(Value::Null);
                with = Some((entry, refs));
            }
            // The page refetches what it shows on any event; a stream that
            // cannot read the entry still says something changed.
            Ok(None) => tracing::warn!("live stream: entry {id} of event {seq} is not in the log"),
            Err(e) => tracing::warn!("live stream: entry {id} of event {seq}: {e}"),
        }
    }
    let mut about = None;
    if let Body::AttachmentAdded { entry, .. }
    | Body::EntrySignificance { entry, .. }
    | Body::EntryReleased { entry, .. } = &ev.event.body
    {
        let (id, seq) = (*entry, ev.seq);
        match store
            .read(move |c| log::Refs::of_ids(c, At::Seq(seq), vec![id]))
            .await
        {
            Ok(refs) => about = Some((id, refs)),
            // Without the entry's mark, nobody is told.
            Err(e) => {
                tracing::warn!("live stream: entry {id} of event {seq}: {e}");
                return None;
            }
        }
    }
    Some(Wire {
        data: data.to_string(),
        entry: with,
        about,
    })
}

/// The second looks at credentials that one event calls for, shared: a
/// user with many streams open (tabs, screens, a wall display) is looked up
/// once per event, not once per stream. Only the looks of the latest event
/// are kept; each is made after that event was committed, so it holds for
/// every stream that asks on its account.
#[derive(Default)]
pub struct Rechecks {
    latest: std::sync::Mutex<(i64, Looks)>,
}

type Looks = HashMap<(Via, String), Arc<tokio::sync::OnceCell<Option<Principal>>>>;

impl Rechecks {
    /// The principal `credential` acts as now, looked up once for event
    /// `seq` whichever stream asks first; `None` when it no longer holds
    /// (or could not be checked: a stream then stops rather than send on
    /// rights not proven).
    pub async fn look(
        &self,
        state: &AppState,
        credential: &Credential,
        seq: i64,
    ) -> Option<Principal> {
        let (via, hash) = credential.id();
        let cell = {
            let mut latest = self.latest.lock().unwrap_or_else(|p| p.into_inner());
            if latest.0 != seq {
                *latest = (seq, HashMap::new());
            }
            latest.1.entry((via, hash.to_string())).or_default().clone()
        };
        cell.get_or_init(|| async {
            credential.principal(state).await.unwrap_or_else(|e| {
                tracing::warn!("live stream: rights could not be checked again, closing: {e}");
                None
            })
        })
        .await
        .clone()
    }
}

/// A stream's subscriber: the bus, and who it sends to, as of now.
struct Subscriber {
    rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    p: Principal,
    credential: Credential,
    state: AppState,
}

/// Why a stream ends.
enum Next {
    Send(Event),
    End,
}

impl Subscriber {
    /// Checks the credential again: the principal it acts as now, or `None`
    /// when it no longer holds or can no longer see the incident.
    async fn recheck(&mut self, incident: IncidentId, seq: i64) -> bool {
        match self
            .state
            .rechecks
            .look(&self.state, &self.credential, seq)
            .await
        {
            Some(p) if p.can_see_incident(incident) => {
                self.p = p;
                true
            }
            _ => false,
        }
    }

    async fn next(&mut self, incident: IncidentId) -> Next {
        let expiry = self.credential.expires_at.map(|t| {
            let left = (t - chrono::Utc::now()).to_std().unwrap_or_default();
            tokio::time::Instant::now() + left
        });
        loop {
            let received = match expiry {
                Some(at) => tokio::select! {
                    r = self.rx.recv() => r,
                    // The session ran out: nothing more, and no wait for an event to notice.
                    _ = tokio::time::sleep_until(at) => return Next::End,
                },
                None => self.rx.recv().await,
            };
            match received {
                Ok(ev) => {
                    // Rights are checked for every event sent: an event that
                    // may change this viewer's is followed at once by a fresh
                    // look at the credential, before anything else goes out.
                    if ev
                        .event
                        .body
                        .rights_of()
                        .is_some_and(|w| self.credential.touched_by(w))
                        && !self.recheck(incident, ev.seq).await
                    {
                        return Next::End;
                    }
                    if self
                        .credential
                        .expires_at
                        .is_some_and(|t| t <= chrono::Utc::now())
                    {
                        return Next::End;
                    }
                    if let Some((kind, data)) =
                        message(&self.state.store, &self.p, incident, &ev).await
                    {
                        return Next::Send(
                            Event::default()
                                .event(kind)
                                .id(ev.seq.to_string())
                                .data(data),
                        );
                    }
                }
                // Too slow a reader: tell it to refetch rather than fall
                // behind; what it missed may have changed its rights.
                Err(RecvError::Lagged(n)) => {
                    // A position no event has: a look of its own.
                    if !self.recheck(incident, -(n as i64)).await {
                        return Next::End;
                    }
                    return Next::Send(
                        Event::default()
                            .event("lagged")
                            .data(json!({ "missed": n }).to_string()),
                    );
                }
                Err(RecvError::Closed) => return Next::End,
            }
        }
    }
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
    let sub = Subscriber {
        rx,
        p: v.p,
        credential: v.credential,
        state: state.clone(),
    };
    let stream = futures::stream::unfold(sub, move |mut sub| async move {
        match sub.next(id).await {
            Next::Send(e) => Some((Ok::<_, Infallible>(e), sub)),
            Next::End => None,
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
