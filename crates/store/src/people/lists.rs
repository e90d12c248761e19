//! Lists of people from a source (CSV, PFIF), imported as they came: each
//! row read and checked field by field, matched to the register by the
//! engine (`honbu-matching`), and linked to a person when the match is
//! sure, created as a new person when it matches no one, or kept for review
//! beside its candidates. The rows are personal data, kept apart like the
//! register's.

use super::data::{self, Kind};
use crate::journal::JournalKey;
use crate::rules::{acting_hq, not_closed, visible_incident, Ctx};
use crate::sql::{t, Conn};
use crate::versions::At;
use crate::{log, Result};
use chrono::Datelike;
use honbu_domain::commands::NewPerson;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::people::{
    judge, Candidate, Grade, Holding, ImportReport, Outcome, PersonDetails, PersonParts, RefusedRow,
};
use honbu_domain::vocab::*;
use honbu_domain::FieldError;
use honbu_matching::Record;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The largest list imported at once.
pub const MAX_ROWS: usize = 100_000;

/// How a list arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Pfif,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Pfif => "pfif",
        }
    }
}

/// One row of a list, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u32,
    pub parts: PersonParts,
    /// The status the source gives, if any, and as of when.
    pub status: Option<(PersonStatus, Option<chrono::DateTime<chrono::Utc>>)>,
    pub note: String,
}

/// A list read: its good rows and the refused ones.
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub rows: Vec<Row>,
    pub refused: Vec<RefusedRow>,
}

fn refuse(line: u32, e: FieldError) -> RefusedRow {
    RefusedRow {
        line,
        field: e.field,
        message: e.message,
    }
}

/// A nationality as lists write it: an ISO code (alpha-2 or alpha-3), a
/// country's name in English, Japanese, Spanish or French, or a demonym
/// ("Japanese"); the alpha-2 code, or the field's error.
pub fn nationality(field: &str, v: &str) -> std::result::Result<String, FieldError> {
    let v = v.trim();
    if let Some(c) = honbu_maps::country(v) {
        return Ok(c.alpha2.to_string());
    }
    let n = honbu_matching::country::normalise(v);
    if let Some(c) = honbu_maps::country(&n) {
        return Ok(c.alpha2.to_string());
    }
    if let Some(c) = honbu_maps::countries()
        .iter()
        .find(|c| c.alpha3.eq_ignore_ascii_case(v))
    {
        return Ok(c.alpha2.to_string());
    }
    let key = honbu_maps::search_key(v);
    if !key.is_empty() {
        for (code, _) in honbu_maps::countries_named(v, "en", 5) {
            let named = ["en", "ja", "es", "fr"].iter().any(|l| {
                honbu_maps::country_name(code, l).is_some_and(|n| honbu_maps::search_key(n) == key)
            });
            if named {
                return Ok(code.to_string());
            }
        }
    }
    Err(FieldError::new(
        field,
        format!(
            "{:?} is not a country (an ISO code or a country's name)",
            v.chars().take(40).collect::<String>()
        ),
    ))
}

/// A date of birth as lists write it, in ISO form: `YYYY-MM-DD`, `YYYY-MM`
/// and `YYYY` as they are; `YYYYMMDD`; `DD/MM/YYYY` (or with dots or
/// dashes), read month first only when the day-first reading cannot be a
/// date (`03/25/1960`); `YYYY-DD-MM` when the month would be past 12
/// (`1960-25-03`). Anything else is passed on, for the field's check
/// to name.
pub fn iso_date(s: &str) -> String {
    let s = s.trim();
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 8 && digits(s) {
        return format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]);
    }
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    // YYYY-DD-MM where it can only be that (the month is past 12).
    if let [y, a, b] = parts.as_slice() {
        if y.len() == 4 && a.len() == 2 && b.len() == 2 && digits(y) && digits(a) && digits(b) {
            let (a, b) = (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0));
            if a > 12 && (1..=12).contains(&b) {
                return format!("{y}-{b:02}-{a:02}");
            }
            return s.to_string();
        }
    }
    if let [a, b, y] = parts.as_slice() {
        if y.len() == 4 && digits(a) && digits(b) && digits(y) && a.len() <= 2 && b.len() <= 2 {
            let (a, b) = (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0));
            let (d, m) = if b > 12 && a <= 12 { (b, a) } else { (a, b) };
            return format!("{y}-{m:02}-{d:02}");
        }
    }
    s.to_string()
}

/// "FAMILY, Given", "FAMILY Given" (the family name in capitals, as
/// consular lists write it) or "Given Family": (family, given).
fn split_full_name(full: &str) -> (String, String) {
    let full = full.trim();
    if let Some((f, g)) = full.split_once(',') {
        return (f.trim().to_string(), g.trim().to_string());
    }
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (one.to_string(), String::new()),
        [first, rest @ ..]
            if first.chars().count() > 1
                && first.chars().all(|c| !c.is_lowercase())
                && first.chars().any(char::is_alphabetic) =>
        {
            (first.to_string(), rest.join(" "))
        }
        [init @ .., last] => (last.to_string(), init.join(" ")),
    }
}

/// What a column of a CSV list is, by its header.
fn column(h: &str) -> Option<&'static str> {
    let h = h.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match h.as_str() {
        "family_name" | "surname" | "last_name" | "family" | "apellido" | "apellidos" => {
            "family_name"
        }
        "given_name" | "first_name" | "given" | "forename" | "given_names" | "nombre"
        | "nombres" => "given_name",
        "full_name" | "name" => "full_name",
        "native_name" | "name_native" | "kanji" | "native" => "native_name",
        "other_names" | "alternate_names" | "alias" | "aliases" => "other_names",
        "sex" | "gender" => "sex",
        "date_of_birth" | "dob" | "birth_date" | "birthdate" | "born" => "date_of_birth",
        "age" => "age",
        "nationality" | "nationalities" | "citizenship" | "country" => "nationality",
        "passport_number" | "passport" | "passport_no" => "passport_number",
        "employer" | "company" | "organisation" | "organization" => "employer",
        "role" => "role",
        "status" => "status",
        "status_at" | "as_of" | "reported_at" => "status_at",
        "location" | "last_known_location" | "whereabouts" => "location",
        "phone" | "telephone" | "mobile" | "email" | "e_mail" | "contact" | "contacts" => {
            "contacts"
        }
        "note" | "notes" | "remarks" | "comment" => "note",
        _ => return None,
    })
}

/// Reads a CSV list: the header names the columns (see [`column`]; others
/// are ignored), each row is checked as a person entered by hand, its
/// errors named by line and field.
pub fn read_csv(
    bytes: &[u8],
    default_role: PersonRole,
    this_year: i32,
) -> std::result::Result<Read, FieldError> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
            FieldError::new(
                "body",
                format!("is not UTF-8 text (at byte {})", e.valid_up_to()),
            )
        })?;
    let mut rd = csv::ReaderBuilder::new()
        .flexible(false)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = rd
        .headers()
        .map_err(|e| {
            FieldError::new(
                "body",
                format!("line 1: the header does not read as CSV: {e}"),
            )
        })?
        .clone();
    let cols: Vec<Option<&'static str>> = headers.iter().map(column).collect();
    if !cols
        .iter()
        .any(|c| matches!(c, Some("family_name" | "given_name" | "full_name")))
    {
        return Err(FieldError::new(
            "body",
            "line 1: no column of names (family_name, given_name or full_name; surname, first_name, name are read too)",
        ));
    }
    let mut out = Read::default();
    for (i, rec) in rd.records().enumerate() {
        if i >= MAX_ROWS {
            return Err(FieldError::new(
                "body",
                format!("more than {MAX_ROWS} rows: split the list"),
            ));
        }
        let line = rec
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 2, |p| p.line()) as u32;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.refused.push(RefusedRow {
                    line: e.position().map_or(line, |p| p.line() as u32),
                    field: "row".into(),
                    message: match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("{len} fields where the header has {expected_len}")
                        }
                        _ => e.to_string(),
                    },
                });
                continue;
            }
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut get: HashMap<&str, Vec<String>> = HashMap::new();
        for (c, v) in cols.iter().zip(rec.iter()) {
            if let Some(c) = c {
                let v = v.trim();
                if !v.is_empty() {
                    get.entry(c).or_default().push(v.to_string());
                }
            }
        }
        let one = |k: &str| get.get(k).and_then(|v| v.first()).cloned();
        match row(line, &one, &get, default_role, this_year) {
            Ok(r) => out.rows.push(r),
            Err(e) => out.refused.push(refuse(line, e)),
        }
    }
    Ok(out)
}

type Getter<'a> = dyn Fn(&str) -> Option<String> + 'a;

fn row(
    line: u32,
    one: &Getter,
    all: &HashMap<&str, Vec<String>>,
    default_role: PersonRole,
    this_year: i32,
) -> std::result::Result<Row, FieldError> {
    let (mut family, mut given) = (one("family_name"), one("given_name"));
    if family.is_none() && given.is_none() {
        if let Some(full) = one("full_name") {
            let (f, g) = split_full_name(&full);
            family = Some(f);
            given = (!g.is_empty()).then_some(g);
        }
    }
    let nationalities = all
        .get("nationality")
        .map(|v| {
            v.iter()
                .flat_map(|s| s.split(['/', ';', ',']))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| nationality("nationality", s))
                .collect::<std::result::Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let split = |k: &str| -> Vec<String> {
        all.get(k)
            .map(|v| {
                v.iter()
                    .flat_map(|s| s.split(['|', ';', '\n']))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let age = one("age")
        .map(|a| {
            a.trim()
                .parse::<u16>()
                .map_err(|_| FieldError::new("age", "must be a whole number of years"))
        })
        .transpose()?;
    let sex = one("sex").map(|s| match s.trim().to_lowercase().as_str() {
        "m" | "male" | "man" | "h" | "hombre" | "男" | "男性" => "male".to_string(),
        "f" | "female" | "woman" | "mujer" | "女" | "女性" => "female".to_string(),
        other => other.to_string(),
    });
    let r = NewPerson {
        family_name: family,
        given_name: given,
        native_name: one("native_name"),
        other_names: split("other_names"),
        sex,
        date_of_birth: one("date_of_birth").map(|d| iso_date(&d)),
        age,
        nationalities,
        passport_number: one("passport_number"),
        employer: one("employer"),
        role: one("role").unwrap_or_else(|| default_role.as_str().to_string()),
        location: one("location"),
        contacts: split("contacts"),
        hq: None,
    };
    let parts = PersonParts::parse(&r, this_year)?;
    let status = one("status")
        .map(|s| PersonStatus::parse("status", &s.to_lowercase().replace(' ', "_")))
        .transpose()?;
    let at = one("status_at")
        .map(|s| honbu_domain::time::parse_time("status_at", &s))
        .transpose()?;
    let note = honbu_domain::error::text("note", &one("note").unwrap_or_default(), 0, 5000)?;
    Ok(Row {
        line,
        parts,
        status: status.map(|s| (s, at)),
        note,
    })
}

/// Reads a PFIF document: each person record a row (its notes' latest
/// status, by source date, the row's status); records PFIF reports as bad
/// are refused by line. A document that cannot be read at all is the
/// field's error.
pub fn read_pfif(
    bytes: &[u8],
    default_role: PersonRole,
    this_year: i32,
) -> std::result::Result<Read, FieldError> {
    use honbu_formats::pfif;
    let doc = pfif::read_pfif(bytes, &pfif::Limits::default())
        .map_err(|e| FieldError::new("body", e.to_string()))?;
    let mut out = Read::default();
    for p in &doc.problems {
        out.refused.push(RefusedRow {
            line: p.line as u32,
            field: p.field.clone().unwrap_or_else(|| "record".into()),
            message: match &p.record_id {
                Some(id) => format!("{id}: {}", p.message),
                None => p.message.clone(),
            },
        });
    }
    // Notes without their person (a notes-only document): the person must
    // be matched by name, which the notes do not carry; reported, not taken.
    for n in &doc.notes {
        out.refused.push(RefusedRow {
            line: 0,
            field: "note".into(),
            message: format!(
                "{}: a note about {} without its person record: import the person's record with it",
                n.note_record_id, n.person_record_id
            ),
        });
    }
    for (i, p) in doc.persons.iter().enumerate() {
        let line = i as u32 + 1;
        let mut all: HashMap<&str, Vec<String>> = HashMap::new();
        let mut put = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v
                .as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
            {
                all.entry(k).or_default().push(v);
            }
        };
        put("family_name", &p.family_name);
        put("given_name", &p.given_name);
        put("full_name", &p.full_name.first().cloned());
        put("sex", &p.sex.map(|s| s.as_str().to_string()));
        put("date_of_birth", &p.date_of_birth.map(|d| d.to_string()));
        put("age", &p.age.clone().filter(|a| a.parse::<u16>().is_ok()));
        put("nationality", &p.home_country);
        let status_note = p.status_note();
        put(
            "location",
            &status_note.and_then(|n| n.last_known_location.clone()),
        );
        put("note", &status_note.and_then(|n| n.text.clone()));
        for a in &p.alternate_names {
            all.entry("other_names").or_default().push(a.clone());
        }
        let one = |k: &str| all.get(k).and_then(|v| v.first()).cloned();
        let mut r = match row(line, &one, &all, default_role, this_year) {
            Ok(r) => r,
            Err(e) => {
                out.refused.push(refuse(
                    line,
                    FieldError::new(e.field, format!("{}: {}", p.person_record_id, e.message)),
                ));
                continue;
            }
        };
        if let Some(n) = status_note {
            let status = match n.status {
                Some(pfif::NoteStatus::BelievedAlive) => Some(PersonStatus::Safe),
                Some(pfif::NoteStatus::BelievedMissing) => Some(PersonStatus::Missing),
                Some(pfif::NoteStatus::BelievedDead) => Some(PersonStatus::Deceased),
                _ => None,
            };
            r.status = status.map(|s| (s, n.source_date));
        }
        out.rows.push(r);
    }
    Ok(out)
}

/// A person's details as the engine compares them.
pub(crate) fn record(
    id: String,
    group: Option<String>,
    d: &PersonDetails,
    nationalities: &[String],
) -> Record {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Record {
        id,
        group,
        given_name: some(&d.given_name),
        family_name: some(&d.family_name),
        native_name: some(&d.native_name),
        date_of_birth: d.date_of_birth.map(|b| b.to_string()),
        age: d.age.map(|a| a.to_string()),
        sex: d
            .sex
            .filter(|s| *s != Sex::Unknown)
            .map(|s| s.as_str().to_string()),
        nationality: nationalities.first().cloned(),
        passport_number: some(&d.passport_number),
        email: d.contacts.iter().find(|c| c.contains('@')).cloned(),
        phone: d
            .contacts
            .iter()
            .find(|c| c.chars().filter(char::is_ascii_digit).count() >= 6 && !c.contains('@'))
            .cloned(),
        ..Default::default()
    }
}

/// The register as the engine reads it: every spelling of every person (the
/// person's details and each list record linked to them), grouped by person.
fn register(c: &mut dyn Conn, incident: IncidentId) -> Result<Vec<Record>> {
    let rows = c.query(
        "SELECT id, details, nationalities FROM persons WHERE incident_id = $1 AND erased_at IS NULL ORDER BY number",
        &[t(incident)],
    )?;
    let mut spellings: Vec<(String, String, Vec<String>)> = vec![];
    for r in &rows {
        spellings.push((r.text(0)?, r.text(1)?, r.json(2)?));
    }
    let nats: HashMap<String, Vec<String>> = spellings
        .iter()
        .map(|(p, _, n)| (p.clone(), n.clone()))
        .collect();
    for r in c.query(
        "SELECT r.person_id, r.data FROM list_records r JOIN persons p ON p.id = r.person_id \
         WHERE r.incident_id = $1 AND r.person_id IS NOT NULL AND p.erased_at IS NULL ORDER BY r.seq",
        &[t(incident)],
    )? {
        let person = r.text(0)?;
        let n = nats.get(&person).cloned().unwrap_or_default();
        spellings.push((person, r.text(1)?, n));
    }
    let digests: Vec<&str> = spellings.iter().map(|(_, d, _)| d.as_str()).collect();
    let kept = data::read::<PersonDetails>(c, &digests)?;
    Ok(spellings
        .iter()
        .enumerate()
        .filter_map(|(i, (person, digest, nats))| {
            kept.get(digest)
                .map(|d| record(format!("r{i}"), Some(person.clone()), d, nats))
        })
        .collect())
}

/// Imports a list read from `source`: nothing if rows were refused and
/// `take_good` is false; nothing new if the same file from the same source
/// was imported before. Every row is kept as personal data; each cluster of
/// rows the engine finds to be one person is matched to the register once.
#[allow(clippy::too_many_arguments)]
pub fn import_list(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &JournalKey,
    incident: IncidentId,
    source: SourceId,
    format: Format,
    bytes: &[u8],
    read: Read,
    take_good: bool,
) -> Result<(Vec<Event>, ImportReport)> {
    visible_incident(c, ctx, incident)?;
    let src = log::source(c, source)?
        .ok_or_else(|| FieldError::new("source", "is not a registered source"))?;
    let hq = acting_hq(c, ctx, incident, None, Capability::PersonsManage)?;
    not_closed(c, incident)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let mut report = ImportReport {
        list: None,
        duplicate: false,
        rows: (read.rows.len() + read.refused.len()) as u32,
        linked: 0,
        review: 0,
        new: 0,
        refused: read.refused.clone(),
        held: false,
    };
    if let Some(r) = c.query_one(
        "SELECT id FROM lists WHERE incident_id = $1 AND source_id = $2 AND sha256 = $3",
        &[t(incident), t(source), sha256.as_str().into()],
    )? {
        report.list = Some(r.parse(0)?);
        report.duplicate = true;
        return Ok((vec![], report));
    }
    if !read.refused.is_empty() && !take_good {
        report.held = true;
        return Ok((vec![], report));
    }
    if read.rows.is_empty() {
        return Err(FieldError::new("body", "the list holds no person to import").into());
    }
    let list = ListId::new();
    let mut events = vec![ctx.ev(
        Some(incident),
        Body::ListImported {
            list,
            source,
            source_name: src.name.clone(),
            format: format.as_str().into(),
            sha256,
            rows: report.rows,
            refused: read.refused.len() as u32,
        },
    )];
    // The rows that are one person, by the engine; each cluster matched once.
    let rows = &read.rows;
    let list_records: Vec<Record> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            record(
                format!("l{i}"),
                None,
                &r.parts.details,
                &r.parts.nationalities,
            )
        })
        .collect();
    let clusters = honbu_matching::dedupe(&list_records).cluster;
    let mut heads: Vec<usize> = clusters.clone();
    heads.sort_unstable();
    heads.dedup();
    let register = register(c, incident)?;
    // By the cluster's first row: the person it is, with how sure; or the
    // people it could be.
    let mut linked: HashMap<usize, (PersonId, f64)> = HashMap::new();
    let mut review: HashMap<usize, Vec<Candidate>> = HashMap::new();
    if !register.is_empty() {
        let left: Vec<Record> = heads.iter().map(|h| list_records[*h].clone()).collect();
        let l = honbu_matching::link(&left, &register);
        let person_of = |b: usize| {
            register[b]
                .group
                .as_deref()
                .and_then(|g| g.parse::<PersonId>().ok())
        };
        for p in &l.matches {
            if let Some(person) = person_of(p.b) {
                linked.insert(heads[p.a], (person, ppm(p.probability)));
            }
        }
        for p in &l.review {
            let head = heads[p.a];
            if linked.contains_key(&head) {
                continue;
            }
            if let Some(person) = person_of(p.b) {
                let cands = review.entry(head).or_default();
                if !cands.iter().any(|c| c.person == person) && cands.len() < 5 {
                    cands.push(Candidate {
                        person,
                        probability: ppm(p.probability),
                    });
                }
            }
        }
    }
    // A cluster's new person is made from its first row.
    let mut made: HashMap<usize, PersonId> = HashMap::new();
    // What each linked person's record holds as this import fills it in.
    let mut enriched: HashMap<PersonId, PersonParts> = HashMap::new();
    // Where each person stands as the list's reports are judged, in order.
    let mut holding: HashMap<PersonId, Option<Holding>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let head = clusters[i];
        let record = ListRecordId::new();
        let (outcome, person, probability, candidates) = if let Some((p, pr)) = linked.get(&head) {
            (MatchOutcome::Linked, Some(*p), Some(*pr), vec![])
        } else if let Some(cands) = review.get(&head) {
            (
                MatchOutcome::Review,
                None,
                cands.first().map(|c| c.probability),
                cands.clone(),
            )
        } else if let Some(p) = made.get(&head) {
            (MatchOutcome::Linked, Some(*p), None, vec![])
        } else {
            let person = PersonId::new();
            let details = data::keep(c, key, Kind::Details, person, &r.parts.details)?;
            events.push(ctx.ev(
                Some(incident),
                Body::PersonRecorded {
                    person,
                    hq,
                    role: r.parts.role,
                    nationalities: r.parts.nationalities.clone(),
                    employer: r.parts.employer.clone(),
                    details,
                },
            ));
            made.insert(head, person);
            (MatchOutcome::New, Some(person), None, vec![])
        };
        // A sure link fills in what the person's record lacks (a passport
        // number, the name in its own script, an employer, a date of
        // birth) and keeps the row's other spelling; nothing known is
        // overwritten: a source's different value stays in its row.
        if let (MatchOutcome::Linked, Some(p)) = (outcome, person) {
            // A consular list's names are the passport's: the spelling the
            // desk goes by, when the register had another.
            let passport_names = src.kind == SourceKind::Embassy
                && matches!(src.reliability, Reliability::A | Reliability::B);
            if let Some(ev) = enrich(
                c,
                ctx,
                key,
                incident,
                p,
                &r.parts,
                passport_names,
                &mut enriched,
            )? {
                events.push(ev);
            }
        }
        // The row is kept for its person, or (in review) for the record.
        let owner = person.unwrap_or(PersonId(record.0));
        let data = data::keep(c, key, Kind::Record, owner, &r.parts.details)?;
        events.push(ctx.ev(
            Some(incident),
            Body::ListRecordMatched {
                list,
                record,
                line: r.line,
                outcome,
                person,
                probability,
                candidates,
                data,
                role: Some(r.parts.role),
                nationalities: r.parts.nationalities.clone(),
                employer: r.parts.employer.clone(),
            },
        ));
        match outcome {
            MatchOutcome::Linked => report.linked += 1,
            MatchOutcome::New => report.new += 1,
            MatchOutcome::Review => report.review += 1,
        }
        // What the source says of where the person stands is its report,
        // judged as any other (in review, it waits with the record).
        if let (Some(person), Some((status, at))) = (person, r.status) {
            let reported_at = at.unwrap_or(ctx.now).min(ctx.now);
            let current = match holding.get(&person) {
                Some(h) => *h,
                None => super::stored(c, person, At::Now)?.and_then(|p| {
                    p.status_reported_at.map(|at| Holding {
                        status: p.status,
                        reported_at: at,
                    })
                }),
            };
            let credibility = Credibility::C3;
            let outcome = judge(
                current,
                status,
                reported_at,
                Grade {
                    source_kind: Some(src.kind),
                    reliability: src.reliability,
                    credibility,
                },
            );
            if outcome == Outcome::Holds {
                holding.insert(
                    person,
                    Some(Holding {
                        status,
                        reported_at,
                    }),
                );
            } else {
                holding.insert(person, current);
            }
            events.push(ctx.ev(
                Some(incident),
                Body::PersonStatusReported {
                    report: PersonReportId::new(),
                    person,
                    hq,
                    status,
                    reported_at,
                    source: Some(source),
                    source_name: src.name.clone(),
                    source_kind: Some(src.kind),
                    reliability: src.reliability,
                    credibility,
                    note: None,
                    outcome,
                },
            ));
        }
    }
    report.list = Some(list);
    Ok((events, report))
}

/// The amendment a sure link makes to person `p`: the fields their record
/// lacks, taken from the row, and the row's spelling among the other
/// names when it differs; `None` when it adds nothing.
fn enrich(
    c: &mut dyn Conn,
    ctx: &Ctx,
    key: &JournalKey,
    incident: IncidentId,
    p: PersonId,
    row: &PersonParts,
    passport_names: bool,
    enriched: &mut HashMap<PersonId, PersonParts>,
) -> Result<Option<Event>> {
    let was = match enriched.get(&p) {
        Some(x) => x.clone(),
        None => {
            let Some(s) = super::stored(c, p, At::Now)? else {
                return Ok(None);
            };
            let Some(d) = super::details_of(c, &s)? else {
                return Ok(None);
            };
            PersonParts {
                details: d,
                role: s.role,
                nationalities: s.nationalities,
                employer: s.employer,
            }
        }
    };
    let mut now = was.clone();
    let (d, r) = (&mut now.details, &row.details);
    let fill = |have: &mut String, give: &String| {
        if have.is_empty() && !give.is_empty() {
            *have = give.clone();
        }
    };
    fill(&mut d.native_name, &r.native_name);
    fill(&mut d.passport_number, &r.passport_number);
    fill(&mut d.location, &r.location);
    if d.date_of_birth.is_none_or(|b| {
        b.day.is_none()
            && r.date_of_birth
                .is_some_and(|x| x.year == b.year && x.day.is_some())
    }) {
        d.date_of_birth = r.date_of_birth.or(d.date_of_birth);
    }
    if d.sex.is_none() {
        d.sex = r.sex;
    }
    if d.age.is_none() && d.date_of_birth.is_none() {
        d.age = r.age;
    }
    for x in &r.contacts {
        if !d.contacts.contains(x) && d.contacts.len() < PersonDetails::MAX_LIST {
            d.contacts.push(x.clone());
        }
    }
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    // The passport's spelling takes the name's place; the one it replaces
    // is kept among the other names (in the row's case, as passports write it).
    if passport_names && !r.family_name.is_empty() && !r.given_name.is_empty() {
        let (family, given) = (title_case(&r.family_name), title_case(&r.given_name));
        if !same(&family, &d.family_name) || !same(&given, &d.given_name) {
            let old = d.display_name();
            if !old.is_empty()
                && !d.other_names.iter().any(|o| same(o, &old))
                && d.other_names.len() < PersonDetails::MAX_LIST
            {
                d.other_names.push(old);
            }
            d.family_name = family;
            d.given_name = given;
        }
    }
    let spelled = r.display_name();
    if !spelled.is_empty()
        && !same(&spelled, &d.display_name())
        && !d.other_names.iter().any(|o| same(o, &spelled))
        && d.other_names.len() < PersonDetails::MAX_LIST
    {
        d.other_names.push(spelled);
    }
    if now.employer.is_none() {
        now.employer = row.employer.clone();
    }
    if now.nationalities.is_empty() {
        now.nationalities = row.nationalities.clone();
    }
    if now == was {
        return Ok(None);
    }
    let details = (now.details != was.details)
        .then(|| data::keep(c, key, Kind::Details, p, &now.details))
        .transpose()?;
    let ev = ctx.ev(
        Some(incident),
        Body::PersonAmended {
            person: p,
            role: None,
            nationalities: (now.nationalities != was.nationalities)
                .then(|| now.nationalities.clone()),
            employer: (now.employer != was.employer)
                .then(|| now.employer.clone().unwrap_or_default()),
            details,
        },
    );
    enriched.insert(p, now);
    Ok(Some(ev))
}

/// "YAMADA" or "yamada" as "Yamada"; a name already in mixed case as it is.
fn title_case(s: &str) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| {
                    f.to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect::<String>()
                })
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A probability to six decimals: what the journal's JSON carries and
/// reads back exactly (its parser is exact for so few digits), so that a
/// replay writes the very value the live projection did.
fn ppm(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

/// The year, for the dates of birth a list may give.
pub fn this_year(ctx: &Ctx) -> i32 {
    ctx.now.year()
}

/// A list as imported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListView {
    pub id: ListId,
    pub source: SourceId,
    pub source_name: String,
    pub format: String,
    pub sha256: String,
    pub rows: i64,
    pub refused: i64,
    pub linked: i64,
    pub new: i64,
    pub review: i64,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

/// The lists imported into the incident by `at`, newest first (for whoever
/// may see the incident: a list's counts name no one).
pub fn lists(
    c: &mut dyn Conn,
    p: &honbu_domain::access::Principal,
    incident: IncidentId,
    at: At,
) -> Result<Vec<ListView>> {
    if !p.can_see_incident(incident) {
        return Ok(vec![]);
    }
    let (l, r) = (at.rows(&super::LISTS), at.rows(&super::LIST_RECORDS));
    c.query(
        &format!(
            "SELECT l.id, l.source_id, l.source_name, l.format, l.sha256, l.rows, l.refused, l.imported_at, \
             (SELECT COUNT(*) FROM {r} x WHERE x.list_id = l.id AND x.outcome = 'linked'), \
             (SELECT COUNT(*) FROM {r} x WHERE x.list_id = l.id AND x.outcome = 'new'), \
             (SELECT COUNT(*) FROM {r} x WHERE x.list_id = l.id AND x.outcome = 'review') \
             FROM {l} l WHERE l.incident_id = $1 ORDER BY l.seq DESC"
        ),
        &[t(incident)],
    )?
    .iter()
    .map(|r| {
        Ok(ListView {
            id: r.parse(0)?,
            source: r.parse(1)?,
            source_name: r.text(2)?,
            format: r.text(3)?,
            sha256: r.text(4)?,
            rows: r.int(5)?,
            refused: r.int(6)?,
            imported_at: r.time(7)?,
            linked: r.int(8)?,
            new: r.int(9)?,
            review: r.int(10)?,
        })
    })
    .collect()
}

/// A record of a list waiting for an officer: the row as its source spelled
/// it (for those who may read names) and the people it could be.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub record: ListRecordId,
    pub list: ListId,
    pub source_name: String,
    pub line: i64,
    pub row: Option<PersonDetails>,
    pub candidates: Vec<ReviewCandidate>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewCandidate {
    pub person: honbu_domain::people::PersonView,
    pub probability: f64,
}

/// The records of the incident's lists waiting in review at `at`, oldest
/// first, as viewer `p` may see them.
pub fn review_queue(
    c: &mut dyn Conn,
    p: &honbu_domain::access::Principal,
    incident: IncidentId,
    at: At,
) -> Result<Vec<ReviewItem>> {
    if !p.can_see_incident(incident) {
        return Ok(vec![]);
    }
    let (l, r) = (at.rows(&super::LISTS), at.rows(&super::LIST_RECORDS));
    let rows = c.query(
        &format!(
            "SELECT r.id, r.list_id, l.source_name, r.line, r.candidates, r.data FROM {r} r JOIN {l} l ON l.id = r.list_id \
             WHERE r.incident_id = $1 AND r.outcome = 'review' ORDER BY r.seq LIMIT 500"
        ),
        &[t(incident)],
    )?;
    let personal = super::may_read_personal(p, incident);
    let digests: Vec<String> = rows.iter().map(|r| r.text(5)).collect::<Result<_>>()?;
    let kept: HashMap<String, PersonDetails> = if personal {
        data::read(c, &digests.iter().map(String::as_str).collect::<Vec<_>>())?
    } else {
        HashMap::new()
    };
    let cands: Vec<Vec<Candidate>> = rows.iter().map(|r| r.json(4)).collect::<Result<_>>()?;
    let ids: Vec<PersonId> = cands.iter().flatten().map(|c| c.person).collect();
    let seen = super::person_views(c, p, incident, at, &ids)?;
    let mut out = vec![];
    for (i, r) in rows.iter().enumerate() {
        let candidates = cands[i]
            .iter()
            .filter_map(|cand| {
                seen.get(&cand.person)
                    .cloned()
                    .map(|person| ReviewCandidate {
                        person,
                        probability: cand.probability,
                    })
            })
            .collect();
        out.push(ReviewItem {
            record: r.parse(0)?,
            list: r.parse(1)?,
            source_name: r.text(2)?,
            line: r.int(3)?,
            row: kept.get(&digests[i]).cloned(),
            candidates,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_birth_are_read_as_lists_write_them() {
        for (given, iso) in [
            ("1948-03-14", "1948-03-14"),
            ("1948-03", "1948-03"),
            ("1948", "1948"),
            ("19480314", "1948-03-14"),
            ("14/03/1948", "1948-03-14"),
            ("14.3.1948", "1948-03-14"),
            ("03/25/1960", "1960-03-25"),
            ("1960-25-03", "1960-03-25"),
            ("1960-13-14", "1960-13-14"),
            ("yesterday", "yesterday"),
        ] {
            assert_eq!(iso_date(given), iso, "{given}");
        }
    }

    #[test]
    fn full_names_are_split_as_consular_lists_write_them() {
        assert_eq!(
            split_full_name("YAMADA, Taro"),
            ("YAMADA".into(), "Taro".into())
        );
        assert_eq!(
            split_full_name("YAMADA Taro"),
            ("YAMADA".into(), "Taro".into())
        );
        assert_eq!(
            split_full_name("Maria Garcia Lopez"),
            ("Lopez".into(), "Maria Garcia".into())
        );
        assert_eq!(
            split_full_name("GARCIA LOPEZ, Maria"),
            ("GARCIA LOPEZ".into(), "Maria".into())
        );
    }

    #[test]
    fn nationalities_are_read_by_code_name_or_demonym() {
        for (given, code) in [
            ("JP", "JP"),
            ("JPN", "JP"),
            ("Japan", "JP"),
            ("Japanese", "JP"),
            ("日本", "JP"),
            ("Perú", "PE"),
            ("per", "PE"),
        ] {
            assert_eq!(nationality("n", given).as_deref(), Ok(code), "{given}");
        }
        assert_eq!(nationality("n", "Atlantis").unwrap_err().field, "n");
    }
}
