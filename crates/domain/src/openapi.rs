//! Schemas for the OpenAPI document of request fields that are plain
//! strings in Rust but take a closed set of values: an API client (or a
//! fuzzer generating requests from the document) sees the values accepted.

use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

fn string_enum(
    values: impl IntoIterator<Item = &'static str>,
    description: &str,
    example: &str,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .examples([serde_json::Value::String(example.into())])
        .into()
}

/// An IANA time zone name, as chrono-tz knows them.
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()),
            "An IANA time zone name.",
            "America/Lima",
        )
    }
}

impl utoipa::ToSchema for TimeZoneName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TimeZone")
    }
}

/// An ISO 3166-1 alpha-2 country code (lower case is accepted too).
pub struct CountryCode;

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> RefOr<Schema> {
        string_enum(
            honbu_maps::countries().iter().map(|c| c.alpha2),
            "An ISO 3166-1 alpha-2 country code.",
            "PE",
        )
    }
}

impl utoipa::ToSchema for CountryCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CountryCode")
    }
}

/// A username: 2 to 64 characters of a-z, 0-9, '.', '_' and '-', starting
/// with a letter or digit.
pub struct Username;

impl utoipa::PartialSchema for Username {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"))
            .description(Some(
                "A username: 2 to 64 characters of a-z, 0-9, '.', '_' and '-'.",
            ))
            .examples([serde_json::Value::String("lima.duty".into())])
            .into()
    }
}

impl utoipa::ToSchema for Username {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Username")
    }
}
