//! The deadline engine: procedures of the 精神保健福祉法 as data, each with its article and the
//! seed line that states it, turned into dated obligations by [`crate::period`].
//!
//! # Brief overview
//! An [`Event`] (an admission, a hold, a discharge, a restriction) goes in; [`obligations`]
//! returns what must happen by when, or a [`Refusal`] naming the rule when the event itself is
//! unlawful or impossible (措置 without two agreeing 指定医, 隔離 over 12 hours ordered by a
//! non-指定医, restricting a call with the patient's lawyer …). The rules are the table
//! [`RULES`] and the checks in [`check`]; every entry cites `004_d9518c60032bdf29.txt:line`.
//!
//! Holidays (民法142条): each rule says what a closed last day does. Notifications to the
//! 保健所長 / 知事 move to the next open day (行政機関の休日に関する法律 第2条 for acts
//! toward an administrative body); limits on holding a patient never move (a patient's liberty
//! does not wait for Monday). Either way a closed last day is flagged.
//!
//! This covers the admission procedures and the restrictions. 手帳, 自立支援医療, appeals,
//! 医療観察法 and the periodic reports are not in the table yet.

use crate::period::{after_hours, closed_day, extend_past_closed_days, last_day, FirstDay, Unit};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The handbook in the seed set.
pub const HANDBOOK: &str = "004_d9518c60032bdf29.txt";

/// The legal basis of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// Law and article.
    pub law: &'static str,
    /// `file:line` in the seed.
    pub source: &'static str,
}

/// What a closed last day does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnClosedDay {
    /// Flag it; the deadline stays.
    Stays,
    /// Move to the next open day (and say so).
    MovesToNextOpenDay,
}

/// How long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// Exact hours from the moment of the event.
    Hours(i64),
    /// A calendar period (民法140条〜143条).
    Calendar {
        /// How many.
        n: u32,
        /// Of what.
        unit: Unit,
        /// How the first day counts.
        first: FirstDay,
    },
}

/// One timed rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The event type it applies to.
    pub event: &'static str,
    /// A field condition (`("by", "specified_physician")`), if any.
    pub when: Option<(&'static str, &'static str)>,
    /// The obligation code.
    pub obligation: &'static str,
    /// The period.
    pub length: Length,
    /// Closed last day.
    pub on_closed_day: OnClosedDay,
    /// Basis.
    pub basis: Basis,
    /// What it means (our words).
    pub meaning: &'static str,
}

const fn days(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Days,
        first: FirstDay::Excluded,
    }
}
const fn weeks(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Weeks,
        first: FirstDay::Excluded,
    }
}
const fn years(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Years,
        first: FirstDay::Excluded,
    }
}

/// The timed rules.
pub const RULES: &[Rule] = &[
    Rule {
        event: "voluntary_admission",
        when: None,
        obligation: "reconsent_due",
        length: years(1),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "任意入院の同意の再確認（入院後1年経過時）",
            source: "004_d9518c60032bdf29.txt:2171",
        },
        meaning: "任意入院から1年たったら、本人から同意書をもう一度受け取る（その後2年ごと）。",
    },
    Rule {
        event: "voluntary_admission",
        when: None,
        obligation: "reconsent_due",
        length: years(3),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "任意入院の同意の再確認（以後2年ごと）",
            source: "004_d9518c60032bdf29.txt:2171",
        },
        meaning: "1年目の再確認から2年後に、再び同意書を受け取る。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: Some(("by", "designated_physician")),
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第22条の4第3項",
            source: "004_d9518c60032bdf29.txt:4738",
        },
        meaning: "指定医の診察による任意入院者の退院制限は72時間まで。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: Some(("by", "specified_physician")),
        obligation: "hold_expires",
        length: Length::Hours(12),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第22条の4第4項",
            source: "004_d9518c60032bdf29.txt:4740-4742",
        },
        meaning: "特定病院で特定医師の診察による退院制限は12時間まで。",
    },
    Rule {
        event: "emergency_involuntary_admission",
        when: None,
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第29条の2第3項",
            source: "004_d9518c60032bdf29.txt:4827",
        },
        meaning: "緊急措置入院は72時間を超えられない。",
    },
    Rule {
        event: "medical_protection_admission",
        when: None,
        obligation: "admission_notice",
        length: days(10),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        basis: Basis {
            law: "精神保健福祉法第33条第7項",
            source: "004_d9518c60032bdf29.txt:4893",
        },
        meaning: "医療保護入院の届出（同意書を添えて保健所長経由で知事へ）は10日以内。",
    },
    Rule {
        event: "medical_protection_admission",
        when: Some(("consent_by", "support_obligor")),
        obligation: "guardian_appointment_deadline",
        length: weeks(4),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第33条第2項",
            source: "004_d9518c60032bdf29.txt:4883",
        },
        meaning: "保護者の選任前に扶養義務者の同意で入院させられるのは4週間まで。",
    },
    Rule {
        event: "medical_protection_admission",
        when: None,
        obligation: "notice_deferral_limit",
        length: weeks(4),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第33条の3",
            source: "004_d9518c60032bdf29.txt:4899",
        },
        meaning:
            "入院時の書面による告知を症状のため延期できるのは、入院の日から4週間を経過する日まで。",
    },
    Rule {
        event: "medical_protection_discharge",
        when: None,
        obligation: "discharge_notice",
        length: days(10),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        basis: Basis {
            law: "精神保健福祉法第33条の2",
            source: "004_d9518c60032bdf29.txt:4895",
        },
        meaning: "医療保護入院者を退院させたら10日以内に届け出る（他の入院形態への移行も退院）。",
    },
    Rule {
        event: "urgent_admission",
        when: Some(("by", "designated_physician")),
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第33条の4第1項",
            source: "004_d9518c60032bdf29.txt:4902",
        },
        meaning: "応急入院は72時間まで。",
    },
    Rule {
        event: "urgent_admission",
        when: Some(("by", "specified_physician")),
        obligation: "hold_expires",
        length: Length::Hours(12),
        on_closed_day: OnClosedDay::Stays,
        basis: Basis {
            law: "精神保健福祉法第33条の4第2項",
            source: "004_d9518c60032bdf29.txt:4906",
        },
        meaning: "特定医師の診察による応急入院は12時間まで。",
    },
];

/// Event types the engine knows, with the fields each needs.
pub const EVENT_TYPES: &[(&str, &[&str])] = &[
    ("voluntary_admission", &[]),
    ("voluntary_discharge_hold", &["by"]),
    ("involuntary_admission", &["examinations"]),
    ("emergency_involuntary_admission", &[]),
    ("medical_protection_admission", &["consent_by"]),
    ("medical_protection_discharge", &[]),
    ("urgent_admission", &["by"]),
    ("seclusion", &["ordered_by", "hours"]),
    ("restraint", &["ordered_by"]),
    ("restriction", &["kind", "with"]),
];

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
}

impl Event {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Due {
    /// By the end of this day.
    Date(NaiveDate),
    /// By this moment.
    DateTime(NaiveDateTime),
}

/// One obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// Code.
    pub obligation: &'static str,
    /// When.
    pub due: Due,
    /// Why.
    pub basis: Basis,
    /// What it means.
    pub meaning: &'static str,
    /// The nominal last day when a closed day moved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<NaiveDate>,
    /// Why the last day is closed, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_day: Option<String>,
}

/// An unlawful or impossible input, naming the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct Refusal {
    /// The rule broken (`involuntary_admission_two_designated_physicians`, `date` …).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// The basis, when a legal rule was broken.
    pub basis: Option<Basis>,
}

fn refuse(
    rule: &'static str,
    message: impl Into<String>,
    law: &'static str,
    source: &'static str,
) -> Refusal {
    Refusal {
        rule,
        message: message.into(),
        basis: Some(Basis { law, source }),
    }
}

fn field_error(message: String) -> Refusal {
    Refusal {
        rule: "input",
        message,
        basis: None,
    }
}

/// Checks an event against the rules that forbid it, and its required fields.
pub fn check(e: &Event) -> Result<(), Refusal> {
    let Some((_, required)) = EVENT_TYPES.iter().find(|(k, _)| *k == e.kind) else {
        let known: Vec<&str> = EVENT_TYPES.iter().map(|(k, _)| *k).collect();
        return Err(field_error(format!(
            "unknown event type {:?}; known: {}",
            e.kind,
            known.join(", ")
        )));
    };
    for f in *required {
        if *f != "examinations" && e.field(f).is_none() {
            return Err(field_error(format!(
                "{}: the field {f:?} is required",
                e.kind
            )));
        }
    }
    let one_of = |name: &str, allowed: &[&str]| -> Result<(), Refusal> {
        match e.field(name) {
            Some(v) if !allowed.contains(&v) => Err(field_error(format!(
                "{}: {name} must be one of {}",
                e.kind,
                allowed.join(", ")
            ))),
            _ => Ok(()),
        }
    };
    one_of("by", &["designated_physician", "specified_physician"])?;
    one_of("consent_by", &["guardian", "support_obligor"])?;
    one_of("ordered_by", &["designated_physician", "physician"])?;
    match e.kind.as_str() {
        "involuntary_admission" => {
            let agreeing = e
                .examinations
                .iter()
                .filter(|(by, finding)| {
                    by == "designated_physician" && finding == "admission_needed"
                })
                .count();
            let all_agree = e.examinations.iter().all(|(_, f)| f == "admission_needed");
            if agreeing < 2 || !all_agree {
                return Err(refuse(
                    "involuntary_admission_two_designated_physicians",
                    format!("措置入院には2人以上の指定医の診察の結果が一致して入院が必要とされることが要る（一致した指定医 {agreeing} 人、全員一致 {all_agree}）"),
                    "精神保健福祉法第29条第2項",
                    "004_d9518c60032bdf29.txt:4818",
                ));
            }
        }
        "seclusion" => {
            let hours: f64 = e
                .field("hours")
                .unwrap_or("")
                .parse()
                .map_err(|_| field_error("seclusion: hours must be a number".into()))?;
            if !(0.0..=24.0 * 365.0).contains(&hours) {
                return Err(field_error("seclusion: hours out of range".into()));
            }
            if hours > 12.0 && e.field("ordered_by") != Some("designated_physician") {
                return Err(refuse(
                    "seclusion_over_12_hours_needs_designated_physician",
                    format!("{hours} 時間の隔離は12時間を超えるため、指定医が必要と認めなければ行えない"),
                    "精神保健福祉法第36条第3項・厚生省告示第129号1",
                    "004_d9518c60032bdf29.txt:8512",
                ));
            }
        }
        "restraint" if e.field("ordered_by") != Some("designated_physician") => {
            return Err(refuse(
                "restraint_needs_designated_physician",
                "身体的拘束は指定医が必要と認めなければ行えない",
                "精神保健福祉法第36条第3項・厚生省告示第129号2",
                "004_d9518c60032bdf29.txt:8513",
            ));
        }
        "restriction" => {
            let kind = e.field("kind").unwrap_or("");
            let with = e.field("with").unwrap_or("");
            if !["letters", "phone", "visit"].contains(&kind) {
                return Err(field_error(
                    "restriction: kind must be letters, phone or visit".into(),
                ));
            }
            let protected = matches!(with, "lawyer" | "authorities");
            match kind {
                "letters" => {
                    return Err(refuse(
                        "letters_cannot_be_restricted",
                        "信書の発受は制限できない（異物が同封されていると判断される信書を本人に開封させて異物を取り出す場合を除く）",
                        "精神保健福祉法第36条第2項・厚生省告示第128号1",
                        "004_d9518c60032bdf29.txt:8492",
                    ))
                }
                "phone" if protected => {
                    return Err(refuse(
                        "calls_with_lawyer_or_authorities_cannot_be_restricted",
                        "人権擁護に関する行政機関の職員や代理人である弁護士との電話は制限できない",
                        "精神保健福祉法第36条第2項・厚生省告示第128号2",
                        "004_d9518c60032bdf29.txt:8493",
                    ))
                }
                "visit" if protected => {
                    return Err(refuse(
                        "visits_from_lawyer_or_authorities_cannot_be_restricted",
                        "人権擁護に関する行政機関の職員や代理人である弁護士（なろうとする弁護士を含む）との面会は制限できない",
                        "精神保健福祉法第36条第2項・厚生省告示第128号3",
                        "004_d9518c60032bdf29.txt:8494",
                    ))
                }
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

/// The obligations an event creates, or the rule it breaks.
pub fn obligations(e: &Event) -> Result<Vec<Obligation>, Refusal> {
    check(e)?;
    let mut out = Vec::new();
    for r in RULES.iter().filter(|r| r.event == e.kind) {
        if let Some((name, value)) = r.when {
            if e.field(name) != Some(value) {
                continue;
            }
        }
        let ob = match r.length {
            Length::Hours(h) => {
                let At::DateTime(t) = e.at else {
                    return Err(field_error(format!(
                        "{}: an hour period ({} h) needs the time: write YYYY-MM-DDTHH:MM",
                        e.kind, h
                    )));
                };
                let due =
                    after_hours(t, h).ok_or_else(|| field_error("date out of range".into()))?;
                Obligation {
                    obligation: r.obligation,
                    due: Due::DateTime(due),
                    basis: r.basis,
                    meaning: r.meaning,
                    moved_from: None,
                    closed_day: None,
                }
            }
            Length::Calendar { n, unit, first } => {
                let nominal = last_day(e.at.date(), n, unit, first)
                    .ok_or_else(|| field_error("date out of range".into()))?;
                let closed = closed_day(nominal);
                let (due, moved_from) = match (r.on_closed_day, &closed) {
                    (OnClosedDay::MovesToNextOpenDay, Some(_)) => {
                        (extend_past_closed_days(nominal), Some(nominal))
                    }
                    _ => (nominal, None),
                };
                Obligation {
                    obligation: r.obligation,
                    due: Due::Date(due),
                    basis: r.basis,
                    meaning: r.meaning,
                    moved_from,
                    closed_day: closed,
                }
            }
        };
        out.push(ob);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, at: &str, fields: &[(&str, &str)]) -> Event {
        Event {
            kind: kind.into(),
            at: At::parse(at).expect("valid"),
            fields: fields
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            examinations: Vec::new(),
        }
    }
    fn dues(e: &Event) -> Vec<(&'static str, String)> {
        obligations(e)
            .expect("lawful")
            .into_iter()
            .map(|o| {
                (
                    o.obligation,
                    serde_json::to_value(o.due)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn holds_run_exact_hours_from_the_moment() {
        assert_eq!(
            dues(&ev(
                "voluntary_discharge_hold",
                "2026-11-20T15:30",
                &[("by", "designated_physician")]
            )),
            [("hold_expires", "2026-11-23T15:30:00".to_owned())]
        );
        assert_eq!(
            dues(&ev(
                "urgent_admission",
                "2026-11-20T23:00",
                &[("by", "specified_physician")]
            )),
            [("hold_expires", "2026-11-21T11:00:00".to_owned())]
        );
        assert_eq!(
            dues(&ev(
                "emergency_involuntary_admission",
                "2026-12-31T22:00",
                &[]
            )),
            [("hold_expires", "2027-01-03T22:00:00".to_owned())]
        );
        let e = obligations(&ev(
            "urgent_admission",
            "2026-11-20",
            &[("by", "designated_physician")],
        ))
        .expect_err("needs a time");
        assert!(e.message.contains("needs the time"));
    }

    #[test]
    fn medical_protection_admission_gives_the_10_day_notice_and_the_4_week_limits() {
        let d = dues(&ev(
            "medical_protection_admission",
            "2026-11-02",
            &[("consent_by", "support_obligor")],
        ));
        assert_eq!(
            d,
            [
                ("admission_notice", "2026-11-12".to_owned()),
                ("guardian_appointment_deadline", "2026-11-30".to_owned()),
                ("notice_deferral_limit", "2026-11-30".to_owned()),
            ]
        );
        let d = dues(&ev(
            "medical_protection_admission",
            "2026-11-02",
            &[("consent_by", "guardian")],
        ));
        assert_eq!(
            d.len(),
            2,
            "no appointment deadline with a guardian's consent"
        );
    }

    #[test]
    fn a_notice_due_on_a_closed_day_moves_and_a_hold_limit_does_not() {
        // 10 days after 2026-11-12 is Sunday 22 November → Monday 23 November is 勤労感謝の日 → 24th.
        let o =
            obligations(&ev("medical_protection_discharge", "2026-11-12", &[])).expect("lawful");
        assert_eq!(
            o[0].due,
            Due::Date(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"))
        );
        assert_eq!(o[0].moved_from, NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(o[0].closed_day.as_deref(), Some("日曜日"));
        // A 4-week limit ending on a Sunday stays, flagged.
        let o = obligations(&ev(
            "medical_protection_admission",
            "2026-10-25",
            &[("consent_by", "support_obligor")],
        ))
        .expect("lawful");
        let g = o
            .iter()
            .find(|o| o.obligation == "guardian_appointment_deadline")
            .expect("deadline");
        assert_eq!(
            (g.due, g.moved_from),
            (
                Due::Date(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")),
                None
            )
        );
        assert_eq!(g.closed_day.as_deref(), Some("日曜日"));
    }

    #[test]
    fn voluntary_admission_reconsent_is_due_at_one_year_then_two_years_later() {
        assert_eq!(
            dues(&ev("voluntary_admission", "2026-04-01", &[])),
            [
                ("reconsent_due", "2027-04-01".to_owned()),
                ("reconsent_due", "2029-04-01".to_owned())
            ]
        );
    }

    #[test]
    fn unlawful_inputs_are_refused_naming_their_rule() {
        let mut e = ev("involuntary_admission", "2026-11-20", &[]);
        e.examinations = vec![
            ("designated_physician".into(), "admission_needed".into()),
            ("designated_physician".into(), "not_needed".into()),
        ];
        assert_eq!(
            obligations(&e).map_err(|r| r.rule),
            Err("involuntary_admission_two_designated_physicians")
        );
        e.examinations[1].1 = "admission_needed".into();
        assert!(obligations(&e).is_ok());
        let s = ev(
            "seclusion",
            "2026-11-20T10:00",
            &[("ordered_by", "physician"), ("hours", "13")],
        );
        assert_eq!(
            obligations(&s).map_err(|r| r.rule),
            Err("seclusion_over_12_hours_needs_designated_physician")
        );
        assert!(obligations(&ev(
            "seclusion",
            "2026-11-20T10:00",
            &[("ordered_by", "physician"), ("hours", "12")]
        ))
        .is_ok());
        assert_eq!(
            obligations(&ev(
                "restraint",
                "2026-11-20",
                &[("ordered_by", "physician")]
            ))
            .map_err(|r| r.rule),
            Err("restraint_needs_designated_physician")
        );
        assert_eq!(
            obligations(&ev(
                "restriction",
                "2026-11-20",
                &[("kind", "phone"), ("with", "lawyer")]
            ))
            .map_err(|r| r.rule),
            Err("calls_with_lawyer_or_authorities_cannot_be_restricted")
        );
        assert_eq!(
            obligations(&ev(
                "restriction",
                "2026-11-20",
                &[("kind", "letters"), ("with", "family")]
            ))
            .map_err(|r| r.rule),
            Err("letters_cannot_be_restricted")
        );
        assert!(obligations(&ev(
            "restriction",
            "2026-11-20",
            &[("kind", "phone"), ("with", "family")]
        ))
        .is_ok());
        assert_eq!(At::parse("2026-02-30").map_err(|r| r.rule), Err("date"));
        assert!(obligations(&ev("teleport", "2026-11-20", &[])).is_err());
        assert!(obligations(&ev(
            "urgent_admission",
            "2026-11-20T10:00",
            &[("by", "nurse")]
        ))
        .is_err());
    }
}
