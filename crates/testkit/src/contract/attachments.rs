//! Attachments: files kept byte for byte and once, read and added by
//! exactly who reads their entry, held to their digest by `journal verify`,
//! kept by a rebuild.

use super::*;
use honbu_domain::attachments::NewAttachment;
use honbu_store::attachments::{self, Added, AttachmentView};
use honbu_store::sql::{t, Value};

/// Every byte value, NULs and invalid UTF-8 among them, twice over.
fn awkward_bytes() -> Vec<u8> {
    (0..512u32).map(|i| (i % 256) as u8).rev().collect()
}

fn file(name: &str, content_type: Option<&str>, data: Vec<u8>) -> NewAttachment {
    NewAttachment {
        name: name.into(),
        content_type: content_type.map(str::to_string),
        data,
    }
}

fn attach(
    store: &Store,
    who: &str,
    at: Timestamp,
    entry: EntryId,
    f: NewAttachment,
) -> honbu_store::Result<Added> {
    run(store, who, at, move |c, ctx| {
        attachments::add_attachment(c, ctx, entry, f)
    })
}

fn listed(store: &Store, who: &str, entry: EntryId, at: At) -> Option<Vec<AttachmentView>> {
    let p = principal(store, who);
    store
        .read_blocking(move |c| attachments::attachments(c, &p, entry, at))
        .unwrap()
}

fn download(store: &Store, who: &str, id: AttachmentId) -> Option<(AttachmentView, Vec<u8>)> {
    let p = principal(store, who);
    store
        .read_blocking(move |c| attachments::file(c, &p, id))
        .unwrap()
}

fn blobs(store: &Store) -> i64 {
    store
        .read_blocking(|c| {
            c.query_one("SELECT COUNT(*) FROM attachment_blobs", &[])?
                .ok_or(StoreError::NotFound)?
                .int(0)
        })
        .unwrap()
}

pub fn an_attachment_reads_back_byte_for_byte_and_the_same_file_is_kept_once(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(5);
    let cable = entry(&w, "mofa.head", at, text_entry("Cable from the embassy")).unwrap();
    let photo = entry(&w, "lima.analyst", at, text_entry("Photo of the wall")).unwrap();
    let before = seq(store);
    let a = attach(
        store,
        "mofa.head",
        at,
        cable,
        file("公電 第12号.pdf", Some("Application/PDF"), awkward_bytes()),
    )
    .unwrap();
    assert_eq!(seq(store), before + 1, "one event");
    assert_eq!(a.size, 512);
    assert_eq!(a.sha256, attachments::digest(&awkward_bytes()));
    assert_eq!(a.sha256.len(), 64);
    let (view, bytes) = download(store, "lima.analyst", a.id).expect("read as its entry is");
    assert_eq!(bytes, awkward_bytes(), "byte for byte");
    assert_eq!(view.name, "公電 第12号.pdf");
    assert_eq!(view.content_type, "application/pdf");
    assert_eq!(view.entry, cable);
    assert_eq!(view.added_by, Some(principal(store, "mofa.head").user));
    assert_eq!(view.added_at, at);
    // The same bytes again, on another entry, by another HQ: a second
    // attachment, one file kept.
    let b = attach(
        store,
        "lima.analyst",
        at,
        photo,
        file("copy.bin", None, awkward_bytes()),
    )
    .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(blobs(store), 1, "the same bytes are stored once");
    assert_eq!(
        download(store, "mofa.head", b.id).unwrap().0.content_type,
        "application/octet-stream"
    );
    let c = attach(
        store,
        "mofa.head",
        at,
        cable,
        file("note.txt", Some("text/plain"), b"\0".to_vec()),
    )
    .unwrap();
    assert_eq!(blobs(store), 2);
    let list = listed(store, "reader", cable, At::Now).unwrap();
    assert_eq!(
        list.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![a.id, c.id],
        "an entry's own, oldest first"
    );
    // As of before the second was attached, the entry had one.
    let then = listed(store, "reader", cable, At::Seq(before + 1)).unwrap();
    assert_eq!(then.len(), 1);
    assert_eq!(
        listed(store, "reader", cable, At::Seq(before)).unwrap(),
        vec![]
    );
}

/// Whoever may not read the entry may neither read its attachments nor add
/// one: the answer is that of an entry that does not exist, and nothing is
/// written. Reading is the entry's rule, at every moment; adding is also
/// the log's (a reader who may not write the log is refused, and a closed
/// incident takes none).
pub fn an_attachment_is_read_and_added_by_exactly_who_reads_its_entry(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(5);
    let hidden = entry(
        &w,
        "mofa.head",
        at,
        NewEntry {
            release: Some("hq".into()),
            ..text_entry("MOFA only: the list of the held")
        },
    )
    .unwrap();
    let a = attach(
        store,
        "mofa.head",
        at,
        hidden,
        file("held.csv", Some("text/csv"), b"name\nA\n".to_vec()),
    )
    .unwrap();
    let random_entry = EntryId::new();
    let random_attachment = AttachmentId::new();
    let (journal, kept) = (seq(store), blobs(store));
    // A member of the other HQ, a global reader and a stranger.
    for who in ["lima.analyst", "reader", "stranger"] {
        assert_eq!(download(store, who, a.id), None, "{who}");
        assert_eq!(download(store, who, random_attachment), None);
        assert_eq!(listed(store, who, hidden, At::Now), None, "{who}");
        assert_eq!(listed(store, who, random_entry, At::Now), None);
        for target in [hidden, random_entry] {
            let e = attach(
                store,
                who,
                at,
                target,
                file("x.txt", None, b"planted".to_vec()),
            )
            .unwrap_err();
            assert!(matches!(e, StoreError::NotFound), "{who}: {e:?}");
        }
    }
    assert_eq!(seq(store), journal, "nothing journaled");
    assert_eq!(blobs(store), kept, "no file kept");
    // The admin and the entry's own HQ read it.
    for who in ["admin", "mofa.head"] {
        assert_eq!(download(store, who, a.id).unwrap().1, b"name\nA\n");
    }
    // Released to Lima, Lima reads it — and what it had at every moment.
    let lima = w.lima;
    run(store, "mofa.head", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, hidden, &ReleaseEntry { to_hq: lima })
    })
    .unwrap();
    assert_eq!(
        download(store, "lima.analyst", a.id).unwrap().1,
        b"name\nA\n"
    );
    assert_eq!(
        listed(store, "lima.analyst", hidden, At::Now)
            .unwrap()
            .len(),
        1
    );
    // A global reader reads an incident-wide entry but may not write the log.
    let open = entry(&w, "mofa.head", at, text_entry("for everyone")).unwrap();
    assert_eq!(listed(store, "reader", open, At::Now), Some(vec![]));
    let e = attach(
        store,
        "reader",
        at,
        open,
        file("x.txt", None, b"x".to_vec()),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    // A closed incident's record is final.
    let inc = w.incident;
    for status in ["resolved", "closed"] {
        run(store, "officer", at, |c, ctx| {
            honbu_store::incidents::change_status(
                c,
                ctx,
                inc,
                &ChangeStatus {
                    status: status.into(),
                    reason: "over".into(),
                },
            )
        })
        .unwrap();
    }
    let (journal, kept) = (seq(store), blobs(store));
    let e = attach(
        store,
        "mofa.head",
        at,
        open,
        file("late.txt", None, b"late".to_vec()),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert_eq!((seq(store), blobs(store)), (journal, kept));
}

pub fn a_bad_attachment_is_refused_naming_the_field(store: &Store) {
    let w = world(store);
    let e = entry(&w, "mofa.head", t0(), text_entry("Cable")).unwrap();
    let (journal, kept) = (seq(store), blobs(store));
    let long = "字".repeat(256);
    for (name, data, field) in [
        ("", b"x".to_vec(), "name"),
        ("../../etc/passwd", b"x".to_vec(), "name"),
        ("C:\\boot.ini", b"x".to_vec(), "name"),
        ("bell\u{7}.txt", b"x".to_vec(), "name"),
        (long.as_str(), b"x".to_vec(), "name"),
        ("empty.txt", vec![], "file"),
    ] {
        let r = attach(store, "mofa.head", t0(), e, file(name, None, data));
        match r {
            Err(StoreError::Invalid(f)) => assert_eq!(f.field, field, "{name:?}"),
            other => panic!("{name:?}: {other:?}"),
        }
    }
    assert_eq!(
        (seq(store), blobs(store)),
        (journal, kept),
        "nothing written"
    );
    // A type that is not `type/subtype` is kept as octet-stream.
    let a = attach(
        store,
        "mofa.head",
        t0(),
        e,
        file("x", Some("text/html<script>"), b"x".to_vec()),
    )
    .unwrap();
    assert_eq!(
        download(store, "mofa.head", a.id).unwrap().0.content_type,
        "application/octet-stream"
    );
}

/// The journal holds each file's digest: a file changed or removed behind
/// honbu's back breaks the verdict at the event that attached it, naming
/// the attachment, and is never served as the file attached.
pub fn journal_verify_names_an_attachment_whose_file_changed_or_went(store: &Store) {
    let w = world(store);
    let e = entry(&w, "mofa.head", t0(), text_entry("Cable")).unwrap();
    let first = attach(
        store,
        "mofa.head",
        t0(),
        e,
        file("first.bin", None, awkward_bytes()),
    )
    .unwrap();
    let at_first = seq(store);
    let second = attach(
        store,
        "mofa.head",
        t0(),
        e,
        file(
            "名簿.pdf",
            Some("application/pdf"),
            b"%PDF-1.4 list".to_vec(),
        ),
    )
    .unwrap();
    let at_second = seq(store);
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(v, Verdict::Intact { .. }), "{v:?}");
    let raw = |sql: &'static str, params: Vec<Value>| {
        store
            .write_blocking(move |c| {
                c.exec(sql, &params)?;
                Ok((vec![], ()))
            })
            .unwrap()
    };
    // One byte changed in the second file.
    raw(
        "UPDATE attachment_blobs SET data = $1 WHERE sha256 = $2",
        vec![
            Value::Bytes(b"%PDF-1.4 lisT".to_vec()),
            second.sha256.as_str().into(),
        ],
    );
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    let Verdict::Broken { seq: at, problem } = v else {
        panic!("{v:?}")
    };
    assert_eq!(at, at_second, "the event that attached it");
    assert!(
        problem.contains(&second.id.to_string()) && problem.contains("名簿.pdf"),
        "{problem}"
    );
    assert!(problem.contains("changed"), "{problem}");
    let err = store
        .read_blocking({
            let p = principal(store, "mofa.head");
            move |c| attachments::file(c, &p, second.id)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "not served: {err:?}");
    // The first file removed as well: named first, the other counted.
    raw(
        "DELETE FROM attachment_blobs WHERE sha256 = $1",
        vec![first.sha256.as_str().into()],
    );
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    let Verdict::Broken { seq: at, problem } = v else {
        panic!("{v:?}")
    };
    assert_eq!(at, at_first);
    assert!(
        problem.contains(&first.id.to_string())
            && problem.contains("first.bin")
            && problem.contains("missing"),
        "{problem}"
    );
    assert!(problem.contains("1 more"), "{problem}");
    // A rebuild trusts the chain, not the files: it goes ahead, keeping
    // them as they are, and verify still names them.
    store.rebuild_blocking().unwrap();
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(
        matches!(v, Verdict::Broken { seq, .. } if seq == at_first),
        "{v:?}"
    );
    // A chain that breaks is still named first, the files after it.
    let target = at_second;
    raw(
        "UPDATE journal SET payload = REPLACE(payload, 'pdf', 'PDF') WHERE seq = $1",
        vec![Value::Int(target)],
    );
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    let Verdict::Broken { seq: at, problem } = v else {
        panic!("{v:?}")
    };
    assert_eq!(at, target);
    assert!(
        problem.starts_with("content was changed after it was written")
            && problem.contains("first.bin"),
        "{problem}"
    );
}

/// The files are not a projection: a rebuild empties and refills the
/// attachments' table from the journal and keeps every file.
pub fn a_rebuild_keeps_the_files_and_their_attachments(store: &Store) {
    let w = world(store);
    let e = entry(&w, "mofa.head", t0(), text_entry("Cable")).unwrap();
    let a = attach(
        store,
        "mofa.head",
        t0(),
        e,
        file("cable.bin", None, awkward_bytes()),
    )
    .unwrap();
    let live = store.read_blocking(schema_dump).unwrap();
    store.rebuild_blocking().unwrap();
    assert_eq!(store.read_blocking(schema_dump).unwrap(), live);
    assert_eq!(blobs(store), 1);
    assert_eq!(
        download(store, "mofa.head", a.id).unwrap().1,
        awkward_bytes()
    );
    assert_eq!(store.check_read_models_blocking().unwrap(), None);
    // A row of the read model edited behind the journal is found.
    store
        .write_blocking(move |c| {
            c.exec(
                "UPDATE attachments SET name = 'renamed.bin' WHERE id = $1",
                &[t(a.id)],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    let found = store.check_read_models_blocking().unwrap().expect("found");
    assert!(found.starts_with("attachments: 1 row(s)"), "{found}");
}

fn schema_dump(
    c: &mut dyn honbu_store::sql::Conn,
) -> honbu_store::Result<Vec<(String, Vec<honbu_store::sql::Row>)>> {
    let mut all = honbu_store::schema::dump_read_models(c)?;
    all.retain(|(t, _)| t == "attachments");
    let mut blobs = c.query(
        "SELECT sha256, size, data FROM attachment_blobs ORDER BY sha256",
        &[],
    )?;
    blobs.sort_by_cached_key(|r| format!("{:?}", r.0));
    all.push(("attachment_blobs".into(), blobs));
    Ok(all)
}
