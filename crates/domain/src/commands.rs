//! What users ask for, as it arrives (JSON body, form, CLI, demo file).
//! Every struct refuses unknown fields; the store's command handlers parse
//! each field with the functions of this crate, which name the field that is
//! wrong, and only then decide.

use crate::geo::AreaInput;
use crate::ids::*;
use crate::FieldError;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHq {
    pub name: String,
    /// ministry, cabinet, local or other
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::HqKind>))]
    pub kind: Option<String>,
    /// IANA zone of the headquarters (`Asia/Tokyo`).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeZoneName))]
    pub time_zone: String,
    /// Minutes between the status reports this HQ is expected to file.
    #[serde(default)]
    pub report_every_minutes: Option<u32>,
    /// Username of the head; defaults to the user who activates it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::Username>))]
    pub head: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenIncident {
    /// hostage_taking, kidnapping, armed_attack, bombing, civil_unrest, natural_disaster, evacuation, other
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::IncidentKind))]
    pub kind: String,
    pub title: String,
    /// ISO 3166-1 alpha-2
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::CountryCode))]
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub area: Option<AreaInput>,
    /// extreme, severe, moderate, minor, unknown (default unknown)
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Severity>))]
    pub severity: Option<String>,
    /// IANA zone of the place, for "local time".
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeZoneName))]
    pub time_zone: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Headquarters to activate with it; the opener joins the first as duty officer.
    #[serde(default)]
    pub hqs: Vec<NewHq>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    /// monitoring, active, resolved, closed
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::IncidentStatus))]
    pub status: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AmendIncident {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Severity>))]
    pub severity: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub area: Option<AreaInput>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// Username of the member.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::Username))]
    pub user: String,
    /// head, deputy, duty_officer, liaison, analyst, family_liaison, logistics, scribe, or a defined role
    pub role: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetCadence {
    /// Minutes between expected status reports (1 to 10080, a week); null to stop expecting them.
    #[serde(default)]
    pub every_minutes: Option<u32>,
}

impl SetCadence {
    /// The longest cadence: a report a week.
    pub const MAX_MINUTES: u32 = 7 * 24 * 60;

    /// The one rule for a report cadence, wherever it is set (`field` names
    /// it as the request wrote it).
    pub fn check(field: &str, every_minutes: Option<u32>) -> Result<(), FieldError> {
        match every_minutes {
            Some(m) if m == 0 || m > Self::MAX_MINUTES => Err(FieldError::new(
                field,
                format!("must be between 1 and {} minutes", Self::MAX_MINUTES),
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Duty {
    /// true to sign on, false to sign off.
    pub on: bool,
    /// Username; defaults to the caller. Signing someone else needs hq_manage.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::Username>))]
    pub user: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileReport {
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterSource {
    pub name: String,
    /// embassy, host_government, partner_government, agency, media, open_source, hostage_family, other
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::SourceKind))]
    pub kind: String,
    /// A (completely reliable) to F (cannot be judged)
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::Reliability))]
    pub reliability: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegradeSource {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::Reliability))]
    pub reliability: String,
    pub reason: String,
}

/// A situation-log entry. Only `text` is required: it then happened and was
/// reported now, its source is the author (reliability F), credibility 6,
/// category information, released to all HQs of the incident.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub text: String,
    /// The HQ it is written at; defaults to the author's HQ in the incident.
    #[serde(default)]
    pub hq: Option<HqId>,
    /// RFC 3339 with offset.
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// RFC 3339 with offset.
    #[serde(default)]
    pub reported_at: Option<String>,
    /// A registered source.
    #[serde(default)]
    pub source: Option<SourceId>,
    /// 1 (confirmed) to 6 (cannot be judged)
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 6))]
    pub credibility: Option<serde_json::Value>,
    /// information, decision, action, communication, statement, media
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Category>))]
    pub category: Option<String>,
    /// hq, incident, partners, families, public
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Release>))]
    pub release: Option<String>,
    #[serde(default)]
    pub significant: Option<bool>,
    /// The entry this one corrects (same incident).
    #[serde(default)]
    pub supersedes: Option<EntryId>,
    /// Other entries of the incident this one relates to (at most 50).
    #[serde(default)]
    pub links: Vec<EntryId>,
}

impl NewEntry {
    /// The most entries one entry may link to.
    pub const MAX_LINKS: usize = 50;

    /// Refuses more links than an entry may carry: the one rule for the
    /// JSON body and for the numbers typed in the form (checked before they
    /// are looked up).
    pub fn check_links(count: usize) -> Result<(), FieldError> {
        if count > Self::MAX_LINKS {
            return Err(FieldError::new(
                "links",
                format!("at most {} links", Self::MAX_LINKS),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkSignificant {
    pub significant: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseEntry {
    pub to_hq: HqId,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordDecision {
    #[serde(default)]
    pub hq: Option<HqId>,
    /// When it was decided (RFC 3339 with offset); defaults to now.
    #[serde(default)]
    pub decided_at: Option<String>,
    /// Who decided (a name or office); defaults to the recorder.
    #[serde(default)]
    pub decided_by: Option<String>,
    pub title: String,
    #[serde(default)]
    pub options: Vec<String>,
    pub rationale: String,
    /// Log entries the decision rests on.
    #[serde(default)]
    pub based_on: Vec<EntryId>,
    /// Who may read it: `hq` (its HQ only), `incident` or wider. By default
    /// `hq` when it rests on an HQ-only entry, `incident` otherwise.
    #[serde(default)]
    pub release: Option<String>,
}

impl RecordDecision {
    /// The most entries a decision may rest on.
    pub const MAX_BASED_ON: usize = 50;
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignTask {
    #[serde(default)]
    pub hq: Option<HqId>,
    pub title: String,
    /// An agency, unit or person.
    pub owner: String,
    /// RFC 3339 with offset.
    #[serde(default)]
    pub due_at: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// open, in_progress, blocked, done, cancelled
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::TaskStatus))]
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueHandover {
    pub hq: HqId,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueSitrep {
    /// Start of the reporting window (RFC 3339 with offset).
    pub from: String,
    /// End of the reporting window; defaults to now.
    #[serde(default)]
    pub to: Option<String>,
    /// immediate, expected, future, past, unknown
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Urgency>))]
    pub urgency: Option<String>,
    /// fully_confident, highly_confident, moderately_confident, somewhat_confident, not_confident
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Confidence>))]
    pub confidence: Option<String>,
    #[serde(default)]
    pub authorized_by: Option<String>,
    #[serde(default)]
    pub action_plan: Option<String>,
    /// When the next report will be issued (RFC 3339 with offset).
    #[serde(default)]
    pub next_contact: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::Username))]
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub password: String,
    /// admin, officer, reader, or none
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::GlobalRole>))]
    pub role: Option<String>,
}

/// A password an administrator sets for someone else: it lets them sign in
/// once, to choose their own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// At least 10 characters; the user must replace it at their next sign-in.
    pub password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetGlobalRole {
    /// admin, officer, reader, or null for none
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::GlobalRole>))]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    /// Username the token acts for; defaults to the caller (others need admin).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::Username>))]
    pub user: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DefineRole {
    pub name: String,
    pub label: String,
    pub capabilities: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub display_name: Option<String>,
    /// en or ja
    #[serde(default)]
    pub locale: Option<String>,
    /// IANA zone used for "HQ time" when the user belongs to no HQ of the incident.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeZoneName>))]
    pub time_zone: Option<String>,
}

// --- people of concern ---------------------------------------------------

/// A person of concern. A family or a given name and the role are needed;
/// everything else as far as it is known.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// Family name as in the passport (Latin alphabet).
    #[serde(default)]
    pub family_name: Option<String>,
    /// Given names as in the passport.
    #[serde(default)]
    pub given_name: Option<String>,
    /// The name in its own script.
    #[serde(default)]
    pub native_name: Option<String>,
    /// Other spellings and aliases (at most 20).
    #[serde(default)]
    pub other_names: Vec<String>,
    /// female, male, other, unknown
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Sex>))]
    pub sex: Option<String>,
    /// YYYY-MM-DD, YYYY-MM or YYYY.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    /// Age in years, when the date of birth is not known.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 130))]
    pub age: Option<u16>,
    /// ISO 3166-1 alpha-2 codes (at most 5).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::openapi::CountryCode>))]
    pub nationalities: Vec<String>,
    #[serde(default)]
    pub passport_number: Option<String>,
    #[serde(default)]
    pub employer: Option<String>,
    /// hostage, released_hostage, staff, guest, resident, traveller, other
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::PersonRole))]
    pub role: String,
    /// Last known location, as reported.
    #[serde(default)]
    pub location: Option<String>,
    /// Telephone numbers, e-mail addresses (at most 20).
    #[serde(default)]
    pub contacts: Vec<String>,
    /// The HQ recording the person; defaults to the recorder's.
    #[serde(default)]
    pub hq: Option<HqId>,
}

/// What changes of a person: each field given replaces what was recorded
/// (an empty text clears it); absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AmendPerson {
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub native_name: Option<String>,
    #[serde(default)]
    pub other_names: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::Sex>))]
    pub sex: Option<String>,
    #[serde(default)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 130))]
    pub age: Option<u16>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::openapi::CountryCode>>))]
    pub nationalities: Option<Vec<String>>,
    #[serde(default)]
    pub passport_number: Option<String>,
    #[serde(default)]
    pub employer: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::vocab::PersonRole>))]
    pub role: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub contacts: Option<Vec<String>>,
}

/// A report of where a person stands. Only `status` is required: the
/// report is then the author's own (reliability F), credibility 6, as of now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportStatus {
    /// unknown, safe, missing, hostage, released, injured, hospitalised, evacuated, deceased, not_involved
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::PersonStatus))]
    pub status: String,
    /// A registered source.
    #[serde(default)]
    pub source: Option<SourceId>,
    /// 1 (confirmed) to 6 (cannot be judged)
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 6))]
    pub credibility: Option<serde_json::Value>,
    /// When the source says it was so (RFC 3339 with offset); default now.
    #[serde(default)]
    pub reported_at: Option<String>,
    /// What the source said (personal data: erased with the person).
    #[serde(default)]
    pub note: Option<String>,
    /// The HQ recording the report; defaults to the recorder's.
    #[serde(default)]
    pub hq: Option<HqId>,
}

/// Which report stands for a person in review, and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettleStatus {
    pub report: PersonReportId,
    pub reason: String,
}

/// Erasing a person's personal data, and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasePerson {
    /// request (the person or their family asked) or retention (its time is up)
    #[cfg_attr(feature = "openapi", schema(value_type = crate::vocab::ErasureBasis))]
    pub basis: String,
    pub reason: String,
}
