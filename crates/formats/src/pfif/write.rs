//! The PFIF 1.4 writer.

use super::read::is_xml_char;
use super::{format_pfif_datetime, Note, Person, PfifVersion};
use std::fmt::Write as _;

/// Writes `persons` (each with its nested notes) and then the top-level
/// `notes` as a PFIF 1.4 document: `pfif:`-prefixed elements, the fields in
/// the order of the 1.4 schema, every value XML-escaped (`<`, `>`, `&`, `"`,
/// `'`; a carriage return as `&#13;` so it survives). Characters XML 1.0
/// cannot carry at all (control characters other than tab, line feed and
/// carriage return; U+FFFE, U+FFFF) are left out. Absent fields are not
/// written; a person without a `full_name` is given one from its given and
/// family names, as the reader would (1.4 requires the field).
///
/// [`super::read_pfif`] reads the result back to the same records, for
/// records as the reader gives them: values without whitespace around them,
/// list fields with one line per entry.
pub fn write_pfif14(persons: &[Person], notes: &[Note]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<pfif:pfif xmlns:pfif=\"{}\">",
        PfifVersion::V1_4.namespace()
    );
    for p in persons {
        write_person(&mut out, p);
    }
    for n in notes {
        write_note(&mut out, n, "  ");
    }
    out.push_str("</pfif:pfif>\n");
    out
}

fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn field(out: &mut String, indent: &str, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = write!(out, "{indent}<pfif:{name}>");
        escape_into(out, v);
        let _ = writeln!(out, "</pfif:{name}>");
    }
}

fn lines_field(out: &mut String, indent: &str, name: &str, lines: &[String]) {
    if !lines.is_empty() {
        field(out, indent, name, Some(&lines.join("\n")));
    }
}

fn date_field(
    out: &mut String,
    indent: &str,
    name: &str,
    value: Option<&chrono::DateTime<chrono::Utc>>,
) {
    field(
        out,
        indent,
        name,
        value.map(format_pfif_datetime).as_deref(),
    );
}

fn write_person(out: &mut String, p: &Person) {
    const I: &str = "    ";
    out.push_str("  <pfif:person>\n");
    field(out, I, "person_record_id", Some(&p.person_record_id));
    date_field(out, I, "entry_date", p.entry_date.as_ref());
    date_field(out, I, "expiry_date", p.expiry_date.as_ref());
    field(out, I, "author_name", p.author_name.as_deref());
    field(out, I, "author_email", p.author_email.as_deref());
    field(out, I, "author_phone", p.author_phone.as_deref());
    field(out, I, "source_name", p.source_name.as_deref());
    date_field(out, I, "source_date", p.source_date.as_ref());
    field(out, I, "source_url", p.source_url.as_deref());
    if p.full_name.is_empty() {
        let made = match (p.given_name.as_deref(), p.family_name.as_deref()) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
            (None, None) => None,
        };
        field(out, I, "full_name", made.as_deref());
    } else {
        lines_field(out, I, "full_name", &p.full_name);
    }
    field(out, I, "given_name", p.given_name.as_deref());
    field(out, I, "family_name", p.family_name.as_deref());
    lines_field(out, I, "alternate_names", &p.alternate_names);
    field(out, I, "description", p.description.as_deref());
    field(out, I, "sex", p.sex.map(|s| s.as_str()));
    field(
        out,
        I,
        "date_of_birth",
        p.date_of_birth.map(|d| d.to_string()).as_deref(),
    );
    field(out, I, "age", p.age.as_deref());
    field(out, I, "home_street", p.home_street.as_deref());
    field(out, I, "home_neighborhood", p.home_neighborhood.as_deref());
    field(out, I, "home_city", p.home_city.as_deref());
    field(out, I, "home_state", p.home_state.as_deref());
    field(out, I, "home_postal_code", p.home_postal_code.as_deref());
    field(out, I, "home_country", p.home_country.as_deref());
    field(out, I, "photo_url", p.photo_url.as_deref());
    lines_field(out, I, "profile_urls", &p.profile_urls);
    for n in &p.notes {
        write_note(out, n, I);
    }
    out.push_str("  </pfif:person>\n");
}

fn write_note(out: &mut String, n: &Note, indent: &str) {
    let i = format!("{indent}  ");
    let i = i.as_str();
    let _ = writeln!(out, "{indent}<pfif:note>");
    field(out, i, "note_record_id", Some(&n.note_record_id));
    field(
        out,
        i,
        "person_record_id",
        (!n.person_record_id.is_empty()).then_some(n.person_record_id.as_str()),
    );
    field(
        out,
        i,
        "linked_person_record_id",
        n.linked_person_record_id.as_deref(),
    );
    date_field(out, i, "entry_date", n.entry_date.as_ref());
    field(out, i, "author_name", n.author_name.as_deref());
    field(out, i, "author_email", n.author_email.as_deref());
    field(out, i, "author_phone", n.author_phone.as_deref());
    date_field(out, i, "source_date", n.source_date.as_ref());
    field(
        out,
        i,
        "author_made_contact",
        n.author_made_contact
            .map(|b| if b { "true" } else { "false" }),
    );
    field(out, i, "status", n.status.map(|s| s.as_str()));
    field(
        out,
        i,
        "email_of_found_person",
        n.email_of_found_person.as_deref(),
    );
    field(
        out,
        i,
        "phone_of_found_person",
        n.phone_of_found_person.as_deref(),
    );
    field(
        out,
        i,
        "last_known_location",
        n.last_known_location.as_deref(),
    );
    field(out, i, "text", n.text.as_deref());
    field(out, i, "photo_url", n.photo_url.as_deref());
    let _ = writeln!(out, "{indent}</pfif:note>");
}
