//! Filters as people type them (CLI flags, query parameters), parsed once for every surface.

use super::request::SearchRequest;
use tsunagu_domain::{Audience, Concern, Prefecture, ResourceKind, ServiceKind};

/// Filter values before parsing. Empty or blank values mean "no filter".
#[derive(Debug, Clone, Copy, Default)]
pub struct RawFilters<'a> {
    /// Prefecture name or JIS code.
    pub prefecture: Option<&'a str>,
    /// Region to rank first (defaults to the prefecture filter).
    pub region: Option<&'a str>,
    /// Concern code.
    pub concern: Option<&'a str>,
    /// Audience code.
    pub audience: Option<&'a str>,
    /// Service-kind code.
    pub service_kind: Option<&'a str>,
    /// Resource-kind code.
    pub kind: Option<&'a str>,
}

/// Which filter a bad value was given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    /// `prefecture`.
    Prefecture,
    /// `region`.
    Region,
    /// `concern`.
    Concern,
    /// `audience`.
    Audience,
    /// `service_kind`.
    ServiceKind,
    /// `kind`.
    Kind,
}

impl FilterField {
    /// The parameter name.
    pub fn name(self) -> &'static str {
        match self {
            FilterField::Prefecture => "prefecture",
            FilterField::Region => "region",
            FilterField::Concern => "concern",
            FilterField::Audience => "audience",
            FilterField::ServiceKind => "service kind",
            FilterField::Kind => "kind",
        }
    }

    /// The Japanese label of the filter.
    pub fn label_ja(self) -> &'static str {
        match self {
            FilterField::Prefecture => "都道府県",
            FilterField::Region => "地域",
            FilterField::Concern => "困りごと",
            FilterField::Audience => "対象",
            FilterField::ServiceKind => "支援の種類",
            FilterField::Kind => "機関の種類",
        }
    }

    /// What values are accepted, for error messages.
    pub fn accepted(self) -> String {
        fn join<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
            all.iter().map(|v| code(*v)).collect::<Vec<_>>().join(", ")
        }
        match self {
            FilterField::Prefecture | FilterField::Region => {
                "a prefecture name (東京都) or JIS X 0401 code (01-47)".into()
            }
            FilterField::Concern => join(Concern::ALL, Concern::code),
            FilterField::Audience => join(Audience::ALL, Audience::code),
            FilterField::ServiceKind => join(ServiceKind::ALL, ServiceKind::code),
            FilterField::Kind => join(ResourceKind::ALL, ResourceKind::code),
        }
    }
}

/// A filter value that is not a known code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {} {value:?}; use {}", field.name(), field.accepted())]
pub struct BadFilter {
    /// Which filter.
    pub field: FilterField,
    /// What was given.
    pub value: String,
}

fn parse<T>(
    v: Option<&str>,
    field: FilterField,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, BadFilter> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => f(s).map(Some).ok_or_else(|| BadFilter {
            field,
            value: s.to_owned(),
        }),
    }
}

impl RawFilters<'_> {
    /// Parses every filter into `req`; the region defaults to the prefecture filter.
    pub fn apply(&self, req: &mut SearchRequest) -> Result<(), BadFilter> {
        req.prefecture = parse(self.prefecture, FilterField::Prefecture, |s| {
            Prefecture::parse(s).ok()
        })?;
        req.region = parse(self.region, FilterField::Region, |s| {
            Prefecture::parse(s).ok()
        })?
        .or(req.prefecture);
        req.concern = parse(self.concern, FilterField::Concern, |s| s.parse().ok())?;
        req.audience = parse(self.audience, FilterField::Audience, |s| s.parse().ok())?;
        req.service_kind = parse(self.service_kind, FilterField::ServiceKind, |s| {
            s.parse().ok()
        })?;
        req.kind = parse(self.kind, FilterField::Kind, |s| s.parse().ok())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_mean_no_filter_and_the_region_follows_the_prefecture() {
        let mut req = SearchRequest::default();
        let raw = RawFilters {
            prefecture: Some("東京都"),
            concern: Some(" "),
            ..Default::default()
        };
        assert_eq!(raw.apply(&mut req), Ok(()));
        assert_eq!(req.region.map(|p| p.code()), Some("13".to_owned()));
        assert_eq!(req.concern, None);
    }

    #[test]
    fn unknown_codes_name_the_field_and_the_accepted_values() {
        let mut req = SearchRequest::default();
        let err = RawFilters {
            concern: Some("heroin"),
            ..Default::default()
        }
        .apply(&mut req)
        .err();
        let err = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            err.contains("unknown concern \"heroin\"") && err.contains("alcohol"),
            "{err}"
        );
    }
}
