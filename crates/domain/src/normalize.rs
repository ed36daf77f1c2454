//! Text normalisation shared by indexing and querying.
//!
//! NFKC folds full-width ASCII and half-width kana (`ＤＡＲＣ` → `DARC`, `ﾀﾞﾙｸ` → `ダルク`);
//! lower-casing folds Latin case; hiragana is folded to katakana so that `だるく` finds
//! `ダルク`. Applying the same function on both sides is what makes matching kana-insensitive.

use unicode_normalization::UnicodeNormalization;

/// Normalises text for matching: NFKC, lower case, hiragana → katakana, whitespace runs → one
/// space, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkc() {
        if c.is_whitespace() || c == '\u{3000}' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        let c = match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_case_and_kana_are_folded() {
        assert_eq!(fold("ＤＡＲＣ"), "darc");
        assert_eq!(fold("ﾀﾞﾙｸ"), "ダルク");
        assert_eq!(fold("だるく"), "ダルク");
        assert_eq!(fold("  東京　ダルク \n"), "東京 ダルク");
    }
}
