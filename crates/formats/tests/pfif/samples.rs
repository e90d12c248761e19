//! Each of Person Finder's test documents, checked against what SOURCES.md
//! says an importer must do with it.

use super::{doc14, read, sample};
use chrono::{TimeZone, Utc};
use honbu_formats::pfif::{DateOfBirth, NoteStatus, PfifVersion, RecordKind, Sex};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

#[test]
fn a_pfif_1_4_document_gives_its_one_person_and_four_notes_with_their_statuses() {
    let doc = read(&sample("test.pfif-1.4.xml"));
    assert_eq!(doc.version, PfifVersion::V1_4);
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.domain.as_deref(), Some("test.google.com"));
    assert_eq!(doc.persons.len(), 1);
    assert!(doc.notes.is_empty());
    let p = &doc.persons[0];
    assert_eq!(p.person_record_id, "test.google.com/person.21009");
    assert_eq!(p.given_name.as_deref(), Some("_test_given_name"));
    assert_eq!(p.family_name.as_deref(), Some("_test_family_name"));
    assert_eq!(p.description.as_deref(), Some("_test_description"));
    assert_eq!(p.sex, Some(Sex::Female));
    assert_eq!(p.date_of_birth, Some(DateOfBirth::YearMonth(1970, 1)));
    assert_eq!(p.age.as_deref(), Some("35-45"));
    assert_eq!(p.home_country.as_deref(), Some("US"));
    assert_eq!(
        p.home_postal_code.as_deref(),
        Some("_test_home_postal_code")
    );
    assert_eq!(p.photo_url.as_deref(), Some("_test_photo_url"));
    assert_eq!(p.source_date, Some(at(2000, 1, 1, 0, 0, 0)));
    assert_eq!(p.entry_date, Some(at(2000, 1, 16, 2, 7, 57)));

    let ids: Vec<_> = p.notes.iter().map(|n| n.note_record_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "test.google.com/note.27009",
            "test.google.com/note.31095",
            "test.google.com/note.40121",
            "test.google.com/note.50121"
        ]
    );
    let statuses: Vec<_> = p.notes.iter().map(|n| n.status).collect();
    assert_eq!(
        statuses,
        [
            Some(NoteStatus::BelievedMissing),
            None,
            Some(NoteStatus::IsNoteAuthor),
            Some(NoteStatus::BelievedMissing)
        ]
    );
    let contact: Vec<_> = p.notes.iter().map(|n| n.author_made_contact).collect();
    assert_eq!(contact, [Some(false), Some(true), None, Some(false)]);
    // Every nested note is about its person, named or not.
    assert!(p
        .notes
        .iter()
        .all(|n| n.person_record_id == "test.google.com/person.21009"));
    let first = &p.notes[0];
    assert_eq!(
        first.linked_person_record_id.as_deref(),
        Some("test.google.com/person.999")
    );
    assert_eq!(first.photo_url.as_deref(), Some("_test_note_photo_url"));
    assert_eq!(first.text.as_deref(), Some("_test_text"));
    // An empty element is an absent field.
    assert_eq!(p.notes[1].email_of_found_person, None);
    assert_eq!(
        p.notes[1].last_known_location.as_deref(),
        Some("19.16592425362802 -71.9384765625")
    );
}

#[test]
fn values_are_stripped_of_the_whitespace_around_them_and_name_lists_split_into_lines() {
    let doc = read(&sample("test.pfif-1.4.xml"));
    let p = &doc.persons[0];
    assert_eq!(p.home_city.as_deref(), Some("_test_home_city"));
    assert_eq!(p.full_name, ["_test_full_name1", "_test_full_name2"]);
    assert_eq!(
        p.alternate_names,
        ["_test_alternate_name1", "_test_alternate_name2"]
    );
    assert_eq!(p.profile_urls, ["_test_profile_url1", "_test_profile_url2"]);
}

#[test]
fn a_backdated_note_does_not_override_the_later_status() {
    let doc = read(&sample("test.pfif-1.4.xml"));
    let p = &doc.persons[0];
    // The backdated note is kept, with its own source_date…
    let backdated = &p.notes[3];
    assert_eq!(backdated.note_record_id, "test.google.com/note.50121");
    assert_eq!(backdated.source_date, Some(at(2000, 1, 18, 20, 0, 0)));
    assert_eq!(backdated.entry_date, Some(at(2000, 1, 18, 23, 13, 20)));
    // …but the status that holds is that of the latest source_date, given
    // before it in the document.
    let holds = p.status_note().unwrap();
    assert_eq!(holds.note_record_id, "test.google.com/note.40121");
    assert_eq!(holds.status, Some(NoteStatus::IsNoteAuthor));
    assert_eq!(holds.source_date, Some(at(2000, 1, 18, 20, 21, 22)));
}

#[test]
fn a_pfif_1_2_document_is_read_with_the_fields_of_today() {
    let doc = read(&sample("test.pfif-1.2.xml"));
    assert_eq!(doc.version, PfifVersion::V1_2);
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.persons.len(), 1);
    let p = &doc.persons[0];
    assert_eq!(p.given_name.as_deref(), Some("_test_first_name"));
    assert_eq!(p.family_name.as_deref(), Some("_test_last_name"));
    // No full_name in 1.2: made from the given and family names.
    assert_eq!(p.full_name, ["_test_first_name _test_last_name"]);
    // `other`'s "description:" entry is 1.4's description.
    assert_eq!(p.description.as_deref(), Some("_test_description"));
    assert_eq!(p.home_city.as_deref(), Some("_test_home_city"));
    assert_eq!(
        p.home_postal_code.as_deref(),
        Some("_test_home_postal_code")
    );
    assert_eq!(p.sex, Some(Sex::Female));
    assert_eq!(p.notes.len(), 4);
    // `found` is author_made_contact.
    let contact: Vec<_> = p.notes.iter().map(|n| n.author_made_contact).collect();
    assert_eq!(contact, [Some(false), Some(true), None, Some(false)]);
    let statuses: Vec<_> = p.notes.iter().map(|n| n.status).collect();
    assert_eq!(
        statuses,
        [
            Some(NoteStatus::BelievedMissing),
            None,
            Some(NoteStatus::IsNoteAuthor),
            Some(NoteStatus::BelievedMissing)
        ]
    );
    assert_eq!(
        p.status_note().unwrap().note_record_id,
        "test.google.com/note.40121"
    );
}

#[test]
fn a_pfif_1_1_document_is_read_with_home_zip_as_the_postal_code() {
    let doc = read(&sample("test.pfif-1.1.xml"));
    assert_eq!(doc.version, PfifVersion::V1_1);
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.persons.len(), 1);
    let p = &doc.persons[0];
    assert_eq!(p.person_record_id, "test.google.com/person.21009");
    assert_eq!(p.home_postal_code.as_deref(), Some("_test_home_zip"));
    assert_eq!(p.home_city.as_deref(), Some("_test_home_city"));
    assert_eq!(p.given_name.as_deref(), Some("_test_first_name"));
    assert_eq!(p.family_name.as_deref(), Some("_test_last_name"));
    assert_eq!(p.description.as_deref(), Some("_test_description"));
    assert_eq!(p.notes.len(), 2);
    // 1.1 notes name no person: they are about the person they are in.
    assert!(p
        .notes
        .iter()
        .all(|n| n.person_record_id == "test.google.com/person.21009"));
    assert_eq!(p.notes[0].author_made_contact, Some(true));
    assert_eq!(
        p.notes[0].email_of_found_person.as_deref(),
        Some("_test_email_of_found_person")
    );
    assert_eq!(p.notes[1].author_made_contact, None);
    // No note has a status in 1.1.
    assert!(p.status_note().is_none());
}

#[test]
fn a_notes_only_document_gives_its_notes_with_the_persons_they_are_about() {
    let doc = read(&sample("test.pfif-1.2-note.xml"));
    assert_eq!(doc.version, PfifVersion::V1_2);
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert!(doc.persons.is_empty());
    assert_eq!(doc.domain.as_deref(), Some("test.google.com"));
    let about: Vec<_> = doc
        .notes
        .iter()
        .map(|n| (n.note_record_id.as_str(), n.person_record_id.as_str()))
        .collect();
    assert_eq!(
        about,
        [
            ("test.google.com/note.27009", "test.google.com/person.21009"),
            ("test.google.com/note.31095", "test.google.com/person.21010"),
        ]
    );
    assert_eq!(doc.notes[0].status, Some(NoteStatus::BelievedMissing));
    assert_eq!(doc.notes[0].author_made_contact, Some(false));
    assert_eq!(doc.notes[1].status, Some(NoteStatus::IsNoteAuthor));
    // What an importer does: notes for persons it knows, the others reported
    // by their person record id.
    let known = ["test.google.com/person.21009"];
    let (take, report): (Vec<_>, Vec<_>) = doc
        .all_notes()
        .partition(|n| known.contains(&n.person_record_id.as_str()));
    assert_eq!(take.len(), 1);
    assert_eq!(report[0].person_record_id, "test.google.com/person.21010");
}

#[test]
fn a_record_of_another_domain_is_reported_by_its_id_and_kept_apart_from_the_good_one() {
    let doc = read(&sample("test.pfif-1.2-badrecord.xml"));
    assert_eq!(doc.domain.as_deref(), Some("test.google.com"));
    assert_eq!(doc.persons.len(), 1);
    assert_eq!(
        doc.persons[0].person_record_id,
        "test.google.com/person.21009"
    );
    assert_eq!(doc.persons[0].notes.len(), 4);
    assert_eq!(doc.problems.len(), 1, "{:?}", doc.problems);
    let problem = &doc.problems[0];
    assert_eq!(
        problem.record_id.as_deref(),
        Some("foo.google.com/person.666")
    );
    assert_eq!(problem.kind, RecordKind::Person);
    assert_eq!(problem.line, 79);
    assert!(problem.message.contains("foo.google.com/person.666"));
    assert!(problem.message.contains("test.google.com"));
    // Kept apart, whole, for an officer who wants to see it.
    assert_eq!(doc.rejected_persons.len(), 1);
    assert_eq!(
        doc.rejected_persons[0].person_record_id,
        "foo.google.com/person.666"
    );
    assert_eq!(
        doc.rejected_persons[0].given_name.as_deref(),
        Some("_test_first_name")
    );
    assert!(doc.rejected_notes.is_empty());
}

#[test]
fn a_record_without_an_id_or_with_a_malformed_one_is_reported_at_its_line() {
    let doc = super::read(
        doc14(
            "  <pfif:person>\n    <pfif:full_name>A</pfif:full_name>\n  </pfif:person>\n\
             \x20 <pfif:person>\n    <pfif:person_record_id>no-slash</pfif:person_record_id>\n  </pfif:person>\n\
             \x20 <pfif:person>\n    <pfif:person_record_id>example.org/1</pfif:person_record_id>\n  </pfif:person>\n",
        )
        .as_bytes(),
    );
    assert_eq!(doc.persons.len(), 1);
    assert_eq!(doc.domain.as_deref(), Some("example.org"));
    assert_eq!(doc.rejected_persons.len(), 2);
    let lines: Vec<_> = doc.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 6]);
    assert_eq!(doc.problems[0].record_id, None);
    assert!(doc.problems[0].message.contains("no person_record_id"));
    assert_eq!(doc.problems[1].record_id.as_deref(), Some("no-slash"));
    assert!(doc.problems[1].message.contains("domain/unique"));
}

#[test]
fn a_document_in_the_default_namespace_is_read_as_well() {
    let doc = super::read(
        b"<pfif xmlns=\"http://zesty.ca/pfif/1.3\"><person><person_record_id>x.org/1</person_record_id>\
          <full_name>Ana</full_name><first_name>Ana</first_name></person></pfif>",
    );
    assert_eq!(doc.version, PfifVersion::V1_3);
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.persons[0].full_name, ["Ana"]);
    assert_eq!(doc.persons[0].given_name.as_deref(), Some("Ana"));
}

#[test]
fn extension_elements_of_another_namespace_are_passed_over() {
    let doc = super::read(
        doc14(
            "  <pfif:person xmlns:x=\"urn:example\">\n    <pfif:person_record_id>x.org/1</pfif:person_record_id>\n\
             \x20   <x:shoe_size><x:deep>44</x:deep></x:shoe_size>\n  </pfif:person>\n  <x:whatever xmlns:x=\"urn:example\"/>\n",
        )
        .as_bytes(),
    );
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.persons.len(), 1);
}
