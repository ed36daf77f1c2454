//! Japanese phone numbers as printed in the seed documents.
//!
//! The handbook prints `011(231)4111`; the casebook `☎03-3300-5329`; the related-organisation
//! table drops the Tokyo area code (`5232-3308`). A [`PhoneNumber`] keeps the number in the
//! hyphenated form `011-231-4111` and never guesses a missing area code: the importer records a
//! data-quality note instead. Numbers that cannot be valid Japanese numbers (a domestic number
//! must start with 0) are kept as printed and reported by [`PhoneNumber::suspicion`], because
//! dropping or "fixing" them would hide an OCR error from the people who must check it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A phone number in hyphenated form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a phone number: {0:?}")]
pub struct InvalidPhone(pub String);

impl PhoneNumber {
    /// Parses `011(231)4111`, `011-231-4111`, `０３−３３００−５３２９`, `☎03-3875-8808`.
    /// Parenthesised area codes become hyphens; full-width digits become ASCII.
    pub fn parse(raw: &str) -> Result<PhoneNumber, InvalidPhone> {
        let mut out = String::new();
        for c in raw.trim().trim_start_matches(['☎', '℡']).trim().chars() {
            let c = match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '－' | '−' | 'ー' | '‐' | '(' | ')' | '（' | '）' => '-',
                other => other,
            };
            match c {
                '0'..='9' => out.push(c),
                '-' if !out.is_empty() && !out.ends_with('-') => out.push('-'),
                '-' | ' ' => {}
                _ => return Err(InvalidPhone(raw.to_owned())),
            }
        }
        let out = out.trim_end_matches('-').to_owned();
        let digits = out.chars().filter(char::is_ascii_digit).count();
        if !(8..=11).contains(&digits) {
            return Err(InvalidPhone(raw.to_owned()));
        }
        Ok(PhoneNumber(out))
    }

    /// The number as digits only, for `tel:` links.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }

    /// Why this number looks wrong, if it does. Domestic numbers start with 0 and have 10
    /// digits (11 for mobile, 0120/0570 numbers are 10). Anything else is suspect.
    pub fn suspicion(&self) -> Option<&'static str> {
        let d = self.digits();
        if !d.starts_with('0') && d.len() <= 8 {
            Some("市外局番が書かれていません（資料が省略しています）。かける前に番号を確認してください")
        } else if !d.starts_with('0') {
            Some("市外局番が0で始まっていません（資料の誤り、OCRの誤りの可能性があります）")
        } else if d.len() != 10
            && !(d.len() == 11
                && (d.starts_with("070") || d.starts_with("080") || d.starts_with("090")))
        {
            Some("桁数が国内の電話番号と合いません（市外局番の欠落の可能性があります）")
        } else {
            None
        }
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = InvalidPhone;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&s)
    }
}
impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}
impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handbook_parenthesised_area_codes_become_hyphens() {
        let p = PhoneNumber::parse("011(231)4111").map(String::from);
        assert_eq!(p.as_deref(), Ok("011-231-4111"));
        let p = PhoneNumber::parse("0776(21)1111").map(String::from);
        assert_eq!(p.as_deref(), Ok("0776-21-1111"));
    }

    #[test]
    fn casebook_numbers_with_the_phone_sign_parse() {
        let p = PhoneNumber::parse("☎03-3875-8808").map(String::from);
        assert_eq!(p.as_deref(), Ok("03-3875-8808"));
        let p = PhoneNumber::parse("０１２０−１１１−３５１").map(String::from);
        assert_eq!(p.as_deref(), Ok("0120-111-351"));
    }

    #[test]
    fn the_akita_centre_number_is_suspect_but_kept() {
        let p = PhoneNumber::parse("118-892-3773");
        assert_eq!(p.as_ref().map(|p| p.as_ref()), Ok("118-892-3773"));
        assert!(p.map(|p| p.suspicion().is_some()).unwrap_or(false));
    }

    #[test]
    fn tokyo_numbers_without_area_code_are_suspect() {
        let p = PhoneNumber::parse("5232-3308");
        assert!(p.map(|p| p.suspicion().is_some()).unwrap_or(false));
        let ok = PhoneNumber::parse("03-3300-5329");
        assert_eq!(ok.map(|p| p.suspicion()), Ok(None));
    }

    #[test]
    fn text_and_short_strings_are_rejected() {
        for bad in ["", "abc", "110", "03-33OO-5329", "1234567"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
    }
}
