//! The PFIF 1.4 writer, read back by the reader.

use super::{read, sample};
use chrono::{TimeZone, Utc};
use honbu_formats::pfif::{
    note_status_for, write_pfif14, DateOfBirth, Note, NoteStatus, Person, PfifVersion, Sex,
};

fn round_trip(persons: &[Person], notes: &[Note]) -> String {
    let written = write_pfif14(persons, notes);
    let back = read(written.as_bytes());
    assert_eq!(back.version, PfifVersion::V1_4);
    assert!(back.is_clean(), "{:?}\n{written}", back.problems);
    assert_eq!(back.persons, persons, "{written}");
    assert_eq!(back.notes, notes, "{written}");
    written
}

#[test]
fn every_sample_written_as_pfif_1_4_reads_back_the_same() {
    for name in [
        "test.pfif-1.4.xml",
        "test.pfif-1.2.xml",
        "test.pfif-1.1.xml",
        "test.pfif-1.2-note.xml",
        "test.pfif-1.2-badrecord.xml",
    ] {
        let doc = read(&sample(name));
        let written = round_trip(&doc.persons, &doc.notes);
        assert!(
            written.contains("xmlns:pfif=\"http://zesty.ca/pfif/1.4\""),
            "{name}"
        );
        // The old names are gone.
        for old in ["first_name", "last_name", "home_zip", "other", "found"] {
            let old = format!("<pfif:{old}>");
            assert!(!written.contains(&old), "{name}: {old}");
        }
    }
}

#[test]
fn the_fields_are_written_in_the_order_of_the_pfif_1_4_schema() {
    let doc = read(&sample("test.pfif-1.4.xml"));
    let written = write_pfif14(&doc.persons, &doc.notes);
    let person_order = [
        "person_record_id",
        "entry_date",
        "author_name",
        "author_email",
        "author_phone",
        "source_name",
        "source_date",
        "source_url",
        "full_name",
        "given_name",
        "family_name",
        "alternate_names",
        "description",
        "sex",
        "date_of_birth",
        "age",
        "home_street",
        "home_neighborhood",
        "home_city",
        "home_state",
        "home_postal_code",
        "home_country",
        "photo_url",
        "profile_urls",
        "note",
    ];
    let person_part = &written[..written.find("<pfif:note>").unwrap() + 1];
    let positions: Vec<_> = person_order
        .iter()
        .map(|f| {
            written
                .find(&format!("<pfif:{f}>"))
                .unwrap_or_else(|| panic!("{f} not written"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{person_part}");

    let note =
        &written[written.find("<pfif:note>").unwrap()..written.find("</pfif:note>").unwrap()];
    let note_order = [
        "note_record_id",
        "person_record_id",
        "linked_person_record_id",
        "entry_date",
        "author_name",
        "author_email",
        "author_phone",
        "source_date",
        "author_made_contact",
        "status",
        "email_of_found_person",
        "phone_of_found_person",
        "last_known_location",
        "text",
        "photo_url",
    ];
    let positions: Vec<_> = note_order
        .iter()
        .map(|f| {
            note.find(&format!("<pfif:{f}>"))
                .unwrap_or_else(|| panic!("{f}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{note}");
}

fn yamada() -> Person {
    Person {
        person_record_id: "honbu.example/person.1".into(),
        entry_date: Some(Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()),
        source_date: Some(Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()),
        source_name: Some("Embassy <Lima> & \"partners\" 'list'".into()),
        full_name: vec!["山田 太郎".into(), "YAMADA Taro".into()],
        given_name: Some("太郎".into()),
        family_name: Some("山田".into()),
        alternate_names: vec!["Ñúñez".into(), "やまだ たろう".into()],
        description: Some("Line one.\nLine <two> & 'three'.\r\nA carriage\rreturn.".into()),
        sex: Some(Sex::Male),
        date_of_birth: Some(DateOfBirth::Year(1970)),
        home_city: Some("Zürich".into()),
        profile_urls: vec!["https://example.org/?a=1&b=2".into()],
        notes: vec![Note {
            note_record_id: "honbu.example/note.1".into(),
            person_record_id: "honbu.example/person.1".into(),
            author_name: Some("Ñúñez, María José".into()),
            source_date: Some(Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()),
            status: Some(NoteStatus::BelievedMissing),
            author_made_contact: Some(false),
            text: Some("held hostage / detained: \"<&>\"".into()),
            ..Note::default()
        }],
        ..Person::default()
    }
}

#[test]
fn markup_characters_and_non_latin_names_are_escaped_and_read_back() {
    let top = Note {
        note_record_id: "honbu.example/note.2".into(),
        person_record_id: "elsewhere.example/person.9".into(),
        linked_person_record_id: Some("honbu.example/person.1".into()),
        text: Some("a < b && c > d \"quoted\" 'single'".into()),
        ..Note::default()
    };
    let written = round_trip(&[yamada()], std::slice::from_ref(&top));
    assert!(written.contains("<pfif:full_name>山田 太郎\nYAMADA Taro</pfif:full_name>"));
    assert!(written.contains("Embassy &lt;Lima&gt; &amp; &quot;partners&quot; &apos;list&apos;"));
    assert!(written.contains("a &lt; b &amp;&amp; c &gt; d"));
    assert!(written.contains("<pfif:alternate_names>Ñúñez\nやまだ たろう</pfif:alternate_names>"));
    assert!(written.contains("A carriage&#13;return."));
    assert!(written.contains("<pfif:date_of_birth>1970</pfif:date_of_birth>"));
    assert!(written.contains("<pfif:source_date>2026-12-04T09:00:00Z</pfif:source_date>"));
}

#[test]
fn a_person_without_a_full_name_is_written_with_one_made_of_their_names() {
    let mut p = yamada();
    p.full_name.clear();
    let written = write_pfif14(&[p.clone()], &[]);
    assert!(written.contains("<pfif:full_name>太郎 山田</pfif:full_name>"));
    let back = read(written.as_bytes());
    assert_eq!(back.persons[0].full_name, ["太郎 山田"]);
}

#[test]
fn characters_xml_cannot_carry_are_left_out_rather_than_breaking_the_document() {
    let mut p = yamada();
    p.description = Some("bell\u{7}here\u{FFFE}".into());
    let back = read(write_pfif14(&[p], &[]).as_bytes());
    assert_eq!(back.persons[0].description.as_deref(), Some("bellhere"));
}

#[test]
fn honbu_statuses_are_given_in_pfif_words_with_text_where_pfif_has_none() {
    use NoteStatus::*;
    let cases = [
        ("unknown", InformationSought, ""),
        ("safe", BelievedAlive, ""),
        ("released", BelievedAlive, "released"),
        ("injured", BelievedAlive, "injured"),
        ("hospitalised", BelievedAlive, "hospitalised"),
        ("evacuated", BelievedAlive, "evacuated"),
        ("missing", BelievedMissing, ""),
        ("hostage", BelievedMissing, "held hostage / detained"),
        ("deceased", BelievedDead, ""),
        (
            "not_involved",
            BelievedAlive,
            "not involved: found to be elsewhere",
        ),
    ];
    for (honbu, status, text) in cases {
        assert_eq!(note_status_for(honbu), Some((status, text)), "{honbu}");
    }
    assert_eq!(note_status_for("believed_alive"), None);
    assert_eq!(note_status_for(""), None);
}
