//! The events a procedure starts from: their codes and fields ([`EVENT_TYPES`]), their labels
//! ([`EVENT_LABELS`]), and an [`Event`] as read from JSON.

use crate::common::basis::Refusal;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// Event types the engine knows: the fields each needs, and those it may have.
pub const EVENT_TYPES: &[(&str, &[&str], &[&str])] = &[
    ("voluntary_admission", &[], &[]),
    ("voluntary_discharge_hold", &["by"], &["hospital_approved"]),
    ("involuntary_admission", &["examinations"], &[]),
    ("emergency_involuntary_admission", &[], &[]),
    ("medical_protection_admission", &["consent_by"], &[]),
    ("medical_protection_discharge", &[], &[]),
    ("urgent_admission", &["by"], &["hospital_approved"]),
    ("seclusion", &["ordered_by", "hours"], &[]),
    ("restraint", &["ordered_by"], &[]),
    ("restriction", &["kind", "with"], &[]),
    (
        "notebook_application_received",
        &[],
        &["route", "first_visit", "certificate_date", "pension_grade"],
    ),
    (
        "notebook_renewal_application_received",
        &["previous_expiry"],
        &[],
    ),
    ("notebook_grade_change_decided", &[], &[]),
    ("notebook_holder_moved", &["within_prefecture"], &[]),
    ("decision_notified", &[], &["decided"]),
    ("outpatient_support_application_received", &[], &[]),
    ("support_category_change_decided", &[], &[]),
    ("review_board_session", &["members"], &[]),
    ("assessment_admission_order_executed", &[], &[]),
    ("outpatient_treatment_order", &[], &[]),
    ("inpatient_treatment_order", &[], &[]),
];

/// The Japanese label of each event that can be entered on a case, beside the codes of
/// [`EVENT_TYPES`]; the staff case page lists them in this order. (A 審査会 session,
/// `review_board_session`, gives a finding, not a deadline, so it is entered with
/// `tsunagu deadlines` and has no label here.)
pub const EVENT_LABELS: &[(&str, &str)] = &[
    ("voluntary_admission", "任意入院"),
    (
        "voluntary_discharge_hold",
        "任意入院者の退院制限（時刻が必要）",
    ),
    ("involuntary_admission", "措置入院"),
    (
        "emergency_involuntary_admission",
        "緊急措置入院（時刻が必要）",
    ),
    ("medical_protection_admission", "医療保護入院"),
    ("medical_protection_discharge", "医療保護入院者の退院"),
    ("urgent_admission", "応急入院（時刻が必要）"),
    ("seclusion", "隔離"),
    ("restraint", "身体的拘束"),
    ("restriction", "通信・面会の制限"),
    ("notebook_application_received", "手帳の申請受理（交付日）"),
    (
        "notebook_renewal_application_received",
        "手帳の更新申請受理",
    ),
    ("notebook_grade_change_decided", "手帳の等級変更の決定"),
    ("notebook_holder_moved", "手帳所持者の転居"),
    (
        "outpatient_support_application_received",
        "自立支援医療の申請受理",
    ),
    (
        "support_category_change_decided",
        "自立支援医療の所得区分変更の決定",
    ),
    ("decision_notified", "処分の通知を受けた"),
    ("assessment_admission_order_executed", "鑑定入院命令の執行"),
    ("outpatient_treatment_order", "医療観察法の通院決定"),
    ("inpatient_treatment_order", "医療観察法の入院決定"),
];

/// The label of an event code; unknown codes read 「（不明な手続き）」.
pub fn event_label_ja(code: &str) -> &'static str {
    EVENT_LABELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("（不明な手続き）", |(_, l)| l)
}

/// When an event happened: a day, or a day and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum At {
    /// A day.
    Date(NaiveDate),
    /// A day and time (needed for hour periods).
    DateTime(NaiveDateTime),
}

impl At {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub fn parse(s: &str) -> Result<At, Refusal> {
        let s = s.trim();
        if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M") {
            return Ok(At::DateTime(t));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(At::Date)
            .map_err(|_| Refusal {
                rule: "date",
                message: format!(
                    "{s:?} is not a date that exists (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
                ),
                basis: None,
            })
    }
    /// The day.
    pub fn date(&self) -> NaiveDate {
        match self {
            At::Date(d) => *d,
            At::DateTime(t) => t.date(),
        }
    }
}

/// One event as read from the input: its type, when, and the other fields as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Type code.
    pub kind: String,
    /// When.
    pub at: At,
    /// Other fields (`by`, `consent_by`, `kind`, `with`, `hours` …).
    pub fields: Vec<(String, String)>,
    /// For 措置: each examination as (by, finding).
    pub examinations: Vec<(String, String)>,
    /// For a 審査会 session: the panel.
    pub members: Vec<crate::law::review_board::Member>,
}

impl Event {
    /// An event of this type at this time, with text fields.
    pub fn new(kind: &str, at: At, fields: &[(&str, &str)]) -> Event {
        Event {
            kind: kind.to_owned(),
            at,
            fields: fields
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            examinations: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Reads one event object: `{"type", "at", …fields}`. Fields are text, numbers or
    /// true/false; `examinations` and `members` are lists of objects. Unknown fields of a
    /// known type are refused, so a typo never silently drops a fact.
    pub fn from_json(v: &serde_json::Value) -> Result<Event, Refusal> {
        use serde_json::Value;
        let bad = |m: String| field_error(m);
        let obj = v
            .as_object()
            .ok_or_else(|| bad("an event must be an object".into()))?;
        let text = |o: &serde_json::Map<String, Value>, k: &str| -> Option<String> {
            o.get(k).and_then(|t| t.as_str()).map(str::to_owned)
        };
        let kind = text(obj, "type").ok_or_else(|| bad("\"type\" is required".into()))?;
        let at = text(obj, "at").ok_or_else(|| bad("\"at\" is required".into()))?;
        let at = At::parse(&at)?;
        let (required, optional): (&[&str], &[&str]) = EVENT_TYPES
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map_or((&[], &[]), |(_, r, o)| (*r, *o));
        let allowed = |name: &str| required.contains(&name) || optional.contains(&name);
        let list =
            |v: &Value, name: &str| -> Result<Vec<serde_json::Map<String, Value>>, Refusal> {
                v.as_array()
                    .ok_or_else(|| bad(format!("{name} must be a list")))?
                    .iter()
                    .enumerate()
                    .map(|(j, x)| {
                        x.as_object()
                            .cloned()
                            .ok_or_else(|| bad(format!("{name}[{j}] must be an object")))
                    })
                    .collect()
            };
        let mut e = Event::new(&kind, at, &[]);
        for (k, v) in obj {
            match k.as_str() {
                "type" | "at" => {}
                "examinations" if allowed("examinations") => {
                    for (j, x) in list(v, "examinations")?.iter().enumerate() {
                        let need = |f: &str| {
                            text(x, f)
                                .ok_or_else(|| bad(format!("examinations[{j}].{f} is required")))
                        };
                        e.examinations.push((need("by")?, need("finding")?));
                    }
                }
                "members" if allowed("members") => {
                    for (j, x) in list(v, "members")?.iter().enumerate() {
                        e.members.push(member_of(j, x)?);
                    }
                }
                name if allowed(name) => {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => {
                            return Err(bad(format!("{name} must be text, a number or true/false")))
                        }
                    };
                    e.fields.push((name.to_owned(), text));
                }
                other if EVENT_TYPES.iter().any(|(k, _, _)| *k == kind) => {
                    return Err(bad(format!("unknown field {other:?} for {kind}")));
                }
                _ => {}
            }
        }
        Ok(e)
    }

    /// The event as the JSON [`Event::from_json`] reads.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        o.insert("type".into(), self.kind.clone().into());
        let at = match self.at {
            At::Date(d) => d.format("%Y-%m-%d").to_string(),
            At::DateTime(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
        };
        o.insert("at".into(), at.into());
        for (n, v) in &self.fields {
            o.insert(n.clone(), v.clone().into());
        }
        if !self.examinations.is_empty() {
            let list: Vec<serde_json::Value> = self
                .examinations
                .iter()
                .map(|(by, finding)| serde_json::json!({ "by": by, "finding": finding }))
                .collect();
            o.insert("examinations".into(), list.into());
        }
        if !self.members.is_empty() {
            o.insert(
                "members".into(),
                serde_json::to_value(&self.members).unwrap_or_default(),
            );
        }
        serde_json::Value::Object(o)
    }

    /// A date field (`YYYY-MM-DD`), when present and a real date; [`check`] has refused an
    /// event whose date field does not parse.
    pub(crate) fn date(&self, name: &str) -> Option<NaiveDate> {
        self.field(name)
            .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    }

    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn field_error(message: String) -> Refusal {
    Refusal {
        rule: "input",
        message,
        basis: None,
    }
}

pub(crate) fn member_of(
    j: usize,
    x: &serde_json::Map<String, serde_json::Value>,
) -> Result<crate::law::review_board::Member, Refusal> {
    let bad = |m: String| field_error(format!("members[{j}]: {m}"));
    for k in x.keys() {
        if ![
            "category",
            "designated_physician",
            "present",
            "conflict",
            "vote",
        ]
        .contains(&k.as_str())
        {
            return Err(bad(format!("unknown field {k:?}")));
        }
    }
    let code = |k: &str| x.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    let flag = |k: &str| -> Result<bool, Refusal> {
        match x.get(k) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| bad(format!("{k} must be true or false"))),
        }
    };
    Ok(crate::law::review_board::Member {
        category: code("category")
            .ok_or_else(|| bad("category is required (medical, legal, other)".into()))?
            .parse()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
        designated_physician: flag("designated_physician")?,
        present: flag("present")?,
        conflict: code("conflict")
            .map(str::parse)
            .transpose()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
        vote: code("vote")
            .map(str::parse)
            .transpose()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
    })
}
