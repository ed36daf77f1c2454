//! The Japanese analyser of a data directory: lindera + IPADIC once `tsunagu dict build` has
//! put the dictionary there, else the embedded TinySegmenter.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tsunagu_search::{Analyzer, LinderaIpadic, TinySegmenter};

/// Where `tsunagu dict build` puts the dictionary.
pub fn ipadic_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("ipadic")
}

/// The analyser for this data directory: lindera + IPADIC when `tsunagu dict build` has run,
/// else the embedded TinySegmenter.
pub fn analyzer_for(data_dir: &Path) -> Arc<dyn Analyzer> {
    let dir = ipadic_dir(data_dir);
    if LinderaIpadic::is_built(&dir) {
        match LinderaIpadic::load(&dir) {
            Ok(a) => return Arc::new(a),
            Err(e) => tracing::warn!("{e}; using TinySegmenter"),
        }
    }
    Arc::new(TinySegmenter)
}
