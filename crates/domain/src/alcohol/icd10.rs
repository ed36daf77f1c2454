//! The ICD-10 dependence checklist as the manual uses it.

use crate::alcohol::shared::Cite;
use serde::Serialize;

/// One ICD-10 dependence criterion with examples to help the clinician (表1, 003:164-171).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Icd10Criterion {
    /// 1-6.
    pub number: u8,
    /// Short name.
    pub name: &'static str,
    /// What it means (our words).
    pub meaning: &'static str,
    /// Examples of what patients say or do (our words, after the manual's list).
    pub examples: &'static [&'static str],
    /// Source.
    pub cite: Cite,
}

/// The six criteria.
pub const ICD10_CRITERIA: [Icd10Criterion; 6] = [
    Icd10Criterion { number: 1, name: "渇望", meaning: "飲みたいという強い欲求や、飲まずにいられない切迫感がある", examples: &["人に隠れてでも飲む", "手元に酒がないと落ち着かない", "酒のためなら面倒がらずに出かける", "仕事中も酒のことばかり考える・仕事中でも飲んでしまう", "仕事の後は一人でも必ず飲みに行く"], cite: Cite::new("2.1(1) 表1", 166, 166) },
    Icd10Criterion { number: 2, name: "飲酒のコントロールの障害", meaning: "飲み始め・やめ時・量を自分で調節することが難しい", examples: &["いつも泥酔するまで飲む", "休肝日を決めても飲んでしまう", "飲み始めると止まらない", "決めた量（例: 2杯）を超えてしばしば飲んでしまう"], cite: Cite::new("2.1(1) 表1", 167, 167) },
    Icd10Criterion { number: 3, name: "離脱症状", meaning: "やめたり減らしたりすると離脱症状が出る、またはそれを和らげるために飲む", examples: &["いらいら・不眠・倦怠感", "頭痛・吐き気・嘔吐", "脈が速い・発汗・手のふるえ・高血圧", "迎え酒", "一過性の幻覚・幻聴", "大発作（けいれん）"], cite: Cite::new("2.1(1) 表1", 168, 168) },
    Icd10Criterion { number: 4, name: "耐性の増大", meaning: "以前と同じように酔うために、より多くの量が必要になった", examples: &["飲む量が増えた（純アルコールで男性60g超・女性40g超、かつ習慣的に飲むようになってから50%以上増えた）", "たくさん飲まないと酔えない"], cite: Cite::new("2.1(1) 表1", 169, 169) },
    Icd10Criterion { number: 5, name: "飲酒中心の生活", meaning: "飲むことや酔いからの回復に時間を取られ、本来の生活が犠牲になっている", examples: &["一日中飲んでいる", "酔いが一日中続く、醒めるのに長くかかる", "趣味・仕事・学業より酒を優先する"], cite: Cite::new("2.1(1) 表1", 170, 170) },
    Icd10Criterion { number: 6, name: "有害な結果があっても飲み続ける", meaning: "心身に問題が出ているのに飲酒を続ける", examples: &["健診や受診で酒による健康問題を指摘されても飲む", "うつが悪くなるからと医師に止められても飲む"], cite: Cite::new("2.1(1) 表1", 171, 171) },
];

/// Where the ICD-10 rule (3 or more, together for a month or repeatedly, in the past year) is.
pub const ICD10_RULE_CITE: Cite = Cite::new("2.1(1) ICD-10", 162, 162);

/// What the clinician found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Icd10Assessment {
    /// Criteria met (1-6).
    pub met: u8,
    /// Whether dependence is diagnosed: 3 or more criteria that occurred together for at least
    /// a month, or repeatedly, in the past year (003:162).
    pub dependence: bool,
}

/// Applies the ICD-10 rule. `together_or_repeated`: the criteria met were present together for
/// a month or more, or appeared repeatedly, within the past year.
pub fn icd10_assess(met: [bool; 6], together_or_repeated: bool) -> Icd10Assessment {
    let n = u8::try_from(met.iter().filter(|m| **m).count()).unwrap_or(6);
    Icd10Assessment {
        met: n,
        dependence: n >= 3 && together_or_repeated,
    }
}
