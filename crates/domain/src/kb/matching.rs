//! The matching form shared by indexing and querying ([`normalize`]): folding, kanji numbers in
//! legal counters made Arabic, OCR spaces dropped, with a map back to the printed text; and
//! article references ([`articles_in`], [`ArticleRef`]).

use crate::common::normalize::fold;
use crate::kb::lines::{is_kanji_digit, kanji_number};
use serde::Serialize;

/// Text in matching form with a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The matching form.
    pub text: String,
    /// For each character of `text`, the index of the original character it came from.
    pub map: Vec<usize>,
}

/// Counters after which a kanji number is a quantity to make Arabic.
pub(crate) const COUNTERS: &[&str] = &[
    "条", "項", "号", "章", "節", "編", "款", "日", "時間", "週", "箇月", "か月", "カ月", "ヶ月",
    "ケ月", "月", "年", "歳", "割", "人", "回",
];

pub(crate) fn char_fold(c: char, kana: bool) -> String {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    if kana {
        fold(s)
    } else {
        crate::common::normalize::fold_width(s)
    }
}

/// The matching form of `text` (see the module documentation).
pub fn normalize(text: &str) -> Normalized {
    normalize_with(text, true)
}

/// [`normalize`] with kana left as written: the form a segmenter reads (hiragana and katakana
/// are among its cues for word boundaries).
pub fn normalize_width(text: &str) -> String {
    normalize_with(text, false).text
}

pub(crate) fn normalize_with(text: &str, kana: bool) -> Normalized {
    // 1. fold each character, keeping where it came from.
    let mut chars: Vec<(char, usize)> = Vec::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() || c == '\u{3000}' {
            if chars.last().is_some_and(|(p, _)| *p != ' ') {
                chars.push((' ', i));
            }
            continue;
        }
        for f in char_fold(c, kana).chars() {
            chars.push((f, i));
        }
    }
    while chars.last().is_some_and(|(c, _)| *c == ' ') {
        chars.pop();
    }
    // 2. drop OCR spaces inside numbers and article references.
    let mut spaced: Vec<(char, usize)> = Vec::with_capacity(chars.len());
    for (k, &(c, i)) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = spaced.last().map(|(p, _)| *p);
            let next = chars.get(k + 1).map(|(n, _)| *n);
            let numeric_left = prev.is_some_and(|p| p.is_ascii_digit() || p == '第' || p == '法');
            let numeric_right = next.is_some_and(|n| n.is_ascii_digit() || "条項号".contains(n));
            if numeric_left
                && numeric_right
                && (prev.is_some_and(|p| p.is_ascii_digit())
                    || next.is_some_and(|n| n.is_ascii_digit()))
            {
                continue;
            }
        }
        spaced.push((c, i));
    }
    // 3. kanji numbers before counters or after 第 / 条の.
    let mut out: Vec<(char, usize)> = Vec::with_capacity(spaced.len());
    let mut k = 0;
    while k < spaced.len() {
        let (c, i) = spaced[k];
        if !is_kanji_digit(c) {
            out.push((c, i));
            k += 1;
            continue;
        }
        let mut end = k;
        while end < spaced.len() && is_kanji_digit(spaced[end].0) {
            end += 1;
        }
        let run: String = spaced[k..end].iter().map(|(c, _)| *c).collect();
        let after: String = spaced[end..spaced.len().min(end + 2)]
            .iter()
            .map(|(c, _)| *c)
            .collect();
        let before = out.last().map(|(c, _)| *c);
        let before2 = out.len().checked_sub(2).map(|j| out[j].0);
        let counted = COUNTERS.iter().any(|u| after.starts_with(u));
        let ordinal =
            before == Some('第') || (matches!(before, Some('ノ' | 'の')) && before2 == Some('条'));
        match kanji_number(&run).filter(|_| counted || ordinal) {
            Some(n) => {
                for d in n.to_string().chars() {
                    out.push((d, i));
                }
            }
            None => out.extend_from_slice(&spaced[k..end]),
        }
        k = end;
    }
    Normalized {
        text: out.iter().map(|(c, _)| *c).collect(),
        map: out.iter().map(|(_, i)| *i).collect(),
    }
}

/// An article reference in matching form: number (`33の4`) and, when named, the law as
/// written before it (`法`, `医療観察法`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ArticleRef {
    /// Canonical number: `33`, `33の4`.
    pub number: String,
    /// Law named before it, in matching form, if any.
    pub law: Option<String>,
}

/// Article references in normalised text (`第33条の4`, `33条`, `法第33条`).
pub fn articles_in(norm: &str) -> Vec<ArticleRef> {
    let chars: Vec<char> = norm.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !chars[k].is_ascii_digit() || (k > 0 && chars[k - 1].is_ascii_digit()) {
            k += 1;
            continue;
        }
        let mut end = k;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        if chars.get(end) != Some(&'条') {
            k = end;
            continue;
        }
        let mut number: String = chars[k..end].iter().collect();
        let mut j = end + 1;
        while chars.get(j) == Some(&'ノ') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            let mut e = j + 1;
            while e < chars.len() && chars[e].is_ascii_digit() {
                e += 1;
            }
            number.push('の');
            number.extend(&chars[j + 1..e]);
            j = e;
        }
        // The law: the word ending in 法 just before (`法`, `医療観察法`, `…に関する法律`).
        let mut start = k;
        if start > 0 && chars[start - 1] == '第' {
            start -= 1;
        }
        let law =
            (start > 0 && (chars[start - 1] == '法' || chars[start - 1] == '律')).then(|| {
                let mut b = start - 1;
                while b > 0 && !is_law_boundary(chars[b - 1]) && start - b < 40 {
                    b -= 1;
                }
                chars[b..start].iter().collect::<String>()
            });
        out.push(ArticleRef { number, law });
        k = j;
    }
    out
}

pub(crate) fn is_law_boundary(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_digit() || "、。,(（)）「」・ ビハニヲガデトモ".contains(c)
}
