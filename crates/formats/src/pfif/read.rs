//! The PFIF reader: one pass over the document's events with quick-xml, no
//! recursion, every limit checked as it is reached.

use super::{
    is_record_id, parse_pfif_datetime, record_domain, DateOfBirth, Document, Limits, Note,
    NoteStatus, Person, PfifError, PfifVersion, Problem, RecordKind, Sex, NAMESPACE_PREFIX,
};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::collections::HashMap;

/// Reads a PFIF 1.1–1.4 document (UTF-8 bytes) within `limits`.
///
/// A document that cannot be read as a whole (too large, a DOCTYPE or entity
/// declaration, not well-formed XML, cut short, not PFIF, of another PFIF
/// version, past a limit) is refused with a [`PfifError`] naming the reason
/// and, where it has one, the line. Otherwise every record is in the
/// [`Document`], the good ones apart from those with a [`Problem`].
pub fn read_pfif(input: &[u8], limits: &Limits) -> Result<Document, PfifError> {
    if input.len() > limits.max_bytes {
        return Err(PfifError::TooLarge {
            size: input.len(),
            limit: limits.max_bytes,
        });
    }
    // Before anything is parsed: no DTD, no entity declaration, anywhere.
    refuse_declarations(input)?;
    let text = decode(input)?;
    check_characters(text)?;
    let mut parser = Parser::new(text, *limits);
    parser.run()?;
    Ok(parser.finish())
}

fn line_at(input: &[u8], pos: usize) -> usize {
    let end = pos.min(input.len());
    1 + input[..end].iter().filter(|b| **b == b'\n').count()
}

/// The first `<!` + `word` (ASCII case-insensitive) in the bytes.
fn find_markup(input: &[u8], word: &[u8]) -> Option<usize> {
    let n = 2 + word.len();
    (0..input.len()).find(|&i| {
        input[i] == b'<'
            && input.get(i + 1) == Some(&b'!')
            && input
                .get(i + 2..i + n)
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

fn refuse_declarations(input: &[u8]) -> Result<(), PfifError> {
    let doctype = find_markup(input, b"DOCTYPE");
    let entity = find_markup(input, b"ENTITY");
    match (doctype, entity) {
        (Some(d), Some(e)) if e < d => Err(PfifError::EntityDeclaration {
            line: line_at(input, e),
        }),
        (Some(d), _) => Err(PfifError::DocType {
            line: line_at(input, d),
        }),
        (None, Some(e)) => Err(PfifError::EntityDeclaration {
            line: line_at(input, e),
        }),
        (None, None) => Ok(()),
    }
}

fn decode(input: &[u8]) -> Result<&str, PfifError> {
    if input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF]) {
        return Err(PfifError::Encoding {
            found: "UTF-16".into(),
        });
    }
    let body = input.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(input);
    std::str::from_utf8(body).map_err(|e| PfifError::NotUtf8 {
        line: line_at(body, e.valid_up_to()),
    })
}

/// XML 1.0's Char production.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_characters(text: &str) -> Result<(), PfifError> {
    match text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        None => Ok(()),
        Some((pos, c)) => Err(PfifError::BadCharacter {
            line: line_at(text.as_bytes(), pos),
            message: format!("the character U+{:04X} is not allowed in XML", c as u32),
        }),
    }
}

/// An element's namespace, owned (quick-xml's borrows the reader).
enum Ns {
    None,
    Is(String),
    UnknownPrefix(String),
}

impl Ns {
    fn of(r: &ResolveResult<'_>) -> Self {
        match r {
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Bound(ns) => Ns::Is(String::from_utf8_lossy(ns.as_ref()).into_owned()),
            ResolveResult::Unknown(p) => Ns::UnknownPrefix(String::from_utf8_lossy(p).into_owned()),
        }
    }
}

enum Frame {
    Root,
    Person,
    Note,
    Field,
    /// An element whose content is not read (an extension, or one reported).
    Skip,
}

struct OpenFrame {
    frame: Frame,
    /// The name as written, for the "cut short" message.
    name: String,
}

/// Something wrong found while reading a record, before its id is known.
struct Pending {
    line: usize,
    field: Option<String>,
    text: String,
}

struct Draft<T> {
    record: T,
    line: usize,
    pending: Vec<Pending>,
    /// Canonical (1.4) names of the fields seen, to catch one given twice.
    seen: Vec<&'static str>,
}

impl<T: Default> Draft<T> {
    fn new(line: usize) -> Self {
        Self {
            record: T::default(),
            line,
            pending: Vec::new(),
            seen: Vec::new(),
        }
    }
}

impl<T> Draft<T> {
    fn problem(&mut self, line: usize, field: Option<&str>, text: String) {
        self.pending.push(Pending {
            line,
            field: field.map(str::to_owned),
            text,
        });
    }
}

struct PersonDraft {
    draft: Draft<Person>,
    notes: Vec<Draft<Note>>,
}

struct FieldDraft {
    /// The name as the document wrote it (e.g. `first_name`).
    local: String,
    line: usize,
    text: String,
    chars: usize,
}

struct Parser<'i> {
    input: &'i str,
    limits: Limits,
    version: Option<PfifVersion>,
    stack: Vec<OpenFrame>,
    person: Option<PersonDraft>,
    note: Option<Draft<Note>>,
    field: Option<FieldDraft>,
    records: usize,
    persons: Vec<PersonDraft>,
    notes: Vec<Draft<Note>>,
    root_done: bool,
    line_pos: usize,
    line_no: usize,
}

fn short(value: &str) -> String {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}

fn single(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn lines(value: &str) -> Vec<String> {
    value
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// PFIF 1.1–1.3's `other` as 1.4's `description`: when it holds only a
/// `description:` label, the text after it (each line's indent taken off);
/// otherwise all of it, so that nothing is lost.
fn other_to_description(other: &str) -> String {
    const LABEL: &str = "description:";
    let mut out = Vec::new();
    let mut labelled = false;
    for line in other.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(LABEL) {
            labelled = true;
            if rest.trim().is_empty() {
                continue;
            }
            out.push(rest.trim_matches([' ', '\t']));
        } else if is_other_label(line) {
            return other.to_owned();
        } else {
            out.push(line.trim_matches([' ', '\t']));
        }
    }
    if labelled {
        out.concat()
    } else {
        other.to_owned()
    }
}

/// A line of `other` that starts another `key:` entry.
fn is_other_label(line: &str) -> bool {
    match line.find(':') {
        Some(i) if i > 0 => !line[..i].chars().any(char::is_whitespace),
        _ => false,
    }
}

fn person_field(local: &str) -> Option<&'static str> {
    Some(match local {
        "person_record_id" => "person_record_id",
        "entry_date" => "entry_date",
        "expiry_date" => "expiry_date",
        "author_name" => "author_name",
        "author_email" => "author_email",
        "author_phone" => "author_phone",
        "source_name" => "source_name",
        "source_date" => "source_date",
        "source_url" => "source_url",
        "full_name" => "full_name",
        "given_name" | "first_name" => "given_name",
        "family_name" | "last_name" => "family_name",
        "alternate_names" => "alternate_names",
        "description" | "other" => "description",
        "sex" => "sex",
        "date_of_birth" => "date_of_birth",
        "age" => "age",
        "home_street" => "home_street",
        "home_neighborhood" => "home_neighborhood",
        "home_city" => "home_city",
        "home_state" => "home_state",
        "home_postal_code" | "home_zip" => "home_postal_code",
        "home_country" => "home_country",
        "photo_url" => "photo_url",
        "profile_urls" => "profile_urls",
        _ => return None,
    })
}

fn note_field(local: &str) -> Option<&'static str> {
    Some(match local {
        "note_record_id" => "note_record_id",
        "person_record_id" => "person_record_id",
        "linked_person_record_id" => "linked_person_record_id",
        "entry_date" => "entry_date",
        "author_name" => "author_name",
        "author_email" => "author_email",
        "author_phone" => "author_phone",
        "source_date" => "source_date",
        "author_made_contact" | "found" => "author_made_contact",
        "status" => "status",
        "email_of_found_person" => "email_of_found_person",
        "phone_of_found_person" => "phone_of_found_person",
        "last_known_location" => "last_known_location",
        "text" => "text",
        "photo_url" => "photo_url",
        _ => return None,
    })
}

fn date(local: &str, value: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    match single(value) {
        None => Ok(None),
        Some(v) => parse_pfif_datetime(&v).map(Some).ok_or_else(|| {
            format!(
                "{} is not a PFIF {local} (YYYY-MM-DDTHH:MM:SSZ, in UTC)",
                short(&v)
            )
        }),
    }
}

fn record_id_field(local: &str, value: &str) -> Result<Option<String>, String> {
    match single(value) {
        None => Ok(None),
        Some(v) if is_record_id(&v) => Ok(Some(v)),
        Some(v) => Err(format!(
            "{local} {} is not a record id of the form domain/unique",
            short(&v)
        )),
    }
}

/// Sets one person field from its text; `Err` is the problem's wording.
fn set_person(p: &mut Person, local: &str, canonical: &str, value: &str) -> Result<(), String> {
    let v = || single(value);
    match canonical {
        "person_record_id" => {
            // Kept as written even when malformed, for the problem to name it.
            p.person_record_id = value.trim().to_owned();
        }
        "entry_date" => p.entry_date = date(local, value)?,
        "expiry_date" => p.expiry_date = date(local, value)?,
        "author_name" => p.author_name = v(),
        "author_email" => p.author_email = v(),
        "author_phone" => p.author_phone = v(),
        "source_name" => p.source_name = v(),
        "source_date" => p.source_date = date(local, value)?,
        "source_url" => p.source_url = v(),
        "full_name" => p.full_name = lines(value),
        "given_name" => p.given_name = v(),
        "family_name" => p.family_name = v(),
        "alternate_names" => p.alternate_names = lines(value),
        "description" => {
            p.description = if local == "other" {
                v().and_then(|o| single(&other_to_description(&o)))
            } else {
                v()
            }
        }
        "sex" => {
            p.sex = match v() {
                None => None,
                Some(s) => Some(Sex::parse(&s).ok_or_else(|| {
                    format!("{} is not a PFIF sex (female, male or other)", short(&s))
                })?),
            }
        }
        "date_of_birth" => {
            p.date_of_birth = match v() {
                None => None,
                Some(s) => Some(DateOfBirth::parse(&s).ok_or_else(|| {
                    format!(
                        "{} is not a PFIF date_of_birth (YYYY, YYYY-MM or YYYY-MM-DD)",
                        short(&s)
                    )
                })?),
            }
        }
        "age" => p.age = v(),
        "home_street" => p.home_street = v(),
        "home_neighborhood" => p.home_neighborhood = v(),
        "home_city" => p.home_city = v(),
        "home_state" => p.home_state = v(),
        "home_postal_code" => p.home_postal_code = v(),
        "home_country" => p.home_country = v(),
        "photo_url" => p.photo_url = v(),
        "profile_urls" => p.profile_urls = lines(value),
        _ => {}
    }
    Ok(())
}

fn set_note(n: &mut Note, local: &str, canonical: &str, value: &str) -> Result<(), String> {
    let v = || single(value);
    match canonical {
        "note_record_id" => n.note_record_id = value.trim().to_owned(),
        "person_record_id" => n.person_record_id = value.trim().to_owned(),
        "linked_person_record_id" => n.linked_person_record_id = record_id_field(local, value)?,
        "entry_date" => n.entry_date = date(local, value)?,
        "author_name" => n.author_name = v(),
        "author_email" => n.author_email = v(),
        "author_phone" => n.author_phone = v(),
        "source_date" => n.source_date = date(local, value)?,
        "author_made_contact" => {
            n.author_made_contact = match v().as_deref() {
                None => None,
                Some("true" | "1") => Some(true),
                Some("false" | "0") => Some(false),
                Some(s) => return Err(format!("{} is not true or false", short(s))),
            }
        }
        "status" => {
            n.status = match v() {
                None => None,
                Some(s) => Some(NoteStatus::parse(&s).ok_or_else(|| {
                    format!(
                        "{} is not a PFIF note status (information_sought, is_note_author, believed_alive, believed_missing, believed_dead)",
                        short(&s)
                    )
                })?),
            }
        }
        "email_of_found_person" => n.email_of_found_person = v(),
        "phone_of_found_person" => n.phone_of_found_person = v(),
        "last_known_location" => n.last_known_location = v(),
        "text" => n.text = v(),
        "photo_url" => n.photo_url = v(),
        _ => {}
    }
    Ok(())
}

impl<'i> Parser<'i> {
    fn new(input: &'i str, limits: Limits) -> Self {
        Self {
            input,
            limits,
            version: None,
            stack: Vec::new(),
            person: None,
            note: None,
            field: None,
            records: 0,
            persons: Vec::new(),
            notes: Vec::new(),
            root_done: false,
            line_pos: 0,
            line_no: 1,
        }
    }

    /// The 1-based line of a byte position; positions mostly move forward,
    /// so lines are counted from the last one asked for.
    fn line(&mut self, pos: u64) -> usize {
        let bytes = self.input.as_bytes();
        let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
        if pos < self.line_pos {
            self.line_pos = 0;
            self.line_no = 1;
        }
        self.line_no += bytes[self.line_pos..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.line_pos = pos;
        self.line_no
    }

    fn run(&mut self) -> Result<(), PfifError> {
        let mut reader = NsReader::from_str(self.input);
        {
            let config = reader.config_mut();
            config.check_end_names = true;
            config.check_comments = true;
            config.expand_empty_elements = false;
            config.trim_text(false);
        }
        loop {
            let start = reader.buffer_position();
            let (ns, event) = match reader.read_resolved_event() {
                Ok((r, e)) => (Ns::of(&r), e),
                Err(e) => {
                    return Err(PfifError::Malformed {
                        line: self.line(reader.error_position()),
                        message: e.to_string(),
                    })
                }
            };
            let line = self.line(start);
            match event {
                Event::Start(e) => self.start(&e, ns, line)?,
                Event::Empty(e) => {
                    self.start(&e, ns, line)?;
                    self.end(line)?;
                }
                Event::End(_) => self.end(line)?,
                Event::Text(t) => {
                    let text = t.xml10_content().map_err(|e| PfifError::Malformed {
                        line,
                        message: e.to_string(),
                    })?;
                    self.text(&text, line)?;
                }
                Event::CData(t) => {
                    let text = t.xml10_content().map_err(|e| PfifError::Malformed {
                        line,
                        message: e.to_string(),
                    })?;
                    if self.stack.is_empty() {
                        return Err(self.outside(line, "character data"));
                    }
                    self.append(&text, line)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = resolve_reference(&r, line)?;
                    if self.stack.is_empty() {
                        return Err(self.outside(line, "an entity reference"));
                    }
                    self.append(&resolved, line)?;
                }
                Event::Decl(d) => {
                    if let Some(enc) = d.encoding() {
                        let enc = enc.map_err(|e| PfifError::Malformed {
                            line,
                            message: e.to_string(),
                        })?;
                        let enc = String::from_utf8_lossy(&enc).into_owned();
                        if !enc.eq_ignore_ascii_case("utf-8") && !enc.eq_ignore_ascii_case("utf8") {
                            return Err(PfifError::Encoding { found: enc });
                        }
                    }
                }
                Event::DocType(_) => return Err(PfifError::DocType { line }),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    let end = self.line(reader.buffer_position());
                    return match self.stack.last() {
                        Some(open) => Err(PfifError::Truncated {
                            line: end,
                            open: open.name.clone(),
                        }),
                        None if !self.root_done => Err(PfifError::Empty),
                        None => Ok(()),
                    };
                }
            }
        }
    }

    fn outside(&self, line: usize, what: &str) -> PfifError {
        let message = if self.root_done {
            format!("{what} after the end of the root element")
        } else {
            format!("{what} before the root element")
        };
        PfifError::AfterRoot { line, message }
    }

    fn push(&mut self, frame: Frame, name: String, line: usize) -> Result<(), PfifError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(PfifError::TooDeep {
                line,
                limit: self.limits.max_depth,
            });
        }
        self.stack.push(OpenFrame { frame, name });
        Ok(())
    }

    fn count_record(&mut self, line: usize) -> Result<(), PfifError> {
        self.records += 1;
        if self.records > self.limits.max_records {
            return Err(PfifError::TooManyRecords {
                line,
                limit: self.limits.max_records,
            });
        }
        Ok(())
    }

    /// The draft a field or a problem inside a record belongs to: the open
    /// note, else the open person.
    fn problem_here(&mut self, line: usize, field: Option<&str>, text: String) {
        if let Some(n) = self.note.as_mut() {
            n.problem(line, field, text);
        } else if let Some(p) = self.person.as_mut() {
            p.draft.problem(line, field, text);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, ns: Ns, line: usize) -> Result<(), PfifError> {
        let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        if let Ns::UnknownPrefix(prefix) = &ns {
            return Err(PfifError::Malformed {
                line,
                message: format!("the prefix {prefix:?} of <{qname}> is not declared"),
            });
        }
        let Some(top) = self.stack.last() else {
            return self.root(qname, local, ns, line);
        };
        let doc_ns = self.version.map(PfifVersion::namespace).unwrap_or("");
        // Where the element is: PFIF's namespace, another version's, none, or
        // an extension's.
        let in_pfif = match &ns {
            Ns::Is(n) if n == doc_ns => true,
            Ns::Is(n) if n.starts_with(NAMESPACE_PREFIX) => {
                return Err(PfifError::MixedVersions {
                    line,
                    element: qname,
                    found: n.clone(),
                    version: self.version.unwrap_or(PfifVersion::V1_4),
                })
            }
            Ns::Is(_) => false,
            Ns::None | Ns::UnknownPrefix(_) => {
                // No namespace at all: not an extension (those have one), but
                // most likely a PFIF element written without its prefix.
                match top.frame {
                    Frame::Root => {
                        return Err(PfifError::UnknownRecord {
                            line,
                            element: qname,
                        })
                    }
                    Frame::Person | Frame::Note => {
                        self.problem_here(
                            line,
                            Some(&local),
                            format!(
                                "the element <{qname}> at line {line} is in no namespace, so it is not read"
                            ),
                        );
                    }
                    Frame::Field => self.field_holds_element(&qname, line),
                    Frame::Skip => {}
                }
                return self.push(Frame::Skip, qname, line);
            }
        };
        match top.frame {
            Frame::Skip => self.push(Frame::Skip, qname, line),
            Frame::Field => {
                self.field_holds_element(&qname, line);
                self.push(Frame::Skip, qname, line)
            }
            Frame::Root if !in_pfif => self.push(Frame::Skip, qname, line),
            Frame::Root => match local.as_str() {
                "person" => {
                    self.count_record(line)?;
                    self.person = Some(PersonDraft {
                        draft: Draft::new(line),
                        notes: Vec::new(),
                    });
                    self.push(Frame::Person, qname, line)
                }
                "note" => {
                    self.count_record(line)?;
                    self.note = Some(Draft::new(line));
                    self.push(Frame::Note, qname, line)
                }
                _ => Err(PfifError::UnknownRecord {
                    line,
                    element: qname,
                }),
            },
            Frame::Person | Frame::Note if !in_pfif => self.push(Frame::Skip, qname, line),
            Frame::Person => {
                if local == "note" {
                    self.count_record(line)?;
                    self.note = Some(Draft::new(line));
                    self.push(Frame::Note, qname, line)
                } else if person_field(&local).is_some() {
                    self.open_field(local, line);
                    self.push(Frame::Field, qname, line)
                } else {
                    self.problem_here(
                        line,
                        Some(&local),
                        format!("<{qname}> at line {line} is not a PFIF person field"),
                    );
                    self.push(Frame::Skip, qname, line)
                }
            }
            Frame::Note => {
                if note_field(&local).is_some() {
                    self.open_field(local, line);
                    self.push(Frame::Field, qname, line)
                } else {
                    self.problem_here(
                        line,
                        Some(&local),
                        format!("<{qname}> at line {line} is not a PFIF note field"),
                    );
                    self.push(Frame::Skip, qname, line)
                }
            }
        }
    }

    fn field_holds_element(&mut self, qname: &str, line: usize) {
        let field = self.field.as_ref().map(|f| f.local.clone());
        let name = field.clone().unwrap_or_default();
        self.problem_here(
            line,
            field.as_deref(),
            format!("the field {name} holds an element <{qname}> at line {line}; PFIF fields hold text only"),
        );
    }

    fn open_field(&mut self, local: String, line: usize) {
        self.field = Some(FieldDraft {
            local,
            line,
            text: String::new(),
            chars: 0,
        });
    }

    fn root(&mut self, qname: String, local: String, ns: Ns, line: usize) -> Result<(), PfifError> {
        if self.root_done {
            return Err(PfifError::AfterRoot {
                line,
                message: format!("a second root element <{qname}>"),
            });
        }
        match (local.as_str(), ns) {
            ("pfif", Ns::Is(n)) => match PfifVersion::from_namespace(&n) {
                Some(v) => {
                    self.version = Some(v);
                    self.push(Frame::Root, qname, line)
                }
                None => Err(PfifError::UnknownVersion { line, found: n }),
            },
            ("pfif", Ns::None) => Err(PfifError::NoNamespace { line }),
            (_, Ns::Is(n)) => Err(PfifError::WrongRoot {
                line,
                found: format!("{qname} xmlns=\"{n}\""),
            }),
            _ => Err(PfifError::WrongRoot { line, found: qname }),
        }
    }

    fn text(&mut self, text: &str, line: usize) -> Result<(), PfifError> {
        if self.stack.is_empty() {
            if text.trim().is_empty() {
                return Ok(());
            }
            return Err(self.outside(line, "text"));
        }
        self.append(text, line)
    }

    /// Adds text to the open field, if one is open (other text is ignored).
    fn append(&mut self, text: &str, _line: usize) -> Result<(), PfifError> {
        if !matches!(
            self.stack.last(),
            Some(OpenFrame {
                frame: Frame::Field,
                ..
            })
        ) {
            return Ok(());
        }
        let Some(f) = self.field.as_mut() else {
            return Ok(());
        };
        f.chars += text.chars().count();
        if f.chars > self.limits.max_field_chars {
            return Err(PfifError::FieldTooLong {
                line: f.line,
                field: f.local.clone(),
                limit: self.limits.max_field_chars,
            });
        }
        f.text.push_str(text);
        Ok(())
    }

    fn end(&mut self, line: usize) -> Result<(), PfifError> {
        let Some(open) = self.stack.pop() else {
            return Err(PfifError::Malformed {
                line,
                message: "an end tag with no start tag".into(),
            });
        };
        match open.frame {
            Frame::Skip => {}
            Frame::Root => self.root_done = true,
            Frame::Field => self.close_field(),
            Frame::Note => self.close_note(),
            Frame::Person => self.close_person(),
        }
        Ok(())
    }

    fn close_field(&mut self) {
        let Some(f) = self.field.take() else { return };
        if let Some(n) = self.note.as_mut() {
            let Some(canonical) = note_field(&f.local) else {
                return;
            };
            close_into(n, &f, canonical, set_note);
        } else if let Some(p) = self.person.as_mut() {
            let Some(canonical) = person_field(&f.local) else {
                return;
            };
            close_into(&mut p.draft, &f, canonical, set_person);
        }
    }

    fn close_note(&mut self) {
        let Some(mut n) = self.note.take() else {
            return;
        };
        let line = n.line;
        let id = n.record.note_record_id.clone();
        if id.is_empty() {
            n.problem(line, None, "it has no note_record_id".into());
        } else if !is_record_id(&id) {
            n.problem(
                line,
                None,
                format!(
                    "its note_record_id {} is not of the form domain/unique",
                    short(&id)
                ),
            );
        }
        match self.person.as_mut() {
            Some(p) => p.notes.push(n),
            None => {
                let pid = n.record.person_record_id.clone();
                if pid.is_empty() {
                    n.problem(line, None, "it names no person (person_record_id)".into());
                } else if !is_record_id(&pid) {
                    n.problem(
                        line,
                        None,
                        format!(
                            "its person_record_id {} is not of the form domain/unique",
                            short(&pid)
                        ),
                    );
                }
                self.notes.push(n);
            }
        }
    }

    fn close_person(&mut self) {
        let Some(mut p) = self.person.take() else {
            return;
        };
        let line = p.draft.line;
        let id = p.draft.record.person_record_id.clone();
        if id.is_empty() {
            p.draft
                .problem(line, None, "it has no person_record_id".into());
        } else if !is_record_id(&id) {
            p.draft.problem(
                line,
                None,
                format!(
                    "its person_record_id {} is not of the form domain/unique",
                    short(&id)
                ),
            );
        }
        let rec = &mut p.draft.record;
        if rec.full_name.is_empty() {
            // Split as a written full_name would be, so that it reads back alike.
            rec.full_name = full_name_of(rec).map(|n| lines(&n)).unwrap_or_default();
        }
        for n in &mut p.notes {
            let pid = n.record.person_record_id.clone();
            if pid.is_empty() {
                n.record.person_record_id = id.clone();
            } else if pid != id {
                let nline = n.line;
                n.problem(
                    nline,
                    None,
                    format!(
                        "it is nested in person {} (line {line}) but names person {}",
                        short(&id),
                        short(&pid)
                    ),
                );
            }
        }
        self.persons.push(p);
    }

    fn finish(self) -> Document {
        let domain = self
            .persons
            .iter()
            .find_map(|p| record_domain(&p.draft.record.person_record_id))
            .or_else(|| {
                self.notes
                    .iter()
                    .find_map(|n| record_domain(&n.record.note_record_id))
            })
            .map(str::to_owned);

        let mut person_ids: HashMap<String, usize> = HashMap::new();
        let mut note_ids: HashMap<String, usize> = HashMap::new();
        let mut doc = Document {
            version: self.version.unwrap_or(PfifVersion::V1_4),
            domain: domain.clone(),
            persons: Vec::new(),
            notes: Vec::new(),
            rejected_persons: Vec::new(),
            rejected_notes: Vec::new(),
            problems: Vec::new(),
        };
        let check = |kind: RecordKind, id: &str, line: usize, seen: &mut HashMap<String, usize>| {
            let mut out = Vec::new();
            if let (Some(d), Some(doc_domain)) = (record_domain(id), domain.as_deref()) {
                if d != doc_domain {
                    out.push(format!(
                        "its domain {d} is not the document's ({doc_domain}, the domain of its first record)"
                    ));
                }
            }
            if !id.is_empty() {
                if let Some(first) = seen.get(id) {
                    out.push(format!(
                        "the {kind} record id is given twice (first at line {first})"
                    ));
                } else {
                    seen.insert(id.to_owned(), line);
                }
            }
            out
        };

        for mut p in self.persons {
            let (id, line) = (p.draft.record.person_record_id.clone(), p.draft.line);
            for text in check(RecordKind::Person, &id, line, &mut person_ids) {
                p.draft.problem(line, None, text);
            }
            let mut good_notes = Vec::new();
            let mut bad_notes = Vec::new();
            for mut n in p.notes {
                let (nid, nline) = (n.record.note_record_id.clone(), n.line);
                for text in check(RecordKind::Note, &nid, nline, &mut note_ids) {
                    n.problem(nline, None, text);
                }
                let bad = !n.pending.is_empty();
                doc.problems
                    .extend(problems(RecordKind::Note, &nid, nline, n.pending));
                if bad {
                    bad_notes.push(n.record);
                } else {
                    good_notes.push(n.record);
                }
            }
            let bad = !p.draft.pending.is_empty();
            doc.problems
                .extend(problems(RecordKind::Person, &id, line, p.draft.pending));
            let mut person = p.draft.record;
            if bad {
                // A person kept apart keeps all its notes with it.
                good_notes.extend(bad_notes);
                person.notes = good_notes;
                doc.rejected_persons.push(person);
            } else {
                person.notes = good_notes;
                doc.persons.push(person);
                doc.rejected_notes.extend(bad_notes);
            }
        }
        for mut n in self.notes {
            let (nid, nline) = (n.record.note_record_id.clone(), n.line);
            for text in check(RecordKind::Note, &nid, nline, &mut note_ids) {
                n.problem(nline, None, text);
            }
            let bad = !n.pending.is_empty();
            doc.problems
                .extend(problems(RecordKind::Note, &nid, nline, n.pending));
            if bad {
                doc.rejected_notes.push(n.record);
            } else {
                doc.notes.push(n.record);
            }
        }
        doc.problems.sort_by_key(|p| p.line);
        doc
    }
}

/// `given family`, or whichever of the two there is.
fn full_name_of(p: &Person) -> Option<String> {
    match (p.given_name.as_deref(), p.family_name.as_deref()) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

fn close_into<T>(
    draft: &mut Draft<T>,
    f: &FieldDraft,
    canonical: &'static str,
    set: fn(&mut T, &str, &str, &str) -> Result<(), String>,
) {
    if draft.seen.contains(&canonical) {
        let name = &f.local;
        let also = if name == canonical {
            String::new()
        } else {
            format!(" (as {name})")
        };
        draft.problem(
            f.line,
            Some(name),
            format!(
                "the field {canonical}{also} at line {} is given more than once; the first is kept",
                f.line
            ),
        );
        return;
    }
    draft.seen.push(canonical);
    if let Err(text) = set(&mut draft.record, &f.local, canonical, &f.text) {
        draft.problem(
            f.line,
            Some(&f.local),
            format!("the field {} at line {}: {text}", f.local, f.line),
        );
    }
}

fn problems(kind: RecordKind, id: &str, line: usize, pending: Vec<Pending>) -> Vec<Problem> {
    let who = if id.is_empty() {
        format!("{kind} record without an id")
    } else {
        format!("{kind} {id}")
    };
    pending
        .into_iter()
        .map(|p| Problem {
            record_id: (!id.is_empty()).then(|| id.to_owned()),
            kind,
            line: p.line,
            field: p.field,
            message: format!("{who} (line {line}): {}", p.text),
        })
        .collect()
}

/// `&lt;` and the four others, and `&#...;`; anything else refuses the
/// document (no entity can be declared, so no other one can be meant).
fn resolve_reference(r: &BytesRef<'_>, line: usize) -> Result<String, PfifError> {
    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
            Ok(Some(c)) => Err(PfifError::BadCharacter {
                line,
                message: format!(
                    "the character reference &{name}; is U+{:04X}, which XML does not allow",
                    c as u32
                ),
            }),
            Ok(None) | Err(_) => Err(PfifError::BadCharacter {
                line,
                message: format!("&{name}; is not a character reference"),
            }),
        };
    }
    match quick_xml::escape::resolve_xml_entity(&name) {
        Some(s) => Ok(s.to_owned()),
        None => Err(PfifError::UnknownEntity { line, name }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn other_keeps_the_text_after_its_description_label() {
        assert_eq!(
            other_to_description("description:\n    _test_description\n").trim(),
            "_test_description"
        );
        assert_eq!(other_to_description("description: one\n  two"), "one\ntwo");
        // Another key: kept whole, so nothing is lost.
        let mixed = "description: x\nheight: 180";
        assert_eq!(other_to_description(mixed), mixed);
        assert_eq!(other_to_description("free text"), "free text");
    }

    #[test]
    fn markup_declarations_are_found_in_any_case() {
        assert_eq!(find_markup(b"ab<!doctype x>", b"DOCTYPE"), Some(2));
        assert_eq!(find_markup(b"<!EnTiTy", b"ENTITY"), Some(0));
        assert_eq!(find_markup(b"<!ENTIT", b"ENTITY"), None);
        assert_eq!(find_markup(b"", b"ENTITY"), None);
    }

    #[test]
    fn lines_are_counted_from_one() {
        assert_eq!(line_at(b"a\nb\nc", 0), 1);
        assert_eq!(line_at(b"a\nb\nc", 2), 2);
        assert_eq!(line_at(b"a\nb\nc", 99), 3);
    }
}
