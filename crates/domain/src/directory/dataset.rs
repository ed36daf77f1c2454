//! The directory dataset bundled into the binary.
//!
//! Two files under `data/` make it up: `seed-directory.json`, the agencies, hospitals,
//! facilities and groups of the casebook (seed 000) and the help-resource list (seed 001),
//! written by hand with line provenance; and `handbook-tables.json`, the output of the
//! handbook-table importer on seed 004 (a test checks it equals a fresh import). They are
//! compiled in, so `tsunagu serve` needs no file at run time.

use crate::directory::model::Directory;

const SEED_DIRECTORY: &str = include_str!("../../../../data/seed-directory.json");
const HANDBOOK_TABLES: &str = include_str!("../../../../data/handbook-tables.json");

/// Why the bundled dataset could not be loaded (a build defect, caught by the tests).
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file does not parse.
    #[error("bundled file {file} does not parse: {source}")]
    Parse {
        /// Which file.
        file: &'static str,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The merged directory is inconsistent.
    #[error("bundled dataset is inconsistent: {0:?}")]
    Invalid(Vec<crate::directory::model::DirectoryError>),
}

/// The bundled directory: both files merged and validated.
pub fn bundled() -> Result<Directory, DatasetError> {
    let mut dir: Directory =
        serde_json::from_str(SEED_DIRECTORY).map_err(|source| DatasetError::Parse {
            file: "seed-directory.json",
            source,
        })?;
    let tables: Directory =
        serde_json::from_str(HANDBOOK_TABLES).map_err(|source| DatasetError::Parse {
            file: "handbook-tables.json",
            source,
        })?;
    dir.organizations.extend(tables.organizations);
    dir.services.extend(tables.services);
    dir.validate().map_err(DatasetError::Invalid)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::codes::ResourceKind;

    #[test]
    fn the_bundled_dataset_loads_and_validates() {
        let dir = bundled().unwrap_or_else(|e| panic!("{e}"));
        assert!(dir.services.iter().any(|s| s.name == "ダルク女性ハウス"));
    }

    #[test]
    fn every_bundled_record_cites_a_seed_line_range() {
        let dir = bundled().unwrap_or_else(|e| panic!("{e}"));
        for s in &dir.services {
            let src = &s.provenance.source;
            assert!(
                src.doc.ends_with(".txt") && src.from >= 1 && src.to >= src.from,
                "{}",
                s.id
            );
        }
    }

    #[test]
    fn the_only_bundled_crisis_line_is_the_one_a_seed_names() {
        // The crisis banner and crisis plans list crisis_line services, so only a line a seed
        // names may carry the kind: いのちの電話, seed 004:2957 (24-hour telephone counselling
        // for people thinking of suicide, with the federation's web address and no number).
        let dir = bundled().unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<_> = dir
            .services
            .iter()
            .filter(|s| s.kind == ResourceKind::CrisisLine)
            .collect();
        assert_eq!(lines.len(), 1);
        let s = lines[0];
        assert_eq!(s.name, "いのちの電話");
        assert_eq!(s.provenance.source.cite(), "004_d9518c60032bdf29.txt:2957");
        assert!(s.phones.is_empty(), "the seed gives no number");
        assert_eq!(s.links[0].url, "http://www.find-j.jp/");
    }
}
