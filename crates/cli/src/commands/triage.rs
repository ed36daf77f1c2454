//! `tsunagu triage` (one consultation as JSON on standard input → the referral plan) and
//! `tsunagu eval triage <cases.json>` (role precision and recall, crisis recall, must-include
//! hits over a labelled case set) and `tsunagu eval crisis <set.json>…` (whether the plan
//! opens with the crisis section: recall, false alarms, every miss). All use the deployment's directory from the store, and the
//! rule and lexicon files given with `--rules` / `--lexicon` or the bundled ones. The rules
//! themselves are `tsunagu_domain::triage` (data in `data/triage-rules.json` and
//! `data/triage-lexicon.json`); `bench::triage` times them.

use crate::flags::triage::{EvalCrisisArgs, EvalTriageArgs, TriageArgs};
use crate::kit::store::ready_store;
use anyhow::Context;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tsunagu_domain::directory::model::Directory;
use tsunagu_domain::triage::{
    plan, plan_json, plan_text, Consultation, Lexicon, Resources, RuleBook,
};

/// Loads the rule book and lexicon: the given files, else the bundled ones.
pub fn load_data(
    rules: Option<&Path>,
    lexicon: Option<&Path>,
) -> anyhow::Result<(RuleBook, Lexicon)> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let book = match rules {
        Some(p) => RuleBook::parse(&read(p)?)?,
        None => RuleBook::bundled()?,
    };
    let lex = match lexicon {
        Some(p) => Lexicon::parse(&read(p)?)?,
        None => Lexicon::bundled()?,
    };
    Ok((book, lex))
}

/// `tsunagu triage`.
pub async fn run(a: TriageArgs) -> anyhow::Result<ExitCode> {
    let dir = ready_store(a.store.at()).await?.directory().await?;
    plan_one(&dir, a.rules.as_deref(), a.lexicon.as_deref(), a.json)
}

/// `tsunagu eval triage`.
pub async fn eval(a: EvalTriageArgs) -> anyhow::Result<ExitCode> {
    let dir = ready_store(a.store.at()).await?.directory().await?;
    evaluate(
        &dir,
        &a.file,
        a.rules.as_deref(),
        a.lexicon.as_deref(),
        a.json,
    )
}

/// Plans the consultation on standard input.
fn plan_one(
    dir: &Directory,
    rules: Option<&Path>,
    lexicon: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (book, lex) = load_data(rules, lexicon)?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(2 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            eprintln!("error: the input is not UTF-8 text");
            return Ok(ExitCode::from(2));
        }
    };
    let consultation: Consultation = match serde_json::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: the input must be one consultation object ({e})");
            return Ok(ExitCode::from(2));
        }
    };
    let now = tsunagu_domain::common::calendar::jst(chrono::Utc::now());
    let index = Resources::new(dir);
    let p = match plan(&book, &lex, &index, &consultation, now) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&plan_json(&p))?);
    } else {
        print!("{}", plan_text(&p));
    }
    Ok(ExitCode::SUCCESS)
}

/// One labelled case (also read by `tsunagu bench-triage`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The case's name in the set.
    pub id: String,
    /// The consultation to plan.
    pub input: Consultation,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    roles: Vec<String>,
    #[serde(default)]
    crisis: bool,
    #[serde(default)]
    must_include: Vec<String>,
    #[serde(default)]
    first_role: Option<String>,
}

/// Scores the plans of the labelled cases in `file`.
fn evaluate(
    dir: &Directory,
    file: &PathBuf,
    rules: Option<&Path>,
    lexicon: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (book, lex) = load_data(rules, lexicon)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let cases: Vec<Case> =
        serde_json::from_str(&text).context("the case file is not a list of cases")?;
    anyhow::ensure!(!cases.is_empty(), "the case file has no cases");
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(11, 0, 0))
        .context("date")?;
    let index = Resources::new(dir);
    let (mut tp, mut predicted, mut gold) = (0usize, 0usize, 0usize);
    let (mut crisis_cases, mut crisis_found, mut false_crisis) = (0usize, 0usize, 0usize);
    let (mut must, mut must_hit) = (0usize, 0usize);
    let (mut first_total, mut first_hit) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut latencies = Vec::new();
    for c in &cases {
        let started = std::time::Instant::now();
        let p =
            plan(&book, &lex, &index, &c.input, now).with_context(|| format!("case {}", c.id))?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let got: BTreeSet<&str> = p.recommendations.iter().map(|r| r.role.code()).collect();
        let want: BTreeSet<&str> = c.expect.roles.iter().map(String::as_str).collect();
        tp += got.intersection(&want).count();
        predicted += got.len();
        gold += want.len();
        if got != want {
            misses.push(serde_json::json!({
                "case": c.id,
                "missing": want.difference(&got).collect::<Vec<_>>(),
                "extra": got.difference(&want).collect::<Vec<_>>(),
            }));
        }
        if c.expect.crisis {
            crisis_cases += 1;
            if p.crisis && p.recommendations.first().map(|r| r.role.code()) == Some("crisis_line") {
                crisis_found += 1;
            }
        } else if p.crisis {
            false_crisis += 1;
        }
        if let Some(first) = &c.expect.first_role {
            first_total += 1;
            if p.recommendations.first().map(|r| r.role.code()) == Some(first.as_str()) {
                first_hit += 1;
            }
        }
        let ids: BTreeSet<&str> = p
            .recommendations
            .iter()
            .flat_map(|r| r.resources.iter().map(|x| x.id.as_str()))
            .collect();
        for m in &c.expect.must_include {
            must += 1;
            if ids.contains(m.as_str()) {
                must_hit += 1;
            } else {
                misses.push(serde_json::json!({"case": c.id, "must_include_missing": m}));
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let figures = serde_json::json!({
        "cases": cases.len(),
        "role_precision": ratio(tp, predicted),
        "role_recall": ratio(tp, gold),
        "crisis_cases": crisis_cases,
        "crisis_recall": ratio(crisis_found, crisis_cases),
        "false_crisis": false_crisis,
        "first_role_hits": format!("{first_hit}/{first_total}"),
        "must_include_hits": format!("{must_hit}/{must}"),
        "latency_ms_p50": pct(0.5),
        "latency_ms_max": pct(1.0),
        "misses": misses,
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        println!("cases: {}", cases.len());
        println!("role precision: {:.3}", ratio(tp, predicted));
        println!("role recall:    {:.3}", ratio(tp, gold));
        println!("crisis recall:  {:.3} ({crisis_found}/{crisis_cases}; opening with the crisis section), false crisis: {false_crisis}", ratio(crisis_found, crisis_cases));
        println!("first role:     {first_hit}/{first_total}");
        println!("must-include:   {must_hit}/{must}");
        for m in &misses {
            println!("  miss: {m}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One text of a crisis set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrisisText {
    id: String,
    text: String,
    crisis: bool,
    /// `suicidal`, `self_harm`, `overdose`, `medical_emergency`, `violence` or `none`.
    kind: String,
    /// Who is at risk: `self`, `family`, `other` or `none`.
    who: String,
    /// Why the label is what it is.
    #[allow(dead_code)]
    why: String,
    /// Set when the label was changed after the engine's answer was seen (and why).
    #[serde(default)]
    relabelled: Option<String>,
}

/// The figures of one set (or of all).
#[derive(Debug, Default)]
struct CrisisTally {
    crisis: usize,
    found: usize,
    controls: usize,
    false_alarms: usize,
    relabelled: usize,
    by_kind: std::collections::BTreeMap<String, (usize, usize)>,
    misses: Vec<serde_json::Value>,
    alarms: Vec<serde_json::Value>,
}

impl CrisisTally {
    fn recall(&self) -> f64 {
        if self.crisis == 0 {
            1.0
        } else {
            self.found as f64 / self.crisis as f64
        }
    }
    fn false_alarm_rate(&self) -> f64 {
        if self.controls == 0 {
            0.0
        } else {
            self.false_alarms as f64 / self.controls as f64
        }
    }
    fn add(&mut self, other: &CrisisTally) {
        self.crisis += other.crisis;
        self.found += other.found;
        self.controls += other.controls;
        self.false_alarms += other.false_alarms;
        self.relabelled += other.relabelled;
        for (k, (n, f)) in &other.by_kind {
            let e = self.by_kind.entry(k.clone()).or_default();
            e.0 += n;
            e.1 += f;
        }
    }
    fn json(&self, name: &str) -> serde_json::Value {
        serde_json::json!({
            "set": name,
            "crisis_texts": self.crisis,
            "found": self.found,
            "recall": self.recall(),
            "controls": self.controls,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": self.false_alarm_rate(),
            "relabelled": self.relabelled,
            "recall_by_kind": self.by_kind.iter().map(|(k, (n, f))| (k.clone(), serde_json::json!({"texts": n, "found": f}))).collect::<serde_json::Map<_, _>>(),
            "misses": self.misses,
            "false_alarm_texts": self.alarms,
        })
    }
}

/// The first characters of a text, for a report line.
fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(70).collect();
    if one_line.chars().count() > 70 {
        out.push('…');
    }
    out
}

/// `tsunagu eval crisis`: for each text, whether its plan opens with the crisis section.
pub async fn eval_crisis(a: EvalCrisisArgs) -> anyhow::Result<ExitCode> {
    for (flag, v) in [
        ("--min-recall", a.min_recall),
        ("--max-false-alarms", a.max_false_alarms),
    ] {
        if let Some(v) = v {
            anyhow::ensure!(
                (0.0..=1.0).contains(&v),
                "{flag} is a fraction from 0 to 1 (got {v})"
            );
        }
    }
    let dir = ready_store(a.store.at()).await?.directory().await?;
    let (book, lex) = load_data(a.rules.as_deref(), a.lexicon.as_deref())?;
    let index = Resources::new(&dir);
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(23, 0, 0))
        .context("date")?;
    let mut sets = Vec::new();
    let mut all = CrisisTally::default();
    let mut ids = BTreeSet::new();
    for file in &a.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let texts: Vec<CrisisText> = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a list of {{id, text, crisis, kind, who, why}}",
                file.display()
            )
        })?;
        anyhow::ensure!(!texts.is_empty(), "{} has no texts", file.display());
        let mut t = CrisisTally::default();
        for c in &texts {
            anyhow::ensure!(ids.insert(c.id.clone()), "id {} appears twice", c.id);
            anyhow::ensure!(
                c.crisis == (c.kind != "none"),
                "{}: crisis {} but kind {:?}",
                c.id,
                c.crisis,
                c.kind
            );
            let consultation = Consultation {
                text: c.text.clone(),
                ..Default::default()
            };
            let p = plan(&book, &lex, &index, &consultation, now)
                .with_context(|| format!("text {}", c.id))?;
            let opened =
                p.crisis && p.recommendations.first().map(|r| r.role.code()) == Some("crisis_line");
            let signals: Vec<&str> = p.facts.urgency.iter().map(|u| u.code()).collect();
            t.relabelled += usize::from(c.relabelled.is_some());
            let line = serde_json::json!({"id": c.id, "kind": c.kind, "who": c.who, "signals": signals, "text": excerpt(&c.text)});
            if c.crisis {
                t.crisis += 1;
                let e = t.by_kind.entry(c.kind.clone()).or_default();
                e.0 += 1;
                if opened {
                    t.found += 1;
                    e.1 += 1;
                } else {
                    t.misses.push(line);
                }
            } else {
                t.controls += 1;
                if p.crisis {
                    t.false_alarms += 1;
                    t.alarms.push(line);
                }
            }
        }
        all.add(&t);
        sets.push((file.display().to_string(), t));
    }
    let failed = a.min_recall.is_some_and(|m| all.recall() < m)
        || a.max_false_alarms
            .is_some_and(|m| all.false_alarm_rate() > m);
    if a.json {
        let per: Vec<_> = sets.iter().map(|(n, t)| t.json(n)).collect();
        let mut total = all.json("all");
        if let Some(o) = total.as_object_mut() {
            o.remove("misses");
            o.remove("false_alarm_texts");
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"sets": per, "all": total}))?
        );
    } else {
        for (name, t) in &sets {
            println!(
                "{name}: recall {:.3} ({}/{} crisis texts open with the crisis section), false alarms {:.3} ({}/{} controls){}",
                t.recall(),
                t.found,
                t.crisis,
                t.false_alarm_rate(),
                t.false_alarms,
                t.controls,
                if t.relabelled > 0 { format!(", {} relabelled after seeing the engine", t.relabelled) } else { String::new() }
            );
            for (k, (n, f)) in &t.by_kind {
                println!("  {k}: {f}/{n}");
            }
            for m in &t.misses {
                println!(
                    "  miss  {} [{}/{}] {}",
                    m["id"].as_str().unwrap_or(""),
                    m["kind"].as_str().unwrap_or(""),
                    m["who"].as_str().unwrap_or(""),
                    m["text"].as_str().unwrap_or("")
                );
            }
            for m in &t.alarms {
                println!(
                    "  alarm {} {} {}",
                    m["id"].as_str().unwrap_or(""),
                    m["signals"],
                    m["text"].as_str().unwrap_or("")
                );
            }
        }
        if sets.len() > 1 {
            println!(
                "all: recall {:.3} ({}/{}), false alarms {:.3} ({}/{})",
                all.recall(),
                all.found,
                all.crisis,
                all.false_alarm_rate(),
                all.false_alarms,
                all.controls
            );
        }
    }
    if failed {
        eprintln!(
            "below the thresholds: recall {:.3} (at least {}), false alarms {:.3} (at most {})",
            all.recall(),
            a.min_recall.map_or("-".into(), |m| m.to_string()),
            all.false_alarm_rate(),
            a.max_false_alarms.map_or("-".into(), |m| m.to_string())
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
