//! From a consultation to a plan: the stated and inferred facts, the rules applied, and the
//! resources of each role looked up in the prepared directory ([`Resources`]).

use crate::directory::codes::{Audience, Concern, ResourceKind, ServiceStatus};
use crate::directory::model::{Directory, Service, ServiceArea};
use crate::directory::prefecture::{DesignatedCity, Prefecture};
use crate::triage::facts::{
    Consultation, Facts, PersonSex, Role, TriageConcern, TriageError, MAX_TEXT_CHARS,
};
use crate::triage::lexicon::{analyse, FactKind, Found, Lexicon};
use crate::triage::rules::{RuleBook, TriageRule};
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::HashMap;

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
    // with a few concerns only, as their table prints them). Likewise a crisis line answers
    // whoever's life is at risk, whatever the addiction behind it (いのちの電話, 004:2957).
    let general = matches!(
        role,
        Role::MentalHealthWelfareCenter | Role::HealthCenter | Role::CrisisLine
    );
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
