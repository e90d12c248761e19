//! The file of a `multipart/form-data` body (RFC 7578), as `curl -F
//! file=@cable.pdf` and an HTML form send it: the first part that names a
//! file. The body is whole in memory already (read up to the upload limit),
//! so this only finds the part's bounds; a body that is not a well-formed
//! form is refused naming what is wrong, never guessed at.

use crate::error::ApiError;
use memchr::memmem;

/// The file a form carried: its name, its type as the form said, its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    pub name: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Whether a request's type is a multipart form.
pub fn is_form(content_type: &str) -> bool {
    content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
}

fn refuse(message: &str) -> ApiError {
    ApiError::invalid("file", message)
}

/// The boundary a `multipart/form-data` type names (1 to 70 characters,
/// quoted or not).
pub fn boundary(content_type: &str) -> Result<String, ApiError> {
    let missing = || refuse("the multipart form names no boundary in its Content-Type");
    let at = content_type
        .to_ascii_lowercase()
        .find("boundary=")
        .ok_or_else(missing)?;
    let rest = &content_type[at + "boundary=".len()..];
    let b = match rest.strip_prefix('"') {
        Some(q) => q.split('"').next().unwrap_or_default(),
        None => rest.split(';').next().unwrap_or_default().trim(),
    };
    if b.is_empty() || b.len() > 70 || !b.is_ascii() {
        return Err(missing());
    }
    Ok(b.to_string())
}

/// The first part of `body` that names a file.
pub fn file_part(body: &[u8], boundary: &str) -> Result<FilePart, ApiError> {
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    // The first delimiter: at the start, or after a preamble and a line break.
    let mut at = if body.starts_with(delim.as_bytes()) {
        0
    } else {
        memmem::find(body, next_delim.as_bytes())
            .map(|i| i + 2)
            .ok_or_else(|| {
                refuse("the multipart form holds no part (its boundary is not in the body)")
            })?
    };
    loop {
        let after = at + delim.len();
        let rest = body.get(after..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Err(refuse(
                "the multipart form holds no file: send it in a part with a filename (curl -F file=@PATH)",
            ));
        }
        // The rest of the delimiter's line (transport padding), then the
        // part's headers up to an empty line.
        let line_end = memmem::find(rest, b"\r\n")
            .ok_or_else(|| refuse("the multipart form ends inside a delimiter"))?;
        let headers_start = after + line_end + 2;
        let head = body.get(headers_start..).unwrap_or_default();
        let (headers_len, blank) = if head.starts_with(b"\r\n") {
            (0, 2)
        } else {
            let end = memmem::find(head, b"\r\n\r\n")
                .ok_or_else(|| refuse("a part of the multipart form has no end to its headers"))?;
            (end, 4)
        };
        let content_start = headers_start + headers_len + blank;
        let content = body.get(content_start..).unwrap_or_default();
        let len = memmem::find(content, next_delim.as_bytes())
            .ok_or_else(|| refuse("the multipart form ends inside a part (no closing boundary)"))?;
        let mut name = None;
        let mut content_type = None;
        for line in head[..headers_len].split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                continue;
            };
            let key = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = &line[colon + 1..];
            match key.as_str() {
                "content-disposition" => name = super::disposition_name(value),
                "content-type" => {
                    content_type = std::str::from_utf8(value)
                        .ok()
                        .map(|v| v.trim().to_string())
                }
                _ => {}
            }
        }
        if let Some(name) = name {
            return Ok(FilePart {
                name,
                content_type: content_type.filter(|t| !t.is_empty()),
                data: content[..len].to_vec(),
            });
        }
        at = content_start + len + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = b"preamble, ignored\r\n".to_vec();
        for (headers, data) in parts {
            b.extend_from_slice(b"--XyZ\r\n");
            b.extend_from_slice(headers.as_bytes());
            b.extend_from_slice(b"\r\n\r\n");
            b.extend_from_slice(data);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        b
    }

    #[test]
    fn the_boundary_comes_quoted_or_not() {
        assert_eq!(
            boundary("multipart/form-data; boundary=XyZ").unwrap(),
            "XyZ"
        );
        assert_eq!(
            boundary("multipart/form-data; Boundary=\"a b\"; charset=utf-8").unwrap(),
            "a b"
        );
        assert!(boundary("multipart/form-data").is_err());
        assert!(boundary(&format!("multipart/form-data; boundary={}", "x".repeat(71))).is_err());
        assert!(is_form(" Multipart/Form-Data; boundary=x"));
        assert!(!is_form("application/pdf"));
    }

    #[test]
    fn the_first_part_naming_a_file_is_the_file_byte_for_byte() {
        let bytes: Vec<u8> = (0..=255u8).chain(b"\r\n--XY".iter().copied()).collect();
        let body = form(&[
            ("Content-Disposition: form-data; name=\"note\"", b"not the file"),
            (
                "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E5%85%AC%E9%9B%BB.pdf\r\nContent-Type: application/pdf",
                &bytes,
            ),
            ("Content-Disposition: form-data; name=\"other\"; filename=\"b.txt\"", b"second"),
        ]);
        let p = file_part(&body, "XyZ").unwrap();
        assert_eq!(p.name, "公電.pdf");
        assert_eq!(p.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(
            p.data, bytes,
            "byte for byte, a boundary-like run inside kept"
        );
        let empty = form(&[(
            "Content-Disposition: form-data; name=\"file\"; filename=\"e\"",
            b"",
        )]);
        assert_eq!(file_part(&empty, "XyZ").unwrap().data, b"");
    }

    #[test]
    fn a_form_that_is_not_whole_is_refused_naming_why() {
        let no_file = form(&[("Content-Disposition: form-data; name=\"note\"", b"text")]);
        let said = |b: &[u8]| file_part(b, "XyZ").unwrap_err().message;
        assert!(said(&no_file).contains("holds no file"));
        assert!(said(b"no boundary here").contains("holds no part"));
        assert!(said(
            b"--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nnever closed"
        )
        .contains("ends inside a part"));
        assert!(
            said(b"--XyZ\r\nContent-Disposition: form-data; filename=\"a\"")
                .contains("no end to its headers")
        );
        assert!(said(b"--XyZ").contains("ends inside a delimiter"));
    }

    #[test]
    fn no_body_of_the_form_s_own_letters_makes_it_panic() {
        // Bodies drawn from the letters the parser looks for: every way of
        // cutting a delimiter, a header or a part short is tried.
        const LETTERS: &[u8] = b"-XyZ\r\n:;\"=afilenm*'%";
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (seed >> 40) as usize % 120;
            let body: Vec<u8> = (0..len)
                .map(|i| {
                    let x = seed.rotate_left(i as u32 * 7) ^ (i as u64).wrapping_mul(0x9E37);
                    LETTERS[(x % LETTERS.len() as u64) as usize]
                })
                .collect();
            let _ = file_part(&body, "XyZ");
            let _ = boundary(&String::from_utf8_lossy(&body));
        }
    }
}
