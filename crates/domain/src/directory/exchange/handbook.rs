//! Importer for the directory tables at the end of the national handbook
//! 「我が国の精神保健福祉」平成18年度版 (seed `004_d9518c60032bdf29.txt`, part Ⅴ その他).
//!
//! Three tab-separated tables are recognised by their titles:
//!
//! 1. 各都道府県・指定都市精神保健福祉担当課一覧 — 6 columns, 47 prefectures + 15 cities;
//! 2. 精神保健福祉センター一覧 — 7 columns, 64 centres, with a closing 合計 row whose counts
//!    are checked;
//! 3. 主な関係団体一覧 — 6 columns, 29 organisations, postcode, address and phone in one cell.
//!
//! Decisions, each applied visibly:
//! - Phones `011(231)4111` become `011-231-4111`. A number that cannot be right (the 秋田県
//!   centre's `118-…`, Tokyo numbers printed without `03`) is kept as printed and flagged; a
//!   missing area code is never guessed.
//! - A blank jurisdiction cell is filled down from the row above (東京都 has three centres).
//! - A jurisdiction that is not a prefecture or designated city (`鳥根県`) is matched to the
//!   prefecture one character away whose department (table 1) sits in the same city; the
//!   name stays as printed and a data-quality note says what was assumed.
//! - Fragments known to be OCR-damaged ([`SUSPECT_FRAGMENTS`]) are kept and noted.
//! - Representatives' personal names (table 3) are not imported: they are personal data, stale
//!   since 2006, and nobody needs them to reach the organisation.
//! - Rows where a cell holds two values (神戸市: two phones, postcodes and addresses labelled
//!   (セナ)/(本庁); 広島市: two phones) keep both.

use crate::common::ids::{LocationId, OrganizationId, ServiceId};
use crate::common::wareki;
use crate::directory::codes::{Concern, ResourceKind, ServiceKind, ServiceStatus};
use crate::directory::model::{
    Directory, Location, LocationKind, Organization, Phone, Provenance, QualityNote, Service,
    ServiceArea, SourceRef,
};
use crate::directory::phone::PhoneNumber;
use crate::directory::prefecture::{DesignatedCity, Prefecture};
use crate::directory::schedule::Hours;

/// Fragments of the 2006 tables that OCR or typesetting damaged, with what we believe.
/// Source lines: 22594 (京都府), 22620/22624 (大阪市/神戸市), 22665 (兵庫県), 22716.
pub const SUSPECT_FRAGMENTS: [(&str, &str, &str); 4] = [
    ("新町西入敷7内町", "address", "町名に数字が混じっており、OCRの誤りと思われます（藪ノ内町の可能性）。訪問前に確認してください。"),
    ("臨浜海岸通", "address", "町名がOCRで崩れている可能性があります（脇浜海岸通の可能性）。訪問前に確認してください。"),
    ("府中央区", "address", "「府中央区」という表記は存在せず、東京都中央区の誤りと思われます。"),
    ("健康推進部の健康センター", "name", "課の名称に別の行と同じ文言が入っており、転記の誤りの可能性があります。"),
];

/// The handbook edition year (「我が国の精神保健福祉」平成18年度版, 004:22739), used as the
/// as-of of table 3, which prints no date of its own.
const EDITION_YEAR: &str = "2006";

/// What happened to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIssue {
    /// 1-based line number in the input.
    pub line: u32,
    /// What is wrong, in English for maintainers.
    pub message: String,
}

/// The result of an import.
#[derive(Debug, Clone, Default)]
pub struct HandbookImport {
    /// Parsed records.
    pub directory: Directory,
    /// Departments (table 1) imported.
    pub departments: usize,
    /// Centres (table 2) imported.
    pub centres: usize,
    /// Related organisations (table 3) imported.
    pub related: usize,
    /// Lines whose jurisdiction was filled down.
    pub filled_down: Vec<u32>,
    /// Data-quality notes recorded, with their line.
    pub notes: Vec<LineIssue>,
    /// Rows that could not be imported.
    pub errors: Vec<LineIssue>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Table {
    Departments,
    Centres,
    Related,
}

/// Where a row's jurisdiction points.
#[derive(Clone, Copy)]
struct Jurisdiction {
    prefecture: Prefecture,
    city: Option<DesignatedCity>,
}

impl Jurisdiction {
    fn slug(&self) -> String {
        match self.city {
            Some(c) => c.slug.to_owned(),
            None => self.prefecture.code(),
        }
    }
    fn area(&self) -> ServiceArea {
        match self.city {
            Some(c) => ServiceArea::Municipality {
                prefecture: self.prefecture,
                name: c.name.to_owned(),
            },
            None => ServiceArea::Prefecture {
                prefecture: self.prefecture,
            },
        }
    }
    fn label(&self) -> &'static str {
        self.city.map_or(self.prefecture.name(), |c| c.name)
    }
}

fn is_header(first: &str) -> bool {
    let f: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        f.as_str(),
        "都道府県" | "指定都市名" | "種類" | "都道府県指定都市"
    )
}

/// Removes spaces that PDF extraction put between CJK characters (`復 光 会` → `復光会`).
fn squeeze_cjk_spaces(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let is_cjk = |c: char| !c.is_ascii() && !c.is_whitespace();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            if prev.is_some_and(is_cjk) && next.is_some_and(is_cjk) {
                continue;
            }
            if prev.is_some_and(char::is_whitespace) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Parses `(平成18年4月1日現在)` into an ISO date.
fn as_of_in(line: &str) -> Option<String> {
    let start = line.find('(').or_else(|| line.find('（'))?;
    let inner = &line[start..];
    let inner = inner.trim_start_matches(['(', '（']);
    let end = inner.find("現在")?;
    match wareki::parse(&inner[..end]) {
        Ok(wareki::Wareki::Date(d)) => Some(d.format("%Y-%m-%d").to_string()),
        Ok(wareki::Wareki::Month(m)) => Some(m.to_string()),
        Err(_) => None,
    }
}

fn id<T>(
    parse: fn(String) -> Result<T, crate::common::ids::InvalidId>,
    s: String,
) -> Result<T, String> {
    parse(s).map_err(|e| e.to_string())
}

fn suspect_notes(text: &str, notes: &mut Vec<QualityNote>) {
    for (fragment, field, note) in SUSPECT_FRAGMENTS {
        if text.contains(fragment) {
            notes.push(QualityNote {
                field: field.to_owned(),
                note: format!("「{fragment}」: {note}"),
            });
        }
    }
}

fn phone_notes(phones: &[Phone], notes: &mut Vec<QualityNote>) {
    for p in phones {
        if let Some(why) = p.number.suspicion() {
            notes.push(QualityNote {
                field: "phone".into(),
                note: format!("{}: {why}", p.number),
            });
        }
    }
}

struct Importer<'a> {
    doc: &'a str,
    out: HandbookImport,
    as_of: Option<String>,
    /// (prefecture, city prefix of its department's address), from table 1, to resolve
    /// damaged jurisdiction names in table 2.
    department_cities: Vec<(Prefecture, String)>,
    last_jurisdiction: Option<(Jurisdiction, String)>,
    centre_seq: Vec<(String, usize)>,
}

impl Importer<'_> {
    fn provenance(&self, line: u32) -> Provenance {
        Provenance {
            source: SourceRef {
                doc: self.doc.to_owned(),
                from: line,
                to: line,
            },
            also: vec![],
            as_of: self.as_of.clone(),
            last_verified: None,
        }
    }

    fn error(&mut self, line: u32, message: impl Into<String>) {
        self.out.errors.push(LineIssue {
            line,
            message: message.into(),
        });
    }

    fn city_prefix(address: &str) -> Option<String> {
        let end = address
            .char_indices()
            .find(|&(_, c)| c == '市')
            .map(|(i, c)| i + c.len_utf8())?;
        Some(address[..end].to_owned())
    }

    /// Resolves a jurisdiction cell; records notes for anything assumed.
    fn jurisdiction(
        &mut self,
        cell: &str,
        address: &str,
        line: u32,
        notes: &mut Vec<QualityNote>,
    ) -> Result<Jurisdiction, String> {
        let cell = squeeze_cjk_spaces(cell);
        if let Some(city) = DesignatedCity::find(&cell) {
            if city.name != cell {
                notes.push(QualityNote { field: "jurisdiction".into(), note: format!("指定都市名が「{cell}」と印字されており「市」が欠けています。{}と判断しました。", city.name) });
            }
            return Ok(Jurisdiction {
                prefecture: city.prefecture,
                city: Some(city),
            });
        }
        if let Ok(p) = Prefecture::parse(&cell) {
            return Ok(Jurisdiction {
                prefecture: p,
                city: None,
            });
        }
        // One character off a prefecture name, and the address is in the city of that
        // prefecture's department: take it, and say so.
        let city = Self::city_prefix(address);
        let candidate = Prefecture::all().find(|p| {
            let (a, b): (Vec<char>, Vec<char>) =
                (p.name().chars().collect(), cell.chars().collect());
            a.len() == b.len()
                && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
                && self
                    .department_cities
                    .iter()
                    .any(|(dp, c)| dp == p && Some(c) == city.as_ref())
        });
        match candidate {
            Some(p) => {
                notes.push(QualityNote {
                    field: "jurisdiction".into(),
                    note: format!("都道府県名が「{cell}」と印字されています（OCRの誤りと思われます）。所在地が{}の担当課と同じ市にあるため{}と判断しました。名称は印字のままです。", p.name(), p.name()),
                });
                self.out.notes.push(LineIssue {
                    line,
                    message: format!("jurisdiction {cell:?} read as {}", p.name()),
                });
                Ok(Jurisdiction {
                    prefecture: p,
                    city: None,
                })
            }
            None => Err(format!("unknown jurisdiction {cell:?}")),
        }
    }

    fn row(&mut self, table: Table, cells: &[&str], line: u32) {
        let result = match table {
            Table::Departments => self.department(cells, line),
            Table::Centres => self.centre(cells, line),
            Table::Related => self.related(cells, line),
        };
        if let Err(message) = result {
            self.error(line, message);
        }
    }

    fn finish_record(&mut self, org: Organization, service: Service, line: u32) {
        for n in org.quality_notes.iter().chain(&service.quality_notes) {
            self.out.notes.push(LineIssue {
                line,
                message: format!("{}: {}", n.field, n.note),
            });
        }
        self.out.directory.organizations.push(org);
        self.out.directory.services.push(service);
    }

    fn parse_phones(cell: &str, label: Option<&str>) -> Result<Vec<Phone>, String> {
        cell.split_whitespace()
            .map(|raw| {
                PhoneNumber::parse(raw)
                    .map(|number| Phone {
                        number,
                        label: label.map(str::to_owned),
                    })
                    .map_err(|e| e.to_string())
            })
            .collect()
    }

    fn department(&mut self, cells: &[&str], line: u32) -> Result<(), String> {
        let [juris, mental, jiritsu, phone, postal, address] = cells else {
            return Err(format!("expected 6 columns, found {}", cells.len()));
        };
        let mut notes = Vec::new();
        let j = self.jurisdiction(juris, address, line, &mut notes)?;
        let phones = Self::parse_phones(phone, Some("代表"))?;
        phone_notes(&phones, &mut notes);
        let slug = j.slug();
        // Two addresses (神戸市) come labelled (セナ)/(本庁) and pair with two postcodes.
        let addresses: Vec<&str> = if address.contains(")") && address.matches('(').count() > 1 {
            address
                .split_inclusive(')')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        } else {
            vec![address.trim()]
        };
        let postals: Vec<&str> = postal.split_whitespace().collect();
        let mut locations = Vec::new();
        for (i, addr) in addresses.iter().enumerate() {
            let lid = if i == 0 {
                format!("dept-{slug}")
            } else {
                format!("dept-{slug}-{}", i + 1)
            };
            locations.push(Location {
                id: id(LocationId::try_from, lid)?,
                kind: LocationKind::Physical,
                postal_code: postals.get(i).map(|s| (*s).to_owned()),
                prefecture: Some(j.prefecture),
                address: Some((*addr).to_owned()),
            });
            suspect_notes(addr, &mut notes);
        }
        let mental = mental.trim();
        let jiritsu = jiritsu.trim();
        suspect_notes(mental, &mut notes);
        let oid = id(OrganizationId::try_from, format!("dept-{slug}"))?;
        let org = Organization {
            id: oid.clone(),
            name: format!("{} {}", j.label(), mental),
            description: Some(format!("{}の精神保健福祉を担当する行政の課。", j.label())),
            url: None,
            locations: locations.clone(),
            founded: None,
            provenance: self.provenance(line),
            quality_notes: vec![],
        };
        let mut description = format!(
            "{}で精神保健福祉の施策を担当する課です（精神保健主管課）。",
            j.label()
        );
        if jiritsu != mental {
            description.push_str(&format!("自立支援医療などの総合窓口は{jiritsu}です。"));
        } else {
            description.push_str("自立支援医療などの総合窓口も同じ課です。");
        }
        let mut alternate_names = vec![format!("{}精神保健福祉担当課", j.label())];
        if jiritsu != mental {
            alternate_names.push(jiritsu.to_owned());
        }
        let service = Service {
            alternate_names,
            concerns: vec![Concern::MentalHealth],
            service_kinds: vec![ServiceKind::Administration],
            phones,
            location_ids: locations.iter().map(|l| l.id.clone()).collect(),
            service_area: Some(j.area()),
            quality_notes: notes,
            ..table_service(
                id(ServiceId::try_from, format!("dept-{slug}"))?,
                oid,
                format!("{} {}（精神保健福祉担当）", j.label(), mental),
                ResourceKind::GovernmentDepartment,
                Some(description),
                self.provenance(line),
            )
        };
        if let Some(city) = Self::city_prefix(address) {
            if j.city.is_none() {
                self.department_cities.push((j.prefecture, city));
            }
        }
        self.out.departments += 1;
        self.finish_record(org, service, line);
        Ok(())
    }

    fn centre(&mut self, cells: &[&str], line: u32) -> Result<(), String> {
        let [juris, name, opened, kind, postal, address, phone] = cells else {
            return Err(format!("expected 7 columns, found {}", cells.len()));
        };
        let mut notes = Vec::new();
        let (j, juris_text) = if juris.trim().is_empty() {
            let (j, text) = self
                .last_jurisdiction
                .clone()
                .ok_or("blank jurisdiction on the first row")?;
            self.out.filled_down.push(line);
            (j, text)
        } else {
            (
                self.jurisdiction(juris, address, line, &mut notes)?,
                juris.trim().to_owned(),
            )
        };
        self.last_jurisdiction = Some((j, juris_text));
        let slug = j.slug();
        let seq = match self.centre_seq.iter_mut().find(|(s, _)| *s == slug) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.centre_seq.push((slug.clone(), 1));
                1
            }
        };
        let sid = if seq == 1 {
            format!("mhwc-{slug}")
        } else {
            format!("mhwc-{slug}-{seq}")
        };
        let phones = Self::parse_phones(phone, Some("代表"))?;
        phone_notes(&phones, &mut notes);
        suspect_notes(address, &mut notes);
        let name = squeeze_cjk_spaces(name);
        let opened = match wareki::parse(opened) {
            Ok(w) => Some(w.iso()),
            Err(_) => {
                notes.push(QualityNote {
                    field: "opened".into(),
                    note: format!("開設年月「{}」を読み取れませんでした。", opened.trim()),
                });
                None
            }
        };
        let shared = match kind.trim() {
            "単独" => "単独の施設です。",
            "合同" => "他の機関と合同の施設です。",
            _ => "",
        };
        let location = Location {
            id: id(LocationId::try_from, sid.clone())?,
            kind: LocationKind::Physical,
            postal_code: Some(postal.trim().to_owned()),
            prefecture: Some(j.prefecture),
            address: Some(address.trim().to_owned()),
        };
        let oid = id(OrganizationId::try_from, sid.clone())?;
        let mut provenance = self.provenance(line);
        // What every centre does: 精神保健福祉センター運営要領 (004:20149, 20153).
        provenance.also.push(SourceRef {
            doc: self.doc.to_owned(),
            from: 20149,
            to: 20149,
        });
        let org = Organization {
            id: oid.clone(),
            name: name.clone(),
            description: Some(format!(
                "{}が設置する精神保健福祉センター。{shared}",
                j.label()
            )),
            url: None,
            locations: vec![location.clone()],
            founded: opened.clone(),
            provenance: provenance.clone(),
            quality_notes: vec![],
        };
        let description = format!(
            "{}の精神保健福祉センターです。こころの健康から精神科医療、社会復帰まで、精神保健福祉の相談のうち難しいものに応じ、アルコールや薬物などの依存の相談も受けます。家族会などの活動も支えています。",
            j.label()
        );
        let service = Service {
            alternate_names: vec![
                format!("{}の精神保健福祉センター", j.label()),
                "精神保健福祉センター".into(),
            ],
            concerns: vec![Concern::MentalHealth, Concern::Alcohol, Concern::Drugs],
            service_kinds: vec![ServiceKind::InPersonConsultation],
            phones,
            location_ids: vec![location.id.clone()],
            service_area: Some(j.area()),
            opened,
            quality_notes: notes,
            ..table_service(
                id(ServiceId::try_from, sid)?,
                oid,
                name.clone(),
                ResourceKind::MentalHealthWelfareCenter,
                Some(description),
                provenance,
            )
        };
        self.out.centres += 1;
        self.finish_record(org, service, line);
        Ok(())
    }

    /// Splits `〒108-0023 港区芝浦3-15-14 日精協会館 5232-3308 (building)` into postcode,
    /// address and phone.
    fn split_address_cell(cell: &str) -> Result<(Option<String>, String, PhoneNumber), String> {
        let cell = cell.trim();
        let (postal, rest) = match cell.strip_prefix('〒') {
            Some(r) => {
                let mut it = r.splitn(2, char::is_whitespace);
                (
                    it.next().map(str::to_owned),
                    it.next().unwrap_or("").trim().to_owned(),
                )
            }
            None => (None, cell.to_owned()),
        };
        let tokens: Vec<&str> = rest.split_whitespace().collect();
        let phone_at = tokens
            .iter()
            .rposition(|t| {
                t.contains('-')
                    && t.chars().all(|c| c.is_ascii_digit() || c == '-')
                    && PhoneNumber::parse(t).is_ok()
            })
            .ok_or_else(|| format!("no phone number in {cell:?}"))?;
        let phone = PhoneNumber::parse(tokens[phone_at]).map_err(|e| e.to_string())?;
        let mut address = tokens[..phone_at].join(" ");
        let tail = tokens[phone_at + 1..].join(" ");
        let tail = tail
            .trim()
            .trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）']);
        if !tail.is_empty() {
            address.push(' ');
            address.push_str(tail);
        }
        Ok((postal, address, phone))
    }

    fn related(&mut self, cells: &[&str], line: u32) -> Result<(), String> {
        let [form, name, address_cell, _representative, business, founded] = cells else {
            return Err(format!("expected 6 columns, found {}", cells.len()));
        };
        let mut notes = Vec::new();
        let raw_name = name.trim();
        let name = squeeze_cjk_spaces(raw_name);
        if name != raw_name {
            notes.push(QualityNote {
                field: "name".into(),
                note: format!("印字「{raw_name}」の文字間の空白を除いて「{name}」としました。"),
            });
        }
        let (postal, address, phone) = Self::split_address_cell(address_cell)?;
        suspect_notes(&address, &mut notes);
        let prefecture = Prefecture::from_address(&address);
        if prefecture.is_none() {
            notes.push(QualityNote {
                field: "address".into(),
                note: "所在地に都道府県の記載がありません。".into(),
            });
        }
        let phones = vec![Phone {
            number: phone,
            label: Some("代表".into()),
        }];
        phone_notes(&phones, &mut notes);
        let form_label = match form.trim() {
            "財団" => Some("財団法人"),
            "社団" => Some("社団法人"),
            "社福" => Some("社会福祉法人"),
            "" => {
                notes.push(QualityNote {
                    field: "legal_form".into(),
                    note: "法人の種類が空欄です。".into(),
                });
                None
            }
            _ => None,
        };
        let founded_raw = founded.trim();
        let founded_main = founded_raw.split(['(', '（']).next().unwrap_or("").trim();
        let founded_iso = match wareki::parse(founded_main) {
            Ok(w) => Some(w.iso()),
            Err(_) => {
                notes.push(QualityNote {
                    field: "founded".into(),
                    note: format!("設立年月日「{founded_raw}」を読み取れませんでした。"),
                });
                None
            }
        };
        if founded_main != founded_raw {
            notes.push(QualityNote {
                field: "founded".into(),
                note: format!(
                    "設立年月日に補足「{}」があり、意味は資料からわかりません。",
                    &founded_raw[founded_main.len()..].trim()
                ),
            });
        }
        // Items are numbered "1. … 2. …" in one cell; keep them as a list of activities.
        let activities: Vec<String> = {
            let text = squeeze_cjk_spaces(business);
            let mut items = Vec::new();
            let mut rest = text.as_str();
            for n in 1..10 {
                let marker = format!("{}. ", n + 1);
                let current = rest.trim_start_matches(&format!("{n}. ")).trim();
                match current.find(&marker) {
                    Some(at) => {
                        items.push(current[..at].trim().to_owned());
                        rest = &current[at..];
                    }
                    None => {
                        items.push(current.to_owned());
                        break;
                    }
                }
            }
            items.into_iter().filter(|s| !s.is_empty()).collect()
        };
        let business_text = activities.join(" ");
        // Concern tags from the activities: documented keyword rules, nothing else.
        let mut concerns = Vec::new();
        if business_text.contains("酒") || business_text.contains("アルコール") {
            concerns.push(Concern::Alcohol);
        }
        if business_text.contains("薬物") || business_text.contains("麻薬") {
            concerns.push(Concern::Drugs);
        }
        if concerns.is_empty() {
            concerns.push(Concern::MentalHealth);
        }
        let slug = format!("org-{line}");
        let location = Location {
            id: id(LocationId::try_from, slug.clone())?,
            kind: LocationKind::Physical,
            postal_code: postal,
            prefecture,
            address: Some(address),
        };
        let oid = id(OrganizationId::try_from, slug.clone())?;
        let mut provenance = self.provenance(line);
        provenance.as_of = Some(EDITION_YEAR.to_owned());
        let description = format!(
            "{}全国規模の関係団体です。主な事業: {}。",
            form_label.map(|f| format!("{f}。")).unwrap_or_default(),
            activities.join("、")
        );
        let org = Organization {
            id: oid.clone(),
            name: name.clone(),
            description: Some(description.clone()),
            url: None,
            locations: vec![location.clone()],
            founded: founded_iso,
            provenance: provenance.clone(),
            quality_notes: vec![],
        };
        let service = Service {
            concerns,
            service_kinds: vec![ServiceKind::Advocacy],
            phones,
            location_ids: vec![location.id.clone()],
            service_area: Some(ServiceArea::National),
            quality_notes: notes,
            ..table_service(
                id(ServiceId::try_from, slug)?,
                oid,
                name,
                ResourceKind::RelatedOrganization,
                Some(description),
                provenance,
            )
        };
        self.out.related += 1;
        self.finish_record(org, service, line);
        Ok(())
    }
}

/// A handbook-table service: what every row shares (active, no hours, no e-mail or links,
/// nothing the table does not state); each table sets the rest.
fn table_service(
    id: ServiceId,
    organization_id: OrganizationId,
    name: String,
    kind: ResourceKind,
    description: Option<String>,
    provenance: Provenance,
) -> Service {
    Service {
        id,
        organization_id,
        name,
        alternate_names: vec![],
        kind,
        description,
        eligibility: None,
        concerns: vec![],
        audiences: vec![],
        service_kinds: vec![],
        anonymous: None,
        reservation_required: None,
        status: ServiceStatus::Active,
        phones: vec![],
        emails: vec![],
        links: vec![],
        hours: Hours::default(),
        location_ids: vec![],
        service_area: None,
        languages: vec![],
        cost: None,
        opened: None,
        provenance,
        quality_notes: vec![],
    }
}

/// Parses the three tables from `text` (the whole handbook or just its tables). `doc` is the
/// file name recorded in provenance; line numbers are those of `text`.
pub fn import(doc: &str, text: &str) -> HandbookImport {
    let mut im = Importer {
        doc,
        out: HandbookImport::default(),
        as_of: None,
        department_cities: vec![],
        last_jurisdiction: None,
        centre_seq: vec![],
    };
    let mut table: Option<Table> = None;
    let mut rows_seen = false;
    let mut expected_centres: Option<(u32, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.contains("精神保健福祉担当課一覧") {
            table = Some(Table::Departments);
            im.as_of = as_of_in(trimmed);
            rows_seen = false;
            continue;
        }
        if trimmed.contains("精神保健福祉センター一覧") {
            table = Some(Table::Centres);
            im.as_of = as_of_in(trimmed);
            rows_seen = false;
            continue;
        }
        if trimmed.contains("主な関係団体一覧") {
            table = Some(Table::Related);
            im.as_of = Some(EDITION_YEAR.to_owned());
            rows_seen = false;
            continue;
        }
        let Some(t) = table else { continue };
        if trimmed.is_empty() {
            continue;
        }
        if !raw.contains('\t') {
            if trimmed.contains("現在") && !rows_seen {
                im.as_of = as_of_in(trimmed).or(im.as_of.take());
                continue;
            }
            if rows_seen {
                table = None;
            }
            continue;
        }
        let cells: Vec<&str> = raw.split('\t').collect();
        let first = cells.first().copied().unwrap_or("").trim();
        if is_header(first) {
            continue;
        }
        if first.starts_with("合計") {
            // 合計 62都道府県・指定都市 64施設
            let digits: Vec<usize> = first
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|s| s.parse().ok())
                .collect();
            if let Some(&n) = digits.last() {
                expected_centres = Some((line, n));
            }
            continue;
        }
        rows_seen = true;
        let cells: Vec<&str> = if cells.iter().skip(1).all(|c| c.trim().is_empty()) {
            continue;
        } else {
            cells
        };
        im.row(t, &cells, line);
    }
    if let Some((line, n)) = expected_centres {
        if n != im.out.centres {
            let message = format!(
                "the 合計 row says {n} centres, but {} were imported",
                im.out.centres
            );
            im.error(line, message);
        }
    }
    im.out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "前置き\n\
1 各都道府県・指定都市精神保健福祉担当課一覧 (平成18年4月1日現在)\n\
\n\
都道府県\t精神保健主管部(局) 主管課名\t自立支援関係主管部(局) 主管課名(総合窓口)\t電話番号(代表)\t郵便番号\t所在地\n\
秋田県\t健康福祉部障害福祉課\t健康福祉部障害福祉課\t018(860)1111\t010-8570\t秋田市山王4丁目1番1号\n\
島根県\t健康福祉部障害者福祉課\t健康福祉部障害者福祉課\t0852(22)5111\t690-8501\t松江市殿町1番地\n\
神戸市\t保健福祉局障害福祉部 健康推進部の健康センター\t保健福祉局障害福祉部自立支援課\t078(672)6500 078(331)8181\t652-0897 650-8570\t神戸市兵庫区駅南通5-1-2-300(セナ) 神戸市中央区加納町6丁目5番1号(本庁)\n\
\n\
2 精神保健福祉センター一覧\n\
\n\
(平成18年4月1日現在)\n\
\n\
都道府県指定都市\tセンター名\t開設月\t単独/合同/別\t郵便番号\t所在地\t電話番号\n\
秋田県\t秋田県精神保健福祉センター\t昭54.7\t合同\t019-2413\t大仙市塩和上渡川字五百刈田352番地\t118-892-3773\n\
東京都\t東京都立中部総合精神保健福祉センター\t昭47.10\t単独\t156-0057\t世田谷区上北沢2-1-7\t03-3302-7575\n\
\t東京都立多摩総合精神保健福祉センター\t平4.4\t単独\t206-0036\t多摩市中沢2-1-3\t042-376-1111\n\
鳥根県\t鳥根県立心と体の相談センター\t昭53.10\t合同\t690-0011\t松江市東津田町1471-3\t0852-32-5905\n\
名古屋\t名古屋市精神保健福祉センター\t平12.12\t合同\t453-0024\t名古屋市中村区名東町4丁目7番地の18\t052-483-2095\n\
合計 62都道府県・指定都市 5施設\t\t\t\t\t\t\n\
\n\
3. 主な関係団体一覧\n\
\n\
種類\t名 称\t主たる事務所の所在地 (電話)\t代 表 者\t主たる事業の内容\t設立年月日\n\
財団\t復 光 会\t〒273-8540 千葉県船橋市市場3-3-1 0474-22-3509\t(理事長) 正木 馨\t1. 麻薬中毒者の収容治療施設の設置・運営 2. 薬物及びアルコール中毒者の医療の研究\t昭27. 8. 11\n\
財団\t日本知的障害者福祉協会\t〒105-0013 港区浜松町2-7-19 3438-0466 (秀和第2浜松町ビル6階)\t(会 長) 小坂 孫次\t知的障害に関する調査研究等\t昭42. 8. 8 (9.10)\n\
\n\
我が国の精神保健福祉\n";

    fn service<'a>(im: &'a HandbookImport, id: &str) -> &'a Service {
        im.directory
            .services
            .iter()
            .find(|s| s.id.as_ref() == id)
            .unwrap_or_else(|| panic!("no service {id}"))
    }

    #[test]
    fn the_sample_imports_every_table_and_checks_the_total() {
        let im = import("sample.txt", SAMPLE);
        assert_eq!((im.departments, im.centres, im.related), (3, 5, 2));
        assert!(im.errors.is_empty(), "{:?}", im.errors);
        assert_eq!(im.directory.validate(), Ok(()));
        assert_eq!(
            service(&im, "mhwc-05").provenance.as_of.as_deref(),
            Some("2006-04-01")
        );
        assert_eq!(service(&im, "mhwc-05").provenance.source.from, 14);
    }

    #[test]
    fn a_wrong_total_is_an_error_on_the_total_line() {
        let im = import("sample.txt", &SAMPLE.replace("5施設", "64施設"));
        assert_eq!(im.errors.len(), 1);
        assert_eq!(im.errors[0].line, 19);
    }

    #[test]
    fn phones_are_normalised_and_the_akita_centre_is_flagged() {
        let im = import("sample.txt", SAMPLE);
        assert_eq!(
            service(&im, "dept-05").phones[0].number.as_ref(),
            "018-860-1111"
        );
        let akita = service(&im, "mhwc-05");
        assert!(akita.has_flagged_phone());
        assert!(akita.quality_notes.iter().any(|n| n.field == "phone"));
    }

    #[test]
    fn blank_jurisdictions_are_filled_down() {
        let im = import("sample.txt", SAMPLE);
        assert_eq!(im.filled_down, vec![16]);
        let tama = service(&im, "mhwc-13-2");
        assert_eq!(
            tama.prefecture(
                &im.directory
                    .organizations
                    .iter()
                    .find(|o| o.id == tama.organization_id)
                    .cloned()
                    .unwrap_or_else(|| panic!())
            )
            .map(|p| p.name()),
            Some("東京都")
        );
    }

    #[test]
    fn a_misread_prefecture_is_resolved_by_the_department_city_and_noted() {
        let im = import("sample.txt", SAMPLE);
        let s = service(&im, "mhwc-32");
        assert_eq!(
            s.name, "鳥根県立心と体の相談センター",
            "the name stays as printed"
        );
        assert!(s
            .quality_notes
            .iter()
            .any(|n| n.field == "jurisdiction" && n.note.contains("島根県")));
    }

    #[test]
    fn nagoya_without_shi_is_accepted_and_noted() {
        let im = import("sample.txt", SAMPLE);
        let s = service(&im, "mhwc-nagoya");
        assert!(s
            .quality_notes
            .iter()
            .any(|n| n.note.contains("「市」が欠けています")));
    }

    #[test]
    fn rows_with_two_values_keep_both() {
        let im = import("sample.txt", SAMPLE);
        let kobe = service(&im, "dept-kobe");
        assert_eq!(kobe.phones.len(), 2);
        assert_eq!(kobe.location_ids.len(), 2);
        let org = im
            .directory
            .organizations
            .iter()
            .find(|o| o.id.as_ref() == "dept-kobe")
            .unwrap_or_else(|| panic!());
        assert_eq!(org.locations[1].postal_code.as_deref(), Some("650-8570"));
        assert!(kobe
            .quality_notes
            .iter()
            .any(|n| n.note.contains("健康推進部の健康センター")));
    }

    #[test]
    fn related_organisations_split_the_address_cell_and_keep_building_names() {
        let im = import("sample.txt", SAMPLE);
        let fukko = im
            .directory
            .services
            .iter()
            .find(|s| s.name == "復光会")
            .unwrap_or_else(|| panic!());
        assert_eq!(fukko.phones[0].number.as_ref(), "0474-22-3509");
        assert!(
            fukko.concerns.contains(&Concern::Drugs) && fukko.concerns.contains(&Concern::Alcohol)
        );
        let org = im
            .directory
            .organizations
            .iter()
            .find(|o| o.id == fukko.organization_id)
            .unwrap_or_else(|| panic!());
        assert_eq!(org.founded.as_deref(), Some("1952-08-11"));
        assert_eq!(org.locations[0].postal_code.as_deref(), Some("273-8540"));
        let ido = im
            .directory
            .organizations
            .iter()
            .find(|o| o.name == "日本知的障害者福祉協会")
            .unwrap_or_else(|| panic!());
        assert_eq!(
            ido.locations[0].address.as_deref(),
            Some("港区浜松町2-7-19 秀和第2浜松町ビル6階")
        );
        assert_eq!(
            ido.locations[0].prefecture.map(|p| p.name()),
            Some("東京都")
        );
        let s = im
            .directory
            .services
            .iter()
            .find(|s| s.organization_id == ido.id)
            .unwrap_or_else(|| panic!());
        assert!(
            s.quality_notes.iter().any(|n| n.field == "phone"),
            "a Tokyo number without 03 is flagged"
        );
    }

    #[test]
    fn a_row_with_missing_columns_is_an_error_with_its_line() {
        let broken = SAMPLE.replace("秋田県\t健康福祉部障害福祉課\t健康福祉部障害福祉課\t018(860)1111\t010-8570\t秋田市山王4丁目1番1号", "秋田県\t健康福祉部障害福祉課\t018(860)1111");
        let im = import("sample.txt", &broken);
        assert_eq!(im.errors.len(), 1);
        assert_eq!(im.errors[0].line, 5);
    }

    #[test]
    fn text_without_tables_imports_nothing() {
        let im = import("x.txt", "ただの文章\nです");
        assert_eq!(im.directory.services.len(), 0);
        assert!(im.errors.is_empty());
    }
}
