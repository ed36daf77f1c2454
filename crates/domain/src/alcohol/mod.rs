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
//!
//! # Map
//! - [`shared`]: the manual's source of a rule ([`Cite`]), sex, the error.
//! - [`screening`]: AUDIT and AUDIT-C; [`icd10`]: the dependence checklist; [`goal`]: the
//!   treatment goal.
//! - [`drinks`]: grams, presets and risk levels; [`diary`]: entries, summaries and CSV.
//! - [`pathway`]: the reduction pathway's schedule and tracker.
//! - [`fhir`]: the FHIR R4 export of a screening.
//!
//! Every item is re-exported here, so `tsunagu_domain::alcohol::AuditAnswers` names it whatever
//! file it lives in. Served by `tsunagu_web::alcohol` and `tsunagu alcohol`; a person's
//! screening, diary and pathway are stored as records.

pub mod diary;
pub mod drinks;
pub mod fhir;
pub mod goal;
pub mod icd10;
pub mod pathway;
pub mod screening;
pub mod shared;
#[cfg(test)]
mod tests;

pub use diary::*;
pub use drinks::*;
pub use goal::*;
pub use icd10::*;
pub use pathway::*;
pub use screening::*;
pub use shared::*;
