//! Consultation triage: from a consultation (structured fields and Japanese free text) to an
//! explained referral plan, in the way the casebook answers 事例09 (seed 000): crisis first when
//! life is at risk, then the roles in order, each with the matching resources from the directory
//! (the person's region first), why (which facts triggered which rule, with its seed line), what
//! to expect and how to make contact, then 支援のポイント for the person asking.
//!
//! # Brief overview
//! - [`Lexicon`] (data: `data/triage-lexicon.json`) turns free text into facts: concerns,
//!   who is consulting, the justice situation, urgency signals, the person's sex. Matching runs
//!   on folded text ([`crate::common::normalize::fold`]: NFKC, lower case, hiragana → katakana), so
//!   `しゃぶ`, `シャブ` and `ｼｬﾌﾞ` are one word; a negation cue right after a word in the same
//!   clause (「死にたいとは思わない」) cancels it, and the plan lists it as negated.
//! - [`RuleBook`] (data: `data/triage-rules.json`) holds the roles, the rules (facts → role,
//!   priority, reason, citation) and the points. It is validated when loaded: unknown codes,
//!   unknown roles, duplicate ids and citations that are not `file:line` are errors naming the
//!   rule. Nothing about which role a fact calls for is written in this file.
//! - [`plan`] combines the stated fields (which win) with the inferred ones, applies the rules
//!   and looks the resources up in [`Resources`] (a [`Directory`] bucketed by provider kind
//!   and prefecture). A role with no resource in the region says
//!   so and gives role-level guidance; nothing is made up.
//!
//! Pure: no I/O, no clock ("now" is passed in for open-now).

use crate::common::normalize::fold;
use crate::directory::codes::{Audience, Concern, ResourceKind, ServiceStatus};
use crate::directory::model::{Directory, Service, ServiceArea};
use crate::directory::prefecture::{DesignatedCity, Prefecture};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

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
    /// The person's age.
    #[serde(default)]
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

fn data_error(file: &'static str, message: String) -> TriageError {
    TriageError::Data { file, message }
}

// --- lexicon -------------------------------------------------------------------------------

/// What a lexicon entry sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A concern.
    Concern,
    /// Who is consulting.
    Consultant,
    /// The justice situation.
    Justice,
    /// An urgency signal.
    Urgency,
    /// The person's sex.
    PersonSex,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(rename = "_comment", default)]
    _comment: String,
    negation_cues: Vec<String>,
    #[serde(default)]
    mask_terms: Vec<String>,
    entries: Vec<RawEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    kind: FactKind,
    code: String,
    terms: Vec<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: FactKind,
    code: String,
    terms: Vec<(String, Vec<char>)>,
}

/// The analyser's words, folded and checked.
#[derive(Debug, Clone)]
pub struct Lexicon {
    cues: Vec<Vec<char>>,
    masks: Vec<Vec<char>>,
    entries: Vec<Entry>,
}

fn valid_code(kind: FactKind, code: &str) -> bool {
    match kind {
        FactKind::Concern => code.parse::<TriageConcern>().is_ok(),
        FactKind::Consultant => code.parse::<Consultant>().is_ok(),
        FactKind::Justice => code.parse::<Justice>().is_ok(),
        FactKind::Urgency => code.parse::<Urgency>().is_ok(),
        FactKind::PersonSex => code.parse::<PersonSex>().is_ok(),
    }
}

impl Lexicon {
    /// Reads and checks a lexicon file.
    pub fn parse(json: &str) -> Result<Lexicon, TriageError> {
        const FILE: &str = "triage lexicon";
        let raw: RawLexicon =
            serde_json::from_str(json).map_err(|e| data_error(FILE, e.to_string()))?;
        let chars = |s: &str| fold(s).chars().collect::<Vec<char>>();
        let mut entries = Vec::new();
        for (i, e) in raw.entries.into_iter().enumerate() {
            if !valid_code(e.kind, &e.code) {
                return Err(data_error(
                    FILE,
                    format!("entry {i}: unknown {:?} code {:?}", e.kind, e.code),
                ));
            }
            if e.terms.iter().any(|t| fold(t).is_empty()) || e.terms.is_empty() {
                return Err(data_error(
                    FILE,
                    format!("entry {i} ({}): empty term", e.code),
                ));
            }
            entries.push(Entry {
                kind: e.kind,
                code: e.code,
                terms: e.terms.iter().map(|t| (t.clone(), chars(t))).collect(),
            });
        }
        Ok(Lexicon {
            cues: raw.negation_cues.iter().map(|c| chars(c)).collect(),
            masks: raw.mask_terms.iter().map(|c| chars(c)).collect(),
            entries,
        })
    }

    /// The bundled lexicon.
    pub fn bundled() -> Result<Lexicon, TriageError> {
        Lexicon::parse(LEXICON_JSON)
    }
}

/// One word found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// What it sets.
    pub kind: FactKind,
    /// The code.
    pub code: String,
    /// The lexicon term that matched.
    pub term: String,
    /// Position in the folded text (characters).
    pub at: usize,
    /// Cancelled by a negation right after it.
    pub negated: bool,
}

fn find_at(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

const CLAUSE_END: &[char] = &['。', '！', '？', '!', '?', '\n', '、', ',', '．'];

/// Finds every lexicon word in `text`, marking those a negation cancels.
pub fn analyse(lex: &Lexicon, text: &str) -> Vec<Found> {
    let mut hay: Vec<char> = fold(text).chars().collect();
    for m in &lex.masks {
        let mut from = 0;
        while let Some(i) = find_at(&hay, m, from) {
            for c in &mut hay[i..i + m.len()] {
                *c = '\u{FFFD}';
            }
            from = i + m.len();
        }
    }
    let mut out = Vec::new();
    for e in &lex.entries {
        for (term, needle) in &e.terms {
            let ascii = needle.iter().all(char::is_ascii_alphanumeric);
            let mut from = 0;
            while let Some(i) = find_at(&hay, needle, from) {
                from = i + 1;
                let end = i + needle.len();
                if ascii {
                    let before = i.checked_sub(1).and_then(|j| hay.get(j));
                    let after = hay.get(end);
                    if before.is_some_and(char::is_ascii_alphanumeric)
                        || after.is_some_and(char::is_ascii_alphanumeric)
                    {
                        continue;
                    }
                }
                // A negation cue within the same clause, at most 12 characters on.
                let stop = hay[end..]
                    .iter()
                    .position(|c| CLAUSE_END.contains(c))
                    .map_or(hay.len(), |p| end + p)
                    .min(end + 12);
                // Negation applies to what is said about the problem, not to who is talking
                // (「夫は薬物は使っていない」 still comes from a spouse).
                let negatable = matches!(
                    e.kind,
                    FactKind::Concern | FactKind::Urgency | FactKind::Justice
                );
                let negated = negatable
                    && lex
                        .cues
                        .iter()
                        .any(|cue| find_at(&hay[..stop], cue, end).is_some());
                out.push(Found {
                    kind: e.kind,
                    code: e.code.clone(),
                    term: term.clone(),
                    at: i,
                    negated,
                });
            }
        }
    }
    out.sort_by_key(|f| f.at);
    out
}

// --- rule book -----------------------------------------------------------------------------

/// Which facts a rule or point needs; every listed condition must hold, and within a list any
/// one value does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Needs (or, when false, excludes) a crisis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crisis: Option<bool>,
    /// Any of these concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerns_any: Vec<TriageConcern>,
    /// Any of these consultants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consultant_any: Vec<Consultant>,
    /// Any of these justice situations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub justice_any: Vec<Justice>,
    /// Any of these urgency signals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urgency_any: Vec<Urgency>,
}

impl When {
    fn is_empty(&self) -> bool {
        self.crisis.is_none()
            && self.concerns_any.is_empty()
            && self.consultant_any.is_empty()
            && self.justice_any.is_empty()
            && self.urgency_any.is_empty()
    }

    fn holds(&self, f: &Facts) -> bool {
        self.crisis.is_none_or(|c| c == f.crisis())
            && (self.concerns_any.is_empty()
                || self.concerns_any.iter().any(|c| f.concerns.contains(c)))
            && (self.consultant_any.is_empty()
                || f.consultant
                    .is_some_and(|c| self.consultant_any.contains(&c)))
            && (self.justice_any.is_empty()
                || f.justice.is_some_and(|j| self.justice_any.contains(&j)))
            && (self.urgency_any.is_empty()
                || self.urgency_any.iter().any(|u| f.urgency.contains(u)))
    }
}

/// What a role means for the person asking.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleInfo {
    /// The role.
    pub role: Role,
    /// Its label.
    pub label: String,
    /// What one can expect there.
    pub expect: String,
    /// What to do when the directory has nothing for it.
    pub fallback: String,
    /// Seed `file:line`.
    pub cite: String,
}

/// One rule: when the facts hold, the role is recommended at this priority, for this reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRule {
    /// Stable id.
    pub id: String,
    /// Condition.
    pub when: When,
    /// The role.
    pub role: Role,
    /// Lower comes first.
    pub priority: u32,
    /// Why, in words for people.
    pub reason: String,
    /// Seed `file:line`.
    pub cite: String,
    /// A decision made where the seeds are silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// One 支援のポイント.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PointRule {
    /// Stable id.
    pub id: String,
    /// Condition.
    pub when: When,
    /// The point.
    pub text: String,
    /// Seed `file:line`.
    pub cite: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    #[serde(rename = "_comment", default)]
    _comment: String,
    version: u32,
    roles: Vec<RoleInfo>,
    rules: Vec<TriageRule>,
    points: Vec<PointRule>,
}

/// The checked rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBook {
    /// Roles, as listed.
    pub roles: Vec<RoleInfo>,
    /// Rules.
    pub rules: Vec<TriageRule>,
    /// Points.
    pub points: Vec<PointRule>,
}

/// Whether `cite` is `<seed>.txt:N` or `<seed>.txt:N-M`.
pub fn is_citation(cite: &str) -> bool {
    crate::kb::Citation::parse(cite).is_some_and(|c| c.doc.ends_with(".txt"))
}

impl RuleBook {
    /// Reads and checks a rule file; every problem names its rule.
    pub fn parse(json: &str) -> Result<RuleBook, TriageError> {
        const FILE: &str = "triage rules";
        let raw: RawBook =
            serde_json::from_str(json).map_err(|e| data_error(FILE, e.to_string()))?;
        if raw.version != 1 {
            return Err(data_error(
                FILE,
                format!("version {} is not supported (1 is)", raw.version),
            ));
        }
        let mut ids = BTreeSet::new();
        for r in &raw.roles {
            if !is_citation(&r.cite) {
                return Err(data_error(
                    FILE,
                    format!("role {}: citation {:?} is not file:line", r.role, r.cite),
                ));
            }
        }
        for r in &raw.rules {
            if !ids.insert(r.id.clone()) {
                return Err(data_error(FILE, format!("rule {}: duplicate id", r.id)));
            }
            if !is_citation(&r.cite) {
                return Err(data_error(
                    FILE,
                    format!("rule {}: citation {:?} is not file:line", r.id, r.cite),
                ));
            }
            if !raw.roles.iter().any(|x| x.role == r.role) {
                return Err(data_error(
                    FILE,
                    format!(
                        "rule {}: role {} is not described under roles",
                        r.id, r.role
                    ),
                ));
            }
            if r.when.is_empty() || r.reason.trim().is_empty() {
                return Err(data_error(
                    FILE,
                    format!("rule {}: needs a condition and a reason", r.id),
                ));
            }
        }
        for p in &raw.points {
            if !ids.insert(p.id.clone()) {
                return Err(data_error(FILE, format!("point {}: duplicate id", p.id)));
            }
            if !is_citation(&p.cite) || p.when.is_empty() || p.text.trim().is_empty() {
                return Err(data_error(
                    FILE,
                    format!(
                        "point {}: needs a condition, a text and a file:line citation",
                        p.id
                    ),
                ));
            }
        }
        Ok(RuleBook {
            roles: raw.roles,
            rules: raw.rules,
            points: raw.points,
        })
    }

    /// The bundled rules.
    pub fn bundled() -> Result<RuleBook, TriageError> {
        RuleBook::parse(RULES_JSON)
    }

    fn role(&self, role: Role) -> Option<&RoleInfo> {
        self.roles.iter().find(|r| r.role == role)
    }
}

// --- facts and plan --------------------------------------------------------------------------

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

/// One inferred fact, with the words it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inferred {
    /// What it sets.
    pub kind: FactKind,
    /// The code.
    pub code: String,
    /// The word found.
    pub from: String,
    /// Used in the plan (false when a stated field overrode it).
    pub used: bool,
}

/// A resource in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceRef {
    /// Service id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Prefecture name, or none for national services.
    pub prefecture: Option<String>,
    /// Phones as printed.
    pub phones: Vec<String>,
    /// Open now, in Japanese.
    pub open_now: String,
    /// Main link, if any.
    pub url: Option<String>,
    /// The source of the listing (`file:line`).
    pub source: String,
}

/// Why a role is in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule.
    pub rule: String,
    /// The reason, for people.
    pub text: String,
    /// Seed `file:line`.
    pub cite: String,
}

/// One role in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// The role.
    pub role: Role,
    /// Its label.
    pub label: String,
    /// What to expect there.
    pub expect: String,
    /// Matching resources, the person's region first.
    pub resources: Vec<ResourceRef>,
    /// Role-level guidance when no resource matched (never a made-up listing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub none_found: Option<String>,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// A 支援のポイント.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    /// The point.
    pub text: String,
    /// Seed `file:line`.
    pub cite: String,
}

/// The referral plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Whether it opens with the crisis section (the first recommendation is then
    /// `crisis_line`).
    pub crisis: bool,
    /// The facts used.
    pub facts: Facts,
    /// What the text said, for the counsellor to check and correct.
    pub inferred: Vec<Inferred>,
    /// Words the text negated (「死にたいとは思わない」), not used.
    pub negated: Vec<Found>,
    /// Roles in order.
    pub recommendations: Vec<Recommendation>,
    /// 支援のポイント.
    pub points: Vec<Point>,
}

/// Resources per role in a plan.
pub const RESOURCES_PER_ROLE: usize = 5;

fn facts_of(
    lex: &Lexicon,
    c: &Consultation,
) -> Result<(Facts, Vec<Inferred>, Vec<Found>), TriageError> {
    let chars = c.text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(TriageError::TooLong(chars));
    }
    let stated_nothing = c.consultant.is_none()
        && c.age.is_none()
        && c.sex.is_none()
        && c.concerns.is_empty()
        && c.justice.is_none()
        && c.prefecture.as_deref().is_none_or(|p| p.trim().is_empty())
        && c.urgency.is_empty();
    if c.text.trim().is_empty() && stated_nothing {
        return Err(TriageError::Empty);
    }
    let prefecture = match c
        .prefecture
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(Prefecture::parse(p).map_err(|_| TriageError::Prefecture(p.to_owned()))?),
        None => None,
    };
    let found = analyse(lex, &c.text);
    let (negated, found): (Vec<Found>, Vec<Found>) = found.into_iter().partition(|f| f.negated);
    let mut facts = Facts {
        consultant: c.consultant,
        concerns: c.concerns.iter().copied().collect(),
        justice: c.justice,
        urgency: c.urgency.iter().copied().collect(),
        sex: c.sex,
        prefecture,
        city: None,
    };
    let mut inferred = Vec::new();
    let mut note = |f: &Found, used: bool| {
        if !inferred
            .iter()
            .any(|i: &Inferred| i.kind == f.kind && i.code == f.code)
        {
            inferred.push(Inferred {
                kind: f.kind,
                code: f.code.clone(),
                from: f.term.clone(),
                used,
            });
        }
    };
    // Single-valued facts: the stated field wins; else the earliest word (consultant, sex) or
    // the first entry in the lexicon's order (justice: the latest stage is listed first).
    let first_justice = lex
        .entries
        .iter()
        .filter(|e| e.kind == FactKind::Justice)
        .find_map(|e| {
            found
                .iter()
                .find(|f| f.kind == FactKind::Justice && f.code == e.code)
        });
    for f in &found {
        match f.kind {
            FactKind::Concern => {
                if let Ok(code) = f.code.parse() {
                    facts.concerns.insert(code);
                    note(f, true);
                }
            }
            FactKind::Urgency => {
                if let Ok(code) = f.code.parse() {
                    facts.urgency.insert(code);
                    note(f, true);
                }
            }
            FactKind::Consultant => {
                let use_it = facts.consultant.is_none() && c.consultant.is_none();
                if use_it {
                    facts.consultant = f.code.parse().ok();
                }
                note(
                    f,
                    use_it || c.consultant.map(|x| x.code()) == Some(f.code.as_str()),
                );
            }
            FactKind::PersonSex => {
                let use_it = facts.sex.is_none() && c.sex.is_none();
                if use_it {
                    facts.sex = f.code.parse().ok();
                }
                note(
                    f,
                    use_it || c.sex.map(|x| x.code()) == Some(f.code.as_str()),
                );
            }
            FactKind::Justice => {
                let chosen = first_justice.is_some_and(|j| j.code == f.code);
                let use_it = c.justice.is_none() && chosen;
                if use_it {
                    facts.justice = f.code.parse().ok();
                }
                note(f, use_it);
            }
        }
    }
    let city = c
        .municipality
        .as_deref()
        .and_then(DesignatedCity::find)
        .or_else(|| DesignatedCity::all().find(|d| c.text.contains(d.name)));
    if let Some(d) = city {
        facts.city = Some(d.name);
        if facts.prefecture.is_none() {
            facts.prefecture = Some(d.prefecture);
        }
    }
    if facts.prefecture.is_none() {
        if let Some(p) = Prefecture::all().find(|p| c.text.contains(p.name())) {
            facts.prefecture = Some(p);
            inferred.push(Inferred {
                kind: FactKind::Concern,
                code: format!("prefecture:{}", p.code()),
                from: p.name().to_owned(),
                used: true,
            });
        }
    }
    // A specific drug implies the general concern (rules on 薬物 apply to it).
    if facts.concerns.iter().any(|c| {
        c.directory_concern().is_some_and(|d| {
            d != Concern::Drugs && Concern::Drugs.matches(d) && d != Concern::MentalHealth
        })
    }) {
        facts.concerns.insert(TriageConcern::Drugs);
    }
    Ok((facts, inferred, negated))
}

/// The directory prepared for triage: each active service with what ranking needs, bucketed by
/// provider kind and prefecture, so that a plan reads only the person's prefecture and the
/// listings without one (national), never the whole directory. Build it once per directory.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    services: Vec<Prepared>,
    by_kind: HashMap<ResourceKind, Vec<usize>>,
    by_place: HashMap<(ResourceKind, Place), Vec<usize>>,
}

/// Where a listing serves, for bucketing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Place {
    National,
    Prefecture(Prefecture),
    Unknown,
}

#[derive(Debug, Clone)]
struct Prepared {
    service: Service,
    prefecture: Option<Prefecture>,
    national: bool,
    women_only: bool,
    city: Option<&'static str>,
}

impl Resources {
    /// Prepares a directory.
    pub fn new(dir: &Directory) -> Resources {
        let orgs: HashMap<&str, &crate::directory::model::Organization> = dir
            .organizations
            .iter()
            .map(|o| (o.id.as_ref(), o))
            .collect();
        let mut r = Resources::default();
        for s in dir
            .services
            .iter()
            .filter(|s| s.status == ServiceStatus::Active)
        {
            let national = matches!(s.service_area, Some(ServiceArea::National));
            // A national service is found from every prefecture, wherever its office is.
            let prefecture = if national {
                None
            } else {
                orgs.get(s.organization_id.as_ref())
                    .and_then(|o| s.prefecture(o))
            };
            let i = r.services.len();
            r.by_kind.entry(s.kind).or_default().push(i);
            let place = match (national, prefecture) {
                (true, _) => Place::National,
                (false, Some(p)) => Place::Prefecture(p),
                (false, None) => Place::Unknown,
            };
            r.by_place.entry((s.kind, place)).or_default().push(i);
            r.services.push(Prepared {
                prefecture,
                national,
                women_only: women_only(s),
                city: DesignatedCity::all()
                    .find(|d| s.name.contains(d.name))
                    .map(|d| d.name),
                service: s.clone(),
            });
        }
        r
    }

    /// Candidate listings in tiers: every listing of an earlier tier ranks before every
    /// listing of a later one, so a plan stops reading once a tier fills its places. Only the
    /// person's prefecture and nationwide listings are ever read.
    fn tiers(&self, kind: ResourceKind, prefecture: Option<Prefecture>) -> Vec<Vec<usize>> {
        let bucket = |place: Place| {
            self.by_place
                .get(&(kind, place))
                .cloned()
                .unwrap_or_default()
        };
        match prefecture {
            Some(p) => {
                let mut v = bucket(Place::Prefecture(p));
                v.extend(bucket(Place::National));
                v.extend(bucket(Place::Unknown));
                v.sort_unstable();
                vec![v]
            }
            // Decision: without the person's region, only nationwide listings are shown; a
            // handful of some other prefecture's offices would mislead, and the plan asks for
            // the region instead.
            None => vec![bucket(Place::National)],
        }
    }
}

/// Whether a listing is for women only. Decision: the audience code `women` also marks
/// services that merely offer a women's programme (the NCNP outpatient clinic), so a listing
/// counts as women-only when it is for women and its name or eligibility, in the team's words,
/// is about women (ダルク女性ハウス: 「…回復を望む女性」).
fn women_only(s: &Service) -> bool {
    s.audiences.contains(&Audience::Women)
        && (s.name.contains("女性")
            || s.eligibility
                .as_deref()
                .is_some_and(|e| e.trim_end_matches('。').ends_with("女性")))
}

fn resources(index: &Resources, role: Role, facts: &Facts, now: NaiveDateTime) -> Vec<ResourceRef> {
    let Some(kind) = role.resource_kind() else {
        return Vec::new();
    };
    let wanted: Vec<Concern> = facts
        .concerns
        .iter()
        .filter_map(|c| c.directory_concern())
        .collect();
    let family_side = role == Role::FamilyGroup;
    // Decision: 精神保健福祉センター and 保健所 are the general first contacts for mental
    // health, so a listing's concern tags do not narrow them (the handbook's centres are tagged
    // with a few concerns only, as their table prints them).
    let general = matches!(role, Role::MentalHealthWelfareCenter | Role::HealthCenter);
    let mut hits: Vec<(u8, &Prepared)> = Vec::new();
    for tier in index.tiers(kind, facts.prefecture) {
        let mut found: Vec<(u8, &Prepared)> = tier
            .into_iter()
            .map(|i| &index.services[i])
            .filter(|p| {
                let s = &p.service;
                general
                    || s.concerns.is_empty()
                    || wanted.is_empty()
                    || s.concerns
                        .iter()
                        .any(|have| wanted.iter().any(|w| have.matches(*w)))
            })
            .filter(|p| {
                !family_side
                    || p.service.audiences.is_empty()
                    || p.service.audiences.iter().any(|a| {
                        matches!(a, Audience::Family | Audience::Partners | Audience::Friends)
                    })
            })
            // Services only for women are left out for a man.
            .filter(|p| !(facts.sex == Some(PersonSex::Male) && p.women_only))
            .map(|p| {
                let rank = match (facts.prefecture, p.prefecture) {
                    (Some(want), Some(here)) if want == here => 0,
                    (Some(_), _) if p.national => 1,
                    (Some(_), _) => 2,
                    (None, _) if p.national => 0,
                    (None, _) => 1,
                };
                // Within the prefecture: the person's 指定都市's own listing first; listings of
                // another 指定都市 (which serve that city's residents) last.
                let city_rank = match p.city {
                    Some(c) if Some(c) == facts.city => 0,
                    Some(_) => 2,
                    None => 1,
                };
                // A woman is shown the services for women first within a rank.
                let women_first = u8::from(
                    !(facts.sex == Some(PersonSex::Female)
                        && p.service.audiences.contains(&Audience::Women)),
                );
                (rank * 6 + city_rank * 2 + women_first, p)
            })
            .collect();
        found.sort_by_key(|(rank, _)| *rank);
        hits.extend(found);
        if hits.len() >= RESOURCES_PER_ROLE {
            break;
        }
    }
    hits.into_iter()
        .take(RESOURCES_PER_ROLE)
        .map(|(_, p)| {
            let s = &p.service;
            ResourceRef {
                id: s.id.as_ref().to_owned(),
                name: s.name.clone(),
                prefecture: p.prefecture.map(|x| x.name().to_owned()),
                phones: s
                    .phones
                    .iter()
                    .map(|x| x.number.as_ref().to_owned())
                    .collect(),
                open_now: s.hours.open_state(now).label_ja(),
                url: s.links.first().map(|l| l.url.clone()),
                source: s.provenance.source.cite(),
            }
        })
        .collect()
}

/// Builds the plan for a consultation. `now` is Japan time (for open-now).
pub fn plan(
    book: &RuleBook,
    lex: &Lexicon,
    index: &Resources,
    consultation: &Consultation,
    now: NaiveDateTime,
) -> Result<Plan, TriageError> {
    let (facts, inferred, negated) = facts_of(lex, consultation)?;
    let mut fired: Vec<&TriageRule> = book.rules.iter().filter(|r| r.when.holds(&facts)).collect();
    fired.sort_by_key(|r| r.priority);
    let mut recommendations: Vec<Recommendation> = Vec::new();
    for r in fired {
        let reason = Reason {
            rule: r.id.clone(),
            text: r.reason.clone(),
            cite: r.cite.clone(),
        };
        if let Some(existing) = recommendations.iter_mut().find(|x| x.role == r.role) {
            existing.reasons.push(reason);
            continue;
        }
        let info = book.role(r.role);
        let found = resources(index, r.role, &facts, now);
        recommendations.push(Recommendation {
            role: r.role,
            label: info.map_or_else(|| r.role.label_ja().to_owned(), |i| i.label.clone()),
            expect: info.map(|i| i.expect.clone()).unwrap_or_default(),
            none_found: found.is_empty().then(|| {
                let mut g = info.map(|i| i.fallback.clone()).unwrap_or_default();
                if facts.prefecture.is_none() && r.role.resource_kind().is_some() {
                    g.push_str(" お住まいの都道府県が分かれば、その地域の窓口を示せます。");
                }
                g
            }),
            resources: found,
            reasons: vec![reason],
        });
    }
    let points = book
        .points
        .iter()
        .filter(|p| p.when.holds(&facts))
        .map(|p| Point {
            text: p.text.clone(),
            cite: p.cite.clone(),
        })
        .collect();
    Ok(Plan {
        crisis: facts.crisis(),
        facts,
        inferred,
        negated,
        recommendations,
        points,
    })
}

/// The plan as the JSON shape: `crisis`, `inferred`, `recommendations` (role,
/// resources, reasons), `points`.
pub fn plan_json(p: &Plan) -> serde_json::Value {
    let codes = |kind: FactKind| -> Vec<String> {
        p.inferred
            .iter()
            .filter(|i| i.kind == kind && i.used)
            .map(|i| i.code.clone())
            .collect()
    };
    serde_json::json!({
        "crisis": p.crisis,
        "inferred": {
            "consultant": p.facts.consultant,
            "concerns": p.facts.concerns,
            "justice": p.facts.justice,
            "urgency": p.facts.urgency,
            "sex": p.facts.sex,
            "prefecture": p.facts.prefecture.map(|x| x.name()),
            "from_text": {
                "concerns": codes(FactKind::Concern),
                "urgency": codes(FactKind::Urgency),
                "consultant": codes(FactKind::Consultant),
                "justice": codes(FactKind::Justice),
            },
            "words": p.inferred,
            "negated": p.negated,
        },
        "recommendations": p.recommendations.iter().map(|r| serde_json::json!({
            "role": r.role,
            "label": r.label,
            "expect": r.expect,
            "resources": r.resources,
            "none_found": r.none_found,
            "reasons": r.reasons.iter().map(|x| format!("{}（{}）", x.text, x.cite)).collect::<Vec<_>>(),
            "rules": r.reasons,
        })).collect::<Vec<_>>(),
        "points": p.points,
    })
}

/// The plan as plain text, to paste into a record or a message.
pub fn plan_text(p: &Plan) -> String {
    let mut out = String::new();
    if p.crisis {
        out.push_str(
            "【至急】命に関わる恐れがあります。ほかの相談より先に安全を確保してください。\n\n",
        );
    }
    for (i, r) in p.recommendations.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", i + 1, r.label));
        out.push_str(&format!("   {}\n", r.expect));
        for x in &r.reasons {
            out.push_str(&format!("   理由: {}（{}）\n", x.text, x.cite));
        }
        for s in &r.resources {
            let phones = if s.phones.is_empty() {
                String::new()
            } else {
                format!(" ☎{}", s.phones.join(" / "))
            };
            out.push_str(&format!(
                "   - {}{}{}（{}）\n",
                s.name,
                s.prefecture
                    .as_deref()
                    .map(|p| format!("［{p}］"))
                    .unwrap_or_default(),
                phones,
                s.open_now
            ));
        }
        if let Some(g) = &r.none_found {
            out.push_str(&format!("   - {g}\n"));
        }
    }
    if !p.points.is_empty() {
        out.push_str("\n支援のポイント\n");
        for x in &p.points {
            out.push_str(&format!("・{}（{}）\n", x.text, x.cite));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .and_then(|d| d.and_hms_opt(11, 0, 0))
            .expect("time")
    }

    fn run(c: &Consultation) -> Plan {
        let book = RuleBook::bundled().expect("rules");
        let lex = Lexicon::bundled().expect("lexicon");
        let dir = Resources::new(&crate::directory::dataset::bundled().expect("directory"));
        plan(&book, &lex, &dir, c, now()).expect("plan")
    }

    fn roles(p: &Plan) -> Vec<&'static str> {
        p.recommendations.iter().map(|r| r.role.code()).collect()
    }

    #[test]
    fn the_bundled_data_loads() {
        assert!(RuleBook::bundled().is_ok());
        assert!(Lexicon::bundled().is_ok());
    }

    #[test]
    fn case_09_gives_the_casebooks_roles_in_order() {
        let p = run(&Consultation {
            text: "32歳の夫が違法薬物の所持と使用で逮捕され、2年服役し、来月の仮釈放が決まりました。家族として支えたいが、また薬物に戻るのではと不安です。".into(),
            prefecture: Some("東京都".into()),
            ..Consultation::default()
        });
        assert!(!p.crisis);
        assert_eq!(p.facts.consultant, Some(Consultant::Spouse));
        assert_eq!(p.facts.justice, Some(Justice::ParoleSoon));
        assert_eq!(p.facts.sex, Some(PersonSex::Male));
        assert_eq!(
            roles(&p),
            [
                "mental_health_welfare_center",
                "addiction_medical",
                "health_center",
                "recovery_facility",
                "family_group",
                "self_help_group",
                "probation"
            ]
        );
        let ids = |role: usize| -> Vec<String> {
            p.recommendations[role]
                .resources
                .iter()
                .map(|r| r.id.clone())
                .collect()
        };
        assert_eq!(ids(0)[0], "tokyo-mhwc-addiction-hub", "the Tokyo hub first");
        assert!(
            ids(3).contains(&"tokyo-darc".to_owned()) && ids(3).contains(&"japan-mac".to_owned())
        );
        assert!(
            !ids(3).contains(&"darc-womens-house".to_owned()),
            "the person is a man"
        );
        assert!(
            ids(1).contains(&"ncnp-drug-addiction".to_owned()),
            "a women's programme does not make a clinic women-only"
        );
        assert!(
            ids(4).contains(&"nar-anon".to_owned())
                && ids(4).contains(&"family-associations".to_owned())
        );
        assert!(ids(5).contains(&"na-japan".to_owned()));
        assert_eq!(ids(6), ["probation-family-meetings"]);
        assert!(p
            .points
            .iter()
            .any(|x| x.cite == "000_aa5960de417e9b16.txt:62"));
        assert!(p
            .recommendations
            .iter()
            .all(|r| r.reasons.iter().all(|x| is_citation(&x.cite))));
    }

    #[test]
    fn urgency_opens_the_plan_and_negation_cancels_it() {
        let p = run(&Consultation {
            text: "お酒がやめられず、もう死にたいと毎日思っています。".into(),
            ..Consultation::default()
        });
        assert!(p.crisis);
        assert_eq!(roles(&p)[0], "crisis_line");
        assert!(
            p.recommendations[0].none_found.is_some(),
            "no crisis line in the data: guidance, no number"
        );
        let p = run(&Consultation {
            text: "お酒はやめられないが、死にたいとは思わない。".into(),
            ..Consultation::default()
        });
        assert!(!p.crisis);
        assert_eq!(p.negated[0].code, "suicidal");
        assert!(p.facts.concerns.contains(&TriageConcern::Alcohol));
    }

    #[test]
    fn readings_slang_and_widths_are_one_word() {
        for text in [
            "かくせいざいがやめられない",
            "シャブがやめられない",
            "しゃぶがやめられない",
            "ｼｬﾌﾞがやめられない",
        ] {
            let p = run(&Consultation {
                text: text.into(),
                ..Consultation::default()
            });
            assert!(
                p.facts.concerns.contains(&TriageConcern::Stimulants),
                "{text}"
            );
        }
        let p = run(&Consultation {
            text: "もう、しにたい".into(),
            ..Consultation::default()
        });
        assert!(p.crisis);
        let p = run(&Consultation {
            text: "大丈夫だと思うが酒が増えた".into(),
            ..Consultation::default()
        });
        assert_eq!(p.facts.consultant, None, "大丈夫 is not 夫");
    }

    #[test]
    fn stated_fields_win_over_the_text_and_bad_input_is_named() {
        let p = run(&Consultation {
            text: "夫のギャンブルが心配".into(),
            consultant: Some(Consultant::Supporter),
            ..Consultation::default()
        });
        assert_eq!(p.facts.consultant, Some(Consultant::Supporter));
        assert!(p.inferred.iter().any(|i| i.code == "spouse" && !i.used));
        let book = RuleBook::bundled().expect("rules");
        let lex = Lexicon::bundled().expect("lexicon");
        let dir = Resources::new(&crate::directory::dataset::bundled().expect("directory"));
        let err = |c: Consultation| plan(&book, &lex, &dir, &c, now()).expect_err("refused");
        assert_eq!(err(Consultation::default()), TriageError::Empty);
        assert!(matches!(
            err(Consultation {
                text: "あ".repeat(MAX_TEXT_CHARS + 1),
                ..Consultation::default()
            }),
            TriageError::TooLong(_)
        ));
        assert!(matches!(
            err(Consultation {
                text: "x".into(),
                prefecture: Some("ムー大陸".into()),
                ..Consultation::default()
            }),
            TriageError::Prefecture(_)
        ));
    }

    #[test]
    fn a_region_with_nothing_in_the_directory_gets_guidance_not_an_invention() {
        let p = run(&Consultation {
            text: "息子がパチンコで借金を重ねています".into(),
            prefecture: Some("沖縄県".into()),
            ..Consultation::default()
        });
        let rf = p
            .recommendations
            .iter()
            .find(|r| r.role == Role::RecoveryFacility)
            .expect("role");
        assert!(
            rf.resources.iter().all(|r| r.prefecture.is_none()),
            "{:?}",
            rf.resources
        );
        let welfare = p
            .recommendations
            .iter()
            .find(|r| r.role == Role::WelfareOffice)
            .expect("借金");
        assert!(
            welfare.resources.is_empty()
                && welfare
                    .none_found
                    .as_deref()
                    .is_some_and(|g| g.contains("福祉事務所"))
        );
        let mhwc = &p.recommendations[0];
        assert_eq!(mhwc.role, Role::MentalHealthWelfareCenter);
        assert_eq!(mhwc.resources[0].prefecture.as_deref(), Some("沖縄県"));
    }

    #[test]
    fn broken_rule_files_are_refused_naming_the_rule() {
        let broken = RULES_JSON.replacen(
            "\"role\": \"probation\", \"priority\": 70",
            "\"role\": \"astrology\", \"priority\": 70",
            1,
        );
        assert!(RuleBook::parse(&broken).is_err());
        let mut uncited: serde_json::Value = serde_json::from_str(RULES_JSON).expect("JSON");
        for r in uncited["rules"].as_array_mut().expect("rules") {
            if r["id"] == "probation-family" {
                r["cite"] = "somewhere".into();
            }
        }
        let e = RuleBook::parse(&uncited.to_string()).expect_err("uncited");
        assert!(e.to_string().contains("probation-family"), "{e}");
        let dup = RULES_JSON.replacen("\"id\": \"poverty\"", "\"id\": \"crisis\"", 1);
        assert!(RuleBook::parse(&dup)
            .expect_err("dup")
            .to_string()
            .contains("duplicate"));
        let lex = LEXICON_JSON.replacen("\"code\": \"stimulants\"", "\"code\": \"stimulant\"", 1);
        assert!(Lexicon::parse(&lex).is_err());
    }
}
