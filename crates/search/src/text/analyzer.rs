//! Analysers: how folded text becomes words, and the character bigrams used for substring
//! matching.

/// Turns folded text into words for indexing and querying. Implementations must be
/// deterministic: the same function analyses documents and queries.
pub trait Analyzer: Send + Sync {
    /// A stable name for logs, `tsunagu status` and the benchmark.
    fn name(&self) -> &'static str;
    /// Words of `text` (already folded), without spaces or punctuation.
    fn words(&self, text: &str) -> Vec<String>;
}

/// The embedded default: TinySegmenter (the `tiniestsegmenter` crate, a safe pure-Rust port
/// with a built-in model). It needs no dictionary, so a fresh machine searches with no setup.
/// (The older `tinysegmenter` crate builds an invalid `char` and aborts under debug checks.)
#[derive(Debug, Clone, Copy, Default)]
pub struct TinySegmenter;

pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation())
        || "、。・「」『』（）()【】［］〔〕，．：；！？〜～ー－―…".contains(c)
}

impl Analyzer for TinySegmenter {
    fn name(&self) -> &'static str {
        "tinysegmenter"
    }
    fn words(&self, text: &str) -> Vec<String> {
        tiniestsegmenter::tokenize(text)
            .into_iter()
            .map(|w| w.trim().to_owned())
            .filter(|w| !w.is_empty() && !w.chars().all(is_separator))
            .collect()
    }
}

/// Overlapping character bigrams of each run of non-separator characters. A run of one
/// character yields itself, so single characters stay searchable as whole runs.
/// `ダルク女性` → `ダル ルク ク女 女性`.
pub fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // 'ー' (長音) belongs to words such as ハウス/ルーム; it is not a separator here.
    let sep = |c: char| c != 'ー' && is_separator(c);
    for run in text.split(sep).filter(|r| !r.is_empty()) {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() == 1 {
            out.push(run.to_owned());
        }
        for pair in chars.windows(2) {
            out.push(pair.iter().collect());
        }
    }
    out
}

/// Options of a text field fed with pre-analysed, space-separated terms: with positions (for
/// bigram phrases) or with frequencies only (for words).
pub(crate) fn whitespace_field(positions: bool) -> tantivy::schema::TextOptions {
    use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions};
    let option = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(option),
    )
}
