//! The rule table: how long each procedure's period is, what a closed last day does, and the
//! rules themselves ([`RULES`]), each with its article and seed line; and the check of the table.

use crate::common::basis::Basis;
use crate::law::deadlines::events::EVENT_TYPES;
use crate::law::period::{last_day, FirstDay, Unit};
use chrono::NaiveDate;
use serde::Serialize;

/// The handbook in the seed set.
pub const HANDBOOK: &str = "004_d9518c60032bdf29.txt";

/// What a closed last day does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnClosedDay {
    /// Flag it; the deadline stays.
    Stays,
    /// Move to the next open day (and say so).
    MovesToNextOpenDay,
}

/// How long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// Exact hours from the moment of the event.
    Hours(i64),
    /// A calendar period (民法140条〜143条).
    Calendar {
        /// How many.
        n: u32,
        /// Of what.
        unit: Unit,
        /// How the first day counts.
        first: FirstDay,
    },
    /// The last day of the month in which a calendar period ends (「…が経過する日の属する月の
    /// 末日」).
    MonthEnd {
        /// How many.
        n: u32,
        /// Of what.
        unit: Unit,
        /// How the first day counts.
        first: FirstDay,
    },
    /// The last month-end day within a period that starts on the event's day
    /// (「始期から1年以内の日で月の末日たる日」).
    MonthEndWithin {
        /// How many.
        n: u32,
        /// Of what.
        unit: Unit,
    },
    /// `months` calendar months before another obligation of the same event (listed earlier),
    /// the day number kept or, when the month is shorter, its last day.
    MonthsBefore {
        /// How many months.
        months: u32,
        /// The obligation counted back from.
        of: &'static str,
    },
    /// A series of monthly reports: the months are counted with the month after the event's as
    /// the 1st (「…日の属する月の翌月を初月とする」), each report due by the end of its month.
    /// `first` lists extra early months; then every `every` months through month `through`.
    ReportMonths {
        /// Early months before the regular cycle.
        first: &'static [u32],
        /// The cycle in months.
        every: u32,
        /// The last month listed.
        through: u32,
    },
    /// The month end `months` after the date in an event field (e.g. a 手帳 renewal counts
    /// from the previous expiry).
    MonthEndAfterField {
        /// The event field holding the date.
        field: &'static str,
        /// How many months.
        months: u32,
    },
    /// The first day of the month after the event's (a change that takes effect then).
    FirstOfNextMonth,
    /// On the day of the event (a written notice given when the measure is taken).
    AtEvent,
}

/// An outer limit: the due date is never later than the end of this period, counted from the
/// date in `from_field` (or the event's own date when the field is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cap {
    /// The event field holding the date the limit counts from.
    pub from_field: &'static str,
    /// How many.
    pub n: u32,
    /// Of what.
    pub unit: Unit,
    /// How the first day counts.
    pub first: FirstDay,
}

/// One timed rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The event type it applies to.
    pub event: &'static str,
    /// A field condition (`("by", "specified_physician")`), if any.
    pub when: Option<(&'static str, &'static str)>,
    /// The obligation code.
    pub obligation: &'static str,
    /// The period.
    pub length: Length,
    /// Closed last day.
    pub on_closed_day: OnClosedDay,
    /// A later limit the due date may not pass, if any.
    pub cap: Option<Cap>,
    /// Basis.
    pub basis: Basis,
    /// What it means (our words).
    pub meaning: &'static str,
}

pub(crate) const fn days(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Days,
        first: FirstDay::Excluded,
    }
}
pub(crate) const fn weeks(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Weeks,
        first: FirstDay::Excluded,
    }
}
pub(crate) const fn years(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Years,
        first: FirstDay::Excluded,
    }
}

/// The timed rules.
pub const RULES: &[Rule] = &[
    Rule {
        event: "voluntary_admission",
        when: None,
        obligation: "written_notice",
        length: Length::AtEvent,
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法第22条の4第1項", source: "004_d9518c60032bdf29.txt:4734" },
        meaning: "入院に際し、退院等の請求のことなどを書面で知らせ、本人から自ら入院する旨の書面を受ける。",
    },
    Rule {
        event: "voluntary_admission",
        when: None,
        obligation: "reconsent_due",
        length: years(1),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "任意入院の同意の再確認（入院後1年経過時）",
            source: "004_d9518c60032bdf29.txt:2171",
        },
        meaning: "任意入院から1年たったら、本人から同意書をもう一度受け取る（その後2年ごと）。",
    },
    Rule {
        event: "voluntary_admission",
        when: None,
        obligation: "reconsent_due",
        length: years(3),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "任意入院の同意の再確認（以後2年ごと）",
            source: "004_d9518c60032bdf29.txt:2171",
        },
        meaning: "1年目の再確認から2年後に、再び同意書を受け取る。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: None,
        obligation: "written_notice",
        length: Length::AtEvent,
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法第22条の4第7項", source: "004_d9518c60032bdf29.txt:4746" },
        meaning: "退院を制限するときは、その旨と退院等の請求のことなどを本人に書面で知らせる。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: Some(("by", "specified_physician")),
        obligation: "specified_physician_record_due",
        length: Length::Calendar { n: 1, unit: Unit::Months, first: FirstDay::Excluded },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行規則第5条の5", source: "004_d9518c60032bdf29.txt:6310" },
        meaning: "特定医師の診察による退院制限を採った日から1か月以内に、その記録を作成して保存する。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: Some(("by", "designated_physician")),
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第22条の4第3項",
            source: "004_d9518c60032bdf29.txt:4738",
        },
        meaning: "指定医の診察による任意入院者の退院制限は72時間まで。",
    },
    Rule {
        event: "voluntary_discharge_hold",
        when: Some(("by", "specified_physician")),
        obligation: "hold_expires",
        length: Length::Hours(12),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第22条の4第4項",
            source: "004_d9518c60032bdf29.txt:4740-4742",
        },
        meaning: "特定病院で特定医師の診察による退院制限は12時間まで。",
    },
    Rule {
        event: "emergency_involuntary_admission",
        when: None,
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第29条の2第3項",
            source: "004_d9518c60032bdf29.txt:4827",
        },
        meaning: "緊急措置入院は72時間を超えられない。",
    },
    Rule {
        event: "medical_protection_admission",
        when: None,
        obligation: "admission_notice",
        length: days(10),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条第7項",
            source: "004_d9518c60032bdf29.txt:4893",
        },
        meaning: "医療保護入院の届出（同意書を添えて保健所長経由で知事へ）は10日以内。",
    },
    Rule {
        event: "medical_protection_admission",
        when: Some(("consent_by", "support_obligor")),
        obligation: "guardian_appointment_deadline",
        length: weeks(4),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条第2項",
            source: "004_d9518c60032bdf29.txt:4883",
        },
        meaning: "保護者の選任前に扶養義務者の同意で入院させられるのは4週間まで。",
    },
    Rule {
        event: "medical_protection_admission",
        when: None,
        obligation: "notice_deferral_limit",
        length: weeks(4),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条の3",
            source: "004_d9518c60032bdf29.txt:4899",
        },
        meaning:
            "入院時の書面による告知を症状のため延期できるのは、入院の日から4週間を経過する日まで。",
    },
    // Periodic reports (法第38条の2). The seed's sources disagree: the law's summary (2260) and
    // the 2006 revision note (1118) add a report at 3 months for 措置, while the 施行規則 text
    // printed in the seed (第19条第3項, 6527) still has 6-monthly months only, because the
    // seed prints the rule as it stood before that revision. Decision: follow the law and the
    // revision (3, 6, then every 6 months), and count months as the 施行規則 does (the month
    // after admission is the 1st; the report is due within that month). Listed five years
    // ahead; a stay beyond that is entered again from the last report. A report is due *in* its
    // month, so a closed last day does not move it into the next month: it is flagged, and the
    // report goes in on an earlier open day.
    Rule {
        event: "involuntary_admission",
        when: None,
        obligation: "periodic_report_due",
        length: Length::ReportMonths { first: &[3], every: 6, through: 60 },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第38条の2第1項・同法施行規則第19条第3項",
            source: "004_d9518c60032bdf29.txt:2260",
        },
        meaning: "措置入院者の定期病状報告：入院月の翌月を1か月目として3か月目、6か月目、以後6か月ごとの月に、保健所長を経て知事へ。",
    },
    Rule {
        event: "medical_protection_admission",
        when: None,
        obligation: "periodic_report_due",
        length: Length::ReportMonths { first: &[], every: 12, through: 60 },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第38条の2第2項・同法施行規則第20条第3項",
            source: "004_d9518c60032bdf29.txt:6542",
        },
        meaning: "医療保護入院者の定期病状報告：入院月の翌月を1か月目として12か月ごとの月に、保健所長を経て知事へ。",
    },
    Rule {
        event: "medical_protection_discharge",
        when: None,
        obligation: "discharge_notice",
        length: days(10),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条の2",
            source: "004_d9518c60032bdf29.txt:4895",
        },
        meaning: "医療保護入院者を退院させたら10日以内に届け出る（他の入院形態への移行も退院）。",
    },
    Rule {
        event: "urgent_admission",
        when: Some(("by", "designated_physician")),
        obligation: "hold_expires",
        length: Length::Hours(72),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条の4第1項",
            source: "004_d9518c60032bdf29.txt:4902",
        },
        meaning: "応急入院は72時間まで。",
    },
    Rule {
        event: "urgent_admission",
        when: Some(("by", "specified_physician")),
        obligation: "hold_expires",
        length: Length::Hours(12),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神保健福祉法第33条の4第2項",
            source: "004_d9518c60032bdf29.txt:4906",
        },
        meaning: "特定医師の診察による応急入院は12時間まで。",
    },
    Rule {
        event: "urgent_admission",
        when: Some(("by", "specified_physician")),
        obligation: "specified_physician_record_due",
        length: Length::Calendar { n: 1, unit: Unit::Months, first: FirstDay::Excluded },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行規則第16条の2", source: "004_d9518c60032bdf29.txt:6463" },
        meaning: "特定医師の診察による応急入院を採った日から1か月以内に、その記録を作成して保存する。",
    },
    // --- 精神障害者保健福祉手帳 ---------------------------------------------------------------
    Rule {
        event: "notebook_application_received",
        when: None,
        obligation: "notebook_expiry",
        length: Length::MonthEnd { n: 2, unit: Unit::Years, first: FirstDay::Excluded },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神障害者保健福祉手帳制度実施要領 第二 3(2)（交付日は市町村長の受理日）",
            source: "004_d9518c60032bdf29.txt:19011",
        },
        meaning: "手帳の有効期限は、交付日（市町村長が申請を受理した日）から2年が経過する日の属する月の末日。",
    },
    Rule {
        event: "notebook_application_received",
        when: None,
        obligation: "notebook_renewal_window_opens",
        length: Length::MonthsBefore { months: 3, of: "notebook_expiry" },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行規則第28条第2項", source: "004_d9518c60032bdf29.txt:6625" },
        meaning: "更新の申請は、有効期限の3か月前からできる（期限後も申請できる）。",
    },
    Rule {
        event: "notebook_grade_change_decided",
        when: None,
        obligation: "notebook_expiry",
        length: Length::MonthEnd { n: 2, unit: Unit::Years, first: FirstDay::Excluded },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神障害者保健福祉手帳制度実施要領 第三（障害等級の変更）",
            source: "004_d9518c60032bdf29.txt:19105",
        },
        meaning: "等級変更で交付し直す手帳の有効期限は、変更決定の日から2年が経過する日の属する月の末日（番号と交付日は変わらない）。",
    },
    Rule {
        event: "notebook_grade_change_decided",
        when: None,
        obligation: "notebook_renewal_window_opens",
        length: Length::MonthsBefore { months: 3, of: "notebook_expiry" },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行規則第28条第2項", source: "004_d9518c60032bdf29.txt:6625" },
        meaning: "更新の申請は、有効期限の3か月前からできる。",
    },
    Rule {
        event: "notebook_renewal_application_received",
        when: None,
        obligation: "notebook_expiry",
        // Decision: expiry dates are month ends (19011), so "2 years after" a month end is the
        // month end 24 months on (2026-02-28 → 2028-02-29).
        length: Length::MonthEndAfterField { field: "previous_expiry", months: 24 },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "精神障害者保健福祉手帳制度実施要領 第四 1(7)（更新後の有効期限）",
            source: "004_d9518c60032bdf29.txt:19067",
        },
        meaning: "更新後の有効期限は、更新前の有効期限の2年後（期限が切れてからの更新申請でも同じ）。",
    },
    Rule {
        event: "notebook_renewal_application_received",
        when: None,
        obligation: "notebook_renewal_window_opens",
        length: Length::MonthsBefore { months: 3, of: "notebook_expiry" },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行規則第28条第2項", source: "004_d9518c60032bdf29.txt:6625" },
        meaning: "次の更新の申請は、新しい有効期限の3か月前からできる。",
    },
    Rule {
        event: "notebook_holder_moved",
        when: Some(("within_prefecture", "true")),
        obligation: "notebook_change_notice",
        length: days(30),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行令第7条第2項", source: "004_d9518c60032bdf29.txt:5866" },
        meaning: "同じ都道府県の中で転居（または氏名変更）したら、30日以内に手帳を添えて市町村長経由で届け出る。",
    },
    Rule {
        event: "notebook_holder_moved",
        when: Some(("within_prefecture", "false")),
        obligation: "notebook_change_notice",
        length: days(30),
        on_closed_day: OnClosedDay::MovesToNextOpenDay,
        cap: None,
        basis: Basis { law: "精神保健福祉法施行令第7条第4項", source: "004_d9518c60032bdf29.txt:5870" },
        meaning: "他の都道府県に転居したら、30日以内に新しい居住地の市町村長経由で新しい知事に届け出る（新しい手帳と引き換え）。",
    },
    // --- 自立支援医療（精神通院医療）-----------------------------------------------------------
    Rule {
        event: "outpatient_support_application_received",
        when: None,
        // The 受給者証 (certificate) of 自立支援医療: its validity end.
        obligation: "certificate_valid_until",
        length: Length::MonthEndWithin { n: 1, unit: Unit::Years },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "自立支援医療（精神通院医療）の支給認定の実施について（受給者証の有効期間）",
            source: "004_d9518c60032bdf29.txt:20890",
        },
        meaning: "新規の支給認定は、市町村が申請を受理した日を始期とし、始期から1年以内の日で月の末日たる日を終期とする。",
    },
    Rule {
        event: "outpatient_support_application_received",
        when: None,
        obligation: "support_renewal_window_opens",
        length: Length::MonthsBefore { months: 3, of: "certificate_valid_until" },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "自立支援医療（精神通院医療）の支給認定の実施について（継続の申請）",
            source: "004_d9518c60032bdf29.txt:20864",
        },
        meaning: "継続の申請は、有効期間の終わる日の概ね3か月前からできる。",
    },
    Rule {
        event: "support_category_change_decided",
        when: None,
        obligation: "support_category_change_effective",
        length: Length::FirstOfNextMonth,
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis {
            law: "自立支援医療費支給認定通則実施要綱（所得区分の変更）",
            source: "004_d9518c60032bdf29.txt:20512",
        },
        meaning: "所得区分の変更は、変更を決定した日の属する月の翌月の初日から適用する（新しい受給者証を交付）。",
    },
    // --- 不服申立て（処分の教示のとおり）-----------------------------------------------------
    Rule {
        event: "decision_notified",
        when: None,
        obligation: "objection_deadline",
        length: days(60),
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "行政不服審査法による審査請求（処分の教示文）", source: "004_d9518c60032bdf29.txt:15209" },
        meaning: "処分に不服があれば、通知を受けた日の翌日から起算して60日以内に審査請求できる。",
    },
    Rule {
        event: "decision_notified",
        when: None,
        obligation: "lawsuit_deadline",
        length: Length::Calendar { n: 6, unit: Unit::Months, first: FirstDay::Excluded },
        on_closed_day: OnClosedDay::Stays,
        // Never after 1 year from the day after the decision (004:15210).
        cap: Some(Cap {
            from_field: "decided",
            n: 1,
            unit: Unit::Years,
            first: FirstDay::Excluded,
        }),
        basis: Basis { law: "行政事件訴訟法による取消訴訟（処分の教示文）", source: "004_d9518c60032bdf29.txt:15210" },
        meaning: "取消しの訴えは通知を受けた日の翌日から起算して6か月以内。ただし処分の日の翌日から起算して1年を経過すると起こせない。",
    },
    // --- 医療観察法 ---------------------------------------------------------------------------
    Rule {
        event: "assessment_admission_order_executed",
        when: None,
        obligation: "assessment_admission_end",
        length: Length::Calendar { n: 2, unit: Unit::Months, first: FirstDay::Included },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "医療観察法第34条第3項", source: "004_d9518c60032bdf29.txt:9034" },
        // The seed prints 「2月を超えないことができない」 (004:9034), a garbled double negative;
        // decision: read as 「2月を超えることができない」, which its proviso (extension of at
        // most 1 month) only makes sense with.
        meaning: "鑑定入院は命令が執行された日から起算して2か月まで。",
    },
    Rule {
        event: "assessment_admission_order_executed",
        when: None,
        obligation: "assessment_admission_max_end",
        length: Length::Calendar { n: 3, unit: Unit::Months, first: FirstDay::Included },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "医療観察法第34条第3項ただし書", source: "004_d9518c60032bdf29.txt:9034" },
        meaning: "裁判所の決定で延長しても、通じて1か月まで（合わせて3か月）。",
    },
    Rule {
        event: "outpatient_treatment_order",
        when: None,
        obligation: "outpatient_period_end",
        length: Length::Calendar { n: 3, unit: Unit::Years, first: FirstDay::Included },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "医療観察法第44条", source: "004_d9518c60032bdf29.txt:9129" },
        meaning: "入院によらない医療（通院）の期間は決定の日から起算して3年間。",
    },
    Rule {
        event: "outpatient_treatment_order",
        when: None,
        obligation: "outpatient_period_max_end",
        length: Length::Calendar { n: 5, unit: Unit::Years, first: FirstDay::Included },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "医療観察法第44条ただし書", source: "004_d9518c60032bdf29.txt:9129" },
        meaning: "裁判所は通じて2年を超えない範囲で延長できる（合わせて5年）。",
    },
    Rule {
        event: "inpatient_treatment_order",
        when: None,
        obligation: "continuation_application_due",
        length: Length::Calendar { n: 6, unit: Unit::Months, first: FirstDay::Included },
        on_closed_day: OnClosedDay::Stays,
        cap: None,
        basis: Basis { law: "医療観察法第49条第2項", source: "004_d9518c60032bdf29.txt:9178" },
        meaning: "入院を続ける必要があれば、決定の日から起算して6か月が経過する日までに地方裁判所へ入院継続の確認を申し立てる（無断退去や身柄拘束の間は期間が止まる）。",
    },
];

/// Checks the catalogue itself: every rule's event is a known type, its condition and any field
/// it counts from are fields of that type, a rule counted back from another follows it, and
/// every basis names a law and a `file:line` source. `serve` and `tsunagu deadlines` run it at
/// start-up and refuse to run on a broken catalogue.
pub fn validate_catalogue() -> Result<(), Vec<String>> {
    validate_rules(RULES)
}

pub(crate) fn validate_rules(rules: &[Rule]) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let source_ok = |s: &str| {
        s.split_once(':').is_some_and(|(file, lines)| {
            file.ends_with(".txt")
                && !lines.is_empty()
                && lines
                    .split('-')
                    .all(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
        })
    };
    for (i, r) in rules.iter().enumerate() {
        let name = format!("rule {i} ({} → {})", r.event, r.obligation);
        let Some((_, required, optional)) = EVENT_TYPES.iter().find(|(k, _, _)| *k == r.event)
        else {
            problems.push(format!("{name}: unknown event type"));
            continue;
        };
        let has = |f: &str| required.contains(&f) || optional.contains(&f);
        if let Some((field, _)) = r.when {
            if !has(field) {
                problems.push(format!(
                    "{name}: condition on {field:?}, not a field of the event"
                ));
            }
        }
        if let Some(cap) = r.cap {
            if !has(cap.from_field) && cap.from_field != "at" {
                problems.push(format!(
                    "{name}: cap counts from {:?}, not a field",
                    cap.from_field
                ));
            }
        }
        match r.length {
            Length::MonthsBefore { of, .. }
                if !rules[..i]
                    .iter()
                    .any(|e| e.event == r.event && e.obligation == of) =>
            {
                problems.push(format!(
                    "{name}: counts back from {of:?}, which no earlier rule of this event gives"
                ));
            }
            Length::MonthEndAfterField { field, .. } if !required.contains(&field) => {
                problems.push(format!(
                    "{name}: counts from {field:?}, which the event does not require"
                ));
            }
            _ => {}
        }
        if r.basis.law.trim().is_empty() || !source_ok(r.basis.source) {
            problems.push(format!(
                "{name}: basis needs a law and a file:line source, got {:?}",
                r.basis
            ));
        }
        if r.meaning.trim().is_empty() {
            problems.push(format!("{name}: no meaning"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The first day a 手帳 certificate may be dated: the day after the 6 months counted from the
/// first visit (「初めて医師の診療を受けた日から起算して6月を経過した日以後」, 004:6589).
/// Decision: 「経過した日」 is the day after the period's last day.
pub fn certificate_valid_from(first_visit: NaiveDate) -> Option<NaiveDate> {
    last_day(first_visit, 6, Unit::Months, FirstDay::Included).and_then(|d| d.succ_opt())
}
