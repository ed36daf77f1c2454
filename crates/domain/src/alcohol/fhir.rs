//! FHIR R4 JSON for AUDIT screening: the Questionnaire (AUDIT or AUDIT-C), the
//! QuestionnaireResponse and an Observation of the score, in one `collection` Bundle.
//!
//! # Codes
//! LOINC is used only where verified: `75626-2` (Total score [AUDIT-C]). The AUDIT total and
//! the item codes are left without a LOINC coding (text only) because we could not verify
//! them here; public repositories disagree on the AUDIT total's code. Answer scores are
//! carried as `ordinalValue` extensions on the answer options, as FHIR SDC describes.
//!
//! Ids are derived from the content, so the same screening always exports the same Bundle.

use crate::alcohol::screening::{AuditAnswers, AUDIT_ITEMS, UNIT_EXAMPLES};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Which questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// All ten items.
    Audit,
    /// Items 1-3.
    AuditC,
}

impl Form {
    /// Parses `audit` or `audit-c`.
    pub fn parse(s: &str) -> Option<Form> {
        match s {
            "audit" => Some(Form::Audit),
            "audit-c" => Some(Form::AuditC),
            _ => None,
        }
    }
    fn id(self) -> &'static str {
        match self {
            Form::Audit => "tsunagu-audit",
            Form::AuditC => "tsunagu-audit-c",
        }
    }
    fn items(self) -> usize {
        match self {
            Form::Audit => 10,
            Form::AuditC => 3,
        }
    }
    /// Canonical URL of the questionnaire.
    pub fn canonical(self) -> String {
        format!("urn:tsunagu:questionnaire:{}", self.id())
    }
}

const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
const ANSWER_SYSTEM: &str = "urn:tsunagu:audit-answer";

/// The Questionnaire resource.
pub fn questionnaire(form: Form) -> Value {
    let items: Vec<Value> = AUDIT_ITEMS
        .iter()
        .take(form.items())
        .map(|item| {
            let options: Vec<Value> = item
                .options
                .iter()
                .map(|(score, label)| {
                    json!({
                        "extension": [{ "url": ORDINAL, "valueDecimal": score }],
                        "valueCoding": {
                            "system": ANSWER_SYSTEM,
                            "code": format!("q{}-{score}", item.number),
                            "display": label,
                        }
                    })
                })
                .collect();
            let mut v = json!({
                "linkId": format!("q{}", item.number),
                "text": item.question,
                "type": "choice",
                "required": true,
                "answerOption": options,
            });
            if item.number == 2 {
                v["item"] = json!([{
                    "linkId": "q2-units",
                    "text": format!("単位の例: {}", UNIT_EXAMPLES.join("、")),
                    "type": "display",
                }]);
            }
            v
        })
        .collect();
    let (name, title) = match form {
        Form::Audit => ("TsunaguAudit", "AUDIT（アルコール使用障害スクリーニング）"),
        Form::AuditC => ("TsunaguAuditC", "AUDIT-C（AUDIT の質問1〜3）"),
    };
    json!({
        "resourceType": "Questionnaire",
        "id": form.id(),
        "url": form.canonical(),
        "name": name,
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "language": "ja",
        "description": "質問文は飲酒量低減治療マニュアル ポケット版（2019）の AUDIT を意味を変えずに言い換えたもの。回答の選択肢と点数はマニュアルのとおり。AUDIT は WHO の著作物で、利用には WHO の条件がある。",
        "item": items,
    })
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A short content-derived id (`FHIR id`: 1-64 of `A-Za-z0-9-.`).
fn content_id(prefix: &str, answers: &AuditAnswers, at: DateTime<Utc>) -> String {
    let scores: String = answers.scores().iter().map(|s| s.to_string()).collect();
    format!("{prefix}-{scores}-{}", at.timestamp())
}

/// The QuestionnaireResponse for `answers`.
pub fn questionnaire_response(
    form: Form,
    answers: &AuditAnswers,
    authored: DateTime<Utc>,
) -> Value {
    let scores = answers.scores();
    let items: Vec<Value> = AUDIT_ITEMS
        .iter()
        .take(form.items())
        .zip(scores)
        .map(|(item, score)| {
            let label = item
                .options
                .iter()
                .find(|(s, _)| *s == score)
                .map_or("", |(_, l)| *l);
            json!({
                "linkId": format!("q{}", item.number),
                "text": item.question,
                "answer": [{ "valueCoding": {
                    "system": ANSWER_SYSTEM,
                    "code": format!("q{}-{score}", item.number),
                    "display": label,
                }}],
            })
        })
        .collect();
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": content_id(&format!("qr-{}", form.id()), answers, authored),
        "questionnaire": form.canonical(),
        "status": "completed",
        "authored": time(authored),
        "item": items,
    })
}

/// The Observation of the score, derived from the response.
pub fn observation(form: Form, answers: &AuditAnswers, effective: DateTime<Utc>) -> Value {
    let (code, value) = match form {
        // Verified LOINC code for the AUDIT-C total.
        Form::AuditC => (
            json!({
                "coding": [{ "system": "http://loinc.org", "code": "75626-2", "display": "Total score [AUDIT-C]" }],
                "text": "AUDIT-C 合計点",
            }),
            answers.audit_c(),
        ),
        // No verified LOINC code: text only.
        Form::Audit => (json!({ "text": "AUDIT 合計点" }), answers.total()),
    };
    let qr_id = content_id(&format!("qr-{}", form.id()), answers, effective);
    json!({
        "resourceType": "Observation",
        "id": content_id(&format!("obs-{}", form.id()), answers, effective),
        "status": "final",
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }]}],
        "code": code,
        "effectiveDateTime": time(effective),
        "valueInteger": value,
        "derivedFrom": [{ "reference": format!("QuestionnaireResponse/{qr_id}") }],
    })
}

/// A `collection` Bundle with the Questionnaire, the response and the score Observation.
pub fn bundle(form: Form, answers: &AuditAnswers, at: DateTime<Utc>) -> Value {
    let resources = [
        questionnaire(form),
        questionnaire_response(form, answers, at),
        observation(form, answers, at),
    ];
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| {
            let url = format!(
                "urn:tsunagu:{}/{}",
                r["resourceType"].as_str().unwrap_or(""),
                r["id"].as_str().unwrap_or("")
            );
            json!({ "fullUrl": url, "resource": r })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": content_id(&format!("bundle-{}", form.id()), answers, at),
        "type": "collection",
        "timestamp": time(at),
        "entry": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn the_audit_c_observation_carries_the_verified_loinc_code_and_the_score() {
        let a = AuditAnswers::parse(&[4, 4, 4, 3, 2, 1, 0, 0, 2, 4]).expect("valid");
        let o = observation(Form::AuditC, &a, at());
        assert_eq!(o["code"]["coding"][0]["code"], "75626-2");
        assert_eq!(o["valueInteger"], 12);
        let full = observation(Form::Audit, &a, at());
        assert!(full["code"].get("coding").is_none(), "no unverified code");
        assert_eq!(full["valueInteger"], 24);
    }

    #[test]
    fn the_bundle_holds_questionnaire_response_and_observation_linked_together() {
        let a = AuditAnswers::parse(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]).expect("valid");
        let b = bundle(Form::Audit, &a, at());
        let types: Vec<&str> = b["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["resource"]["resourceType"].as_str())
            .collect();
        assert_eq!(
            types,
            ["Questionnaire", "QuestionnaireResponse", "Observation"]
        );
        let q = &b["entry"][0]["resource"];
        assert_eq!(q["item"].as_array().map(Vec::len), Some(10));
        assert_eq!(
            q["item"][8]["answerOption"][1]["extension"][0]["valueDecimal"],
            2
        );
        let qr = &b["entry"][1]["resource"];
        assert_eq!(
            qr["item"][0]["answer"][0]["valueCoding"]["display"],
            "1ヶ月に1回以下"
        );
        let obs = &b["entry"][2]["resource"];
        assert_eq!(
            obs["derivedFrom"][0]["reference"],
            format!("QuestionnaireResponse/{}", qr["id"].as_str().expect("id"))
        );
        assert_eq!(
            bundle(Form::AuditC, &a, at())["entry"][0]["resource"]["item"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
    }
}
