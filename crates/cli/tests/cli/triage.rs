//! Triage: one consultation's referral plan, and eval triage.

use crate::helpers::{data_dir, json, ok, tsunagu, tsunagu_stdin};
use std::path::Path;
use std::process::{Command, Output};

fn tsunagu_bytes(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsunagu"))
        .args(args)
        .env("TSUNAGU_DATA_DIR", dir)
        .env_remove("TSUNAGU_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        // The child may stop reading early; a broken pipe is fine here.
        let _ = stdin.write_all(input);
    }
    child.wait_with_output().expect("output")
}

#[test]
fn triage_json_reproduces_case_09_and_refuses_bad_input_clearly() {
    let dir = data_dir();
    let input = r#"{"text": "32歳の夫が違法薬物の所持・使用で逮捕され2年服役し、来月の仮釈放が決まった。家族として支えたいが不安。", "prefecture": "東京都"}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["triage", "--json"], input)));
    assert_eq!(v["crisis"], false);
    assert_eq!(v["inferred"]["consultant"], "spouse");
    assert_eq!(v["inferred"]["justice"], "parole_soon");
    let roles: Vec<&str> = v["recommendations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["role"].as_str())
        .collect();
    assert_eq!(
        roles,
        [
            "mental_health_welfare_center",
            "addiction_medical",
            "health_center",
            "recovery_facility",
            "family_group",
            "self_help_group",
            "probation"
        ]
    );
    assert_eq!(
        v["recommendations"][0]["resources"][0]["id"],
        "tokyo-mhwc-addiction-hub"
    );
    assert!(v["recommendations"][6]["reasons"][0]
        .as_str()
        .is_some_and(|r| r.contains("000_aa5960de417e9b16.txt:86")));
    assert!(v["points"]
        .as_array()
        .is_some_and(|p| p.iter().any(|x| x["cite"] == "000_aa5960de417e9b16.txt:62")));
    // The plain-text plan for pasting into a record.
    let text = ok(&tsunagu_stdin(&dir, &["triage"], input));
    assert!(text.starts_with("1. 精神保健福祉センター") && text.contains("支援のポイント"));
    // Crisis first.
    let v = json(&ok(&tsunagu_stdin(
        &dir,
        &["triage", "--json"],
        r#"{"text": "市販薬をまとめて飲んだ。もう消えたい。"}"#,
    )));
    assert_eq!(v["crisis"], true);
    assert_eq!(v["recommendations"][0]["role"], "crisis_line");
    // Bad input: a clear message and exit 2, never a panic.
    let big = format!(r#"{{"text": "{}"}}"#, "あ".repeat(1_000_000 / 3));
    for (input, needle) in [
        (br#"{}"#.to_vec(), "empty"),
        (br#"{"text": "   "}"#.to_vec(), "empty"),
        (big.into_bytes(), "characters"),
        (vec![0xff, 0xfe, 0x7b], "UTF-8"),
        (
            br#"{"text": "x", "concerns": ["astrology"]}"#.to_vec(),
            "unknown",
        ),
        (
            br#"{"text": "x", "colour": "blue"}"#.to_vec(),
            "unknown field",
        ),
        (
            br#"{"text": "x", "prefecture": "Atlantis"}"#.to_vec(),
            "prefecture",
        ),
        (b"[1, 2]".to_vec(), "consultation"),
    ] {
        let out = tsunagu_bytes(&dir, &["triage", "--json"], &input);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{needle}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn eval_triage_prints_its_figures_on_the_case_set() {
    let dir = data_dir();
    let cases = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/triage-cases.json");
    let v = json(&ok(&tsunagu(&dir, &["eval", "triage", "--json", cases])));
    assert!(v["cases"].as_u64().is_some_and(|n| n >= 40));
    // Regression guards on the labelled set (the figures are reported in the README).
    assert!(v["role_recall"].as_f64().is_some_and(|r| r >= 0.95), "{v}");
    assert!(
        v["role_precision"].as_f64().is_some_and(|r| r >= 0.95),
        "{v}"
    );
    assert_eq!(v["crisis_recall"], 1.0, "{v}");
    assert_eq!(v["false_crisis"], 0, "{v}");
}

#[test]
fn eval_crisis_reports_recall_false_alarms_and_fails_below_its_thresholds() {
    let dir = data_dir();
    let fixture = |name: &str| format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let mini = fixture("crisis-mini.json");
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "eval",
            "crisis",
            "--json",
            "--min-recall",
            "1",
            "--max-false-alarms",
            "0",
            &mini,
        ],
    )));
    let set = &v["sets"][0];
    assert_eq!(set["crisis_texts"], 1);
    assert_eq!(set["found"], 1);
    assert_eq!(set["controls"], 1);
    assert_eq!(set["false_alarms"], 0);
    assert_eq!(v["all"]["recall"], 1.0);

    // Two sets: each reported, then all; a recall below the threshold exits 1 and says so.
    let wrong = fixture("crisis-wrong-label.json");
    let out = tsunagu(
        &dir,
        &["eval", "crisis", "--min-recall", "1", &mini, &wrong],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("crisis-wrong-label.json: recall 0.000 (0/1")
            && text.contains("1 relabelled after seeing the engine")
            && text.contains("miss  w1")
            && text.contains("all: recall 0.500 (1/2)"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("below the thresholds"));

    // A label that contradicts itself is refused, naming the text.
    let out = tsunagu(&dir, &["eval", "crisis", &fixture("crisis-bad.json")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x1"));
}
