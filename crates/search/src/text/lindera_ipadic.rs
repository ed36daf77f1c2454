//! The better analyser: lindera with IPADIC, built at run time from Debian's `mecab-ipadic`.
//!
//! lindera's own IPADIC crate downloads the dictionary in its build script, which cannot work
//! on these machines. Debian's `mecab-ipadic` package ships the IPADIC sources (CSV and `.def`
//! files, EUC-JP) under [`DEBIAN_IPADIC`]; [`LinderaIpadic::build`] compiles them into
//! lindera's format (about 2 s, about 50 MB) with the `metadata.json` of the `lindera-ipadic`
//! crate, and [`LinderaIpadic::load`] opens the result (about 1 ms, memory-mapped).
//! `tsunagu dict build` runs the build into the data directory; `serve` and `search` use
//! the dictionary when it is there and TinySegmenter otherwise.

use super::analyzer::{is_separator, Analyzer, TinySegmenter};
use super::error::SearchError;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::dictionary::metadata::Metadata;
use std::borrow::Cow;
use std::path::Path;

/// Where Debian's `mecab-ipadic` package puts the IPADIC sources.
pub const DEBIAN_IPADIC: &str = "/usr/share/mecab/dic/ipadic";

const METADATA: &[u8] = include_bytes!("../../lindera/ipadic-metadata.json");

/// lindera + IPADIC.
pub struct LinderaIpadic {
    segmenter: Segmenter,
}

impl std::fmt::Debug for LinderaIpadic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinderaIpadic")
    }
}

impl LinderaIpadic {
    /// Builds the dictionary from IPADIC sources in `source` (EUC-JP, as Debian ships them)
    /// into `out`.
    pub fn build(source: &Path, out: &Path) -> Result<(), SearchError> {
        if !source.join("matrix.def").is_file() {
            return Err(SearchError(format!(
                "{} does not hold IPADIC sources (install the Debian package mecab-ipadic)",
                source.display()
            )));
        }
        let mut metadata =
            Metadata::load(METADATA).map_err(|e| SearchError(format!("IPADIC metadata: {e}")))?;
        metadata.encoding = "EUC-JP".into();
        lindera_dictionary::builder::DictionaryBuilder::new(metadata)
            .build_dictionary(source, out)
            .map_err(|e| SearchError(format!("building the IPADIC dictionary: {e}")))
    }

    /// Whether `dir` holds a built dictionary.
    pub fn is_built(dir: &Path) -> bool {
        dir.join("metadata.json").is_file()
    }

    /// Opens a dictionary built by [`LinderaIpadic::build`].
    pub fn load(dir: &Path) -> Result<LinderaIpadic, SearchError> {
        let dictionary = lindera::dictionary::load_fs_dictionary(dir).map_err(|e| {
            SearchError(format!(
                "loading the IPADIC dictionary from {}: {e}",
                dir.display()
            ))
        })?;
        Ok(LinderaIpadic {
            segmenter: Segmenter::new(Mode::Normal, dictionary, None),
        })
    }
}

impl Analyzer for LinderaIpadic {
    fn name(&self) -> &'static str {
        "lindera-ipadic"
    }

    fn words(&self, text: &str) -> Vec<String> {
        match self.segmenter.segment(Cow::Borrowed(text)) {
            Ok(tokens) => tokens
                .iter()
                .map(|t| t.surface.trim().to_owned())
                .filter(|w| !w.is_empty() && !w.chars().all(is_separator))
                .collect(),
            // Segmentation of valid UTF-8 does not fail; if it ever does, fall back to the
            // embedded segmenter rather than drop the text from the index.
            Err(_) => TinySegmenter.words(text),
        }
    }
}
