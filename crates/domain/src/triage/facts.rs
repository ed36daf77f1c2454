//! The vocabulary of triage: the bundled data files, the limits, and the typed codes and
//! values a consultation and its facts are made of.

use crate::directory::codes::{Concern, ResourceKind};
use crate::Prefecture;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The bundled lexicon (the team's own words).
pub const LEXICON_JSON: &str = include_str!("../../../../data/triage-lexicon.json");
/// The bundled rules.
pub const RULES_JSON: &str = include_str!("../../../../data/triage-rules.json");

/// Longest consultation text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

crate::common::codes::code_enum!(
    /// Who is consulting.
    Consultant, "consultant" {
        /// The person themself (本人).
        Self_ => ("self", "本人"),
        /// Spouse or partner.
        Spouse => ("spouse", "配偶者・パートナー"),
        /// A parent of the person.
        Parent => ("parent", "親"),
        /// A child of the person.
        Child => ("child", "子"),
        /// A brother or sister.
        Sibling => ("sibling", "きょうだい"),
        /// Other family.
        OtherFamily => ("other_family", "その他の家族"),
        /// A friend.
        Friend => ("friend", "友人"),
        /// A supporter: 保護司, a professional.
        Supporter => ("supporter", "支援者（保護司・専門職）"),
    }
);

impl Consultant {
    /// Family or friends: the people the casebook's 支援のポイント speak to.
    pub fn is_close_person(self) -> bool {
        !matches!(self, Consultant::Self_ | Consultant::Supporter)
    }
}

crate::common::codes::code_enum!(
    /// What the consultation is about: the casebook's 11 tabs, and addiction subtypes.
    TriageConcern, "triage concern" {
        /// 就労.
        Employment => ("employment", "就労"),
        /// 心身の不調.
        PhysicalMental => ("physical_mental", "心身の不調"),
        /// 少年本人の悩み.
        Youth => ("youth", "少年本人の悩み"),
        /// 就学.
        Schooling => ("schooling", "就学"),
        /// 障害.
        Disability => ("disability", "障害"),
        /// 生活困窮.
        Poverty => ("poverty", "生活困窮"),
        /// 薬物 (any).
        Drugs => ("drugs", "薬物"),
        /// 保護者の悩み.
        Parenting => ("parenting", "保護者の悩み"),
        /// 加齢.
        Ageing => ("ageing", "加齢"),
        /// DV・虐待.
        DvAbuse => ("dv_abuse", "DV・虐待"),
        /// 暴力団.
        OrganisedCrime => ("organised_crime", "暴力団"),
        /// 覚醒剤.
        Stimulants => ("stimulants", "覚醒剤"),
        /// 大麻.
        Cannabis => ("cannabis", "大麻"),
        /// 危険ドラッグ.
        DangerousDrugs => ("dangerous_drugs", "危険ドラッグ"),
        /// 有機溶剤.
        Solvents => ("solvents", "有機溶剤"),
        /// 市販薬.
        OtcDrugs => ("otc_drugs", "市販薬"),
        /// 処方薬.
        PrescriptionDrugs => ("prescription_drugs", "処方薬"),
        /// アルコール.
        Alcohol => ("alcohol", "アルコール"),
        /// ギャンブル.
        Gambling => ("gambling", "ギャンブル"),
        /// ゲーム.
        Gaming => ("gaming", "ゲーム"),
        /// 性的な問題行動.
        SexualBehaviour => ("sexual_behaviour", "性的な問題行動"),
        /// 窃盗・万引き.
        Theft => ("theft", "窃盗・万引き"),
    }
);

impl TriageConcern {
    /// The directory's concern code this maps to, if any (the casebook tabs other than 薬物 are
    /// not directory concerns).
    pub fn directory_concern(self) -> Option<Concern> {
        use TriageConcern::*;
        Some(match self {
            Drugs => Concern::Drugs,
            Stimulants => Concern::Stimulants,
            Cannabis => Concern::Cannabis,
            DangerousDrugs => Concern::DangerousDrugs,
            Solvents => Concern::Solvents,
            OtcDrugs => Concern::OtcDrugs,
            PrescriptionDrugs => Concern::PrescriptionDrugs,
            Alcohol => Concern::Alcohol,
            Gambling => Concern::Gambling,
            Gaming => Concern::Gaming,
            SexualBehaviour => Concern::SexualBehaviour,
            Theft => Concern::Theft,
            PhysicalMental => Concern::MentalHealth,
            _ => return None,
        })
    }
}

crate::common::codes::code_enum!(
    /// The person's justice situation.
    Justice, "justice situation" {
        /// None.
        None_ => ("none", "なし"),
        /// Arrested or in custody.
        Arrested => ("arrested", "逮捕・勾留中"),
        /// Serving a sentence.
        InPrison => ("in_prison", "服役中"),
        /// Parole or release coming soon.
        ParoleSoon => ("parole_soon", "仮釈放・出所が近い"),
        /// On parole or probation.
        OnParole => ("on_parole", "仮釈放中・保護観察中"),
        /// Released.
        Released => ("released", "出所後"),
    }
);

crate::common::codes::code_enum!(
    /// An urgency signal: any of these opens the plan with the crisis section.
    Urgency, "urgency signal" {
        /// Suicidal ideation or attempt.
        Suicidal => ("suicidal", "自殺の考え・企図"),
        /// Overdose.
        Overdose => ("overdose", "過量服薬"),
        /// Severe withdrawal: seizures, hallucinations, delirium.
        SevereWithdrawal => ("severe_withdrawal", "重い離脱症状"),
        /// Violence at home.
        Violence => ("violence", "家庭内の暴力"),
    }
);

crate::common::codes::code_enum!(
    /// The person's sex, when known (for services for women).
    PersonSex, "sex" {
        /// Male.
        Male => ("male", "男性"),
        /// Female.
        Female => ("female", "女性"),
    }
);

crate::common::codes::code_enum!(
    /// A role in a referral plan.
    Role, "role" {
        /// Crisis lines.
        CrisisLine => ("crisis_line", "危機のときの相談"),
        /// 精神保健福祉センター.
        MentalHealthWelfareCenter => ("mental_health_welfare_center", "精神保健福祉センター"),
        /// 保健所・保健センター.
        HealthCenter => ("health_center", "保健所・保健センター"),
        /// Addiction medicine.
        AddictionMedical => ("addiction_medical", "依存症の医療機関"),
        /// Recovery facilities (DARC, MAC).
        RecoveryFacility => ("recovery_facility", "回復施設"),
        /// Self-help groups.
        SelfHelpGroup => ("self_help_group", "自助グループ"),
        /// Family groups.
        FamilyGroup => ("family_group", "家族会"),
        /// Probation.
        Probation => ("probation", "保護観察所"),
        /// Addiction NPOs.
        AddictionNpo => ("addiction_npo", "依存症支援団体"),
        /// 福祉事務所.
        WelfareOffice => ("welfare_office", "福祉事務所"),
        /// Employment support.
        EmploymentSupport => ("employment_support", "就労支援"),
        /// DV and abuse.
        DvSupport => ("dv_support", "DV・虐待の相談"),
        /// Legal support.
        LegalSupport => ("legal_support", "法律相談"),
    }
);

impl Role {
    /// The directory's provider kind for this role, if the directory has one.
    pub fn resource_kind(self) -> Option<ResourceKind> {
        self.code().parse().ok()
    }
}

/// A consultation as it comes in: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    /// Free text in Japanese.
    #[serde(default)]
    pub text: String,
    /// Who is consulting.
    #[serde(default)]
    pub consultant: Option<Consultant>,
    /// The person's age. A JSON number with no fraction is an integer (`23.0` is 23), as JSON
    /// Schema counts it.
    #[serde(default, deserialize_with = "integral_age")]
    pub age: Option<u8>,
    /// The person's sex.
    #[serde(default)]
    pub sex: Option<PersonSex>,
    /// Concerns.
    #[serde(default)]
    pub concerns: Vec<TriageConcern>,
    /// Justice situation.
    #[serde(default)]
    pub justice: Option<Justice>,
    /// Prefecture (name or JIS code).
    #[serde(default)]
    pub prefecture: Option<String>,
    /// Municipality, as written.
    #[serde(default)]
    pub municipality: Option<String>,
    /// Urgency signals.
    #[serde(default)]
    pub urgency: Vec<Urgency>,
}

fn integral_age<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let Some(n) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if n.fract() == 0.0 && (0.0..=255.0).contains(&n) {
        // In range and integral, so the conversion is exact.
        Ok(Some(n as u8))
    } else {
        Err(serde::de::Error::custom(format!(
            "age must be a whole number from 0 to 255, not {n}"
        )))
    }
}

/// What can go wrong, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    /// Nothing to go on.
    #[error("the consultation is empty: give a text or at least one field")]
    Empty,
    /// Text over the limit.
    #[error("the text is {0} characters; at most {MAX_TEXT_CHARS} are accepted")]
    TooLong(usize),
    /// An unknown prefecture.
    #[error("unknown prefecture {0:?}")]
    Prefecture(String),
    /// A broken lexicon or rule file.
    #[error("{file}: {message}")]
    Data {
        /// Which file.
        file: &'static str,
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn data_error(file: &'static str, message: String) -> TriageError {
    TriageError::Data { file, message }
}

/// The facts the plan is built on: stated fields, completed by what the text says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Who is consulting.
    pub consultant: Option<Consultant>,
    /// Concerns.
    pub concerns: BTreeSet<TriageConcern>,
    /// Justice situation.
    pub justice: Option<Justice>,
    /// Urgency signals.
    pub urgency: BTreeSet<Urgency>,
    /// The person's sex.
    pub sex: Option<PersonSex>,
    /// Prefecture.
    pub prefecture: Option<Prefecture>,
    /// The 指定都市 the person lives in, when known (its own centre comes first).
    pub city: Option<&'static str>,
}

impl Facts {
    /// Whether the plan opens with the crisis section.
    pub fn crisis(&self) -> bool {
        !self.urgency.is_empty()
    }
}
