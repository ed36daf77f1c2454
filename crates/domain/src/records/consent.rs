//! Consent and retention for personal records.
//!
//! # Brief overview
//! Under the APPI, collecting 要配慮個人情報 needs the person's consent (第20条第2項). A record
//! is therefore stored only under a [`NewConsent`] that names its purpose, the kinds of record it
//! covers ([`ConsentScope`]), who gave it and when. Withdrawing a consent stops every use of the
//! records under it and makes them due for deletion at once; `tsunagu purge` deletes what is
//! due. Each kind of record also has a retention period ([`RetentionPolicy`]); past it, the
//! record is due for deletion even while consent stands.

use crate::common::codes::code_enum;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

code_enum!(
    /// A kind of personal record.
    RecordKind, "record kind" {
        /// 相談記録: a consultation and its referral plan.
        Consultation => ("consultation", "相談記録"),
        /// 飲酒日記: a drinking diary.
        DrinkingDiary => ("drinking_diary", "飲酒日記"),
        /// 飲酒量低減治療の経過: the reduction-treatment pathway.
        AlcoholPathway => ("alcohol_pathway", "飲酒量低減治療の経過"),
        /// 事例記録: a case record (for example 医療観察法 outpatient case management).
        Case => ("case", "事例記録"),
    }
);

code_enum!(
    /// Who gave a consent.
    ConsentGiver, "consent giver" {
        /// 本人.
        Subject => ("subject", "本人"),
        /// 家族.
        Family => ("family", "家族"),
        /// 法定代理人 (a parent of a minor, a guardian).
        LegalRepresentative => ("legal_representative", "法定代理人"),
    }
);

/// Why consent input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsentError {
    /// The purpose is empty or too long.
    #[error("purpose must be 1-500 characters")]
    BadPurpose,
    /// No record kind was chosen.
    #[error("choose at least one kind of record the consent covers")]
    EmptyScope,
    /// A family member or representative must be named.
    #[error("name the family member or representative who gave consent (1-100 characters)")]
    GiverNameMissing,
    /// The consent is dated in the future.
    #[error("consent cannot be dated in the future")]
    FutureDate,
}

/// The kinds of record a consent covers (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RecordKind>", into = "Vec<RecordKind>")]
pub struct ConsentScope(BTreeSet<RecordKind>);

impl ConsentScope {
    /// Builds a scope; empty is refused.
    pub fn new(kinds: impl IntoIterator<Item = RecordKind>) -> Result<ConsentScope, ConsentError> {
        let set: BTreeSet<_> = kinds.into_iter().collect();
        if set.is_empty() {
            Err(ConsentError::EmptyScope)
        } else {
            Ok(ConsentScope(set))
        }
    }
    /// Whether records of `kind` are covered.
    pub fn covers(&self, kind: RecordKind) -> bool {
        self.0.contains(&kind)
    }
    /// The kinds, in code order.
    pub fn kinds(&self) -> impl Iterator<Item = RecordKind> + '_ {
        self.0.iter().copied()
    }
    /// Stored form: codes joined by commas.
    pub fn to_codes(&self) -> String {
        self.kinds()
            .map(RecordKind::code)
            .collect::<Vec<_>>()
            .join(",")
    }
    /// Parses the stored form.
    pub fn from_codes(s: &str) -> Result<ConsentScope, ConsentError> {
        let kinds: Result<Vec<RecordKind>, _> = s
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::parse)
            .collect();
        ConsentScope::new(kinds.map_err(|_| ConsentError::EmptyScope)?)
    }
}
impl TryFrom<Vec<RecordKind>> for ConsentScope {
    type Error = ConsentError;
    fn try_from(v: Vec<RecordKind>) -> Result<Self, ConsentError> {
        ConsentScope::new(v)
    }
}
impl From<ConsentScope> for Vec<RecordKind> {
    fn from(s: ConsentScope) -> Vec<RecordKind> {
        s.0.into_iter().collect()
    }
}

/// A consent to record, already checked by [`NewConsent::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    purpose: String,
    scope: ConsentScope,
    given_by: ConsentGiver,
    giver_name: Option<String>,
    given_at: DateTime<Utc>,
}

impl NewConsent {
    /// Checks a consent: a purpose of 1-500 characters, a non-empty scope, the name of the
    /// giver when it is not the person themself, and a time not after `now`.
    pub fn parse(
        purpose: &str,
        scope: ConsentScope,
        given_by: ConsentGiver,
        giver_name: Option<&str>,
        given_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<NewConsent, ConsentError> {
        let purpose = purpose.trim();
        if purpose.is_empty() || purpose.chars().count() > 500 {
            return Err(ConsentError::BadPurpose);
        }
        let giver_name = giver_name.map(str::trim).filter(|s| !s.is_empty());
        if let Some(n) = giver_name {
            if n.chars().count() > 100 {
                return Err(ConsentError::GiverNameMissing);
            }
        }
        if given_by != ConsentGiver::Subject && giver_name.is_none() {
            return Err(ConsentError::GiverNameMissing);
        }
        if given_at > now {
            return Err(ConsentError::FutureDate);
        }
        Ok(NewConsent {
            purpose: purpose.to_owned(),
            scope,
            given_by,
            giver_name: giver_name.map(str::to_owned),
            given_at,
        })
    }
    /// The purpose.
    pub fn purpose(&self) -> &str {
        &self.purpose
    }
    /// The covered kinds.
    pub fn scope(&self) -> &ConsentScope {
        &self.scope
    }
    /// Who gave it.
    pub fn given_by(&self) -> ConsentGiver {
        self.given_by
    }
    /// The giver's name when not the person themself.
    pub fn giver_name(&self) -> Option<&str> {
        self.giver_name.as_deref()
    }
    /// When it was given.
    pub fn given_at(&self) -> DateTime<Utc> {
        self.given_at
    }
}

/// How long each kind of record is kept after it was last written.
///
/// Decision (policy, not law): no seed states a retention period for these records, so the
/// deployer sets them (`tsunagu serve --retention consultation=1825,…`, also read by
/// `tsunagu purge`). The default is 5 years (1,825 days) for every kind, long enough for the
/// follow-up periods in the seeds (the reduction pathway runs 12 months plus 6 months of
/// follow-up; 医療観察法 通院 lasts up to 5 years) and short enough not to keep records for
/// ever. Deployers should set their own organisation's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    days: [(RecordKind, u32); 4],
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            days: [
                (RecordKind::Consultation, 1825),
                (RecordKind::DrinkingDiary, 1825),
                (RecordKind::AlcoholPathway, 1825),
                (RecordKind::Case, 1825),
            ],
        }
    }
}

impl RetentionPolicy {
    /// Parses `kind=days,kind=days` over the defaults; days must be 1-36500.
    pub fn parse(s: &str) -> Result<RetentionPolicy, String> {
        let mut p = RetentionPolicy::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, d) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: write kind=days, e.g. consultation=1825"))?;
            let kind: RecordKind = k.parse().map_err(|e| format!("{e}"))?;
            let days: u32 = d
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=36_500).contains(d))
                .ok_or_else(|| format!("{part:?}: days must be a whole number 1-36500"))?;
            for slot in &mut p.days {
                if slot.0 == kind {
                    slot.1 = days;
                }
            }
        }
        Ok(p)
    }
    /// Days kept for `kind`.
    pub fn days(&self, kind: RecordKind) -> u32 {
        self.days
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(1825, |(_, d)| *d)
    }
    /// When a record of `kind` written at `written` becomes due for deletion.
    pub fn retain_until(&self, kind: RecordKind, written: DateTime<Utc>) -> DateTime<Utc> {
        written + Duration::days(i64::from(self.days(kind)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn a_family_consent_must_name_the_family_member() {
        let scope = ConsentScope::new([RecordKind::Consultation]).expect("non-empty");
        let r = NewConsent::parse(
            "相談支援",
            scope.clone(),
            ConsentGiver::Family,
            Some("  "),
            now(),
            now(),
        );
        assert_eq!(r, Err(ConsentError::GiverNameMissing));
        let ok = NewConsent::parse(
            "相談支援",
            scope,
            ConsentGiver::Family,
            Some("妻"),
            now(),
            now(),
        );
        assert_eq!(
            ok.map(|c| c.giver_name().map(str::to_owned)),
            Ok(Some("妻".into()))
        );
    }

    #[test]
    fn empty_scopes_empty_purposes_and_future_consents_are_refused() {
        assert_eq!(ConsentScope::new([]), Err(ConsentError::EmptyScope));
        let scope = ConsentScope::new([RecordKind::Case]).expect("non-empty");
        assert_eq!(
            NewConsent::parse(
                " ",
                scope.clone(),
                ConsentGiver::Subject,
                None,
                now(),
                now()
            ),
            Err(ConsentError::BadPurpose)
        );
        let later = now() + Duration::minutes(1);
        assert_eq!(
            NewConsent::parse("支援", scope, ConsentGiver::Subject, None, later, now()),
            Err(ConsentError::FutureDate)
        );
    }

    #[test]
    fn scopes_round_trip_through_their_stored_form() {
        let s =
            ConsentScope::new([RecordKind::DrinkingDiary, RecordKind::Consultation]).expect("ok");
        assert_eq!(s.to_codes(), "consultation,drinking_diary");
        assert_eq!(ConsentScope::from_codes(&s.to_codes()), Ok(s.clone()));
        assert!(s.covers(RecordKind::DrinkingDiary) && !s.covers(RecordKind::Case));
        assert!(ConsentScope::from_codes("consultation,unknown").is_err());
    }

    #[test]
    fn retention_defaults_to_five_years_and_can_be_set_per_kind() {
        let p = RetentionPolicy::parse("case=3650, drinking_diary=365").expect("valid");
        assert_eq!(p.days(RecordKind::Case), 3650);
        assert_eq!(p.days(RecordKind::DrinkingDiary), 365);
        assert_eq!(p.days(RecordKind::Consultation), 1825);
        assert_eq!(
            p.retain_until(RecordKind::DrinkingDiary, now()),
            now() + Duration::days(365)
        );
        for bad in ["case", "case=0", "case=x", "unknown=10"] {
            assert!(RetentionPolicy::parse(bad).is_err(), "{bad}");
        }
    }
}
