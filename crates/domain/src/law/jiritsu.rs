//! 自立支援医療（精神通院医療）: money rules — the income category (所得区分) and its monthly
//! cap (負担上限月額), the fallbacks when income cannot be confirmed, the co-payment with its ¥10
//! rounding, and the monthly cap ledger (自己負担上限額管理票). The dated rules (validity,
//! renewal window, the day a category change takes effect) are in [`crate::law::deadlines`].
//!
//! Every rule cites the 自立支援医療費支給認定通則実施要綱 as printed in the handbook
//! (`004_d9518c60032bdf29.txt`, 20396–20560). Decisions where the seed leaves room are written
//! next to the rule they touch.

use crate::common::basis::Basis;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

const fn basis(law: &'static str, source: &'static str) -> Basis {
    Basis { law, source }
}

/// Where the rounding rule is: co-payments are rounded to the nearest ¥10 (amounts under ¥10
/// 四捨五入), as 健康保険法第75条 does for the insurance co-payment they are part of.
pub const ROUNDING_BASIS: Basis = basis(
    "健康保険法第75条の端数処理（自立支援医療の自己負担）",
    "004_d9518c60032bdf29.txt:20558",
);

/// The person pays 1割 (10%) of the cost, up to the monthly cap.
pub const RATE_BASIS: Basis = basis(
    "障害者自立支援法第58条（自己負担は原則1割）",
    "004_d9518c60032bdf29.txt:2329",
);

/// The ledger: the provider writes each payment and the month's running total, and collects
/// nothing more once the cap is reached.
pub const LEDGER_BASIS: Basis = basis(
    "自立支援医療費支給認定通則実施要綱 第7（自己負担上限額管理票）",
    "004_d9518c60032bdf29.txt:20519-20520",
);

/// A co-payment in yen rounded to the nearest ¥10, with ¥5 rounding up (四捨五入).
pub fn round_copayment(yen: u64) -> u64 {
    (yen.saturating_add(5) / 10) * 10
}

/// 1割 of a cost in yen, rounded to ¥10 (四捨五入 of the exact tenth: ¥12,350 → ¥1,240).
pub fn tenth_rounded(cost: u64) -> u64 {
    (cost.saturating_add(50) / 100) * 10
}

crate::common::codes::code_enum!(
    /// 所得区分 for 精神通院医療. The 育成医療 categories are out of scope.
    Category, "income category" {
        /// ① 生活保護.
        Welfare => ("welfare", "生活保護"),
        /// ② 低所得1.
        Low1 => ("low_1", "低所得1"),
        /// ③ 低所得2.
        Low2 => ("low_2", "低所得2"),
        /// ④ 中間所得層 (not 重度かつ継続).
        Middle => ("middle", "中間所得層"),
        /// ④' 中間所得層1 (重度かつ継続, 所得割 < ¥20,000).
        Middle1 => ("middle_1", "中間所得層1（重度かつ継続）"),
        /// ④'' 中間所得層2 (重度かつ継続, ¥20,000 ≤ 所得割 < ¥200,000).
        Middle2 => ("middle_2", "中間所得層2（重度かつ継続）"),
        /// ⑤ 一定所得以上: not covered.
        High => ("high", "一定所得以上"),
        /// ⑤' 一定所得以上（重度かつ継続）.
        HighSevere => ("high_severe", "一定所得以上（重度かつ継続）"),
    }
);

/// A monthly cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "yen")]
pub enum Cap {
    /// At most this many yen a month.
    Yen(u64),
    /// No monthly cap: 1割 of each cost (上限は医療保険の高額療養費の基準額, 20559).
    NoCap,
    /// Not covered by 自立支援医療.
    NotCovered,
}

impl Category {
    /// The monthly cap and the line that states it.
    pub fn cap(self) -> (Cap, Basis) {
        let law = "自立支援医療費支給認定通則実施要綱 第2（所得区分と負担上限月額）";
        match self {
            Category::Welfare => (Cap::Yen(0), basis(law, "004_d9518c60032bdf29.txt:20401")),
            Category::Low1 => (
                Cap::Yen(2_500),
                basis(law, "004_d9518c60032bdf29.txt:20402"),
            ),
            Category::Low2 => (
                Cap::Yen(5_000),
                basis(law, "004_d9518c60032bdf29.txt:20403"),
            ),
            Category::Middle => (Cap::NoCap, basis(law, "004_d9518c60032bdf29.txt:20404")),
            Category::Middle1 => (
                Cap::Yen(5_000),
                basis(law, "004_d9518c60032bdf29.txt:20410"),
            ),
            Category::Middle2 => (
                Cap::Yen(10_000),
                basis(law, "004_d9518c60032bdf29.txt:20412"),
            ),
            Category::High => (
                Cap::NotCovered,
                basis(law, "004_d9518c60032bdf29.txt:20405"),
            ),
            Category::HighSevere => (
                Cap::Yen(20_000),
                basis(law, "004_d9518c60032bdf29.txt:20422"),
            ),
        }
    }
}

/// What is known of the 世帯's municipal tax (市町村民税) for the year that counts (the year
/// of care; for April–June care, the year before: 20436).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tax {
    /// Nothing about income could be confirmed.
    Unknown,
    /// No tax return was filed, so non-taxation cannot be confirmed.
    NotFiled,
    /// The 世帯 is 市町村民税非課税.
    NonTaxable,
    /// The 世帯 is taxed; the sum of its members' 所得割 may be given.
    Taxed,
}

/// The facts the category depends on, as an application states them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// The 世帯 (those on the same medical insurance) receives 生活保護.
    #[serde(default)]
    pub welfare: bool,
    /// Not insured, without a good reason for not joining.
    #[serde(default)]
    pub uninsured_without_reason: bool,
    /// What is known of the 世帯's tax.
    pub tax: Tax,
    /// For a non-taxable 世帯: the recipient's 合計所得金額 (may be negative; counts as 0).
    #[serde(default)]
    pub total_income: Option<i64>,
    /// The recipient's 公的年金等の収入金額.
    #[serde(default)]
    pub public_pension: Option<u64>,
    /// The recipient's other benefits (施行規則第28条の給付).
    #[serde(default)]
    pub other_benefits: Option<u64>,
    /// For a taxed 世帯: the sum of the members' 市町村民税所得割, if confirmed.
    #[serde(default)]
    pub income_levy_total: Option<u64>,
    /// For a taxed 世帯: only "所得割 under ¥200,000" could be confirmed.
    #[serde(default)]
    pub income_levy_below_200k: bool,
    /// The patient is a 高額治療継続者 (重度かつ継続).
    #[serde(default)]
    pub severe_continuing: bool,
    /// Not filed, but the prefecture, on the municipality's advice, treats the 世帯 as
    /// non-taxable (精神通院 only): `low_2`, or `low_1` at the prefecture's discretion.
    #[serde(default)]
    pub treated_as_non_taxable: Option<Category>,
}

/// A reason in the assessment: what was decided, and the line that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// What (our words).
    pub text: String,
    /// Where.
    pub basis: Basis,
}

/// The assessed category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The category.
    pub category: Category,
    /// Its monthly cap.
    pub cap: Cap,
    /// How it was reached, in order.
    pub reasons: Vec<Reason>,
}

/// An impossible or incomplete household.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadHousehold(pub String);

/// The 所得区分 of a household, with every step's basis.
pub fn categorise(h: &Household) -> Result<Assessment, BadHousehold> {
    let law = "自立支援医療費支給認定通則実施要綱";
    let mut reasons = Vec::new();
    let mut why = |text: &str, source: &'static str| {
        reasons.push(Reason {
            text: text.to_owned(),
            basis: basis(law, source),
        })
    };
    if h.treated_as_non_taxable.is_some() && h.tax != Tax::NotFiled {
        return Err(BadHousehold(
            "treated_as_non_taxable applies only when no tax return was filed".into(),
        ));
    }
    if !matches!(h.tax, Tax::Taxed) && (h.income_levy_total.is_some() || h.income_levy_below_200k) {
        return Err(BadHousehold(
            "income_levy_total / income_levy_below_200k apply only to a taxed household".into(),
        ));
    }
    let category = if h.welfare {
        why(
            "生活保護世帯なので①生活保護。",
            "004_d9518c60032bdf29.txt:20424",
        );
        Category::Welfare
    } else if h.uninsured_without_reason {
        why(
            "正当な理由なく医療保険に加入していないため、世帯と所得を確かめられず⑤一定所得以上として扱う（重度かつ継続の特例もない）。",
            "004_d9518c60032bdf29.txt:20554",
        );
        Category::High
    } else {
        match h.tax {
            Tax::Unknown => {
                why(
                    "所得が確認できないため⑤一定所得以上として扱う。",
                    "004_d9518c60032bdf29.txt:20483",
                );
                severe_high(h, &mut why)
            }
            Tax::NotFiled => match h.treated_as_non_taxable {
                None => {
                    why(
                        "未申告で非課税が確認できないため⑤一定所得以上として扱う（重度かつ継続の特例もない）。",
                        "004_d9518c60032bdf29.txt:20538",
                    );
                    Category::High
                }
                Some(c @ (Category::Low2 | Category::Low1)) => {
                    why(
                        "精神通院医療の特例：市町村の意見をもとに都道府県が非課税とみなしたので、原則③低所得2（都道府県の判断で②低所得1）。",
                        "004_d9518c60032bdf29.txt:20545",
                    );
                    c
                }
                Some(other) => {
                    return Err(BadHousehold(format!(
                        "treated_as_non_taxable must be low_2 or low_1, not {other}"
                    )))
                }
            },
            Tax::NonTaxable => {
                let known = h.total_income.is_some()
                    || h.public_pension.is_some()
                    || h.other_benefits.is_some();
                if !known {
                    why(
                        "非課税であることだけが確認できたので③低所得2として扱う。",
                        "004_d9518c60032bdf29.txt:20487",
                    );
                    Category::Low2
                } else {
                    // A negative 合計所得 counts as 0 (20430).
                    let income = u64::try_from(h.total_income.unwrap_or(0).max(0))
                        .unwrap_or(0)
                        .saturating_add(h.public_pension.unwrap_or(0))
                        .saturating_add(h.other_benefits.unwrap_or(0));
                    if income <= 800_000 {
                        why(
                            &format!("市町村民税非課税世帯で、本人の収入（合計所得〔マイナスは0〕＋公的年金等＋給付）が {income} 円と80万円以下なので②低所得1。"),
                            "004_d9518c60032bdf29.txt:20426",
                        );
                        Category::Low1
                    } else {
                        why(
                            &format!("市町村民税非課税世帯で、本人の収入が {income} 円と80万円を超えるので③低所得2。"),
                            "004_d9518c60032bdf29.txt:20446",
                        );
                        Category::Low2
                    }
                }
            }
            Tax::Taxed => match (h.income_levy_total, h.income_levy_below_200k) {
                (Some(levy), _) if levy >= 200_000 => {
                    why(
                        &format!("世帯の所得割の合計が {levy} 円と20万円以上なので⑤一定所得以上。"),
                        "004_d9518c60032bdf29.txt:20448",
                    );
                    severe_high(h, &mut why)
                }
                (Some(levy), _) => {
                    if !h.severe_continuing {
                        why(
                            &format!("世帯の所得割の合計が {levy} 円と20万円未満なので④中間所得層（上限なし）。"),
                            "004_d9518c60032bdf29.txt:20447",
                        );
                        Category::Middle
                    } else if levy < 20_000 {
                        why(
                            &format!("重度かつ継続で、世帯の所得割の合計が {levy} 円と2万円未満なので④'中間所得層1。"),
                            "004_d9518c60032bdf29.txt:20449",
                        );
                        Category::Middle1
                    } else {
                        why(
                            &format!("重度かつ継続で、世帯の所得割の合計が {levy} 円と2万円以上20万円未満なので④''中間所得層2。"),
                            "004_d9518c60032bdf29.txt:20450",
                        );
                        Category::Middle2
                    }
                }
                (None, true) => {
                    why(
                        "所得割が20万円未満であることだけが確認できたので④中間所得層（重度かつ継続なら④''中間所得層2）として扱う。",
                        "004_d9518c60032bdf29.txt:20485",
                    );
                    if h.severe_continuing {
                        Category::Middle2
                    } else {
                        Category::Middle
                    }
                }
                (None, false) => {
                    why(
                        "課税世帯だが所得割の額が確認できないため⑤一定所得以上として扱う。",
                        "004_d9518c60032bdf29.txt:20483",
                    );
                    severe_high(h, &mut why)
                }
            },
        }
    };
    let (cap, cap_basis) = category.cap();
    reasons.push(Reason {
        text: match cap {
            Cap::Yen(y) => format!("負担上限月額は {y} 円。"),
            Cap::NoCap => "負担上限月額の設定はなく、医療費の1割を負担する（医療保険の高額療養費の基準額を超える分は徴収しない）。".into(),
            Cap::NotCovered => "自立支援医療費の支給の対象外。".into(),
        },
        basis: cap_basis,
    });
    Ok(Assessment {
        category,
        cap,
        reasons,
    })
}

/// ⑤ or, for 重度かつ継続, ⑤'. The seed states ⑤' for the 3 years after the law took effect
/// (20420); it does not say what followed. Decision: apply it as the seed states, and say in
/// the reason that the seed words it as time-limited, so staff confirm the current rule.
fn severe_high(h: &Household, why: &mut impl FnMut(&str, &'static str)) -> Category {
    if h.severe_continuing {
        why(
            "重度かつ継続なので⑤'一定所得以上（重度かつ継続）。資料は「法の施行後3年の間」の措置として記しているため、現在の扱いを確認すること。",
            "004_d9518c60032bdf29.txt:20454",
        );
        Category::HighSevere
    } else {
        Category::High
    }
}

/// One visit: the day and the total cost of the care (10割), in yen. Meals are not part of it
/// (20532).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// Day of care.
    pub date: NaiveDate,
    /// Total cost in yen.
    pub cost: u64,
}

/// One line of the cap ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LedgerLine {
    /// Day of care.
    pub date: NaiveDate,
    /// Total cost.
    pub cost: u64,
    /// 1割, rounded to ¥10.
    pub tenth: u64,
    /// What the person pays at this visit.
    pub copay: u64,
    /// The month's running total.
    pub month_total: u64,
    /// The cap was reached with this visit or before: nothing more is collected this month.
    pub cap_reached: bool,
}

/// The cap ledger over visits in date order, restarting each calendar month. Caps apply per
/// kind of 自立支援医療 (20524); this ledger is for 精神通院医療 only.
pub fn ledger(cap: Cap, visits: &[Visit]) -> Result<Vec<LedgerLine>, BadHousehold> {
    if cap == Cap::NotCovered {
        return Err(BadHousehold(
            "this category is not covered by 自立支援医療: there is no ledger".into(),
        ));
    }
    let mut sorted = visits.to_vec();
    sorted.sort_by_key(|v| v.date);
    let mut out = Vec::with_capacity(sorted.len());
    let mut month = None;
    let mut total = 0u64;
    for v in sorted {
        let m = (v.date.year(), v.date.month());
        if month != Some(m) {
            month = Some(m);
            total = 0;
        }
        let tenth = tenth_rounded(v.cost);
        let copay = match cap {
            Cap::Yen(limit) => tenth.min(limit.saturating_sub(total)),
            _ => tenth,
        };
        total = total.saturating_add(copay);
        out.push(LedgerLine {
            date: v.date,
            cost: v.cost,
            tenth,
            copay,
            month_total: total,
            cap_reached: matches!(cap, Cap::Yen(limit) if total >= limit),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(tax: Tax) -> Household {
        Household {
            welfare: false,
            uninsured_without_reason: false,
            tax,
            total_income: None,
            public_pension: None,
            other_benefits: None,
            income_levy_total: None,
            income_levy_below_200k: false,
            severe_continuing: false,
            treated_as_non_taxable: None,
        }
    }

    fn cat(h: &Household) -> Category {
        categorise(h).expect("valid").category
    }

    #[test]
    fn copayments_round_half_up_to_ten_yen() {
        assert_eq!(round_copayment(0), 0);
        assert_eq!(round_copayment(4), 0);
        assert_eq!(round_copayment(5), 10);
        assert_eq!(round_copayment(1234), 1230);
        assert_eq!(round_copayment(1235), 1240);
        assert_eq!(round_copayment(2500), 2500);
        assert_eq!(tenth_rounded(12_345), 1_230);
        assert_eq!(tenth_rounded(12_350), 1_240);
        assert_eq!(tenth_rounded(49), 0);
        assert_eq!(tenth_rounded(50), 10);
    }

    #[test]
    fn the_categories_follow_welfare_tax_income_and_severity() {
        let mut h = household(Tax::NonTaxable);
        h.welfare = true;
        assert_eq!(cat(&h), Category::Welfare);
        let mut h = household(Tax::NonTaxable);
        h.total_income = Some(-300_000);
        h.public_pension = Some(800_000);
        assert_eq!(cat(&h), Category::Low1, "negative income counts as 0");
        h.other_benefits = Some(1);
        assert_eq!(cat(&h), Category::Low2);
        let mut h = household(Tax::Taxed);
        h.income_levy_total = Some(19_999);
        assert_eq!(cat(&h), Category::Middle);
        h.severe_continuing = true;
        assert_eq!(cat(&h), Category::Middle1);
        h.income_levy_total = Some(20_000);
        assert_eq!(cat(&h), Category::Middle2);
        h.income_levy_total = Some(199_999);
        assert_eq!(cat(&h), Category::Middle2);
        h.income_levy_total = Some(200_000);
        assert_eq!(cat(&h), Category::HighSevere);
        h.severe_continuing = false;
        assert_eq!(cat(&h), Category::High);
        assert_eq!(Category::High.cap().0, Cap::NotCovered);
        assert_eq!(Category::Middle.cap().0, Cap::NoCap);
        assert_eq!(Category::Middle2.cap().0, Cap::Yen(10_000));
    }

    #[test]
    fn the_fallbacks_when_income_cannot_be_confirmed() {
        let mut h = household(Tax::Unknown);
        assert_eq!(cat(&h), Category::High);
        h.severe_continuing = true;
        assert_eq!(cat(&h), Category::HighSevere);
        assert_eq!(cat(&household(Tax::NonTaxable)), Category::Low2);
        let mut h = household(Tax::Taxed);
        h.income_levy_below_200k = true;
        assert_eq!(cat(&h), Category::Middle);
        h.severe_continuing = true;
        assert_eq!(cat(&h), Category::Middle2);
        // Not filed, or uninsured without reason: ⑤ without the 重度かつ継続 exception.
        let mut h = household(Tax::NotFiled);
        h.severe_continuing = true;
        assert_eq!(cat(&h), Category::High);
        h.treated_as_non_taxable = Some(Category::Low1);
        assert_eq!(cat(&h), Category::Low1);
        h.treated_as_non_taxable = Some(Category::Middle);
        assert!(categorise(&h).is_err());
        let mut h = household(Tax::Taxed);
        h.income_levy_total = Some(0);
        h.severe_continuing = true;
        h.uninsured_without_reason = true;
        assert_eq!(cat(&h), Category::High);
        let mut h = household(Tax::NonTaxable);
        h.income_levy_total = Some(1);
        assert!(categorise(&h).is_err(), "a levy on a non-taxable household");
    }

    #[test]
    fn the_ledger_stops_collecting_at_the_cap_and_restarts_each_month() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let visits = [
            Visit {
                date: d(11, 20),
                cost: 12_345,
            },
            Visit {
                date: d(11, 5),
                cost: 30_000,
            },
            Visit {
                date: d(11, 27),
                cost: 4_000,
            },
            Visit {
                date: d(12, 1),
                cost: 4_000,
            },
        ];
        let l = ledger(Cap::Yen(5_000), &visits).expect("covered");
        let copays: Vec<(u64, u64, bool)> = l
            .iter()
            .map(|x| (x.copay, x.month_total, x.cap_reached))
            .collect();
        assert_eq!(
            copays,
            [
                (3_000, 3_000, false),
                (1_230, 4_230, false),
                (400, 4_630, false),
                (400, 400, false)
            ]
        );
        let l = ledger(Cap::Yen(2_500), &visits).expect("covered");
        let copays: Vec<u64> = l.iter().map(|x| x.copay).collect();
        assert_eq!(copays, [2_500, 0, 0, 400]);
        assert!(l[1].cap_reached);
        let l = ledger(Cap::NoCap, &visits).expect("covered");
        assert_eq!(l[0].copay, 3_000);
        assert!(ledger(Cap::NotCovered, &visits).is_err());
        let l = ledger(Cap::Yen(0), &visits).expect("welfare");
        assert!(l.iter().all(|x| x.copay == 0 && x.cap_reached));
    }
}
