//! `tsunagu deadlines`: reads `{"events": [{"type", "at", …}]}` on standard input (or
//! `--file`) and prints the obligations with their legal basis, or refuses an unlawful or
//! impossible event naming the rule (exit code 2). `tsunagu copay` gives the 自立支援医療
//! income category, its cap and the cap ledger.

use crate::flags::law::{CopayArgs, DeadlinesArgs};
use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use tsunagu_domain::common::basis::Refusal;
use tsunagu_domain::law::deadlines::{findings, obligations, Event, Finding, Obligation};
use tsunagu_domain::law::jiritsu::{categorise, ledger, Household, Visit, ROUNDING_BASIS};

/// Reads the JSON input from a file or standard input.
fn read_input(file: Option<PathBuf>) -> anyhow::Result<serde_json::Value> {
    let mut text = String::new();
    match &file {
        Some(p) => {
            text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
        }
        None => {
            std::io::stdin()
                .read_to_string(&mut text)
                .context("standard input is not UTF-8 text")?;
        }
    }
    serde_json::from_str(&text).context("the input is not JSON")
}

/// The copay input.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CopayInput {
    household: Household,
    #[serde(default)]
    visits: Vec<Visit>,
}

/// `tsunagu copay`: the 自立支援医療 income category, cap and ledger.
pub fn copay(a: CopayArgs) -> anyhow::Result<ExitCode> {
    let CopayArgs { file, json } = a;
    let input: CopayInput = match serde_json::from_value(read_input(file)?) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "error: the input must be {{\"household\": {{...}}, \"visits\": [...]}}: {e}"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let result = categorise(&input.household).and_then(|a| {
        let lines = if input.visits.is_empty() {
            Vec::new()
        } else {
            ledger(a.cap, &input.visits)?
        };
        Ok((a, lines))
    });
    let (a, lines) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "category": a.category,
                "category_label": a.category.label_ja(),
                "cap": a.cap,
                "reasons": a.reasons,
                "ledger": lines,
                "rounding": ROUNDING_BASIS,
            }))?
        );
    } else {
        println!("所得区分: {}（{}）", a.category.label_ja(), a.category);
        for r in &a.reasons {
            println!("  - {}  [{} {}]", r.text, r.basis.law, r.basis.source);
        }
        for l in &lines {
            println!(
                "{}  医療費 {:>8} 円  1割 {:>6} 円  自己負担 {:>6} 円  月累計 {:>6} 円{}",
                l.date,
                l.cost,
                l.tenth,
                l.copay,
                l.month_total,
                if l.cap_reached { "  上限到達" } else { "" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu deadlines`: the obligations and findings of each event, or exit 2 naming the rule
/// that refuses one.
pub fn deadlines(a: DeadlinesArgs) -> anyhow::Result<ExitCode> {
    let DeadlinesArgs { file, json } = a;
    tsunagu_domain::law::deadlines::validate_catalogue().map_err(|problems| {
        anyhow::anyhow!("the deadline catalogue is invalid: {}", problems.join("; "))
    })?;
    let doc = read_input(file)?;
    let events = doc
        .get("events")
        .and_then(|e| e.as_array())
        .ok_or_else(|| anyhow::anyhow!("the input must be {{\"events\": [...]}}"))?;
    let mut all: Vec<(usize, Obligation)> = Vec::new();
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for (i, v) in events.iter().enumerate() {
        let result = Event::from_json(v)
            .map_err(|r| Refusal {
                message: format!("events[{i}]: {}", r.message),
                ..r
            })
            .and_then(|e| Ok((obligations(&e)?, findings(&e)?)));
        match result {
            Ok((obs, fs)) => {
                all.extend(obs.into_iter().map(|o| (i, o)));
                found.extend(fs.into_iter().map(|f| (i, f)));
            }
            Err(r) => {
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(
                            &serde_json::json!({ "error": { "event": i, "rule": r.rule, "message": r.message, "basis": r.basis } })
                        )?
                    );
                } else {
                    eprintln!(
                        "error: events[{i}] refused by rule {}: {}",
                        r.rule, r.message
                    );
                    if let Some(b) = r.basis {
                        eprintln!("  basis: {} ({})", b.law, b.source);
                    }
                }
                return Ok(ExitCode::from(2));
            }
        }
    }
    if json {
        let list: Vec<_> = all
            .iter()
            .map(|(i, o)| {
                let mut v = serde_json::to_value(o).unwrap_or_default();
                v["event"] = serde_json::json!(i);
                v
            })
            .collect();
        let found: Vec<_> = found
            .iter()
            .map(|(i, f)| {
                let mut v = serde_json::to_value(f).unwrap_or_default();
                v["event"] = serde_json::json!(i);
                v
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "obligations": list, "findings": found })
            )?
        );
    } else {
        for (i, o) in &all {
            let due = serde_json::to_value(o.due)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let note = o
                .closed_day_note()
                .map(|n| format!("（{n}）"))
                .unwrap_or_default();
            println!(
                "[{i}] {:<30} {due}{note}  {}  {}",
                o.obligation, o.basis.law, o.basis.source
            );
        }
        for (i, f) in &found {
            println!(
                "[{i}] {:<30} {}  {}  {} {}",
                f.finding, f.value, f.meaning, f.basis.law, f.basis.source
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
