//! Typed identifiers, so that ids of different kinds cannot be swapped.
//!
//! Directory ids are stable slugs (`ncnp-hospital`, `mhwc-05`) rather than database keys, so that
//! an export and a re-import keep every link, and so that URLs stay readable.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a slug was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid id {0:?}: use 1-80 characters from a-z, 0-9 and '-'")]
pub struct InvalidId(pub String);

fn check_slug(s: &str) -> Result<(), InvalidId> {
    let ok = !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(InvalidId(s.to_owned()))
    }
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a slug (`a-z`, `0-9`, `-`, at most 80 characters).
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidId> {
                let s = s.into();
                check_slug(&s)?;
                Ok(Self(s))
            }
        }
        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// The organization id.
    OrganizationId
);
slug_id!(
    /// The service id (one listing in the directory).
    ServiceId
);
slug_id!(
    /// The location id.
    LocationId
);

/// The id of a "problem with this listing" report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportId(pub i64);

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

row_id!(
    /// The id of a staff account.
    StaffId
);
row_id!(
    /// The id of a person whose records are held (a 相談者 or patient).
    SubjectId
);
row_id!(
    /// The id of one consent.
    ConsentId
);
row_id!(
    /// The id of one personal record (a consultation, a diary, a pathway, a case).
    RecordId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_with_uppercase_spaces_or_japanese_are_rejected() {
        for bad in ["", "A", "a b", "ダルク", "a_b", &"x".repeat(81)] {
            assert!(ServiceId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(ServiceId::parse("tokyo-darc-1").is_ok());
    }
}
