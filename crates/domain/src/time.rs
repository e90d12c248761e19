//! Times. honbu stores every instant in UTC and shows it in three zones: the
//! viewer's headquarters, the incident's local zone, and UTC. A time without
//! an explicit offset is refused: at 3 a.m. nobody should have to guess
//! which "09:40" a cable meant.

use crate::FieldError;
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub type Timestamp = DateTime<Utc>;

/// Parses an RFC 3339 time that carries its offset (`Z` or `+09:00`).
pub fn parse_time(field: &str, s: &str) -> Result<Timestamp, FieldError> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            if looks_like_local_time(s) {
                FieldError::new(
                    field,
                    "must carry a time zone offset, e.g. 1996-12-18T09:40:00+09:00 or ...Z",
                )
            } else {
                FieldError::new(
                    field,
                    "must be an RFC 3339 time with offset, e.g. 1996-12-18T09:40:00+09:00",
                )
            }
        })
}

fn looks_like_local_time(s: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

/// The storage form: fixed width, UTC, microseconds, so that text order is time order.
pub fn to_db(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_db(s: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Truncates to microseconds, the precision the store keeps, so that a value
/// read back equals the value written.
pub fn trunc(t: Timestamp) -> Timestamp {
    from_db(&to_db(&t)).unwrap_or(t)
}

/// An IANA time zone (`Asia/Tokyo`, `America/Lima`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "Asia/Tokyo"))]
pub struct Zone(pub chrono_tz::Tz);

impl Zone {
    pub const UTC: Zone = Zone(chrono_tz::UTC);

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        s.trim()
            .parse::<chrono_tz::Tz>()
            .map(Zone)
            .map_err(|_| FieldError::new(field, "is not an IANA time zone name such as Asia/Tokyo"))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// `1996-12-18 09:40 JST`, `1996-12-17 19:40 Lima`
    pub fn format(&self, t: &Timestamp) -> String {
        format!(
            "{} {}",
            self.0
                .from_utc_datetime(&t.naive_utc())
                .format("%Y-%m-%d %H:%M"),
            self.abbrev(t)
        )
    }

    /// `1996-12-18 09:40`, for dense lists (the year always: an incident
    /// may run from December to June, and its record is read for years).
    pub fn format_short(&self, t: &Timestamp) -> String {
        self.0
            .from_utc_datetime(&t.naive_utc())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The zone's name in force at `t`: its abbreviation where the zone
    /// database has one (JST, CET, UTC), else its city (`Lima`, not `-05`).
    pub fn abbrev(&self, t: &Timestamp) -> String {
        let a = self
            .0
            .from_utc_datetime(&t.naive_utc())
            .format("%Z")
            .to_string();
        if a.chars().any(|c| c.is_ascii_alphabetic()) {
            return a;
        }
        self.city().unwrap_or(a)
    }

    /// `Lima` of `America/Lima`, `Ho Chi Minh` of `Asia/Ho_Chi_Minh`.
    pub fn city(&self) -> Option<String> {
        self.0
            .name()
            .rsplit('/')
            .next()
            .filter(|c| !c.is_empty() && self.0.name().contains('/'))
            .map(|c| c.replace('_', " "))
    }

    /// For `<input type="datetime-local">` values in this zone.
    pub fn format_input(&self, t: &Timestamp) -> String {
        self.0
            .from_utc_datetime(&t.naive_utc())
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }

    /// Reads a wall-clock time in this zone (form input without offset).
    pub fn parse_local(&self, field: &str, s: &str) -> Result<Timestamp, FieldError> {
        let s = s.trim();
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| {
                FieldError::new(field, "must be a date and time such as 1996-12-18T09:40")
            })?;
        self.0
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| FieldError::new(field, format!("does not exist in {}", self.name())))
    }
}

impl TryFrom<String> for Zone {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Zone::parse("time_zone", &s)
    }
}

impl From<Zone> for String {
    fn from(z: Zone) -> String {
        z.name().to_string()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_without_offset_is_refused_naming_the_field() {
        let e = parse_time("occurred_at", "1996-12-18T09:40:00").unwrap_err();
        assert_eq!(e.field, "occurred_at");
        assert!(e.message.contains("offset"));
        assert!(parse_time("x", "1996-12-18T09:40:00+09:00").is_ok());
    }

    #[test]
    fn storage_form_sorts_like_time() {
        let a = parse_time("a", "1996-12-18T09:40:00+09:00").unwrap();
        let b = parse_time("b", "1996-12-18T00:41:00Z").unwrap();
        assert!(to_db(&a) < to_db(&b));
        assert_eq!(from_db(&to_db(&a)), Some(a));
    }

    #[test]
    fn zones_format_with_abbreviation() {
        let t = parse_time("t", "1996-12-18T00:40:00Z").unwrap();
        let tokyo = Zone::parse("z", "Asia/Tokyo").unwrap();
        assert_eq!(tokyo.format(&t), "1996-12-18 09:40 JST");
        let lima = Zone::parse("z", "America/Lima").unwrap();
        // Seen: "-05", which names no place; the zone has no abbreviation.
        assert_eq!(lima.format(&t), "1996-12-17 19:40 Lima");
        assert_eq!(lima.format_short(&t), "1996-12-17 19:40", "with its year");
        let hcm = Zone::parse("z", "Asia/Ho_Chi_Minh").unwrap();
        assert_eq!(hcm.abbrev(&t), "Ho Chi Minh");
        assert_eq!(Zone::UTC.abbrev(&t), "UTC");
        assert!(Zone::parse("z", "Mars/Olympus").is_err());
    }
}
