//! The machinery of typed code lists: `code_enum!` declares a closed list with stable
//! snake_case codes and Japanese labels, and [`UnknownCode`] is the error for a code that is not
//! on the list.
//!
//! Codes are what the API, the CLI, CSV files and the database use; they never change once
//! published. Labels are what people read. Every list is closed: an unknown code is an error,
//! never silently ignored. The lists themselves live with their capability (the directory's in
//! `directory::codes`, the law's beside their rules).

/// An unknown code for one of the code lists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {list} code {code:?}")]
pub struct UnknownCode {
    /// Which list was asked.
    pub list: &'static str,
    /// What was given.
    pub code: String,
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $list:literal { $($(#[$vdoc:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable snake_case code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The Japanese label shown to people.
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = $crate::common::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, $crate::common::codes::UnknownCode> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::common::codes::UnknownCode { list: $list, code: other.to_owned() }),
                }
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;
