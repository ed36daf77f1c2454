//! Line classification: what each line of a document is (a heading of which level, a law
//! article, a table row, page residue, a vertical label).

/// Heading levels: smaller is higher.
pub(crate) mod level {
    pub const VOLUME: u8 = 2;
    pub const ROMAN: u8 = 3;
    pub const LAW: u8 = 5;
    pub const PART: u8 = 8;
    pub const CHAPTER: u8 = 10;
    pub const SECTION: u8 = 20;
    pub const SUBSECTION: u8 = 25;
    pub const NUMBER: u8 = 30;
    pub const DOTTED: u8 = 33;
    pub const ARTICLE: u8 = 36;
    pub const PAREN_NUMBER: u8 = 40;
    pub const KANA: u8 = 50;
    pub const PAREN_KANA: u8 = 60;
    pub const ROMAN_SUB: u8 = 45;
    pub const LABEL: u8 = 70;
}

pub(crate) const KANJI_DIGITS: &str = "〇一二三四五六七八九十百千";
pub(crate) const IROHA: &str =
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";

pub(crate) fn is_kanji_digit(c: char) -> bool {
    KANJI_DIGITS.contains(c)
}

/// Value of a kanji numeral (`三十三` → 33, `百二` → 102, `二〇` → 20).
pub fn kanji_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let digit = |c: char| "〇一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    // Positional form (二〇〇六).
    if !s.contains(['十', '百', '千']) {
        return s
            .chars()
            .try_fold(0u32, |acc, c| Some(acc.checked_mul(10)? + digit(c)?));
    }
    let (mut total, mut current) = (0u32, 0u32);
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            c => {
                current = digit(c)?;
                continue;
            }
        };
        // Checked: a run of thousands of numerals in a damaged document must not overflow.
        total = total.checked_add(current.max(1) * unit)?;
        current = 0;
    }
    total.checked_add(current)
}

/// A heading or an article recognised on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    pub(crate) title: String,
    pub(crate) article: Option<String>,
    /// A Roman-numbered heading's value (its level is decided in context).
    pub(crate) roman: Option<u32>,
}

pub(crate) fn roman_value(s: &str) -> Option<u32> {
    let v = match s {
        "I" => 1,
        "II" => 2,
        "III" => 3,
        "IV" => 4,
        "V" => 5,
        "VI" => 6,
        "VII" => 7,
        "VIII" => 8,
        "IX" => 9,
        "X" => 10,
        _ => return None,
    };
    Some(v)
}

/// The line with full-width forms folded and spaces squeezed, kana as written.
pub(crate) fn squeeze(line: &str) -> String {
    crate::common::normalize::fold_width(line)
}

/// Number at the start: Arabic or kanji digits; returns (value text, rest).
pub(crate) fn leading_number(s: &str) -> Option<(String, &str)> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || is_kanji_digit(*c)))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let raw = &s[..end];
    let value = if raw.chars().all(|c| c.is_ascii_digit()) {
        raw.parse::<u32>().ok()?
    } else {
        kanji_number(raw)?
    };
    Some((value.to_string(), &s[end..]))
}

/// `第33条の4` at the start (after squeezing): the canonical number and the rest.
pub(crate) fn leading_article(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('第')?;
    let (n, rest) = leading_number(rest)?;
    let mut rest = rest.strip_prefix('条')?;
    let mut number = n;
    while let Some(after) = rest.strip_prefix('の') {
        match leading_number(after) {
            Some((m, r)) => {
                number.push('の');
                number.push_str(&m);
                rest = r;
            }
            None => break,
        }
    }
    Some((number, rest))
}

pub(crate) fn classify_heading(raw: &str, in_markdown: bool) -> Option<Heading> {
    let line = raw.trim();
    if line.is_empty() || line.contains('\t') {
        return None;
    }
    // Markdown headings.
    if let Some(stripped) = line.strip_prefix('#') {
        let hashes = 1 + stripped.chars().take_while(|&c| c == '#').count();
        let title = stripped.trim_start_matches('#');
        if hashes <= 6 && title.starts_with([' ', '\u{3000}']) && !title.trim().is_empty() {
            return Some(Heading {
                level: level::CHAPTER + 10 * (hashes as u8 - 1),
                title: title.trim().to_owned(),
                article: None,
                roman: None,
            });
        }
    }
    let s = squeeze(line);
    let short = s.chars().count() <= 60 && !s.ends_with('。');
    let title = || line.to_owned();
    // Law articles start a passage whatever their length.
    if let Some((number, rest)) = leading_article(&s) {
        if rest.is_empty() || rest.starts_with([' ', '(', '（']) {
            return Some(Heading {
                level: level::ARTICLE,
                title: format!("第{number}条"),
                article: Some(number),
                roman: None,
            });
        }
    }
    if !short {
        return None;
    }
    if line.starts_with('○') && is_law_title(line.trim_start_matches('○').trim()) {
        return Some(Heading {
            level: level::LAW,
            title: line.trim_start_matches('○').trim().to_owned(),
            article: None,
            roman: None,
        });
    }
    if s.replace(' ', "") == "資料編" {
        return Some(Heading {
            level: level::VOLUME,
            title: "資料編".into(),
            article: None,
            roman: None,
        });
    }
    if let Some((numeral, rest)) = s.split_once(' ') {
        if let Some(v) =
            roman_value(&numeral.to_ascii_uppercase()).filter(|_| !rest.trim().is_empty())
        {
            return Some(Heading {
                level: level::ROMAN_SUB,
                title: title(),
                article: None,
                roman: Some(v),
            });
        }
    }
    if s.starts_with("附則") || s.starts_with("附 則") {
        return Some(Heading {
            level: level::SECTION,
            title: "附則".into(),
            article: None,
            roman: None,
        });
    }
    if let Some(rest) = s.strip_prefix('第') {
        if let Some((_, rest)) = leading_number(rest) {
            let lvl = match rest.chars().next() {
                Some('編') => Some(level::PART),
                Some('章') => Some(level::CHAPTER),
                Some('節') => Some(level::SECTION),
                Some('款') => Some(level::SUBSECTION),
                _ => None,
            };
            if let Some(level) = lvl {
                return Some(Heading {
                    level,
                    title: title(),
                    article: None,
                    roman: None,
                });
            }
        }
    }
    if in_markdown {
        // Markdown documents mark their headings; numbered lines there are list items.
        return None;
    }
    // 1. / 1．/ 2 . 見出し ; 2.1 見出し
    if let Some((_, rest)) = leading_number(&s).filter(|(n, _)| n.len() <= 2) {
        let rest_t = rest.trim_start();
        if let Some(after) = rest_t.strip_prefix('.') {
            if let Some((_, after2)) = leading_number(after) {
                if after2.starts_with(' ') && !after2.trim().is_empty() {
                    return Some(Heading {
                        level: level::DOTTED,
                        title: title(),
                        article: None,
                        roman: None,
                    });
                }
            } else if !after.trim().is_empty()
                && !after.trim_start().starts_with(|c: char| c.is_ascii_digit())
            {
                return Some(Heading {
                    level: level::NUMBER,
                    title: title(),
                    article: None,
                    roman: None,
                });
            }
        }
    }
    // (1) 見出し / （１）
    if let Some(rest) = s.strip_prefix('(') {
        let rest = rest.trim_start();
        if let Some((_, after)) = leading_number(rest).filter(|(n, _)| n.len() <= 2) {
            if let Some(title_part) = after.trim_start().strip_prefix(')') {
                if !title_part.trim().is_empty() {
                    return Some(Heading {
                        level: level::PAREN_NUMBER,
                        title: title(),
                        article: None,
                        roman: None,
                    });
                }
            }
        }
        // (ア) 見出し
        let mut chars = rest.chars();
        if let (Some(k), Some(')')) = (chars.next(), chars.next()) {
            if IROHA.contains(k) && !chars.as_str().trim().is_empty() {
                return Some(Heading {
                    level: level::PAREN_KANA,
                    title: title(),
                    article: None,
                    roman: None,
                });
            }
        }
        // (概要) — a bracketed label alone on its line.
        if let Some(label) = rest.strip_suffix(')') {
            let n = label.chars().count();
            if (2..=12).contains(&n) && !label.contains(['(', ')', '、']) {
                return Some(Heading {
                    level: level::LABEL,
                    title: title(),
                    article: None,
                    roman: None,
                });
            }
        }
    }
    // ア 見出し
    let mut chars = s.chars();
    if let (Some(k), Some(' ')) = (chars.next(), chars.next()) {
        if IROHA.contains(k) && !chars.as_str().trim().is_empty() && s.chars().count() <= 40 {
            return Some(Heading {
                level: level::KANA,
                title: title(),
                article: None,
                roman: None,
            });
        }
    }
    None
}

/// Whether a `○` line names a law or a regulation (the appendix prints each one under such a
/// title); other `○` lines are bullets.
pub(crate) fn is_law_title(title: &str) -> bool {
    let t = title.trim_end_matches([')', '）']);
    let t = t.split(['(', '（']).next().unwrap_or(t).trim();
    ["法", "法律", "令", "規則", "基準", "省令", "政令"]
        .iter()
        .any(|end| t.ends_with(end))
}

/// A table-of-contents entry: a line ending in a page number after a tab or leader dots.
pub(crate) fn is_toc_entry(line: &str) -> bool {
    let t = line.trim_end();
    let Some(last) = t.rsplit(['\t', '…', '.', ' ']).next() else {
        return false;
    };
    let body = &t[..t.len() - last.len()];
    !last.is_empty()
        && last.len() <= 4
        && last.chars().all(|c| c.is_ascii_digit())
        && body.ends_with(['\t', '…'])
        && body.trim_end_matches(['\t', '…', '.', ' ']).chars().count() >= 2
}

/// A lone page number (`12`, `- 12 -`) or a row whose only non-empty cell is a number.
pub(crate) fn is_page_residue(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    if line.contains('\t') {
        let cells: Vec<&str> = line
            .split('\t')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        return cells.len() <= 1 && cells.iter().all(|c| c.chars().all(|c| c.is_ascii_digit()));
    }
    let core = t.trim_matches(|c: char| c == '-' || c == '－' || c == '—' || c.is_whitespace());
    !core.is_empty()
        && core.len() <= 4
        && core.chars().all(|c| c.is_ascii_digit())
        && core.len() == t.len().min(core.len())
        && t.chars().count() <= 8
}

pub(crate) fn is_table_row(line: &str) -> bool {
    line.contains('\t') && line.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2
}

pub(crate) fn is_caption(line: &str) -> bool {
    let s = squeeze(line);
    (s.starts_with('表') || s.starts_with("資料"))
        && s.chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_digit() || c == ' ' || is_kanji_digit(c))
        && s.chars().count() <= 80
}

/// Removes HTML tags (`<br>`, `<p …>`, `</td>`); returns the text and how many were removed.
pub(crate) fn strip_tags(line: &str) -> (String, u32) {
    if !line.contains('<') {
        return (line.to_owned(), 0);
    }
    let mut out = String::with_capacity(line.len());
    let mut count = 0;
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let starts_tag = tail
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (starts_tag, tail.find('>')) {
            (true, Some(j)) if tail[..j].is_ascii() || tail[..j].contains('=') => {
                count += 1;
                rest = &tail[j + 1..];
            }
            _ => {
                out.push('<');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    (out, count)
}
