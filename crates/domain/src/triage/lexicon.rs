//! The lexicon (data: `data/triage-lexicon.json`): words and phrases that turn free text into
//! facts, matched on folded text, with negation cues.

use crate::common::normalize::fold;
use crate::triage::facts::{
    data_error, Consultant, Justice, PersonSex, TriageConcern, TriageError, Urgency, LEXICON_JSON,
};
use serde::{Deserialize, Serialize};

/// What a lexicon entry sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A concern.
    Concern,
    /// Who is consulting.
    Consultant,
    /// The justice situation.
    Justice,
    /// An urgency signal.
    Urgency,
    /// The person's sex.
    PersonSex,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(rename = "_comment", default)]
    _comment: String,
    negation_cues: Vec<String>,
    #[serde(default)]
    mask_terms: Vec<String>,
    entries: Vec<RawEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    kind: FactKind,
    code: String,
    terms: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) kind: FactKind,
    pub(crate) code: String,
    terms: Vec<(String, Vec<char>)>,
}

/// The analyser's words, folded and checked.
#[derive(Debug, Clone)]
pub struct Lexicon {
    cues: Vec<Vec<char>>,
    masks: Vec<Vec<char>>,
    pub(crate) entries: Vec<Entry>,
}

fn valid_code(kind: FactKind, code: &str) -> bool {
    match kind {
        FactKind::Concern => code.parse::<TriageConcern>().is_ok(),
        FactKind::Consultant => code.parse::<Consultant>().is_ok(),
        FactKind::Justice => code.parse::<Justice>().is_ok(),
        FactKind::Urgency => code.parse::<Urgency>().is_ok(),
        FactKind::PersonSex => code.parse::<PersonSex>().is_ok(),
    }
}

impl Lexicon {
    /// Reads and checks a lexicon file.
    pub fn parse(json: &str) -> Result<Lexicon, TriageError> {
        const FILE: &str = "triage lexicon";
        let raw: RawLexicon =
            serde_json::from_str(json).map_err(|e| data_error(FILE, e.to_string()))?;
        let chars = |s: &str| fold(s).chars().collect::<Vec<char>>();
        let mut entries = Vec::new();
        for (i, e) in raw.entries.into_iter().enumerate() {
            if !valid_code(e.kind, &e.code) {
                return Err(data_error(
                    FILE,
                    format!("entry {i}: unknown {:?} code {:?}", e.kind, e.code),
                ));
            }
            if e.terms.iter().any(|t| fold(t).is_empty()) || e.terms.is_empty() {
                return Err(data_error(
                    FILE,
                    format!("entry {i} ({}): empty term", e.code),
                ));
            }
            entries.push(Entry {
                kind: e.kind,
                code: e.code,
                terms: e.terms.iter().map(|t| (t.clone(), chars(t))).collect(),
            });
        }
        Ok(Lexicon {
            cues: raw.negation_cues.iter().map(|c| chars(c)).collect(),
            masks: raw.mask_terms.iter().map(|c| chars(c)).collect(),
            entries,
        })
    }

    /// The bundled lexicon.
    pub fn bundled() -> Result<Lexicon, TriageError> {
        Lexicon::parse(LEXICON_JSON)
    }
}

/// One word found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// What it sets.
    pub kind: FactKind,
    /// The code.
    pub code: String,
    /// The lexicon term that matched.
    pub term: String,
    /// Position in the folded text (characters).
    pub at: usize,
    /// Cancelled by a negation right after it.
    pub negated: bool,
}

fn find_at(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

const CLAUSE_END: &[char] = &['。', '！', '？', '!', '?', '\n', '、', ',', '．'];

/// Finds every lexicon word in `text`, marking those a negation cancels.
pub fn analyse(lex: &Lexicon, text: &str) -> Vec<Found> {
    let mut hay: Vec<char> = fold(text).chars().collect();
    for m in &lex.masks {
        let mut from = 0;
        while let Some(i) = find_at(&hay, m, from) {
            for c in &mut hay[i..i + m.len()] {
                *c = '\u{FFFD}';
            }
            from = i + m.len();
        }
    }
    let mut out = Vec::new();
    for e in &lex.entries {
        for (term, needle) in &e.terms {
            let ascii = needle.iter().all(char::is_ascii_alphanumeric);
            let mut from = 0;
            while let Some(i) = find_at(&hay, needle, from) {
                from = i + 1;
                let end = i + needle.len();
                if ascii {
                    let before = i.checked_sub(1).and_then(|j| hay.get(j));
                    let after = hay.get(end);
                    if before.is_some_and(char::is_ascii_alphanumeric)
                        || after.is_some_and(char::is_ascii_alphanumeric)
                    {
                        continue;
                    }
                }
                // A negation cue within the same clause, at most 12 characters on.
                let stop = hay[end..]
                    .iter()
                    .position(|c| CLAUSE_END.contains(c))
                    .map_or(hay.len(), |p| end + p)
                    .min(end + 12);
                // Negation applies to what is said about the problem, not to who is talking
                // (「夫は薬物は使っていない」 still comes from a spouse).
                let negatable = matches!(
                    e.kind,
                    FactKind::Concern | FactKind::Urgency | FactKind::Justice
                );
                let negated = negatable
                    && lex
                        .cues
                        .iter()
                        .any(|cue| find_at(&hay[..stop], cue, end).is_some());
                out.push(Found {
                    kind: e.kind,
                    code: e.code.clone(),
                    term: term.clone(),
                    at: i,
                    negated,
                });
            }
        }
    }
    out.sort_by_key(|f| f.at);
    out
}
