//! 精神医療審査会: whether a 合議体 (panel) session may review a case, and what its vote decided.
//!
//! # Brief overview
//! A session lists the panel's five members, each with a category (医療 / 法律 / その他),
//! whether a medical member is a 精神保健指定医, whether the member is present, any reason the
//! member must stay out of this case, and the member's vote. [`assess`] refuses a panel the law
//! does not allow, naming the rule, or returns the outcome of the vote.
//!
//! Rules, each with the seed line that states it (`004_d9518c60032bdf29.txt`):
//! - a panel is 5 members: at least 2 medical, 1 legal, 1 other (法第14条, 4464–4472);
//! - medical members are 精神保健指定医 (法第13条, 4458);
//! - a member who works at the patient's hospital, examined the patient for the latest periodic
//!   report (or the admission), or consented to the admission as 保護者等 takes no part
//!   (運営マニュアル 4(1), 13564–13568);
//! - the panel may sit only with one member of each category present (施行令第2条第8項, 5813);
//! - decisions by a majority of those present (施行令第2条第9項, 5815); on a tie the case goes on
//!   at the next meeting or to another panel (運営マニュアル 3, 13560).
//!
//! Decision: a conflicted member marked present is refused rather than silently left out, so the
//! record of who sat on the case stays true.

use crate::common::basis::{Basis, Refusal};
use serde::Serialize;

/// The seed line of each rule.
mod source {
    pub const PANEL: &str = "004_d9518c60032bdf29.txt:4464-4472";
    pub const DESIGNATED: &str = "004_d9518c60032bdf29.txt:4458";
    pub const EXCLUSION: &str = "004_d9518c60032bdf29.txt:13564-13568";
    pub const QUORUM: &str = "004_d9518c60032bdf29.txt:5813";
    pub const MAJORITY: &str = "004_d9518c60032bdf29.txt:5815";
    pub const TIE: &str = "004_d9518c60032bdf29.txt:13560";
}

crate::common::codes::code_enum!(
    /// A member's category (法第13条・第14条).
    Category, "review board member category" {
        /// 精神障害者の医療に関し学識経験を有する者.
        Medical => ("medical", "医療"),
        /// 法律に関し学識経験を有する者.
        Legal => ("legal", "法律"),
        /// その他の学識経験を有する者.
        Other => ("other", "その他"),
    }
);

crate::common::codes::code_enum!(
    /// Why a member takes no part in this case (運営マニュアル 4(1)).
    Conflict, "review board conflict" {
        /// Manager of, or works at, the patient's hospital.
        HospitalStaff => ("hospital_staff", "入院先の病院の管理者・職員"),
        /// The 指定医 who examined the patient for the latest periodic report or the admission.
        ExaminedPatient => ("examined_patient", "直近の定期報告（または入院）の診察をした指定医"),
        /// Consented to the admission as 保護者 or 扶養義務者.
        Guardian => ("guardian", "入院に同意した保護者等"),
    }
);

crate::common::codes::code_enum!(
    /// A vote on the case.
    Vote, "vote" {
        /// For the proposal (e.g. that admission is no longer needed).
        For => ("for", "賛成"),
        /// Against.
        Against => ("against", "反対"),
    }
);

/// One member of the panel, as recorded for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Category.
    pub category: Category,
    /// Whether the member is a 精神保健指定医 (medical members must be).
    pub designated_physician: bool,
    /// Present at this session.
    pub present: bool,
    /// Why the member takes no part, if so.
    pub conflict: Option<Conflict>,
    /// The vote cast, if any.
    pub vote: Option<Vote>,
}

/// What the vote decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A majority of those present voted for.
    Adopted,
    /// A majority of those present voted against.
    Rejected,
    /// No majority either way: continue at the next meeting or at another panel.
    NoMajority,
}

impl Outcome {
    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Adopted => "adopted",
            Outcome::Rejected => "rejected",
            Outcome::NoMajority => "no_majority",
        }
    }
}

/// The assessed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Members present.
    pub present: usize,
    /// Votes for.
    pub votes_for: usize,
    /// Votes against.
    pub votes_against: usize,
    /// The outcome.
    pub outcome: Outcome,
    /// Why: the rule applied.
    pub basis: Basis,
    /// What it means (our words).
    pub meaning: &'static str,
}

fn refuse(rule: &'static str, message: String, law: &'static str, source: &'static str) -> Refusal {
    Refusal {
        rule,
        message,
        basis: Some(Basis { law, source }),
    }
}

/// Checks a panel and its session, and counts the vote.
pub fn assess(members: &[Member]) -> Result<Session, Refusal> {
    let count = |c: Category, list: &mut dyn Iterator<Item = &Member>| {
        list.filter(|m| m.category == c).count()
    };
    let (medical, legal, other) = (
        count(Category::Medical, &mut members.iter()),
        count(Category::Legal, &mut members.iter()),
        count(Category::Other, &mut members.iter()),
    );
    if members.len() != 5 || medical < 2 || legal < 1 || other < 1 {
        return Err(refuse(
            "review_board_panel_composition",
            format!("合議体は委員5人で、医療2人以上・法律1人以上・その他1人以上が要る（この合議体は {} 人: 医療 {medical}・法律 {legal}・その他 {other}）", members.len()),
            "精神保健福祉法第14条",
            source::PANEL,
        ));
    }
    if let Some(i) = members
        .iter()
        .position(|m| m.category == Category::Medical && !m.designated_physician)
    {
        return Err(refuse(
            "review_board_medical_member_must_be_designated_physician",
            format!(
                "医療の委員は精神保健指定医に限る（委員 {} は指定医でない）",
                i + 1
            ),
            "精神保健福祉法第13条第1項",
            source::DESIGNATED,
        ));
    }
    if let Some((i, m)) = members
        .iter()
        .enumerate()
        .find(|(_, m)| m.conflict.is_some() && (m.present || m.vote.is_some()))
    {
        let why = m.conflict.map(|c| c.label_ja()).unwrap_or_default();
        return Err(refuse(
            "review_board_member_excluded",
            format!(
                "委員 {} は「{why}」のため、この審査の議事に加われない（欠席として記録する）",
                i + 1
            ),
            "精神医療審査会運営マニュアル 4 関係者の排除",
            source::EXCLUSION,
        ));
    }
    if let Some(i) = members.iter().position(|m| !m.present && m.vote.is_some()) {
        return Err(Refusal {
            rule: "input",
            message: format!("member {} is absent but has a vote", i + 1),
            basis: None,
        });
    }
    let present: Vec<&Member> = members.iter().filter(|m| m.present).collect();
    for c in [Category::Medical, Category::Legal, Category::Other] {
        if count(c, &mut present.iter().copied()) == 0 {
            return Err(refuse(
                "review_board_quorum",
                format!("合議体は医療・法律・その他の委員がそれぞれ1人以上出席しなければ議事を開けない（{}の委員が出席していない）", c.label_ja()),
                "精神保健福祉法施行令第2条第8項",
                source::QUORUM,
            ));
        }
    }
    let votes = |v: Vote| present.iter().filter(|m| m.vote == Some(v)).count();
    let (votes_for, votes_against) = (votes(Vote::For), votes(Vote::Against));
    let n = present.len();
    let (outcome, basis, meaning) = if votes_for * 2 > n {
        (
            Outcome::Adopted,
            Basis {
                law: "精神保健福祉法施行令第2条第9項",
                source: source::MAJORITY,
            },
            "出席した委員の過半数が賛成したので可決。",
        )
    } else if votes_against * 2 > n {
        (
            Outcome::Rejected,
            Basis {
                law: "精神保健福祉法施行令第2条第9項",
                source: source::MAJORITY,
            },
            "出席した委員の過半数が反対したので否決。",
        )
    } else {
        (
            Outcome::NoMajority,
            Basis {
                law: "精神医療審査会運営マニュアル 3 議決",
                source: source::TIE,
            },
            "過半数に届かないため、次回の会議で審査を続けるか、他の合議体で審査する。",
        )
    };
    Ok(Session {
        present: n,
        votes_for,
        votes_against,
        outcome,
        basis,
        meaning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(category: Category, present: bool, vote: Option<Vote>) -> Member {
        Member {
            category,
            designated_physician: category == Category::Medical,
            present,
            conflict: None,
            vote,
        }
    }

    fn panel() -> Vec<Member> {
        use Category::*;
        vec![
            m(Medical, true, Some(Vote::For)),
            m(Medical, true, Some(Vote::For)),
            m(Legal, true, Some(Vote::Against)),
            m(Other, true, Some(Vote::For)),
            m(Other, true, Some(Vote::Against)),
        ]
    }

    #[test]
    fn a_full_panel_decides_by_majority_of_those_present() {
        let s = assess(&panel()).expect("lawful");
        assert_eq!((s.present, s.votes_for, s.votes_against), (5, 3, 2));
        assert_eq!(s.outcome, Outcome::Adopted);
    }

    #[test]
    fn a_tie_among_those_present_is_no_majority() {
        let mut p = panel();
        p[4].present = false;
        p[4].vote = None;
        let s = assess(&p).expect("quorum holds: one of each category");
        assert_eq!((s.present, s.votes_for, s.votes_against), (4, 3, 1));
        assert_eq!(s.outcome, Outcome::Adopted);
        p[3].vote = Some(Vote::Against);
        let s = assess(&p).expect("lawful");
        assert_eq!(s.outcome, Outcome::NoMajority);
        assert_eq!(s.basis.source, source::TIE);
    }

    #[test]
    fn composition_designation_exclusion_and_quorum_are_refused_by_name() {
        let rule = |p: &[Member]| assess(p).expect_err("refused").rule;
        let mut p = panel();
        p[1].category = Category::Legal;
        assert_eq!(rule(&p), "review_board_panel_composition");
        assert_eq!(rule(&panel()[..4]), "review_board_panel_composition");
        let mut p = panel();
        p[0].designated_physician = false;
        assert_eq!(
            rule(&p),
            "review_board_medical_member_must_be_designated_physician"
        );
        let mut p = panel();
        p[0].conflict = Some(Conflict::ExaminedPatient);
        assert_eq!(rule(&p), "review_board_member_excluded");
        p[0].present = false;
        p[0].vote = None;
        assert!(
            assess(&p).is_ok(),
            "an excluded member recorded absent is fine"
        );
        let mut p = panel();
        p[2].present = false;
        p[2].vote = None;
        assert_eq!(rule(&p), "review_board_quorum");
    }
}
