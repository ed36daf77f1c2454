//! Retrieval over ingested guideline passages: a question in, ranked passages out, each with
//! its document, line range, heading path, highlights and score.
//!
//! # Brief overview
//! [`DocIndex::build`] indexes [`IndexedPassage`]s in memory with tantivy, in the matching form
//! of [`tsunagu_domain::kb::normalize`] (folded, kanji numbers in legal counters made Arabic):
//!
//! - **words** from the [`Analyzer`] (TinySegmenter or lindera + IPADIC), in the body and,
//!   weighted higher, in the heading path;
//! - **character bigrams** with positions, so each content word and each synonym is also
//!   matched as an exact substring (a phrase of bigrams);
//! - **article fields**: the article a passage *is* (`33の4`, with its law) and the articles it
//!   *mentions*;
//! - beside the index, what each passage **states**: a period (`10日以内`, `72時間を限り`,
//!   `2年`) or a rule (`しなければならない`, `することができる`).
//!
//! A question is analysed the same way ([`DocIndex::search`]). Its topic (words, phrases,
//! synonyms from [`DOC_SYNONYMS`], article references) must match; BM25 ranks the candidates,
//! and the top 100 are reranked to prefer the passage that states the rule over ones that
//! mention it: the share of the question's concepts a passage covers, the article itself over
//! passages citing it, the article of the named law (「法」 is the 精神保健福祉法, as in the
//! handbook) over the same number in other laws, main provisions over 附則, periods for
//! questions asking when or how long, definitions (「…とは」) and rules. Tables of contents are
//! kept for context but never ranked.

use crate::text::{bigrams, whitespace_field, Analyzer, SearchError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value, FAST, STRING};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use tsunagu_domain::common::normalize::to_katakana;
use tsunagu_domain::kb::{
    articles_in, normalize, normalize_width, ArticleRef, Passage, PassageKind,
};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Most results per question.
pub const MAX_RESULTS: usize = 50;

/// Why a question cannot be searched (the message is safe to show).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// Nothing to search for.
    #[error("the question is empty")]
    Empty,
    /// Over [`MAX_QUESTION_CHARS`].
    #[error("the question is {0} characters long; at most {MAX_QUESTION_CHARS} are accepted")]
    TooLong(usize),
}

impl QuestionError {
    /// The message in Japanese, for the web page.
    pub fn message_ja(&self) -> String {
        match self {
            QuestionError::Empty => "質問を入力してください。".into(),
            QuestionError::TooLong(n) => {
                format!("質問が長すぎます（{n}文字）。{MAX_QUESTION_CHARS}文字以内にしてください。")
            }
        }
    }
}

/// Interchangeable names of domain terms: the formal name first, then the short forms and
/// older names people type. Both sides are put in matching form before use.
pub const DOC_SYNONYMS: &[&[&str]] = &[
    &["医療保護入院", "医保入院", "医保"],
    &["精神障害者保健福祉手帳", "障害者手帳", "手帳"],
    &[
        "自立支援医療",
        "精神通院医療",
        "精神通院",
        "通院医療費公費負担",
    ],
    &["精神保健指定医", "指定医"],
    &["精神保健及び精神障害者福祉に関する法律", "精神保健福祉法"],
    &[
        "心神喪失等の状態で重大な他害行為を行った者の医療及び観察等に関する法律",
        "医療観察法",
        "心神喪失者等医療観察法",
    ],
    &["障害者自立支援法", "自立支援法"],
    &["精神医療審査会", "審査会"],
    &["精神保健福祉センター", "精神保健福祉センタ", "センター"],
    &["措置入院", "措置"],
    &["緊急措置入院", "緊急措置"],
    &["応急入院", "応急"],
    &["任意入院", "任意"],
    &["退院等の請求", "退院請求", "処遇改善請求"],
    &["定期の報告", "定期病状報告", "定期報告"],
    &["身体的拘束", "身体拘束", "拘束"],
    &["届け出", "届出", "届"],
    &["ナルメフェン", "セリンクロ"],
    &["飲酒量低減", "減酒"],
    &["アルコール", "お酒", "飲酒"],
    &["覚せい剤", "覚醒剤", "シャブ"],
    &["社会復帰調整官", "調整官"],
    &["保護観察所", "観察所"],
    &["有効期間", "有効期限"],
];

/// Words that carry no topic in a question.
const STOPWORDS: &[&str] = &[
    "は",
    "が",
    "を",
    "に",
    "で",
    "と",
    "の",
    "も",
    "か",
    "へ",
    "や",
    "から",
    "まで",
    "より",
    "について",
    "とは",
    "いつ",
    "どこ",
    "どう",
    "どの",
    "どれ",
    "なに",
    "何",
    "誰",
    "だれ",
    "です",
    "ます",
    "ください",
    "教え",
    "て",
    "た",
    "だ",
    "する",
    "できる",
    "でき",
    "いる",
    "ある",
    "ない",
    "なる",
    "れる",
    "られる",
    "こと",
    "もの",
    "ため",
    "場合",
    "よう",
    "?",
    "？",
    "、",
    "。",
    "ば",
    "ね",
    "よ",
    "という",
    "には",
    "何日",
    "何時間",
    "何年",
    "何か月",
    "何ヶ月",
    "いつから",
    "いつまで",
    "必要",
    "ところ",
    "とき",
    "など",
    "どんな",
    "どういう",
    "どのよう",
    "いくつ",
    "いくら",
    "何人",
    "何か所",
    "べき",
    "たい",
    "させ",
    "られ",
    "たら",
    "れば",
    "のか",
    "ので",
    "けど",
];

/// Words that make a question ask for a period or a deadline.
const WHEN_CUES: &[&str] = &[
    "いつ",
    "期限",
    "期間",
    "何日",
    "何時間",
    "何年",
    "何か月",
    "何ヶ月",
    "何カ月",
    "以内",
    "まで",
    "有効",
    "更新",
    "日数",
];

/// Phrases that state a period.
const PERIOD_MARKS: &[&str] = &[
    "以内",
    "を限り",
    "を超えない",
    "有効期間",
    "を経過",
    "までに",
    "箇月",
    "か月",
    "ヶ月",
    "時間",
];
/// Phrases that state a rule.
const RULE_MARKS: &[&str] = &[
    "なければならない",
    "ものとする",
    "ことができる",
    "してはならない",
    "とする。",
    "を要する",
    "こととされ",
    "ことになっている",
];

/// Named laws and the title they stand for in a passage's law field.
const LAWS: &[(&str, &str)] = &[
    ("法", "精神保健及び精神障害者福祉に関する法律"),
    ("精神保健福祉法", "精神保健及び精神障害者福祉に関する法律"),
    (
        "医療観察法",
        "心神喪失等の状態で重大な他害行為を行った者の医療及び観察等に関する法律",
    ),
    ("自立支援法", "障害者自立支援法"),
    ("障害者自立支援法", "障害者自立支援法"),
    ("精神保健福祉士法", "精神保健福祉士法"),
    ("発達障害者支援法", "発達障害者支援法"),
    ("自殺対策基本法", "自殺対策基本法"),
];

/// A passage with its document, for indexing.
#[derive(Debug, Clone)]
pub struct IndexedPassage {
    /// Document name (`004_….txt`).
    pub doc: String,
    /// The passage.
    pub passage: Passage,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct DocHit {
    /// Document name.
    pub doc: String,
    /// First and last line.
    pub lines: [u32; 2],
    /// Heading path joined with ` > `.
    pub heading: String,
    /// The passage text as printed.
    pub text: String,
    /// Relevance (higher is better).
    pub score: f32,
    /// Character ranges `[start, end)` of `text` that match the question.
    pub highlights: Vec<[usize; 2]>,
    /// What the passage holds (serialised as its code: `text`, `article`, `table`).
    pub kind: PassageKind,
    /// For an article, its number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Position of the passage in its document (for the context view).
    pub seq: u32,
}

#[derive(Clone, Copy)]
struct Fields {
    ord: Field,
    body_w: Field,
    body_g: Field,
    head_w: Field,
    head_g: Field,
    article: Field,
    article_law: Field,
    mentions: Field,
}

fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let positions = whitespace_field(true);
    let freqs = whitespace_field(false);
    let f = Fields {
        ord: sb.add_u64_field("ord", FAST | tantivy::schema::STORED),
        body_w: sb.add_text_field("body_w", freqs.clone()),
        body_g: sb.add_text_field("body_g", positions.clone()),
        head_w: sb.add_text_field("head_w", freqs),
        head_g: sb.add_text_field("head_g", positions),
        article: sb.add_text_field("article", STRING),
        article_law: sb.add_text_field("article_law", STRING),
        mentions: sb.add_text_field("mentions", STRING),
    };
    (sb.build(), f)
}

/// Words of `text` for the index: analysed in width-folded form, then kana-folded so that
/// hiragana and katakana spellings meet.
fn words(analyzer: &dyn Analyzer, text: &str) -> Vec<String> {
    analyzer
        .words(&normalize_width(text))
        .into_iter()
        .map(|w| to_katakana(&w))
        .collect()
}

/// The law an article reference means: the named law's full title, and for 「法」 or no law
/// named, the 精神保健福祉法 (the handbook's convention).
/// The word lists above in matching form, made once.
struct Vocab {
    stop: Vec<String>,
    when: Vec<String>,
    period: Vec<String>,
    rule: Vec<String>,
    /// (short name, full title), the short name in matching form.
    laws: Vec<(String, &'static str)>,
}

static VOCAB: std::sync::LazyLock<Vocab> = std::sync::LazyLock::new(|| {
    let norm = |list: &[&str]| list.iter().map(|m| normalize(m).text).collect();
    Vocab {
        stop: STOPWORDS.iter().map(|w| to_katakana(w)).collect(),
        when: norm(WHEN_CUES),
        period: norm(PERIOD_MARKS),
        rule: norm(RULE_MARKS),
        laws: LAWS
            .iter()
            .map(|(short, full)| (normalize(short).text, *full))
            .collect(),
    }
});

fn query_law(a: &ArticleRef) -> String {
    a.law
        .as_deref()
        .and_then(|l| {
            VOCAB
                .laws
                .iter()
                .find(|(short, _)| short == l)
                .map(|(_, full)| (*full).to_owned())
        })
        .or_else(|| a.law.clone())
        .unwrap_or_else(|| LAWS[0].1.to_owned())
}

fn query_law_key(a: &ArticleRef) -> String {
    law_key(&a.number, &query_law(a))
}

fn law_key(number: &str, law: &str) -> String {
    format!("{number}@{}", normalize(law).text)
}

/// The in-memory passage index.
pub struct DocIndex {
    reader: IndexReader,
    fields: Fields,
    passages: Vec<IndexedPassage>,
    /// Heading path and text of each passage in matching form, for the rerank.
    hay: Vec<String>,
    /// What each passage states, for the rerank.
    features: Vec<Features>,
    by_doc: HashMap<String, Vec<usize>>,
    analyzer: Arc<dyn Analyzer>,
    synonyms: Vec<Vec<String>>,
}

impl std::fmt::Debug for DocIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocIndex")
            .field("passages", &self.passages.len())
            .field("analyzer", &self.analyzer.name())
            .finish()
    }
}

/// The analysed question.
#[derive(Debug, Clone, Default)]
struct Question {
    words: Vec<String>,
    phrases: Vec<String>,
    synonyms: Vec<String>,
    articles: Vec<ArticleRef>,
    /// Each article's key with the law it means (see [`query_law`]), in order.
    law_keys: Vec<String>,
    asks_when: bool,
    /// What the question is about: each concept is a set of interchangeable forms.
    concepts: Vec<Vec<String>>,
}

impl DocIndex {
    /// Indexes `passages` (tables of contents are kept for context but not indexed).
    pub fn build(
        passages: Vec<IndexedPassage>,
        analyzer: Arc<dyn Analyzer>,
    ) -> Result<DocIndex, SearchError> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        let mut writer = index.writer_with_num_threads(1, 200_000_000)?;
        let mut by_doc: HashMap<String, Vec<usize>> = HashMap::new();
        let mut hay = Vec::with_capacity(passages.len());
        let mut features = vec![Features::default(); passages.len()];
        for (ord, ip) in passages.iter().enumerate() {
            let p = &ip.passage;
            let heading_text = p.heading.join(" ");
            let head = normalize(&heading_text).text;
            let body = normalize(&p.text).text;
            // The heading path and the text, as one matching-form string for the rerank.
            let body_at = if head.is_empty() {
                0
            } else {
                head.chars().count() + 1
            };
            hay.push(if head.is_empty() {
                body.clone()
            } else {
                format!("{head} {body}")
            });
            by_doc.entry(ip.doc.clone()).or_default().push(ord);
            if p.kind == PassageKind::Toc {
                continue;
            }
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.ord, ord as u64);
            doc.add_text(f.body_w, words(analyzer.as_ref(), &p.text).join(" "));
            doc.add_text(f.body_g, bigrams(&body).join(" "));
            doc.add_text(f.head_w, words(analyzer.as_ref(), &heading_text).join(" "));
            doc.add_text(f.head_g, bigrams(&head).join(" "));
            if let Some(number) = &p.article {
                doc.add_text(f.article, number);
                if let Some(law) = &p.law {
                    if !p.supplementary {
                        doc.add_text(f.article_law, law_key(number, law));
                    }
                }
            }
            for r in articles_in(&body) {
                doc.add_text(f.mentions, &r.number);
            }
            features[ord] = Features {
                period: states_period(&body),
                rule: VOCAB.rule.iter().any(|m| body.contains(m.as_str())),
                body_at,
                law_key: p
                    .article
                    .as_ref()
                    .zip(p.law.as_ref())
                    .map(|(number, law)| law_key(number, law)),
            };
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let synonyms = DOC_SYNONYMS
            .iter()
            .map(|g| g.iter().map(|t| normalize(t).text).collect())
            .collect();
        Ok(DocIndex {
            reader,
            fields: f,
            passages,
            hay,
            features,
            by_doc,
            analyzer,
            synonyms,
        })
    }

    /// Number of passages (tables of contents included).
    pub fn len(&self) -> usize {
        self.passages.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }

    /// The analyser's name.
    pub fn analyzer_name(&self) -> &'static str {
        self.analyzer.name()
    }

    /// The passages of `doc` in order.
    pub fn document(&self, doc: &str) -> Vec<&Passage> {
        self.by_doc
            .get(doc)
            .map(|ords| ords.iter().map(|&o| &self.passages[o].passage).collect())
            .unwrap_or_default()
    }

    /// Names of the indexed documents.
    pub fn documents(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_doc.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The passages of `doc` that overlap lines `from..=to`.
    pub fn passages_at(&self, doc: &str, from: u32, to: u32) -> Vec<&Passage> {
        self.document(doc)
            .into_iter()
            .filter(|p| p.from <= to && p.to >= from)
            .collect()
    }

    fn analyse(&self, question: &str) -> Question {
        let norm = normalize(question).text;
        let stop = &VOCAB.stop;
        let mut q = Question {
            asks_when: VOCAB.when.iter().any(|c| norm.contains(c.as_str())),
            articles: articles_in(&norm),
            ..Question::default()
        };
        for w in words(self.analyzer.as_ref(), question) {
            if stop.contains(&w) || w.chars().all(|c| c.is_ascii_punctuation()) {
                continue;
            }
            // One kana is a particle or an inflection, never a topic.
            if w.chars().count() == 1 && !w.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                continue;
            }
            if !q.words.contains(&w) {
                q.words.push(w);
            }
        }
        // Phrases: the question's runs between separators and particles, so that compounds the
        // segmenter splits (医療保護入院 → 医療/保護/入院) are also matched whole.
        for w in &q.words {
            if w.chars().count() >= 2 && !q.phrases.contains(w) {
                q.phrases.push(w.clone());
            }
        }
        for run in norm.split(|c: char| !is_content_char(c)) {
            if run.chars().count() >= 3 && !q.phrases.iter().any(|p| p == run) {
                q.phrases.push(run.to_owned());
            }
        }
        for group in &self.synonyms {
            if group.iter().any(|t| norm.contains(t.as_str())) {
                for t in group {
                    if !norm.contains(t.as_str()) && !q.synonyms.contains(t) {
                        q.synonyms.push(t.clone());
                    }
                }
                q.concepts.push(group.clone());
            }
        }
        // Each content word not already inside a synonym concept is a concept of its own.
        // Short all-kana words are endings and particles the segmenter left (シタラ, タラ).
        for w in &q.words {
            let kana_only = w.chars().all(|c| ('\u{30a0}'..='\u{30ff}').contains(&c));
            if kana_only && w.chars().count() <= 2 {
                continue;
            }
            if q.concepts
                .iter()
                .any(|c| c.iter().any(|t| t.contains(w.as_str())))
            {
                continue;
            }
            q.concepts.push(vec![w.clone()]);
        }
        q.law_keys = q.articles.iter().map(query_law_key).collect();
        q
    }

    fn phrase(&self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let terms: Vec<Term> = bigrams(text)
            .iter()
            .map(|g| Term::from_field_text(field, g))
            .collect();
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new(terms))),
        }
    }

    fn term(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn boosted(q: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
        (Occur::Should, Box::new(BoostQuery::new(q, boost)))
    }

    fn constant(q: Box<dyn Query>, score: f32) -> (Occur, Box<dyn Query>) {
        (Occur::Should, Box::new(ConstScoreQuery::new(q, score)))
    }

    /// Ranked passages for `question`, best first, at most `limit` (≤ [`MAX_RESULTS`]).
    pub fn search(&self, question: &str, limit: usize) -> Result<Vec<DocHit>, QuestionError> {
        let trimmed = question.trim();
        let n = trimmed.chars().count();
        if n == 0 {
            return Err(QuestionError::Empty);
        }
        if n > MAX_QUESTION_CHARS {
            return Err(QuestionError::TooLong(n));
        }
        let q = self.analyse(trimmed);
        let f = self.fields;
        let mut topic: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in &q.words {
            topic.push(Self::boosted(Self::term(f.body_w, w), 1.0));
            topic.push(Self::boosted(Self::term(f.head_w, w), 1.5));
        }
        for p in &q.phrases {
            if let Some(x) = self.phrase(f.body_g, p) {
                topic.push(Self::boosted(x, 1.0));
            }
            if let Some(x) = self.phrase(f.head_g, p) {
                topic.push(Self::boosted(x, 2.0));
            }
        }
        for s in &q.synonyms {
            if let Some(x) = self.phrase(f.body_g, s) {
                topic.push(Self::boosted(x, 0.7));
            }
            if let Some(x) = self.phrase(f.head_g, s) {
                topic.push(Self::boosted(x, 1.4));
            }
        }
        // Article clauses make the article itself and the passages citing it candidates; the
        // rerank decides between them.
        for (a, law_key) in q.articles.iter().zip(&q.law_keys) {
            topic.push(Self::constant(Self::term(f.article, &a.number), 50.0));
            topic.push(Self::constant(Self::term(f.article_law, law_key), 50.0));
            topic.push(Self::constant(Self::term(f.mentions, &a.number), 1.5));
        }
        if topic.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(topic);
        let searcher = self.reader.searcher();
        let limit = limit.clamp(1, MAX_RESULTS);
        let Ok(top) = searcher.search(
            &query,
            &TopDocs::with_limit(RERANK.max(limit)).order_by_score(),
        ) else {
            return Ok(Vec::new());
        };
        // Rerank: a passage that covers every concept of the question beats one that matches
        // some of them strongly (score × coverage²).
        let mut ranked: Vec<(f32, usize)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                continue;
            };
            let Some(ord) = doc.get_first(f.ord).and_then(|v| v.as_u64()) else {
                continue;
            };
            let Some(hay) = self.hay.get(ord as usize) else {
                continue;
            };
            let c = coverage(hay, &q);
            let ord = ord as usize;
            let factor = self.states_factor(ord, hay, &q);
            ranked.push((score * c * c * factor, ord));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(ranked
            .into_iter()
            .take(limit)
            .map(|(score, ord)| self.hit(&self.passages[ord], score, &q))
            .collect())
    }

    /// How much a passage *states* what the question asks, rather than mentioning it: the
    /// article asked for (×3, of the named law ×2 more, in 附則 ×0.3), a period for a question
    /// asking when or how long (×1.4), a definition of a concept of the question (「…とは」,
    /// ×1.5), a rule (「…しなければならない」, ×1.1).
    fn states_factor(&self, ord: usize, hay: &str, q: &Question) -> f32 {
        let p = &self.passages[ord].passage;
        let feat = &self.features[ord];
        let mut factor = 1.0;
        if let Some(own) = &p.article {
            if let Some(i) = q.articles.iter().position(|a| &a.number == own) {
                factor *= 3.0;
                if feat.law_key.as_ref() == Some(&q.law_keys[i]) {
                    factor *= 2.0;
                }
                if p.supplementary {
                    factor *= 0.3;
                }
            }
        }
        if q.asks_when && feat.period {
            factor *= 1.4;
        }
        if feat.rule {
            factor *= 1.1;
        }
        if q.concepts
            .iter()
            .flatten()
            .any(|t| hay.contains(&format!("{t}トハ")))
        {
            factor *= 1.5;
        } else if q
            .concepts
            .iter()
            .flatten()
            .any(|t| body_starts_with(hay, feat.body_at, t))
        {
            // A passage whose first words are the concept is about it (「特定病院の基準は」).
            factor *= 1.3;
        }
        factor
    }

    fn hit(&self, ip: &IndexedPassage, score: f32, q: &Question) -> DocHit {
        let p = &ip.passage;
        DocHit {
            doc: ip.doc.clone(),
            lines: [p.from, p.to],
            heading: p.heading.join(" > "),
            text: p.text.clone(),
            score,
            highlights: highlights(&p.text, q),
            kind: p.kind,
            article: p.article.clone(),
            seq: p.seq,
        }
    }
}

/// Whether the passage text (after its heading path in `hay`) starts with `term`.
fn body_starts_with(hay: &str, body_at: usize, term: &str) -> bool {
    let body: String = hay
        .chars()
        .skip(body_at)
        .take(term.chars().count() + 2)
        .collect();
    body.trim_start_matches(['-', '・', ' ']).starts_with(term)
}

/// Candidates reranked per question.
const RERANK: usize = 100;

/// What a passage states.
#[derive(Debug, Clone, Default)]
struct Features {
    period: bool,
    rule: bool,
    /// For an article with a law, its key (number and law title, as in the index).
    law_key: Option<String>,
    /// Where the text starts in the passage's `hay` (after the heading path), in characters.
    body_at: usize,
}

/// Whether normalised text states a period: a number followed by a unit of time
/// (`10日以内`, `72時間`, `2年`, `6か月`), or 「有効期間」「を限り」.
fn states_period(norm: &str) -> bool {
    const UNITS: &[&str] = &[
        "日", "時間", "週", "箇月", "カ月", "ヶ月", "ケ月", "月", "年",
    ];
    if VOCAB.period.iter().any(|m| norm.contains(m.as_str())) {
        return true;
    }
    let chars: Vec<char> = norm.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        c.is_ascii_digit() && chars.get(i + 1).is_some_and(|n| !n.is_ascii_digit()) && {
            let rest: String = chars[i + 1..chars.len().min(i + 4)].iter().collect();
            UNITS.iter().any(|u| rest.starts_with(u))
        }
    })
}

/// Share of the question's concepts found in the passage's heading path or text (1 when the
/// question has none, such as a bare article number).
fn coverage(hay: &str, q: &Question) -> f32 {
    if q.concepts.is_empty() {
        return 1.0;
    }
    let found = q
        .concepts
        .iter()
        .filter(|c| c.iter().any(|t| hay.contains(t.as_str())))
        .count();
    // Never zero: a passage found by its article number alone still ranks.
    (found as f32 + 0.5) / (q.concepts.len() as f32 + 0.5)
}

fn is_content_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_ascii_punctuation()
        || "、。・「」『』（）()【】［］〔〕，．：；！？〜～".contains(c)
        || "ハガヲニデトモカヘヤノ".contains(c))
}

/// Character ranges of `text` where the question's phrases, synonyms and article references
/// occur, merged and in order.
fn highlights(text: &str, q: &Question) -> Vec<[usize; 2]> {
    let norm = normalize(text);
    let chars: Vec<char> = norm.text.chars().collect();
    let mut needles: Vec<Vec<char>> = q
        .phrases
        .iter()
        .chain(&q.synonyms)
        .chain(q.words.iter().filter(|w| w.chars().count() >= 2))
        .map(|s| s.chars().collect())
        .collect();
    for a in &q.articles {
        // `33の4` is printed 第33条の4.
        let (main, branch) = a.number.split_once('の').unwrap_or((&a.number, ""));
        let printed = if branch.is_empty() {
            format!("{main}条")
        } else {
            format!("{main}条ノ{}", branch.replace('の', "ノ"))
        };
        needles.push(format!("第{printed}").chars().collect());
        needles.push(printed.chars().collect());
    }
    let total = text.chars().count();
    let mut ranges: Vec<[usize; 2]> = Vec::new();
    for n in needles.iter().filter(|n| !n.is_empty()) {
        let mut i = 0;
        while i + n.len() <= chars.len() {
            if chars[i..i + n.len()] == n[..] {
                let start = norm.map[i];
                let end = norm.map[i + n.len() - 1] + 1;
                ranges.push([start, end.min(total)]);
                i += n.len();
            } else {
                i += 1;
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<[usize; 2]> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r[0] <= last[1] => last[1] = last[1].max(r[1]),
            _ => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TinySegmenter;
    use tsunagu_domain::kb::parse_document;

    fn index(text: &str) -> DocIndex {
        let doc = parse_document("t.txt", text.as_bytes()).expect("parses");
        let passages = doc
            .passages
            .into_iter()
            .map(|passage| IndexedPassage {
                doc: "t.txt".into(),
                passage,
            })
            .collect();
        DocIndex::build(passages, Arc::new(TinySegmenter)).expect("builds")
    }

    const LAW: &str = "第1章 解説\n\n1. 医療保護入院\n\n詳しくは第33条を参照。医療保護入院の届出は別に定める。\n\n\
        2. 手帳\n\n精神障害者保健福祉手帳の有効期間は2年とする。\n\n\
        ○精神保健及び精神障害者福祉に関する法律\n\n\
        第三十三条 精神科病院の管理者は、保護者の同意があるときは、入院させることができる。\n\
        第33条の2 管理者は、医療保護入院者を退院させたときは、10日以内に届け出なければならない。\n\n\
        ○精神保健福祉士法\n\n第33条 大臣は、登録を消除しなければならない。\n";

    #[test]
    fn an_article_query_finds_the_article_of_the_named_law_first() {
        let idx = index(LAW);
        for q in ["法第33条", "第三十三条", "33条"] {
            let hits = idx.search(q, 5).expect("searches");
            assert_eq!(hits[0].article.as_deref(), Some("33"), "{q}: {hits:?}");
            assert!(hits[0].text.contains("保護者の同意"), "{q}: {hits:?}");
        }
        let hits = idx.search("法第33条の2", 5).expect("searches");
        assert_eq!(hits[0].article.as_deref(), Some("33の2"));
    }

    #[test]
    fn synonyms_and_periods_find_the_passage_that_states_the_rule() {
        let idx = index(LAW);
        let hits = idx
            .search("医保で退院したら届出はいつまで？", 5)
            .expect("searches");
        assert_eq!(hits[0].article.as_deref(), Some("33の2"), "{hits:?}");
        let hits = idx.search("手帳の有効期間", 5).expect("searches");
        assert!(hits[0].text.contains("2年"), "{hits:?}");
    }

    #[test]
    fn highlights_land_on_the_text_as_printed() {
        let idx = index(LAW);
        let hits = idx.search("第33条", 5).expect("searches");
        let top = &hits[0];
        let chars: Vec<char> = top.text.chars().collect();
        let marked: String = chars[top.highlights[0][0]..top.highlights[0][1]]
            .iter()
            .collect();
        assert_eq!(marked, "第三十三条");
        let hits = idx.search("法第33条の2", 5).expect("searches");
        let chars: Vec<char> = hits[0].text.chars().collect();
        let h = hits[0].highlights[0];
        assert_eq!(chars[h[0]..h[1]].iter().collect::<String>(), "第33条の2");
    }

    #[test]
    fn empty_and_overlong_questions_are_refused() {
        let idx = index(LAW);
        assert_eq!(
            idx.search("  ", 5).expect_err("refused"),
            QuestionError::Empty
        );
        assert!(matches!(
            idx.search(&"あ".repeat(501), 5),
            Err(QuestionError::TooLong(501))
        ));
        assert!(idx.search("ｚｚｚｚ", 5).expect("searches").is_empty());
    }
}
