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
    fn no_bundled_service_is_a_crisis_line_because_no_seed_names_one() {
        // The crisis banner lists crisis_line services; none of the seeds gives such a line,
        // so none may be bundled (see the web crate's crisis banner).
        let dir = bundled().unwrap_or_else(|e| panic!("{e}"));
        assert!(dir
            .services
            .iter()
            .all(|s| s.kind != ResourceKind::CrisisLine));
    }
}
