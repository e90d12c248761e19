//! PFIF, the People Finder Interchange Format (zesty.ca/pfif).
//!
//! Reading ([`read_pfif`]):
//! - PFIF 1.1, 1.2, 1.3 and 1.4 are read, each by its namespace
//!   (`http://zesty.ca/pfif/1.1` … `/1.4`); any other namespace, or none, is
//!   refused naming what was found. Older fields are given 1.4's names:
//!   `first_name` → `given_name`, `last_name` → `family_name`, `home_zip` →
//!   `home_postal_code`, `other` → `description` (its `description:` label
//!   taken off), `found` → `author_made_contact`; `full_name` is made from
//!   the given and family names when the record has none.
//! - A document with a DOCTYPE or an entity declaration is refused before
//!   anything is parsed. Only the five predefined entities (`&lt;` `&gt;`
//!   `&amp;` `&quot;` `&apos;`) and numeric character references are
//!   understood; nothing outside the bytes given is ever read.
//! - The caller's [`Limits`] bound the size, the nesting, the number of
//!   records and the length of a field; each is refused with its own error.
//! - Every value is stripped of the whitespace around it; `full_name`,
//!   `alternate_names` and `profile_urls` are split into their lines.
//! - A record that is wrong (its id missing, malformed, of another domain than
//!   the document's, a date, sex, status or flag that is not PFIF's, a field
//!   not PFIF's) is never dropped silently: it is kept apart from the good
//!   records with a [`Problem`] naming it, so the caller can refuse the whole
//!   document or take the good records only.
//!
//! Writing ([`write_pfif14`]): a PFIF 1.4 document, `pfif:`-prefixed, the
//! fields in the order of the 1.4 schema, which [`read_pfif`] reads back to
//! the same records.

mod read;
mod status;
mod write;

pub use read::read_pfif;
pub use status::{note_status_for, status_note};
pub use write::write_pfif14;

use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

/// The namespace every PFIF namespace begins with.
pub const NAMESPACE_PREFIX: &str = "http://zesty.ca/pfif/";

/// A PFIF version this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PfifVersion {
    V1_1,
    V1_2,
    V1_3,
    V1_4,
}

impl PfifVersion {
    pub const ALL: [PfifVersion; 4] = [Self::V1_1, Self::V1_2, Self::V1_3, Self::V1_4];

    /// The XML namespace of this version, e.g. `http://zesty.ca/pfif/1.4`.
    pub fn namespace(self) -> &'static str {
        match self {
            Self::V1_1 => "http://zesty.ca/pfif/1.1",
            Self::V1_2 => "http://zesty.ca/pfif/1.2",
            Self::V1_3 => "http://zesty.ca/pfif/1.3",
            Self::V1_4 => "http://zesty.ca/pfif/1.4",
        }
    }

    /// The version a namespace names, if it is one of the four.
    pub fn from_namespace(ns: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.namespace() == ns)
    }

    /// `"1.1"` … `"1.4"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_1 => "1.1",
            Self::V1_2 => "1.2",
            Self::V1_3 => "1.3",
            Self::V1_4 => "1.4",
        }
    }
}

impl fmt::Display for PfifVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PFIF {}", self.as_str())
    }
}

/// The caller's bounds on a document. Each one exceeded refuses the document
/// with its own [`PfifError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest document, in bytes.
    pub max_bytes: usize,
    /// The most records (persons and notes, nested or not) in one document.
    pub max_records: usize,
    /// The longest field, in characters (as written, before stripping).
    pub max_field_chars: usize,
    /// The deepest nesting of elements (PFIF itself needs 4:
    /// `pfif` > `person` > `note` > field).
    pub max_depth: usize,
}

impl Default for Limits {
    /// 50 MiB, 200,000 records, 10,000 characters a field, 16 levels.
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_records: 200_000,
            max_field_chars: 10_000,
            max_depth: 16,
        }
    }
}

/// `sex` of a person record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "female" => Some(Self::Female),
            "male" => Some(Self::Male),
            "other" => Some(Self::Other),
            _ => None,
        }
    }
}

/// `date_of_birth`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept as precise as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOfBirth {
    Year(i32),
    YearMonth(i32, u32),
    Date(NaiveDate),
}

impl DateOfBirth {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real month and day).
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let year = || s.get(0..4)?.parse::<i32>().ok();
        match b.len() {
            4 if digits(0..4) => Some(Self::Year(year()?)),
            7 if digits(0..4) && b[4] == b'-' && digits(5..7) => {
                let month = s.get(5..7)?.parse::<u32>().ok()?;
                (1..=12)
                    .contains(&month)
                    .then_some(Self::YearMonth(year()?, month))
            }
            10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) => {
                let month = s.get(5..7)?.parse::<u32>().ok()?;
                let day = s.get(8..10)?.parse::<u32>().ok()?;
                NaiveDate::from_ymd_opt(year()?, month, day).map(Self::Date)
            }
            _ => None,
        }
    }
}

impl fmt::Display for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// `status` of a note record: PFIF's whole vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteStatus {
    InformationSought,
    IsNoteAuthor,
    BelievedAlive,
    BelievedMissing,
    BelievedDead,
}

impl NoteStatus {
    pub const ALL: [NoteStatus; 5] = [
        Self::InformationSought,
        Self::IsNoteAuthor,
        Self::BelievedAlive,
        Self::BelievedMissing,
        Self::BelievedDead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InformationSought => "information_sought",
            Self::IsNoteAuthor => "is_note_author",
            Self::BelievedAlive => "believed_alive",
            Self::BelievedMissing => "believed_missing",
            Self::BelievedDead => "believed_dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for NoteStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A person record, with PFIF 1.4's fields. A field absent or empty in the
/// document is `None` (or an empty list).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// `domain/unique`.
    pub person_record_id: String,
    pub entry_date: Option<DateTime<Utc>>,
    pub expiry_date: Option<DateTime<Utc>>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_name: Option<String>,
    pub source_date: Option<DateTime<Utc>>,
    pub source_url: Option<String>,
    /// One line each (PFIF 1.4 allows the name in several scripts, a line each).
    pub full_name: Vec<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// One name a line.
    pub alternate_names: Vec<String>,
    pub description: Option<String>,
    pub sex: Option<Sex>,
    pub date_of_birth: Option<DateOfBirth>,
    /// A number or a range (`35-45`), as written.
    pub age: Option<String>,
    pub home_street: Option<String>,
    pub home_neighborhood: Option<String>,
    pub home_city: Option<String>,
    pub home_state: Option<String>,
    pub home_postal_code: Option<String>,
    pub home_country: Option<String>,
    pub photo_url: Option<String>,
    /// One URL a line.
    pub profile_urls: Vec<String>,
    /// The notes nested in the person element, in document order.
    pub notes: Vec<Note>,
}

impl Person {
    /// The note whose status holds for this person: see [`status_note`].
    pub fn status_note(&self) -> Option<&Note> {
        status_note(&self.notes)
    }
}

/// A note record, with PFIF 1.4's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// `domain/unique`.
    pub note_record_id: String,
    /// The person the note is about; a note nested in a person without one
    /// takes that person's.
    pub person_record_id: String,
    pub linked_person_record_id: Option<String>,
    pub entry_date: Option<DateTime<Utc>>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_date: Option<DateTime<Utc>>,
    /// PFIF 1.4's `author_made_contact` (1.1–1.3: `found`).
    pub author_made_contact: Option<bool>,
    pub status: Option<NoteStatus>,
    pub email_of_found_person: Option<String>,
    pub phone_of_found_person: Option<String>,
    pub last_known_location: Option<String>,
    pub text: Option<String>,
    pub photo_url: Option<String>,
}

/// Which kind of record a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Person,
    Note,
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Person => "person",
            Self::Note => "note",
        })
    }
}

/// Something wrong with one record; the record is kept apart from the good
/// ones (in [`Document::rejected_persons`] or [`Document::rejected_notes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record's id as written, if it has one.
    pub record_id: Option<String>,
    pub kind: RecordKind,
    /// 1-based line: of the field's start tag when the problem is in one
    /// field, else of the record's start tag.
    pub line: usize,
    /// The PFIF field the problem is in, under the name the document used
    /// (e.g. `source_date`, `found`), if it is in one field.
    pub field: Option<String>,
    /// What is wrong, in English, naming the record, the field and the line.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A PFIF document as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub version: PfifVersion,
    /// The document's domain: that of its first person record, or of its
    /// first note if it has no person record (`None`: no record has an id).
    pub domain: Option<String>,
    /// The good person records, each with its good nested notes.
    pub persons: Vec<Person>,
    /// The good top-level notes (notes-only documents, PFIF 1.2 and later).
    pub notes: Vec<Note>,
    /// Person records with a problem, each with all its nested notes.
    pub rejected_persons: Vec<Person>,
    /// Notes with a problem: top-level ones, and those nested in a good
    /// person (with that person's id).
    pub rejected_notes: Vec<Note>,
    /// Every problem, in document order.
    pub problems: Vec<Problem>,
}

impl Document {
    /// Whether every record of the document is good.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Every good note, nested or top-level, in document order of persons
    /// first then top-level notes.
    pub fn all_notes(&self) -> impl Iterator<Item = &Note> {
        self.persons
            .iter()
            .flat_map(|p| p.notes.iter())
            .chain(self.notes.iter())
    }
}

/// Why a whole document was refused. Each message says what was found and,
/// where it has one, its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PfifError {
    #[error("the document is {size} bytes, more than the {limit} allowed")]
    TooLarge { size: usize, limit: usize },
    #[error("line {line}: the document has a DOCTYPE declaration; PFIF needs none, and a document with one is refused without being read")]
    DocType { line: usize },
    #[error("line {line}: the document declares an entity (<!ENTITY); entity declarations are refused without being read")]
    EntityDeclaration { line: usize },
    #[error("line {line}: the document is not UTF-8 text")]
    NotUtf8 { line: usize },
    #[error("the document declares the encoding {found:?}; only UTF-8 is read")]
    Encoding { found: String },
    #[error("line {line}: the entity &{name}; is not one this reader understands (only &lt; &gt; &amp; &quot; &apos; and numeric character references)")]
    UnknownEntity { line: usize, name: String },
    #[error("line {line}: {message}")]
    BadCharacter { line: usize, message: String },
    #[error("line {line}: not well-formed XML: {message}")]
    Malformed { line: usize, message: String },
    #[error("line {line}: the document ends before <{open}> is closed: it is cut short")]
    Truncated { line: usize, open: String },
    #[error("the document is empty: it has no root element")]
    Empty,
    #[error("line {line}: the root element is <{found}>, not a PFIF <pfif:pfif>")]
    WrongRoot { line: usize, found: String },
    #[error("line {line}: the root element is in the namespace {found}, which is no PFIF version this reader reads (1.1 to 1.4: http://zesty.ca/pfif/1.1 … /1.4)")]
    UnknownVersion { line: usize, found: String },
    #[error("line {line}: the root element <pfif> has no namespace; a PFIF document names its version by its namespace (http://zesty.ca/pfif/1.4)")]
    NoNamespace { line: usize },
    #[error("line {line}: <{element}> is in {found}, but the document is {version}: versions cannot be mixed")]
    MixedVersions {
        line: usize,
        element: String,
        found: String,
        version: PfifVersion,
    },
    #[error("line {line}: <{element}> is no PFIF record (a PFIF document holds <person> and <note> records, in its PFIF namespace)")]
    UnknownRecord { line: usize, element: String },
    #[error("line {line}: elements are nested more than {limit} deep")]
    TooDeep { line: usize, limit: usize },
    #[error("line {line}: the document has more than {limit} records")]
    TooManyRecords { line: usize, limit: usize },
    #[error("line {line}: the field {field} is longer than {limit} characters")]
    FieldTooLong {
        line: usize,
        field: String,
        limit: usize,
    },
    #[error("line {line}: {message}")]
    AfterRoot { line: usize, message: String },
}

impl PfifError {
    /// The 1-based line the refusal names, if it names one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::DocType { line }
            | Self::EntityDeclaration { line }
            | Self::NotUtf8 { line }
            | Self::UnknownEntity { line, .. }
            | Self::BadCharacter { line, .. }
            | Self::Malformed { line, .. }
            | Self::Truncated { line, .. }
            | Self::WrongRoot { line, .. }
            | Self::UnknownVersion { line, .. }
            | Self::NoNamespace { line }
            | Self::MixedVersions { line, .. }
            | Self::UnknownRecord { line, .. }
            | Self::TooDeep { line, .. }
            | Self::TooManyRecords { line, .. }
            | Self::FieldTooLong { line, .. }
            | Self::AfterRoot { line, .. } => Some(*line),
            Self::TooLarge { .. } | Self::Encoding { .. } | Self::Empty => None,
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the one form PFIF dates take (RFC 3339, UTC).
pub fn parse_pfif_datetime(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 20 {
        return None;
    }
    let shape_ok = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        10 => *c == b'T',
        13 | 16 => *c == b':',
        19 => *c == b'Z',
        _ => c.is_ascii_digit(),
    });
    if !shape_ok {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let year = s.get(0..4)?.parse::<i32>().ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)?;
    // hms_opt refuses hour 24, minute 60 and second 60 (no leap seconds).
    let time = date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(time.and_utc())
}

/// The PFIF form of a date: `YYYY-MM-DDTHH:MM:SSZ` (sub-seconds dropped).
pub fn format_pfif_datetime(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether a record id is `domain/unique`: both parts non-empty, and no
/// whitespace or control character anywhere.
pub fn is_record_id(id: &str) -> bool {
    match id.split_once('/') {
        Some((domain, unique)) => {
            !domain.is_empty()
                && !unique.is_empty()
                && !id.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The domain of a well-formed record id (the part before the first `/`).
pub fn record_domain(id: &str) -> Option<&str> {
    if is_record_id(id) {
        id.split_once('/').map(|(d, _)| d)
    } else {
        None
    }
}
