//! The PFIF reader on arbitrary bytes: it refuses or reads, never panics; and
//! whatever it reads, written as PFIF 1.4, reads back to the same records.
#![no_main]
use honbu_formats::pfif::{read_pfif, write_pfif14, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_records: 1_000,
        max_field_chars: 10_000,
        max_depth: 16,
    };
    let Ok(doc) = read_pfif(data, &limits) else {
        return;
    };
    let written = write_pfif14(&doc.persons, &doc.notes);
    // Escaping and a full_name made of two names may make the copy larger.
    let unbounded = Limits {
        max_bytes: usize::MAX,
        max_field_chars: usize::MAX,
        ..limits
    };
    let again = match read_pfif(written.as_bytes(), &unbounded) {
        Ok(again) => again,
        Err(e) => panic!("the writer's document is refused: {e}\n{written}"),
    };
    assert!(again.problems.is_empty(), "{:?}\n{written}", again.problems);
    assert_eq!(again.persons, doc.persons, "{written}");
    assert_eq!(again.notes, doc.notes, "{written}");
});
