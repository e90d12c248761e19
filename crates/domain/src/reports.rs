//! The documents honbu issues: the shift handover brief (in the spirit of
//! the ICS 201 briefing) and the situation report carrying the EDXL-SitRep
//! header fields. Both are built from what the issuing officer may see, and
//! kept in the journal exactly as issued.

use crate::board::*;
use crate::ids::*;
use crate::vocab::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChangeItem {
    pub at: DateTime<Utc>,
    pub from: IncidentStatus,
    pub to: IncidentStatus,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDue {
    pub hq: HqId,
    pub hq_name: String,
    pub every_minutes: u32,
    pub last_report_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDue {
    pub what: String,
    pub with: String,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

/// The handover brief for the incoming shift of one HQ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Brief {
    pub incident: IncidentView,
    pub hq: HqId,
    pub hq_name: String,
    /// The previous acknowledged handover of this HQ (or the incident's opening).
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub counts: Counts,
    pub on_duty: Vec<Person>,
    pub status_changes: Vec<StatusChangeItem>,
    /// Significant entries first, then the rest, newest first; at most 50.
    pub changes: Vec<EntryView>,
    pub changes_total: i64,
    pub decisions: Vec<DecisionView>,
    /// Open tasks, overdue first.
    pub tasks: Vec<TaskView>,
    pub reports_due: Vec<ReportDue>,
    pub contacts_due: Vec<ContactDue>,
    /// The people of concern (absent from briefs issued before the register).
    #[serde(default)]
    pub people: crate::people::ShiftPeople,
}

/// A person as EDXL-SitRep names them (`PersonDetails` reduced to what we hold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitrepPerson {
    #[serde(rename = "personName")]
    pub person_name: String,
    #[serde(
        rename = "organisation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub organisation: Option<String>,
    #[serde(
        rename = "timeSigned",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub time_signed: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimePeriod {
    #[serde(rename = "fromDateTime")]
    pub from: DateTime<Utc>,
    #[serde(rename = "toDateTime")]
    pub to: DateTime<Utc>,
}

/// A situation report: the EDXL-SitRep header fields, then the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sitrep {
    #[serde(rename = "messageID")]
    pub message_id: SitrepId,
    #[serde(rename = "incidentID")]
    pub incident_id: IncidentId,
    #[serde(rename = "incidentName")]
    pub incident_name: String,
    #[serde(rename = "preparedBy")]
    pub prepared_by: SitrepPerson,
    #[serde(rename = "authorizedBy")]
    pub authorized_by: SitrepPerson,
    /// Numbered 1, 2, 3… per incident, in the order issued.
    #[serde(rename = "reportNumber")]
    pub report_number: i64,
    /// Initial for the first report of an incident, Final once it is closed, Update otherwise.
    #[serde(rename = "reportVersion")]
    pub report_version: String,
    #[serde(rename = "forTimePeriod")]
    pub for_time_period: TimePeriod,
    #[serde(rename = "reportTitle")]
    pub report_title: String,
    pub urgency: Urgency,
    #[serde(rename = "reportConfidence")]
    pub report_confidence: Confidence,
    pub severity: Severity,
    #[serde(rename = "actionPlan")]
    pub action_plan: String,
    #[serde(
        rename = "nextContact",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_contact: Option<DateTime<Utc>>,
    #[serde(rename = "dateTimeIssued")]
    pub issued_at: DateTime<Utc>,
    /// Not part of EDXL: what the report says.
    pub status: IncidentStatus,
    pub summary: String,
    pub counts: Counts,
    pub significant: Vec<EntryView>,
    pub decisions: Vec<DecisionView>,
    pub tasks: Vec<TaskView>,
    /// The people of concern (absent from reports issued before the register).
    #[serde(default, rename = "casualtyAndIllnessSummary")]
    pub casualties: crate::people::Casualties,
}
