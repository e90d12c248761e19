//! Events: the only way anything changes. The store appends them to the
//! hash-chained journal and applies them to the read models in one
//! transaction. An event carries every value its projection needs (ids are
//! chosen before it is appended), so replaying the journal rebuilds the same
//! state.
//!
//! Once written, an event's JSON form is part of the chain: fields may be
//! added (with `#[serde(default)]`), never renamed or removed.

use crate::geo::{AreaInput, Point};
use crate::ids::*;
use crate::time::{Timestamp, Zone};
use crate::vocab::*;
use serde::{Deserialize, Serialize};

/// An event before it is appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it was recorded (for the demo, the scenario's time).
    pub at: Timestamp,
    /// Who did it; `None` for the system itself.
    pub actor: Option<UserId>,
    /// The incident it belongs to, if any; streams and "as of" replays filter on it.
    pub incident: Option<IncidentId>,
    pub body: Body,
}

/// An event as the journal holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    pub seq: i64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    // --- accounts and access -------------------------------------------------
    UserCreated {
        user: UserId,
        username: String,
        display_name: String,
        /// Written by journals from before credentials were kept out of
        /// the journal; ignored since (see the `credentials` table).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_hash: Option<String>,
        global_role: Option<GlobalRole>,
        locale: Option<String>,
    },
    UserSettingsChanged {
        user: UserId,
        display_name: Option<String>,
        locale: Option<String>,
        time_zone: Option<Zone>,
    },
    /// The new hash is not in the journal: an append-only record is no place
    /// for a secret, however hashed. It goes to the `credentials` table in
    /// the same transaction.
    PasswordChanged {
        user: UserId,
        /// As in `UserCreated`: only in old journals, and ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_hash: Option<String>,
    },
    GlobalRoleSet {
        user: UserId,
        role: Option<GlobalRole>,
    },
    /// An administrator disabled the account: every session, token and
    /// stream of theirs stops, and they cannot sign in until enabled.
    UserDisabled {
        user: UserId,
    },
    UserEnabled {
        user: UserId,
    },
    /// An administrator set a password for the user (in `credentials`, not
    /// here), which they must replace at their next sign-in; their sessions
    /// ended.
    PasswordReset {
        user: UserId,
    },
    TokenCreated {
        token: TokenId,
        user: UserId,
        name: String,
        /// SHA-256 of the secret; the secret itself is shown once and never stored.
        token_hash: String,
    },
    TokenRevoked {
        token: TokenId,
    },
    LoginSucceeded {
        user: UserId,
        method: String,
    },
    LoginFailed {
        username: String,
        reason: String,
        /// Further attempts like this one that were refused but not
        /// recorded one by one (a flood is counted, not written row by row).
        #[serde(default, skip_serializing_if = "is_zero")]
        repeats: u32,
    },
    LoggedOut {
        user: UserId,
    },
    AccessRefused {
        user: Option<UserId>,
        action: String,
        target: String,
        /// Refusals of the same requester before this one that were counted
        /// but not recorded one by one.
        #[serde(default, skip_serializing_if = "is_zero")]
        repeats: u32,
    },
    RoleDefined {
        name: RoleName,
        label: String,
        capabilities: Vec<Capability>,
    },

    // --- incidents and headquarters -----------------------------------------
    IncidentOpened {
        kind: IncidentKind,
        title: String,
        country: String,
        place: Point,
        area: Option<AreaInput>,
        severity: Severity,
        time_zone: Zone,
        summary: String,
    },
    IncidentAmended {
        title: Option<String>,
        severity: Option<Severity>,
        summary: Option<String>,
        place: Option<Point>,
        area: Option<AreaInput>,
        reason: String,
    },
    IncidentStatusChanged {
        from: IncidentStatus,
        to: IncidentStatus,
        reason: String,
    },
    HqActivated {
        hq: HqId,
        name: String,
        kind: HqKind,
        time_zone: Zone,
        report_every_minutes: Option<u32>,
    },
    HqMemberAdded {
        hq: HqId,
        user: UserId,
        role: RoleName,
    },
    HqMemberRemoved {
        hq: HqId,
        user: UserId,
    },
    ReportCadenceSet {
        hq: HqId,
        every_minutes: Option<u32>,
    },
    DutyStarted {
        hq: HqId,
        user: UserId,
    },
    DutyEnded {
        hq: HqId,
        user: UserId,
    },
    StatusReportFiled {
        report: ReportId,
        hq: HqId,
        text: String,
    },

    // --- the situation log ---------------------------------------------------
    SourceRegistered {
        source: SourceId,
        name: String,
        kind: SourceKind,
        reliability: Reliability,
    },
    SourceRegraded {
        source: SourceId,
        reliability: Reliability,
        reason: String,
    },
    EntryLogged(Box<EntryLogged>),
    EntrySignificance {
        entry: EntryId,
        significant: bool,
    },
    EntryReleased {
        entry: EntryId,
        to_hq: HqId,
    },
    /// A file (a cable, a photo, a scanned list) attached to an entry. The
    /// bytes are not in the journal: they are kept by their SHA-256 in
    /// `attachment_blobs`, written in the same transaction, and the digest
    /// here is what `journal verify` holds them to.
    AttachmentAdded {
        attachment: AttachmentId,
        entry: EntryId,
        name: String,
        content_type: String,
        size: u64,
        /// SHA-256 of the bytes, lowercase hex.
        sha256: String,
    },

    // --- decisions, tasks, briefs, reports --------------------------------
    DecisionRecorded {
        decision: DecisionId,
        hq: HqId,
        decided_at: Timestamp,
        decided_by: String,
        title: String,
        options: Vec<String>,
        rationale: String,
        based_on: Vec<EntryId>,
        /// Who may read it, as for an entry (recorded since release 0.7;
        /// earlier decisions were read by the whole incident).
        #[serde(default = "Release::incident")]
        release: Release,
    },
    TaskAssigned {
        task: TaskId,
        hq: HqId,
        title: String,
        owner: String,
        due_at: Option<Timestamp>,
        note: String,
    },
    TaskStatusChanged {
        task: TaskId,
        status: TaskStatus,
        note: String,
    },
    HandoverIssued {
        handover: HandoverId,
        hq: HqId,
        since: Option<Timestamp>,
        /// The brief as the incoming officer read it.
        brief: serde_json::Value,
    },
    HandoverAcknowledged {
        handover: HandoverId,
    },
    SitrepIssued {
        sitrep: SitrepId,
        /// The EDXL-SitRep document as issued (its reportNumber is assigned by the store).
        document: serde_json::Value,
    },

    // --- people of concern ----------------------------------------------
    /// A person entered in the incident's register. Who they are is not
    /// here: names, date of birth, passport, contacts and location are in
    /// `personal_data`, named by `details` (a digest keyed by a secret
    /// derived from the journal key), so they can be erased while the
    /// chain holds.
    PersonRecorded {
        person: PersonId,
        hq: HqId,
        role: PersonRole,
        nationalities: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        employer: Option<String>,
        details: String,
    },
    /// What changed of a person (absent: unchanged; an empty employer
    /// clears it).
    PersonAmended {
        person: PersonId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<PersonRole>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nationalities: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        employer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
    },
    /// A report of where a person stands, with who made it and how sure,
    /// and what it did under the precedence rules (`people::judge`),
    /// decided when it was recorded. Its note, if any, is personal data
    /// named by its digest.
    PersonStatusReported {
        report: PersonReportId,
        person: PersonId,
        hq: HqId,
        status: PersonStatus,
        reported_at: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<SourceId>,
        source_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_kind: Option<SourceKind>,
        reliability: Reliability,
        credibility: Credibility,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        outcome: crate::people::Outcome,
    },
    /// An officer settled which report stands for a person in review.
    PersonStatusSettled {
        person: PersonId,
        report: PersonReportId,
        reason: String,
    },
    /// A list of people (CSV or PFIF) from a source, imported as it came:
    /// its digest and counts here, each record's row kept as personal data
    /// and matched (`ListRecordMatched`).
    ListImported {
        list: ListId,
        source: SourceId,
        source_name: String,
        format: String,
        /// SHA-256 of the file as received: the same file is imported once.
        sha256: String,
        rows: u32,
        refused: u32,
    },
    /// What the engine made of one record of a list: linked to a person of
    /// the register (sure), a new person (no one like them), or in review
    /// beside the candidates it could be. The row itself is personal data,
    /// named by `data`, kept for its person (or, in review, for the record).
    ListRecordMatched {
        list: ListId,
        record: ListRecordId,
        line: u32,
        outcome: MatchOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        person: Option<PersonId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        probability: Option<f64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        candidates: Vec<crate::people::Candidate>,
        data: String,
        /// What the row says of the accounting (role, nationalities,
        /// employer), which names no one: kept with the record, so that a
        /// decision on a record in review can make a person of it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<PersonRole>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        nationalities: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        employer: Option<String>,
    },
    /// A person's personal data was erased (on request, or when its time
    /// was up): the rows are gone; the record of the incident keeps the
    /// person's number, role and statuses.
    PersonalDataErased {
        person: PersonId,
        basis: ErasureBasis,
        reason: String,
    },
}

/// Whose rights an event changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightsOf {
    /// One user's (every credential of theirs).
    User(UserId),
    /// Whoever signs in with this API token.
    Token(TokenId),
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryLogged {
    pub entry: EntryId,
    pub hq: HqId,
    pub occurred_at: Timestamp,
    pub reported_at: Timestamp,
    // Absent values are left out of the journal's copy (every entry is
    // written once there; a smaller row is a faster append).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceId>,
    /// The source's name and reliability when the entry was made: a later
    /// regrading of the source does not rewrite what the officer saw.
    pub source_name: String,
    pub reliability: Reliability,
    pub credibility: Credibility,
    pub category: Category,
    pub release: Release,
    pub significant: bool,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<EntryId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<EntryId>,
}

impl Body {
    /// The event's type as written in the journal (`entry_logged`).
    pub fn kind(&self) -> &'static str {
        match self {
            Body::UserCreated { .. } => "user_created",
            Body::UserSettingsChanged { .. } => "user_settings_changed",
            Body::PasswordChanged { .. } => "password_changed",
            Body::GlobalRoleSet { .. } => "global_role_set",
            Body::UserDisabled { .. } => "user_disabled",
            Body::UserEnabled { .. } => "user_enabled",
            Body::PasswordReset { .. } => "password_reset",
            Body::TokenCreated { .. } => "token_created",
            Body::TokenRevoked { .. } => "token_revoked",
            Body::LoginSucceeded { .. } => "login_succeeded",
            Body::LoginFailed { .. } => "login_failed",
            Body::LoggedOut { .. } => "logged_out",
            Body::AccessRefused { .. } => "access_refused",
            Body::RoleDefined { .. } => "role_defined",
            Body::IncidentOpened { .. } => "incident_opened",
            Body::IncidentAmended { .. } => "incident_amended",
            Body::IncidentStatusChanged { .. } => "incident_status_changed",
            Body::HqActivated { .. } => "hq_activated",
            Body::HqMemberAdded { .. } => "hq_member_added",
            Body::HqMemberRemoved { .. } => "hq_member_removed",
            Body::ReportCadenceSet { .. } => "report_cadence_set",
            Body::DutyStarted { .. } => "duty_started",
            Body::DutyEnded { .. } => "duty_ended",
            Body::StatusReportFiled { .. } => "status_report_filed",
            Body::SourceRegistered { .. } => "source_registered",
            Body::SourceRegraded { .. } => "source_regraded",
            Body::EntryLogged(_) => "entry_logged",
            Body::EntrySignificance { .. } => "entry_significance",
            Body::EntryReleased { .. } => "entry_released",
            Body::AttachmentAdded { .. } => "attachment_added",
            Body::DecisionRecorded { .. } => "decision_recorded",
            Body::TaskAssigned { .. } => "task_assigned",
            Body::TaskStatusChanged { .. } => "task_status_changed",
            Body::HandoverIssued { .. } => "handover_issued",
            Body::HandoverAcknowledged { .. } => "handover_acknowledged",
            Body::SitrepIssued { .. } => "sitrep_issued",
            Body::PersonRecorded { .. } => "person_recorded",
            Body::PersonAmended { .. } => "person_amended",
            Body::PersonStatusReported { .. } => "person_status_reported",
            Body::PersonStatusSettled { .. } => "person_status_settled",
            Body::PersonalDataErased { .. } => "personal_data_erased",
            Body::ListImported { .. } => "list_imported",
            Body::ListRecordMatched { .. } => "list_record_matched",
        }
    }

    /// Whose rights this event may take away or change: a live stream
    /// holding a credential of theirs checks it again before it sends
    /// anything more (see `web/src/live.rs`).
    pub fn rights_of(&self) -> Option<RightsOf> {
        match self {
            Body::PasswordChanged { user, .. }
            | Body::PasswordReset { user }
            | Body::UserDisabled { user }
            | Body::UserEnabled { user }
            | Body::GlobalRoleSet { user, .. }
            | Body::LoggedOut { user }
            | Body::HqMemberAdded { user, .. }
            | Body::HqMemberRemoved { user, .. } => Some(RightsOf::User(*user)),
            Body::TokenRevoked { token } => Some(RightsOf::Token(*token)),
            // A role's capabilities govern what its holders may do, not what
            // they may read (memberships and global roles decide that): no
            // stream's rights change with them.
            _ => None,
        }
    }

    /// Security events are recorded but never shown on an incident's stream.
    pub fn is_security(&self) -> bool {
        matches!(
            self,
            Body::LoginSucceeded { .. }
                | Body::LoginFailed { .. }
                | Body::LoggedOut { .. }
                | Body::AccessRefused { .. }
                | Body::TokenCreated { .. }
                | Body::TokenRevoked { .. }
                | Body::PasswordChanged { .. }
                | Body::PasswordReset { .. }
                | Body::UserDisabled { .. }
                | Body::UserEnabled { .. }
        )
    }
}
