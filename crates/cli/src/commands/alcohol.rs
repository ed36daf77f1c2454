//! `tsunagu alcohol …`: AUDIT screening (`audit`, also as a FHIR R4 Bundle), grams, risk
//! level, pathway schedule, presets. Nothing here stores anything: these are self-check tools.
//! The rules and their citations are `tsunagu_domain::alcohol`.

use crate::flags::alcohol::AlcoholAction;
use anyhow::Context;
use std::process::ExitCode;
use tsunagu_domain::alcohol::{
    audit_c_threshold, drinking_risk_level, pathway_schedule, AuditAnswers, Drink, Sex,
    AUDIT_C_CITE, DRL_CITE, GRAMS_CITE, PRESETS, PRESETS_CITE,
};

fn sex(s: Option<&str>) -> anyhow::Result<Option<Sex>> {
    s.map(str::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Prints grams as the manual would: whole numbers bare, else one decimal.
fn grams_text(g: f64) -> String {
    let r = (g * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// `tsunagu alcohol audit`: the total, its band and AUDIT-C.
fn audit(answers: &str, sex_arg: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let a = AuditAnswers::parse_list(answers).map_err(|e| anyhow::anyhow!("{e}"))?;
    let sex = sex(sex_arg)?;
    let band = a.band();
    let positive = sex.map(|s| a.audit_c_positive(s));
    if json {
        let v = serde_json::json!({
            "total": a.total(),
            "band": band.code,
            "band_range": [band.min, band.max],
            "band_label": band.label,
            "guidance": band.guidance,
            "audit_c": a.audit_c(),
            "audit_c_positive": positive,
            "audit_c_threshold": sex.map(audit_c_threshold),
            "sources": { "band": band.cite.source(), "audit_c": AUDIT_C_CITE.source() },
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "AUDIT {} 点（{}〜{} 点）: {}",
            a.total(),
            band.min,
            band.max,
            band.label
        );
        for g in band.guidance {
            println!("  - {g}");
        }
        match (sex, positive) {
            (Some(s), Some(p)) => println!(
                "AUDIT-C {} 点（{} 点以上で依存症を疑う）: {}",
                a.audit_c(),
                audit_c_threshold(s),
                if p { "陽性" } else { "陰性" }
            ),
            _ => println!(
                "AUDIT-C {} 点（--sex を指定すると判定します: 男性 5 点以上、女性 4 点以上）",
                a.audit_c()
            ),
        }
        println!(
            "出典: {}（判定）, {}（AUDIT-C）",
            band.cite.source(),
            AUDIT_C_CITE.source()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu alcohol audit --fhir`: the answers as a FHIR R4 Bundle.
fn audit_fhir(answers: &str, form: &str) -> anyhow::Result<ExitCode> {
    let a = AuditAnswers::parse_list(answers).map_err(|e| anyhow::anyhow!("{e}"))?;
    let form = tsunagu_domain::alcohol::fhir::Form::parse(form)
        .ok_or_else(|| anyhow::anyhow!("--fhir: {form:?} is not audit or audit-c"))?;
    let b = tsunagu_domain::alcohol::fhir::bundle(form, &a, chrono::Utc::now());
    println!("{}", serde_json::to_string_pretty(&b)?);
    Ok(ExitCode::SUCCESS)
}

fn date(field: &str, s: &str) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("{field}: {s:?} is not a date (YYYY-MM-DD)"))
}

/// `tsunagu alcohol …`.
pub fn alcohol(action: AlcoholAction) -> anyhow::Result<ExitCode> {
    match action {
        AlcoholAction::Audit {
            answers,
            sex,
            fhir,
            json,
        } => {
            return match fhir.as_deref() {
                Some(form) => audit_fhir(&answers, form),
                None => audit(&answers, sex.as_deref(), json),
            };
        }
        AlcoholAction::Grams { ml, abv, json } => {
            let d = Drink::parse(ml, abv).map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "grams": (d.grams() * 10.0).round() / 10.0, "source": GRAMS_CITE.source() })
                );
            } else {
                println!("{}", grams_text(d.grams()));
            }
        }
        AlcoholAction::Drl {
            grams,
            sex: s,
            json,
        } => {
            if !grams.is_finite() || grams < 0.0 {
                anyhow::bail!("grams: must be 0 or more");
            }
            let s: Sex = s.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let level = drinking_risk_level(grams, s);
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "level": level.code(), "label": level.label_ja(), "source": DRL_CITE.source() })
                );
            } else {
                println!("{}", level.code());
            }
        }
        AlcoholAction::Schedule {
            start,
            stopped,
            json,
        } => {
            let start = date("start", &start)?;
            let stopped = stopped.as_deref().map(|s| date("stopped", s)).transpose()?;
            if let Some(s) = stopped {
                if s < start {
                    anyhow::bail!("stopped: {s} is before the start {start}");
                }
            }
            let plan = pathway_schedule(start, stopped);
            if json {
                let v: Vec<_> = plan
                    .iter()
                    .map(|m| serde_json::json!({"step": m.code, "due": m.due, "what": m.what, "section": m.cite.section, "source": m.cite.source()}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "schedule": v }))?
                );
            } else {
                for m in &plan {
                    println!(
                        "{}  {}\n            （{} {}）",
                        m.due,
                        m.what,
                        m.cite.section,
                        m.cite.source()
                    );
                }
            }
        }
        AlcoholAction::Presets { json } => {
            if json {
                let v: Vec<_> = PRESETS
                    .iter()
                    .map(|p| serde_json::json!({"code": p.code, "name": p.name, "abv": p.abv, "ml": p.ml, "serving": p.serving, "grams": (Drink::parse(p.ml, p.abv).map(|d| d.grams()).unwrap_or(0.0) * 10.0).round() / 10.0}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "presets": v, "source": PRESETS_CITE.source() })
                    )?
                );
            } else {
                for p in PRESETS {
                    let g = Drink::parse(p.ml, p.abv).map(|d| d.grams()).unwrap_or(0.0);
                    println!(
                        "{:<8} {}（{}%）{} ≈ {} ml → {} g",
                        p.code,
                        p.name,
                        p.abv,
                        p.serving,
                        p.ml,
                        grams_text(g)
                    );
                }
                println!("出典: {}", PRESETS_CITE.source());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
