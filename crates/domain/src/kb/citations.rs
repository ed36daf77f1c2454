//! Every rule's citation in one list, and whether it still resolves in an ingested document.
//!
//! # Brief overview
//! [`catalogue`] gathers the citations of the deadline rules, the 自立支援医療 co-payment
//! bases, the alcohol pathway and the triage rule book (the one in use is passed in). Each
//! cited line range has an **anchor** in `data/citation-anchors.json`: a short hash of the
//! lines as they read when the rule was written ([`crate::kb::line_anchor`]), never the text
//! itself. [`check`] compares it with the ingested document: the citation resolves, the
//! document changed under it, the lines are gone, or the document is not ingested. The seed
//! test `tests/kb_seeds.rs` keeps the anchors in step with the seeds
//! (`UPDATE_ANCHORS=1 cargo test -p tsunagu-domain --test kb_seeds` rewrites them).

use crate::kb::{line_anchor, Citation};
use crate::law::{deadlines, jiritsu};
use crate::{alcohol, triage};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The anchors file as bundled.
pub const ANCHORS_JSON: &str = include_str!("../../../../data/citation-anchors.json");

static ANCHORS: LazyLock<BTreeMap<String, String>> =
    LazyLock::new(|| serde_json::from_str(ANCHORS_JSON).unwrap_or_default());

/// The bundled anchors (`"004_….txt:2213"` → hash).
pub fn anchors() -> &'static BTreeMap<String, String> {
    &ANCHORS
}

/// Which engine a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Legal periods and procedures.
    Deadlines,
    /// 自立支援医療 co-payments.
    Copay,
    /// AUDIT and the reduction pathway.
    Alcohol,
    /// Consultation triage.
    Triage,
}

impl Engine {
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Engine::Deadlines => "期限・手続",
            Engine::Copay => "自立支援医療の自己負担",
            Engine::Alcohol => "アルコール（AUDIT・飲酒量低減）",
            Engine::Triage => "相談の振り分け",
        }
    }
}

/// One rule and where it is stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCitation {
    /// Engine.
    pub engine: Engine,
    /// Rule id within the engine.
    pub rule: String,
    /// What the rule says, in our words.
    pub label: String,
    /// Law article or manual section, when the rule names one.
    pub basis: String,
    /// Where it is stated.
    pub citation: Citation,
}

fn push(
    out: &mut Vec<RuleCitation>,
    engine: Engine,
    rule: String,
    label: &str,
    basis: &str,
    source: &str,
) {
    if let Some(citation) = Citation::parse(source) {
        out.push(RuleCitation {
            engine,
            rule,
            label: label.to_owned(),
            basis: basis.to_owned(),
            citation,
        });
    }
}

/// Every rule citation of the engines, with the triage rules of `book`.
pub fn catalogue(book: &triage::RuleBook) -> Vec<RuleCitation> {
    let mut out = Vec::new();
    for r in deadlines::RULES {
        let id = match r.when {
            Some((field, value)) => format!("{}/{}[{field}={value}]", r.event, r.obligation),
            None => format!("{}/{}", r.event, r.obligation),
        };
        push(
            &mut out,
            Engine::Deadlines,
            id,
            r.meaning,
            r.basis.law,
            r.basis.source,
        );
    }
    for (id, b, label) in [
        ("rate", jiritsu::RATE_BASIS, "自己負担は原則1割"),
        (
            "rounding",
            jiritsu::ROUNDING_BASIS,
            "自己負担額の10円未満の端数処理",
        ),
        (
            "ledger",
            jiritsu::LEDGER_BASIS,
            "上限額に達した月はそれ以上徴収しない",
        ),
    ] {
        push(&mut out, Engine::Copay, id.into(), label, b.law, b.source);
    }
    let mut cite = |id: String, label: &str, c: alcohol::Cite| {
        push(&mut out, Engine::Alcohol, id, label, c.section, &c.source());
    };
    for item in alcohol::AUDIT_ITEMS {
        cite(
            format!("audit_item_{}", item.number),
            item.question,
            item.cite,
        );
    }
    for band in alcohol::AUDIT_BANDS {
        cite(format!("audit_band_{}", band.code), band.label, band.cite);
    }
    cite("audit_c".into(), "AUDIT-C の判定", alcohol::AUDIT_C_CITE);
    for c in alcohol::ICD10_CRITERIA {
        cite(format!("icd10_{}", c.number), c.name, c.cite);
    }
    cite(
        "icd10_rule".into(),
        "ICD-10 の診断",
        alcohol::ICD10_RULE_CITE,
    );
    for (i, c) in alcohol::GOAL_CITES.into_iter().enumerate() {
        cite(format!("goal_{}", i + 1), "断酒か飲酒量低減かの選択", c);
    }
    cite("grams".into(), "純アルコール量の計算", alcohol::GRAMS_CITE);
    cite("presets".into(), "飲酒量20gの目安", alcohol::PRESETS_CITE);
    cite("drl".into(), "飲酒量のリスク分類", alcohol::DRL_CITE);
    cite(
        "success".into(),
        "飲酒量低減の達成の目安",
        alcohol::SUCCESS_CITE,
    );
    for (i, (text, c)) in alcohol::ABSTINENCE_PROMPTS.into_iter().enumerate() {
        cite(format!("abstinence_prompt_{}", i + 1), text, c);
    }
    cite(
        "small_step".into(),
        "達成しやすい目標から",
        alcohol::SMALL_STEP_CITE,
    );
    for r in &book.roles {
        push(
            &mut out,
            Engine::Triage,
            format!("role/{}", r.role.code()),
            &r.label,
            "",
            &r.cite,
        );
    }
    for r in &book.rules {
        push(
            &mut out,
            Engine::Triage,
            format!("rule/{}", r.id),
            &r.reason,
            "",
            &r.cite,
        );
    }
    for p in &book.points {
        push(
            &mut out,
            Engine::Triage,
            format!("point/{}", p.id),
            &p.text,
            "",
            &p.cite,
        );
    }
    out
}

/// Whether a citation still points at what it pointed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CitationStatus {
    /// The lines read as they did when the rule was written.
    Resolves,
    /// The document is ingested but the cited lines now read differently.
    Changed,
    /// The document is ingested but shorter than the cited lines.
    OutOfRange,
    /// The document is not ingested.
    NotIngested,
    /// No anchor was recorded for this citation (a rule file supplied at run time).
    Unanchored,
}

impl CitationStatus {
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            CitationStatus::Resolves => "確認済み",
            CitationStatus::Changed => "文書が変わっています（引用箇所を確認してください）",
            CitationStatus::OutOfRange => "引用した行が文書にありません",
            CitationStatus::NotIngested => "文書が取り込まれていません",
            CitationStatus::Unanchored => "照合情報がありません（行の内容は未確認）",
        }
    }
    /// Whether the citation needs attention.
    pub fn is_problem(self) -> bool {
        matches!(self, CitationStatus::Changed | CitationStatus::OutOfRange)
    }
}

/// Checks `citation` against the ingested text of its document (`None`: not ingested).
pub fn check(citation: &Citation, text: Option<&str>) -> CitationStatus {
    let Some(text) = text else {
        return CitationStatus::NotIngested;
    };
    let Some(now) = line_anchor(text, citation.from, citation.to) else {
        return CitationStatus::OutOfRange;
    };
    match anchors().get(&citation.to_string()) {
        None => CitationStatus::Unanchored,
        Some(expected) if *expected == now => CitationStatus::Resolves,
        Some(_) => CitationStatus::Changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_contributes_citations_that_parse() {
        let book = triage::RuleBook::bundled().expect("bundled rules");
        let all = catalogue(&book);
        for engine in [
            Engine::Deadlines,
            Engine::Copay,
            Engine::Alcohol,
            Engine::Triage,
        ] {
            assert!(all.iter().any(|c| c.engine == engine), "{engine:?}");
        }
        assert_eq!(
            all.iter().filter(|c| c.engine == Engine::Deadlines).count(),
            deadlines::RULES.len()
        );
    }

    #[test]
    fn every_bundled_citation_has_an_anchor() {
        let book = triage::RuleBook::bundled().expect("bundled rules");
        for c in catalogue(&book) {
            assert!(
                anchors().contains_key(&c.citation.to_string()),
                "no anchor for {}",
                c.citation
            );
        }
    }

    #[test]
    fn a_changed_or_short_document_is_flagged() {
        let c = Citation {
            doc: "x.txt".into(),
            from: 2,
            to: 2,
        };
        assert_eq!(check(&c, None), CitationStatus::NotIngested);
        assert_eq!(check(&c, Some("one line")), CitationStatus::OutOfRange);
        assert_eq!(check(&c, Some("a\nb\n")), CitationStatus::Unanchored);
    }
}
