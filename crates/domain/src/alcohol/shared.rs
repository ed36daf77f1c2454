//! What every part of the alcohol capability shares: the manual's file name and a rule's
//! source ([`Cite`]), sex for the thresholds that differ, and the error for bad input.

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
    pub(crate) const fn new(section: &'static str, from: u32, to: u32) -> Cite {
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

pub(crate) fn field(field: &'static str, problem: impl Into<String>) -> AlcoholError {
    AlcoholError::Field {
        field,
        problem: problem.into(),
    }
}
