//! Attachments: a file (a cable, a photo, a scanned list) attached to a log
//! entry. The rules for what a request gives with one, used by the JSON API
//! and the page alike.

use crate::FieldError;

/// The largest file a server takes by default (its operator may set another).
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// The longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// What a content type is when none is given or it does not parse.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// A file to attach, as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAttachment {
    /// The file's name, as the sender named it.
    pub name: String,
    /// The type the sender gave, if any.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// A file name: 1 to 255 characters once trimmed, no control characters,
/// no `/` or `\` (a name, not a path), not `.` or `..`. Any script is kept
/// as given.
pub fn name(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if n > MAX_NAME_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    if v.contains(['/', '\\']) {
        return Err(FieldError::new(
            field,
            "must be a file name, without / or \\",
        ));
    }
    if v == "." || v == ".." {
        return Err(FieldError::new(field, "must be a file name"));
    }
    Ok(v.to_string())
}

/// The type of a file as `type/subtype` in lowercase, its parameters
/// dropped; `application/octet-stream` for one absent or not of that form
/// (RFC 9110 tokens, at most 127 characters each side).
pub fn content_type(value: Option<&str>) -> String {
    let essence = value
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 127
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    match essence.split_once('/') {
        Some((t, s)) if token(t) && token(s) => essence,
        _ => OCTET_STREAM.to_string(),
    }
}

/// The file itself: not empty.
pub fn data(field: &str, data: &[u8]) -> Result<(), FieldError> {
    if data.is_empty() {
        return Err(FieldError::new(field, "is empty: send the file's bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_names_in_any_script() {
        assert_eq!(
            name("name", "  公電 第12号.pdf ").unwrap(),
            "公電 第12号.pdf"
        );
        assert_eq!(name("name", &"a".repeat(255)).unwrap().len(), 255);
        for bad in [
            "",
            "   ",
            "../etc/passwd",
            "a\\b",
            "a/b",
            "tab\there",
            "nul\0",
            ".",
            "..",
        ] {
            let e = name("name", bad).unwrap_err();
            assert_eq!(e.field, "name", "{bad:?}");
        }
        assert!(name("name", &"字".repeat(256)).is_err());
    }

    #[test]
    fn content_types_are_type_slash_subtype_or_octet_stream() {
        assert_eq!(content_type(Some("image/PNG")), "image/png");
        assert_eq!(
            content_type(Some("text/plain; charset=Shift_JIS")),
            "text/plain"
        );
        assert_eq!(
            content_type(Some("application/vnd.ms-excel")),
            "application/vnd.ms-excel"
        );
        for bad in [
            None,
            Some(""),
            Some("text"),
            Some("text/"),
            Some("/plain"),
            Some("text/pl ain"),
            Some("text/plain/x"),
            Some("тип/подтип"),
        ] {
            assert_eq!(content_type(bad), OCTET_STREAM, "{bad:?}");
        }
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert_eq!(data("file", b"").unwrap_err().field, "file");
        assert!(data("file", b"\0").is_ok());
    }
}
