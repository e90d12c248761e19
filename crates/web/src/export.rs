//! Exports: what a reader may read of an incident, whole, as CSV or JSON
//! files to take away. Every time is given twice, in UTC and in the zone of
//! the HQ that recorded it; markings are respected by reading through the
//! same queries as every page (you export only what you may read).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use honbu_domain::time::{Timestamp, Zone};

/// A CSV document (RFC 4180: CRLF line ends, fields quoted when they hold a
/// comma, a quote or a line break).
#[derive(Debug, Default)]
pub struct Csv {
    out: String,
}

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut c = Csv::default();
        c.row(header.iter().copied());
        c
    }

    /// One row. A field that a spreadsheet would take as a formula (one
    /// starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
    /// written with a leading `'`, so that opening an export never runs
    /// what someone typed into the log.
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let guarded = f.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if guarded || f.contains([',', '"', '\n', '\r']) {
                self.out.push('"');
                if guarded {
                    self.out.push('\'');
                }
                self.out.push_str(&f.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(f);
            }
        }
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Entry numbers in one cell: "3 12 15".
pub fn numbers(n: &[i64]) -> String {
    n.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
}

/// A moment in UTC (`2026-12-03T04:05:06Z`).
pub fn utc(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The same moment in a zone, with its offset (`2026-12-02T23:05:06-05:00`).
pub fn local(t: &Timestamp, z: Zone) -> String {
    t.with_timezone(&z.0)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A file to download: its type, a name that says what it holds, `nosniff`.
pub fn download(body: String, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition(filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        body,
    )
        .into_response()
}

/// `Content-Disposition: attachment` with a file's name (RFC 6266): in
/// `filename`, the name with every character but ASCII letters, digits,
/// `-`, `_` and `.` turned into `-`; and when that is not the name itself,
/// the name in `filename*`, UTF-8 percent-encoded (公電.pdf stays 公電.pdf).
pub fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if ascii == filename {
        return format!("attachment; filename=\"{ascii}\"");
    }
    // RFC 8187's attr-char, the rest percent-encoded.
    const ATTR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(filename, ATTR)
    )
}

/// A JSON document to download.
pub fn json_download(
    doc: &impl serde::Serialize,
    filename: &str,
) -> Result<Response, crate::error::ApiError> {
    let body = serde_json::to_string_pretty(doc).map_err(|e| {
        crate::error::ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("cannot write the export: {e}"),
        )
    })?;
    Ok(download(body, "application/json", filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut c = Csv::new(&["a", "b"]);
        c.row(["plain", "with, comma"]);
        c.row(["say \"hi\"", "two\nlines"]);
        c.row(["=HYPERLINK(\"x\")", "-5 hostages"]);
        c.row(["人質", ""]);
        assert_eq!(
            c.finish(),
            "a,b\r\nplain,\"with, comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"'=HYPERLINK(\"\"x\"\")\",\"'-5 hostages\"\r\n人質,\r\n"
        );
    }

    #[test]
    fn a_name_in_any_script_is_kept_in_filename_star() {
        assert_eq!(
            disposition("honbu-log.csv"),
            "attachment; filename=\"honbu-log.csv\""
        );
        assert_eq!(
            disposition("公電 第1号.pdf"),
            "attachment; filename=\"----1-.pdf\"; filename*=UTF-8''%E5%85%AC%E9%9B%BB%20%E7%AC%AC1%E5%8F%B7.pdf"
        );
        assert_eq!(
            disposition("say \"hi\";.txt"),
            "attachment; filename=\"say--hi--.txt\"; filename*=UTF-8''say%20%22hi%22%3B.txt"
        );
    }

    #[test]
    fn times_in_utc_and_in_the_zone() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-03T04:05:06Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(utc(&t), "2026-12-03T04:05:06Z");
        let lima = Zone::parse("z", "America/Lima").unwrap();
        assert_eq!(local(&t, lima), "2026-12-02T23:05:06-05:00");
    }
}
