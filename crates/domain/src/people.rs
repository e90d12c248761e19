//! People of concern: who they are (the personal data, which can be
//! erased), what they were in the incident, and where they stand (their
//! status, which always comes from a report and follows [`judge`]).
//!
//! The journal keeps only what the accounting of the incident rests on and
//! identifies no one: a person's number, role, nationalities and employer,
//! and every status report's grades and outcome. Names, dates of birth,
//! passport numbers, contacts, locations and notes are [`PersonDetails`]
//! and report notes, kept outside the journal and named from it by a keyed
//! digest, so that erasing them leaves the chain whole.

use crate::ids::*;
use crate::time::Timestamp;
use crate::vocab::*;
use crate::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

// ------------------------------------------------------------------ dates

/// A date of birth as the lists give it: the year, the year and month, or
/// the whole date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, between 1880 and `this_year`.
    pub fn parse(field: &str, s: &str, this_year: i32) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "must be a date as YYYY-MM-DD, YYYY-MM or YYYY");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32, FieldError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse::<u32>().map_err(|_| bad())
        };
        let year = num(parts.first().copied().unwrap_or(""), 4)?;
        if year < 1880 || year as i32 > this_year {
            return Err(FieldError::new(
                field,
                format!("must be a year from 1880 to {this_year}"),
            ));
        }
        let month = parts.get(1).map(|m| num(m, 2)).transpose()?;
        let day = parts.get(2).map(|d| num(d, 2)).transpose()?;
        if parts.len() > 3 {
            return Err(bad());
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(FieldError::new(field, "has no such month"));
            }
        }
        if let (Some(m), Some(d)) = (month, day) {
            if chrono::NaiveDate::from_ymd_opt(year as i32, m, d).is_none() {
                return Err(FieldError::new(field, "has no such day"));
            }
        }
        Ok(PartialDate {
            year: year as u16,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        PartialDate::parse("date_of_birth", &s, 9999)
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

// --------------------------------------------------------- personal data

/// Who a person is: the personal data that can be erased. Kept outside the
/// journal (which names it by a keyed digest), shown only to members of
/// the incident's headquarters, the passport number and contacts only to
/// those whose role needs them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonDetails {
    /// Family name as in the passport (Latin alphabet).
    pub family_name: String,
    /// Given names as in the passport.
    pub given_name: String,
    /// The name in its own script (山田 太郎), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub native_name: String,
    /// Other spellings and aliases, as the lists wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// YYYY-MM-DD, YYYY-MM or YYYY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub date_of_birth: Option<PartialDate>,
    /// Age in years when no date of birth is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u16>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub passport_number: String,
    /// Last known location, as reported.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Telephone numbers, e-mail addresses, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
}

impl PersonDetails {
    /// The most other spellings or contacts one person holds.
    pub const MAX_LIST: usize = 20;

    /// "YAMADA Taro": the family name in capitals, as passports and
    /// consular lists write it, so that order is never in doubt.
    pub fn display_name(&self) -> String {
        match (self.family_name.is_empty(), self.given_name.is_empty()) {
            (false, false) => format!("{} {}", self.family_name.to_uppercase(), self.given_name),
            (false, true) => self.family_name.to_uppercase(),
            (true, _) => self.given_name.clone(),
        }
    }
}

/// A passport number as a viewer without the need sees it: the last three
/// characters, the rest hidden.
pub fn mask_passport(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let shown = chars.len().saturating_sub(1).min(3);
    let hidden = chars.len() - shown;
    let mut out = "•".repeat(hidden);
    out.extend(&chars[hidden..]);
    out
}

/// A person's nationalities: ISO 3166-1 alpha-2 codes, at most five, no
/// repeats, in the order given.
pub fn nationalities(field: &str, v: &[String]) -> Result<Vec<String>, FieldError> {
    if v.len() > 5 {
        return Err(FieldError::new(field, "at most 5 nationalities"));
    }
    let mut out: Vec<String> = vec![];
    for (i, c) in v.iter().enumerate() {
        let c = crate::geo::parse_country(&format!("{field}[{i}]"), c)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------ parsing

/// The parts of a person a request gives, parsed: who they are (erasable)
/// and what the accounting rests on (journaled).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonParts {
    pub details: PersonDetails,
    pub role: PersonRole,
    pub nationalities: Vec<String>,
    pub employer: Option<String>,
}

fn short(field: &str, v: &Option<String>, max: usize) -> Result<String, FieldError> {
    crate::error::text(field, v.as_deref().unwrap_or(""), 0, max)
}

fn list(field: &str, v: &[String], max_len: usize) -> Result<Vec<String>, FieldError> {
    if v.len() > PersonDetails::MAX_LIST {
        return Err(FieldError::new(
            field,
            format!("at most {} items", PersonDetails::MAX_LIST),
        ));
    }
    let mut out: Vec<String> = vec![];
    for (i, x) in v.iter().enumerate() {
        let x = crate::error::text(&format!("{field}[{i}]"), x, 1, max_len)?;
        if !out.contains(&x) {
            out.push(x);
        }
    }
    Ok(out)
}

fn passport(v: &Option<String>) -> Result<String, FieldError> {
    let p: String = short("passport_number", v, 30)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(FieldError::new(
            "passport_number",
            "may hold only letters A-Z, digits and hyphens",
        ));
    }
    Ok(p)
}

fn age(v: Option<u16>) -> Result<Option<u16>, FieldError> {
    match v {
        Some(a) if a > 130 => Err(FieldError::new("age", "must be from 0 to 130")),
        _ => Ok(v),
    }
}

fn sex(v: &Option<String>) -> Result<Option<Sex>, FieldError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Sex::parse("sex", s).map(Some),
    }
}

fn birth(v: &Option<String>, this_year: i32) -> Result<Option<PartialDate>, FieldError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => PartialDate::parse("date_of_birth", s, this_year).map(Some),
    }
}

fn employer(v: &Option<String>) -> Result<Option<String>, FieldError> {
    let e = short("employer", v, 200)?;
    Ok((!e.is_empty()).then_some(e))
}

fn named(d: &PersonDetails) -> Result<(), FieldError> {
    if d.family_name.is_empty() && d.given_name.is_empty() {
        return Err(FieldError::new(
            "family_name",
            "a family name or a given name is needed",
        ));
    }
    Ok(())
}

impl PersonParts {
    /// Parses a new person, each field named when it is wrong.
    pub fn parse(r: &crate::commands::NewPerson, this_year: i32) -> Result<Self, FieldError> {
        let details = PersonDetails {
            family_name: short("family_name", &r.family_name, 200)?,
            given_name: short("given_name", &r.given_name, 200)?,
            native_name: short("native_name", &r.native_name, 200)?,
            other_names: list("other_names", &r.other_names, 200)?,
            sex: sex(&r.sex)?,
            date_of_birth: birth(&r.date_of_birth, this_year)?,
            age: age(r.age)?,
            passport_number: passport(&r.passport_number)?,
            location: short("location", &r.location, 500)?,
            contacts: list("contacts", &r.contacts, 200)?,
        };
        named(&details)?;
        Ok(PersonParts {
            details,
            role: PersonRole::parse("role", &r.role)?,
            nationalities: nationalities("nationalities", &r.nationalities)?,
            employer: employer(&r.employer)?,
        })
    }

    /// These parts with what `r` changes; `self` as recorded.
    pub fn amend(
        &self,
        r: &crate::commands::AmendPerson,
        this_year: i32,
    ) -> Result<Self, FieldError> {
        let mut d = self.details.clone();
        if r.family_name.is_some() {
            d.family_name = short("family_name", &r.family_name, 200)?;
        }
        if r.given_name.is_some() {
            d.given_name = short("given_name", &r.given_name, 200)?;
        }
        if r.native_name.is_some() {
            d.native_name = short("native_name", &r.native_name, 200)?;
        }
        if let Some(o) = &r.other_names {
            d.other_names = list("other_names", o, 200)?;
        }
        if r.sex.is_some() {
            d.sex = sex(&r.sex)?;
        }
        if r.date_of_birth.is_some() {
            d.date_of_birth = birth(&r.date_of_birth, this_year)?;
        }
        if r.age.is_some() {
            d.age = age(r.age)?;
        }
        if r.passport_number.is_some() {
            d.passport_number = passport(&r.passport_number)?;
        }
        if r.location.is_some() {
            d.location = short("location", &r.location, 500)?;
        }
        if let Some(c) = &r.contacts {
            d.contacts = list("contacts", c, 200)?;
        }
        named(&d)?;
        Ok(PersonParts {
            details: d,
            role: match &r.role {
                Some(s) => PersonRole::parse("role", s)?,
                None => self.role,
            },
            nationalities: match &r.nationalities {
                Some(n) => nationalities("nationalities", n)?,
                None => self.nationalities.clone(),
            },
            employer: if r.employer.is_some() {
                employer(&r.employer)?
            } else {
                self.employer.clone()
            },
        })
    }
}

// ------------------------------------------------------ which status holds

/// Who said it and how sure: what a report's weight rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    pub source_kind: Option<SourceKind>,
    pub reliability: Reliability,
    pub credibility: Credibility,
}

impl Grade {
    /// An authority that may report a death: an embassy, a government or an
    /// agency, usually or completely reliable.
    pub fn is_authorised(&self) -> bool {
        matches!(
            self.source_kind,
            Some(
                SourceKind::Embassy
                    | SourceKind::HostGovernment
                    | SourceKind::PartnerGovernment
                    | SourceKind::Agency
            )
        ) && matches!(self.reliability, Reliability::A | Reliability::B)
    }
}

/// The status that holds now, and the report it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    pub status: PersonStatus,
    /// When its report says it was so (a report can arrive late).
    pub reported_at: Timestamp,
}

/// What a new report does to a person's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The report's status is now the person's.
    Holds,
    /// Kept in the history; the status stays as it was.
    Noted { reason: String },
    /// It contradicts what holds: the status stays as it was and the person
    /// waits in review until an officer settles which report stands.
    Review { reason: String },
}

/// The precedence rules, in order:
/// 1. "deceased" holds only from an authorised source (an embassy, a
///    government or an agency, graded A or B) by a confirmed report
///    (credibility 1); any other report of death goes to review;
/// 2. a report on someone with no status yet (or "unknown") holds;
/// 3. a report of when the status was earlier than the one that holds is
///    history only (a backdated report does not undo a later one);
/// 4. the same status again holds (a confirmation);
/// 5. "unknown" never replaces a known status (noted);
/// 6. anything after a recorded death goes to review;
/// 7. "missing", "hostage" or "deceased" after the person was accounted
///    for alive (safe, released, evacuated, not involved) goes to review:
///    a later "missing" does not replace "safe" without an officer;
/// 8. a doubtful or improbable report (credibility 4 or 5) that would
///    change the status goes to review;
/// 9. otherwise the report holds.
pub fn judge(
    current: Option<Holding>,
    status: PersonStatus,
    reported_at: Timestamp,
    g: Grade,
) -> Outcome {
    use PersonStatus::*;
    let review = |r: &str| Outcome::Review {
        reason: r.to_string(),
    };
    if status == Deceased && !(g.is_authorised() && g.credibility == Credibility::C1) {
        return review("a death is recorded only from an authorised source (embassy, government or agency, graded A or B) by a confirmed report (credibility 1)");
    }
    let Some(cur) = current.filter(|c| c.status != Unknown) else {
        return Outcome::Holds;
    };
    if reported_at < cur.reported_at {
        return Outcome::Noted {
            reason: "reported as of a time before the report that holds: kept as history".into(),
        };
    }
    if status == cur.status {
        return Outcome::Holds;
    }
    if status == Unknown {
        return Outcome::Noted {
            reason: "\"unknown\" does not replace a known status".into(),
        };
    }
    if cur.status == Deceased {
        return review("contradicts a recorded death");
    }
    if cur.status.is_known_alive() && matches!(status, Missing | Hostage | Deceased) {
        return review(&format!(
            "contradicts \"{}\", which the desk has accounted for",
            cur.status
        ));
    }
    if matches!(g.credibility, Credibility::C4 | Credibility::C5) {
        return review(
            "a doubtful or improbable report (credibility 4 or 5) would change the status",
        );
    }
    Outcome::Holds
}

// -------------------------------------------------------------------- views

/// One person of concern as the register lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonView {
    pub id: PersonId,
    pub incident: IncidentId,
    /// P-1, P-2, … in the order recorded in the incident.
    pub number: i64,
    pub role: PersonRole,
    pub nationalities: Vec<String>,
    pub employer: Option<String>,
    pub status: PersonStatus,
    /// When the report that holds says the status was so.
    pub status_reported_at: Option<DateTime<Utc>>,
    /// When the status last changed on the record.
    pub status_since: DateTime<Utc>,
    /// Why the person waits in review, if they do.
    pub review: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// The personal data, for those who may read it; `None` for those who
    /// may not, and for a person whose data was erased.
    pub details: Option<PersonDetails>,
    /// Whether the passport number and contacts in `details` are whole
    /// (the viewer's role needs them) or masked.
    pub identifying: bool,
    /// When the personal data was erased.
    pub erased_at: Option<DateTime<Utc>>,
}

impl PersonView {
    /// How the person is named on a page: their name, or their number
    /// alone when the viewer may not read it or it was erased.
    pub fn label(&self) -> String {
        match &self.details {
            Some(d) => format!("P-{} {}", self.number, d.display_name()),
            None => format!("P-{}", self.number),
        }
    }

    pub fn is_accounted(&self) -> bool {
        self.status.is_accounted()
    }
}

/// A status report on a person, as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusReportView {
    pub id: PersonReportId,
    pub status: PersonStatus,
    pub reported_at: DateTime<Utc>,
    pub source: Option<SourceId>,
    pub source_name: String,
    pub source_kind: Option<SourceKind>,
    pub reliability: Reliability,
    pub credibility: Credibility,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The report's note, for those who may read the personal data.
    pub note: Option<String>,
    pub hq: HqId,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<String>,
    /// Whether an officer settled the person's status on this report.
    pub settled: bool,
}

/// A person with their whole history of reports, newest first, and the
/// lists they appear in (how the desk knows of them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRecord {
    pub person: PersonView,
    pub reports: Vec<StatusReportView>,
    pub lists: Vec<ListMention>,
}

/// A row of an imported list that is this person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListMention {
    pub list: ListId,
    pub source_name: String,
    pub line: i64,
    /// linked (matched to the person), new (the row made the person)
    pub outcome: MatchOutcome,
    pub probability: Option<f64>,
    pub imported_at: DateTime<Utc>,
}

/// A count of people under one heading (a status, a nationality, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub key: String,
    pub count: i64,
}

/// The accountability board of an incident: how many people, where they
/// stand, and who is not yet accounted for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accountability {
    pub total: i64,
    pub accounted: i64,
    pub unaccounted: i64,
    pub in_review: i64,
    /// Every status, in the vocabulary's order, with its count (zeros too).
    pub by_status: Vec<Count>,
    /// Most first; a person of two nationalities counts under each.
    pub by_nationality: Vec<Count>,
    pub by_employer: Vec<Count>,
    pub by_role: Vec<Count>,
    /// People not yet accounted for, longest in that state first.
    pub not_accounted: Vec<PersonView>,
}

/// A person a record of a list could be, and how likely.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub person: PersonId,
    pub probability: f64,
}

/// A row of a list that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedRow {
    /// The line of the file (CSV) or of the record's start tag (PFIF).
    pub line: u32,
    pub field: String,
    pub message: String,
}

/// What importing a list did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub list: Option<ListId>,
    /// The same file from the same source was imported before: nothing new.
    pub duplicate: bool,
    pub rows: u32,
    pub linked: u32,
    pub review: u32,
    pub new: u32,
    pub refused: Vec<RefusedRow>,
    /// True when nothing was imported because rows were refused (send
    /// again with `take_good=true` to import the others).
    pub held: bool,
}

/// A person as a brief names them: by number and status, never by name
/// (a brief is kept in the journal, which cannot forget; the page shows
/// each reader the name, if they may read it and it is not erased).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mention {
    pub id: PersonId,
    pub number: i64,
    pub status: PersonStatus,
    /// Since when the person has had that status.
    pub since: DateTime<Utc>,
}

/// What a handover brief says of the people: the counts, who was
/// accounted for during the shift, who still is not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftPeople {
    pub total: i64,
    pub accounted: i64,
    pub unaccounted: i64,
    pub in_review: i64,
    /// Accounted for since the brief's `since`, newest first.
    pub newly_accounted: Vec<Mention>,
    /// Not yet accounted for, longest first (at most 200 named).
    pub still_unaccounted: Vec<Mention>,
}

/// The casualty-and-illness summary of a SITREP (after EDXL-SitRep's):
/// how many people of concern there are and where they stand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Casualties {
    pub total_of_concern: i64,
    pub accounted_for: i64,
    /// Safe, released, evacuated, or found not to be involved.
    pub safe: i64,
    /// Injured or in hospital.
    pub injured: i64,
    pub deceased: i64,
    pub missing: i64,
    /// Held hostage or detained.
    pub held: i64,
    pub unknown: i64,
    /// Under review: reports that contradict each other.
    pub in_review: i64,
    pub by_nationality: Vec<Count>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> Timestamp {
        chrono::Utc
            .with_ymd_and_hms(1996, 12, 18, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    const EMBASSY: Grade = Grade {
        source_kind: Some(SourceKind::Embassy),
        reliability: Reliability::A,
        credibility: Credibility::C1,
    };
    const PRESS: Grade = Grade {
        source_kind: Some(SourceKind::Media),
        reliability: Reliability::C,
        credibility: Credibility::C3,
    };

    fn holding(status: PersonStatus, h: u32) -> Option<Holding> {
        Some(Holding {
            status,
            reported_at: t(h),
        })
    }

    #[test]
    fn precedence_rules() {
        use PersonStatus::*;
        let holds = |o: Outcome| o == Outcome::Holds;
        let review = |o: Outcome| matches!(o, Outcome::Review { .. });
        let noted = |o: Outcome| matches!(o, Outcome::Noted { .. });
        assert!(holds(judge(None, Hostage, t(1), PRESS)));
        assert!(
            review(judge(None, Deceased, t(1), PRESS)),
            "death from the press"
        );
        let unconfirmed = Grade {
            credibility: Credibility::C2,
            ..EMBASSY
        };
        assert!(review(judge(
            holding(Hostage, 1),
            Deceased,
            t(2),
            unconfirmed
        )));
        assert!(holds(judge(holding(Hostage, 1), Deceased, t(2), EMBASSY)));
        assert!(
            review(judge(holding(Safe, 1), Missing, t(2), EMBASSY)),
            "missing after safe"
        );
        assert!(
            review(judge(holding(Safe, 1), Deceased, t(2), EMBASSY)),
            "dead after safe"
        );
        assert!(
            noted(judge(holding(Released, 5), Hostage, t(2), EMBASSY)),
            "backdated"
        );
        assert!(holds(judge(holding(Hostage, 1), Released, t(2), PRESS)));
        assert!(holds(judge(holding(Released, 1), Released, t(2), PRESS)));
        assert!(noted(judge(holding(Hostage, 1), Unknown, t(2), EMBASSY)));
        assert!(review(judge(holding(Deceased, 1), Safe, t(2), EMBASSY)));
        let doubtful = Grade {
            credibility: Credibility::C4,
            ..PRESS
        };
        assert!(review(judge(holding(Hostage, 1), Released, t(2), doubtful)));
        assert!(
            holds(judge(holding(Unknown, 5), Safe, t(2), PRESS)),
            "unknown yields"
        );
    }

    #[test]
    fn dates_of_birth_may_be_partial() {
        assert_eq!(
            PartialDate::parse("d", "1950", 2026).unwrap().to_string(),
            "1950"
        );
        assert_eq!(
            PartialDate::parse("d", "1950-03", 2026)
                .unwrap()
                .to_string(),
            "1950-03"
        );
        assert_eq!(
            PartialDate::parse("d", "1950-03-14", 2026)
                .unwrap()
                .to_string(),
            "1950-03-14"
        );
        for bad in [
            "1950-02-30",
            "50",
            "1950-13",
            "2030",
            "1950/03/14",
            "1950-03-14-1",
            "x",
        ] {
            assert_eq!(
                PartialDate::parse("d", bad, 2026).unwrap_err().field,
                "d",
                "{bad}"
            );
        }
    }

    #[test]
    fn passports_are_masked_but_their_end() {
        assert_eq!(mask_passport("TK1234567"), "••••••567");
        assert_eq!(mask_passport("AB"), "•B");
        assert_eq!(mask_passport(""), "");
    }
}
