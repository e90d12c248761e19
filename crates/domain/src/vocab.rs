//! The closed vocabularies of the desk: incident kinds, statuses, grades,
//! release markings. Each has a stable snake_case code used in the API, the
//! store and the message catalogue (`kind.hostage_taking`).

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $(#[serde(rename = $code)] $variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(&self) -> &'static str { match self { $($name::$variant => $code),* } }
            pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
                match s.trim() {
                    $($code => Ok($name::$variant),)*
                    _ => Err(FieldError::new(field, format!("must be one of: {}", [$($code),*].join(", ")))),
                }
            }
            /// Message catalogue key, e.g. `status.active`.
            pub fn msg_key(&self) -> String { format!("{}.{}", Self::CATALOGUE, self.as_str()) }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

vocab!(IncidentKind {
    HostageTaking = "hostage_taking", Kidnapping = "kidnapping", ArmedAttack = "armed_attack",
    Bombing = "bombing", CivilUnrest = "civil_unrest", NaturalDisaster = "natural_disaster",
    Evacuation = "evacuation", Other = "other",
});
impl IncidentKind {
    const CATALOGUE: &'static str = "kind";
}

vocab!(
    /// CAP 1.2 / EDXL severity, most severe first.
    Severity { Extreme = "extreme", Severe = "severe", Moderate = "moderate", Minor = "minor", Unknown = "unknown" }
);
impl Severity {
    const CATALOGUE: &'static str = "severity";
}

vocab!(IncidentStatus { Monitoring = "monitoring", Active = "active", Resolved = "resolved", Closed = "closed" });
impl IncidentStatus {
    const CATALOGUE: &'static str = "status";

    /// Closed is final: the headquarters have stood down, so nobody is
    /// expected on duty and nothing falls due any more.
    pub fn is_closed(self) -> bool {
        self == IncidentStatus::Closed
    }

    /// The lifecycle: forward moves (skips allowed), a resolved incident may
    /// be reopened and an active one stood down to monitoring; closed is final.
    pub fn can_move_to(self, to: IncidentStatus) -> bool {
        use IncidentStatus::*;
        if self == to || self == Closed {
            return false;
        }
        to > self || matches!((self, to), (Resolved, Active) | (Active, Monitoring))
    }
}

vocab!(HqKind { Ministry = "ministry", Cabinet = "cabinet", Local = "local", Other = "other" });
impl HqKind {
    const CATALOGUE: &'static str = "hqkind";
}

vocab!(SourceKind {
    Embassy = "embassy", HostGovernment = "host_government", PartnerGovernment = "partner_government",
    Agency = "agency", Media = "media", OpenSource = "open_source", HostageFamily = "hostage_family", Other = "other",
});
impl SourceKind {
    const CATALOGUE: &'static str = "sourcekind";
}

vocab!(
    /// Admiralty reliability, which belongs to the source.
    Reliability { A = "A", B = "B", C = "C", D = "D", E = "E", F = "F" }
);
impl Reliability {
    const CATALOGUE: &'static str = "reliability";
}

vocab!(
    /// Admiralty credibility, which belongs to each piece of information.
    Credibility { C1 = "1", C2 = "2", C3 = "3", C4 = "4", C5 = "5", C6 = "6" }
);
impl Credibility {
    const CATALOGUE: &'static str = "credibility";
    pub fn from_number(field: &str, n: i64) -> Result<Self, FieldError> {
        Self::parse(field, &n.to_string())
            .map_err(|_| FieldError::new(field, "must be a credibility grade from 1 to 6"))
    }
    /// The grade a request gives as a JSON number (absent or null: 6,
    /// cannot be judged).
    pub fn from_json(field: &str, v: &Option<serde_json::Value>) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "must be a credibility grade from 1 to 6");
        match v {
            None | Some(serde_json::Value::Null) => Ok(Credibility::C6),
            Some(serde_json::Value::Number(n)) => {
                Self::from_number(field, n.as_i64().ok_or_else(bad)?)
            }
            Some(serde_json::Value::String(_)) => Err(FieldError::new(
                field,
                "must be a number from 1 to 6, not a string",
            )),
            Some(_) => Err(bad()),
        }
    }

    pub fn number(&self) -> i64 {
        Self::ALL
            .iter()
            .position(|c| c == self)
            .map_or(6, |i| i as i64 + 1)
    }
}

vocab!(Category {
    Information = "information", Decision = "decision", Action = "action",
    Communication = "communication", Statement = "statement", Media = "media",
});
impl Category {
    const CATALOGUE: &'static str = "category";
}

vocab!(
    /// Who may read a log entry, narrowest first. Each marking includes the
    /// audiences of the ones before it.
    Release { Hq = "hq", Incident = "incident", Partners = "partners", Families = "families", Public = "public" }
);
impl Release {
    const CATALOGUE: &'static str = "release";

    /// The marking of what was recorded before markings were: everyone in
    /// the incident read it.
    pub fn incident() -> Release {
        Release::Incident
    }
}

vocab!(TaskStatus { Open = "open", InProgress = "in_progress", Blocked = "blocked", Done = "done", Cancelled = "cancelled" });
impl TaskStatus {
    const CATALOGUE: &'static str = "taskstatus";
    pub fn is_closed(&self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::Cancelled)
    }
}

vocab!(
    /// Rights that hold across all incidents.
    GlobalRole { Admin = "admin", Officer = "officer", Reader = "reader" }
);
impl GlobalRole {
    const CATALOGUE: &'static str = "globalrole";
}

vocab!(
    /// What a role in a headquarters may do.
    Capability {
        LogWrite = "log_write", LogRelease = "log_release", IncidentManage = "incident_manage",
        HqManage = "hq_manage", DecisionRecord = "decision_record", TaskManage = "task_manage",
        ReportFile = "report_file", SitrepIssue = "sitrep_issue",
        PersonsManage = "persons_manage", PersonsIdentify = "persons_identify",
        PersonalDataErase = "personal_data_erase",
    }
);
impl Capability {
    const CATALOGUE: &'static str = "capability";
}

vocab!(
    /// EDXL-SitRep / CAP urgency.
    Urgency { Immediate = "immediate", Expected = "expected", Future = "future", Past = "past", Unknown = "unknown" }
);
impl Urgency {
    const CATALOGUE: &'static str = "urgency";
}

vocab!(
    /// EDXL-SitRep reportConfidence.
    Confidence {
        FullyConfident = "fully_confident", HighlyConfident = "highly_confident",
        ModeratelyConfident = "moderately_confident", SomewhatConfident = "somewhat_confident",
        NotConfident = "not_confident",
    }
);
impl Confidence {
    const CATALOGUE: &'static str = "confidence";
}

vocab!(
    /// Where a person of concern stands. Every status comes from a report;
    /// which report holds follows [`crate::people::judge`].
    PersonStatus {
        Unknown = "unknown", Safe = "safe", Missing = "missing", Hostage = "hostage",
        Released = "released", Injured = "injured", Hospitalised = "hospitalised",
        Evacuated = "evacuated", Deceased = "deceased", NotInvolved = "not_involved",
    }
);
impl PersonStatus {
    const CATALOGUE: &'static str = "personstatus";

    /// Whether the person's fate is known: alive and out of the danger
    /// (safe, released, evacuated, injured, in hospital), dead, or found to
    /// be elsewhere. Unknown, missing and still held are not accounted for:
    /// they are the desk's open list.
    pub fn is_accounted(self) -> bool {
        !matches!(
            self,
            PersonStatus::Unknown | PersonStatus::Missing | PersonStatus::Hostage
        )
    }

    /// Accounted for and alive: a later report that they are missing, held
    /// or dead contradicts what the desk has told families.
    pub fn is_known_alive(self) -> bool {
        matches!(
            self,
            PersonStatus::Safe
                | PersonStatus::Released
                | PersonStatus::Evacuated
                | PersonStatus::NotInvolved
        )
    }
}

vocab!(
    /// What a person was in the incident.
    PersonRole {
        Hostage = "hostage", ReleasedHostage = "released_hostage", Staff = "staff", Guest = "guest",
        Resident = "resident", Traveller = "traveller", Other = "other",
    }
);
impl PersonRole {
    const CATALOGUE: &'static str = "personrole";
}

vocab!(Sex { Female = "female", Male = "male", Other = "other", Unknown = "unknown" });
impl Sex {
    const CATALOGUE: &'static str = "sex";
}

vocab!(
    /// What the matching engine made of a record of an imported list.
    MatchOutcome { Linked = "linked", New = "new", Review = "review" }
);
impl MatchOutcome {
    const CATALOGUE: &'static str = "matchoutcome";
}

vocab!(
    /// Why a person's personal data was erased.
    ErasureBasis { Request = "request", Retention = "retention" }
);
impl ErasureBasis {
    const CATALOGUE: &'static str = "erasure";
}

/// The name of a role in a headquarters. Eight are built in; an
/// administrator can define more, each with its own capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "duty_officer"))]
#[serde(try_from = "String", into = "String")]
pub struct RoleName(String);

pub const BUILTIN_ROLES: &[&str] = &[
    "head",
    "deputy",
    "duty_officer",
    "liaison",
    "analyst",
    "family_liaison",
    "logistics",
    "scribe",
];

impl RoleName {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        let ok = (2..=32).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            && s.starts_with(|c: char| c.is_ascii_lowercase());
        if ok {
            Ok(RoleName(s.to_string()))
        } else {
            Err(FieldError::new(
                field,
                "must be 2 to 32 characters of a-z, 0-9 and _, starting with a letter",
            ))
        }
    }
    pub fn head() -> Self {
        RoleName("head".into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_builtin(&self) -> bool {
        BUILTIN_ROLES.contains(&self.0.as_str())
    }
    /// The capabilities of a built-in role; `None` for an administrator-defined one.
    pub fn builtin_capabilities(&self) -> Option<Vec<Capability>> {
        use Capability::*;
        let caps: &[Capability] = match self.0.as_str() {
            "head" | "deputy" => Capability::ALL,
            "duty_officer" => &[
                LogWrite,
                LogRelease,
                IncidentManage,
                DecisionRecord,
                TaskManage,
                ReportFile,
                SitrepIssue,
                PersonsManage,
                PersonsIdentify,
            ],
            "liaison" => &[LogWrite, LogRelease, TaskManage, ReportFile, PersonsManage],
            "analyst" => &[LogWrite, TaskManage, SitrepIssue, PersonsManage],
            "family_liaison" => &[LogWrite, TaskManage, PersonsManage, PersonsIdentify],
            "logistics" => &[LogWrite, TaskManage],
            "scribe" => &[
                LogWrite,
                DecisionRecord,
                TaskManage,
                ReportFile,
                PersonsManage,
            ],
            _ => return None,
        };
        Some(caps.to_vec())
    }
}

impl TryFrom<String> for RoleName {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        RoleName::parse("role", &s)
    }
}
impl From<RoleName> for String {
    fn from(r: RoleName) -> String {
        r.0
    }
}
impl fmt::Display for RoleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_outside_admiralty_scale_are_refused() {
        assert!(Reliability::parse("source.reliability", "G").is_err());
        assert_eq!(
            Credibility::from_number("credibility", 7)
                .unwrap_err()
                .field,
            "credibility"
        );
        assert_eq!(Credibility::from_number("c", 2).unwrap().number(), 2);
    }

    #[test]
    fn lifecycle_moves() {
        use IncidentStatus::*;
        assert!(Monitoring.can_move_to(Active));
        assert!(Active.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Active));
        assert!(!Closed.can_move_to(Active));
        assert!(!Active.can_move_to(Active));
        assert!(!Resolved.can_move_to(Monitoring));
    }

    #[test]
    fn release_markings_are_ordered_narrow_to_wide() {
        assert!(Release::Hq < Release::Incident && Release::Families < Release::Public);
    }
}
