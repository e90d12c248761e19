//! The state of one incident as a fold of its events. This is how honbu
//! answers "what did we know at 03:00 on 19 December?": it replays the
//! incident's journal up to that moment. It is also the reference the
//! store's read models are checked against.

use crate::access::Principal;
use crate::board::*;
use crate::events::{Body, Committed};
use crate::ids::*;
use crate::time::Timestamp;
use crate::vocab::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct Hq {
    view: HqView,
    members: BTreeMap<UserId, RoleName>,
    on_duty: Vec<UserId>,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentState {
    pub incident: Option<IncidentView>,
    pub seq: i64,
    hqs: Vec<Hq>,
    entries: Vec<EntryView>,
    entry_index: BTreeMap<EntryId, usize>,
    decisions: Vec<DecisionView>,
    tasks: BTreeMap<TaskId, TaskView>,
    /// When the incident was closed, while it stays closed.
    closed_at: Option<Timestamp>,
}

impl IncidentState {
    /// Folds the events of one incident, in journal order.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Committed>) -> Self {
        let mut s = IncidentState::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    pub fn apply(&mut self, c: &Committed) {
        let e = &c.event;
        self.seq = c.seq;
        let at = e.at;
        match &e.body {
            Body::IncidentOpened {
                kind,
                title,
                country,
                place,
                area,
                severity,
                time_zone,
                summary,
            } => {
                if let Some(id) = e.incident {
                    self.incident = Some(IncidentView {
                        id,
                        kind: *kind,
                        title: title.clone(),
                        country: country.clone(),
                        place: *place,
                        area: area.clone(),
                        severity: *severity,
                        time_zone: *time_zone,
                        summary: summary.clone(),
                        status: IncidentStatus::Monitoring,
                        opened_at: at,
                        opened_by: e.actor,
                    });
                }
            }
            Body::IncidentAmended {
                title,
                severity,
                summary,
                place,
                area,
                ..
            } => {
                if let Some(i) = self.incident.as_mut() {
                    if let Some(v) = title {
                        i.title = v.clone();
                    }
                    if let Some(v) = severity {
                        i.severity = *v;
                    }
                    if let Some(v) = summary {
                        i.summary = v.clone();
                    }
                    if let Some(v) = place {
                        i.place = *v;
                    }
                    if area.is_some() {
                        i.area = area.clone();
                    }
                }
            }
            Body::IncidentStatusChanged { to, .. } => {
                if let Some(i) = self.incident.as_mut() {
                    i.status = *to;
                    self.closed_at = (*to == IncidentStatus::Closed).then_some(at);
                }
            }
            Body::HqActivated {
                hq,
                name,
                kind,
                time_zone,
                report_every_minutes,
            } => self.hqs.push(Hq {
                view: HqView {
                    id: *hq,
                    name: name.clone(),
                    kind: *kind,
                    time_zone: *time_zone,
                    activated_at: at,
                    members: 0,
                    on_duty: vec![],
                    report_every_minutes: *report_every_minutes,
                    last_report_at: None,
                    report_due_at: None,
                    report_overdue: false,
                },
                members: BTreeMap::new(),
                on_duty: vec![],
            }),
            Body::HqMemberAdded { hq, user, role } => {
                if let Some(h) = self.hq_mut(*hq) {
                    h.members.insert(*user, role.clone());
                }
            }
            Body::HqMemberRemoved { hq, user } => {
                if let Some(h) = self.hq_mut(*hq) {
                    h.members.remove(user);
                    h.on_duty.retain(|u| u != user);
                }
            }
            Body::ReportCadenceSet { hq, every_minutes } => {
                if let Some(h) = self.hq_mut(*hq) {
                    h.view.report_every_minutes = *every_minutes;
                }
            }
            Body::DutyStarted { hq, user } => {
                if let Some(h) = self.hq_mut(*hq) {
                    if !h.on_duty.contains(user) {
                        h.on_duty.push(*user);
                    }
                }
            }
            Body::DutyEnded { hq, user } => {
                if let Some(h) = self.hq_mut(*hq) {
                    h.on_duty.retain(|u| u != user);
                }
            }
            Body::StatusReportFiled { hq, .. } => {
                if let Some(h) = self.hq_mut(*hq) {
                    h.view.last_report_at = Some(at);
                }
            }
            Body::EntryLogged(l) => {
                let number = self.entries.len() as i64 + 1;
                if let Some(old) = l
                    .supersedes
                    .and_then(|id| self.entry_index.get(&id).copied())
                {
                    self.entries[old].superseded_by = Some(l.entry);
                }
                self.entry_index.insert(l.entry, self.entries.len());
                self.entries.push(EntryView {
                    id: l.entry,
                    number,
                    hq: l.hq,
                    author: e.actor,
                    occurred_at: l.occurred_at,
                    reported_at: l.reported_at,
                    entered_at: at,
                    source: l.source,
                    source_name: l.source_name.clone(),
                    reliability: l.reliability,
                    credibility: l.credibility,
                    category: l.category,
                    release: l.release,
                    significant: l.significant,
                    text: l.text.clone(),
                    supersedes: l.supersedes,
                    superseded_by: None,
                    links: l.links.clone(),
                    released_to: vec![],
                });
            }
            Body::EntrySignificance { entry, significant } => {
                if let Some(&i) = self.entry_index.get(entry) {
                    self.entries[i].significant = *significant;
                }
            }
            Body::EntryReleased { entry, to_hq } => {
                if let Some(&i) = self.entry_index.get(entry) {
                    if !self.entries[i].released_to.contains(to_hq) {
                        self.entries[i].released_to.push(*to_hq);
                        self.entries[i].released_to.sort();
                    }
                }
            }
            Body::DecisionRecorded {
                decision,
                hq,
                decided_at,
                decided_by,
                title,
                options,
                rationale,
                based_on,
            } => self.decisions.push(DecisionView {
                id: *decision,
                hq: *hq,
                decided_at: *decided_at,
                decided_by: decided_by.clone(),
                recorded_by: e.actor,
                recorded_at: at,
                title: title.clone(),
                options: options.clone(),
                rationale: rationale.clone(),
                based_on: based_on.clone(),
            }),
            Body::TaskAssigned {
                task,
                hq,
                title,
                owner,
                due_at,
                note,
            } => {
                self.tasks.insert(
                    *task,
                    TaskView {
                        id: *task,
                        hq: *hq,
                        title: title.clone(),
                        owner: owner.clone(),
                        due_at: *due_at,
                        status: TaskStatus::Open,
                        note: note.clone(),
                        created_at: at,
                        created_by: e.actor,
                        updated_at: at,
                        overdue: false,
                    },
                );
            }
            Body::TaskStatusChanged { task, status, note } => {
                if let Some(t) = self.tasks.get_mut(task) {
                    t.status = *status;
                    t.note = note.clone();
                    t.updated_at = at;
                }
            }
            _ => {}
        }
    }

    fn hq_mut(&mut self, id: HqId) -> Option<&mut Hq> {
        self.hqs.iter_mut().find(|h| h.view.id == id)
    }

    /// The board as `viewer` may see it at `at`. `names` gives display names
    /// for the people on duty.
    pub fn board(
        &self,
        viewer: &Principal,
        at: Timestamp,
        names: &dyn Fn(UserId) -> String,
    ) -> Option<Board> {
        let incident = self.incident.clone()?;
        // A closed incident's clock stops: nothing becomes overdue after it closed.
        let at = match self.closed_at {
            Some(closed) => at.min(closed),
            None => at,
        };
        let visible: Vec<&EntryView> = self
            .entries
            .iter()
            .filter(|e| viewer.can_read_entry(incident.id, e.hq, e.release, &e.released_to))
            .collect();
        let significant: Vec<EntryView> = visible
            .iter()
            .rev()
            .filter(|e| e.significant)
            .take(BOARD_SIGNIFICANT)
            .map(|e| (*e).clone())
            .collect();
        let recent: Vec<EntryView> = visible
            .iter()
            .rev()
            .take(BOARD_RECENT)
            .map(|e| (*e).clone())
            .collect();
        let mut tasks: Vec<TaskView> = self
            .tasks
            .values()
            .filter(|t| !t.status.is_closed())
            .map(|t| TaskView {
                overdue: task_overdue(t.status, t.due_at, at),
                ..t.clone()
            })
            .collect();
        sort_tasks(&mut tasks);
        let mut decisions = self.decisions.clone();
        decisions.sort_by(|a, b| {
            b.recorded_at
                .cmp(&a.recorded_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        let decisions_total = decisions.len() as i64;
        decisions.truncate(BOARD_DECISIONS);
        let hqs: Vec<HqView> = self
            .hqs
            .iter()
            .map(|h| {
                let (due, overdue) = report_due(
                    h.view.report_every_minutes,
                    h.view.activated_at,
                    h.view.last_report_at,
                    at,
                );
                let mut on_duty: Vec<Person> = h
                    .on_duty
                    .iter()
                    .map(|u| Person {
                        id: *u,
                        name: names(*u),
                    })
                    .collect();
                on_duty.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                HqView {
                    members: h.members.len(),
                    on_duty,
                    report_due_at: due,
                    report_overdue: overdue,
                    ..h.view.clone()
                }
            })
            .collect();
        let counts = Counts {
            entries: visible.len() as i64,
            significant: visible.iter().filter(|e| e.significant).count() as i64,
            open_tasks: tasks.len() as i64,
            overdue_tasks: tasks.iter().filter(|t| t.overdue).count() as i64,
            decisions: decisions_total,
            on_duty: hqs.iter().map(|h| h.on_duty.len() as i64).sum(),
            // The HQs of a closed incident have stood down: none is short of staff.
            hqs_without_duty: if incident.status.is_closed() {
                0
            } else {
                hqs.iter().filter(|h| h.on_duty.is_empty()).count() as i64
            },
            reports_overdue: hqs.iter().filter(|h| h.report_overdue).count() as i64,
        };
        Some(Board {
            incident,
            as_of: at,
            seq: self.seq,
            hqs,
            significant,
            recent,
            tasks,
            decisions,
            counts,
        })
    }

    /// Every entry visible to `viewer`, in entry order (for briefs and reports).
    pub fn entries_for<'a>(
        &'a self,
        viewer: &'a Principal,
    ) -> impl Iterator<Item = &'a EntryView> + 'a {
        let id = self.incident.as_ref().map(|i| i.id);
        self.entries.iter().filter(move |e| {
            id.is_some_and(|id| viewer.can_read_entry(id, e.hq, e.release, &e.released_to))
        })
    }

    pub fn decisions(&self) -> &[DecisionView] {
        &self.decisions
    }

    pub fn tasks(&self) -> impl Iterator<Item = &TaskView> {
        self.tasks.values()
    }
}
