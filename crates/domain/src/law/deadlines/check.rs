//! Whether an event is lawful and possible at all ([`check`]): each refusal names the rule and
//! its article.

use crate::common::basis::{Basis, Refusal};
use crate::law::deadlines::events::{field_error, Event, EVENT_TYPES};
use crate::law::deadlines::rules::certificate_valid_from;
use chrono::NaiveDate;

pub(crate) fn refuse(
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

/// Checks an event against the rules that forbid it, and its required fields.
pub fn check(e: &Event) -> Result<(), Refusal> {
    let Some((_, required, _)) = EVENT_TYPES.iter().find(|(k, _, _)| *k == e.kind) else {
        let known: Vec<&str> = EVENT_TYPES.iter().map(|(k, _, _)| *k).collect();
        return Err(field_error(format!(
            "unknown event type {:?}; known: {}",
            e.kind,
            known.join(", ")
        )));
    };
    for f in *required {
        if !["examinations", "members"].contains(f) && e.field(f).is_none() {
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
    one_of("route", &["certificate", "pension"])?;
    one_of("pension_grade", &["1", "2", "3"])?;
    one_of("within_prefecture", &["true", "false"])?;
    one_of("hospital_approved", &["true", "false"])?;
    if e.field("hospital_approved") == Some("false") {
        match (e.kind.as_str(), e.field("by")) {
            ("voluntary_discharge_hold", Some("specified_physician")) => {
                return Err(refuse(
                    "specified_physician_hold_needs_approved_hospital",
                    "特定医師の診察による退院制限は、厚生労働省令の基準に適合すると知事が認めた病院（特定病院）でなければ行えない",
                    "精神保健福祉法第22条の4第4項",
                    "004_d9518c60032bdf29.txt:4740",
                ))
            }
            ("urgent_admission", _) => {
                return Err(refuse(
                    "urgent_admission_needs_designated_hospital",
                    "応急入院は、基準に適合するとして知事が指定した病院でなければ行えない",
                    "精神保健福祉法第33条の4第1項",
                    "004_d9518c60032bdf29.txt:4902",
                ))
            }
            _ => {}
        }
    }
    let date_field = |name: &str| -> Result<Option<NaiveDate>, Refusal> {
        e.field(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    field_error(format!(
                        "{}: {name} {v:?} is not a date that exists",
                        e.kind
                    ))
                })
            })
            .transpose()
    };
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
        "notebook_application_received" if e.field("route") == Some("certificate") => {
            let (Some(first_visit), Some(certificate)) =
                (date_field("first_visit")?, date_field("certificate_date")?)
            else {
                return Err(field_error("notebook_application_received: a certificate route needs first_visit and certificate_date".into()));
            };
            let valid_from = certificate_valid_from(first_visit)
                .ok_or_else(|| field_error("date out of range".into()))?;
            if certificate < valid_from {
                return Err(refuse(
                    "certificate_before_six_months",
                    format!("診断書は初診日（{first_visit}）から起算して6か月を経過した日（{valid_from}）以後のものに限る（この診断書は {certificate}）"),
                    "精神保健福祉法施行規則第23条第1項第1号",
                    "004_d9518c60032bdf29.txt:6589",
                ));
            }
        }
        "notebook_application_received"
            if e.field("route") == Some("pension") && e.field("pension_grade").is_none() =>
        {
            return Err(field_error(
                "notebook_application_received: the pension route needs pension_grade (1, 2 or 3)"
                    .into(),
            ));
        }
        "notebook_renewal_application_received" => {
            let previous = date_field("previous_expiry")?
                .ok_or_else(|| field_error("previous_expiry is required".into()))?;
            let opens = previous
                .checked_sub_months(chrono::Months::new(3))
                .ok_or_else(|| field_error("date out of range".into()))?;
            if e.at.date() < opens {
                return Err(refuse(
                    "notebook_renewal_too_early",
                    format!("更新の申請は有効期限（{previous}）の3か月前（{opens}）からできる（申請日 {}）", e.at.date()),
                    "精神保健福祉法施行規則第28条第2項",
                    "004_d9518c60032bdf29.txt:6625",
                ));
            }
        }
        "review_board_session" => {
            crate::law::review_board::assess(&e.members)?;
        }
        "decision_notified" => {
            if let Some(decided) = date_field("decided")? {
                if decided > e.at.date() {
                    return Err(field_error(
                        "decision_notified: the decision cannot come after its notice".into(),
                    ));
                }
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
