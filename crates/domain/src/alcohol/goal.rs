//! The choice of treatment goal (abstinence or reduction) from the screening and the
//! checklist, as the manual's flow decides it.

use crate::alcohol::shared::{field, AlcoholError, Cite};
use serde::Serialize;

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
