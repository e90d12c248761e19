//! What the reader refuses, whole or record by record, and why it says so.

use super::{doc14, read, refuse, sample};
use honbu_formats::pfif::{read_pfif, Limits, PfifError, RecordKind};

const PERSON: &str = "  <pfif:person>\n    <pfif:person_record_id>example.org/p1</pfif:person_record_id>\n    <pfif:full_name>A</pfif:full_name>\n  </pfif:person>\n";

#[test]
fn a_document_with_a_dtd_is_refused_without_reading_it() {
    let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE pfif SYSTEM \"http://example.com/pfif.dtd\">\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\"/>";
    let e = refuse(text.as_bytes());
    assert_eq!(e, PfifError::DocType { line: 2 });
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    // In any case, and even an internal subset with nothing in it.
    assert!(matches!(
        refuse(b"<!doctype pfif []><pfif/>"),
        PfifError::DocType { line: 1 }
    ));
}

#[test]
fn an_external_entity_is_refused_and_no_file_is_read() {
    let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE foo [\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n\
                <pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\"><pfif:person>\
                <pfif:person_record_id>a.org/1</pfif:person_record_id><pfif:full_name>&xxe;</pfif:full_name>\
                </pfif:person></pfif:pfif>";
    let e = refuse(text.as_bytes());
    assert_eq!(e, PfifError::DocType { line: 2 });
    // An entity declaration without a DOCTYPE is refused as such.
    let e = refuse(b"<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n<pfif/>");
    assert_eq!(e, PfifError::EntityDeclaration { line: 1 });
    assert!(e.to_string().contains("ENTITY"), "{e}");
}

#[test]
fn a_billion_laughs_is_refused_before_anything_is_expanded() {
    let mut text =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        text.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    text.push_str("]>\n<lolz>&lol9;</lolz>\n");
    assert_eq!(refuse(text.as_bytes()), PfifError::DocType { line: 2 });
}

#[test]
fn an_entity_that_is_not_one_of_the_five_is_refused_by_name() {
    let text = doc14("  <pfif:note><pfif:text>&nbsp;</pfif:text></pfif:note>\n");
    let e = refuse(text.as_bytes());
    assert_eq!(
        e,
        PfifError::UnknownEntity {
            line: 3,
            name: "nbsp".into()
        }
    );
}

#[test]
fn predefined_entities_and_character_references_are_understood() {
    let text = doc14(
        "  <pfif:person><pfif:person_record_id>a.org/1</pfif:person_record_id>\
         <pfif:full_name>&lt;&amp;&gt;&quot;&apos; &#23665;&#x7530;</pfif:full_name></pfif:person>\n",
    );
    let doc = read(text.as_bytes());
    assert_eq!(doc.persons[0].full_name, ["<&>\"' 山田"]);
}

#[test]
fn a_character_xml_does_not_allow_is_refused_with_its_line() {
    let e = refuse(doc14("  <pfif:note><pfif:text>a\u{1}b</pfif:text></pfif:note>\n").as_bytes());
    assert!(matches!(e, PfifError::BadCharacter { line: 3, .. }), "{e}");
    let e = refuse(doc14("  <pfif:note><pfif:text>&#1;</pfif:text></pfif:note>\n").as_bytes());
    assert!(matches!(e, PfifError::BadCharacter { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("U+0001"), "{e}");
}

#[test]
fn an_unknown_namespace_or_version_is_refused_naming_what_was_found() {
    for ns in [
        "http://zesty.ca/pfif/1.5",
        "http://zesty.ca/pfif/2.0",
        "http://example.com/pfif",
    ] {
        let text = format!("<pfif:pfif xmlns:pfif=\"{ns}\">{PERSON}</pfif:pfif>");
        let e = refuse(text.as_bytes());
        assert_eq!(
            e,
            PfifError::UnknownVersion {
                line: 1,
                found: ns.into()
            }
        );
        assert!(e.to_string().contains(ns), "{e}");
    }
    let e = refuse(b"<pfif><person/></pfif>");
    assert_eq!(e, PfifError::NoNamespace { line: 1 });
    assert!(e.to_string().contains("no namespace"), "{e}");
}

#[test]
fn versions_cannot_be_mixed_in_one_document() {
    let text = doc14("  <p2:person xmlns:p2=\"http://zesty.ca/pfif/1.2\"/>\n");
    let e = refuse(text.as_bytes());
    assert!(
        matches!(&e, PfifError::MixedVersions { line: 3, found, .. } if found == "http://zesty.ca/pfif/1.2"),
        "{e}"
    );
}

#[test]
fn a_document_whose_root_is_not_pfif_is_refused_naming_the_root() {
    let e = refuse(b"<?xml version=\"1.0\"?>\n<html><body/></html>");
    assert_eq!(
        e,
        PfifError::WrongRoot {
            line: 2,
            found: "html".into()
        }
    );
    let e = refuse(b"<pfif:people xmlns:pfif=\"http://zesty.ca/pfif/1.4\"/>");
    assert!(e.to_string().contains("pfif:people"), "{e}");
    assert_eq!(refuse(b""), PfifError::Empty);
    assert_eq!(refuse(b"  \n<!-- nothing -->\n"), PfifError::Empty);
}

#[test]
fn an_element_that_is_no_record_is_refused_rather_than_passed_over() {
    let e = refuse(doc14("  <pfif:persn/>\n").as_bytes());
    assert!(
        matches!(&e, PfifError::UnknownRecord { line: 3, element } if element == "pfif:persn"),
        "{e}"
    );
    // A record written without the namespace's prefix is not an extension.
    let e = refuse(doc14("  <person/>\n").as_bytes());
    assert!(
        matches!(&e, PfifError::UnknownRecord { line: 3, .. }),
        "{e}"
    );
}

#[test]
fn a_document_cut_short_is_refused_with_the_line_where_it_ends() {
    let whole = String::from_utf8(sample("test.pfif-1.4.xml")).unwrap();
    // Cut inside the third note (after its source_date, line 69).
    let cut_at = whole.find("<pfif:entry_date>2000-01-18T23:13:17Z").unwrap();
    let e = refuse(&whole.as_bytes()[..cut_at]);
    assert_eq!(
        e,
        PfifError::Truncated {
            line: 70,
            open: "pfif:note".into()
        }
    );
    assert!(e.to_string().contains("line 70"), "{e}");
    // Cut inside a tag.
    let cut_at = whole.find("<pfif:text>change").unwrap() + 5;
    let e = refuse(&whole.as_bytes()[..cut_at]);
    assert!(matches!(e, PfifError::Malformed { line: 68, .. }), "{e}");
    // A wrong end tag.
    let e = refuse(doc14("  <pfif:note></pfif:person>\n").as_bytes());
    assert!(matches!(e, PfifError::Malformed { line: 3, .. }), "{e}");
}

#[test]
fn a_bad_date_is_named_with_its_record_field_and_line() {
    let text = doc14(
        "  <pfif:person>\n    <pfif:person_record_id>example.org/p1</pfif:person_record_id>\n\
         \x20   <pfif:full_name>A</pfif:full_name>\n\
         \x20   <pfif:source_date>2000-01-16 04:05:06</pfif:source_date>\n\
         \x20   <pfif:date_of_birth>1970-13</pfif:date_of_birth>\n\
         \x20   <pfif:sex>f</pfif:sex>\n\
         \x20   <pfif:note>\n      <pfif:note_record_id>example.org/n1</pfif:note_record_id>\n\
         \x20     <pfif:entry_date>2000-01-16T17:32:05+09:00</pfif:entry_date>\n\
         \x20     <pfif:status>alive</pfif:status>\n\
         \x20     <pfif:author_made_contact>yes</pfif:author_made_contact>\n\
         \x20   </pfif:note>\n  </pfif:person>\n",
    );
    let doc = read(text.as_bytes());
    assert!(doc.persons.is_empty());
    assert_eq!(doc.rejected_persons.len(), 1);
    // The good note stays with the person kept apart.
    assert_eq!(doc.rejected_persons[0].notes.len(), 1);
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                p.record_id.as_deref().unwrap(),
                p.field.as_deref().unwrap(),
                p.line,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (RecordKind::Person, "example.org/p1", "source_date", 6),
            (RecordKind::Person, "example.org/p1", "date_of_birth", 7),
            (RecordKind::Person, "example.org/p1", "sex", 8),
            (RecordKind::Note, "example.org/n1", "entry_date", 11),
            (RecordKind::Note, "example.org/n1", "status", 12),
            (
                RecordKind::Note,
                "example.org/n1",
                "author_made_contact",
                13
            ),
        ]
    );
    let first = &doc.problems[0].message;
    assert!(first.contains("example.org/p1"), "{first}");
    assert!(first.contains("source_date"), "{first}");
    assert!(first.contains("line 6"), "{first}");
    assert!(first.contains("2000-01-16 04:05:06"), "{first}");
}

#[test]
fn a_bad_note_in_a_good_person_is_kept_apart_alone() {
    let text = doc14(
        "  <pfif:person>\n    <pfif:person_record_id>example.org/p1</pfif:person_record_id>\n\
         \x20   <pfif:note><pfif:note_record_id>example.org/n1</pfif:note_record_id></pfif:note>\n\
         \x20   <pfif:note><pfif:note_record_id>other.org/n2</pfif:note_record_id></pfif:note>\n\
         \x20   <pfif:note><pfif:note_record_id>example.org/n3</pfif:note_record_id>\
         <pfif:person_record_id>example.org/p9</pfif:person_record_id></pfif:note>\n\
         \x20 </pfif:person>\n",
    );
    let doc = read(text.as_bytes());
    assert_eq!(doc.persons.len(), 1);
    assert_eq!(doc.persons[0].notes.len(), 1);
    let apart: Vec<_> = doc
        .rejected_notes
        .iter()
        .map(|n| (n.note_record_id.as_str(), n.person_record_id.as_str()))
        .collect();
    assert_eq!(
        apart,
        [
            ("other.org/n2", "example.org/p1"),
            ("example.org/n3", "example.org/p9")
        ]
    );
    assert_eq!(doc.problems.len(), 2);
    assert!(doc.problems.iter().all(|p| p.kind == RecordKind::Note));
    assert_eq!(doc.problems[0].line, 6);
    assert!(doc.problems[1].message.contains("example.org/p9"));
}

#[test]
fn a_field_given_twice_or_not_pfif_s_is_reported() {
    let text = doc14(
        "  <pfif:person>\n    <pfif:person_record_id>example.org/p1</pfif:person_record_id>\n\
         \x20   <pfif:given_name>A</pfif:given_name>\n    <pfif:first_name>B</pfif:first_name>\n\
         \x20   <pfif:shoe_size>44</pfif:shoe_size>\n    <pfif:home_city>x<b>y</b></pfif:home_city>\n  </pfif:person>\n",
    );
    let doc = read(text.as_bytes());
    assert_eq!(doc.rejected_persons.len(), 1);
    assert_eq!(doc.rejected_persons[0].given_name.as_deref(), Some("A"));
    let fields: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.field.as_deref(), p.line))
        .collect();
    assert_eq!(
        fields,
        [
            (Some("first_name"), 6),
            (Some("shoe_size"), 7),
            (Some("home_city"), 8)
        ]
    );
}

#[test]
fn each_limit_refuses_the_document_with_its_own_reason() {
    let text = String::from_utf8(sample("test.pfif-1.4.xml")).unwrap();
    let limits = Limits::default();

    let small = Limits {
        max_bytes: 100,
        ..limits
    };
    assert_eq!(
        read_pfif(text.as_bytes(), &small),
        Err(PfifError::TooLarge {
            size: text.len(),
            limit: 100
        })
    );

    let few = Limits {
        max_records: 3,
        ..limits
    };
    assert_eq!(
        read_pfif(text.as_bytes(), &few),
        Err(PfifError::TooManyRecords { line: 65, limit: 3 })
    );

    let short = Limits {
        max_field_chars: 20,
        ..limits
    };
    let e = read_pfif(text.as_bytes(), &short).unwrap_err();
    assert!(
        matches!(&e, PfifError::FieldTooLong { line: 7, field, limit: 20 } if field == "full_name"),
        "{e}"
    );

    let deep = doc14(&format!(
        "{}{}",
        "<x:a xmlns:x=\"urn:x\">".repeat(100),
        "</x:a>".repeat(100)
    ));
    let e = read_pfif(deep.as_bytes(), &limits).unwrap_err();
    assert_eq!(e, PfifError::TooDeep { line: 3, limit: 16 });
    // PFIF's own nesting fits in the default.
    assert!(read_pfif(text.as_bytes(), &limits).is_ok());
}

#[test]
fn only_utf8_is_read() {
    let e = refuse(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<pfif/>");
    assert_eq!(
        e,
        PfifError::Encoding {
            found: "ISO-8859-1".into()
        }
    );
    let e = refuse(b"<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">\n\xff</pfif:pfif>");
    assert_eq!(e, PfifError::NotUtf8 { line: 2 });
    // A byte-order mark is fine.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(doc14(PERSON).as_bytes());
    assert_eq!(read(&bom).persons.len(), 1);
}

#[test]
fn nothing_but_comments_may_follow_the_root_element() {
    let text = format!(
        "{}<!-- end -->\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\"/>",
        doc14(PERSON)
    );
    let e = refuse(text.as_bytes());
    assert!(matches!(e, PfifError::AfterRoot { line: 9, .. }), "{e}");
    let e = refuse(format!("{}trailing", doc14(PERSON)).as_bytes());
    assert!(matches!(e, PfifError::AfterRoot { .. }), "{e}");
}

#[test]
fn a_record_id_given_twice_is_reported_the_second_time() {
    let doc = read(doc14(&format!("{PERSON}{PERSON}")).as_bytes());
    assert_eq!(doc.persons.len(), 1);
    assert_eq!(doc.rejected_persons.len(), 1);
    assert_eq!(doc.problems[0].line, 7);
    assert!(
        doc.problems[0].message.contains("first at line 3"),
        "{}",
        doc.problems[0]
    );
}
