//! `tsunagu deadlines`: reads `{"events": [{"type", "at", …}]}` on standard input (or
//! `--file`) and prints the obligations with their legal basis, or refuses an unlawful or
//! impossible event naming the rule (exit code 2).

use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use tsunagu_domain::deadlines::{obligations, At, Event, Obligation, Refusal, EVENT_TYPES};

/// Reads one event object.
fn event_of(i: usize, v: &serde_json::Value) -> Result<Event, Refusal> {
    let bad = |m: String| Refusal {
        rule: "input",
        message: format!("events[{i}]: {m}"),
        basis: None,
    };
    let obj = v
        .as_object()
        .ok_or_else(|| bad("must be an object".into()))?;
    let kind = obj
        .get("type")
        .and_then(|t| t.as_str())
        .ok_or_else(|| bad("\"type\" is required".into()))?;
    let at = obj
        .get("at")
        .and_then(|t| t.as_str())
        .ok_or_else(|| bad("\"at\" is required".into()))?;
    let at = At::parse(at).map_err(|r| bad(r.message))?;
    let (required, optional): (&[&str], &[&str]) = EVENT_TYPES
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or((&[], &[]), |(_, r, o)| (*r, *o));
    let allowed: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut fields = Vec::new();
    let mut examinations = Vec::new();
    for (k, v) in obj {
        match k.as_str() {
            "type" | "at" => {}
            "examinations" if allowed.contains(&"examinations") => {
                for (j, x) in v
                    .as_array()
                    .ok_or_else(|| bad("examinations must be a list".into()))?
                    .iter()
                    .enumerate()
                {
                    let by = x
                        .get("by")
                        .and_then(|b| b.as_str())
                        .ok_or_else(|| bad(format!("examinations[{j}].by is required")))?;
                    let finding = x
                        .get("finding")
                        .and_then(|b| b.as_str())
                        .ok_or_else(|| bad(format!("examinations[{j}].finding is required")))?;
                    examinations.push((by.to_owned(), finding.to_owned()));
                }
            }
            name if allowed.contains(&name) => {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return Err(bad(format!("{name} must be text, a number or true/false"))),
                };
                fields.push((name.to_owned(), text));
            }
            other if EVENT_TYPES.iter().any(|(k, _, _)| *k == kind) => {
                return Err(bad(format!("unknown field {other:?} for {kind}")));
            }
            _ => {}
        }
    }
    Ok(Event {
        kind: kind.to_owned(),
        at,
        fields,
        examinations,
    })
}

pub fn run(file: Option<PathBuf>, json: bool) -> anyhow::Result<ExitCode> {
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
    let doc: serde_json::Value = serde_json::from_str(&text).context("the input is not JSON")?;
    let events = doc
        .get("events")
        .and_then(|e| e.as_array())
        .ok_or_else(|| anyhow::anyhow!("the input must be {{\"events\": [...]}}"))?;
    let mut all: Vec<(usize, Obligation)> = Vec::new();
    for (i, v) in events.iter().enumerate() {
        let result = event_of(i, v).and_then(|e| obligations(&e));
        match result {
            Ok(obs) => all.extend(obs.into_iter().map(|o| (i, o))),
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
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "obligations": list }))?
        );
    } else {
        for (i, o) in &all {
            let due = serde_json::to_value(o.due)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let note = match (&o.closed_day, o.moved_from) {
                (Some(c), Some(from)) => format!("（{from} は{c}のため翌開庁日へ）"),
                (Some(c), None) => format!("（{c}）"),
                _ => String::new(),
            };
            println!(
                "[{i}] {:<30} {due}{note}  {}  {}",
                o.obligation, o.basis.law, o.basis.source
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
