//! Text from the database printed to a terminal: stored text can come from the public (a
//! problem report), so control characters are shown as escapes (`\u{1b}`) instead of being
//! sent to the maintainer's terminal, where an escape sequence could rewrite the screen, hide a
//! line or set the window title.

/// `text` with every control character (and the Unicode line and paragraph separators) written
/// as an escape; everything else, Japanese included, is kept as it is.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped_and_japanese_is_kept() {
        assert_eq!(
            printable("電話が\x1b[2Jつながらない"),
            "電話が\\u{1b}[2Jつながらない"
        );
        assert_eq!(
            printable("一行目\r\n偽の行\x07"),
            "一行目\\u{d}\\u{a}偽の行\\u{7}"
        );
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(printable("ふつうの文 (ok)"), "ふつうの文 (ok)");
    }
}
