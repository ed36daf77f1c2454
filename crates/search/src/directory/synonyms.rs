//! Query expansion: everyday words people type, mapped to the words the directory uses.
//!
//! The list is small and deliberate: each entry joins a colloquial or alternative form to the
//! term the listings use, so that 「お酒」 finds アルコール services and 「シャブ」 finds services
//! for 覚醒剤. Both sides are folded with [`fold`] before use. The fuller consultation lexicon
//! (readings, negation, family terms) belongs to the triage analyser.

use std::collections::HashMap;
use std::sync::LazyLock;
use tsunagu_domain::common::normalize::fold;

/// Groups of interchangeable terms.
const GROUPS: &[&[&str]] = &[
    &["アルコール", "お酒", "酒", "飲酒"],
    &["覚醒剤", "覚せい剤", "シャブ"],
    &["市販薬", "咳止め", "せき止め"],
    &["ギャンブル", "パチンコ", "パチスロ", "競馬"],
    &["窃盗", "万引き"],
    &["ゲーム", "ネトゲ"],
    &["危険ドラッグ", "脱法ハーブ"],
    &["有機溶剤", "シンナー"],
    &["依存症専門", "アディクション"],
];

static MAP: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in GROUPS {
        let folded: Vec<String> = group.iter().map(|t| fold(t)).collect();
        for t in &folded {
            map.entry(t.clone())
                .or_default()
                .extend(folded.iter().filter(|o| *o != t).cloned());
        }
    }
    map
});

/// The term and its synonyms (all folded), the term first.
pub fn variants(term: &str) -> Vec<String> {
    let mut out = vec![term.to_owned()];
    if let Some(more) = MAP.get(term) {
        out.extend(more.iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colloquial_words_expand_to_directory_terms() {
        assert!(variants(&fold("お酒")).contains(&fold("アルコール")));
        assert!(variants(&fold("シャブ")).contains(&fold("覚醒剤")));
        assert_eq!(variants("ダルク"), vec!["ダルク".to_owned()]);
    }
}
