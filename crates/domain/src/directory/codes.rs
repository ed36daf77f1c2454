//! The directory's code lists: concerns, audiences, resource and service kinds, statuses.
//! Each has stable snake_case codes and Japanese labels (declared with
//! `code_enum!` in [`crate::common::codes`]).

use crate::common::codes::code_enum;

code_enum!(
    /// What a person struggles with. Drug subtypes are separate codes so that a search for
    /// `drugs` can include them (see [`Concern::matches`]).
    Concern, "concern" {
        /// Any drug problem.
        Drugs => ("drugs", "薬物"),
        /// 覚醒剤 (stimulants).
        Stimulants => ("stimulants", "覚醒剤"),
        /// 大麻.
        Cannabis => ("cannabis", "大麻"),
        /// 危険ドラッグ.
        DangerousDrugs => ("dangerous_drugs", "危険ドラッグ"),
        /// 有機溶剤 (シンナー等).
        Solvents => ("solvents", "有機溶剤"),
        /// 市販薬 (OTC medicines).
        OtcDrugs => ("otc_drugs", "市販薬"),
        /// 処方薬 (prescription medicines).
        PrescriptionDrugs => ("prescription_drugs", "処方薬"),
        /// アルコール.
        Alcohol => ("alcohol", "アルコール"),
        /// ギャンブル.
        Gambling => ("gambling", "ギャンブル"),
        /// ゲーム.
        Gaming => ("gaming", "ゲーム"),
        /// 性的嗜癖.
        SexualBehaviour => ("sexual_behaviour", "性的嗜癖"),
        /// 窃盗・万引き.
        Theft => ("theft", "窃盗・万引き"),
        /// Addiction in general (アディクション全般).
        AddictionGeneral => ("addiction_general", "依存症全般"),
        /// Mental health in general.
        MentalHealth => ("mental_health", "メンタルヘルス全般"),
        /// Suicide prevention.
        Suicide => ("suicide", "自殺"),
    }
);

impl Concern {
    /// Whether a service tagged `self` answers a search for `wanted`: a drug subtype answers
    /// `drugs`, and a service for addiction in general answers every addiction concern.
    pub fn matches(self, wanted: Concern) -> bool {
        use Concern::*;
        if self == wanted {
            return true;
        }
        let is_drug = |c: Concern| {
            matches!(
                c,
                Stimulants | Cannabis | DangerousDrugs | Solvents | OtcDrugs | PrescriptionDrugs
            )
        };
        let is_addiction = |c: Concern| {
            is_drug(c)
                || matches!(
                    c,
                    Drugs | Alcohol | Gambling | Gaming | SexualBehaviour | Theft
                )
        };
        match (self, wanted) {
            (Drugs, w) if is_drug(w) => true,
            (s, Drugs) if is_drug(s) => true,
            (AddictionGeneral, w) if is_addiction(w) => true,
            _ => false,
        }
    }
}

code_enum!(
    /// Who a service is for.
    Audience, "audience" {
        /// The person with the problem (本人).
        Self_ => ("self", "本人"),
        /// Family members.
        Family => ("family", "家族"),
        /// Friends.
        Friends => ("friends", "友人"),
        /// Supporters and professionals (支援者).
        Supporters => ("supporters", "支援者"),
        /// Women.
        Women => ("women", "女性"),
        /// Young people.
        Youth => ("youth", "若者"),
        /// Partners.
        Partners => ("partners", "パートナー"),
    }
);

code_enum!(
    /// What a service does.
    ServiceKind, "service kind" {
        /// 電話相談.
        PhoneConsultation => ("phone_consultation", "電話相談"),
        /// 面接相談.
        InPersonConsultation => ("in_person_consultation", "面接相談"),
        /// メール相談.
        EmailConsultation => ("email_consultation", "メール相談"),
        /// 家族教室・家族相談.
        FamilyProgram => ("family_program", "家族教室"),
        /// 回復プログラム.
        RecoveryProgram => ("recovery_program", "回復プログラム"),
        /// 外来.
        Outpatient => ("outpatient", "外来"),
        /// 入院.
        Inpatient => ("inpatient", "入院"),
        /// 入所 (residential).
        Residential => ("residential", "入所"),
        /// 通所 (day attendance).
        DayAttendance => ("day_attendance", "通所"),
        /// デイケア.
        DayCare => ("day_care", "デイケア"),
        /// 対面ミーティング.
        MeetingInPerson => ("meeting_in_person", "ミーティング(対面)"),
        /// オンラインミーティング.
        MeetingOnline => ("meeting_online", "ミーティング(オンライン)"),
        /// 法律相談.
        LegalConsultation => ("legal_consultation", "法律相談"),
        /// 行政窓口 (administrative counter).
        Administration => ("administration", "行政窓口"),
        /// 普及啓発・研究・助成 (education, research, grants).
        Advocacy => ("advocacy", "普及啓発・研究"),
        /// 情報提供 (information and referral).
        Information => ("information", "情報提供"),
    }
);

code_enum!(
    /// The kind of provider, used for grouping and by the triage roles.
    ResourceKind, "resource kind" {
        /// 精神保健福祉センター.
        MentalHealthWelfareCenter => ("mental_health_welfare_center", "精神保健福祉センター"),
        /// 都道府県・指定都市の精神保健福祉担当課.
        GovernmentDepartment => ("government_department", "行政の担当課"),
        /// 保健所・保健センター.
        HealthCenter => ("health_center", "保健所・保健センター"),
        /// 依存症の治療ができる医療機関.
        AddictionMedical => ("addiction_medical", "依存症の医療機関"),
        /// 民間の回復施設 (DARC, MAC, ...).
        RecoveryFacility => ("recovery_facility", "回復施設"),
        /// 自助グループ (AA, NA, SA, ...).
        SelfHelpGroup => ("self_help_group", "自助グループ"),
        /// 家族の自助グループ・家族会.
        FamilyGroup => ("family_group", "家族会・家族の自助グループ"),
        /// 保護観察所.
        Probation => ("probation", "保護観察所"),
        /// 依存症支援のNPO.
        AddictionNpo => ("addiction_npo", "依存症支援団体"),
        /// 関係団体 (national associations and foundations).
        RelatedOrganization => ("related_organization", "関係団体"),
        /// A crisis line; the web UI's crisis banner lists these, so only sourced lines may
        /// carry this kind.
        CrisisLine => ("crisis_line", "危機対応の相談電話"),
    }
);

code_enum!(
    /// HSDS service status.
    ServiceStatus, "status" {
        /// Running.
        Active => ("active", "活動中"),
        /// Temporarily closed.
        TemporarilyClosed => ("temporarily_closed", "一時休止"),
        /// No longer exists.
        Defunct => ("defunct", "廃止"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;
    use std::str::FromStr;

    #[test]
    fn every_code_round_trips_and_has_a_japanese_label() {
        fn check<T: Copy + FromStr + PartialEq + fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
        ) {
            for &v in all {
                assert_eq!(code(v).parse::<T>().ok(), Some(v));
                assert!(code(v).bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
                assert!(!label(v).is_ascii(), "{v:?} needs a Japanese label");
            }
        }
        check(Concern::ALL, Concern::code, Concern::label_ja);
        check(Audience::ALL, Audience::code, Audience::label_ja);
        check(ServiceKind::ALL, ServiceKind::code, ServiceKind::label_ja);
        check(
            ResourceKind::ALL,
            ResourceKind::code,
            ResourceKind::label_ja,
        );
        check(
            ServiceStatus::ALL,
            ServiceStatus::code,
            ServiceStatus::label_ja,
        );
    }

    #[test]
    fn serde_uses_the_same_codes_as_code() {
        assert_eq!(
            serde_json::to_string(&Audience::Self_).ok().as_deref(),
            Some("\"self\"")
        );
        assert_eq!(
            serde_json::to_string(&Concern::OtcDrugs).ok().as_deref(),
            Some("\"otc_drugs\"")
        );
    }

    #[test]
    fn drug_subtypes_answer_a_drugs_search_and_addiction_general_answers_all() {
        assert!(Concern::Stimulants.matches(Concern::Drugs));
        assert!(Concern::Drugs.matches(Concern::Cannabis));
        assert!(Concern::AddictionGeneral.matches(Concern::Gambling));
        assert!(!Concern::Alcohol.matches(Concern::Drugs));
        assert!(!Concern::MentalHealth.matches(Concern::Alcohol));
    }

    #[test]
    fn unknown_codes_are_errors() {
        assert!("heroin".parse::<Concern>().is_err());
    }
}
