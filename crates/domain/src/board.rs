//! The board: the common operating picture of one incident as one viewer may
//! see it at one moment, live or as the record stood at a past moment
//! (`honbu-store` reads both from the same tables with the same queries).

use crate::geo::{AreaInput, Point};
use crate::ids::*;
use crate::time::Zone;
use crate::vocab::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many significant entries, decisions and recent entries a board shows.
pub const BOARD_SIGNIFICANT: usize = 15;
pub const BOARD_DECISIONS: usize = 8;
pub const BOARD_RECENT: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentView {
    pub id: IncidentId,
    pub kind: IncidentKind,
    pub title: String,
    pub country: String,
    pub place: Point,
    pub area: Option<AreaInput>,
    pub severity: Severity,
    pub time_zone: Zone,
    pub summary: String,
    pub status: IncidentStatus,
    pub opened_at: DateTime<Utc>,
    pub opened_by: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HqView {
    pub id: HqId,
    pub name: String,
    pub kind: HqKind,
    pub time_zone: Zone,
    pub activated_at: DateTime<Utc>,
    pub members: usize,
    pub on_duty: Vec<Person>,
    pub report_every_minutes: Option<u32>,
    pub last_report_at: Option<DateTime<Utc>>,
    /// When the next status report is due, if a cadence is set.
    pub report_due_at: Option<DateTime<Utc>>,
    pub report_overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryView {
    pub id: EntryId,
    /// 1, 2, 3… in the order entries were entered in this incident.
    pub number: i64,
    pub hq: HqId,
    pub author: Option<UserId>,
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub entered_at: DateTime<Utc>,
    pub source: Option<SourceId>,
    pub source_name: String,
    pub reliability: Reliability,
    pub credibility: Credibility,
    pub category: Category,
    pub release: Release,
    pub significant: bool,
    pub text: String,
    /// The entry this one corrects, when the viewer may read it.
    pub supersedes: Option<EntryId>,
    /// The entry that corrects this one: a superseded entry is never shown
    /// as current. A correction reaches everyone who may read what it
    /// corrects, so whoever reads this entry may read that one.
    pub superseded_by: Option<EntryId>,
    /// The numbers of those two, for saying "corrected by #n".
    #[serde(default)]
    pub supersedes_number: Option<i64>,
    #[serde(default)]
    pub superseded_by_number: Option<i64>,
    /// The entries this one links to, of those the viewer may read.
    pub links: Vec<EntryId>,
    pub released_to: Vec<HqId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub id: DecisionId,
    pub hq: HqId,
    pub decided_at: DateTime<Utc>,
    pub decided_by: String,
    pub recorded_by: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
    pub title: String,
    pub options: Vec<String>,
    pub rationale: String,
    /// The entries it rests on, of those the viewer may read.
    pub based_on: Vec<EntryId>,
    #[serde(default = "Release::incident")]
    pub release: Release,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskView {
    pub id: TaskId,
    pub hq: HqId,
    pub title: String,
    pub owner: String,
    pub due_at: Option<DateTime<Utc>>,
    pub status: TaskStatus,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    pub updated_at: DateTime<Utc>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub entries: i64,
    pub significant: i64,
    pub open_tasks: i64,
    pub overdue_tasks: i64,
    pub decisions: i64,
    pub on_duty: i64,
    pub hqs_without_duty: i64,
    pub reports_overdue: i64,
    /// People of concern recorded (briefs and reports issued before the
    /// register was kept read 0).
    #[serde(default)]
    pub people: i64,
    #[serde(default)]
    pub people_unaccounted: i64,
    #[serde(default)]
    pub people_in_review: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    pub incident: IncidentView,
    pub as_of: DateTime<Utc>,
    /// The journal position the board reflects.
    pub seq: i64,
    pub hqs: Vec<HqView>,
    pub significant: Vec<EntryView>,
    pub recent: Vec<EntryView>,
    pub tasks: Vec<TaskView>,
    pub decisions: Vec<DecisionView>,
    pub counts: Counts,
}
