//! What the events of people of concern do to their tables.

use super::PERSONS;
use crate::project::{misrouted, Cols};
use crate::sql::{json, t, Conn, Value};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::people::Outcome;
use honbu_domain::vocab::PersonStatus;
use std::collections::HashMap;

/// The people projection; remembers each incident's last person number, so
/// that a list of ten thousand costs one lookup.
#[derive(Debug, Default)]
pub(crate) struct Projection {
    last_number: HashMap<String, i64>,
}

impl Projection {
    fn next_number(&mut self, c: &mut dyn Conn, incident: &str) -> Result<i64, StoreError> {
        let last = match self.last_number.get(incident) {
            Some(n) => *n,
            None => c
                .query_one(
                    "SELECT COALESCE(MAX(number), 0) FROM persons WHERE incident_id = $1",
                    &[incident.into()],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0),
        };
        self.last_number.insert(incident.to_string(), last + 1);
        Ok(last + 1)
    }

    pub(crate) fn apply(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        let e = &ev.event;
        let (seq, at, actor, incident) = Cols::split(ev);
        let key = |p: &honbu_domain::ids::PersonId| [t(p)];
        match &e.body {
            Body::PersonRecorded {
                person,
                hq,
                role,
                nationalities,
                employer,
                details,
            } => {
                let inc = e.incident.map(|i| i.to_string()).unwrap_or_default();
                let number = self.next_number(c, &inc)?;
                c.exec(
                    "INSERT INTO persons (id, incident_id, number, hq_id, role, nationalities, employer, details, status, status_report, status_reported_at, status_since, review, recorded_at, recorded_by, erased_at, updated_at, from_seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, $10, NULL, $10, $11, NULL, $10, $12)",
                    &[t(person), incident, Value::Int(number), t(hq), t(role), json(nationalities)?, employer.as_deref().map(Value::from).unwrap_or(Value::Null), details.as_str().into(), t(PersonStatus::Unknown), at, actor, seq],
                )?;
            }
            Body::PersonAmended {
                person,
                role,
                nationalities,
                employer,
                details,
            } => {
                let mut set: Vec<(&str, Value)> = vec![("updated_at", at)];
                if let Some(r) = role {
                    set.push(("role", t(r)));
                }
                if let Some(n) = nationalities {
                    set.push(("nationalities", json(n)?));
                }
                if let Some(x) = employer {
                    set.push((
                        "employer",
                        if x.is_empty() {
                            Value::Null
                        } else {
                            x.as_str().into()
                        },
                    ));
                }
                if let Some(d) = details {
                    set.push(("details", d.as_str().into()));
                }
                versions::update(c, &PERSONS, ev.seq, &key(person), &set)?;
            }
            Body::PersonStatusReported {
                report,
                person,
                hq,
                status,
                reported_at,
                source,
                source_name,
                source_kind,
                reliability,
                credibility,
                note,
                outcome,
            } => {
                let (code, reason) = match outcome {
                    Outcome::Holds => ("holds", None),
                    Outcome::Noted { reason } => ("noted", Some(reason.as_str())),
                    Outcome::Review { reason } => ("review", Some(reason.as_str())),
                };
                c.exec(
                    "INSERT INTO person_reports (id, person_id, incident_id, hq_id, status, reported_at, source_id, source_name, source_kind, reliability, credibility, note, outcome, reason, recorded_at, recorded_by, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                    &[t(report), t(person), incident, t(hq), t(status), reported_at.into(), Value::from(source.map(t)), source_name.as_str().into(), Value::from(source_kind.map(t)), t(reliability), t(credibility), Value::from(note.clone()), code.into(), Value::from(reason.map(str::to_string)), at.clone(), actor, seq],
                )?;
                match outcome {
                    Outcome::Holds => {
                        status_holds(
                            c,
                            ev.seq,
                            person,
                            *status,
                            report,
                            reported_at.into(),
                            at,
                            false,
                        )?;
                    }
                    Outcome::Review { reason } => {
                        versions::update(
                            c,
                            &PERSONS,
                            ev.seq,
                            &key(person),
                            &[("review", reason.as_str().into()), ("updated_at", at)],
                        )?;
                    }
                    Outcome::Noted { .. } => {}
                }
            }
            Body::PersonStatusSettled {
                person,
                report,
                reason,
            } => {
                let r = c
                    .query_one(
                        "SELECT status, reported_at FROM person_reports WHERE id = $1 AND person_id = $2",
                        &[t(report), t(person)],
                    )?
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "journal entry {}: settles on a report that is not the person's",
                            ev.seq
                        ))
                    })?;
                let status = r.vocab(0, PersonStatus::parse)?;
                let reported_at = Value::Text(r.text(1)?);
                status_holds(
                    c,
                    ev.seq,
                    person,
                    status,
                    report,
                    reported_at,
                    at.clone(),
                    true,
                )?;
                c.exec(
                    "INSERT INTO person_settlements (person_id, report_id, reason, at, actor, seq) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[t(person), t(report), reason.as_str().into(), at, actor, seq],
                )?;
            }
            Body::ListImported {
                list,
                source,
                source_name,
                format,
                sha256,
                rows,
                refused,
            } => {
                c.exec(
                    "INSERT INTO lists (id, incident_id, source_id, source_name, format, sha256, rows, refused, imported_at, imported_by, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    &[t(list), incident, t(source), source_name.as_str().into(), format.as_str().into(), sha256.as_str().into(), Value::Int(i64::from(*rows)), Value::Int(i64::from(*refused)), at, actor, seq],
                )?;
            }
            Body::ListRecordMatched {
                list,
                record,
                line,
                outcome,
                person,
                probability,
                candidates,
                data,
                role,
                nationalities,
                employer,
            } => {
                c.exec(
                    "INSERT INTO list_records (id, list_id, incident_id, line, outcome, person_id, probability, candidates, data, role, nationalities, employer, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    &[t(record), t(list), incident, Value::Int(i64::from(*line)), t(outcome), Value::from(person.map(t)), probability.map(Value::Real).unwrap_or(Value::Null), json(candidates)?, data.as_str().into(), Value::from(role.map(t)), json(nationalities)?, employer.as_deref().map(Value::from).unwrap_or(Value::Null), seq],
                )?;
            }
            Body::PersonalDataErased { person, .. } => {
                versions::update(
                    c,
                    &PERSONS,
                    ev.seq,
                    &key(person),
                    &[("erased_at", at.clone()), ("updated_at", at)],
                )?;
            }
            _ => return Err(misrouted(ev)),
        }
        Ok(())
    }
}

/// The report's status is now the person's (since `at`, if it changed);
/// `settled`: and the person's review is over.
#[allow(clippy::too_many_arguments)]
fn status_holds(
    c: &mut dyn Conn,
    seq: i64,
    person: &honbu_domain::ids::PersonId,
    status: PersonStatus,
    report: &honbu_domain::ids::PersonReportId,
    reported_at: Value,
    at: Value,
    settled: bool,
) -> Result<(), StoreError> {
    let was = c
        .query_one("SELECT status FROM persons WHERE id = $1", &[t(person)])?
        .map(|r| r.text(0))
        .transpose()?;
    let mut set: Vec<(&str, Value)> = vec![
        ("status", t(status)),
        ("status_report", t(report)),
        ("status_reported_at", reported_at),
        ("updated_at", at.clone()),
    ];
    if was.as_deref() != Some(status.as_str()) {
        set.push(("status_since", at));
    }
    if settled {
        set.push(("review", Value::Null));
    }
    versions::update(c, &PERSONS, seq, &[t(person)], &set)?;
    Ok(())
}
