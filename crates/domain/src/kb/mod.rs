//! Knowledge base: guideline documents split into passages that follow their own structure.
//!
//! # Brief overview
//! [`parse_document`] turns the bytes of one plain-text or Markdown document (the seeds are
//! text converted from PDF) into [`Passage`]s. It never reads a file: the caller passes the
//! bytes and the document's name. It refuses what is not a text document ([`DocError`]) and
//! otherwise always succeeds, listing what it could not follow as [`Problem`]s and what it
//! cleaned up as [`Cleanup`] counts.
//!
//! Structure is read from the lines themselves, highest level first:
//! law titles (`○…法律`), 第N編/章/節/款, Markdown `#` headings, `1.`, `1.1`, `(1)`, `ア`,
//! `(ア)`, law articles (`第33条の4 …`, which start a passage of their own) and bracketed labels
//! (`(概要)`). Every passage keeps the heading path above it and the line range it came from.
//! Tables (tab-separated lines) stay tables: one passage of rows, with the caption line
//! (`表3 …`) and the header row repeated when a long table is cut. A table of contents
//! (`目次` up to the first heading that repeats its first entry) is kept as one passage of kind
//! `toc`, which search does not rank. Page residue (lone page numbers, rows of empty cells),
//! vertical labels printed one character per line (`就` / `労` → `就労`), YAML front matter
//! and HTML tags are cleaned and counted.
//!
//! [`normalize`] is the matching form shared by indexing and querying: [`fold`] plus
//! kanji numbers in legal counters made Arabic (`第三十三条` → `第33条`, `十日以内` →
//! `10日以内`) and OCR spaces inside numbers dropped (`法 8 2 条` → `法82条`); it keeps a map
//! back to the original characters so that highlights land on the text as printed.
//! [`articles_in`] finds article references; [`ArticleRef`] is their canonical form.

pub mod citations;

use crate::common::normalize::fold;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest document accepted, in bytes. The largest guideline here (seed 004) is 2 MB.
pub const MAX_DOC_BYTES: usize = 16 * 1024 * 1024;

/// A text passage is cut at a paragraph boundary once it reaches this many characters.
const TARGET_CHARS: usize = 500;
/// An article is cut only past this many characters (articles are answers as a whole).
const ARTICLE_CHARS: usize = 1600;
/// Rows of a table per passage (the header row is repeated in each).
const TABLE_ROWS: usize = 25;
/// A table of contents that has not ended after this many lines is reported and closed.
const TOC_MAX_LINES: usize = 600;

/// Why a file cannot be ingested at all. Nothing of it is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// Nothing in the file.
    #[error("{name}: the file is empty")]
    Empty {
        /// Document name.
        name: String,
    },
    /// Over [`MAX_DOC_BYTES`].
    #[error("{name}: {size} bytes is over the limit of {max} bytes for one document")]
    TooLarge {
        /// Document name.
        name: String,
        /// Its size.
        size: u64,
        /// The limit.
        max: usize,
    },
    /// A NUL byte: an image, a PDF or another binary file.
    #[error("{name}: this is a binary file (a NUL byte at byte {at}); only plain text and Markdown can be ingested (convert PDFs to text first)")]
    Binary {
        /// Document name.
        name: String,
        /// Offset of the first NUL.
        at: usize,
    },
    /// Not UTF-8.
    #[error("{name}: the text is not valid UTF-8 (at byte {at}); save it as UTF-8 first")]
    NotUtf8 {
        /// Document name.
        name: String,
        /// Offset of the first invalid byte.
        at: usize,
    },
    /// Only blank lines and residue.
    #[error("{name}: the file holds no text to index")]
    NoText {
        /// Document name.
        name: String,
    },
    /// The name cannot serve in a citation (`name:line`).
    #[error("{name:?}: a document name must be a file name without '/', ':' or control characters, at most 200 characters")]
    BadName {
        /// Document name.
        name: String,
    },
}

/// What a passage holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    /// Prose and list items.
    Text,
    /// A law article (`第33条 …`) with its paragraphs.
    Article,
    /// Table rows, tab-separated.
    Table,
    /// A table of contents (kept for context, not ranked).
    Toc,
}

impl PassageKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            PassageKind::Text => "text",
            PassageKind::Article => "article",
            PassageKind::Table => "table",
            PassageKind::Toc => "toc",
        }
    }
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            PassageKind::Text => "本文",
            PassageKind::Article => "条文",
            PassageKind::Table => "表",
            PassageKind::Toc => "目次",
        }
    }
}

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Position in the document, from 0.
    pub seq: u32,
    /// First line (1-based) in the file.
    pub from: u32,
    /// Last line.
    pub to: u32,
    /// Heading path, outermost first.
    pub heading: Vec<String>,
    /// What it holds.
    pub kind: PassageKind,
    /// For an article, its number (`33の4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// For an article, the law it belongs to (the nearest `○` title above), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
    /// Whether the article is in a 附則 (supplementary provisions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub supplementary: bool,
    /// The text: lines joined with `\n`, tables with `\t` between cells.
    pub text: String,
}

/// A place the parser could not follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Line (1-based).
    pub line: u32,
    /// What is wrong, in English for logs and the CLI.
    pub message: String,
}

/// Counts of what was cleaned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cleanup {
    /// Lone page numbers and rows of empty cells dropped.
    pub page_residue: u32,
    /// Runs of one-character lines joined into words.
    pub vertical_labels: u32,
    /// HTML tags removed.
    pub html_tags: u32,
    /// Lines of YAML front matter skipped.
    pub front_matter: u32,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedDocument {
    /// Name (the file name; citations are `name:line`).
    pub name: String,
    /// Title, from front matter or the first heading or line.
    pub title: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Number of lines.
    pub lines: u32,
    /// Passages in order.
    pub passages: Vec<Passage>,
    /// What could not be followed.
    pub problems: Vec<Problem>,
    /// What was cleaned.
    pub cleanup: Cleanup,
}

/// Checks a document name: a file name usable in `name:line` citations.
pub fn check_name(name: &str) -> Result<(), DocError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 200
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
        && name != "."
        && name != "..";
    if ok {
        Ok(())
    } else {
        Err(DocError::BadName { name: name.into() })
    }
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads a document. See the module documentation.
pub fn parse_document(name: &str, bytes: &[u8]) -> Result<ParsedDocument, DocError> {
    check_name(name)?;
    let named = || name.to_owned();
    if bytes.len() > MAX_DOC_BYTES {
        return Err(DocError::TooLarge {
            name: named(),
            size: bytes.len() as u64,
            max: MAX_DOC_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DocError::Empty { name: named() });
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(DocError::Binary { name: named(), at });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| DocError::NotUtf8 {
        name: named(),
        at: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::new();
    parser.run(text);
    if parser.passages.iter().all(|p| p.kind == PassageKind::Toc) {
        return Err(DocError::NoText { name: named() });
    }
    let title = parser
        .title
        .clone()
        .or_else(|| {
            text.lines()
                .map(|l| strip_tags(l).0)
                .map(|l| l.trim().trim_start_matches('#').trim().to_owned())
                .find(|l| !l.is_empty() && l != "---")
                .map(|l| l.chars().take(80).collect())
        })
        .unwrap_or_else(named);
    Ok(ParsedDocument {
        name: named(),
        title,
        sha256: sha256_hex(bytes),
        lines: u32::try_from(text.lines().count()).unwrap_or(u32::MAX),
        passages: parser.passages,
        problems: parser.problems,
        cleanup: parser.cleanup,
    })
}

/// The anchor of cited lines: a short hash of their text as printed (trailing spaces
/// ignored), so a rule can tell whether the lines it cites still say what they said when the
/// rule was written. `None` when the range is outside the text.
pub fn line_anchor(text: &str, from: u32, to: u32) -> Option<String> {
    if from == 0 || to < from {
        return None;
    }
    let lines: Vec<&str> = text
        .lines()
        .skip(from as usize - 1)
        .take((to - from + 1) as usize)
        .map(str::trim_end)
        .collect();
    if lines.len() != (to - from + 1) as usize {
        return None;
    }
    Some(sha256_hex(lines.join("\n").as_bytes())[..16].to_owned())
}

/// A parsed citation `name:from` or `name:from-to`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Citation {
    /// Document name.
    pub doc: String,
    /// First line.
    pub from: u32,
    /// Last line.
    pub to: u32,
}

impl Citation {
    /// Parses `name:N` or `name:N-M`.
    pub fn parse(s: &str) -> Option<Citation> {
        let (doc, lines) = s.rsplit_once(':')?;
        check_name(doc).ok()?;
        let (a, b) = lines.split_once('-').unwrap_or((lines, lines));
        let (from, to) = (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?);
        (from > 0 && to >= from).then(|| Citation {
            doc: doc.to_owned(),
            from,
            to,
        })
    }
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to {
            write!(f, "{}:{}", self.doc, self.from)
        } else {
            write!(f, "{}:{}-{}", self.doc, self.from, self.to)
        }
    }
}

// --- line classification -------------------------------------------------------------------

/// Heading levels: smaller is higher.
mod level {
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

const KANJI_DIGITS: &str = "〇一二三四五六七八九十百千";
const IROHA: &str =
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン";

fn is_kanji_digit(c: char) -> bool {
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
struct Heading {
    level: u8,
    title: String,
    article: Option<String>,
    /// A Roman-numbered heading's value (its level is decided in context).
    roman: Option<u32>,
}

fn roman_value(s: &str) -> Option<u32> {
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
fn squeeze(line: &str) -> String {
    crate::common::normalize::fold_width(line)
}

/// Number at the start: Arabic or kanji digits; returns (value text, rest).
fn leading_number(s: &str) -> Option<(String, &str)> {
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
fn leading_article(s: &str) -> Option<(String, &str)> {
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

fn classify_heading(raw: &str, in_markdown: bool) -> Option<Heading> {
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
fn is_law_title(title: &str) -> bool {
    let t = title.trim_end_matches([')', '）']);
    let t = t.split(['(', '（']).next().unwrap_or(t).trim();
    ["法", "法律", "令", "規則", "基準", "省令", "政令"]
        .iter()
        .any(|end| t.ends_with(end))
}

/// A table-of-contents entry: a line ending in a page number after a tab or leader dots.
fn is_toc_entry(line: &str) -> bool {
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
fn is_page_residue(line: &str) -> bool {
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

fn is_table_row(line: &str) -> bool {
    line.contains('\t') && line.split('\t').filter(|c| !c.trim().is_empty()).count() >= 2
}

fn is_caption(line: &str) -> bool {
    let s = squeeze(line);
    (s.starts_with('表') || s.starts_with("資料"))
        && s.chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_digit() || c == ' ' || is_kanji_digit(c))
        && s.chars().count() <= 80
}

/// Removes HTML tags (`<br>`, `<p …>`, `</td>`); returns the text and how many were removed.
fn strip_tags(line: &str) -> (String, u32) {
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

// --- the parser ------------------------------------------------------------------------------

struct Block {
    kind: PassageKind,
    from: u32,
    to: u32,
    lines: Vec<String>,
    chars: usize,
    article: Option<String>,
    /// For tables: the caption and header rows repeated when the table is cut.
    repeat: Vec<String>,
    /// For tables: rows after the repeated ones.
    rows: usize,
    /// For tables: whether the header row has been taken.
    has_header: bool,
}

struct Parser {
    stack: Vec<(u8, String)>,
    block: Option<Block>,
    passages: Vec<Passage>,
    problems: Vec<Problem>,
    cleanup: Cleanup,
    title: Option<String>,
    /// In a table of contents: its first entry's folded title, once seen, and its start.
    toc: Option<(Option<String>, u32)>,
    markdown: bool,
    /// The value of the last Roman-numbered top-level part (`I 法令`, `II 通知`).
    roman_top: Option<u32>,
}

/// A line after cleaning, with its number.
struct Line {
    no: u32,
    text: String,
}

/// A heading's key for matching a table-of-contents entry with the heading it lists:
/// matching form without spaces, list marks or a trailing `(第1条—第3条)`.
fn compact(s: &str) -> String {
    let key: String = normalize(s.trim_start_matches(['-', '#', ' ']))
        .text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '#'))
        .collect();
    match key.rfind('(') {
        Some(i) if key.ends_with(')') && i > 0 => key[..i].to_owned(),
        _ => key,
    }
}

impl Parser {
    fn new() -> Parser {
        Parser {
            stack: Vec::new(),
            block: None,
            passages: Vec::new(),
            problems: Vec::new(),
            cleanup: Cleanup::default(),
            title: None,
            toc: None,
            markdown: false,
            roman_top: None,
        }
    }

    fn problem(&mut self, line: u32, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            message: message.into(),
        });
    }

    /// Cleans the raw lines: front matter, tags, control characters, vertical labels.
    fn clean(&mut self, text: &str) -> Vec<Line> {
        let raw: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let mut start = 0;
        if raw.first().is_some_and(|l| l.trim() == "---") {
            match raw.iter().skip(1).position(|l| l.trim() == "---") {
                Some(end) => {
                    for l in &raw[1..=end] {
                        if let Some(t) = l.trim().strip_prefix("title:") {
                            let t = t.trim().trim_matches(['\'', '"']).trim();
                            if !t.is_empty() {
                                self.title = Some(t.to_owned());
                            }
                        }
                    }
                    start = end + 2;
                    self.cleanup.front_matter = (end + 2) as u32;
                }
                None => self.problem(
                    1,
                    "front matter opened with --- is never closed; read as text",
                ),
            }
        }
        self.markdown = raw.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("# ") || t.starts_with("## ") || t.starts_with("### ")
        });
        let mut lines = Vec::with_capacity(raw.len());
        for (i, l) in raw.iter().enumerate().skip(start) {
            let no = (i + 1) as u32;
            let (mut t, tags) = strip_tags(l);
            self.cleanup.html_tags += tags;
            if t.contains('\u{fffd}') {
                self.problem(
                    no,
                    "replacement characters (U+FFFD): the text was damaged before conversion",
                );
            }
            if t.chars().any(|c| c.is_control() && c != '\t') {
                self.problem(no, "control characters removed");
                t = t
                    .chars()
                    .filter(|c| !c.is_control() || *c == '\t')
                    .collect();
            }
            lines.push(Line { no, text: t });
        }
        self.join_vertical(lines)
    }

    /// Runs of one-character lines (groups separated by at most one blank line) → words.
    fn join_vertical(&mut self, lines: Vec<Line>) -> Vec<Line> {
        let single = |l: &Line| l.text.trim().chars().count() == 1 && !l.text.contains('\t');
        let mut out = Vec::with_capacity(lines.len());
        let mut i = 0;
        while i < lines.len() {
            if !(single(&lines[i]) && lines.get(i + 1).is_some_and(single)) {
                out.push(Line {
                    no: lines[i].no,
                    text: lines[i].text.clone(),
                });
                i += 1;
                continue;
            }
            let start = lines[i].no;
            let mut words: Vec<String> = Vec::new();
            let mut word = String::new();
            let mut j = i;
            while j < lines.len() {
                if single(&lines[j]) {
                    word.push_str(lines[j].text.trim());
                    j += 1;
                } else if lines[j].text.trim().is_empty()
                    && lines.get(j + 1).is_some_and(single)
                    && !word.is_empty()
                {
                    words.push(std::mem::take(&mut word));
                    j += 1;
                } else {
                    break;
                }
            }
            if !word.is_empty() {
                words.push(word);
            }
            self.cleanup.vertical_labels += 1;
            out.push(Line {
                no: start,
                text: words.join(" "),
            });
            // Keep line numbers honest: the joined lines are consumed.
            i = j;
        }
        out
    }

    fn run(&mut self, text: &str) {
        let lines = self.clean(text);
        for (idx, line) in lines.iter().enumerate() {
            let t = line.text.trim();
            if t.is_empty() {
                continue;
            }
            if self.in_toc(line) {
                continue;
            }
            if is_page_residue(&line.text) {
                self.cleanup.page_residue += 1;
                continue;
            }
            let s = squeeze(t);
            if s == "目次" || s == "目 次" || s.trim_start_matches('#').trim() == "目次" {
                self.flush();
                self.toc = Some((None, line.no));
                self.start(PassageKind::Toc, line.no, None);
                self.push_line(line.no, t.to_owned());
                continue;
            }
            if is_table_row(&line.text) {
                self.table_row(line);
                continue;
            }
            if let Some(h) = classify_heading(t, self.markdown) {
                self.heading(line, h);
                continue;
            }
            if is_caption(t)
                && lines.get(idx + 1..).is_some_and(|rest| {
                    rest.iter()
                        .find(|l| !l.text.trim().is_empty())
                        .is_some_and(|l| is_table_row(&l.text))
                })
            {
                self.flush();
                self.start(PassageKind::Table, line.no, None);
                self.push_line(line.no, t.to_owned());
                if let Some(b) = self.block.as_mut() {
                    b.repeat.push(t.to_owned());
                }
                continue;
            }
            self.paragraph(line.no, t);
        }
        self.flush();
        if let Some((_, from)) = self.toc {
            self.problem(
                from,
                "a table of contents starts here and its end could not be found",
            );
        }
    }

    /// Table-of-contents handling; true when the line was consumed.
    fn in_toc(&mut self, line: &Line) -> bool {
        let Some((first, from)) = self.toc.clone() else {
            return false;
        };
        let t = line.text.trim();
        let entry = t
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches(['\t', '…', ' ']);
        let key = compact(entry);
        match first {
            None => {
                self.toc = Some((Some(key), from));
                self.push_line(line.no, t.to_owned());
                true
            }
            Some(first) => {
                let ends = !is_toc_entry(t) && key == first;
                if ends || line.no.saturating_sub(from) as usize > TOC_MAX_LINES {
                    if !ends {
                        self.problem(
                            from,
                            format!("a table of contents did not end within {TOC_MAX_LINES} lines; closed there"),
                        );
                    }
                    self.toc = None;
                    self.flush();
                    false
                } else {
                    self.push_line(line.no, t.to_owned());
                    true
                }
            }
        }
    }

    fn heading(&mut self, line: &Line, mut h: Heading) {
        self.flush();
        // A Roman numeral is a top-level part when it continues the parts' numbering (II after
        // I) or starts it right under 資料編; otherwise it numbers items inside a notice.
        if let Some(v) = h.roman {
            let starts = v == 1 && self.stack.last().is_none_or(|(l, _)| *l == level::VOLUME);
            if starts || self.roman_top.is_some_and(|top| v == top + 1) {
                h.level = level::ROMAN;
                self.roman_top = Some(v);
            }
        }
        while self.stack.last().is_some_and(|(l, _)| *l >= h.level) {
            self.stack.pop();
        }
        self.stack.push((h.level, h.title.clone()));
        if let Some(number) = h.article {
            // The article line is also its first paragraph.
            self.start(PassageKind::Article, line.no, Some(number));
            self.push_line(line.no, line.text.trim().to_owned());
        }
    }

    fn table_row(&mut self, line: &Line) {
        let row = line.text.trim_end().to_owned();
        match self.block.as_ref().map(|b| b.kind) {
            Some(PassageKind::Table) => {}
            _ => {
                self.flush();
                self.start(PassageKind::Table, line.no, None);
            }
        }
        let Some(b) = self.block.as_mut() else { return };
        // The first row after the caption is the header.
        if !b.has_header {
            b.has_header = true;
            b.repeat.push(row.clone());
        } else if b.rows >= TABLE_ROWS {
            let repeat = b.repeat.clone();
            self.flush();
            self.start(PassageKind::Table, line.no, None);
            if let Some(b) = self.block.as_mut() {
                b.lines.extend(repeat.iter().cloned());
                b.repeat = repeat;
                b.has_header = true;
            }
        }
        if let Some(b) = self.block.as_mut() {
            b.rows += 1;
        }
        self.push_line(line.no, row);
    }

    fn paragraph(&mut self, no: u32, text: &str) {
        let (kind, chars) = match self.block.as_ref() {
            Some(b) => (Some(b.kind), b.chars),
            None => (None, 0),
        };
        match kind {
            Some(PassageKind::Text) if chars < TARGET_CHARS => {}
            Some(PassageKind::Article) if chars < ARTICLE_CHARS => {}
            _ => {
                let article = self.block.as_ref().and_then(|b| b.article.clone());
                let continuing = kind == Some(PassageKind::Article);
                self.flush();
                if continuing {
                    self.start(PassageKind::Article, no, article);
                } else {
                    self.start(PassageKind::Text, no, None);
                }
            }
        }
        self.push_line(no, text.to_owned());
    }

    fn start(&mut self, kind: PassageKind, from: u32, article: Option<String>) {
        self.block = Some(Block {
            kind,
            from,
            to: from,
            lines: Vec::new(),
            chars: 0,
            article,
            repeat: Vec::new(),
            rows: 0,
            has_header: false,
        });
    }

    fn push_line(&mut self, no: u32, text: String) {
        if self.block.is_none() {
            self.start(PassageKind::Text, no, None);
        }
        if let Some(b) = self.block.as_mut() {
            b.chars += text.chars().count();
            b.to = no;
            b.lines.push(text);
        }
    }

    fn flush(&mut self) {
        let Some(b) = self.block.take() else { return };
        if b.lines.is_empty() {
            return;
        }
        let heading: Vec<String> = self
            .stack
            .iter()
            .filter(|(l, _)| *l != level::ARTICLE || b.kind != PassageKind::Article)
            .map(|(_, t)| t.clone())
            .collect();
        let law = (b.kind == PassageKind::Article)
            .then(|| {
                self.stack
                    .iter()
                    .find(|(l, _)| *l == level::LAW)
                    .map(|(_, t)| t.clone())
            })
            .flatten();
        let supplementary = b.kind == PassageKind::Article
            && self
                .stack
                .iter()
                .any(|(l, t)| *l == level::SECTION && t == "附則");
        self.passages.push(Passage {
            seq: self.passages.len() as u32,
            from: b.from,
            to: b.to,
            heading,
            kind: b.kind,
            article: b.article,
            law,
            supplementary,
            text: b.lines.join("\n"),
        });
    }
}

// --- matching form -------------------------------------------------------------------------

/// Text in matching form with a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The matching form.
    pub text: String,
    /// For each character of `text`, the index of the original character it came from.
    pub map: Vec<usize>,
}

/// Counters after which a kanji number is a quantity to make Arabic.
const COUNTERS: &[&str] = &[
    "条", "項", "号", "章", "節", "編", "款", "日", "時間", "週", "箇月", "か月", "カ月", "ヶ月",
    "ケ月", "月", "年", "歳", "割", "人", "回",
];

fn char_fold(c: char, kana: bool) -> String {
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

fn normalize_with(text: &str, kana: bool) -> Normalized {
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

fn is_law_boundary(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_digit() || "、。,(（)）「」・ ビハニヲガデトモ".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedDocument {
        parse_document("t.txt", text.as_bytes()).expect("parses")
    }

    #[test]
    fn kanji_numbers_are_read_in_both_forms() {
        assert_eq!(kanji_number("三十三"), Some(33));
        assert_eq!(kanji_number("十"), Some(10));
        assert_eq!(kanji_number("百二"), Some(102));
        assert_eq!(kanji_number("二〇〇六"), Some(2006));
        assert_eq!(kanji_number("千九百五十"), Some(1950));
        assert_eq!(kanji_number("x"), None);
        assert_eq!(
            kanji_number(&"九千".repeat(1_000_000)),
            None,
            "overflow is refused"
        );
    }

    #[test]
    fn article_numbers_in_kanji_and_arabic_normalise_alike() {
        assert_eq!(normalize("第三十三条の四").text, "第33条ノ4");
        assert_eq!(normalize("第３３条の４").text, "第33条ノ4");
        assert_eq!(normalize("十日以内に届け出").text, "10日以内ニ届ケ出");
        assert_eq!(normalize("法 8 2 条").text, "法82条");
        // Not a counter: left alone.
        assert_eq!(normalize("一般の人").text, "一般ノ人");
    }

    #[test]
    fn the_map_points_back_at_the_original_characters() {
        let n = normalize("第三十三条で");
        assert_eq!(n.text, "第33条デ");
        assert_eq!(n.map, vec![0, 1, 1, 4, 5]);
    }

    #[test]
    fn article_references_carry_their_law() {
        let refs = articles_in(&normalize("法第33条の4及び医療観察法第42条、33条").text);
        assert_eq!(
            refs,
            vec![
                ArticleRef {
                    number: "33の4".into(),
                    law: Some("法".into())
                },
                ArticleRef {
                    number: "42".into(),
                    law: Some("医療観察法".into())
                },
                ArticleRef {
                    number: "33".into(),
                    law: None
                },
            ]
        );
    }

    #[test]
    fn headings_nest_and_articles_start_their_own_passages() {
        let doc = parse(
            "第1章 総則\n\n1. はじめに\n\n本文です。\n\n(1) 目的\n\n目的の本文。\n\n\
             ○テスト法\n\n第33条 管理者は、10日以内に届け出なければならない。\n2 前項の場合も同様とする。\n\
             第33条の2 次の条。\n",
        );
        #[allow(clippy::type_complexity)]
        let p: Vec<(&[String], PassageKind, Option<&str>, u32, u32)> = doc
            .passages
            .iter()
            .map(|p| {
                (
                    p.heading.as_slice(),
                    p.kind,
                    p.article.as_deref(),
                    p.from,
                    p.to,
                )
            })
            .collect();
        assert_eq!(p[0].0, ["第1章 総則", "1. はじめに"]);
        assert_eq!(p[1].0, ["第1章 総則", "1. はじめに", "(1) 目的"]);
        assert_eq!(
            (p[2].1, p[2].2, p[2].3, p[2].4),
            (PassageKind::Article, Some("33"), 13, 14)
        );
        assert_eq!(doc.passages[2].law.as_deref(), Some("テスト法"));
        assert_eq!(p[3].2, Some("33の2"));
        assert_eq!(doc.passages[3].heading, ["テスト法"]);
    }

    #[test]
    fn tables_stay_tables_with_caption_and_header() {
        let mut text = String::from("表1 件数\n区分\t件数\n");
        for i in 0..30 {
            text.push_str(&format!("行{i}\t{i}\n"));
        }
        let doc = parse(&text);
        assert_eq!(doc.passages.len(), 2);
        assert!(doc.passages.iter().all(|p| p.kind == PassageKind::Table));
        assert!(doc.passages[0]
            .text
            .starts_with("表1 件数\n区分\t件数\n行0\t0"));
        assert!(
            doc.passages[1].text.starts_with("表1 件数\n区分\t件数\n"),
            "{}",
            doc.passages[1].text
        );
    }

    #[test]
    fn vertical_labels_and_page_residue_are_cleaned() {
        let doc = parse("見出しなし本文。\n就\n労\n\n心\n身\n\n12\n続きの本文。\n");
        let text: Vec<&str> = doc.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, ["見出しなし本文。\n就労 心身\n続きの本文。"]);
        assert_eq!(doc.cleanup.vertical_labels, 1);
        assert_eq!(doc.cleanup.page_residue, 1);
    }

    #[test]
    fn a_table_of_contents_is_one_passage_until_its_first_entry_repeats() {
        let doc = parse("目 次\n\n第一章 基礎\t1\n1. とは\t1\n\n第1章 基礎\n\n1. とは\n\n本文。\n");
        assert_eq!(doc.passages[0].kind, PassageKind::Toc);
        assert_eq!((doc.passages[0].from, doc.passages[0].to), (1, 4));
        assert_eq!(doc.passages[1].heading, ["第1章 基礎", "1. とは"]);
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    }

    #[test]
    fn front_matter_and_tags_are_removed_and_markdown_headings_nest() {
        let doc =
            parse("---\ntitle: '一覧'\n---\n\n# 一覧\n\n本文<br>続き\n\n## 相談\n\n1. 電話\n");
        assert_eq!(doc.title, "一覧");
        assert_eq!(doc.passages[0].text, "本文続き");
        assert_eq!(doc.passages[1].heading, ["一覧", "相談"]);
        assert_eq!(doc.passages[1].text, "1. 電話");
        assert_eq!(doc.cleanup.html_tags, 1);
    }

    #[test]
    fn bad_input_is_refused_by_name() {
        assert!(matches!(
            parse_document("a.txt", b""),
            Err(DocError::Empty { .. })
        ));
        assert!(matches!(
            parse_document("a.txt", b"ab\0c"),
            Err(DocError::Binary { at: 2, .. })
        ));
        assert!(matches!(
            parse_document("a.txt", b"ok \xff\xfe"),
            Err(DocError::NotUtf8 { at: 3, .. })
        ));
        assert!(matches!(
            parse_document("a/b.txt", b"x"),
            Err(DocError::BadName { .. })
        ));
        let big = vec![b'a'; MAX_DOC_BYTES + 1];
        assert!(matches!(
            parse_document("a.txt", &big),
            Err(DocError::TooLarge { .. })
        ));
    }

    #[test]
    fn damaged_text_is_reported_with_its_line() {
        let doc = parse("一行目\n壊れた\u{fffd}行\n");
        assert_eq!(doc.problems[0].line, 2);
    }

    #[test]
    fn anchors_change_when_the_cited_lines_change() {
        let a = line_anchor("a\nb\nc\n", 2, 3);
        assert_eq!(a, line_anchor("a\nb  \nc", 2, 3));
        assert_ne!(a, line_anchor("a\nB\nc\n", 2, 3));
        assert_eq!(line_anchor("a\n", 2, 2), None);
    }

    #[test]
    fn citations_parse_and_print() {
        let c = Citation::parse("004_x.txt:10-12").expect("parses");
        assert_eq!((c.from, c.to), (10, 12));
        assert_eq!(c.to_string(), "004_x.txt:10-12");
        assert_eq!(Citation::parse("004_x.txt:0"), None);
        assert_eq!(Citation::parse("004_x.txt:5-4"), None);
    }
}
