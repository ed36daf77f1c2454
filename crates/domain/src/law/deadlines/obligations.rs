//! From an event to what must happen by when ([`obligations`]) and the facts it settles
//! ([`findings`]), counted with the legal periods of [`crate::law::period`].

use crate::common::basis::{Basis, Refusal};
use crate::law::deadlines::check::check;
use crate::law::deadlines::events::{field_error, At, Event};
use crate::law::deadlines::rules::{Length, OnClosedDay, Rule, RULES};
use crate::law::period::{after_hours, closed_day, extend_past_closed_days, last_day, FirstDay};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Due {
    /// By the end of this day.
    Date(NaiveDate),
    /// By this moment.
    DateTime(NaiveDateTime),
}

impl Due {
    /// As shown and stored: `2026-11-30`, or `2026-11-21T11:00` (JST wall time).
    pub fn text(&self) -> String {
        match self {
            Due::Date(d) => d.format("%Y-%m-%d").to_string(),
            Due::DateTime(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }

    /// Reads what [`Due::text`] writes.
    pub fn parse_text(s: &str) -> Option<Due> {
        match At::parse(s).ok()? {
            At::Date(d) => Some(Due::Date(d)),
            At::DateTime(t) => Some(Due::DateTime(t)),
        }
    }

    /// The instant from which it is overdue: the end of the day in Japan, or the moment.
    pub fn overdue_at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Due::Date(d) => crate::common::calendar::jst_day_start(d.succ_opt().unwrap_or(*d)),
            Due::DateTime(t) => (*t - chrono::Duration::hours(9)).and_utc(),
        }
    }

    /// The day it falls on.
    pub fn date(&self) -> NaiveDate {
        match self {
            Due::Date(d) => *d,
            Due::DateTime(t) => t.date(),
        }
    }
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

impl Obligation {
    /// What a closed last day did, in Japanese, when it is one: moved to the next open day,
    /// or flagged and kept.
    pub fn closed_day_note(&self) -> Option<String> {
        match (&self.closed_day, self.moved_from) {
            (Some(c), Some(from)) => Some(format!("{from} が{c}のため、翌開庁日に延びます")),
            (Some(c), None) => Some(format!("期限の日は{c}にあたります（延びません）")),
            _ => None,
        }
    }
}

/// The nominal last days of a day-based rule (several for a report series).
pub(crate) fn nominal_days(
    r: &Rule,
    e: &Event,
    earlier: &[Obligation],
) -> Result<Vec<NaiveDate>, Refusal> {
    use chrono::{Datelike, Months};
    let at = e.at.date();
    let month_start = |d: NaiveDate| d.with_day(1);
    let one = match r.length {
        Length::Calendar { n, unit, first } => last_day(at, n, unit, first),
        Length::MonthEnd { n, unit, first } => {
            last_day(at, n, unit, first).map(crate::law::period::end_of_month)
        }
        // Decision: the latest month end on or before the period's last day (the period
        // counts the 始期 itself).
        Length::MonthEndWithin { n, unit } => {
            last_day(at, n, unit, FirstDay::Included).and_then(|last| {
                if crate::law::period::end_of_month(last) == last {
                    Some(last)
                } else {
                    month_start(last).and_then(|d| d.pred_opt())
                }
            })
        }
        Length::MonthsBefore { months, of } => earlier
            .iter()
            .find(|o| o.obligation == of)
            .and_then(|o| match o.due {
                Due::Date(d) => d.checked_sub_months(Months::new(months)),
                Due::DateTime(t) => t.date().checked_sub_months(Months::new(months)),
            }),
        Length::MonthEndAfterField { field, months } => e
            .date(field)
            .and_then(|d| d.checked_add_months(Months::new(months)))
            .map(crate::law::period::end_of_month),
        Length::FirstOfNextMonth => {
            month_start(at).and_then(|d| d.checked_add_months(Months::new(1)))
        }
        Length::ReportMonths {
            first,
            every,
            through,
        } => {
            let months = first
                .iter()
                .copied()
                .chain((1..).map(|k| k * every).take_while(|m| *m <= through))
                .collect::<Vec<u32>>();
            return months
                .into_iter()
                .map(|m| {
                    month_start(at)
                        .and_then(|d| d.checked_add_months(Months::new(m)))
                        .map(crate::law::period::end_of_month)
                        .ok_or_else(|| field_error("date out of range".into()))
                })
                .collect();
        }
        Length::Hours(_) | Length::AtEvent => Some(at),
    }
    .ok_or_else(|| field_error("date out of range".into()))?;
    let capped = match r.cap {
        Some(cap) => {
            let from = e.date(cap.from_field).unwrap_or(at);
            last_day(from, cap.n, cap.unit, cap.first).map_or(one, |limit| one.min(limit))
        }
        None => one,
    };
    Ok(vec![capped])
}

/// A day-based obligation, moved past a closed day when its rule says so.
pub(crate) fn dated(r: &Rule, nominal: NaiveDate) -> Obligation {
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

/// A fact derived from an event besides a date: the 手帳 grade on the pension route, a renewal
/// applied for after expiry, the outcome of a 審査会 vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Code (`notebook_grade`, `renewal_after_expiry`, `review_board_outcome`).
    pub finding: &'static str,
    /// The value, as text.
    pub value: String,
    /// Why.
    pub basis: Basis,
    /// What it means (our words).
    pub meaning: String,
}

/// The findings an event gives, or the rule it breaks.
pub fn findings(e: &Event) -> Result<Vec<Finding>, Refusal> {
    check(e)?;
    let mut out = Vec::new();
    match e.kind.as_str() {
        "notebook_application_received" if e.field("route") == Some("pension") => {
            let grade = e.field("pension_grade").unwrap_or_default();
            out.push(Finding {
                finding: "notebook_grade",
                value: grade.to_owned(),
                basis: Basis {
                    law: "精神障害者保健福祉手帳制度実施要領 第二 3(3)（年金証書等による申請）",
                    source: "004_d9518c60032bdf29.txt:18991-18993",
                },
                meaning: format!("障害年金{grade}級の年金証書等の写しによる申請なので手帳は{grade}級。精神保健福祉センターの判定は要らない（希望すれば診断書による判定も受けられる）。"),
            });
        }
        "notebook_renewal_application_received" => {
            let previous = e.date("previous_expiry");
            if previous.is_some_and(|p| e.at.date() > p) {
                out.push(Finding {
                    finding: "renewal_after_expiry",
                    value: "true".into(),
                    basis: Basis {
                        law: "精神障害者保健福祉手帳制度実施要領 第四 1(3)なお書き",
                        source: "004_d9518c60032bdf29.txt:19055",
                    },
                    meaning: "有効期限が過ぎてからの申請だが、更新の申請として受け付けられる。"
                        .into(),
                });
            }
        }
        "voluntary_discharge_hold" | "urgent_admission"
            if e.field("hospital_approved").is_none()
                && (e.kind == "urgent_admission"
                    || e.field("by") == Some("specified_physician")) =>
        {
            let (law, source, meaning) = if e.kind == "urgent_admission" {
                (
                    "精神保健福祉法第33条の4第1項",
                    "004_d9518c60032bdf29.txt:4902",
                    "応急入院は、知事が指定した病院（応急入院指定病院）でだけ行える。病院が指定を受けているか確かめること（hospital_approved で記録できる）。",
                )
            } else {
                (
                    "精神保健福祉法第22条の4第4項・同法施行規則第5条の2",
                    "004_d9518c60032bdf29.txt:2117-2123",
                    "特定医師による退院制限は、知事が認めた特定病院（応急入院指定、休日・夜間診療、常勤の指定医2名以上、事後審査委員会と行動制限最小化委員会）でだけ行える。病院が認定を受けているか確かめること（hospital_approved で記録できる）。",
                )
            };
            out.push(Finding {
                finding: "hospital_condition",
                value: "unconfirmed".into(),
                basis: Basis { law, source },
                meaning: meaning.into(),
            });
        }
        "review_board_session" => {
            let s = crate::law::review_board::assess(&e.members)?;
            out.push(Finding {
                finding: "review_board_outcome",
                value: s.outcome.code().into(),
                basis: s.basis,
                meaning: format!(
                    "出席 {} 人、賛成 {}・反対 {}。{}",
                    s.present, s.votes_for, s.votes_against, s.meaning
                ),
            });
        }
        _ => {}
    }
    Ok(out)
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
            // Due on the day of the measure (given as it is taken; the dashboard shows it as
            // today's task rather than as overdue the moment it is recorded).
            Length::AtEvent => Obligation {
                obligation: r.obligation,
                due: Due::Date(e.at.date()),
                basis: r.basis,
                meaning: r.meaning,
                moved_from: None,
                closed_day: None,
            },
            _ => {
                for nominal in nominal_days(r, e, &out)? {
                    out.push(dated(r, nominal));
                }
                continue;
            }
        };
        out.push(ob);
    }
    Ok(out)
}
