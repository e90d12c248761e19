//! Identifiers. Every entity gets a random UUID chosen by the domain when the
//! event that creates it is made, so replaying the journal yields the same ids.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Time-ordered (UUIDv7): new rows land at the end of every index on ids.
            pub fn new() -> Self { Self(Uuid::now_v7()) }
            pub fn parse(field: &str, s: &str) -> Result<Self, crate::FieldError> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| crate::FieldError::new(field, "is not a valid id"))
            }
        }
        impl Default for $name { fn default() -> Self { Self::new() } }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }
        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Uuid::parse_str(s).map(Self) }
        }
    )*};
}

id_type!(
    UserId,
    IncidentId,
    HqId,
    SourceId,
    EntryId,
    DecisionId,
    TaskId,
    ReportId,
    HandoverId,
    SitrepId,
    TokenId,
    AttachmentId,
    PersonId,
    PersonReportId,
    ListId,
    ListRecordId
);
