//! Text normalisation shared by indexing and querying.
//!
//! NFKC folds full-width ASCII and half-width kana (`ＤＡＲＣ` → `DARC`, `ﾀﾞﾙｸ` → `ダルク`);
//! lower-casing folds Latin case; hiragana is folded to katakana so that `だるく` finds
//! `ダルク`. Applying the same function on both sides is what makes matching kana-insensitive.

use unicode_normalization::UnicodeNormalization;

/// Normalises text for matching: NFKC, lower case, hiragana → katakana, whitespace runs → one
/// space, trimmed.
pub fn fold(text: &str) -> String {
    to_katakana(&fold_width(text))
}

/// NFKC, lower case, whitespace runs → one space, trimmed; kana left as written. A segmenter
/// needs this form: hiragana vs katakana is one of its cues for word boundaries.
pub fn fold_width(text: &str) -> String {
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
        out.extend(c.to_lowercase());
    }
    out
}

/// Hiragana → katakana, everything else unchanged.
pub fn to_katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c,
        })
        .collect()
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
