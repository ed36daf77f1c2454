//! Flags of the alcohol self-check tools: `tsunagu alcohol …` (the AUDIT questionnaire, grams,
//! risk level, pathway schedule, presets).

use clap::Subcommand;

/// `tsunagu alcohol …`.
#[derive(Subcommand, Debug)]
pub enum AlcoholAction {
    /// AUDIT alcohol screening: the total, its band and AUDIT-C (stores nothing).
    Audit {
        /// The ten AUDIT answers as scores, e.g. 4,4,4,3,2,1,0,0,2,4 (stores nothing).
        #[arg(long)]
        answers: String,
        /// male or female, for the AUDIT-C threshold.
        #[arg(long)]
        sex: Option<String>,
        /// Print a FHIR R4 Bundle (Questionnaire, QuestionnaireResponse, Observation) instead:
        /// `audit` or `audit-c`.
        #[arg(long, value_parser = ["audit", "audit-c"])]
        fhir: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pure alcohol in grams: ml × ABV% / 100 × 0.8.
    Grams {
        /// Volume in millilitres.
        #[arg(long, allow_hyphen_values = true)]
        ml: f64,
        /// Strength in percent.
        #[arg(long, allow_hyphen_values = true)]
        abv: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The WHO drinking-risk level of a day's grams.
    Drl {
        /// Grams of pure alcohol in the day.
        #[arg(long, allow_hyphen_values = true)]
        grams: f64,
        /// male or female.
        #[arg(long)]
        sex: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The reduction pathway's schedule from the start of treatment.
    Schedule {
        /// Treatment start (YYYY-MM-DD).
        #[arg(long)]
        start: String,
        /// When the drug was stopped (YYYY-MM-DD), for the 6-month follow-up.
        #[arg(long)]
        stopped: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The drink presets (the manual's 20 g table).
    Presets {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
