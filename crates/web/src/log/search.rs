//! A search of the log as the API and the log page take it: the typed
//! words and columns, checked field by field, into the store's [`Filter`].

use crate::error::ApiError;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::*;
use honbu_store::log::{words, Filter, MAX_SEARCH_CHARS, MAX_SEARCH_WORDS};

/// The search fields as typed (an empty field is no filter).
#[derive(Debug, Default, Clone, Copy)]
pub struct Typed<'a> {
    pub q: Option<&'a str>,
    pub hq: Option<&'a str>,
    pub category: Option<&'a str>,
    pub source: Option<&'a str>,
    pub reliability: Option<&'a str>,
    pub credibility: Option<&'a str>,
    pub author: Option<&'a str>,
}

/// The longest user name an author filter may name.
const MAX_AUTHOR: usize = 100;

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// The filter these fields ask for, with the occurred-time range already
/// read (the API takes RFC 3339, the page the viewer's local time); a field
/// that is wrong is named in a 422.
pub fn filter(
    t: &Typed,
    occurred_from: Option<Timestamp>,
    occurred_to: Option<Timestamp>,
) -> Result<Filter, ApiError> {
    let q = given(t.q).unwrap_or("");
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ApiError::invalid(
            "q",
            format!("is longer than {MAX_SEARCH_CHARS} characters"),
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(ApiError::invalid("q", "holds a control character"));
    }
    let words = words(q);
    if words.len() > MAX_SEARCH_WORDS {
        return Err(ApiError::invalid(
            "q",
            format!("holds more than {MAX_SEARCH_WORDS} words"),
        ));
    }
    let author = given(t.author)
        .map(|a| {
            if a.chars().count() > MAX_AUTHOR || a.chars().any(char::is_control) {
                Err(ApiError::invalid("author", "is not a user name"))
            } else {
                Ok(a.to_string())
            }
        })
        .transpose()?;
    if let (Some(f), Some(to)) = (occurred_from, occurred_to) {
        if f > to {
            return Err(ApiError::invalid("to", "is before the start of the range"));
        }
    }
    Ok(Filter {
        words,
        hq: given(t.hq)
            .map(|h| {
                h.parse()
                    .map_err(|_| ApiError::invalid("hq", "is not a headquarters of this incident"))
            })
            .transpose()?,
        category: given(t.category)
            .map(|v| Category::parse("category", v))
            .transpose()?,
        source: given(t.source)
            .map(|h| {
                h.parse()
                    .map_err(|_| ApiError::invalid("source", "is not a registered source"))
            })
            .transpose()?,
        reliability: given(t.reliability)
            .map(|v| Reliability::parse("reliability", v))
            .transpose()?,
        credibility: given(t.credibility)
            .map(|v| Credibility::parse("credibility", v))
            .transpose()
            .map_err(|_| {
                ApiError::invalid("credibility", "must be a credibility grade from 1 to 6")
            })?,
        author,
        occurred_from,
        occurred_to,
    })
}
