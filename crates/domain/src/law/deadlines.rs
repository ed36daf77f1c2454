//! The deadline engine: procedures of the 精神保健福祉法 as data, each with its article and the
//! seed line that states it, turned into dated obligations by [`crate::law::period`].
//!
//! # Brief overview
//! An [`Event`] (an admission, a hold, a discharge, a restriction) goes in; [`obligations`]
//! returns what must happen by when, or a [`Refusal`] naming the rule when the event itself is
//! unlawful or impossible (措置 without two agreeing 指定医, 隔離 over 12 hours ordered by a
//! non-指定医, restricting a call with the patient's lawyer …). The rules are the table
//! [`RULES`] and the checks in [`check`]; every entry cites `004_d9518c60032bdf29.txt:line`.
//!
//! Holidays (民法142条): each rule says what a closed last day does. Notifications to the
//! 保健所長 / 知事 move to the next open day (行政機関の休日に関する法律 第2条 for acts
//! toward an administrative body); limits on holding a patient never move (a patient's liberty
//! does not wait for Monday). Either way a closed last day is flagged.
//!
//! This covers the admission procedures and their periodic reports, the restrictions, the
//! 手帳 (expiry, renewal window, renewal after expiry, grade change, moves, the certificate's
//! 6 months, the pension route), 自立支援医療's validity, renewal and the date an income
//! category change takes effect, appeals as the handbook's 教示 words them, the 医療観察法
//! periods, and the 審査会 panel ([`crate::law::review_board`]). Besides dated obligations an event
//! can give [`Finding`]s: facts such as the 手帳 grade or a vote's outcome, each with its basis.
//! The money rules of 自立支援医療 are in [`crate::law::jiritsu`].

use crate::common::basis::{Basis, Refusal};
use crate::law::period::{
    after_hours, closed_day, extend_past_closed_days, last_day, FirstDay, Unit,
};
use chrono::{NaiveDate, NaiveDateTime};
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

const fn days(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Days,
        first: FirstDay::Excluded,
    }
}
const fn weeks(n: u32) -> Length {
    Length::Calendar {
        n,
        unit: Unit::Weeks,
        first: FirstDay::Excluded,
    }
}
const fn years(n: u32) -> Length {
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

/// Event types the engine knows: the fields each needs, and those it may have.
pub const EVENT_TYPES: &[(&str, &[&str], &[&str])] = &[
    ("voluntary_admission", &[], &[]),
    ("voluntary_discharge_hold", &["by"], &["hospital_approved"]),
    ("involuntary_admission", &["examinations"], &[]),
    ("emergency_involuntary_admission", &[], &[]),
    ("medical_protection_admission", &["consent_by"], &[]),
    ("medical_protection_discharge", &[], &[]),
    ("urgent_admission", &["by"], &["hospital_approved"]),
    ("seclusion", &["ordered_by", "hours"], &[]),
    ("restraint", &["ordered_by"], &[]),
    ("restriction", &["kind", "with"], &[]),
    (
        "notebook_application_received",
        &[],
        &["route", "first_visit", "certificate_date", "pension_grade"],
    ),
    (
        "notebook_renewal_application_received",
        &["previous_expiry"],
        &[],
    ),
    ("notebook_grade_change_decided", &[], &[]),
    ("notebook_holder_moved", &["within_prefecture"], &[]),
    ("decision_notified", &[], &["decided"]),
    ("outpatient_support_application_received", &[], &[]),
    ("support_category_change_decided", &[], &[]),
    ("review_board_session", &["members"], &[]),
    ("assessment_admission_order_executed", &[], &[]),
    ("outpatient_treatment_order", &[], &[]),
    ("inpatient_treatment_order", &[], &[]),
];

/// The Japanese label of each event that can be entered on a case, beside the codes of
/// [`EVENT_TYPES`]; the staff case page lists them in this order. (A 審査会 session,
/// `review_board_session`, gives a finding, not a deadline, so it is entered with
/// `tsunagu deadlines` and has no label here.)
pub const EVENT_LABELS: &[(&str, &str)] = &[
    ("voluntary_admission", "任意入院"),
    (
        "voluntary_discharge_hold",
        "任意入院者の退院制限（時刻が必要）",
    ),
    ("involuntary_admission", "措置入院"),
    (
        "emergency_involuntary_admission",
        "緊急措置入院（時刻が必要）",
    ),
    ("medical_protection_admission", "医療保護入院"),
    ("medical_protection_discharge", "医療保護入院者の退院"),
    ("urgent_admission", "応急入院（時刻が必要）"),
    ("seclusion", "隔離"),
    ("restraint", "身体的拘束"),
    ("restriction", "通信・面会の制限"),
    ("notebook_application_received", "手帳の申請受理（交付日）"),
    (
        "notebook_renewal_application_received",
        "手帳の更新申請受理",
    ),
    ("notebook_grade_change_decided", "手帳の等級変更の決定"),
    ("notebook_holder_moved", "手帳所持者の転居"),
    (
        "outpatient_support_application_received",
        "自立支援医療の申請受理",
    ),
    (
        "support_category_change_decided",
        "自立支援医療の所得区分変更の決定",
    ),
    ("decision_notified", "処分の通知を受けた"),
    ("assessment_admission_order_executed", "鑑定入院命令の執行"),
    ("outpatient_treatment_order", "医療観察法の通院決定"),
    ("inpatient_treatment_order", "医療観察法の入院決定"),
];

/// The label of an event code; unknown codes read 「（不明な手続き）」.
pub fn event_label_ja(code: &str) -> &'static str {
    EVENT_LABELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("（不明な手続き）", |(_, l)| l)
}

/// Checks the catalogue itself: every rule's event is a known type, its condition and any field
/// it counts from are fields of that type, a rule counted back from another follows it, and
/// every basis names a law and a `file:line` source. `serve` and `tsunagu deadlines` run it at
/// start-up and refuse to run on a broken catalogue.
pub fn validate_catalogue() -> Result<(), Vec<String>> {
    validate_rules(RULES)
}

fn validate_rules(rules: &[Rule]) -> Result<(), Vec<String>> {
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

/// When an event happened: a day, or a day and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum At {
    /// A day.
    Date(NaiveDate),
    /// A day and time (needed for hour periods).
    DateTime(NaiveDateTime),
}

impl At {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub fn parse(s: &str) -> Result<At, Refusal> {
        let s = s.trim();
        if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M") {
            return Ok(At::DateTime(t));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(At::Date)
            .map_err(|_| Refusal {
                rule: "date",
                message: format!(
                    "{s:?} is not a date that exists (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
                ),
                basis: None,
            })
    }
    /// The day.
    pub fn date(&self) -> NaiveDate {
        match self {
            At::Date(d) => *d,
            At::DateTime(t) => t.date(),
        }
    }
}

/// One event as read from the input: its type, when, and the other fields as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Type code.
    pub kind: String,
    /// When.
    pub at: At,
    /// Other fields (`by`, `consent_by`, `kind`, `with`, `hours` …).
    pub fields: Vec<(String, String)>,
    /// For 措置: each examination as (by, finding).
    pub examinations: Vec<(String, String)>,
    /// For a 審査会 session: the panel.
    pub members: Vec<crate::law::review_board::Member>,
}

impl Event {
    /// An event of this type at this time, with text fields.
    pub fn new(kind: &str, at: At, fields: &[(&str, &str)]) -> Event {
        Event {
            kind: kind.to_owned(),
            at,
            fields: fields
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            examinations: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Reads one event object: `{"type", "at", …fields}`. Fields are text, numbers or
    /// true/false; `examinations` and `members` are lists of objects. Unknown fields of a
    /// known type are refused, so a typo never silently drops a fact.
    pub fn from_json(v: &serde_json::Value) -> Result<Event, Refusal> {
        use serde_json::Value;
        let bad = |m: String| field_error(m);
        let obj = v
            .as_object()
            .ok_or_else(|| bad("an event must be an object".into()))?;
        let text = |o: &serde_json::Map<String, Value>, k: &str| -> Option<String> {
            o.get(k).and_then(|t| t.as_str()).map(str::to_owned)
        };
        let kind = text(obj, "type").ok_or_else(|| bad("\"type\" is required".into()))?;
        let at = text(obj, "at").ok_or_else(|| bad("\"at\" is required".into()))?;
        let at = At::parse(&at)?;
        let (required, optional): (&[&str], &[&str]) = EVENT_TYPES
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map_or((&[], &[]), |(_, r, o)| (*r, *o));
        let allowed = |name: &str| required.contains(&name) || optional.contains(&name);
        let list =
            |v: &Value, name: &str| -> Result<Vec<serde_json::Map<String, Value>>, Refusal> {
                v.as_array()
                    .ok_or_else(|| bad(format!("{name} must be a list")))?
                    .iter()
                    .enumerate()
                    .map(|(j, x)| {
                        x.as_object()
                            .cloned()
                            .ok_or_else(|| bad(format!("{name}[{j}] must be an object")))
                    })
                    .collect()
            };
        let mut e = Event::new(&kind, at, &[]);
        for (k, v) in obj {
            match k.as_str() {
                "type" | "at" => {}
                "examinations" if allowed("examinations") => {
                    for (j, x) in list(v, "examinations")?.iter().enumerate() {
                        let need = |f: &str| {
                            text(x, f)
                                .ok_or_else(|| bad(format!("examinations[{j}].{f} is required")))
                        };
                        e.examinations.push((need("by")?, need("finding")?));
                    }
                }
                "members" if allowed("members") => {
                    for (j, x) in list(v, "members")?.iter().enumerate() {
                        e.members.push(member_of(j, x)?);
                    }
                }
                name if allowed(name) => {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => {
                            return Err(bad(format!("{name} must be text, a number or true/false")))
                        }
                    };
                    e.fields.push((name.to_owned(), text));
                }
                other if EVENT_TYPES.iter().any(|(k, _, _)| *k == kind) => {
                    return Err(bad(format!("unknown field {other:?} for {kind}")));
                }
                _ => {}
            }
        }
        Ok(e)
    }

    /// The event as the JSON [`Event::from_json`] reads.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        o.insert("type".into(), self.kind.clone().into());
        let at = match self.at {
            At::Date(d) => d.format("%Y-%m-%d").to_string(),
            At::DateTime(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
        };
        o.insert("at".into(), at.into());
        for (n, v) in &self.fields {
            o.insert(n.clone(), v.clone().into());
        }
        if !self.examinations.is_empty() {
            let list: Vec<serde_json::Value> = self
                .examinations
                .iter()
                .map(|(by, finding)| serde_json::json!({ "by": by, "finding": finding }))
                .collect();
            o.insert("examinations".into(), list.into());
        }
        if !self.members.is_empty() {
            o.insert(
                "members".into(),
                serde_json::to_value(&self.members).unwrap_or_default(),
            );
        }
        serde_json::Value::Object(o)
    }

    /// A date field (`YYYY-MM-DD`), when present and a real date; [`check`] has refused an
    /// event whose date field does not parse.
    fn date(&self, name: &str) -> Option<NaiveDate> {
        self.field(name)
            .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Due {
    /// By the end of this day.
    Date(NaiveDate),
    /// By this moment.
    DateTime(NaiveDateTime),
}

impl Due {
    /// As shown and stored: `2026-11-30`, or `2026-11-21T11:00` (JST wall time).
    pub fn text(&self) -> String {
        match self {
            Due::Date(d) => d.format("%Y-%m-%d").to_string(),
            Due::DateTime(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }

    /// Reads what [`Due::text`] writes.
    pub fn parse_text(s: &str) -> Option<Due> {
        match At::parse(s).ok()? {
            At::Date(d) => Some(Due::Date(d)),
            At::DateTime(t) => Some(Due::DateTime(t)),
        }
    }

    /// The instant from which it is overdue: the end of the day in Japan, or the moment.
    pub fn overdue_at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Due::Date(d) => crate::common::calendar::jst_day_start(d.succ_opt().unwrap_or(*d)),
            Due::DateTime(t) => (*t - chrono::Duration::hours(9)).and_utc(),
        }
    }

    /// The day it falls on.
    pub fn date(&self) -> NaiveDate {
        match self {
            Due::Date(d) => *d,
            Due::DateTime(t) => t.date(),
        }
    }
}

/// One obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// Code.
    pub obligation: &'static str,
    /// When.
    pub due: Due,
    /// Why.
    pub basis: Basis,
    /// What it means.
    pub meaning: &'static str,
    /// The nominal last day when a closed day moved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<NaiveDate>,
    /// Why the last day is closed, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_day: Option<String>,
}

impl Obligation {
    /// What a closed last day did, in Japanese, when it is one: moved to the next open day,
    /// or flagged and kept.
    pub fn closed_day_note(&self) -> Option<String> {
        match (&self.closed_day, self.moved_from) {
            (Some(c), Some(from)) => Some(format!("{from} が{c}のため、翌開庁日に延びます")),
            (Some(c), None) => Some(format!("期限の日は{c}にあたります（延びません）")),
            _ => None,
        }
    }
}

fn refuse(
    rule: &'static str,
    message: impl Into<String>,
    law: &'static str,
    source: &'static str,
) -> Refusal {
    Refusal {
        rule,
        message: message.into(),
        basis: Some(Basis { law, source }),
    }
}

fn member_of(
    j: usize,
    x: &serde_json::Map<String, serde_json::Value>,
) -> Result<crate::law::review_board::Member, Refusal> {
    let bad = |m: String| field_error(format!("members[{j}]: {m}"));
    for k in x.keys() {
        if ![
            "category",
            "designated_physician",
            "present",
            "conflict",
            "vote",
        ]
        .contains(&k.as_str())
        {
            return Err(bad(format!("unknown field {k:?}")));
        }
    }
    let code = |k: &str| x.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    let flag = |k: &str| -> Result<bool, Refusal> {
        match x.get(k) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| bad(format!("{k} must be true or false"))),
        }
    };
    Ok(crate::law::review_board::Member {
        category: code("category")
            .ok_or_else(|| bad("category is required (medical, legal, other)".into()))?
            .parse()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
        designated_physician: flag("designated_physician")?,
        present: flag("present")?,
        conflict: code("conflict")
            .map(str::parse)
            .transpose()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
        vote: code("vote")
            .map(str::parse)
            .transpose()
            .map_err(|e: crate::common::codes::UnknownCode| bad(e.to_string()))?,
    })
}

fn field_error(message: String) -> Refusal {
    Refusal {
        rule: "input",
        message,
        basis: None,
    }
}

/// Checks an event against the rules that forbid it, and its required fields.
pub fn check(e: &Event) -> Result<(), Refusal> {
    let Some((_, required, _)) = EVENT_TYPES.iter().find(|(k, _, _)| *k == e.kind) else {
        let known: Vec<&str> = EVENT_TYPES.iter().map(|(k, _, _)| *k).collect();
        return Err(field_error(format!(
            "unknown event type {:?}; known: {}",
            e.kind,
            known.join(", ")
        )));
    };
    for f in *required {
        if !["examinations", "members"].contains(f) && e.field(f).is_none() {
            return Err(field_error(format!(
                "{}: the field {f:?} is required",
                e.kind
            )));
        }
    }
    let one_of = |name: &str, allowed: &[&str]| -> Result<(), Refusal> {
        match e.field(name) {
            Some(v) if !allowed.contains(&v) => Err(field_error(format!(
                "{}: {name} must be one of {}",
                e.kind,
                allowed.join(", ")
            ))),
            _ => Ok(()),
        }
    };
    one_of("by", &["designated_physician", "specified_physician"])?;
    one_of("consent_by", &["guardian", "support_obligor"])?;
    one_of("ordered_by", &["designated_physician", "physician"])?;
    one_of("route", &["certificate", "pension"])?;
    one_of("pension_grade", &["1", "2", "3"])?;
    one_of("within_prefecture", &["true", "false"])?;
    one_of("hospital_approved", &["true", "false"])?;
    if e.field("hospital_approved") == Some("false") {
        match (e.kind.as_str(), e.field("by")) {
            ("voluntary_discharge_hold", Some("specified_physician")) => {
                return Err(refuse(
                    "specified_physician_hold_needs_approved_hospital",
                    "特定医師の診察による退院制限は、厚生労働省令の基準に適合すると知事が認めた病院（特定病院）でなければ行えない",
                    "精神保健福祉法第22条の4第4項",
                    "004_d9518c60032bdf29.txt:4740",
                ))
            }
            ("urgent_admission", _) => {
                return Err(refuse(
                    "urgent_admission_needs_designated_hospital",
                    "応急入院は、基準に適合するとして知事が指定した病院でなければ行えない",
                    "精神保健福祉法第33条の4第1項",
                    "004_d9518c60032bdf29.txt:4902",
                ))
            }
            _ => {}
        }
    }
    let date_field = |name: &str| -> Result<Option<NaiveDate>, Refusal> {
        e.field(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    field_error(format!(
                        "{}: {name} {v:?} is not a date that exists",
                        e.kind
                    ))
                })
            })
            .transpose()
    };
    match e.kind.as_str() {
        "involuntary_admission" => {
            let agreeing = e
                .examinations
                .iter()
                .filter(|(by, finding)| {
                    by == "designated_physician" && finding == "admission_needed"
                })
                .count();
            let all_agree = e.examinations.iter().all(|(_, f)| f == "admission_needed");
            if agreeing < 2 || !all_agree {
                return Err(refuse(
                    "involuntary_admission_two_designated_physicians",
                    format!("措置入院には2人以上の指定医の診察の結果が一致して入院が必要とされることが要る（一致した指定医 {agreeing} 人、全員一致 {all_agree}）"),
                    "精神保健福祉法第29条第2項",
                    "004_d9518c60032bdf29.txt:4818",
                ));
            }
        }
        "notebook_application_received" if e.field("route") == Some("certificate") => {
            let (Some(first_visit), Some(certificate)) =
                (date_field("first_visit")?, date_field("certificate_date")?)
            else {
                return Err(field_error("notebook_application_received: a certificate route needs first_visit and certificate_date".into()));
            };
            let valid_from = certificate_valid_from(first_visit)
                .ok_or_else(|| field_error("date out of range".into()))?;
            if certificate < valid_from {
                return Err(refuse(
                    "certificate_before_six_months",
                    format!("診断書は初診日（{first_visit}）から起算して6か月を経過した日（{valid_from}）以後のものに限る（この診断書は {certificate}）"),
                    "精神保健福祉法施行規則第23条第1項第1号",
                    "004_d9518c60032bdf29.txt:6589",
                ));
            }
        }
        "notebook_application_received"
            if e.field("route") == Some("pension") && e.field("pension_grade").is_none() =>
        {
            return Err(field_error(
                "notebook_application_received: the pension route needs pension_grade (1, 2 or 3)"
                    .into(),
            ));
        }
        "notebook_renewal_application_received" => {
            let previous = date_field("previous_expiry")?
                .ok_or_else(|| field_error("previous_expiry is required".into()))?;
            let opens = previous
                .checked_sub_months(chrono::Months::new(3))
                .ok_or_else(|| field_error("date out of range".into()))?;
            if e.at.date() < opens {
                return Err(refuse(
                    "notebook_renewal_too_early",
                    format!("更新の申請は有効期限（{previous}）の3か月前（{opens}）からできる（申請日 {}）", e.at.date()),
                    "精神保健福祉法施行規則第28条第2項",
                    "004_d9518c60032bdf29.txt:6625",
                ));
            }
        }
        "review_board_session" => {
            crate::law::review_board::assess(&e.members)?;
        }
        "decision_notified" => {
            if let Some(decided) = date_field("decided")? {
                if decided > e.at.date() {
                    return Err(field_error(
                        "decision_notified: the decision cannot come after its notice".into(),
                    ));
                }
            }
        }
        "seclusion" => {
            let hours: f64 = e
                .field("hours")
                .unwrap_or("")
                .parse()
                .map_err(|_| field_error("seclusion: hours must be a number".into()))?;
            if !(0.0..=24.0 * 365.0).contains(&hours) {
                return Err(field_error("seclusion: hours out of range".into()));
            }
            if hours > 12.0 && e.field("ordered_by") != Some("designated_physician") {
                return Err(refuse(
                    "seclusion_over_12_hours_needs_designated_physician",
                    format!("{hours} 時間の隔離は12時間を超えるため、指定医が必要と認めなければ行えない"),
                    "精神保健福祉法第36条第3項・厚生省告示第129号1",
                    "004_d9518c60032bdf29.txt:8512",
                ));
            }
        }
        "restraint" if e.field("ordered_by") != Some("designated_physician") => {
            return Err(refuse(
                "restraint_needs_designated_physician",
                "身体的拘束は指定医が必要と認めなければ行えない",
                "精神保健福祉法第36条第3項・厚生省告示第129号2",
                "004_d9518c60032bdf29.txt:8513",
            ));
        }
        "restriction" => {
            let kind = e.field("kind").unwrap_or("");
            let with = e.field("with").unwrap_or("");
            if !["letters", "phone", "visit"].contains(&kind) {
                return Err(field_error(
                    "restriction: kind must be letters, phone or visit".into(),
                ));
            }
            let protected = matches!(with, "lawyer" | "authorities");
            match kind {
                "letters" => {
                    return Err(refuse(
                        "letters_cannot_be_restricted",
                        "信書の発受は制限できない（異物が同封されていると判断される信書を本人に開封させて異物を取り出す場合を除く）",
                        "精神保健福祉法第36条第2項・厚生省告示第128号1",
                        "004_d9518c60032bdf29.txt:8492",
                    ))
                }
                "phone" if protected => {
                    return Err(refuse(
                        "calls_with_lawyer_or_authorities_cannot_be_restricted",
                        "人権擁護に関する行政機関の職員や代理人である弁護士との電話は制限できない",
                        "精神保健福祉法第36条第2項・厚生省告示第128号2",
                        "004_d9518c60032bdf29.txt:8493",
                    ))
                }
                "visit" if protected => {
                    return Err(refuse(
                        "visits_from_lawyer_or_authorities_cannot_be_restricted",
                        "人権擁護に関する行政機関の職員や代理人である弁護士（なろうとする弁護士を含む）との面会は制限できない",
                        "精神保健福祉法第36条第2項・厚生省告示第128号3",
                        "004_d9518c60032bdf29.txt:8494",
                    ))
                }
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

/// The first day a 手帳 certificate may be dated: the day after the 6 months counted from the
/// first visit (「初めて医師の診療を受けた日から起算して6月を経過した日以後」, 004:6589).
/// Decision: 「経過した日」 is the day after the period's last day.
pub fn certificate_valid_from(first_visit: NaiveDate) -> Option<NaiveDate> {
    last_day(first_visit, 6, Unit::Months, FirstDay::Included).and_then(|d| d.succ_opt())
}

/// The nominal last days of a day-based rule (several for a report series).
fn nominal_days(r: &Rule, e: &Event, earlier: &[Obligation]) -> Result<Vec<NaiveDate>, Refusal> {
    use chrono::{Datelike, Months};
    let at = e.at.date();
    let month_start = |d: NaiveDate| d.with_day(1);
    let one = match r.length {
        Length::Calendar { n, unit, first } => last_day(at, n, unit, first),
        Length::MonthEnd { n, unit, first } => {
            last_day(at, n, unit, first).map(crate::law::period::end_of_month)
        }
        // Decision: the latest month end on or before the period's last day (the period
        // counts the 始期 itself).
        Length::MonthEndWithin { n, unit } => {
            last_day(at, n, unit, FirstDay::Included).and_then(|last| {
                if crate::law::period::end_of_month(last) == last {
                    Some(last)
                } else {
                    month_start(last).and_then(|d| d.pred_opt())
                }
            })
        }
        Length::MonthsBefore { months, of } => earlier
            .iter()
            .find(|o| o.obligation == of)
            .and_then(|o| match o.due {
                Due::Date(d) => d.checked_sub_months(Months::new(months)),
                Due::DateTime(t) => t.date().checked_sub_months(Months::new(months)),
            }),
        Length::MonthEndAfterField { field, months } => e
            .date(field)
            .and_then(|d| d.checked_add_months(Months::new(months)))
            .map(crate::law::period::end_of_month),
        Length::FirstOfNextMonth => {
            month_start(at).and_then(|d| d.checked_add_months(Months::new(1)))
        }
        Length::ReportMonths {
            first,
            every,
            through,
        } => {
            let months = first
                .iter()
                .copied()
                .chain((1..).map(|k| k * every).take_while(|m| *m <= through))
                .collect::<Vec<u32>>();
            return months
                .into_iter()
                .map(|m| {
                    month_start(at)
                        .and_then(|d| d.checked_add_months(Months::new(m)))
                        .map(crate::law::period::end_of_month)
                        .ok_or_else(|| field_error("date out of range".into()))
                })
                .collect();
        }
        Length::Hours(_) | Length::AtEvent => Some(at),
    }
    .ok_or_else(|| field_error("date out of range".into()))?;
    let capped = match r.cap {
        Some(cap) => {
            let from = e.date(cap.from_field).unwrap_or(at);
            last_day(from, cap.n, cap.unit, cap.first).map_or(one, |limit| one.min(limit))
        }
        None => one,
    };
    Ok(vec![capped])
}

/// A day-based obligation, moved past a closed day when its rule says so.
fn dated(r: &Rule, nominal: NaiveDate) -> Obligation {
    let closed = closed_day(nominal);
    let (due, moved_from) = match (r.on_closed_day, &closed) {
        (OnClosedDay::MovesToNextOpenDay, Some(_)) => {
            (extend_past_closed_days(nominal), Some(nominal))
        }
        _ => (nominal, None),
    };
    Obligation {
        obligation: r.obligation,
        due: Due::Date(due),
        basis: r.basis,
        meaning: r.meaning,
        moved_from,
        closed_day: closed,
    }
}

/// A fact derived from an event besides a date: the 手帳 grade on the pension route, a renewal
/// applied for after expiry, the outcome of a 審査会 vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Code (`notebook_grade`, `renewal_after_expiry`, `review_board_outcome`).
    pub finding: &'static str,
    /// The value, as text.
    pub value: String,
    /// Why.
    pub basis: Basis,
    /// What it means (our words).
    pub meaning: String,
}

/// The findings an event gives, or the rule it breaks.
pub fn findings(e: &Event) -> Result<Vec<Finding>, Refusal> {
    check(e)?;
    let mut out = Vec::new();
    match e.kind.as_str() {
        "notebook_application_received" if e.field("route") == Some("pension") => {
            let grade = e.field("pension_grade").unwrap_or_default();
            out.push(Finding {
                finding: "notebook_grade",
                value: grade.to_owned(),
                basis: Basis {
                    law: "精神障害者保健福祉手帳制度実施要領 第二 3(3)（年金証書等による申請）",
                    source: "004_d9518c60032bdf29.txt:18991-18993",
                },
                meaning: format!("障害年金{grade}級の年金証書等の写しによる申請なので手帳は{grade}級。精神保健福祉センターの判定は要らない（希望すれば診断書による判定も受けられる）。"),
            });
        }
        "notebook_renewal_application_received" => {
            let previous = e.date("previous_expiry");
            if previous.is_some_and(|p| e.at.date() > p) {
                out.push(Finding {
                    finding: "renewal_after_expiry",
                    value: "true".into(),
                    basis: Basis {
                        law: "精神障害者保健福祉手帳制度実施要領 第四 1(3)なお書き",
                        source: "004_d9518c60032bdf29.txt:19055",
                    },
                    meaning: "有効期限が過ぎてからの申請だが、更新の申請として受け付けられる。"
                        .into(),
                });
            }
        }
        "voluntary_discharge_hold" | "urgent_admission"
            if e.field("hospital_approved").is_none()
                && (e.kind == "urgent_admission"
                    || e.field("by") == Some("specified_physician")) =>
        {
            let (law, source, meaning) = if e.kind == "urgent_admission" {
                (
                    "精神保健福祉法第33条の4第1項",
                    "004_d9518c60032bdf29.txt:4902",
                    "応急入院は、知事が指定した病院（応急入院指定病院）でだけ行える。病院が指定を受けているか確かめること（hospital_approved で記録できる）。",
                )
            } else {
                (
                    "精神保健福祉法第22条の4第4項・同法施行規則第5条の2",
                    "004_d9518c60032bdf29.txt:2117-2123",
                    "特定医師による退院制限は、知事が認めた特定病院（応急入院指定、休日・夜間診療、常勤の指定医2名以上、事後審査委員会と行動制限最小化委員会）でだけ行える。病院が認定を受けているか確かめること（hospital_approved で記録できる）。",
                )
            };
            out.push(Finding {
                finding: "hospital_condition",
                value: "unconfirmed".into(),
                basis: Basis { law, source },
                meaning: meaning.into(),
            });
        }
        "review_board_session" => {
            let s = crate::law::review_board::assess(&e.members)?;
            out.push(Finding {
                finding: "review_board_outcome",
                value: s.outcome.code().into(),
                basis: s.basis,
                meaning: format!(
                    "出席 {} 人、賛成 {}・反対 {}。{}",
                    s.present, s.votes_for, s.votes_against, s.meaning
                ),
            });
        }
        _ => {}
    }
    Ok(out)
}

/// The obligations an event creates, or the rule it breaks.
pub fn obligations(e: &Event) -> Result<Vec<Obligation>, Refusal> {
    check(e)?;
    let mut out = Vec::new();
    for r in RULES.iter().filter(|r| r.event == e.kind) {
        if let Some((name, value)) = r.when {
            if e.field(name) != Some(value) {
                continue;
            }
        }
        let ob = match r.length {
            Length::Hours(h) => {
                let At::DateTime(t) = e.at else {
                    return Err(field_error(format!(
                        "{}: an hour period ({} h) needs the time: write YYYY-MM-DDTHH:MM",
                        e.kind, h
                    )));
                };
                let due =
                    after_hours(t, h).ok_or_else(|| field_error("date out of range".into()))?;
                Obligation {
                    obligation: r.obligation,
                    due: Due::DateTime(due),
                    basis: r.basis,
                    meaning: r.meaning,
                    moved_from: None,
                    closed_day: None,
                }
            }
            // Due on the day of the measure (given as it is taken; the dashboard shows it as
            // today's task rather than as overdue the moment it is recorded).
            Length::AtEvent => Obligation {
                obligation: r.obligation,
                due: Due::Date(e.at.date()),
                basis: r.basis,
                meaning: r.meaning,
                moved_from: None,
                closed_day: None,
            },
            _ => {
                for nominal in nominal_days(r, e, &out)? {
                    out.push(dated(r, nominal));
                }
                continue;
            }
        };
        out.push(ob);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_event_type_but_the_review_board_has_one_label_and_every_label_an_event_type() {
        for (code, _, _) in super::EVENT_TYPES {
            let labelled = super::EVENT_LABELS
                .iter()
                .filter(|(c, _)| c == code)
                .count();
            let expected = usize::from(*code != "review_board_session");
            assert_eq!(labelled, expected, "{code}");
        }
        for (code, label) in super::EVENT_LABELS {
            assert!(
                super::EVENT_TYPES.iter().any(|(c, _, _)| c == code),
                "{code}"
            );
            assert_eq!(super::event_label_ja(code), *label);
        }
        assert_eq!(super::event_label_ja("nope"), "（不明な手続き）");
    }

    use super::*;

    fn ev(kind: &str, at: &str, fields: &[(&str, &str)]) -> Event {
        Event::new(kind, At::parse(at).expect("valid"), fields)
    }
    fn dues(e: &Event) -> Vec<(&'static str, String)> {
        obligations(e)
            .expect("lawful")
            .into_iter()
            .map(|o| {
                (
                    o.obligation,
                    serde_json::to_value(o.due)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn the_catalogue_is_valid_and_the_check_finds_broken_rules() {
        assert_eq!(validate_catalogue(), Ok(()));
        let mut broken: Vec<Rule> = RULES.to_vec();
        broken[0].event = "no_such_event";
        broken[1].basis.source = "004_d9518c60032bdf29.txt";
        broken[2].when = Some(("colour", "blue"));
        let renewal = broken
            .iter()
            .position(|r| matches!(r.length, Length::MonthsBefore { .. }))
            .expect("a counted-back rule");
        broken.swap(renewal, renewal - 1);
        let problems = validate_rules(&broken).expect_err("broken");
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("unknown event type"));
        assert!(problems.iter().any(|p| p.contains("file:line")));
        assert!(problems.iter().any(|p| p.contains("\"colour\"")));
        assert!(problems.iter().any(|p| p.contains("counts back from")));
    }

    #[test]
    fn holds_run_exact_hours_from_the_moment() {
        assert_eq!(
            dues(&ev(
                "voluntary_discharge_hold",
                "2026-11-20T15:30",
                &[("by", "designated_physician")]
            )),
            [
                ("written_notice", "2026-11-20".to_owned()),
                ("hold_expires", "2026-11-23T15:30:00".to_owned())
            ]
        );
        assert_eq!(
            dues(&ev(
                "urgent_admission",
                "2026-11-20T23:00",
                &[("by", "specified_physician")]
            )),
            [
                ("hold_expires", "2026-11-21T11:00:00".to_owned()),
                ("specified_physician_record_due", "2026-12-20".to_owned())
            ]
        );
        assert_eq!(
            dues(&ev(
                "emergency_involuntary_admission",
                "2026-12-31T22:00",
                &[]
            )),
            [("hold_expires", "2027-01-03T22:00:00".to_owned())]
        );
        let e = obligations(&ev(
            "urgent_admission",
            "2026-11-20",
            &[("by", "designated_physician")],
        ))
        .expect_err("needs a time");
        assert!(e.message.contains("needs the time"));
    }

    #[test]
    fn a_specified_physician_hold_needs_an_approved_hospital_and_a_record_within_a_month() {
        let hold = |approved: Option<&str>| {
            let mut f = vec![("by", "specified_physician")];
            if let Some(a) = approved {
                f.push(("hospital_approved", a));
            }
            ev("voluntary_discharge_hold", "2026-11-20T15:30", &f)
        };
        assert_eq!(
            dues(&hold(Some("true"))),
            [
                ("written_notice", "2026-11-20".to_owned()),
                ("specified_physician_record_due", "2026-12-20".to_owned()),
                ("hold_expires", "2026-11-21T03:30:00".to_owned()),
            ]
        );
        assert!(findings(&hold(Some("true"))).expect("lawful").is_empty());
        let unknown = findings(&hold(None)).expect("lawful");
        assert_eq!(
            (unknown[0].finding, unknown[0].value.as_str()),
            ("hospital_condition", "unconfirmed")
        );
        assert_eq!(
            obligations(&hold(Some("false"))).expect_err("refused").rule,
            "specified_physician_hold_needs_approved_hospital"
        );
        let urgent = ev(
            "urgent_admission",
            "2026-11-20T15:30",
            &[
                ("by", "designated_physician"),
                ("hospital_approved", "false"),
            ],
        );
        assert_eq!(
            obligations(&urgent).expect_err("refused").rule,
            "urgent_admission_needs_designated_hospital"
        );
        // A designated physician's hold needs no approved hospital.
        let plain = ev(
            "voluntary_discharge_hold",
            "2026-11-20T15:30",
            &[
                ("by", "designated_physician"),
                ("hospital_approved", "false"),
            ],
        );
        assert!(obligations(&plain).is_ok() && findings(&plain).expect("lawful").is_empty());
    }

    #[test]
    fn medical_protection_admission_gives_the_10_day_notice_and_the_4_week_limits() {
        let d = dues(&ev(
            "medical_protection_admission",
            "2026-11-02",
            &[("consent_by", "support_obligor")],
        ));
        assert_eq!(
            &d[..3],
            [
                ("admission_notice", "2026-11-12".to_owned()),
                ("guardian_appointment_deadline", "2026-11-30".to_owned()),
                ("notice_deferral_limit", "2026-11-30".to_owned()),
            ]
        );
        let d = dues(&ev(
            "medical_protection_admission",
            "2026-11-02",
            &[("consent_by", "guardian")],
        ));
        assert_eq!(
            d.iter()
                .filter(|(o, _)| *o != "periodic_report_due")
                .count(),
            2,
            "no appointment deadline with a guardian's consent"
        );
    }

    #[test]
    fn a_notice_due_on_a_closed_day_moves_and_a_hold_limit_does_not() {
        // 10 days after 2026-11-12 is Sunday 22 November → Monday 23 November is 勤労感謝の日 → 24th.
        let o =
            obligations(&ev("medical_protection_discharge", "2026-11-12", &[])).expect("lawful");
        assert_eq!(
            o[0].due,
            Due::Date(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"))
        );
        assert_eq!(o[0].moved_from, NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(o[0].closed_day.as_deref(), Some("日曜日"));
        // A 4-week limit ending on a Sunday stays, flagged.
        let o = obligations(&ev(
            "medical_protection_admission",
            "2026-10-25",
            &[("consent_by", "support_obligor")],
        ))
        .expect("lawful");
        let g = o
            .iter()
            .find(|o| o.obligation == "guardian_appointment_deadline")
            .expect("deadline");
        assert_eq!(
            (g.due, g.moved_from),
            (
                Due::Date(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")),
                None
            )
        );
        assert_eq!(g.closed_day.as_deref(), Some("日曜日"));
    }

    #[test]
    fn periodic_reports_fall_in_months_3_6_then_every_6_for_sochi_and_every_12_for_iho() {
        let sochi = dues(&Event {
            examinations: vec![
                ("designated_physician".into(), "admission_needed".into()),
                ("designated_physician".into(), "admission_needed".into()),
            ],
            ..ev("involuntary_admission", "2026-04-10", &[])
        });
        let reports: Vec<&str> = sochi
            .iter()
            .filter(|(o, _)| *o == "periodic_report_due")
            .map(|(_, d)| d.as_str())
            .collect();
        // April admission: May is month 1, so month 3 is July and month 6 October.
        assert_eq!(
            &reports[..5],
            [
                "2026-07-31",
                "2026-10-31",
                "2027-04-30",
                "2027-10-31",
                "2028-04-30"
            ]
        );
        assert_eq!(reports.len(), 11, "3, then 6 … 60");
        let iho = dues(&ev(
            "medical_protection_admission",
            "2026-04-10",
            &[("consent_by", "guardian")],
        ));
        let reports: Vec<&str> = iho
            .iter()
            .filter(|(o, _)| *o == "periodic_report_due")
            .map(|(_, d)| d.as_str())
            .collect();
        // 2028-04-30 is a Sunday: flagged, not moved out of its month.
        assert_eq!(
            reports,
            [
                "2027-04-30",
                "2028-04-30",
                "2029-04-30",
                "2030-04-30",
                "2031-04-30"
            ]
        );
        let flagged = obligations(&ev(
            "medical_protection_admission",
            "2026-04-10",
            &[("consent_by", "guardian")],
        ))
        .expect("lawful")
        .into_iter()
        .find(|o| o.due == Due::Date(NaiveDate::from_ymd_opt(2028, 4, 30).expect("date")))
        .expect("the 2028 report");
        assert!(flagged.closed_day.is_some() && flagged.moved_from.is_none());
    }

    #[test]
    fn a_renewal_counts_two_years_from_the_previous_expiry_and_may_come_late() {
        let e = ev(
            "notebook_renewal_application_received",
            "2026-01-10",
            &[("previous_expiry", "2026-02-28")],
        );
        assert_eq!(
            dues(&e),
            [
                ("notebook_expiry", "2028-02-29".into()),
                ("notebook_renewal_window_opens", "2027-11-29".into()),
            ]
        );
        assert!(findings(&e).expect("lawful").is_empty());
        let late = ev(
            "notebook_renewal_application_received",
            "2026-03-15",
            &[("previous_expiry", "2026-02-28")],
        );
        assert_eq!(dues(&late)[0].1, "2028-02-29");
        let f = findings(&late).expect("lawful");
        assert_eq!(f[0].finding, "renewal_after_expiry");
        let early = ev(
            "notebook_renewal_application_received",
            "2025-11-27",
            &[("previous_expiry", "2026-02-28")],
        );
        assert_eq!(
            obligations(&early).expect_err("too early").rule,
            "notebook_renewal_too_early"
        );
        let first_day = ev(
            "notebook_renewal_application_received",
            "2025-11-28",
            &[("previous_expiry", "2026-02-28")],
        );
        assert!(
            obligations(&first_day).is_ok(),
            "3 months before is allowed"
        );
    }

    #[test]
    fn the_pension_route_gives_the_pension_grade_without_the_centre() {
        let e = ev(
            "notebook_application_received",
            "2026-11-20",
            &[("route", "pension"), ("pension_grade", "2")],
        );
        let f = findings(&e).expect("lawful");
        assert_eq!((f[0].finding, f[0].value.as_str()), ("notebook_grade", "2"));
        let missing = ev(
            "notebook_application_received",
            "2026-11-20",
            &[("route", "pension")],
        );
        assert_eq!(obligations(&missing).expect_err("no grade").rule, "input");
        let bad = ev(
            "notebook_application_received",
            "2026-11-20",
            &[("route", "pension"), ("pension_grade", "4")],
        );
        assert!(obligations(&bad).is_err());
    }

    #[test]
    fn an_income_category_change_takes_effect_on_the_first_of_next_month() {
        let e = ev("support_category_change_decided", "2026-12-31", &[]);
        assert_eq!(
            dues(&e),
            [("support_category_change_effective", "2027-01-01".into())]
        );
    }

    #[test]
    fn events_round_trip_through_json_and_unknown_fields_are_refused() {
        let v = serde_json::json!({
            "type": "review_board_session", "at": "2026-11-20",
            "members": [
                {"category": "medical", "designated_physician": true, "present": true, "vote": "for"},
                {"category": "medical", "designated_physician": true, "present": true, "vote": "for"},
                {"category": "legal", "present": true, "vote": "against"},
                {"category": "other", "present": true, "vote": "for"},
                {"category": "other", "present": false, "conflict": "guardian"}
            ]
        });
        let e = Event::from_json(&v).expect("valid");
        assert_eq!(Event::from_json(&e.to_json()).expect("round trip"), e);
        let f = findings(&e).expect("lawful");
        assert_eq!(f[0].value, "adopted");
        let typo = serde_json::json!({"type": "voluntary_admission", "at": "2026-11-20", "bye": 1});
        assert!(Event::from_json(&typo)
            .expect_err("typo")
            .message
            .contains("bye"));
        let bad_member = serde_json::json!({"type": "review_board_session", "at": "2026-11-20",
            "members": [{"category": "doctor"}]});
        assert!(Event::from_json(&bad_member).is_err());
        let e = Event::from_json(
            &serde_json::json!({"type": "seclusion", "at": "2026-11-20T08:00",
            "ordered_by": "physician", "hours": 13}),
        )
        .expect("parses");
        assert_eq!(
            obligations(&e).expect_err("refused").rule,
            "seclusion_over_12_hours_needs_designated_physician"
        );
    }

    #[test]
    fn voluntary_admission_reconsent_is_due_at_one_year_then_two_years_later() {
        assert_eq!(
            dues(&ev("voluntary_admission", "2026-04-01", &[])),
            [
                ("written_notice", "2026-04-01".to_owned()),
                ("reconsent_due", "2027-04-01".to_owned()),
                ("reconsent_due", "2029-04-01".to_owned())
            ]
        );
    }

    #[test]
    fn the_notebook_expires_at_a_month_end_two_years_on_and_renewal_opens_three_months_before() {
        let e = ev(
            "notebook_application_received",
            "2026-11-20",
            &[("route", "pension"), ("pension_grade", "1")],
        );
        assert_eq!(
            dues(&e),
            [
                ("notebook_expiry", "2028-11-30".to_owned()),
                ("notebook_renewal_window_opens", "2028-08-30".to_owned())
            ]
        );
        let e = ev("notebook_grade_change_decided", "2026-05-31", &[]);
        assert_eq!(
            dues(&e),
            [
                ("notebook_expiry", "2028-05-31".to_owned()),
                ("notebook_renewal_window_opens", "2028-02-29".to_owned())
            ]
        );
        let moved = ev(
            "notebook_holder_moved",
            "2026-11-02",
            &[("within_prefecture", "false")],
        );
        assert_eq!(
            dues(&moved),
            [("notebook_change_notice", "2026-12-02".to_owned())]
        );
    }

    #[test]
    fn the_certificate_must_be_six_months_after_the_first_visit() {
        let mut e = ev(
            "notebook_application_received",
            "2026-11-20",
            &[
                ("route", "certificate"),
                ("first_visit", "2026-05-10"),
                ("certificate_date", "2026-11-09"),
            ],
        );
        assert_eq!(
            obligations(&e).map_err(|r| r.rule),
            Err("certificate_before_six_months")
        );
        e.fields[2].1 = "2026-11-10".into();
        assert!(
            obligations(&e).is_ok(),
            "5-10 counted: the 6 months end 11-09, valid from 11-10"
        );
        e.fields.truncate(1);
        assert!(
            obligations(&e).is_err(),
            "the certificate route needs its dates"
        );
    }

    #[test]
    fn appeals_run_60_days_and_6_months_capped_at_a_year_from_the_decision() {
        let e = ev("decision_notified", "2026-11-20", &[]);
        assert_eq!(
            dues(&e),
            [
                ("objection_deadline", "2027-01-19".to_owned()),
                ("lawsuit_deadline", "2027-05-20".to_owned())
            ]
        );
        let late = ev(
            "decision_notified",
            "2027-10-01",
            &[("decided", "2026-12-01")],
        );
        assert_eq!(
            dues(&late)[1],
            ("lawsuit_deadline", "2027-12-01".to_owned()),
            "a year from the day after the decision"
        );
        assert!(obligations(&ev(
            "decision_notified",
            "2026-11-20",
            &[("decided", "2026-12-01")]
        ))
        .is_err());
    }

    #[test]
    fn outpatient_support_ends_at_the_last_month_end_within_a_year() {
        assert_eq!(
            dues(&ev(
                "outpatient_support_application_received",
                "2026-11-20",
                &[]
            )),
            [
                ("certificate_valid_until", "2027-10-31".to_owned()),
                ("support_renewal_window_opens", "2027-07-31".to_owned())
            ]
        );
        // Received on the 1st: the year ends on a month end, which is within it.
        assert_eq!(
            dues(&ev(
                "outpatient_support_application_received",
                "2026-11-01",
                &[]
            ))[0]
                .1,
            "2027-10-31"
        );
    }

    #[test]
    fn forensic_periods_count_from_the_day_of_the_order() {
        assert_eq!(
            dues(&ev(
                "assessment_admission_order_executed",
                "2026-11-20",
                &[]
            )),
            [
                ("assessment_admission_end", "2027-01-19".to_owned()),
                ("assessment_admission_max_end", "2027-02-19".to_owned())
            ]
        );
        assert_eq!(
            dues(&ev("outpatient_treatment_order", "2026-11-20", &[])),
            [
                ("outpatient_period_end", "2029-11-19".to_owned()),
                ("outpatient_period_max_end", "2031-11-19".to_owned())
            ]
        );
        assert_eq!(
            dues(&ev("inpatient_treatment_order", "2026-11-20", &[])),
            [("continuation_application_due", "2027-05-19".to_owned())]
        );
    }

    #[test]
    fn unlawful_inputs_are_refused_naming_their_rule() {
        let mut e = ev("involuntary_admission", "2026-11-20", &[]);
        e.examinations = vec![
            ("designated_physician".into(), "admission_needed".into()),
            ("designated_physician".into(), "not_needed".into()),
        ];
        assert_eq!(
            obligations(&e).map_err(|r| r.rule),
            Err("involuntary_admission_two_designated_physicians")
        );
        e.examinations[1].1 = "admission_needed".into();
        assert!(obligations(&e).is_ok());
        let s = ev(
            "seclusion",
            "2026-11-20T10:00",
            &[("ordered_by", "physician"), ("hours", "13")],
        );
        assert_eq!(
            obligations(&s).map_err(|r| r.rule),
            Err("seclusion_over_12_hours_needs_designated_physician")
        );
        assert!(obligations(&ev(
            "seclusion",
            "2026-11-20T10:00",
            &[("ordered_by", "physician"), ("hours", "12")]
        ))
        .is_ok());
        assert_eq!(
            obligations(&ev(
                "restraint",
                "2026-11-20",
                &[("ordered_by", "physician")]
            ))
            .map_err(|r| r.rule),
            Err("restraint_needs_designated_physician")
        );
        assert_eq!(
            obligations(&ev(
                "restriction",
                "2026-11-20",
                &[("kind", "phone"), ("with", "lawyer")]
            ))
            .map_err(|r| r.rule),
            Err("calls_with_lawyer_or_authorities_cannot_be_restricted")
        );
        assert_eq!(
            obligations(&ev(
                "restriction",
                "2026-11-20",
                &[("kind", "letters"), ("with", "family")]
            ))
            .map_err(|r| r.rule),
            Err("letters_cannot_be_restricted")
        );
        assert!(obligations(&ev(
            "restriction",
            "2026-11-20",
            &[("kind", "phone"), ("with", "family")]
        ))
        .is_ok());
        assert_eq!(At::parse("2026-02-30").map_err(|r| r.rule), Err("date"));
        assert!(obligations(&ev("teleport", "2026-11-20", &[])).is_err());
        assert!(obligations(&ev(
            "urgent_admission",
            "2026-11-20T10:00",
            &[("by", "nurse")]
        ))
        .is_err());
    }
}
