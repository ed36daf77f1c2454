//! Test support shared by the crates' HSDS conformance tests (included with `#[path]`): the
//! official HSDS 3.0 compiled schemas from `../shared/standards/hsds-3.0/compiled`, read at test
//! time, with formats (`uuid`, `email`, `uri`, `date-time`) checked.
//!
//! When `../shared/standards` is not there (a user's machine), the tests say so and skip; with
//! `CI=true` that is a failure.

use serde_json::Value;
use std::path::PathBuf;

/// One compiled schema, ready to validate with.
pub struct HsdsSchema {
    name: String,
    validator: jsonschema::Validator,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/standards/hsds-3.0/compiled")
}

/// The compiled schema `name` (`service`, `service_list`, `organization` …), or `None` (after
/// saying why) when the standards are not beside the project.
pub fn schema(name: &str) -> Option<HsdsSchema> {
    let path = dir().join(format!("{name}.json"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            path.display()
        );
        eprintln!(
            "SKIPPED: {} is not here (../shared/standards is not shipped)",
            path.display()
        );
        return None;
    };
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    Some(HsdsSchema {
        name: name.to_owned(),
        validator,
    })
}

impl HsdsSchema {
    /// Every violation in `doc`, as `path: message` lines naming the schema.
    pub fn violations(&self, doc: &Value) -> Vec<String> {
        self.validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}: {e}", self.name, e.instance_path()))
            .collect()
    }
}

/// Fails with the first few violations, and how many there were in all.
pub fn assert_none(what: &str, violations: &[String]) {
    assert!(
        violations.is_empty(),
        "{what}: {} schema violation(s), first: {:#?}",
        violations.len(),
        &violations[..violations.len().min(8)]
    );
}
