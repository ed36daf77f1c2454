//! The 47 prefectures with their JIS X 0401 codes.
//!
//! The code is the two-digit string (`"01"` 北海道 … `"47"` 沖縄県). Parsing accepts the full
//! name (`東京都`), the short name (`東京`), the code, and the 20 designated cities' names for the
//! prefecture that contains them, because the handbook tables list 指定都市 as jurisdictions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the 47 prefectures (都道府県).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Prefecture(u8);

/// (JIS code, full name, short name); the index is code - 1.
const PREFECTURES: [(&str, &str); 47] = [
    ("北海道", "北海道"),
    ("青森県", "青森"),
    ("岩手県", "岩手"),
    ("宮城県", "宮城"),
    ("秋田県", "秋田"),
    ("山形県", "山形"),
    ("福島県", "福島"),
    ("茨城県", "茨城"),
    ("栃木県", "栃木"),
    ("群馬県", "群馬"),
    ("埼玉県", "埼玉"),
    ("千葉県", "千葉"),
    ("東京都", "東京"),
    ("神奈川県", "神奈川"),
    ("新潟県", "新潟"),
    ("富山県", "富山"),
    ("石川県", "石川"),
    ("福井県", "福井"),
    ("山梨県", "山梨"),
    ("長野県", "長野"),
    ("岐阜県", "岐阜"),
    ("静岡県", "静岡"),
    ("愛知県", "愛知"),
    ("三重県", "三重"),
    ("滋賀県", "滋賀"),
    ("京都府", "京都"),
    ("大阪府", "大阪"),
    ("兵庫県", "兵庫"),
    ("奈良県", "奈良"),
    ("和歌山県", "和歌山"),
    ("鳥取県", "鳥取"),
    ("島根県", "島根"),
    ("岡山県", "岡山"),
    ("広島県", "広島"),
    ("山口県", "山口"),
    ("徳島県", "徳島"),
    ("香川県", "香川"),
    ("愛媛県", "愛媛"),
    ("高知県", "高知"),
    ("福岡県", "福岡"),
    ("佐賀県", "佐賀"),
    ("長崎県", "長崎"),
    ("熊本県", "熊本"),
    ("大分県", "大分"),
    ("宮崎県", "宮崎"),
    ("鹿児島県", "鹿児島"),
    ("沖縄県", "沖縄"),
];

/// 指定都市 (designated cities), their prefecture's JIS code and a stable ASCII slug.
const DESIGNATED_CITIES: [(&str, u8, &str); 20] = [
    ("札幌市", 1, "sapporo"),
    ("仙台市", 4, "sendai"),
    ("さいたま市", 11, "saitama"),
    ("千葉市", 12, "chiba"),
    ("横浜市", 14, "yokohama"),
    ("川崎市", 14, "kawasaki"),
    ("相模原市", 14, "sagamihara"),
    ("新潟市", 15, "niigata"),
    ("静岡市", 22, "shizuoka"),
    ("浜松市", 22, "hamamatsu"),
    ("名古屋市", 23, "nagoya"),
    ("京都市", 26, "kyoto"),
    ("大阪市", 27, "osaka"),
    ("堺市", 27, "sakai"),
    ("神戸市", 28, "kobe"),
    ("岡山市", 33, "okayama"),
    ("広島市", 34, "hiroshima"),
    ("北九州市", 40, "kitakyushu"),
    ("福岡市", 40, "fukuoka"),
    ("熊本市", 43, "kumamoto"),
];

/// A 指定都市 (designated city).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DesignatedCity {
    /// Name with 市 (`名古屋市`).
    pub name: &'static str,
    /// Its prefecture.
    pub prefecture: Prefecture,
    /// ASCII slug for ids (`nagoya`).
    pub slug: &'static str,
}

impl DesignatedCity {
    /// All twenty 指定都市.
    pub fn all() -> impl Iterator<Item = DesignatedCity> {
        DESIGNATED_CITIES
            .iter()
            .map(|&(name, code, slug)| DesignatedCity {
                name,
                prefecture: Prefecture(code),
                slug,
            })
    }

    /// Finds a designated city by name, with or without the trailing 市.
    pub fn find(name: &str) -> Option<DesignatedCity> {
        let name = name.trim();
        DESIGNATED_CITIES
            .iter()
            .find(|(city, _, _)| *city == name || city.strip_suffix('市') == Some(name))
            .map(|&(name, code, slug)| DesignatedCity {
                name,
                prefecture: Prefecture(code),
                slug,
            })
    }
}

/// Tokyo's 23 special wards: addresses in national tables often start with the ward and omit
/// 東京都.
const TOKYO_WARDS: [&str; 23] = [
    "千代田区",
    "中央区",
    "港区",
    "新宿区",
    "文京区",
    "台東区",
    "墨田区",
    "江東区",
    "品川区",
    "目黒区",
    "大田区",
    "世田谷区",
    "渋谷区",
    "中野区",
    "杉並区",
    "豊島区",
    "北区",
    "荒川区",
    "板橋区",
    "練馬区",
    "足立区",
    "葛飾区",
    "江戸川区",
];

/// Why a prefecture could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown prefecture {0:?}")]
pub struct UnknownPrefecture(pub String);

impl Prefecture {
    /// Every prefecture in JIS order.
    pub fn all() -> impl Iterator<Item = Prefecture> {
        (1..=47).map(Prefecture)
    }

    /// From a JIS X 0401 number (1-47).
    pub fn from_jis(code: u8) -> Option<Prefecture> {
        (1..=47).contains(&code).then_some(Prefecture(code))
    }

    /// The two-digit JIS X 0401 code.
    pub fn code(self) -> String {
        format!("{:02}", self.0)
    }

    /// The full Japanese name, such as `東京都`.
    pub fn name(self) -> &'static str {
        PREFECTURES[usize::from(self.0 - 1)].0
    }

    /// The short name without 都/道/府/県, such as `東京`.
    pub fn short_name(self) -> &'static str {
        PREFECTURES[usize::from(self.0 - 1)].1
    }

    /// Parses a code (`13`), full name (`東京都`), short name (`東京`) or designated city
    /// (`名古屋市`, also the truncated `名古屋` found in the handbook table).
    pub fn parse(s: &str) -> Result<Prefecture, UnknownPrefecture> {
        let t = s.trim();
        if let Ok(n) = t.parse::<u8>() {
            return Prefecture::from_jis(n).ok_or_else(|| UnknownPrefecture(s.to_owned()));
        }
        for p in Prefecture::all() {
            if t == p.name() || t == p.short_name() {
                return Ok(p);
            }
        }
        Prefecture::of_designated_city(t).ok_or_else(|| UnknownPrefecture(s.to_owned()))
    }

    /// Every spelling [`Prefecture::parse`] accepts, without surrounding spaces: the code with
    /// and without its leading zero (`1`, `01`), the full and short names, and the designated
    /// cities with and without 市. The API description lists them, so it cannot drift from
    /// what the server accepts.
    pub fn spellings() -> Vec<String> {
        let mut out = Vec::new();
        for p in Prefecture::all() {
            out.push(p.0.to_string());
            out.push(format!("{:02}", p.0));
            out.push(p.name().to_owned());
            out.push(p.short_name().to_owned());
        }
        for c in DesignatedCity::all() {
            out.push(c.name.to_owned());
            out.extend(c.name.strip_suffix('市').map(str::to_owned));
        }
        out.sort();
        out.dedup();
        out
    }

    /// The prefecture of a 指定都市 given by name, with or without the trailing 市.
    pub fn of_designated_city(name: &str) -> Option<Prefecture> {
        DesignatedCity::find(name).map(|c| c.prefecture)
    }

    /// The prefecture an address starts with: a prefecture name, a designated city
    /// (`札幌市中央区…` → 北海道) or one of Tokyo's 23 wards (`港区芝浦…` → 東京都).
    pub fn from_address(address: &str) -> Option<Prefecture> {
        let a = address.trim().trim_start_matches('〒');
        if let Some(p) = Prefecture::all().find(|p| a.starts_with(p.name())) {
            return Some(p);
        }
        if let Some(&(_, c, _)) = DESIGNATED_CITIES
            .iter()
            .find(|(city, _, _)| a.starts_with(city))
        {
            return Some(Prefecture(c));
        }
        TOKYO_WARDS
            .iter()
            .any(|w| a.starts_with(w))
            .then_some(Prefecture(13))
    }
}

impl TryFrom<String> for Prefecture {
    type Error = UnknownPrefecture;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Prefecture::parse(&s)
    }
}

impl From<Prefecture> for String {
    fn from(p: Prefecture) -> String {
        p.code()
    }
}

impl fmt::Display for Prefecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod spelling_tests {
    use super::*;

    #[test]
    fn every_listed_spelling_parses_and_near_misses_do_not() {
        let all = Prefecture::spellings();
        assert!(all.len() > 47 * 3, "{}", all.len());
        for s in &all {
            assert!(Prefecture::parse(s).is_ok(), "{s}");
        }
        for s in ["0", "48", "100", "東京府", "大阪都", ""] {
            assert!(Prefecture::parse(s).is_err(), "{s}");
            assert!(!all.iter().any(|a| a == s), "{s}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jis_codes_follow_the_standard_order() {
        assert_eq!(Prefecture::parse("01").map(|p| p.name()), Ok("北海道"));
        assert_eq!(
            Prefecture::parse("東京都").map(|p| p.code()),
            Ok("13".to_owned())
        );
        assert_eq!(
            Prefecture::parse("沖縄").map(|p| p.code()),
            Ok("47".to_owned())
        );
        assert_eq!(Prefecture::all().count(), 47);
    }

    #[test]
    fn designated_cities_map_to_their_prefecture_even_without_shi() {
        assert_eq!(Prefecture::parse("名古屋").map(|p| p.name()), Ok("愛知県"));
        assert_eq!(
            Prefecture::parse("北九州市").map(|p| p.name()),
            Ok("福岡県")
        );
    }

    #[test]
    fn addresses_are_recognised_by_prefecture_or_designated_city() {
        assert_eq!(
            Prefecture::from_address("札幌市中央区北3条西6丁目").map(|p| p.name()),
            Some("北海道")
        );
        assert_eq!(
            Prefecture::from_address("千葉県船橋市市場3-3-1").map(|p| p.name()),
            Some("千葉県")
        );
        assert_eq!(
            Prefecture::from_address("港区芝浦3-15-14").map(|p| p.name()),
            Some("東京都")
        );
        assert_eq!(Prefecture::from_address("小平市小川東町4-1-1"), None);
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(Prefecture::parse("鳥根県").is_err());
        assert!(Prefecture::parse("48").is_err());
        assert!(Prefecture::parse("0").is_err());
    }
}
