//! Pure-alcohol grams of a drink, the presets, and the WHO drinking-risk levels.

use crate::alcohol::shared::{field, AlcoholError, Cite, Sex};
use serde::Serialize;

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
