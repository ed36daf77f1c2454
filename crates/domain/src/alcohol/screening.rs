//! AUDIT screening: the ten questions (reworded, the manual's options and scores), the total,
//! AUDIT-C, and the band a score falls in, with the manual's 単位 examples.

use crate::alcohol::shared::{field, AlcoholError, Cite, Sex};
use serde::Serialize;

/// One AUDIT question.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AuditItem {
    /// 1-10.
    pub number: u8,
    /// The question in our own words (same meaning as the manual's).
    pub question: &'static str,
    /// Answer options exactly as the manual prints them, with their scores.
    pub options: &'static [(u8, &'static str)],
    /// Where the manual has it.
    pub cite: Cite,
}

const FREQUENCY: &[(u8, &str)] = &[
    (0, "飲まない"),
    (1, "1ヶ月に1回以下"),
    (2, "1ヶ月に2~4回"),
    (3, "1週間に2~3回"),
    (4, "1週間に4回以上"),
];
const QUANTITY: &[(u8, &str)] = &[
    (0, "1~2単位"),
    (1, "3~4単位"),
    (2, "5~6単位"),
    (3, "7~9単位"),
    (4, "10単位以上"),
];
const HOW_OFTEN: &[(u8, &str)] = &[
    (0, "ない"),
    (1, "1ヶ月に1回未満"),
    (2, "1ヶ月に1回"),
    (3, "1週間に1回"),
    (4, "毎日あるいはほとんど毎日"),
];
const EVER: &[(u8, &str)] = &[
    (0, "ない"),
    (2, "あるが、過去1年にはない"),
    (4, "過去1年間にある"),
];

/// The manual's 単位 examples for item 2, exactly as printed (003:112-114).
pub const UNIT_EXAMPLES: [&str; 6] = [
    "日本酒1合=2単位",
    "ビール大瓶1本=2.5単位",
    "ウイスキー水割りダブル1杯=2単位",
    "焼酎お湯割り1杯=1単位",
    "ワイングラス1杯=1.5単位",
    "梅酒小コップ1杯=1単位",
];

/// The ten AUDIT questions (図3, 003:108-140).
pub const AUDIT_ITEMS: [AuditItem; 10] = [
    AuditItem { number: 1, question: "お酒（アルコールを含む飲み物）を飲むのは、どのくらいの頻度ですか。", options: FREQUENCY, cite: Cite::new("2.1(1) 図3", 108, 110) },
    AuditItem { number: 2, question: "お酒を飲むとき、ふだん1回にどのくらいの量を飲みますか（下の単位の例を参考にしてください）。", options: QUANTITY, cite: Cite::new("2.1(1) 図3", 111, 116) },
    AuditItem { number: 3, question: "一度に6単位以上飲むことは、どのくらいの頻度でありますか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 117, 119) },
    AuditItem { number: 4, question: "この1年間に、飲み始めたら途中でやめられなくなったことは、どのくらいの頻度でありましたか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 120, 122) },
    AuditItem { number: 5, question: "この1年間に、お酒のせいで、ふだんならできることができなかったことは、どのくらいの頻度でありましたか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 123, 125) },
    AuditItem { number: 6, question: "この1年間に、深酒をした翌朝、体調を立て直すために迎え酒が必要になったことは、どのくらいの頻度でありましたか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 126, 128) },
    AuditItem { number: 7, question: "この1年間に、飲んだ後で罪悪感を持ったり自分を責めたりしたことは、どのくらいの頻度でありましたか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 129, 131) },
    AuditItem { number: 8, question: "この1年間に、飲酒のせいで前の晩の出来事を思い出せなかったことは、どのくらいの頻度でありましたか。", options: HOW_OFTEN, cite: Cite::new("2.1(1) 図3", 132, 134) },
    AuditItem { number: 9, question: "あなたの飲酒が原因で、あなた自身やほかの人がけがをしたことがありますか。", options: EVER, cite: Cite::new("2.1(1) 図3", 135, 137) },
    AuditItem { number: 10, question: "家族や親戚、友人、医師やほかの医療・保健の専門職から、飲酒について心配されたり、量を減らすよう勧められたりしたことがありますか。", options: EVER, cite: Cite::new("2.1(1) 図3", 138, 140) },
];

/// Ten valid AUDIT answers (scores), checked by [`AuditAnswers::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditAnswers([u8; 10]);

impl AuditAnswers {
    /// Checks ten scores: items 1-8 take 0-4, items 9-10 only 0, 2 or 4 (003:135-140).
    pub fn parse(scores: &[u8]) -> Result<AuditAnswers, AlcoholError> {
        if scores.len() != 10 {
            return Err(field(
                "answers",
                format!("give 10 answers, one per question (got {})", scores.len()),
            ));
        }
        let mut out = [0u8; 10];
        for (i, (&s, item)) in scores.iter().zip(AUDIT_ITEMS.iter()).enumerate() {
            if !item.options.iter().any(|(score, _)| *score == s) {
                let allowed: Vec<String> =
                    item.options.iter().map(|(v, _)| v.to_string()).collect();
                return Err(field(
                    "answers",
                    format!(
                        "item {}: {s} is not one of {}",
                        item.number,
                        allowed.join(", ")
                    ),
                ));
            }
            out[i] = s;
        }
        Ok(AuditAnswers(out))
    }

    /// Parses `4,4,4,3,2,1,0,0,2,4`.
    pub fn parse_list(s: &str) -> Result<AuditAnswers, AlcoholError> {
        let scores: Result<Vec<u8>, _> = s.split(',').map(|p| p.trim().parse::<u8>()).collect();
        let scores =
            scores.map_err(|_| field("answers", "write 10 whole numbers separated by commas"))?;
        Self::parse(&scores)
    }

    /// The scores.
    pub fn scores(&self) -> [u8; 10] {
        self.0
    }

    /// Total, 0-40.
    pub fn total(&self) -> u8 {
        self.0.iter().sum()
    }

    /// AUDIT-C: items 1-3 (003:154).
    pub fn audit_c(&self) -> u8 {
        self.0[..3].iter().sum()
    }

    /// The band of the total.
    pub fn band(&self) -> &'static AuditBand {
        let t = self.total();
        AUDIT_BANDS
            .iter()
            .find(|b| (b.min..=b.max).contains(&t))
            .unwrap_or(&AUDIT_BANDS[2])
    }

    /// Whether AUDIT-C is positive: 男性 5 点以上, 女性 4 点以上 (003:154).
    pub fn audit_c_positive(&self, sex: Sex) -> bool {
        self.audit_c() >= audit_c_threshold(sex)
    }
}

/// The AUDIT-C threshold for `sex` (003:154).
pub fn audit_c_threshold(sex: Sex) -> u8 {
    match sex {
        Sex::Male => 5,
        Sex::Female => 4,
    }
}

/// Where AUDIT-C is defined.
pub const AUDIT_C_CITE: Cite = Cite::new("2.1(1) 【参考】AUDIT-C", 152, 154);

/// One AUDIT band with its guidance.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AuditBand {
    /// Stable code.
    pub code: &'static str,
    /// Lowest total.
    pub min: u8,
    /// Highest total.
    pub max: u8,
    /// Short label (our words).
    pub label: &'static str,
    /// What to do (our words).
    pub guidance: &'static [&'static str],
    /// Sources.
    pub cite: Cite,
}

/// The three bands (003:143-146) with the manual's advice around them (003:102).
pub const AUDIT_BANDS: [AuditBand; 3] = [
    AuditBand {
        code: "low_risk",
        min: 0,
        max: 7,
        label: "問題のある飲み方ではないと考えられます",
        guidance: &[
            "点数は低くても、家族や周りの人から飲酒による心身や生活の問題が伝えられている場合は、ICD-10 などの基準に沿った診断を検討します。",
        ],
        cite: Cite::new("2.1(1) 図3・本文", 102, 146),
    },
    AuditBand {
        code: "problem_drinking",
        min: 8,
        max: 14,
        label: "問題のある飲み方ですが、依存症の水準には至っていないと考えられます",
        guidance: &[
            "14点以下でも、家族や関係者の話から飲酒による身体・精神・社会的な問題が起きているときは、ICD-10 などの基準に沿った診断を検討します。",
        ],
        cite: Cite::new("2.1(1) 図3・本文", 102, 146),
    },
    AuditBand {
        code: "suspected_dependence",
        min: 15,
        max: 40,
        label: "アルコール依存症が疑われます",
        guidance: &[
            "ICD-10 の診断基準で依存症かどうかを確かめます（15点以上で、この基準による診断の感度・特異度がともに最も高いと報告されています）。",
            "15点以上でも依存症と診断されない場合は経過を見続け、飲酒に関わる問題が進んだら改めて診断を考えます。",
        ],
        cite: Cite::new("2.1(1) 図3・本文", 102, 146),
    },
];
