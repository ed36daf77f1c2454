//! A parsed document and its passages: the limits, the types ([`Passage`], [`ParsedDocument`],
//! [`Problem`], [`Cleanup`], [`DocError`]), the anchor of cited lines and
//! [`Citation`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest document accepted, in bytes. The largest guideline here (seed 004) is 2 MB.
pub const MAX_DOC_BYTES: usize = 16 * 1024 * 1024;

/// A text passage is cut at a paragraph boundary once it reaches this many characters.
pub(crate) const TARGET_CHARS: usize = 500;
/// An article is cut only past this many characters (articles are answers as a whole).
pub(crate) const ARTICLE_CHARS: usize = 1600;
/// Rows of a table per passage (the header row is repeated in each).
pub(crate) const TABLE_ROWS: usize = 25;
/// A table of contents that has not ended after this many lines is reported and closed.
pub(crate) const TOC_MAX_LINES: usize = 600;

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
