//! The Lima 1996–97 demo: the seizure of the Japanese Ambassador's residence,
//! 127 days, loaded from `demo/lima-1996-97.json` as a chronological list of
//! actions, each carried out through the same command handlers (and the
//! same access rules) as a real officer's, at the scenario's time. What the
//! scenario cannot do under the rules, the loader refuses to load.

use anyhow::{anyhow, bail, Context};
use honbu_domain::access::Principal;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::time::{parse_time, Timestamp};
use honbu_domain::vocab::{Capability, PersonRole};
use honbu_store::accounts;
use honbu_store::headquarters;
use honbu_store::incidents;
use honbu_store::journal;
use honbu_store::log;
use honbu_store::people;
use honbu_store::reports;
use honbu_store::rules::Ctx;
use honbu_store::versions::At;
use honbu_store::work;
use honbu_store::Store;
use serde::Deserialize;
use std::collections::HashMap;

pub const SCENARIO: &str = include_str!("../demo/lima-1996-97.json");
pub const DEMO_USER: &str = "demo";

#[derive(Deserialize)]
struct Scenario {
    incident: Incident,
    status_changes: Vec<StatusChange>,
    users: Vec<User>,
    hqs: Vec<Hq>,
    sources: Vec<Source>,
    entries: Vec<Entry>,
    decisions: Vec<Decision>,
    tasks: Vec<Task>,
    duty: Vec<DutySpan>,
    status_reports: Vec<Report>,
    /// Changes to the report cadence an HQ owes (null: none any more).
    #[serde(default)]
    cadence_changes: Vec<CadenceChange>,
    handovers: Vec<Handover>,
}

#[derive(Deserialize)]
struct Incident {
    kind: String,
    title: String,
    country: String,
    lat: f64,
    lon: f64,
    area: Option<honbu_domain::geo::AreaInput>,
    severity: String,
    time_zone: String,
    summary: String,
    opened_by: String,
    opened_at: String,
}
#[derive(Deserialize)]
struct StatusChange {
    at: String,
    by: String,
    status: String,
    reason: String,
}
#[derive(Deserialize)]
struct User {
    username: String,
    display_name: String,
    locale: Option<String>,
}
#[derive(Deserialize)]
struct Member {
    user: String,
    role: String,
}
#[derive(Deserialize)]
struct Hq {
    key: String,
    name: String,
    kind: String,
    time_zone: String,
    activated_at: String,
    activated_by: String,
    members: Vec<Member>,
    report_every_minutes: Option<u32>,
}
#[derive(Deserialize)]
struct Source {
    key: String,
    name: String,
    kind: String,
    reliability: String,
}
#[derive(Deserialize)]
struct Entry {
    key: String,
    hq: String,
    author: String,
    occurred_at: String,
    reported_at: String,
    entered_at: String,
    source: Option<String>,
    credibility: i64,
    category: String,
    release: String,
    significant: bool,
    text: String,
    supersedes: Option<String>,
    #[serde(default)]
    links: Vec<String>,
    #[serde(default)]
    released_to: Vec<String>,
}
#[derive(Deserialize)]
struct Decision {
    hq: String,
    at: String,
    decided_by: String,
    title: String,
    options: Vec<String>,
    rationale: String,
    based_on: Vec<String>,
    /// As an entry's; by default as the entries it rests on.
    #[serde(default)]
    release: Option<String>,
}
#[derive(Deserialize)]
struct TaskStep {
    at: String,
    by: String,
    status: String,
    note: String,
}
#[derive(Deserialize)]
struct Task {
    hq: String,
    created_at: String,
    created_by: String,
    title: String,
    owner: String,
    due_at: Option<String>,
    history: Vec<TaskStep>,
}
#[derive(Deserialize)]
struct DutySpan {
    hq: String,
    user: String,
    on_at: String,
    off_at: Option<String>,
}
#[derive(Deserialize)]
struct Report {
    hq: String,
    at: String,
    by: String,
    text: String,
}
#[derive(Deserialize)]
struct CadenceChange {
    hq: String,
    at: String,
    by: String,
    every_minutes: Option<u32>,
}
#[derive(Deserialize)]
struct Handover {
    hq: String,
    at: String,
    /// Who prepares it (the outgoing officer) and who acknowledges it.
    from: String,
    to: String,
    acknowledged_at: Option<String>,
}

/// One step of the scenario, at its time. Steps at the same moment run in
/// the order of their kind (an HQ exists before its members act).
enum Step<'a> {
    Open,
    Sources,
    Activate(&'a Hq),
    Members(&'a Hq),
    Status(&'a StatusChange),
    DutyOn(&'a DutySpan),
    DutyOff(&'a DutySpan),
    Entry(&'a Entry),
    Release(&'a Entry),
    Decision(&'a Decision),
    Task(usize, &'a Task),
    TaskMove(usize, &'a TaskStep),
    Report(&'a Report),
    Cadence(&'a CadenceChange),
    Handover(usize, &'a Handover),
    Ack(usize, &'a Handover),
    /// A list of people arrives (0: the host government's, 1: the
    /// companies', 2: the Embassy's).
    List(usize),
    /// People released: the roster's members freed at this stage.
    Released(&'static str),
    /// The rescue's outcome.
    Rescue,
}

impl Step<'_> {
    fn order(&self) -> u8 {
        match self {
            Step::Open => 0,
            Step::Sources => 1,
            Step::Activate(_) => 2,
            Step::Members(_) => 3,
            Step::DutyOff(_) => 4,
            Step::DutyOn(_) => 5,
            Step::Status(_) => 6,
            Step::Entry(_) => 7,
            Step::Release(_) => 8,
            Step::Decision(_) => 9,
            Step::Task(..) => 10,
            Step::TaskMove(..) => 11,
            Step::Report(_) => 12,
            Step::Cadence(_) => 15,
            Step::Handover(..) => 13,
            Step::Ack(..) => 14,
            Step::List(_) => 16,
            Step::Released(_) => 17,
            Step::Rescue => 18,
        }
    }
}

fn time(s: &str) -> anyhow::Result<Timestamp> {
    parse_time("time", s)
        .map(honbu_domain::time::trunc)
        .map_err(|e| anyhow!("{s}: {}", e.message))
}

/// What a load produced.
pub struct Loaded {
    pub incident: IncidentId,
    pub entries: usize,
    pub events: i64,
}

/// Whether the demo has been loaded into this store already.
pub fn loaded(store: &Store) -> anyhow::Result<bool> {
    Ok(store
        .read_blocking(|c| accounts::user_by_name(c, DEMO_USER))?
        .is_some())
}

struct Loader<'a> {
    store: &'a Store,
    users: HashMap<String, UserId>,
    hqs: HashMap<String, HqId>,
    sources: HashMap<String, SourceId>,
    entries: HashMap<String, EntryId>,
    tasks: HashMap<usize, TaskId>,
    handovers: HashMap<usize, HandoverId>,
    incident: Option<IncidentId>,
}

impl Loader<'_> {
    fn principal(&self, username: &str) -> anyhow::Result<Principal> {
        let id = *self
            .users
            .get(username)
            .ok_or_else(|| anyhow!("unknown user {username}"))?;
        self.store
            .read_blocking(move |c| accounts::principal(c, id))?
            .ok_or_else(|| anyhow!("user {username} vanished"))
    }

    fn run<T>(
        &self,
        who: &str,
        at: Timestamp,
        what: &str,
        f: impl FnOnce(
            &mut dyn honbu_store::sql::Conn,
            &Ctx,
        ) -> honbu_store::Result<(Vec<honbu_domain::events::Event>, T)>,
    ) -> anyhow::Result<T> {
        let p = self.principal(who)?;
        let (_, out) = self
            .store
            .write_blocking(|c| f(c, &Ctx { p: &p, now: at }))
            .with_context(|| format!("{what} by {who} at {at}"))?;
        Ok(out)
    }

    fn inc(&self) -> anyhow::Result<IncidentId> {
        self.incident
            .ok_or_else(|| anyhow!("the incident is not open yet"))
    }
    fn hq(&self, key: &str) -> anyhow::Result<HqId> {
        self.hqs
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("unknown hq {key}"))
    }
    fn entry(&self, key: &str) -> anyhow::Result<EntryId> {
        self.entries
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("unknown entry {key}"))
    }
    /// The first of `candidates` who may act with `cap` in the incident.
    fn who_may(&self, candidates: &[&str], cap: Capability) -> anyhow::Result<String> {
        let inc = self.inc()?;
        for c in candidates {
            if self.principal(c)?.can_in_incident(inc, cap) {
                return Ok(c.to_string());
            }
        }
        bail!("none of {candidates:?} may {}", cap.as_str())
    }
}

/// Loads the scenario. `progress` is told each step's number and the total.
pub fn load(store: &Store, progress: &mut dyn FnMut(usize, usize)) -> anyhow::Result<Loaded> {
    let s: Scenario = serde_json::from_str(SCENARIO).context("the demo scenario does not parse")?;
    let mut l = Loader {
        store,
        users: HashMap::new(),
        hqs: HashMap::new(),
        sources: HashMap::new(),
        entries: HashMap::new(),
        tasks: HashMap::new(),
        handovers: HashMap::new(),
        incident: None,
    };
    // The people: invented staff, who sign in only if an administrator sets
    // them a password; and the demo account, an administrator.
    let opened_at = time(&s.incident.opened_at)?;
    let unusable = accounts::hash_password(&accounts::random_hex(24))?;
    for u in &s.users {
        let role = (u.username == s.incident.opened_by).then_some("officer");
        let hash = unusable.clone();
        let (_, id) = store.write_blocking(|c| {
            accounts::create_user(
                c,
                None,
                opened_at,
                &u.username,
                Some(&u.display_name),
                hash,
                role,
                u.locale.as_deref(),
            )
        })?;
        l.users.insert(u.username.clone(), id);
    }

    let mut steps: Vec<(Timestamp, Step)> =
        vec![(opened_at, Step::Open), (opened_at, Step::Sources)];
    for h in s.hqs.iter().skip(1) {
        let at = time(&h.activated_at)?;
        steps.push((at, Step::Activate(h)));
        steps.push((at, Step::Members(h)));
    }
    steps.push((opened_at, Step::Members(&s.hqs[0])));
    for x in &s.status_changes {
        steps.push((time(&x.at)?, Step::Status(x)));
    }
    for d in &s.duty {
        steps.push((time(&d.on_at)?, Step::DutyOn(d)));
        if let Some(off) = &d.off_at {
            steps.push((time(off)?, Step::DutyOff(d)));
        }
    }
    for e in &s.entries {
        let at = time(&e.entered_at)?;
        steps.push((at, Step::Entry(e)));
        if !e.released_to.is_empty() {
            // Released twenty minutes on, or once the HQ it goes to exists.
            let mut release = at + chrono::Duration::minutes(20);
            for to in &e.released_to {
                if let Some(h) = s.hqs.iter().find(|h| &h.key == to) {
                    release = release.max(time(&h.activated_at)? + chrono::Duration::minutes(20));
                }
            }
            steps.push((release, Step::Release(e)));
        }
    }
    for d in &s.decisions {
        steps.push((time(&d.at)?, Step::Decision(d)));
    }
    for (i, t) in s.tasks.iter().enumerate() {
        steps.push((time(&t.created_at)?, Step::Task(i, t)));
        for st in &t.history {
            steps.push((time(&st.at)?, Step::TaskMove(i, st)));
        }
    }
    for r in &s.status_reports {
        steps.push((time(&r.at)?, Step::Report(r)));
    }
    for r in &s.cadence_changes {
        steps.push((time(&r.at)?, Step::Cadence(r)));
    }
    for (i, h) in s.handovers.iter().enumerate() {
        steps.push((time(&h.at)?, Step::Handover(i, h)));
        if let Some(a) = &h.acknowledged_at {
            steps.push((time(a)?, Step::Ack(i, h)));
        }
    }
    for (i, at) in [
        crate::demo_people::GOVERNMENT_AT,
        crate::demo_people::COMPANIES_AT,
        crate::demo_people::EMBASSY_AT,
    ]
    .iter()
    .enumerate()
    {
        steps.push((time(at)?, Step::List(i)));
    }
    for (at, _) in crate::demo_people::STAGES {
        steps.push((time(at)?, Step::Released(at)));
    }
    steps.push((time(crate::demo_people::RESCUE_AT)?, Step::Rescue));
    let roster = crate::demo_people::roster();
    let mut people: Vec<PersonId> = vec![];
    let mut list_sources: Vec<SourceId> = vec![];
    steps.sort_by_key(|(t, s)| (*t, s.order()));
    let total = steps.len();
    for (n, (at, step)) in steps.into_iter().enumerate() {
        progress(n + 1, total);
        match step {
            Step::Open => {
                let first = &s.hqs[0];
                let r = OpenIncident {
                    kind: s.incident.kind.clone(),
                    title: s.incident.title.clone(),
                    country: s.incident.country.clone(),
                    lat: s.incident.lat,
                    lon: s.incident.lon,
                    area: s.incident.area.clone(),
                    severity: Some(s.incident.severity.clone()),
                    time_zone: s.incident.time_zone.clone(),
                    summary: Some(s.incident.summary.clone()),
                    hqs: vec![NewHq {
                        name: first.name.clone(),
                        kind: Some(first.kind.clone()),
                        time_zone: first.time_zone.clone(),
                        report_every_minutes: first.report_every_minutes,
                        head: first
                            .members
                            .iter()
                            .find(|m| m.role == "head")
                            .map(|m| m.user.clone()),
                    }],
                };
                let id = l.run(&s.incident.opened_by, at, "open the incident", |c, ctx| {
                    incidents::open_incident(c, ctx, &r)
                })?;
                l.incident = Some(id);
                let p = l.principal(&s.incident.opened_by)?;
                let hq = p
                    .hqs_in(id)
                    .first()
                    .copied()
                    .ok_or_else(|| anyhow!("the opener is in no HQ"))?;
                l.hqs.insert(first.key.clone(), hq);
            }
            Step::Sources => {
                for src in &s.sources {
                    let r = RegisterSource {
                        name: src.name.clone(),
                        kind: src.kind.clone(),
                        reliability: src.reliability.clone(),
                    };
                    let id = l.run(&s.incident.opened_by, at, "register a source", |c, ctx| {
                        log::register_source(c, ctx, &r)
                    })?;
                    l.sources.insert(src.key.clone(), id);
                }
            }
            Step::Activate(h) => {
                let inc = l.inc()?;
                let who = l.who_may(
                    &[&h.activated_by, &s.incident.opened_by],
                    Capability::IncidentManage,
                )?;
                let r = NewHq {
                    name: h.name.clone(),
                    kind: Some(h.kind.clone()),
                    time_zone: h.time_zone.clone(),
                    report_every_minutes: h.report_every_minutes,
                    head: h
                        .members
                        .iter()
                        .find(|m| m.role == "head")
                        .map(|m| m.user.clone()),
                };
                let id = l.run(&who, at, "activate an HQ", |c, ctx| {
                    headquarters::activate_hq(c, ctx, inc, &r)
                })?;
                l.hqs.insert(h.key.clone(), id);
            }
            Step::Members(h) => {
                let hq = l.hq(&h.key)?;
                let head = h
                    .members
                    .iter()
                    .find(|m| m.role == "head")
                    .map(|m| m.user.as_str())
                    .ok_or_else(|| anyhow!("{} has no head", h.key))?;
                for m in h.members.iter().filter(|m| m.role != "head") {
                    let r = AddMember {
                        user: m.user.clone(),
                        role: m.role.clone(),
                    };
                    l.run(head, at, "add a member", |c, ctx| {
                        headquarters::add_member(c, ctx, hq, &r)
                    })?;
                }
            }
            Step::Status(x) => {
                let inc = l.inc()?;
                let r = ChangeStatus {
                    status: x.status.clone(),
                    reason: x.reason.clone(),
                };
                l.run(&x.by, at, "change status", |c, ctx| {
                    incidents::change_status(c, ctx, inc, &r)
                })?;
            }
            Step::DutyOn(d) | Step::DutyOff(d) => {
                let hq = l.hq(&d.hq)?;
                let r = Duty {
                    on: matches!(step, Step::DutyOn(_)),
                    user: None,
                };
                l.run(&d.user, at, "duty", |c, ctx| {
                    headquarters::duty(c, ctx, hq, &r)
                })?;
            }
            Step::Entry(e) => {
                let inc = l.inc()?;
                let r = NewEntry {
                    text: e.text.clone(),
                    hq: Some(l.hq(&e.hq)?),
                    occurred_at: Some(e.occurred_at.clone()),
                    reported_at: Some(e.reported_at.clone()),
                    source: e
                        .source
                        .as_ref()
                        .map(|k| {
                            l.sources
                                .get(k)
                                .copied()
                                .ok_or_else(|| anyhow!("unknown source {k}"))
                        })
                        .transpose()?,
                    credibility: Some(serde_json::json!(e.credibility)),
                    category: Some(e.category.clone()),
                    release: Some(e.release.clone()),
                    significant: Some(e.significant),
                    supersedes: e.supersedes.as_deref().map(|k| l.entry(k)).transpose()?,
                    links: e
                        .links
                        .iter()
                        .map(|k| l.entry(k))
                        .collect::<anyhow::Result<_>>()?,
                };
                let id = l.run(&e.author, at, &format!("log entry {}", e.key), |c, ctx| {
                    log::log_entry(c, ctx, inc, &r)
                })?;
                l.entries.insert(e.key.clone(), id);
            }
            Step::Release(e) => {
                let entry = l.entry(&e.key)?;
                let origin = l.hq(&e.hq)?;
                let head = s
                    .hqs
                    .iter()
                    .find(|h| h.key == e.hq)
                    .and_then(|h| h.members.iter().find(|m| m.role == "head"))
                    .map(|m| m.user.clone())
                    .unwrap_or_default();
                let who = if l.principal(&e.author)?.can(origin, Capability::LogRelease) {
                    e.author.clone()
                } else {
                    head
                };
                for to in &e.released_to {
                    let to_hq = l.hq(to)?;
                    l.run(&who, at, "release an entry", |c, ctx| {
                        log::release_entry(c, ctx, entry, &ReleaseEntry { to_hq })
                    })?;
                }
            }
            Step::Decision(d) => {
                let inc = l.inc()?;
                let name = s
                    .users
                    .iter()
                    .find(|u| u.username == d.decided_by)
                    .map(|u| u.display_name.clone())
                    .unwrap_or_else(|| d.decided_by.clone());
                let r = RecordDecision {
                    hq: Some(l.hq(&d.hq)?),
                    decided_at: Some(d.at.clone()),
                    decided_by: Some(name),
                    title: d.title.clone(),
                    options: d.options.clone(),
                    rationale: d.rationale.clone(),
                    based_on: d
                        .based_on
                        .iter()
                        .map(|k| l.entry(k))
                        .collect::<anyhow::Result<_>>()?,
                    release: d.release.clone(),
                };
                l.run(&d.decided_by, at, "record a decision", |c, ctx| {
                    work::record_decision(c, ctx, inc, &r)
                })?;
            }
            Step::Task(i, t) => {
                let inc = l.inc()?;
                let r = AssignTask {
                    hq: Some(l.hq(&t.hq)?),
                    title: t.title.clone(),
                    owner: t.owner.clone(),
                    due_at: t.due_at.clone(),
                    note: None,
                };
                let id = l.run(&t.created_by, at, "assign a task", |c, ctx| {
                    work::assign_task(c, ctx, inc, &r)
                })?;
                l.tasks.insert(i, id);
            }
            Step::TaskMove(i, st) => {
                let task = *l
                    .tasks
                    .get(&i)
                    .ok_or_else(|| anyhow!("task {i} not created"))?;
                let r = UpdateTask {
                    status: st.status.clone(),
                    note: Some(st.note.clone()),
                };
                l.run(&st.by, at, "update a task", |c, ctx| {
                    work::update_task(c, ctx, task, &r)
                })?;
            }
            Step::Report(r) => {
                let hq = l.hq(&r.hq)?;
                let f = FileReport {
                    text: r.text.clone(),
                };
                l.run(&r.by, at, "file a report", |c, ctx| {
                    headquarters::file_report(c, ctx, hq, &f)
                })?;
            }
            Step::Cadence(r) => {
                let hq = l.hq(&r.hq)?;
                let set = SetCadence {
                    every_minutes: r.every_minutes,
                };
                l.run(&r.by, at, "set a report cadence", |c, ctx| {
                    headquarters::set_cadence(c, ctx, hq, &set)
                })?;
            }
            Step::List(which) => {
                let inc = l.inc()?;
                let who = l.who_may(
                    &["ishikawa.yumi", "lucia.paredes", "hamada.yoko"],
                    Capability::PersonsManage,
                )?;
                if list_sources.is_empty() {
                    for (name, kind, grade) in [
                        (
                            "Government of Peru: list of the persons held",
                            "host_government",
                            "B",
                        ),
                        ("Japanese companies in Peru: staff lists", "other", "C"),
                        ("Embassy of Japan: consular list", "embassy", "A"),
                    ] {
                        let r = RegisterSource {
                            name: name.into(),
                            kind: kind.into(),
                            reliability: grade.into(),
                        };
                        list_sources.push(l.run(
                            &who,
                            at,
                            "register a list's source",
                            |c, ctx| log::register_source(c, ctx, &r),
                        )?);
                    }
                }
                let text = match which {
                    0 => crate::demo_people::government_list(&roster),
                    1 => crate::demo_people::companies_list(&roster),
                    _ => crate::demo_people::embassy_list(&roster),
                };
                let key = store.key().clone();
                let source = list_sources[which];
                let report = l.run(&who, at, "import a list", |c, ctx| {
                    let bytes = text.as_bytes();
                    let read = people::lists::read_csv(bytes, PersonRole::Hostage, 1996)?;
                    people::lists::import_list(
                        c,
                        ctx,
                        &key,
                        inc,
                        source,
                        people::lists::Format::Csv,
                        bytes,
                        read,
                        false,
                    )
                })?;
                if which == 0 {
                    if report.new as usize != roster.len() {
                        bail!(
                            "the government's list made {} people of {} rows",
                            report.new,
                            roster.len()
                        );
                    }
                    people = store.read_blocking(move |c| {
                        c.query(
                            "SELECT id FROM persons WHERE incident_id = $1 ORDER BY number",
                            &[honbu_store::sql::t(inc)],
                        )?
                        .iter()
                        .map(|r| r.parse(0))
                        .collect::<honbu_store::Result<Vec<PersonId>>>()
                    })?;
                }
            }
            Step::Released(stage) => {
                let who = l.who_may(
                    &["ishikawa.yumi", "lucia.paredes", "hamada.yoko"],
                    Capability::PersonsManage,
                )?;
                let key = store.key().clone();
                for (i, p) in roster.iter().enumerate() {
                    if p.released != Some(stage) {
                        continue;
                    }
                    let person = *people.get(i).ok_or_else(|| {
                        anyhow!("person {i} of the roster is not in the register")
                    })?;
                    let r = ReportStatus {
                        status: "released".into(),
                        source: list_sources.first().copied(),
                        credibility: Some(serde_json::json!(2)),
                        reported_at: Some(stage.to_string()),
                        note: None,
                        hq: None,
                    };
                    l.run(&who, at, "report a release", |c, ctx| {
                        people::report_status(c, ctx, &key, person, &r)
                    })?;
                }
            }
            Step::Rescue => {
                let who = l.who_may(
                    &["lucia.paredes", "hamada.yoko", "ishikawa.yumi"],
                    Capability::PersonsManage,
                )?;
                let key = store.key().clone();
                let held: Vec<usize> = (0..roster.len())
                    .filter(|i| roster[*i].released.is_none())
                    .collect();
                let dead = held
                    .iter()
                    .copied()
                    .rfind(|i| roster[*i].nationality == "PE");
                for i in held {
                    let person = *people.get(i).ok_or_else(|| {
                        anyhow!("person {i} of the roster is not in the register")
                    })?;
                    let r = ReportStatus {
                        status: if Some(i) == dead {
                            "deceased"
                        } else {
                            "released"
                        }
                        .into(),
                        source: list_sources.first().copied(),
                        credibility: Some(serde_json::json!(1)),
                        reported_at: Some("1997-04-23T05:23:00+09:00".into()),
                        note: None,
                        hq: None,
                    };
                    l.run(&who, at, "report the rescue", |c, ctx| {
                        people::report_status(c, ctx, &key, person, &r)
                    })?;
                }
            }
            Step::Handover(i, h) => {
                let inc = l.inc()?;
                let hq = l.hq(&h.hq)?;
                let id = l.run(&h.from, at, "issue a handover", |c, ctx| {
                    reports::issue_handover(c, ctx, inc, &IssueHandover { hq })
                })?;
                l.handovers.insert(i, id);
            }
            Step::Ack(i, h) => {
                let id = *l
                    .handovers
                    .get(&i)
                    .ok_or_else(|| anyhow!("handover {i} not issued"))?;
                l.run(&h.to, at, "acknowledge a handover", |c, ctx| {
                    reports::acknowledge_handover(c, ctx, id)
                })?;
            }
        }
    }
    let incident = l.inc()?;
    let events = store.read_blocking(journal::last_seq)?;
    Ok(Loaded {
        incident,
        entries: l.entries.len(),
        events,
    })
}

/// Creates (or, on a later start, re-keys) the demo administrator, who is a
/// member of every HQ of the scenario so that times show in HQ time.
/// Returns the password to print.
pub fn demo_login(store: &Store, incident: Option<IncidentId>) -> anyhow::Result<String> {
    let password = format!("lima-{}", &accounts::random_hex(6));
    let hash = accounts::hash_password(&password)?;
    let now = honbu_domain::time::trunc(chrono::Utc::now());
    match store.read_blocking(|c| accounts::user_by_name(c, DEMO_USER))? {
        Some(l) => {
            let id = l.user.id;
            let p = store
                .read_blocking(move |c| accounts::principal(c, id))?
                .ok_or_else(|| anyhow!("demo user vanished"))?;
            store.write_blocking(|c| accounts::change_password(c, &Ctx { p: &p, now }, hash))?;
        }
        None => {
            let (_, id) = store.write_blocking(|c| {
                accounts::create_user(
                    c,
                    None,
                    now,
                    DEMO_USER,
                    Some("Demo duty officer"),
                    hash,
                    Some("admin"),
                    None,
                )
            })?;
            if let Some(inc) = incident {
                let p = store
                    .read_blocking(move |c| accounts::principal(c, id))?
                    .ok_or_else(|| anyhow!("demo user vanished"))?;
                let hqs =
                    store.read_blocking(move |c| headquarters::hq_views(c, inc, At::Now, now))?;
                for h in hqs {
                    let r = AddMember {
                        user: DEMO_USER.into(),
                        role: "duty_officer".into(),
                    };
                    store.write_blocking(|c| {
                        headquarters::add_member(c, &Ctx { p: &p, now }, h.id, &r)
                    })?;
                }
                open_exercise(store, &p, now)?;
            }
        }
    }
    Ok(password)
}

/// The title of the demo's exercise incident: live, for trying everything
/// the closed historical record no longer accepts.
pub const EXERCISE_TITLE: &str = "EXERCISE — not real: practice incident in Lima";

/// Opens the exercise incident, live, with the demo user heading both of
/// its headquarters, so that a new user's first log entry, decision, task,
/// handover and SITREP all work.
fn open_exercise(store: &Store, p: &Principal, now: Timestamp) -> anyhow::Result<IncidentId> {
    let hq = |name: &str, kind: &str, zone: &str| NewHq {
        name: name.into(),
        kind: Some(kind.into()),
        time_zone: zone.into(),
        report_every_minutes: Some(120),
        head: Some(DEMO_USER.into()),
    };
    let open = OpenIncident {
        kind: "other".into(),
        title: EXERCISE_TITLE.into(),
        country: "PE".into(),
        lat: -12.0464,
        lon: -77.0428,
        area: Some(honbu_domain::geo::AreaInput {
            radius_m: Some(1_000.0),
            kind: None,
            coordinates: None,
        }),
        severity: Some("moderate".into()),
        time_zone: "America/Lima".into(),
        summary: Some(
            "An exercise for trying honbu: log entries, decisions, tasks, handovers and SITREPs \
             recorded here change nothing real. The Lima 1996–97 seizure beside it is the \
             historical record, closed: read it, and try things here."
                .into(),
        ),
        hqs: vec![
            hq("Exercise HQ, Tokyo", "ministry", "Asia/Tokyo"),
            hq("Exercise local HQ, Lima", "local", "America/Lima"),
        ],
    };
    let id = store
        .write_blocking(|c| incidents::open_incident(c, &Ctx { p, now }, &open))
        .context("open the exercise incident")?
        .1;
    Ok(id)
}
