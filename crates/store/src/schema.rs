//! The schema, written once for both backends (see `sql.rs` for the subset
//! used). Migrations are numbered and applied in order inside one
//! transaction each; a database records the versions it has.

use crate::sql::{Conn, Row, Value};
use crate::StoreError;

/// Genesis value of the chain: the `prev_hash` of journal entry 1.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, V1),
    (2, V2),
    (3, V3),
    (4, V4),
    (5, V5),
    (6, V6),
    (7, V7),
    (8, V8),
    (9, V9),
    (10, V10),
    (11, V11),
    (12, V12),
    (13, V13),
    (14, V14),
];

/// Migrations after which the read models are replayed from the journal
/// (the tables they make are filled by the projections, not by SQL).
pub const REPLAY_AFTER: &[i64] = &[5, 11, 12];

const V1: &str = r#"
CREATE TABLE journal (
    seq {ROWID} PRIMARY KEY,
    at TEXT NOT NULL,
    incident_id TEXT,
    actor TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX journal_by_incident ON journal (incident_id, seq);
CREATE TABLE journal_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL);
INSERT INTO journal_head (id, seq, hash, mac) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    global_role TEXT,
    locale TEXT,
    time_zone TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE roles (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    defined_at TEXT NOT NULL
);
CREATE TABLE security_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    username TEXT,
    detail TEXT NOT NULL
);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    country TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    area TEXT,
    severity TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT,
    updated_at TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    entries_total BIGINT NOT NULL,
    significant_total BIGINT NOT NULL,
    entries_open BIGINT NOT NULL,
    significant_open BIGINT NOT NULL
);
CREATE INDEX incidents_by_opened ON incidents (opened_at);
CREATE TABLE incident_status_history (
    seq BIGINT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX status_history_by_incident ON incident_status_history (incident_id, seq);

CREATE TABLE hqs (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    report_every_minutes BIGINT,
    last_report_at TEXT,
    ordinal BIGINT NOT NULL
);
CREATE INDEX hqs_by_incident ON hqs (incident_id, ordinal);
CREATE TABLE hq_members (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (hq_id, user_id)
);
CREATE INDEX members_by_user ON hq_members (user_id);
CREATE TABLE duty (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (hq_id, user_id)
);
CREATE TABLE duty_log (
    seq BIGINT PRIMARY KEY,
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    on_duty BIGINT NOT NULL
);
CREATE INDEX duty_log_by_hq ON duty_log (hq_id, seq);
CREATE TABLE status_reports (
    id TEXT PRIMARY KEY,
    hq_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    author TEXT,
    text TEXT NOT NULL
);
CREATE INDEX reports_by_hq ON status_reports (hq_id, at);

CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    reliability TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_by TEXT
);
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    hq_id TEXT NOT NULL,
    author TEXT,
    occurred_at TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    source_id TEXT,
    source_name TEXT NOT NULL,
    reliability TEXT NOT NULL,
    credibility TEXT NOT NULL,
    category TEXT NOT NULL,
    release TEXT NOT NULL,
    significant BIGINT NOT NULL,
    text TEXT NOT NULL,
    supersedes TEXT,
    superseded_by TEXT,
    links TEXT NOT NULL
);
CREATE UNIQUE INDEX entries_by_number ON entries (incident_id, number);
CREATE INDEX entries_significant ON entries (incident_id, significant, number);
CREATE INDEX entries_hq_only ON entries (incident_id, release, hq_id, significant);
CREATE TABLE entry_releases (
    entry_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    PRIMARY KEY (entry_id, hq_id)
);
CREATE INDEX releases_by_hq ON entry_releases (hq_id);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    title TEXT NOT NULL,
    options TEXT NOT NULL,
    rationale TEXT NOT NULL,
    based_on TEXT NOT NULL
);
CREATE INDEX decisions_by_incident ON decisions (incident_id, recorded_at);
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_at TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX tasks_by_incident ON tasks (incident_id, status);
CREATE TABLE task_history (
    seq BIGINT PRIMARY KEY,
    task_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX task_history_by_task ON task_history (task_id, seq);
CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT,
    since TEXT,
    brief TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
CREATE INDEX handovers_by_hq ON handovers (hq_id, issued_at);
CREATE TABLE sitreps (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT,
    document TEXT NOT NULL
);
CREATE UNIQUE INDEX sitreps_by_number ON sitreps (incident_id, number);
"#;

/// Few entries are significant and few are kept to their own HQ: index only
/// those (partial indexes), so that an ordinary entry costs two fewer index
/// writes. The queries that use them carry the same condition.
const V2: &str = r#"
DROP INDEX entries_significant;
DROP INDEX entries_hq_only;
CREATE INDEX entries_significant ON entries (incident_id, number) WHERE significant = 1;
CREATE INDEX entries_hq_only ON entries (incident_id, hq_id, significant) WHERE release = 'hq';
"#;

/// Password hashes leave the journal and its projections: an append-only
/// record is no place for a secret. They live in `credentials`, operational
/// state written by the command handlers (like sessions), which a rebuild
/// keeps. The hashes set so far move there.
const V3: &str = r#"
CREATE TABLE credentials (user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL);
INSERT INTO credentials (user_id, password_hash, changed_at) SELECT id, password_hash, created_at FROM users;
ALTER TABLE users DROP COLUMN password_hash;
"#;

/// An incident no longer keeps running counts of its entries or its last
/// change: every durable entry rewrote the incident's row for them (one page
/// of log in seven). Readers count from the entries' indexes and take the
/// last change from the journal's index by incident, which always agree.
const V4: &str = r#"
ALTER TABLE incidents DROP COLUMN updated_at;
ALTER TABLE incidents DROP COLUMN last_seq;
ALTER TABLE incidents DROP COLUMN entries_total;
ALTER TABLE incidents DROP COLUMN significant_total;
ALTER TABLE incidents DROP COLUMN entries_open;
ALTER TABLE incidents DROP COLUMN significant_open;
"#;

/// Validity ranges (see `versions.rs`): every table an incident page reads
/// records the journal position each row holds from, and the tables whose
/// rows change keep their earlier versions in `<table>_history` with the
/// position where each stopped holding. The tables are made anew and
/// filled by replaying the journal (`REPLAY_AFTER`), which is what gives
/// every row its position and every change its kept version.
const V5: &str = r#"
DROP TABLE incidents;
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    country TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    area TEXT,
    severity TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT,
    from_seq BIGINT NOT NULL
);
CREATE INDEX incidents_by_opened ON incidents (opened_at);
CREATE TABLE incidents_history (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    country TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    area TEXT,
    severity TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (id, from_seq)
);

DROP TABLE hqs;
CREATE TABLE hqs (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    report_every_minutes BIGINT,
    last_report_at TEXT,
    ordinal BIGINT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE INDEX hqs_by_incident ON hqs (incident_id, ordinal);
CREATE TABLE hqs_history (
    id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    report_every_minutes BIGINT,
    last_report_at TEXT,
    ordinal BIGINT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (id, from_seq)
);
CREATE INDEX hqs_history_by_incident ON hqs_history (incident_id);

DROP TABLE hq_members;
CREATE TABLE hq_members (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    PRIMARY KEY (hq_id, user_id)
);
CREATE INDEX members_by_user ON hq_members (user_id);
CREATE INDEX members_by_incident ON hq_members (incident_id);
CREATE TABLE hq_members_history (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (hq_id, user_id, from_seq)
);
CREATE INDEX members_history_by_incident ON hq_members_history (incident_id);

DROP TABLE duty;
CREATE TABLE duty (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    since TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    PRIMARY KEY (hq_id, user_id)
);
CREATE TABLE duty_history (
    hq_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    since TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (hq_id, user_id, from_seq)
);

DROP TABLE status_reports;
CREATE TABLE status_reports (
    id TEXT PRIMARY KEY,
    hq_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    author TEXT,
    text TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE INDEX reports_by_hq ON status_reports (hq_id, at);
CREATE INDEX reports_by_incident ON status_reports (incident_id, at);

DROP TABLE entries;
CREATE TABLE entries (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    hq_id TEXT NOT NULL,
    author TEXT,
    occurred_at TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    source_id TEXT,
    source_name TEXT NOT NULL,
    reliability TEXT NOT NULL,
    credibility TEXT NOT NULL,
    category TEXT NOT NULL,
    release TEXT NOT NULL,
    significant BIGINT NOT NULL,
    text TEXT NOT NULL,
    supersedes TEXT,
    superseded_by TEXT,
    links TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE UNIQUE INDEX entries_by_number ON entries (incident_id, number);
CREATE INDEX entries_significant ON entries (incident_id, number) WHERE significant = 1;
CREATE INDEX entries_hq_only ON entries (incident_id, hq_id, significant) WHERE release = 'hq';
CREATE TABLE entries_history (
    id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    hq_id TEXT NOT NULL,
    author TEXT,
    occurred_at TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    source_id TEXT,
    source_name TEXT NOT NULL,
    reliability TEXT NOT NULL,
    credibility TEXT NOT NULL,
    category TEXT NOT NULL,
    release TEXT NOT NULL,
    significant BIGINT NOT NULL,
    text TEXT NOT NULL,
    supersedes TEXT,
    superseded_by TEXT,
    links TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (id, from_seq)
);
CREATE INDEX entries_history_by_number ON entries_history (incident_id, number);

DROP TABLE entry_releases;
CREATE TABLE entry_releases (
    entry_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    from_seq BIGINT NOT NULL,
    PRIMARY KEY (entry_id, hq_id)
);
CREATE INDEX releases_by_hq ON entry_releases (hq_id);

DROP TABLE decisions;
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    title TEXT NOT NULL,
    options TEXT NOT NULL,
    rationale TEXT NOT NULL,
    based_on TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE INDEX decisions_by_incident ON decisions (incident_id, recorded_at);

DROP TABLE tasks;
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_at TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE INDEX tasks_by_incident ON tasks (incident_id, status);
CREATE TABLE tasks_history (
    id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_at TEXT,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (id, from_seq)
);
CREATE INDEX tasks_history_by_incident ON tasks_history (incident_id);

DROP TABLE handovers;
CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT,
    since TEXT,
    brief TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    from_seq BIGINT NOT NULL
);
CREATE INDEX handovers_by_hq ON handovers (hq_id, issued_at);
CREATE INDEX handovers_by_incident ON handovers (incident_id);
CREATE TABLE handovers_history (
    id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT,
    since TEXT,
    brief TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    PRIMARY KEY (id, from_seq)
);
CREATE INDEX handovers_history_by_incident ON handovers_history (incident_id);

DROP TABLE sitreps;
CREATE TABLE sitreps (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT,
    document TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE UNIQUE INDEX sitreps_by_number ON sitreps (incident_id, number);
"#;

/// Accounts an administrator can disable (a projection of `UserDisabled`
/// and `UserEnabled`), and passwords an administrator set that their user
/// must replace at the next sign-in (operational, beside the hash).
const V6: &str = r#"
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE credentials ADD COLUMN must_change BIGINT NOT NULL DEFAULT 0;
"#;

/// Decisions carry a release marking like entries; those recorded before
/// were read by the whole incident.
const V7: &str = r#"
ALTER TABLE decisions ADD COLUMN release TEXT NOT NULL DEFAULT 'incident';
"#;

/// The board lists significant entries by when they occurred.
const V8: &str = r#"
CREATE INDEX entries_significant_by_time ON entries (incident_id, occurred_at) WHERE significant = 1;
"#;

/// The log is searched by the letters of its words, in any script
/// (Japanese has no spaces between words): an index of the trigrams of
/// every entry's text, kept by the database itself. Each backend has its
/// own kind of index; see [`SEARCH_INDEX_SQLITE`] and
/// [`SEARCH_INDEX_POSTGRES`].
const V9: &str = "{SEARCH_INDEX}";

/// SQLite: an FTS5 index with the trigram tokenizer, holding no copy of
/// the text (`content=''`), keyed by the journal position of the event
/// that wrote the entry (stable across a rebuild and a `VACUUM`, unlike a
/// rowid). The log's projection adds to it once per transaction, in one
/// statement (FTS5 writes a segment of its index at every statement that
/// follows a change to it: row by row, a batch of a hundred entries made a
/// hundred segments to merge); triggers take out what leaves `entries`.
pub const SEARCH_INDEX_SQLITE: &str = r#"
CREATE VIRTUAL TABLE entries_search USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
CREATE TRIGGER entries_search_drop AFTER DELETE ON entries BEGIN
    DELETE FROM entries_search WHERE rowid = old.seq;
END;
CREATE TRIGGER entries_search_edit AFTER UPDATE OF text, seq ON entries BEGIN
    DELETE FROM entries_search WHERE rowid = old.seq;
    INSERT INTO entries_search (rowid, text) VALUES (new.seq, new.text);
END;
INSERT INTO entries_search (entries_search, rank) VALUES ('automerge', 16);
INSERT INTO entries_search (rowid, text) SELECT seq, text FROM entries;
CREATE INDEX entries_by_seq ON entries (seq);
"#;

/// PostgreSQL: a GIN index of pg_trgm trigrams over the text, which
/// `ILIKE '%…%'` uses. pg_trgm is a trusted extension (PostgreSQL 13 and
/// later): the owner of the database may create it.
pub const SEARCH_INDEX_POSTGRES: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX entries_text_trigrams ON entries USING gin (text gin_trgm_ops);
"#;

/// Words of two letters (人質, 大使, 交渉: most Japanese words) have no
/// trigram: an index of every pair of letters in each entry's text finds
/// them. The projection writes the pairs (see `log::pairs`); filled by a
/// replay of the journal when this migration is applied.
const V11: &str = "{PAIRS_INDEX}";

/// SQLite: an FTS5 index of the pairs as words, holding no copy of them,
/// keyed like the trigram index by the journal position of the entry.
pub const PAIRS_INDEX_SQLITE: &str = r#"
CREATE VIRTUAL TABLE entry_pairs USING fts5(grams, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0');
INSERT INTO entry_pairs (entry_pairs, rank) VALUES ('automerge', 16);
"#;

/// PostgreSQL: the pairs as text, kept also as an array (computed by the
/// database, so the projection writes one text on both backends) with a
/// GIN index over it.
pub const PAIRS_INDEX_POSTGRES: &str = r#"
CREATE TABLE entry_pairs (
    seq BIGINT PRIMARY KEY,
    grams TEXT NOT NULL,
    gram_list TEXT[] GENERATED ALWAYS AS (string_to_array(grams, ' ')) STORED
);
CREATE INDEX entry_pairs_grams ON entry_pairs USING gin (gram_list);
CREATE INDEX entries_by_seq ON entries (seq);
"#;

/// The search indexes leave the append. On PostgreSQL the pairs move into
/// `entries` (an array column) and one GIN index covers the text's
/// trigrams and the pairs together, so that a search of a word of three
/// letters and one of two is answered by one scan of one index, not two
/// lists of thousands joined (filled by a replay of the journal). On
/// SQLite the two FTS5 indexes move out of the database into a file of
/// their own, written after the commit by a thread of its own
/// (honbu-store-sqlite's `search`): an append no longer pays for them.
const V12: &str = "{WORDS_INDEX}";

pub const WORDS_INDEX_SQLITE: &str = r#"
DROP TRIGGER IF EXISTS entries_search_drop;
DROP TRIGGER IF EXISTS entries_search_edit;
DROP TABLE IF EXISTS entries_search;
DROP TABLE IF EXISTS entry_pairs;
"#;

pub const WORDS_INDEX_POSTGRES: &str = r#"
ALTER TABLE entries ADD COLUMN pairs TEXT[] NOT NULL DEFAULT '{}';
DROP INDEX entries_text_trigrams;
CREATE INDEX entries_words ON entries USING gin (text gin_trgm_ops, pairs);
DROP TABLE entry_pairs;
"#;

/// Attachments: files attached to log entries. `attachments` is the read
/// model (rows only added, by `AttachmentAdded`, each with the journal
/// position that wrote it). `attachment_blobs` holds the bytes, once per
/// SHA-256 however many attachments share them: operational state like
/// `credentials`, written by the command handler in the event's
/// transaction, kept by a rebuild (the journal holds only the digest, which
/// `journal verify` checks the bytes against).
const V10: &str = r#"
CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    data {BLOB} NOT NULL
);
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX attachments_by_entry ON attachments (entry_id, seq);
"#;

/// People of concern. `persons` (versioned: status, review, role change)
/// and the rows only added of their status reports and settlements are
/// read models; `personal_data` holds who each person is (names, dates,
/// passport, contacts, notes), named from the journal by a keyed digest:
/// operational state like `attachment_blobs`, kept by a rebuild, deleted
/// row by row when a person's data is erased.
const V13: &str = r#"
CREATE TABLE personal_data (
    digest TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX personal_data_by_person ON personal_data (person_id);
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    hq_id TEXT NOT NULL,
    role TEXT NOT NULL,
    nationalities TEXT NOT NULL,
    employer TEXT,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    status_report TEXT,
    status_reported_at TEXT,
    status_since TEXT NOT NULL,
    review TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT,
    erased_at TEXT,
    updated_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL
);
CREATE INDEX persons_by_incident ON persons (incident_id, number);
CREATE TABLE persons_history (
    id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    hq_id TEXT NOT NULL,
    role TEXT NOT NULL,
    nationalities TEXT NOT NULL,
    employer TEXT,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    status_report TEXT,
    status_reported_at TEXT,
    status_since TEXT NOT NULL,
    review TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT,
    erased_at TEXT,
    updated_at TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL
);
CREATE INDEX persons_history_by_incident ON persons_history (incident_id, to_seq);
CREATE INDEX persons_history_by_id ON persons_history (id, to_seq);
CREATE TABLE person_reports (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    hq_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    source_id TEXT,
    source_name TEXT NOT NULL,
    source_kind TEXT,
    reliability TEXT NOT NULL,
    credibility TEXT NOT NULL,
    note TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX person_reports_by_person ON person_reports (person_id, seq);
CREATE INDEX person_reports_by_incident ON person_reports (incident_id, seq);
CREATE TABLE person_settlements (
    person_id TEXT NOT NULL,
    report_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX person_settlements_by_person ON person_settlements (person_id, seq);
"#;

/// Lists of people imported from a source (`lists`, rows only added) and
/// what the engine made of each of their records (`list_records`): the
/// person linked or created, or the candidates in review; the row itself is
/// personal data (`personal_data`, kind `record`), named by `data`.
const V14: &str = r#"
CREATE TABLE lists (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX lists_by_incident ON lists (incident_id, sha256);
CREATE TABLE list_records (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    line BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    person_id TEXT,
    probability DOUBLE PRECISION,
    candidates TEXT NOT NULL,
    data TEXT NOT NULL,
    role TEXT,
    nationalities TEXT NOT NULL,
    employer TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX list_records_by_list ON list_records (list_id, line);
CREATE INDEX list_records_by_incident ON list_records (incident_id, outcome, seq);
CREATE INDEX list_records_by_person ON list_records (person_id);
"#;

/// Tables that are projections of the journal, in the order a rebuild
/// empties them. Not listed: the journal itself, its head, the migrations
/// record, sessions (operational state that a rebuild signs out),
/// credentials, attachment_blobs and personal_data (operational state that
/// a rebuild keeps).
pub const READ_MODELS: &[&str] = &[
    "users",
    "api_tokens",
    "roles",
    "security_log",
    "incidents",
    "incident_status_history",
    "hqs",
    "hq_members",
    "duty",
    "duty_log",
    "status_reports",
    "sources",
    "entries",
    "entry_releases",
    "decisions",
    "tasks",
    "task_history",
    "handovers",
    "sitreps",
    "attachments",
    "persons",
    "person_reports",
    "person_settlements",
    "lists",
    "list_records",
    // The versions kept of rows that changed (see `versions.rs`).
    "incidents_history",
    "hqs_history",
    "hq_members_history",
    "duty_history",
    "entries_history",
    "tasks_history",
    "handovers_history",
    "persons_history",
];

/// Applies the migrations this database has not seen. Called inside a write
/// transaction by the backend when it opens.
/// Returns whether the read models must be replayed from the journal
/// (a migration in [`REPLAY_AFTER`] was applied).
pub fn migrate(c: &mut dyn Conn) -> Result<bool, StoreError> {
    migrate_to(c, i64::MAX)
}

/// Applies the migrations this database has not seen, up to `last` (tests
/// build a database as an older honbu left it).
pub fn migrate_to(c: &mut dyn Conn, last: i64) -> Result<bool, StoreError> {
    c.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let have: Vec<i64> = c
        .query("SELECT version FROM schema_migrations", &[])?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_, _>>()?;
    // A database a newer honbu has migrated is not this binary's to write.
    let known = MIGRATIONS.iter().map(|(v, _)| *v).max().unwrap_or(0);
    if let Some(newer) = have.iter().copied().filter(|v| *v > known).max() {
        return Err(StoreError::Config(format!(
            "the database is at schema version {newer}, made by a newer honbu; this one knows up to {known}: run the newer honbu"
        )));
    }
    let mut replay = false;
    for (v, sql) in MIGRATIONS {
        if have.contains(v) || *v > last {
            continue;
        }
        replay |= REPLAY_AFTER.contains(v);
        // SQLite keeps rows in order of an INTEGER PRIMARY KEY without a
        // second index; PostgreSQL spells the same column BIGINT. Bytes are
        // a BLOB in one and a BYTEA in the other.
        let sqlite = c.dialect() == crate::sql::Dialect::Sqlite;
        let sql = sql
            .replace("{ROWID}", if sqlite { "INTEGER" } else { "BIGINT" })
            .replace("{BLOB}", if sqlite { "BLOB" } else { "BYTEA" })
            .replace(
                "{SEARCH_INDEX}",
                if sqlite {
                    SEARCH_INDEX_SQLITE
                } else {
                    SEARCH_INDEX_POSTGRES
                },
            )
            .replace(
                "{WORDS_INDEX}",
                if sqlite {
                    WORDS_INDEX_SQLITE
                } else {
                    WORDS_INDEX_POSTGRES
                },
            )
            .replace(
                "{PAIRS_INDEX}",
                if sqlite {
                    PAIRS_INDEX_SQLITE
                } else {
                    PAIRS_INDEX_POSTGRES
                },
            );
        c.batch(&sql)?;
        c.exec(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[
                Value::Int(*v),
                Value::Text(honbu_domain::time::to_db(&chrono::Utc::now())),
            ],
        )?;
    }
    Ok(replay)
}

/// Every read-model row, in an order of their own (every column), for
/// comparing a rebuilt database with the live one.
/// What differs between two dumps of the read models (`live`, and what
/// the journal makes of them), table by table: for a row edited, its key
/// and each column that differs (by position in the table) with both
/// values; for a row only one side has, that row. `None` when the same.
pub fn differences(live: &[(String, Vec<Row>)], rebuilt: &[(String, Vec<Row>)]) -> Option<String> {
    let short = |s: String| {
        if s.chars().count() > 200 {
            format!("{}…", s.chars().take(200).collect::<String>())
        } else {
            s
        }
    };
    let mut out = vec![];
    for ((table, a), (_, b)) in live.iter().zip(rebuilt) {
        if a == b {
            continue;
        }
        let only_live: Vec<&Row> = a.iter().filter(|r| !b.contains(r)).collect();
        let only_journal: Vec<&Row> = b.iter().filter(|r| !a.contains(r)).collect();
        let mut lines = vec![format!(
            "{table}: {} row(s) the journal does not account for, {} row(s) the journal holds that are missing or changed",
            only_live.len(),
            only_journal.len()
        )];
        for r in only_live.iter().take(5) {
            match only_journal.iter().find(|j| j.0.first() == r.0.first()) {
                Some(j) => {
                    lines.push(format!(
                        "  row {}: changed",
                        short(format!("{:?}", r.0.first()))
                    ));
                    for (i, (x, y)) in r.0.iter().zip(&j.0).enumerate() {
                        if x != y {
                            lines.push(format!(
                                "    column {}: the table has {}, the journal says {}",
                                i + 1,
                                short(format!("{x:?}")),
                                short(format!("{y:?}"))
                            ));
                        }
                    }
                }
                None => lines.push(format!(
                    "  in the table only: {}",
                    short(format!("{:?}", r.0))
                )),
            }
        }
        for j in only_journal
            .iter()
            .filter(|j| !only_live.iter().any(|r| r.0.first() == j.0.first()))
            .take(5)
        {
            lines.push(format!(
                "  missing from the table: {}",
                short(format!("{:?}", j.0))
            ));
        }
        out.push(lines.join("\n"));
    }
    (!out.is_empty()).then(|| out.join("\n"))
}

pub fn dump_read_models(c: &mut dyn Conn) -> Result<Vec<(String, Vec<Row>)>, StoreError> {
    let mut out = vec![];
    for table in READ_MODELS {
        let mut rows = c.query(&format!("SELECT * FROM {table}"), &[])?;
        rows.sort_by_cached_key(|r| format!("{:?}", r.0));
        out.push((table.to_string(), rows));
    }
    Ok(out)
}
