//! Alcohol: AUDIT screening, the ICD-10 dependence checklist, the choice of treatment goal,
//! pure-alcohol grams, the WHO drinking-risk levels, diary summaries and the reduction
//! pathway's schedule, as the 飲酒量低減治療マニュアル ポケット版 (seed `003_44ecc7f7098cb87f.txt`)
//! describes them.
//!
//! # Brief overview
//! Every rule here is data with its source ([`Cite`]: manual section and seed lines). The AUDIT
//! questions are reworded in our own Japanese keeping each question's meaning; the answer
//! options, their scores and the 単位 examples are exactly the manual's. Guidance is written in
//! our own words. Nothing reads a clock: "today" is passed in.

pub mod fhir;

use chrono::{Months, NaiveDate};
use serde::Serialize;

/// The manual's file name in the seed set.
pub const MANUAL: &str = "003_44ecc7f7098cb87f.txt";

/// Where a rule comes from: the manual's section and the seed's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cite {
    /// Section of the manual, as it numbers them.
    pub section: &'static str,
    /// First line in the seed.
    pub from: u32,
    /// Last line in the seed.
    pub to: u32,
}

impl Cite {
    const fn new(section: &'static str, from: u32, to: u32) -> Cite {
        Cite { section, from, to }
    }
    /// `003_44ecc7f7098cb87f.txt:from-to`.
    pub fn source(&self) -> String {
        if self.from == self.to {
            format!("{MANUAL}:{}", self.from)
        } else {
            format!("{MANUAL}:{}-{}", self.from, self.to)
        }
    }
}

/// Sex, for the thresholds that differ (AUDIT-C, success, heavy days, risk levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男性.
    Male,
    /// 女性.
    Female,
}

impl std::str::FromStr for Sex {
    type Err = AlcoholError;
    fn from_str(s: &str) -> Result<Sex, AlcoholError> {
        match s.trim() {
            "male" | "m" | "男性" | "男" => Ok(Sex::Male),
            "female" | "f" | "女性" | "女" => Ok(Sex::Female),
            other => Err(AlcoholError::Field {
                field: "sex",
                problem: format!("{other:?} is not male or female"),
            }),
        }
    }
}

/// Bad input, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlcoholError {
    /// A field is wrong.
    #[error("{field}: {problem}")]
    Field {
        /// Which field (`answers`, `item 9`, `ml`, `abv`, `date` …).
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
}

fn field(field: &'static str, problem: impl Into<String>) -> AlcoholError {
    AlcoholError::Field {
        field,
        problem: problem.into(),
    }
}

// --- AUDIT ----------------------------------------------------------------------------------

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

// --- ICD-10 ---------------------------------------------------------------------------------

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

// --- goal -----------------------------------------------------------------------------------

/// The five 断酒を選択すべき患者 criteria (003:177-183, repeated at 003:300-306).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AbstinenceCriterion {
    /// Needs inpatient treatment.
    NeedsInpatientCare,
    /// Problems from drinking are so serious that social or family life is hard.
    SevereSocialProblems,
    /// Organ damage so serious that drinking threatens life.
    LifeThreateningOrganDamage,
    /// Withdrawal needing urgent treatment now (hallucinations, seizures, delirium tremens …).
    UrgentWithdrawal,
    /// The patient wants abstinence.
    WantsAbstinence,
}

impl AbstinenceCriterion {
    /// All five, in the manual's order.
    pub const ALL: [AbstinenceCriterion; 5] = [
        Self::NeedsInpatientCare,
        Self::SevereSocialProblems,
        Self::LifeThreateningOrganDamage,
        Self::UrgentWithdrawal,
        Self::WantsAbstinence,
    ];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NeedsInpatientCare => "needs_inpatient_care",
            Self::SevereSocialProblems => "severe_social_problems",
            Self::LifeThreateningOrganDamage => "life_threatening_organ_damage",
            Self::UrgentWithdrawal => "urgent_withdrawal",
            Self::WantsAbstinence => "wants_abstinence",
        }
    }
    /// Label (our words).
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::NeedsInpatientCare => "入院での治療が必要",
            Self::SevereSocialProblems => {
                "飲酒による問題が重く、社会生活や家庭生活が難しくなっている"
            }
            Self::LifeThreateningOrganDamage => "臓器の障害が重く、飲酒が命に関わる",
            Self::UrgentWithdrawal => {
                "今すぐ治療が必要な離脱症状（幻覚、けいれん、振戦せん妄など）がある"
            }
            Self::WantsAbstinence => "本人が断酒を望んでいる",
        }
    }
    /// Parses a code.
    pub fn parse(s: &str) -> Result<AbstinenceCriterion, AlcoholError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or_else(|| field("abstinence_criteria", format!("unknown criterion {s:?}")))
    }
}

/// The treatment goal the rules allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "goal", rename_all = "snake_case")]
pub enum GoalDecision {
    /// Abstinence: ask for consent to it; without consent, refer to a specialist (003:313).
    Abstinence {
        /// The criteria that apply.
        because: Vec<AbstinenceCriterion>,
    },
    /// Reduction may be chosen (003:175), while consent to abstinence is always sought (003:189).
    ReductionPossible,
}

/// Where the goal rules are.
pub const GOAL_CITES: [Cite; 3] = [
    Cite::new("2.1(2) 断酒を選択すべき患者", 173, 183),
    Cite::new("2.2 常に断酒治療への同意取得", 189, 189),
    Cite::new("2.3 断酒を選択すべき患者への対応", 313, 313),
];

/// Chooses the goal from the criteria that apply.
pub fn choose_goal(applies: &[AbstinenceCriterion]) -> GoalDecision {
    if applies.is_empty() {
        GoalDecision::ReductionPossible
    } else {
        let mut because: Vec<_> = AbstinenceCriterion::ALL
            .into_iter()
            .filter(|c| applies.contains(c))
            .collect();
        because.dedup();
        GoalDecision::Abstinence { because }
    }
}

// --- grams and risk levels ------------------------------------------------------------------

/// Pure alcohol in grams: ml × ABV% / 100 × 0.8 (the specific gravity), as the manual defines
/// 飲酒量 (003:220).
pub fn pure_alcohol_grams(ml: f64, abv_percent: f64) -> f64 {
    ml * abv_percent / 100.0 * 0.8
}

/// Where the formula is.
pub const GRAMS_CITE: Cite = Cite::new("2.2(3) 純アルコール量", 220, 220);

/// A drink as entered: volume and strength, checked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Drink {
    ml: f64,
    abv: f64,
}

impl Drink {
    /// Largest volume accepted for one entry (10 litres).
    pub const MAX_ML: f64 = 10_000.0;

    /// Checks volume (more than 0, at most 10 L) and ABV (0-100 %).
    pub fn parse(ml: f64, abv: f64) -> Result<Drink, AlcoholError> {
        if !ml.is_finite() || ml <= 0.0 || ml > Self::MAX_ML {
            return Err(field(
                "ml",
                format!(
                    "the volume must be more than 0 and at most {} ml",
                    Self::MAX_ML
                ),
            ));
        }
        if !abv.is_finite() || !(0.0..=100.0).contains(&abv) {
            return Err(field("abv", "the strength must be 0-100 %"));
        }
        Ok(Drink { ml, abv })
    }
    /// Volume.
    pub fn ml(&self) -> f64 {
        self.ml
    }
    /// Strength.
    pub fn abv(&self) -> f64 {
        self.abv
    }
    /// Pure alcohol.
    pub fn grams(&self) -> f64 {
        pure_alcohol_grams(self.ml, self.abv)
    }
}

/// A preset drink from the manual's "20 g" table (003:288-292).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Preset {
    /// Stable code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Strength as the table gives it.
    pub abv: f64,
    /// Volume of the serving.
    pub ml: f64,
    /// The serving as the table describes it.
    pub serving: &'static str,
}

/// The six presets. Decision: the table gives each drink's strength and a serving described
/// in words (中ビン・ロング缶1本, 約1合 …) that holds about 20 g; the volume here is the one that
/// holds 20 g by the manual's own formula (20 ÷ (ABV × 0.008)), rounded to the millilitre,
/// except チューハイ, whose 350 mL is printed.
pub const PRESETS: [Preset; 6] = [
    Preset {
        code: "beer",
        name: "ビール・発泡酒",
        abv: 5.0,
        ml: 500.0,
        serving: "中ビン・ロング缶 1 本",
    },
    Preset {
        code: "chuhai",
        name: "チューハイ",
        abv: 7.0,
        ml: 350.0,
        serving: "350mL 缶 1 本",
    },
    Preset {
        code: "shochu",
        name: "焼酎",
        abv: 25.0,
        ml: 100.0,
        serving: "0.5 合強",
    },
    Preset {
        code: "sake",
        name: "日本酒",
        abv: 15.0,
        ml: 167.0,
        serving: "約 1 合",
    },
    Preset {
        code: "whisky",
        name: "ウイスキー・ジン",
        abv: 40.0,
        ml: 63.0,
        serving: "ダブル 1 杯",
    },
    Preset {
        code: "wine",
        name: "ワイン",
        abv: 12.0,
        ml: 208.0,
        serving: "ワイングラス 2 杯弱",
    },
];

/// Where the presets come from.
pub const PRESETS_CITE: Cite = Cite::new("2.2(6) 参考 飲酒量20gの目安", 288, 292);

/// A WHO drinking-risk level for one day (or a period's daily average).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Under 1 g: no drinking to speak of (the table starts at 1 g).
    None,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
}

impl RiskLevel {
    /// Stable code (also the CLI output).
    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::None => "none",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very_high",
        }
    }
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            RiskLevel::None => "飲酒なし",
            RiskLevel::Low => "低リスク",
            RiskLevel::Medium => "中リスク",
            RiskLevel::High => "高リスク",
            RiskLevel::VeryHigh => "非常に高いリスク",
        }
    }
}

/// Where the risk table is.
pub const DRL_CITE: Cite = Cite::new("2.2(6) 参考 WHO 飲酒量のリスク分類", 277, 284);

/// The upper bounds (inclusive) of Low, Medium and High for `sex`, in grams per day.
///
/// Decision on the table's shared boundary: for women the manual prints Medium as 「20g～40g
/// 以下」 and Low as 「1g 以上～20g 以下」 (003:283-284), so 20 g falls in both. We put 20 g in
/// Low, as the men's column does with its own boundary (Low up to 40 g 以下, Medium from 40 g
/// 超), and as the success target (女性 20g/日以下, 003:214) reads. Under 1 g is [`RiskLevel::None`].
pub fn drl_bounds(sex: Sex) -> [f64; 3] {
    match sex {
        Sex::Male => [40.0, 60.0, 100.0],
        Sex::Female => [20.0, 40.0, 60.0],
    }
}

/// The risk level of `grams` in one day.
pub fn drinking_risk_level(grams: f64, sex: Sex) -> RiskLevel {
    let [low, medium, high] = drl_bounds(sex);
    if grams < 1.0 {
        RiskLevel::None
    } else if grams <= low {
        RiskLevel::Low
    } else if grams <= medium {
        RiskLevel::Medium
    } else if grams <= high {
        RiskLevel::High
    } else {
        RiskLevel::VeryHigh
    }
}

/// A heavy-drinking day: more than 60 g (men) or 40 g (women), the manual's line for heavy
/// drinking in the tolerance criterion (003:169) and the start of the High level (003:282).
pub fn heavy_day(grams: f64, sex: Sex) -> bool {
    grams
        > match sex {
            Sex::Male => 60.0,
            Sex::Female => 40.0,
        }
}

/// The success target for a 3-month average: 40 g/day (men) or 20 g/day (women) or less
/// (003:212-214).
pub fn success_target(sex: Sex) -> f64 {
    match sex {
        Sex::Male => 40.0,
        Sex::Female => 20.0,
    }
}

/// Where the success rule is.
pub const SUCCESS_CITE: Cite = Cite::new("2.2(3) 治療成功の判定", 208, 216);

// --- diary ----------------------------------------------------------------------------------

/// One diary line: a day and a drink (preset or custom), how many.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiaryEntry {
    /// The day.
    pub date: NaiveDate,
    /// The drink.
    pub drink: Drink,
    /// How many servings (1-50).
    pub count: u32,
}

impl DiaryEntry {
    /// Checks the day (not after `today`) and the count.
    pub fn parse(
        date: NaiveDate,
        drink: Drink,
        count: u32,
        today: NaiveDate,
    ) -> Result<DiaryEntry, AlcoholError> {
        if date > today {
            return Err(field("date", format!("{date} is in the future")));
        }
        if !(1..=50).contains(&count) {
            return Err(field("count", "the number of servings must be 1-50"));
        }
        Ok(DiaryEntry { date, drink, count })
    }
    /// Grams of this line.
    pub fn grams(&self) -> f64 {
        self.drink.grams() * f64::from(self.count)
    }
}

/// One day of the diary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayTotal {
    /// The day.
    pub date: NaiveDate,
    /// Pure alcohol.
    pub grams: f64,
    /// Its risk level.
    pub risk: RiskLevel,
    /// Over the heavy-drinking line.
    pub heavy: bool,
}

/// A period of the diary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiarySummary {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Every day of the period, with 0 g on days without entries.
    pub days: Vec<DayTotal>,
    /// Total pure alcohol (TAC).
    pub total_grams: f64,
    /// Average per day over the whole period.
    pub average_grams_per_day: f64,
    /// Heavy-drinking days.
    pub heavy_days: u32,
    /// Alcohol-free days (under 1 g).
    pub alcohol_free_days: u32,
    /// The risk level of the daily average.
    pub risk: RiskLevel,
    /// Whether the average meets the success target (which must hold for 3 months).
    pub within_success_target: bool,
}

/// Summarises `entries` over `from..=to` (at most 366 days).
pub fn summarise(
    entries: &[DiaryEntry],
    from: NaiveDate,
    to: NaiveDate,
    sex: Sex,
) -> Result<DiarySummary, AlcoholError> {
    if to < from {
        return Err(field("to", "the period ends before it starts"));
    }
    let n = (to - from).num_days() + 1;
    if n > 366 {
        return Err(field("to", "a summary covers at most 366 days"));
    }
    let days: Vec<DayTotal> = from
        .iter_days()
        .take(usize::try_from(n).unwrap_or(0))
        .map(|date| {
            // `+ 0.0` turns the empty sum's -0.0 into 0.0, which is what people should read.
            let grams: f64 = entries
                .iter()
                .filter(|e| e.date == date)
                .map(DiaryEntry::grams)
                .sum::<f64>()
                + 0.0;
            DayTotal {
                date,
                grams,
                risk: drinking_risk_level(grams, sex),
                heavy: heavy_day(grams, sex),
            }
        })
        .collect();
    let total: f64 = days.iter().map(|d| d.grams).sum::<f64>() + 0.0;
    let average = total / days.len().max(1) as f64;
    Ok(DiarySummary {
        from,
        to,
        total_grams: total,
        average_grams_per_day: average,
        heavy_days: u32::try_from(days.iter().filter(|d| d.heavy).count()).unwrap_or(u32::MAX),
        alcohol_free_days: u32::try_from(days.iter().filter(|d| d.grams < 1.0).count())
            .unwrap_or(u32::MAX),
        risk: drinking_risk_level(average, sex),
        within_success_target: average <= success_target(sex),
        days,
    })
}

// --- pathway schedule -----------------------------------------------------------------------

/// One dated step of the reduction pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Stable code.
    pub code: &'static str,
    /// When.
    pub due: NaiveDate,
    /// What to do (our words).
    pub what: &'static str,
    /// Source.
    pub cite: Cite,
}

/// The schedule from the start of treatment: effect reviews every 3 months, the 6-month
/// referral check, the 12-month stop review, and — once the drug is stopped on `stopped` —
/// the follow-up 6 months later. Month arithmetic keeps the day, or takes the month's last day
/// when the month is shorter (a start on 31 August is reviewed on 30 November).
pub fn pathway_schedule(start: NaiveDate, stopped: Option<NaiveDate>) -> Vec<Milestone> {
    let at = |m: u32| start.checked_add_months(Months::new(m)).unwrap_or(start);
    let mut out = vec![
        Milestone { code: "effect_review_3m", due: at(3), what: "治療効果を判定する。効果がなければ増量を検討し、迷うときは専門医療機関に相談する。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) },
        Milestone { code: "effect_review_6m", due: at(6), what: "治療効果を判定する。6か月たっても減酒の効果がなければ専門医療機関への紹介を検討する。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 204) },
        Milestone { code: "effect_review_9m", due: at(9), what: "治療効果を判定する（3か月ごと）。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) },
        Milestone { code: "stop_review_12m", due: at(12), what: "薬の投与をやめ、(1) 断酒治療へ移る (2) 飲酒日記で減酒を続ける (3) 通院しながら中止後6か月まで様子を見る、のどれかを検討する。漫然と続けない。", cite: Cite::new("2.2(4) 薬剤投与の中止", 222, 236) },
    ];
    if let Some(s) = stopped {
        out.push(Milestone {
            code: "follow_up_6m_after_stop",
            due: s.checked_add_months(Months::new(6)).unwrap_or(s),
            what: "中止後6か月の経過を見る。60g/日以下を保てていれば治療終了。60g/日を超えていれば理由を確かめ、再投与の前に専門医療機関に相談する。",
            cite: Cite::new("2.2(5) 中止後6か月の経過観察", 238, 249),
        });
    }
    out
}

/// The prompt for every visit when reduction was chosen as an intermediate goal because the
/// patient refused referral (003:317-321), and the standing prompt to seek consent to
/// abstinence (003:189).
pub const ABSTINENCE_PROMPTS: [(&str, Cite); 2] = [
    ("減酒を選んでいても、断酒への同意を得るよう努める。", Cite::new("2.2 常に断酒治療への同意取得", 189, 189)),
    ("専門医療機関への紹介を拒まれて減酒を中間目標にした場合は、受診のたびに身体症状や検査値をもとに断酒の必要性を説明し、断酒や紹介を勧める。", Cite::new("2.4 紹介を拒む患者への対応", 317, 321)),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn the_issue_example_scores_24_and_suspects_dependence() {
        let a = AuditAnswers::parse_list("4,4,4,3,2,1,0,0,2,4").expect("valid");
        assert_eq!(a.total(), 24);
        assert_eq!(a.band().code, "suspected_dependence");
        assert_eq!(a.audit_c(), 12);
        assert!(a.audit_c_positive(Sex::Female) && a.audit_c_positive(Sex::Male));
    }

    #[test]
    fn bands_change_at_8_and_15() {
        // Items 1-8 take up to 4 each; items 9 and 10 add 4 each for totals above 32.
        let with_total = |t: u8| {
            let mut s = [0u8; 10];
            let mut left = t;
            for slot in s.iter_mut() {
                let v = left.min(4);
                *slot = v;
                left -= v;
            }
            AuditAnswers::parse(&s).expect("valid")
        };
        assert_eq!(with_total(7).band().code, "low_risk");
        assert_eq!(with_total(8).band().code, "problem_drinking");
        assert_eq!(with_total(14).band().code, "problem_drinking");
        assert_eq!(with_total(15).band().code, "suspected_dependence");
        assert_eq!(with_total(40).band().code, "suspected_dependence");
    }

    #[test]
    fn item_9_and_10_take_only_0_2_or_4_and_ten_answers_are_needed() {
        let e = AuditAnswers::parse(&[0, 0, 0, 0, 0, 0, 0, 0, 3, 0]).expect_err("3 on item 9");
        assert!(e.to_string().contains("item 9"), "{e}");
        assert!(AuditAnswers::parse(&[0; 11]).is_err());
        assert!(AuditAnswers::parse(&[5, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(AuditAnswers::parse_list("1,2,x").is_err());
    }

    #[test]
    fn audit_c_thresholds_differ_by_sex() {
        let a = AuditAnswers::parse(&[2, 1, 1, 0, 0, 0, 0, 0, 0, 0]).expect("valid");
        assert_eq!(a.audit_c(), 4);
        assert!(a.audit_c_positive(Sex::Female));
        assert!(!a.audit_c_positive(Sex::Male));
    }

    #[test]
    fn icd10_needs_three_criteria_together_or_repeated() {
        assert!(icd10_assess([true, true, true, false, false, false], true).dependence);
        assert!(!icd10_assess([true, true, true, false, false, false], false).dependence);
        assert!(!icd10_assess([true, true, false, false, false, false], true).dependence);
    }

    #[test]
    fn any_abstinence_criterion_chooses_abstinence() {
        assert_eq!(choose_goal(&[]), GoalDecision::ReductionPossible);
        for c in AbstinenceCriterion::ALL {
            assert_eq!(
                choose_goal(&[c]),
                GoalDecision::Abstinence { because: vec![c] }
            );
            assert_eq!(AbstinenceCriterion::parse(c.code()), Ok(c));
        }
    }

    #[test]
    fn grams_follow_the_manuals_formula_and_presets_hold_about_20_g() {
        assert!((pure_alcohol_grams(500.0, 5.0) - 20.0).abs() < 1e-9);
        for p in PRESETS {
            let g = pure_alcohol_grams(p.ml, p.abv);
            assert!((19.0..=21.0).contains(&g), "{} holds {g} g", p.code);
        }
        assert!(Drink::parse(-1.0, 5.0).is_err());
        assert!(Drink::parse(100.0, 101.0).is_err());
        assert!(Drink::parse(f64::NAN, 5.0).is_err());
    }

    #[test]
    fn risk_levels_follow_the_table_with_20_g_for_women_in_low() {
        use RiskLevel::*;
        let m = |g| drinking_risk_level(g, Sex::Male);
        let f = |g| drinking_risk_level(g, Sex::Female);
        assert_eq!(
            [
                m(0.0),
                m(1.0),
                m(40.0),
                m(40.1),
                m(60.0),
                m(60.1),
                m(100.0),
                m(100.1)
            ],
            [None, Low, Low, Medium, Medium, High, High, VeryHigh]
        );
        assert_eq!(
            [
                f(0.5),
                f(1.0),
                f(20.0),
                f(20.1),
                f(40.0),
                f(40.1),
                f(60.0),
                f(60.1)
            ],
            [None, Low, Low, Medium, Medium, High, High, VeryHigh]
        );
        assert_eq!(drinking_risk_level(70.0, Sex::Male).code(), "high");
    }

    #[test]
    fn a_week_of_diary_is_summarised_with_heavy_and_free_days() {
        let today = d(2026, 11, 21);
        let beer = Drink::parse(500.0, 5.0).expect("valid");
        let entries = [
            DiaryEntry::parse(d(2026, 11, 15), beer, 4, today).expect("valid"),
            DiaryEntry::parse(d(2026, 11, 16), beer, 1, today).expect("valid"),
        ];
        let s = summarise(&entries, d(2026, 11, 15), d(2026, 11, 21), Sex::Male).expect("valid");
        assert_eq!(s.days.len(), 7);
        assert!((s.total_grams - 100.0).abs() < 1e-9);
        assert_eq!((s.heavy_days, s.alcohol_free_days), (1, 5));
        assert!(s.within_success_target, "100 g over 7 days is 14.3 g/day");
        assert!(
            DiaryEntry::parse(d(2026, 11, 22), beer, 1, today).is_err(),
            "future"
        );
        assert!(summarise(&entries, d(2026, 11, 21), d(2026, 11, 15), Sex::Male).is_err());
        let empty = summarise(&[], d(2026, 11, 1), d(2026, 11, 7), Sex::Male).expect("valid");
        assert!(
            empty.total_grams.is_sign_positive() && empty.days[0].grams.is_sign_positive(),
            "no -0.0"
        );
    }

    #[test]
    fn the_schedule_reviews_every_three_months_and_follows_up_six_months_after_stopping() {
        let s = pathway_schedule(d(2026, 8, 31), Some(d(2027, 8, 31)));
        let due: Vec<(&str, NaiveDate)> = s.iter().map(|m| (m.code, m.due)).collect();
        assert_eq!(
            due,
            [
                ("effect_review_3m", d(2026, 11, 30)),
                ("effect_review_6m", d(2027, 2, 28)),
                ("effect_review_9m", d(2027, 5, 31)),
                ("stop_review_12m", d(2027, 8, 31)),
                ("follow_up_6m_after_stop", d(2028, 2, 29)),
            ]
        );
        assert!(s.iter().all(|m| m.cite.source().starts_with(MANUAL)));
    }
}

// --- pathway tracker ------------------------------------------------------------------------

/// One thing recorded on a patient's reduction pathway (stored as an `alcohol_pathway` record).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PathwayEvent {
    /// AUDIT screening.
    Screening {
        /// Day.
        date: NaiveDate,
        /// The ten scores.
        answers: Vec<u8>,
    },
    /// The goal was chosen.
    GoalChosen {
        /// Day.
        date: NaiveDate,
        /// Abstinence criteria that apply (codes).
        criteria: Vec<String>,
        /// Whether the patient consented to abstinence (asked in every case).
        abstinence_consent: bool,
    },
    /// Drug treatment started.
    TreatmentStarted {
        /// Day.
        date: NaiveDate,
    },
    /// A 3-monthly effect review: the average over the past 3 months.
    Evaluation {
        /// Day.
        date: NaiveDate,
        /// Average grams per day over the past 3 months.
        average_grams_per_day: f64,
        /// Whether drinking fell (効果あり).
        effective: bool,
        /// Whether drink-related health or social problems clearly improved.
        marked_improvement: bool,
    },
    /// The drug was stopped; `next` is the option chosen (1: abstinence treatment, 2: diary,
    /// 3: watch for 6 months).
    DrugStopped {
        /// Day.
        date: NaiveDate,
        /// 1, 2 or 3.
        next: u8,
    },
    /// The visit 6 months after stopping.
    FollowUp {
        /// Day.
        date: NaiveDate,
        /// Average grams per day.
        average_grams_per_day: f64,
    },
    /// The patient refused referral to a specialist.
    ReferralRefused {
        /// Day.
        date: NaiveDate,
    },
    /// The ICD-10 checklist: which of the six criteria are met, and whether they occurred
    /// together for a month or more, or repeatedly, in the past year.
    Icd10Assessed {
        /// Day.
        date: NaiveDate,
        /// Criteria met (1-6).
        met: Vec<u8>,
        /// Together for a month or more, or repeatedly, in the past year.
        together_or_repeated: bool,
    },
    /// The drug dose changed (the manual's example: 10 mg, then 20 mg after 3 months).
    DoseChanged {
        /// Day.
        date: NaiveDate,
        /// New daily dose in mg.
        mg: u32,
    },
    /// The patient's sex, for the thresholds that differ.
    SexRecorded {
        /// Day.
        date: NaiveDate,
        /// Sex.
        sex: Sex,
    },
    /// A small-step drinking goal agreed with the patient (003:259), in grams per day.
    DiaryGoal {
        /// Day.
        date: NaiveDate,
        /// Goal.
        grams_per_day: f64,
    },
}

impl PathwayEvent {
    /// The day it happened.
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Screening { date, .. }
            | Self::GoalChosen { date, .. }
            | Self::TreatmentStarted { date }
            | Self::Evaluation { date, .. }
            | Self::DrugStopped { date, .. }
            | Self::FollowUp { date, .. }
            | Self::ReferralRefused { date }
            | Self::SexRecorded { date, .. }
            | Self::Icd10Assessed { date, .. }
            | Self::DoseChanged { date, .. }
            | Self::DiaryGoal { date, .. } => *date,
        }
    }

    /// Checks an event before it is stored: dates not after `today`, scores valid, grams
    /// 0-1000, the stop option 1-3, criteria known.
    pub fn check(&self, today: NaiveDate) -> Result<(), AlcoholError> {
        if self.date() > today {
            return Err(field("date", format!("{} is in the future", self.date())));
        }
        let grams_ok = |g: f64| g.is_finite() && (0.0..=1000.0).contains(&g);
        match self {
            Self::Screening { answers, .. } => AuditAnswers::parse(answers).map(|_| ()),
            Self::GoalChosen { criteria, .. } => criteria
                .iter()
                .try_for_each(|c| AbstinenceCriterion::parse(c).map(|_| ())),
            Self::Evaluation {
                average_grams_per_day: g,
                ..
            }
            | Self::FollowUp {
                average_grams_per_day: g,
                ..
            }
            | Self::DiaryGoal {
                grams_per_day: g, ..
            } => {
                if grams_ok(*g) {
                    Ok(())
                } else {
                    Err(field("average_grams_per_day", "must be 0-1000 g"))
                }
            }
            Self::DrugStopped { next, .. } => {
                if (1..=3).contains(next) {
                    Ok(())
                } else {
                    Err(field("next", "choose option 1, 2 or 3"))
                }
            }
            Self::Icd10Assessed { met, .. } => {
                let mut seen = [false; 6];
                for &n in met {
                    if !(1..=6).contains(&n)
                        || std::mem::replace(&mut seen[usize::from(n - 1)], true)
                    {
                        return Err(field("met", "criteria are numbered 1-6, each at most once"));
                    }
                }
                Ok(())
            }
            Self::DoseChanged { mg, .. } => {
                if (1..=100).contains(mg) {
                    Ok(())
                } else {
                    Err(field("mg", "the dose must be 1-100 mg"))
                }
            }
            Self::TreatmentStarted { .. }
            | Self::ReferralRefused { .. }
            | Self::SexRecorded { .. } => Ok(()),
        }
    }
}

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    /// Recorded.
    Done,
    /// Due within 14 days.
    DueSoon,
    /// Past its date and not recorded.
    Overdue,
    /// Later.
    Upcoming,
}

/// A milestone with its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedMilestone {
    /// The milestone.
    pub milestone: Milestone,
    /// Its state.
    pub state: MilestoneState,
}

/// A prompt for the clinician, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    /// Stable code.
    pub code: &'static str,
    /// What to do (our words).
    pub text: String,
    /// Source.
    pub cite: Cite,
}

/// The pathway as the clinician sees it today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathwayView {
    /// The chosen goal, once chosen.
    pub goal: Option<GoalDecision>,
    /// The schedule, once treatment started.
    pub schedule: Vec<TrackedMilestone>,
    /// What to do now, most important first.
    pub prompts: Vec<Prompt>,
}

/// Works out the schedule's state and the prompts from the events (any order) at `today`.
///
/// Decisions: an evaluation records the average of the past 3 months, so one evaluation that
/// meets the target (or shows marked improvement) means the target held for 3 months
/// (003:212). The n-th evaluation fulfils the n-th 3-monthly review.
pub fn pathway_view(events: &[PathwayEvent], sex: Sex, today: NaiveDate) -> PathwayView {
    let mut ev: Vec<&PathwayEvent> = events.iter().collect();
    ev.sort_by_key(|e| e.date());
    let latest = |pred: &dyn Fn(&PathwayEvent) -> bool| ev.iter().rev().find(|e| pred(e)).copied();
    let mut prompts = Vec::new();

    let goal = latest(&|e| matches!(e, PathwayEvent::GoalChosen { .. })).map(|e| match e {
        PathwayEvent::GoalChosen {
            criteria,
            abstinence_consent,
            ..
        } => {
            let applies: Vec<AbstinenceCriterion> = criteria
                .iter()
                .filter_map(|c| AbstinenceCriterion::parse(c).ok())
                .collect();
            (choose_goal(&applies), *abstinence_consent)
        }
        _ => (GoalDecision::ReductionPossible, false),
    });
    let refused = latest(&|e| matches!(e, PathwayEvent::ReferralRefused { .. })).is_some();
    match &goal {
        None => {
            let icd10 = latest(&|e| matches!(e, PathwayEvent::Icd10Assessed { .. }));
            if let Some(PathwayEvent::Icd10Assessed {
                met,
                together_or_repeated,
                ..
            }) = icd10
            {
                let mut flags = [false; 6];
                for &n in met {
                    if (1..=6).contains(&n) {
                        flags[usize::from(n - 1)] = true;
                    }
                }
                if !icd10_assess(flags, *together_or_repeated).dependence {
                    prompts.push(Prompt {
                        code: "not_dependent",
                        text: "ICD-10 の基準を満たさない: 薬剤による減酒治療は依存症と診断された人が対象。経過を見て、問題が進めば改めて診断を考える。".into(),
                        cite: Cite::new("2.1①・(1)", 89, 102),
                    });
                }
            } else if let Some(PathwayEvent::Screening { answers, .. }) =
                latest(&|e| matches!(e, PathwayEvent::Screening { .. }))
            {
                if let Ok(a) = AuditAnswers::parse(answers) {
                    if a.total() >= 15 {
                        prompts.push(Prompt {
                            code: "diagnose_icd10",
                            text: "AUDIT 15点以上: ICD-10 の基準で依存症かどうかを診断する。"
                                .into(),
                            cite: Cite::new("2.1(1)", 102, 102),
                        });
                    }
                }
            }
            prompts.push(Prompt {
                code: "choose_goal",
                text: "断酒を選ぶべき基準（5項目）に当てはまるかを確かめ、治療目標を決める。"
                    .into(),
                cite: GOAL_CITES[0],
            });
        }
        Some((GoalDecision::Abstinence { .. }, consent)) => {
            if *consent {
                prompts.push(Prompt {
                    code: "abstinence_treatment",
                    text:
                        "断酒治療を進める。自施設で対応できなければ専門医療機関への紹介を考える。"
                            .into(),
                    cite: GOAL_CITES[2],
                });
            } else if refused {
                prompts.push(Prompt {
                    code: "intermediate_reduction",
                    text: ABSTINENCE_PROMPTS[1].0.into(),
                    cite: ABSTINENCE_PROMPTS[1].1,
                });
            } else {
                prompts.push(Prompt { code: "refer_specialist", text: "断酒に同意が得られないため、専門医療機関に紹介する（紹介を拒まれた場合は減酒を中間目標にできる）。".into(), cite: GOAL_CITES[2] });
            }
        }
        Some((GoalDecision::ReductionPossible, _)) => {
            prompts.push(Prompt {
                code: "seek_abstinence_consent",
                text: ABSTINENCE_PROMPTS[0].0.into(),
                cite: ABSTINENCE_PROMPTS[0].1,
            });
            if refused {
                prompts.push(Prompt {
                    code: "intermediate_reduction",
                    text: ABSTINENCE_PROMPTS[1].0.into(),
                    cite: ABSTINENCE_PROMPTS[1].1,
                });
            }
        }
    }

    let start =
        latest(&|e| matches!(e, PathwayEvent::TreatmentStarted { .. })).map(PathwayEvent::date);
    let stop = latest(&|e| matches!(e, PathwayEvent::DrugStopped { .. })).map(PathwayEvent::date);
    let mut schedule = Vec::new();
    if let Some(start) = start {
        let evaluations: Vec<&PathwayEvent> = ev
            .iter()
            .copied()
            .filter(|e| matches!(e, PathwayEvent::Evaluation { .. }) && e.date() >= start)
            .collect();
        let follow_up = latest(&|e| matches!(e, PathwayEvent::FollowUp { .. }));
        let mut review_no = 0usize;
        for m in pathway_schedule(start, stop) {
            let done = match m.code {
                "effect_review_3m" | "effect_review_6m" | "effect_review_9m" => {
                    review_no += 1;
                    evaluations.len() >= review_no || stop.is_some()
                }
                "stop_review_12m" => stop.is_some(),
                _ => follow_up.is_some(),
            };
            let state = if done {
                MilestoneState::Done
            } else if today > m.due {
                MilestoneState::Overdue
            } else if (m.due - today).num_days() <= 14 {
                MilestoneState::DueSoon
            } else {
                MilestoneState::Upcoming
            };
            schedule.push(TrackedMilestone {
                milestone: m,
                state,
            });
        }
        if let Some(PathwayEvent::Evaluation {
            date,
            average_grams_per_day,
            effective,
            marked_improvement,
        }) = evaluations.last().copied()
        {
            let six_months = start.checked_add_months(Months::new(6)).unwrap_or(start);
            if *average_grams_per_day <= success_target(sex) || *marked_improvement {
                prompts.push(Prompt { code: "success", text: format!("飲酒量低減の目安を達成（3か月平均 {:.1} g/日）。薬の投与をやめ、他の治療への移行を検討する。", average_grams_per_day), cite: SUCCESS_CITE });
            } else if !effective && *date >= six_months {
                prompts.push(Prompt { code: "refer_no_effect", text: "治療開始から6か月たっても減酒の効果がない: 専門医療機関への紹介を検討する。".into(), cite: Cite::new("2.2(2) 治療効果の判定", 204, 204) });
            } else if !effective {
                prompts.push(Prompt { code: "consider_dose", text: "効果が認められない: 薬の増量を検討する。判定に迷うときは専門医療機関に相談する。".into(), cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) });
            }
        }
        let twelve = start.checked_add_months(Months::new(12)).unwrap_or(start);
        if stop.is_none() && today >= twelve {
            prompts.push(Prompt { code: "stop_review", text: "治療開始から12か月: 薬の投与をやめ、次の治療（断酒治療・飲酒日記での減酒・6か月の経過観察）を検討する。漫然と続けない。".into(), cite: Cite::new("2.2(4) 薬剤投与の中止", 222, 236) });
        }
        if let Some(PathwayEvent::FollowUp {
            average_grams_per_day,
            ..
        }) = follow_up
        {
            if *average_grams_per_day <= 60.0 {
                prompts.push(Prompt { code: "treatment_end", text: "中止後6か月も 60 g/日以下を保てている: 治療終了（必要なら経過観察を続ける）。".into(), cite: Cite::new("2.2(5)①", 240, 245) });
            } else {
                prompts.push(Prompt { code: "consult_before_represcribing", text: "60 g/日を超える飲酒に戻った: 理由を確かめ、再投与の前に専門医療機関に相談する。".into(), cite: Cite::new("2.2(5)②", 247, 249) });
            }
        }
    }
    PathwayView {
        goal: goal.map(|(g, _)| g),
        schedule,
        prompts,
    }
}

#[cfg(test)]
mod pathway_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }
    fn codes(v: &PathwayView) -> Vec<&'static str> {
        v.prompts.iter().map(|p| p.code).collect()
    }
    fn goal(criteria: &[&str], consent: bool) -> PathwayEvent {
        PathwayEvent::GoalChosen {
            date: d(2026, 1, 10),
            criteria: criteria.iter().map(|s| (*s).to_owned()).collect(),
            abstinence_consent: consent,
        }
    }
    fn eval(date: NaiveDate, g: f64, effective: bool) -> PathwayEvent {
        PathwayEvent::Evaluation {
            date,
            average_grams_per_day: g,
            effective,
            marked_improvement: false,
        }
    }

    #[test]
    fn before_a_goal_the_clinician_is_asked_to_diagnose_and_choose() {
        let v = pathway_view(
            &[PathwayEvent::Screening {
                date: d(2026, 1, 5),
                answers: vec![4, 4, 4, 3, 2, 1, 0, 0, 2, 4],
            }],
            Sex::Male,
            d(2026, 1, 5),
        );
        assert_eq!(codes(&v), ["diagnose_icd10", "choose_goal"]);
        assert!(v.schedule.is_empty());
    }

    #[test]
    fn reduction_always_asks_for_abstinence_consent_and_refusal_adds_the_visit_prompt() {
        let v = pathway_view(&[goal(&[], false)], Sex::Male, d(2026, 1, 10));
        assert_eq!(v.goal, Some(GoalDecision::ReductionPossible));
        assert_eq!(codes(&v), ["seek_abstinence_consent"]);
        let v = pathway_view(
            &[goal(&["wants_abstinence"], false)],
            Sex::Male,
            d(2026, 1, 10),
        );
        assert_eq!(codes(&v), ["refer_specialist"]);
        let v = pathway_view(
            &[
                goal(&["wants_abstinence"], false),
                PathwayEvent::ReferralRefused {
                    date: d(2026, 1, 20),
                },
            ],
            Sex::Male,
            d(2026, 1, 20),
        );
        assert_eq!(codes(&v), ["intermediate_reduction"]);
        let v = pathway_view(
            &[goal(&["urgent_withdrawal"], true)],
            Sex::Male,
            d(2026, 1, 10),
        );
        assert_eq!(codes(&v), ["abstinence_treatment"]);
    }

    #[test]
    fn the_schedule_tracks_reviews_and_flags_what_is_overdue() {
        let start = d(2026, 1, 15);
        let events = [
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
            eval(d(2026, 4, 15), 70.0, true),
        ];
        let v = pathway_view(&events, Sex::Male, d(2026, 7, 20));
        let states: Vec<MilestoneState> = v.schedule.iter().map(|m| m.state).collect();
        assert_eq!(
            states,
            [
                MilestoneState::Done,
                MilestoneState::Overdue,
                MilestoneState::Upcoming,
                MilestoneState::Upcoming
            ]
        );
        let v = pathway_view(&events, Sex::Male, d(2026, 7, 5));
        assert_eq!(v.schedule[1].state, MilestoneState::DueSoon);
    }

    #[test]
    fn no_effect_by_month_six_prompts_referral_and_success_prompts_stopping() {
        let start = d(2026, 1, 15);
        let base = [
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
        ];
        let mut e = base.to_vec();
        e.push(eval(d(2026, 4, 15), 80.0, false));
        assert!(codes(&pathway_view(&e, Sex::Male, d(2026, 4, 15))).contains(&"consider_dose"));
        e.push(eval(d(2026, 7, 15), 80.0, false));
        assert!(codes(&pathway_view(&e, Sex::Male, d(2026, 7, 15))).contains(&"refer_no_effect"));
        let mut ok = base.to_vec();
        ok.push(eval(d(2026, 4, 15), 40.0, true));
        assert!(codes(&pathway_view(&ok, Sex::Male, d(2026, 4, 15))).contains(&"success"));
        assert!(
            !codes(&pathway_view(&ok, Sex::Female, d(2026, 4, 15))).contains(&"success"),
            "women: 20 g"
        );
    }

    #[test]
    fn at_twelve_months_stopping_is_prompted_and_the_follow_up_decides_the_end() {
        let start = d(2026, 1, 15);
        let mut e = vec![
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
        ];
        assert!(codes(&pathway_view(&e, Sex::Male, d(2027, 1, 15))).contains(&"stop_review"));
        e.push(PathwayEvent::DrugStopped {
            date: d(2027, 1, 15),
            next: 3,
        });
        let v = pathway_view(&e, Sex::Male, d(2027, 1, 16));
        assert!(!codes(&v).contains(&"stop_review"));
        assert_eq!(
            v.schedule
                .last()
                .map(|m| (m.milestone.code, m.milestone.due)),
            Some(("follow_up_6m_after_stop", d(2027, 7, 15)))
        );
        let mut over = e.clone();
        over.push(PathwayEvent::FollowUp {
            date: d(2027, 7, 15),
            average_grams_per_day: 61.0,
        });
        assert!(codes(&pathway_view(&over, Sex::Male, d(2027, 7, 15)))
            .contains(&"consult_before_represcribing"));
        e.push(PathwayEvent::FollowUp {
            date: d(2027, 7, 15),
            average_grams_per_day: 60.0,
        });
        assert!(codes(&pathway_view(&e, Sex::Male, d(2027, 7, 15))).contains(&"treatment_end"));
    }

    #[test]
    fn an_icd10_assessment_without_dependence_says_so_instead_of_asking_for_a_goal() {
        let icd = |met: Vec<u8>, together| PathwayEvent::Icd10Assessed {
            date: d(2026, 1, 6),
            met,
            together_or_repeated: together,
        };
        let v = pathway_view(&[icd(vec![1, 2], true)], Sex::Male, d(2026, 1, 6));
        assert_eq!(codes(&v), ["not_dependent", "choose_goal"]);
        let v = pathway_view(&[icd(vec![1, 2, 3], true)], Sex::Male, d(2026, 1, 6));
        assert_eq!(codes(&v), ["choose_goal"]);
        assert!(icd(vec![1, 1], true).check(d(2026, 1, 6)).is_err());
        assert!(icd(vec![7], true).check(d(2026, 1, 6)).is_err());
        assert!(PathwayEvent::DoseChanged {
            date: d(2026, 1, 6),
            mg: 0
        }
        .check(d(2026, 1, 6))
        .is_err());
        assert!(PathwayEvent::DoseChanged {
            date: d(2026, 1, 6),
            mg: 20
        }
        .check(d(2026, 1, 6))
        .is_ok());
    }

    #[test]
    fn events_are_checked_before_they_are_stored() {
        let today = d(2026, 1, 1);
        assert!(PathwayEvent::TreatmentStarted {
            date: d(2026, 1, 2)
        }
        .check(today)
        .is_err());
        assert!(PathwayEvent::Screening {
            date: today,
            answers: vec![0; 9]
        }
        .check(today)
        .is_err());
        assert!(PathwayEvent::DrugStopped {
            date: today,
            next: 4
        }
        .check(today)
        .is_err());
        assert!(eval(today, -1.0, true).check(today).is_err());
        assert!(goal(&["nope"], false).check(d(2026, 2, 1)).is_err());
        assert!(eval(today, 30.0, true).check(today).is_ok());
    }
}

/// A diary line as stored (one `drinking_diary` record per line).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoredDrink {
    /// Day.
    pub date: NaiveDate,
    /// Volume of one serving.
    pub ml: f64,
    /// Strength.
    pub abv: f64,
    /// Servings.
    pub count: u32,
    /// What it was (a preset's name or 「その他」).
    pub label: String,
}

impl StoredDrink {
    /// Checks it as a diary entry at `today`.
    pub fn entry(&self, today: NaiveDate) -> Result<DiaryEntry, AlcoholError> {
        DiaryEntry::parse(
            self.date,
            Drink::parse(self.ml, self.abv)?,
            self.count,
            today,
        )
    }
}

/// Where the small-step goals are.
pub const SMALL_STEP_CITE: Cite = Cite::new("2.2(6)① 飲酒量の目標設定", 257, 259);

/// The diary's CSV header (the staff export and the self-check use the same file).
pub const DIARY_CSV_HEADER: [&str; 6] = ["date", "drink", "ml", "abv_percent", "count", "grams"];
/// Most lines a diary file may have.
pub const MAX_DIARY_LINES: usize = 2000;

/// Writes diary lines as CSV (UTF-8, with the header; `grams` is computed).
pub fn diary_csv(drinks: &[StoredDrink]) -> Result<String, AlcoholError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| field("diary", e.to_string());
    w.write_record(DIARY_CSV_HEADER).map_err(e)?;
    for d in drinks {
        let g = pure_alcohol_grams(d.ml, d.abv) * f64::from(d.count);
        w.write_record([
            d.date.to_string(),
            d.label.clone(),
            d.ml.to_string(),
            d.abv.to_string(),
            d.count.to_string(),
            format!("{g:.1}"),
        ])
        .map_err(e)?;
    }
    let bytes = w.into_inner().map_err(|x| field("diary", x.to_string()))?;
    String::from_utf8(bytes).map_err(|x| field("diary", x.to_string()))
}

/// Reads a diary CSV (as written by [`diary_csv`]; the `grams` column is ignored and
/// recomputed). Every bad line is reported with its line number; nothing is returned then.
pub fn read_diary_csv(text: &str, today: NaiveDate) -> Result<Vec<StoredDrink>, Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        if i >= MAX_DIARY_LINES {
            errors.push(format!("{MAX_DIARY_LINES} 行を超えています"));
            break;
        }
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{line}行目: {e}"));
                continue;
            }
        };
        let col = |k: usize| rec.get(k).unwrap_or("").trim();
        let parsed = (|| {
            let date = NaiveDate::parse_from_str(col(0), "%Y-%m-%d")
                .map_err(|_| field("date", format!("{:?} is not YYYY-MM-DD", col(0))))?;
            let ml: f64 = col(2).parse().map_err(|_| field("ml", "not a number"))?;
            let abv: f64 = col(3).parse().map_err(|_| field("abv", "not a number"))?;
            let count: u32 = col(4)
                .parse()
                .map_err(|_| field("count", "not a whole number"))?;
            let label: String = col(1).chars().take(40).collect();
            let d = StoredDrink {
                date,
                ml,
                abv,
                count,
                label: if label.is_empty() {
                    "その他".into()
                } else {
                    label
                },
            };
            d.entry(today)?;
            Ok::<_, AlcoholError>(d)
        })();
        match parsed {
            Ok(d) => out.push(d),
            Err(e) => errors.push(format!("{line}行目: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod diary_csv_tests {
    use super::*;

    #[test]
    fn a_diary_round_trips_through_csv_and_bad_lines_are_named() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
        let drinks = vec![
            StoredDrink {
                date: today,
                ml: 500.0,
                abv: 5.0,
                count: 2,
                label: "ビール・発泡酒".into(),
            },
            StoredDrink {
                date: today,
                ml: 100.0,
                abv: 40.0,
                count: 1,
                label: "その他, 強い酒".into(),
            },
        ];
        let text = diary_csv(&drinks).expect("csv");
        assert!(text.starts_with("date,drink,ml,abv_percent,count,grams\n"));
        assert_eq!(read_diary_csv(&text, today), Ok(drinks));
        let bad = "date,drink,ml,abv_percent,count,grams\n2026-11-22,beer,500,5,1,20\n2026-11-20,beer,-1,5,1,0\nx,beer,500,5,1,20\n";
        let errors = read_diary_csv(bad, today).expect_err("bad lines");
        assert_eq!(errors.len(), 3);
        assert!(
            errors[0].starts_with("2行目: date")
                && errors[1].starts_with("3行目: ml")
                && errors[2].starts_with("4行目: date"),
            "{errors:?}"
        );
    }
}
