//! `honbu people generate`, `honbu link` and `honbu dedupe`: CSV files in
//! and out around the record-linkage engine (`honbu-matching`).

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use honbu_matching::{generate, Progress, Record};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Subcommand)]
pub enum PeopleCommand {
    /// Write a synthetic CSV of people to standard output, with duplicates
    /// (or, with --list, a register of one record per person, and a list).
    Generate {
        /// Records to write (the register's people with --list).
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the true clusters here (`id,cluster_id`).
        #[arg(long)]
        truth: Option<PathBuf>,
        /// Also make a list of this many records, written to --list-file;
        /// standard output is then the register.
        #[arg(long, requires = "list_file")]
        list: Option<usize>,
        #[arg(long)]
        list_file: Option<PathBuf>,
        /// The share of the list's records that are people of the register.
        #[arg(long, default_value_t = 0.75)]
        overlap: f64,
    },
}

#[derive(Args)]
pub struct LinkArgs {
    /// The first list (CSV with a header).
    pub left: PathBuf,
    /// The second list, e.g. the register.
    pub right: PathBuf,
    /// The id column of both files (default: id, rec_id, record_id or person_id).
    #[arg(long)]
    pub id: Option<String>,
    /// Also print the pairs for review (`decision` column: match or review).
    #[arg(long)]
    pub review: bool,
}

#[derive(Args)]
pub struct DedupeArgs {
    /// The list (CSV with a header).
    pub file: PathBuf,
    /// The id column (default: id, rec_id, record_id or person_id).
    #[arg(long)]
    pub id: Option<String>,
}

const ID_COLUMNS: &[&str] = &["id", "rec_id", "record_id", "person_id"];

/// What a column's name says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Given,
    Family,
    Full,
    Native,
    Dob,
    Age,
    Sex,
    Nationality,
    Passport,
    Street,
    City,
    Postcode,
    State,
    Email,
    Phone,
    Other,
}

fn recognise(name: &str) -> Column {
    let n: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' || c == '.' {
                '_'
            } else {
                c
            }
        })
        .collect();
    match n.as_str() {
        "given_name" | "given" | "given_names" | "first_name" | "firstname" | "forename"
        | "forenames" => Column::Given,
        "family_name" | "surname" | "last_name" | "lastname" | "family" | "surnames" => {
            Column::Family
        }
        "full_name" | "name" | "fullname" => Column::Full,
        "native_name" | "name_native" | "kanji" | "native_script_name" => Column::Native,
        "date_of_birth" | "dob" | "birth_date" | "birthdate" | "born" => Column::Dob,
        "age" => Column::Age,
        "sex" | "gender" => Column::Sex,
        "nationality" | "citizenship" => Column::Nationality,
        "passport_number" | "passport" | "passport_no" | "soc_sec_id" | "national_id" | "ssn" => {
            Column::Passport
        }
        "street" | "address" | "address_1" | "address1" | "street_address" | "address_line_1" => {
            Column::Street
        }
        "city" | "suburb" | "town" => Column::City,
        "postcode" | "post_code" | "postal_code" | "zip" | "zipcode" | "zip_code" => {
            Column::Postcode
        }
        "state" | "province" | "region" => Column::State,
        "email" | "e_mail" | "email_address" => Column::Email,
        "phone" | "telephone" | "phone_number" | "mobile" | "tel" => Column::Phone,
        _ => Column::Other,
    }
}

/// Reads a CSV file of people; errors name the file, the line and the field.
pub fn read_people(path: &Path, id: Option<&str>) -> anyhow::Result<Vec<Record>> {
    let shown = path.display();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{shown}: cannot open"))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| anyhow!("{shown}: line 1 (the header): {e}"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let id_col = match id {
        Some(c) => headers.iter().position(|h| h == c).ok_or_else(|| {
            anyhow!(
                "{shown}: line 1: no id column `{c}` (the header has: {})",
                headers.join(", ")
            )
        })?,
        None => headers
            .iter()
            .position(|h| ID_COLUMNS.contains(&h.to_lowercase().as_str()))
            .ok_or_else(|| {
                anyhow!(
                    "{shown}: line 1: no id column (expected one of {}, or name it with --id)",
                    ID_COLUMNS.join(", ")
                )
            })?,
    };
    let mut kinds: Vec<Column> = headers.iter().map(|h| recognise(h)).collect();
    kinds[id_col] = Column::Id;
    // A second column of a kind already taken is compared as plain text.
    let mut seen = BTreeSet::new();
    for k in kinds.iter_mut() {
        if *k != Column::Other && *k != Column::Id && !seen.insert(*k as u8) {
            *k = Column::Other;
        }
    }
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| csv_error(&shown.to_string(), &headers, e))?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let mut r = Record::default();
        for (k, value) in row.iter().enumerate() {
            let v = value.trim();
            let kind = kinds.get(k).copied().unwrap_or(Column::Other);
            if kind == Column::Id {
                if v.is_empty() {
                    bail!("{shown}: line {line}: field {} is empty", headers[k]);
                }
                if !ids.insert(v.to_string()) {
                    bail!("{shown}: line {line}: field {}: the id {v} is already used by an earlier row", headers[k]);
                }
                r.id = v.to_string();
                continue;
            }
            if v.is_empty() {
                continue;
            }
            let v = Some(v.to_string());
            match kind {
                Column::Id => {}
                Column::Given => r.given_name = v,
                Column::Family => r.family_name = v,
                Column::Full => r.full_name = v,
                Column::Native => r.native_name = v,
                Column::Dob => r.date_of_birth = v,
                Column::Age => r.age = v,
                Column::Sex => r.sex = v,
                Column::Nationality => r.nationality = v,
                Column::Passport => r.passport_number = v,
                Column::Street => r.street = v,
                Column::City => r.city = v,
                Column::Postcode => r.postcode = v,
                Column::State => r.state = v,
                Column::Email => r.email = v,
                Column::Phone => r.phone = v,
                Column::Other => r
                    .other
                    .push((headers[k].to_lowercase(), value.trim().to_string())),
            }
        }
        out.push(r);
    }
    Ok(out)
}

fn csv_error(file: &str, headers: &[String], e: csv::Error) -> anyhow::Error {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map(|p| p.line()).unwrap_or(0);
            let (expected, len) = (*expected_len as usize, *len as usize);
            let which = if len < expected {
                format!(
                    "field {} (and any after it) is missing",
                    headers.get(len).map(String::as_str).unwrap_or("?")
                )
            } else {
                format!(
                    "there is a field after the last, {}",
                    headers.last().map(String::as_str).unwrap_or("?")
                )
            };
            anyhow!("{file}: line {line}: {len} fields where the header has {expected}: {which}")
        }
        csv::ErrorKind::Utf8 { pos, err } => {
            let line = pos.as_ref().map(|p| p.line()).unwrap_or(0);
            let field = headers.get(err.field()).map(String::as_str).unwrap_or("?");
            anyhow!("{file}: line {line}: field {field} is not UTF-8 text")
        }
        _ => anyhow!("{file}: {e}"),
    }
}

struct Reporter {
    on: bool,
    started: Instant,
    what: &'static str,
}

impl Reporter {
    fn new(what: &'static str, records: usize) -> Reporter {
        Reporter {
            on: records >= 10_000 || std::env::var_os("HONBU_PROGRESS").is_some(),
            started: Instant::now(),
            what,
        }
    }

    fn say(&self, phase: &str, count: usize) {
        if self.on {
            eprintln!(
                "honbu {}: {phase}: {count} ({:.2} s)",
                self.what,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

pub fn people(command: &PeopleCommand) -> anyhow::Result<i32> {
    let PeopleCommand::Generate {
        count,
        seed,
        truth,
        list,
        list_file,
        overlap,
    } = command;
    let stdout = std::io::stdout();
    let mut truth_rows: Vec<(String, String)> = Vec::new();
    match (list, list_file) {
        (Some(m), Some(file)) => {
            let (reg, lst) = generate::registry_and_list(*count, *m, *overlap, *seed);
            write_people(stdout.lock(), &reg.records)?;
            let f = std::fs::File::create(file)
                .with_context(|| format!("{}: cannot create", file.display()))?;
            write_people(std::io::BufWriter::new(f), &lst.records)?;
            for s in [reg, lst] {
                truth_rows.extend(s.records.into_iter().map(|r| r.id).zip(s.truth));
            }
        }
        _ => {
            let s = generate::with_duplicates(*count, *seed);
            write_people(stdout.lock(), &s.records)?;
            truth_rows.extend(s.records.into_iter().map(|r| r.id).zip(s.truth));
        }
    }
    if let Some(path) = truth {
        let f = std::fs::File::create(path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
        w.write_record(["id", "cluster_id"])?;
        for (id, c) in &truth_rows {
            w.write_record([id, c])?;
        }
        w.flush()?;
    }
    Ok(0)
}

fn write_people(out: impl Write, records: &[Record]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(out));
    w.write_record(generate::COLUMNS)?;
    for r in records {
        w.write_record(generate::COLUMNS.iter().map(|c| r.column(c)))?;
    }
    w.flush()?;
    Ok(())
}

pub fn link(args: &LinkArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let left = read_people(&args.left, args.id.as_deref())?;
    let right = read_people(&args.right, args.id.as_deref())?;
    let rep = Reporter::new("link", left.len() + right.len());
    rep.say("records read", left.len() + right.len());
    let linkage =
        honbu_matching::link_with(&left, &right, &mut |p: Progress| rep.say(p.phase, p.count));
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    if args.review {
        writeln!(w, "left_id,right_id,probability,decision")?;
    } else {
        writeln!(w, "left_id,right_id,probability")?;
    }
    let mut csvw = csv::WriterBuilder::new().has_headers(false).from_writer(w);
    for p in &linkage.matches {
        let prob = format!("{:.6}", p.probability);
        if args.review {
            csvw.write_record([&left[p.a].id, &right[p.b].id, &prob, "match"])?;
        } else {
            csvw.write_record([&left[p.a].id, &right[p.b].id, &prob])?;
        }
    }
    if args.review {
        for p in &linkage.review {
            let prob = format!("{:.6}", p.probability);
            csvw.write_record([&left[p.a].id, &right[p.b].id, &prob, "review"])?;
        }
    }
    csvw.flush()?;
    rep.say("done in ms", started.elapsed().as_millis() as usize);
    Ok(0)
}

pub fn dedupe(args: &DedupeArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let records = read_people(&args.file, args.id.as_deref())?;
    let rep = Reporter::new("dedupe", records.len());
    rep.say("records read", records.len());
    let d = honbu_matching::dedupe_with(&records, &mut |p: Progress| rep.say(p.phase, p.count));
    let w = std::io::BufWriter::new(std::io::stdout().lock());
    let mut csvw = csv::Writer::from_writer(w);
    csvw.write_record(["id", "cluster_id"])?;
    for (r, c) in records.iter().zip(d.cluster.iter()) {
        csvw.write_record([&r.id, &records[*c].id])?;
    }
    csvw.flush()?;
    rep.say("done in ms", started.elapsed().as_millis() as usize);
    Ok(0)
}
