//! The parser: lines into passages that follow the document's structure, with the heading path
//! and line range of each, tables kept whole, and the table of contents set apart.

use crate::kb::document::{
    check_name, sha256_hex, Cleanup, DocError, ParsedDocument, Passage, PassageKind, Problem,
    ARTICLE_CHARS, MAX_DOC_BYTES, TABLE_ROWS, TARGET_CHARS, TOC_MAX_LINES,
};
use crate::kb::lines::{
    classify_heading, is_caption, is_page_residue, is_table_row, is_toc_entry, level, squeeze,
    strip_tags, Heading,
};
use crate::kb::matching::normalize;

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

pub(crate) struct Block {
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

pub(crate) struct Parser {
    pub(crate) stack: Vec<(u8, String)>,
    pub(crate) block: Option<Block>,
    pub(crate) passages: Vec<Passage>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) cleanup: Cleanup,
    pub(crate) title: Option<String>,
    /// In a table of contents: its first entry's folded title, once seen, and its start.
    pub(crate) toc: Option<(Option<String>, u32)>,
    pub(crate) markdown: bool,
    /// The value of the last Roman-numbered top-level part (`I 法令`, `II 通知`).
    pub(crate) roman_top: Option<u32>,
}

/// A line after cleaning, with its number.
pub(crate) struct Line {
    no: u32,
    text: String,
}

/// A heading's key for matching a table-of-contents entry with the heading it lists:
/// matching form without spaces, list marks or a trailing `(第1条—第3条)`.
pub(crate) fn compact(s: &str) -> String {
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
    pub(crate) fn new() -> Parser {
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

    pub(crate) fn run(&mut self, text: &str) {
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
