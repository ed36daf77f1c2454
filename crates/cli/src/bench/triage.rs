//! `tsunagu bench-triage`: plan latency in process, directory lookup included, over the
//! labelled cases for `--rounds` rounds; the directory is the bundled one, or the bundled one
//! with `--synthetic` generated services added (as `tsunagu bench` builds them).

use crate::bench::search::synthetic;
use crate::commands::triage::{load_data, Case};
use crate::flags::bench::BenchTriageArgs;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use tsunagu_domain::directory::dataset;
use tsunagu_domain::directory::model::Directory;
use tsunagu_domain::triage::{plan, Resources};

/// `tsunagu bench-triage`.
pub fn run(a: BenchTriageArgs) -> anyhow::Result<ExitCode> {
    let base = dataset::bundled().context("the bundled dataset is broken")?;
    let dir = if a.synthetic > 0 {
        synthetic(&base, a.synthetic)?
    } else {
        base
    };
    bench(&dir, &a.cases, a.rounds, a.json)
}

/// Plans the labelled cases in `file` for `rounds` rounds over `dir`.
fn bench(dir: &Directory, file: &Path, rounds: usize, json: bool) -> anyhow::Result<ExitCode> {
    let (book, lex) = load_data(None, None)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let cases: Vec<Case> =
        serde_json::from_str(&text).context("the case file is not a list of cases")?;
    let now = tsunagu_domain::common::calendar::jst(chrono::Utc::now());
    let started = std::time::Instant::now();
    let index = Resources::new(dir);
    let index_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::with_capacity(cases.len() * rounds);
    for _ in 0..rounds.max(1) {
        for c in &cases {
            let started = std::time::Instant::now();
            let p = plan(&book, &lex, &index, &c.input, now)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(p);
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let (p50, p99, max) = (pct(0.5), pct(0.99), pct(1.0));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "services": dir.services.len(), "plans": times.len(), "index_build_ms": index_ms,
                "p50_ms": p50, "p99_ms": p99, "max_ms": max, "target_p99_ms": 5.0,
            }))?
        );
    } else {
        println!(
            "{} plans over {} services (index built once in {index_ms:.1} ms): p50 {p50:.3} ms  p99 {p99:.3} ms  max {max:.3} ms (target p99 ≤ 5 ms: {})",
            times.len(),
            dir.services.len(),
            if p99 <= 5.0 { "met" } else { "NOT met" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
