//! The reduction pathway: its visit schedule, and the tracker of a person's events and
//! milestones (the abstinence criteria, the small step).

use crate::alcohol::drinks::{success_target, SUCCESS_CITE};
use crate::alcohol::goal::{choose_goal, AbstinenceCriterion, GoalDecision, GOAL_CITES};
use crate::alcohol::icd10::icd10_assess;
use crate::alcohol::screening::AuditAnswers;
use crate::alcohol::shared::{field, AlcoholError, Cite, Sex};
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// One dated step of the reduction pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Stable code.
    pub code: &'static str,
    /// When.
    pub due: NaiveDate,
    /// What to do (our words).
    pub what: &'static str,
    /// Source.
    pub cite: Cite,
}

/// The schedule from the start of treatment: effect reviews every 3 months, the 6-month
/// referral check, the 12-month stop review, and — once the drug is stopped on `stopped` —
/// the follow-up 6 months later. Month arithmetic keeps the day, or takes the month's last day
/// when the month is shorter (a start on 31 August is reviewed on 30 November).
pub fn pathway_schedule(start: NaiveDate, stopped: Option<NaiveDate>) -> Vec<Milestone> {
    let at = |m: u32| start.checked_add_months(Months::new(m)).unwrap_or(start);
    let mut out = vec![
        Milestone { code: "effect_review_3m", due: at(3), what: "治療効果を判定する。効果がなければ増量を検討し、迷うときは専門医療機関に相談する。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) },
        Milestone { code: "effect_review_6m", due: at(6), what: "治療効果を判定する。6か月たっても減酒の効果がなければ専門医療機関への紹介を検討する。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 204) },
        Milestone { code: "effect_review_9m", due: at(9), what: "治療効果を判定する（3か月ごと）。", cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) },
        Milestone { code: "stop_review_12m", due: at(12), what: "薬の投与をやめ、(1) 断酒治療へ移る (2) 飲酒日記で減酒を続ける (3) 通院しながら中止後6か月まで様子を見る、のどれかを検討する。漫然と続けない。", cite: Cite::new("2.2(4) 薬剤投与の中止", 222, 236) },
    ];
    if let Some(s) = stopped {
        out.push(Milestone {
            code: "follow_up_6m_after_stop",
            due: s.checked_add_months(Months::new(6)).unwrap_or(s),
            what: "中止後6か月の経過を見る。60g/日以下を保てていれば治療終了。60g/日を超えていれば理由を確かめ、再投与の前に専門医療機関に相談する。",
            cite: Cite::new("2.2(5) 中止後6か月の経過観察", 238, 249),
        });
    }
    out
}

/// The prompt for every visit when reduction was chosen as an intermediate goal because the
/// patient refused referral (003:317-321), and the standing prompt to seek consent to
/// abstinence (003:189).
pub const ABSTINENCE_PROMPTS: [(&str, Cite); 2] = [
    ("減酒を選んでいても、断酒への同意を得るよう努める。", Cite::new("2.2 常に断酒治療への同意取得", 189, 189)),
    ("専門医療機関への紹介を拒まれて減酒を中間目標にした場合は、受診のたびに身体症状や検査値をもとに断酒の必要性を説明し、断酒や紹介を勧める。", Cite::new("2.4 紹介を拒む患者への対応", 317, 321)),
];

/// One thing recorded on a patient's reduction pathway (stored as an `alcohol_pathway` record).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PathwayEvent {
    /// AUDIT screening.
    Screening {
        /// Day.
        date: NaiveDate,
        /// The ten scores.
        answers: Vec<u8>,
    },
    /// The goal was chosen.
    GoalChosen {
        /// Day.
        date: NaiveDate,
        /// Abstinence criteria that apply (codes).
        criteria: Vec<String>,
        /// Whether the patient consented to abstinence (asked in every case).
        abstinence_consent: bool,
    },
    /// Drug treatment started.
    TreatmentStarted {
        /// Day.
        date: NaiveDate,
    },
    /// A 3-monthly effect review: the average over the past 3 months.
    Evaluation {
        /// Day.
        date: NaiveDate,
        /// Average grams per day over the past 3 months.
        average_grams_per_day: f64,
        /// Whether drinking fell (効果あり).
        effective: bool,
        /// Whether drink-related health or social problems clearly improved.
        marked_improvement: bool,
    },
    /// The drug was stopped; `next` is the option chosen (1: abstinence treatment, 2: diary,
    /// 3: watch for 6 months).
    DrugStopped {
        /// Day.
        date: NaiveDate,
        /// 1, 2 or 3.
        next: u8,
    },
    /// The visit 6 months after stopping.
    FollowUp {
        /// Day.
        date: NaiveDate,
        /// Average grams per day.
        average_grams_per_day: f64,
    },
    /// The patient refused referral to a specialist.
    ReferralRefused {
        /// Day.
        date: NaiveDate,
    },
    /// The ICD-10 checklist: which of the six criteria are met, and whether they occurred
    /// together for a month or more, or repeatedly, in the past year.
    Icd10Assessed {
        /// Day.
        date: NaiveDate,
        /// Criteria met (1-6).
        met: Vec<u8>,
        /// Together for a month or more, or repeatedly, in the past year.
        together_or_repeated: bool,
    },
    /// The drug dose changed (the manual's example: 10 mg, then 20 mg after 3 months).
    DoseChanged {
        /// Day.
        date: NaiveDate,
        /// New daily dose in mg.
        mg: u32,
    },
    /// The patient's sex, for the thresholds that differ.
    SexRecorded {
        /// Day.
        date: NaiveDate,
        /// Sex.
        sex: Sex,
    },
    /// A small-step drinking goal agreed with the patient (003:259), in grams per day.
    DiaryGoal {
        /// Day.
        date: NaiveDate,
        /// Goal.
        grams_per_day: f64,
    },
}

impl PathwayEvent {
    /// The day it happened.
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Screening { date, .. }
            | Self::GoalChosen { date, .. }
            | Self::TreatmentStarted { date }
            | Self::Evaluation { date, .. }
            | Self::DrugStopped { date, .. }
            | Self::FollowUp { date, .. }
            | Self::ReferralRefused { date }
            | Self::SexRecorded { date, .. }
            | Self::Icd10Assessed { date, .. }
            | Self::DoseChanged { date, .. }
            | Self::DiaryGoal { date, .. } => *date,
        }
    }

    /// Checks an event before it is stored: dates not after `today`, scores valid, grams
    /// 0-1000, the stop option 1-3, criteria known.
    pub fn check(&self, today: NaiveDate) -> Result<(), AlcoholError> {
        if self.date() > today {
            return Err(field("date", format!("{} is in the future", self.date())));
        }
        let grams_ok = |g: f64| g.is_finite() && (0.0..=1000.0).contains(&g);
        match self {
            Self::Screening { answers, .. } => AuditAnswers::parse(answers).map(|_| ()),
            Self::GoalChosen { criteria, .. } => criteria
                .iter()
                .try_for_each(|c| AbstinenceCriterion::parse(c).map(|_| ())),
            Self::Evaluation {
                average_grams_per_day: g,
                ..
            }
            | Self::FollowUp {
                average_grams_per_day: g,
                ..
            }
            | Self::DiaryGoal {
                grams_per_day: g, ..
            } => {
                if grams_ok(*g) {
                    Ok(())
                } else {
                    Err(field("average_grams_per_day", "must be 0-1000 g"))
                }
            }
            Self::DrugStopped { next, .. } => {
                if (1..=3).contains(next) {
                    Ok(())
                } else {
                    Err(field("next", "choose option 1, 2 or 3"))
                }
            }
            Self::Icd10Assessed { met, .. } => {
                let mut seen = [false; 6];
                for &n in met {
                    if !(1..=6).contains(&n)
                        || std::mem::replace(&mut seen[usize::from(n - 1)], true)
                    {
                        return Err(field("met", "criteria are numbered 1-6, each at most once"));
                    }
                }
                Ok(())
            }
            Self::DoseChanged { mg, .. } => {
                if (1..=100).contains(mg) {
                    Ok(())
                } else {
                    Err(field("mg", "the dose must be 1-100 mg"))
                }
            }
            Self::TreatmentStarted { .. }
            | Self::ReferralRefused { .. }
            | Self::SexRecorded { .. } => Ok(()),
        }
    }
}

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    /// Recorded.
    Done,
    /// Due within 14 days.
    DueSoon,
    /// Past its date and not recorded.
    Overdue,
    /// Later.
    Upcoming,
}

/// A milestone with its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedMilestone {
    /// The milestone.
    pub milestone: Milestone,
    /// Its state.
    pub state: MilestoneState,
}

/// A prompt for the clinician, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    /// Stable code.
    pub code: &'static str,
    /// What to do (our words).
    pub text: String,
    /// Source.
    pub cite: Cite,
}

/// The pathway as the clinician sees it today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathwayView {
    /// The chosen goal, once chosen.
    pub goal: Option<GoalDecision>,
    /// The schedule, once treatment started.
    pub schedule: Vec<TrackedMilestone>,
    /// What to do now, most important first.
    pub prompts: Vec<Prompt>,
}

/// Works out the schedule's state and the prompts from the events (any order) at `today`.
///
/// Decisions: an evaluation records the average of the past 3 months, so one evaluation that
/// meets the target (or shows marked improvement) means the target held for 3 months
/// (003:212). The n-th evaluation fulfils the n-th 3-monthly review.
pub fn pathway_view(events: &[PathwayEvent], sex: Sex, today: NaiveDate) -> PathwayView {
    let mut ev: Vec<&PathwayEvent> = events.iter().collect();
    ev.sort_by_key(|e| e.date());
    let latest = |pred: &dyn Fn(&PathwayEvent) -> bool| ev.iter().rev().find(|e| pred(e)).copied();
    let mut prompts = Vec::new();

    let goal = latest(&|e| matches!(e, PathwayEvent::GoalChosen { .. })).map(|e| match e {
        PathwayEvent::GoalChosen {
            criteria,
            abstinence_consent,
            ..
        } => {
            let applies: Vec<AbstinenceCriterion> = criteria
                .iter()
                .filter_map(|c| AbstinenceCriterion::parse(c).ok())
                .collect();
            (choose_goal(&applies), *abstinence_consent)
        }
        _ => (GoalDecision::ReductionPossible, false),
    });
    let refused = latest(&|e| matches!(e, PathwayEvent::ReferralRefused { .. })).is_some();
    match &goal {
        None => {
            let icd10 = latest(&|e| matches!(e, PathwayEvent::Icd10Assessed { .. }));
            if let Some(PathwayEvent::Icd10Assessed {
                met,
                together_or_repeated,
                ..
            }) = icd10
            {
                let mut flags = [false; 6];
                for &n in met {
                    if (1..=6).contains(&n) {
                        flags[usize::from(n - 1)] = true;
                    }
                }
                if !icd10_assess(flags, *together_or_repeated).dependence {
                    prompts.push(Prompt {
                        code: "not_dependent",
                        text: "ICD-10 の基準を満たさない: 薬剤による減酒治療は依存症と診断された人が対象。経過を見て、問題が進めば改めて診断を考える。".into(),
                        cite: Cite::new("2.1①・(1)", 89, 102),
                    });
                }
            } else if let Some(PathwayEvent::Screening { answers, .. }) =
                latest(&|e| matches!(e, PathwayEvent::Screening { .. }))
            {
                if let Ok(a) = AuditAnswers::parse(answers) {
                    if a.total() >= 15 {
                        prompts.push(Prompt {
                            code: "diagnose_icd10",
                            text: "AUDIT 15点以上: ICD-10 の基準で依存症かどうかを診断する。"
                                .into(),
                            cite: Cite::new("2.1(1)", 102, 102),
                        });
                    }
                }
            }
            prompts.push(Prompt {
                code: "choose_goal",
                text: "断酒を選ぶべき基準（5項目）に当てはまるかを確かめ、治療目標を決める。"
                    .into(),
                cite: GOAL_CITES[0],
            });
        }
        Some((GoalDecision::Abstinence { .. }, consent)) => {
            if *consent {
                prompts.push(Prompt {
                    code: "abstinence_treatment",
                    text:
                        "断酒治療を進める。自施設で対応できなければ専門医療機関への紹介を考える。"
                            .into(),
                    cite: GOAL_CITES[2],
                });
            } else if refused {
                prompts.push(Prompt {
                    code: "intermediate_reduction",
                    text: ABSTINENCE_PROMPTS[1].0.into(),
                    cite: ABSTINENCE_PROMPTS[1].1,
                });
            } else {
                prompts.push(Prompt { code: "refer_specialist", text: "断酒に同意が得られないため、専門医療機関に紹介する（紹介を拒まれた場合は減酒を中間目標にできる）。".into(), cite: GOAL_CITES[2] });
            }
        }
        Some((GoalDecision::ReductionPossible, _)) => {
            prompts.push(Prompt {
                code: "seek_abstinence_consent",
                text: ABSTINENCE_PROMPTS[0].0.into(),
                cite: ABSTINENCE_PROMPTS[0].1,
            });
            if refused {
                prompts.push(Prompt {
                    code: "intermediate_reduction",
                    text: ABSTINENCE_PROMPTS[1].0.into(),
                    cite: ABSTINENCE_PROMPTS[1].1,
                });
            }
        }
    }

    let start =
        latest(&|e| matches!(e, PathwayEvent::TreatmentStarted { .. })).map(PathwayEvent::date);
    let stop = latest(&|e| matches!(e, PathwayEvent::DrugStopped { .. })).map(PathwayEvent::date);
    let mut schedule = Vec::new();
    if let Some(start) = start {
        let evaluations: Vec<&PathwayEvent> = ev
            .iter()
            .copied()
            .filter(|e| matches!(e, PathwayEvent::Evaluation { .. }) && e.date() >= start)
            .collect();
        let follow_up = latest(&|e| matches!(e, PathwayEvent::FollowUp { .. }));
        let mut review_no = 0usize;
        for m in pathway_schedule(start, stop) {
            let done = match m.code {
                "effect_review_3m" | "effect_review_6m" | "effect_review_9m" => {
                    review_no += 1;
                    evaluations.len() >= review_no || stop.is_some()
                }
                "stop_review_12m" => stop.is_some(),
                _ => follow_up.is_some(),
            };
            let state = if done {
                MilestoneState::Done
            } else if today > m.due {
                MilestoneState::Overdue
            } else if (m.due - today).num_days() <= 14 {
                MilestoneState::DueSoon
            } else {
                MilestoneState::Upcoming
            };
            schedule.push(TrackedMilestone {
                milestone: m,
                state,
            });
        }
        if let Some(PathwayEvent::Evaluation {
            date,
            average_grams_per_day,
            effective,
            marked_improvement,
        }) = evaluations.last().copied()
        {
            let six_months = start.checked_add_months(Months::new(6)).unwrap_or(start);
            if *average_grams_per_day <= success_target(sex) || *marked_improvement {
                prompts.push(Prompt { code: "success", text: format!("飲酒量低減の目安を達成（3か月平均 {:.1} g/日）。薬の投与をやめ、他の治療への移行を検討する。", average_grams_per_day), cite: SUCCESS_CITE });
            } else if !effective && *date >= six_months {
                prompts.push(Prompt { code: "refer_no_effect", text: "治療開始から6か月たっても減酒の効果がない: 専門医療機関への紹介を検討する。".into(), cite: Cite::new("2.2(2) 治療効果の判定", 204, 204) });
            } else if !effective {
                prompts.push(Prompt { code: "consider_dose", text: "効果が認められない: 薬の増量を検討する。判定に迷うときは専門医療機関に相談する。".into(), cite: Cite::new("2.2(2) 治療効果の判定", 202, 202) });
            }
        }
        let twelve = start.checked_add_months(Months::new(12)).unwrap_or(start);
        if stop.is_none() && today >= twelve {
            prompts.push(Prompt { code: "stop_review", text: "治療開始から12か月: 薬の投与をやめ、次の治療（断酒治療・飲酒日記での減酒・6か月の経過観察）を検討する。漫然と続けない。".into(), cite: Cite::new("2.2(4) 薬剤投与の中止", 222, 236) });
        }
        if let Some(PathwayEvent::FollowUp {
            average_grams_per_day,
            ..
        }) = follow_up
        {
            if *average_grams_per_day <= 60.0 {
                prompts.push(Prompt { code: "treatment_end", text: "中止後6か月も 60 g/日以下を保てている: 治療終了（必要なら経過観察を続ける）。".into(), cite: Cite::new("2.2(5)①", 240, 245) });
            } else {
                prompts.push(Prompt { code: "consult_before_represcribing", text: "60 g/日を超える飲酒に戻った: 理由を確かめ、再投与の前に専門医療機関に相談する。".into(), cite: Cite::new("2.2(5)②", 247, 249) });
            }
        }
    }
    PathwayView {
        goal: goal.map(|(g, _)| g),
        schedule,
        prompts,
    }
}

/// Where the small-step goals are.
pub const SMALL_STEP_CITE: Cite = Cite::new("2.2(6)① 飲酒量の目標設定", 257, 259);

#[cfg(test)]
mod pathway_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }
    fn codes(v: &PathwayView) -> Vec<&'static str> {
        v.prompts.iter().map(|p| p.code).collect()
    }
    fn goal(criteria: &[&str], consent: bool) -> PathwayEvent {
        PathwayEvent::GoalChosen {
            date: d(2026, 1, 10),
            criteria: criteria.iter().map(|s| (*s).to_owned()).collect(),
            abstinence_consent: consent,
        }
    }
    fn eval(date: NaiveDate, g: f64, effective: bool) -> PathwayEvent {
        PathwayEvent::Evaluation {
            date,
            average_grams_per_day: g,
            effective,
            marked_improvement: false,
        }
    }

    #[test]
    fn before_a_goal_the_clinician_is_asked_to_diagnose_and_choose() {
        let v = pathway_view(
            &[PathwayEvent::Screening {
                date: d(2026, 1, 5),
                answers: vec![4, 4, 4, 3, 2, 1, 0, 0, 2, 4],
            }],
            Sex::Male,
            d(2026, 1, 5),
        );
        assert_eq!(codes(&v), ["diagnose_icd10", "choose_goal"]);
        assert!(v.schedule.is_empty());
    }

    #[test]
    fn reduction_always_asks_for_abstinence_consent_and_refusal_adds_the_visit_prompt() {
        let v = pathway_view(&[goal(&[], false)], Sex::Male, d(2026, 1, 10));
        assert_eq!(v.goal, Some(GoalDecision::ReductionPossible));
        assert_eq!(codes(&v), ["seek_abstinence_consent"]);
        let v = pathway_view(
            &[goal(&["wants_abstinence"], false)],
            Sex::Male,
            d(2026, 1, 10),
        );
        assert_eq!(codes(&v), ["refer_specialist"]);
        let v = pathway_view(
            &[
                goal(&["wants_abstinence"], false),
                PathwayEvent::ReferralRefused {
                    date: d(2026, 1, 20),
                },
            ],
            Sex::Male,
            d(2026, 1, 20),
        );
        assert_eq!(codes(&v), ["intermediate_reduction"]);
        let v = pathway_view(
            &[goal(&["urgent_withdrawal"], true)],
            Sex::Male,
            d(2026, 1, 10),
        );
        assert_eq!(codes(&v), ["abstinence_treatment"]);
    }

    #[test]
    fn the_schedule_tracks_reviews_and_flags_what_is_overdue() {
        let start = d(2026, 1, 15);
        let events = [
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
            eval(d(2026, 4, 15), 70.0, true),
        ];
        let v = pathway_view(&events, Sex::Male, d(2026, 7, 20));
        let states: Vec<MilestoneState> = v.schedule.iter().map(|m| m.state).collect();
        assert_eq!(
            states,
            [
                MilestoneState::Done,
                MilestoneState::Overdue,
                MilestoneState::Upcoming,
                MilestoneState::Upcoming
            ]
        );
        let v = pathway_view(&events, Sex::Male, d(2026, 7, 5));
        assert_eq!(v.schedule[1].state, MilestoneState::DueSoon);
    }

    #[test]
    fn no_effect_by_month_six_prompts_referral_and_success_prompts_stopping() {
        let start = d(2026, 1, 15);
        let base = [
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
        ];
        let mut e = base.to_vec();
        e.push(eval(d(2026, 4, 15), 80.0, false));
        assert!(codes(&pathway_view(&e, Sex::Male, d(2026, 4, 15))).contains(&"consider_dose"));
        e.push(eval(d(2026, 7, 15), 80.0, false));
        assert!(codes(&pathway_view(&e, Sex::Male, d(2026, 7, 15))).contains(&"refer_no_effect"));
        let mut ok = base.to_vec();
        ok.push(eval(d(2026, 4, 15), 40.0, true));
        assert!(codes(&pathway_view(&ok, Sex::Male, d(2026, 4, 15))).contains(&"success"));
        assert!(
            !codes(&pathway_view(&ok, Sex::Female, d(2026, 4, 15))).contains(&"success"),
            "women: 20 g"
        );
    }

    #[test]
    fn at_twelve_months_stopping_is_prompted_and_the_follow_up_decides_the_end() {
        let start = d(2026, 1, 15);
        let mut e = vec![
            goal(&[], false),
            PathwayEvent::TreatmentStarted { date: start },
        ];
        assert!(codes(&pathway_view(&e, Sex::Male, d(2027, 1, 15))).contains(&"stop_review"));
        e.push(PathwayEvent::DrugStopped {
            date: d(2027, 1, 15),
            next: 3,
        });
        let v = pathway_view(&e, Sex::Male, d(2027, 1, 16));
        assert!(!codes(&v).contains(&"stop_review"));
        assert_eq!(
            v.schedule
                .last()
                .map(|m| (m.milestone.code, m.milestone.due)),
            Some(("follow_up_6m_after_stop", d(2027, 7, 15)))
        );
        let mut over = e.clone();
        over.push(PathwayEvent::FollowUp {
            date: d(2027, 7, 15),
            average_grams_per_day: 61.0,
        });
        assert!(codes(&pathway_view(&over, Sex::Male, d(2027, 7, 15)))
            .contains(&"consult_before_represcribing"));
        e.push(PathwayEvent::FollowUp {
            date: d(2027, 7, 15),
            average_grams_per_day: 60.0,
        });
        assert!(codes(&pathway_view(&e, Sex::Male, d(2027, 7, 15))).contains(&"treatment_end"));
    }

    #[test]
    fn an_icd10_assessment_without_dependence_says_so_instead_of_asking_for_a_goal() {
        let icd = |met: Vec<u8>, together| PathwayEvent::Icd10Assessed {
            date: d(2026, 1, 6),
            met,
            together_or_repeated: together,
        };
        let v = pathway_view(&[icd(vec![1, 2], true)], Sex::Male, d(2026, 1, 6));
        assert_eq!(codes(&v), ["not_dependent", "choose_goal"]);
        let v = pathway_view(&[icd(vec![1, 2, 3], true)], Sex::Male, d(2026, 1, 6));
        assert_eq!(codes(&v), ["choose_goal"]);
        assert!(icd(vec![1, 1], true).check(d(2026, 1, 6)).is_err());
        assert!(icd(vec![7], true).check(d(2026, 1, 6)).is_err());
        assert!(PathwayEvent::DoseChanged {
            date: d(2026, 1, 6),
            mg: 0
        }
        .check(d(2026, 1, 6))
        .is_err());
        assert!(PathwayEvent::DoseChanged {
            date: d(2026, 1, 6),
            mg: 20
        }
        .check(d(2026, 1, 6))
        .is_ok());
    }

    #[test]
    fn events_are_checked_before_they_are_stored() {
        let today = d(2026, 1, 1);
        assert!(PathwayEvent::TreatmentStarted {
            date: d(2026, 1, 2)
        }
        .check(today)
        .is_err());
        assert!(PathwayEvent::Screening {
            date: today,
            answers: vec![0; 9]
        }
        .check(today)
        .is_err());
        assert!(PathwayEvent::DrugStopped {
            date: today,
            next: 4
        }
        .check(today)
        .is_err());
        assert!(eval(today, -1.0, true).check(today).is_err());
        assert!(goal(&["nope"], false).check(d(2026, 2, 1)).is_err());
        assert!(eval(today, 30.0, true).check(today).is_ok());
    }
}
