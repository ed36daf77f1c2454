//! View models: plain strings and flags prepared for the templates, so that templates hold no
//! logic beyond loops and conditions.

use chrono::{NaiveDate, NaiveDateTime};
use tsunagu_domain::directory::model::{LocationKind, Organization, Service};
use tsunagu_domain::directory::schedule::{HolidayPolicy, HoursKind};
use tsunagu_domain::{Audience, Concern, Prefecture, ResourceKind, ServiceKind};
use tsunagu_search::Hit;

pub struct PhoneView {
    pub number: String,
    pub digits: String,
    pub label: String,
    pub flagged: bool,
}

pub struct HitView {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub prefecture: String,
    pub kind: String,
    pub phones: Vec<PhoneView>,
    pub open_label: String,
    pub open: bool,
    pub as_of: String,
    pub stale: bool,
    pub notes: usize,
}

fn is_stale_as_of(as_of: Option<&str>, today: NaiveDate) -> bool {
    let year = as_of
        .and_then(|s| s.get(..4))
        .and_then(|y| y.parse::<i32>().ok());
    year.is_none_or(|y| {
        chrono::Datelike::year(&today) - y >= tsunagu_domain::directory::model::STALE_AFTER_YEARS
    })
}

impl HitView {
    pub fn of(h: &Hit, today: NaiveDate) -> HitView {
        let kind = h
            .kind
            .parse::<ResourceKind>()
            .map(|k| k.label_ja())
            .unwrap_or("");
        HitView {
            id: h.id.clone(),
            name: h.name.clone(),
            organization: h.organization.clone(),
            prefecture: h.prefecture.clone().unwrap_or_else(|| "全国".to_owned()),
            kind: kind.to_owned(),
            phones: h
                .phones
                .iter()
                .map(|p| PhoneView {
                    number: p.number.clone(),
                    digits: p.number.chars().filter(char::is_ascii_digit).collect(),
                    label: p.label.clone().unwrap_or_default(),
                    flagged: p.flagged,
                })
                .collect(),
            open_label: h
                .open_now
                .as_ref()
                .map(|s| s.label_ja())
                .unwrap_or_default(),
            open: h.open_now.as_ref().is_some_and(|s| s.is_open()),
            as_of: h.as_of.clone().unwrap_or_else(|| "不明".to_owned()),
            stale: is_stale_as_of(h.as_of.as_deref(), today),
            notes: h.quality_notes,
        }
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: Option<T>,
    eq: fn(T, T) -> bool,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v).to_owned(),
            label: label(v).to_owned(),
            selected: current.is_some_and(|c| eq(c, v)),
        })
        .collect()
}

pub struct Facets {
    pub prefectures: Vec<Choice>,
    pub concerns: Vec<Choice>,
    pub audiences: Vec<Choice>,
    pub service_kinds: Vec<Choice>,
    pub kinds: Vec<Choice>,
}

impl Facets {
    pub fn new(
        p: Option<Prefecture>,
        c: Option<Concern>,
        a: Option<Audience>,
        sk: Option<ServiceKind>,
        k: Option<ResourceKind>,
    ) -> Facets {
        Facets {
            prefectures: Prefecture::all()
                .map(|x| Choice {
                    value: x.code(),
                    label: x.name().to_owned(),
                    selected: p == Some(x),
                })
                .collect(),
            concerns: choices(Concern::ALL, Concern::code, Concern::label_ja, c, |a, b| {
                a == b
            }),
            audiences: choices(
                Audience::ALL,
                Audience::code,
                Audience::label_ja,
                a,
                |a, b| a == b,
            ),
            service_kinds: choices(
                ServiceKind::ALL,
                ServiceKind::code,
                ServiceKind::label_ja,
                sk,
                |a, b| a == b,
            ),
            kinds: choices(
                ResourceKind::ALL,
                ResourceKind::code,
                ResourceKind::label_ja,
                k,
                |a, b| a == b,
            ),
        }
    }
}

pub struct HoursRow {
    pub kind: String,
    pub days: String,
    pub time: String,
    pub appointment: bool,
}

pub struct LinkView {
    pub url: String,
    pub label: String,
}

pub struct LocationView {
    pub postal_code: String,
    pub address: String,
    pub online: bool,
}

pub struct NoteView {
    pub field: String,
    pub note: String,
}

pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub alternate_names: String,
    pub organization: String,
    pub organization_description: String,
    pub kind: String,
    pub status: String,
    pub active: bool,
    pub description: String,
    pub eligibility: String,
    pub concerns: Vec<&'static str>,
    pub audiences: Vec<&'static str>,
    pub service_kinds: Vec<&'static str>,
    pub anonymous: String,
    pub reservation: String,
    pub phones: Vec<PhoneView>,
    pub emails: Vec<String>,
    pub links: Vec<LinkView>,
    pub hours: Vec<HoursRow>,
    pub hours_known: bool,
    pub holidays: String,
    pub year_end: bool,
    pub closed_days: String,
    pub hours_note: String,
    pub open_label: String,
    pub open: bool,
    pub locations: Vec<LocationView>,
    pub area: String,
    pub cost: String,
    pub opened: String,
    pub founded: String,
    pub sources: Vec<String>,
    pub as_of: String,
    pub last_verified: String,
    pub stale: bool,
    pub notes: Vec<NoteView>,
}

fn yes_no(v: Option<bool>, yes: &str, no: &str) -> String {
    match v {
        Some(true) => yes.to_owned(),
        Some(false) => no.to_owned(),
        None => String::new(),
    }
}

impl ServiceView {
    pub fn of(s: &Service, org: &Organization, now: NaiveDateTime) -> ServiceView {
        let h = &s.hours;
        let state = h.open_state(now);
        let mut sources = vec![s.provenance.source.cite()];
        sources.extend(s.provenance.also.iter().map(|r| r.cite()));
        ServiceView {
            id: s.id.to_string(),
            name: s.name.clone(),
            alternate_names: s.alternate_names.join("、"),
            organization: org.name.clone(),
            organization_description: org.description.clone().unwrap_or_default(),
            kind: s.kind.label_ja().to_owned(),
            status: s.status.label_ja().to_owned(),
            active: s.status == tsunagu_domain::ServiceStatus::Active,
            description: s.description.clone().unwrap_or_default(),
            eligibility: s.eligibility.clone().unwrap_or_default(),
            concerns: s.concerns.iter().map(|c| c.label_ja()).collect(),
            audiences: s.audiences.iter().map(|a| a.label_ja()).collect(),
            service_kinds: s.service_kinds.iter().map(|k| k.label_ja()).collect(),
            anonymous: yes_no(
                s.anonymous,
                "匿名で参加・相談できます",
                "匿名での利用はできません",
            ),
            reservation: yes_no(s.reservation_required, "予約が必要です", "予約は不要です"),
            phones: s
                .phones
                .iter()
                .map(|p| PhoneView {
                    number: p.number.to_string(),
                    digits: p.number.digits(),
                    label: p.label.clone().unwrap_or_default(),
                    flagged: p.flagged(),
                })
                .collect(),
            emails: s.emails.clone(),
            links: s
                .links
                .iter()
                .map(|l| LinkView {
                    url: l.url.clone(),
                    label: l.label.clone().unwrap_or_else(|| l.url.clone()),
                })
                .collect(),
            hours: h
                .rules
                .iter()
                .map(|r| HoursRow {
                    kind: r.kind.label_ja().to_owned(),
                    days: r.days.label_ja(),
                    time: match (r.opens, r.closes) {
                        (Some(o), Some(c)) => {
                            format!("{}～{}", o.format("%H:%M"), c.format("%H:%M"))
                        }
                        _ => "時間の記載なし".to_owned(),
                    },
                    appointment: r.by_appointment
                        || (h.by_appointment && r.kind != HoursKind::Reception),
                })
                .collect(),
            hours_known: h.is_known(),
            holidays: match h.holidays {
                HolidayPolicy::Unstated => "祝日の対応は情報源に記載がありません".to_owned(),
                HolidayPolicy::Closed => "祝日は休み".to_owned(),
                HolidayPolicy::OpenAs(w) => format!(
                    "祝日も受付（{}曜日と同じ時間）",
                    tsunagu_domain::directory::schedule::weekday_ja(w)
                ),
            },
            year_end: h.closed_year_end,
            closed_days: h
                .closed_days
                .iter()
                .map(|d| format!("{}月{}日", d.month, d.day))
                .collect::<Vec<_>>()
                .join("、"),
            hours_note: h.note.clone().unwrap_or_default(),
            open_label: state.label_ja(),
            open: state.is_open(),
            locations: s
                .locations(org)
                .map(|l| LocationView {
                    postal_code: l.postal_code.clone().unwrap_or_default(),
                    address: format!(
                        "{}{}",
                        l.prefecture
                            .filter(|p| !l.address.as_deref().unwrap_or("").starts_with(p.name()))
                            .map(|p| p.name())
                            .unwrap_or(""),
                        l.address.as_deref().unwrap_or("")
                    ),
                    online: l.kind == LocationKind::Virtual,
                })
                .collect(),
            area: s
                .service_area
                .as_ref()
                .map(|a| a.label_ja())
                .unwrap_or_default(),
            cost: s.cost.clone().unwrap_or_default(),
            opened: s.opened.clone().unwrap_or_default(),
            founded: org.founded.clone().unwrap_or_default(),
            sources,
            as_of: s
                .provenance
                .as_of
                .clone()
                .unwrap_or_else(|| "不明".to_owned()),
            last_verified: s
                .provenance
                .last_verified
                .map(|d| d.to_string())
                .unwrap_or_else(|| "未確認".to_owned()),
            stale: s.provenance.is_stale(now.date()),
            notes: s
                .quality_notes
                .iter()
                .chain(&org.quality_notes)
                .map(|n| NoteView {
                    field: field_label(&n.field).to_owned(),
                    note: n.note.clone(),
                })
                .collect(),
        }
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "phone" => "電話番号",
        "address" => "所在地",
        "name" => "名称",
        "jurisdiction" => "都道府県・指定都市",
        "hours" => "受付時間",
        "url" => "URL",
        "email" => "メール",
        "cost" => "費用",
        "founded" => "設立年月日",
        "opened" => "開設年月",
        "legal_form" => "法人の種類",
        other => other,
    }
}
