//! The rule book (data: `data/triage-rules.json`): roles, rules (facts → role, priority, reason,
//! citation) and points, validated when loaded.

use crate::triage::facts::{
    data_error, Consultant, Facts, Justice, Role, TriageConcern, TriageError, Urgency, RULES_JSON,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which facts a rule or point needs; every listed condition must hold, and within a list any
/// one value does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Needs (or, when false, excludes) a crisis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crisis: Option<bool>,
    /// Any of these concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerns_any: Vec<TriageConcern>,
    /// Any of these consultants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consultant_any: Vec<Consultant>,
    /// Any of these justice situations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub justice_any: Vec<Justice>,
    /// Any of these urgency signals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urgency_any: Vec<Urgency>,
}

impl When {
    fn is_empty(&self) -> bool {
        self.crisis.is_none()
            && self.concerns_any.is_empty()
            && self.consultant_any.is_empty()
            && self.justice_any.is_empty()
            && self.urgency_any.is_empty()
    }

    pub(crate) fn holds(&self, f: &Facts) -> bool {
        self.crisis.is_none_or(|c| c == f.crisis())
            && (self.concerns_any.is_empty()
                || self.concerns_any.iter().any(|c| f.concerns.contains(c)))
            && (self.consultant_any.is_empty()
                || f.consultant
                    .is_some_and(|c| self.consultant_any.contains(&c)))
            && (self.justice_any.is_empty()
                || f.justice.is_some_and(|j| self.justice_any.contains(&j)))
            && (self.urgency_any.is_empty()
                || self.urgency_any.iter().any(|u| f.urgency.contains(u)))
    }
}

/// What a role means for the person asking.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleInfo {
    /// The role.
    pub role: Role,
    /// Its label.
    pub label: String,
    /// What one can expect there.
    pub expect: String,
    /// What to do when the directory has nothing for it.
    pub fallback: String,
    /// Seed `file:line`.
    pub cite: String,
}

/// One rule: when the facts hold, the role is recommended at this priority, for this reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRule {
    /// Stable id.
    pub id: String,
    /// Condition.
    pub when: When,
    /// The role.
    pub role: Role,
    /// Lower comes first.
    pub priority: u32,
    /// Why, in words for people.
    pub reason: String,
    /// Seed `file:line`.
    pub cite: String,
    /// A decision made where the seeds are silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// One 支援のポイント.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PointRule {
    /// Stable id.
    pub id: String,
    /// Condition.
    pub when: When,
    /// The point.
    pub text: String,
    /// Seed `file:line`.
    pub cite: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    #[serde(rename = "_comment", default)]
    _comment: String,
    version: u32,
    roles: Vec<RoleInfo>,
    rules: Vec<TriageRule>,
    points: Vec<PointRule>,
}

/// The checked rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBook {
    /// Roles, as listed.
    pub roles: Vec<RoleInfo>,
    /// Rules.
    pub rules: Vec<TriageRule>,
    /// Points.
    pub points: Vec<PointRule>,
}

/// Whether `cite` is `<seed>.txt:N` or `<seed>.txt:N-M`.
pub fn is_citation(cite: &str) -> bool {
    crate::kb::Citation::parse(cite).is_some_and(|c| c.doc.ends_with(".txt"))
}

impl RuleBook {
    /// Reads and checks a rule file; every problem names its rule.
    pub fn parse(json: &str) -> Result<RuleBook, TriageError> {
        const FILE: &str = "triage rules";
        let raw: RawBook =
            serde_json::from_str(json).map_err(|e| data_error(FILE, e.to_string()))?;
        if raw.version != 1 {
            return Err(data_error(
                FILE,
                format!("version {} is not supported (1 is)", raw.version),
            ));
        }
        let mut ids = BTreeSet::new();
        for r in &raw.roles {
            if !is_citation(&r.cite) {
                return Err(data_error(
                    FILE,
                    format!("role {}: citation {:?} is not file:line", r.role, r.cite),
                ));
            }
        }
        for r in &raw.rules {
            if !ids.insert(r.id.clone()) {
                return Err(data_error(FILE, format!("rule {}: duplicate id", r.id)));
            }
            if !is_citation(&r.cite) {
                return Err(data_error(
                    FILE,
                    format!("rule {}: citation {:?} is not file:line", r.id, r.cite),
                ));
            }
            if !raw.roles.iter().any(|x| x.role == r.role) {
                return Err(data_error(
                    FILE,
                    format!(
                        "rule {}: role {} is not described under roles",
                        r.id, r.role
                    ),
                ));
            }
            if r.when.is_empty() || r.reason.trim().is_empty() {
                return Err(data_error(
                    FILE,
                    format!("rule {}: needs a condition and a reason", r.id),
                ));
            }
        }
        for p in &raw.points {
            if !ids.insert(p.id.clone()) {
                return Err(data_error(FILE, format!("point {}: duplicate id", p.id)));
            }
            if !is_citation(&p.cite) || p.when.is_empty() || p.text.trim().is_empty() {
                return Err(data_error(
                    FILE,
                    format!(
                        "point {}: needs a condition, a text and a file:line citation",
                        p.id
                    ),
                ));
            }
        }
        Ok(RuleBook {
            roles: raw.roles,
            rules: raw.rules,
            points: raw.points,
        })
    }

    /// The bundled rules.
    pub fn bundled() -> Result<RuleBook, TriageError> {
        RuleBook::parse(RULES_JSON)
    }

    pub(crate) fn role(&self, role: Role) -> Option<&RoleInfo> {
        self.roles.iter().find(|r| r.role == role)
    }
}
