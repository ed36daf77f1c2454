//! CLI tests: the real `tsunagu` binary, each test with its own data directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

static N: AtomicU32 = AtomicU32::new(0);

fn data_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tsunagu-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn tsunagu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsunagu"))
        .args(args)
        .env("TSUNAGU_DATA_DIR", dir)
        .env_remove("TSUNAGU_DATABASE_URL")
        .output()
        .expect("run tsunagu")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn search_json_ranks_darc_womens_house_first() {
    let dir = data_dir();
    let v = json(&ok(&tsunagu(&dir, &["search", "--json", "ダルク 女性"])));
    assert_eq!(v["results"][0]["id"], "darc-womens-house");
    assert_eq!(v["results"][0]["name"], "ダルク女性ハウス");
    for key in [
        "id",
        "name",
        "organization",
        "prefecture",
        "phones",
        "url",
        "score",
    ] {
        assert!(v["results"][0].get(key).is_some(), "missing {key}");
    }
    assert!(v["total"].as_u64().is_some());
}

#[test]
fn search_for_akita_finds_the_centre_with_its_phone_flagged() {
    let dir = data_dir();
    let v = json(&ok(&tsunagu(&dir, &["search", "--json", "秋田"])));
    let centre = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "mhwc-05")
        .expect("centre");
    assert_eq!(centre["phones"][0]["flagged"], true);
    let text = ok(&tsunagu(&dir, &["search", "秋田"]));
    assert!(text.contains("118-892-3773（要確認）"), "{text}");
}

#[test]
fn facet_flags_filter_and_bad_codes_are_explained() {
    let dir = data_dir();
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "search",
            "--json",
            "--prefecture",
            "東京都",
            "--concern",
            "drugs",
            "--audience",
            "family",
            "--limit",
            "100",
        ],
    )));
    let ids: Vec<&str> = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"nar-anon") && ids.contains(&"tokyo-darc"),
        "{ids:?}"
    );
    let bad = tsunagu(&dir, &["search", "--concern", "heroin", "x"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("unknown concern \"heroin\"") && err.contains("alcohol"),
        "{err}"
    );
    let bad = tsunagu(&dir, &["search", "--prefecture", "鳥根県", "x"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn csv_and_hsds_exports_round_trip_through_import() {
    for format in ["csv", "hsds"] {
        let a = data_dir();
        let file = a.with_extension(format);
        ok(&tsunagu(
            &a,
            &[
                "export",
                "--format",
                format,
                "--output",
                file.to_str().expect("path"),
            ],
        ));
        let first = std::fs::read(&file).expect("export");
        if format == "csv" {
            assert!(
                first.starts_with("\u{feff}".as_bytes()),
                "CSV starts with a BOM for Excel"
            );
        }
        let b = data_dir();
        ok(&tsunagu(
            &b,
            &[
                "import",
                "--format",
                format,
                "--replace",
                file.to_str().expect("path"),
            ],
        ));
        let again = b.with_extension(format!("again.{format}"));
        ok(&tsunagu(
            &b,
            &[
                "export",
                "--format",
                format,
                "--output",
                again.to_str().expect("path"),
            ],
        ));
        assert!(
            first == std::fs::read(&again).expect("export"),
            "{format} round trip changed the data"
        );
    }
}

#[test]
fn a_bad_csv_row_imports_nothing_unless_skip_invalid() {
    let dir = data_dir();
    let file = dir.with_extension("csv");
    ok(&tsunagu(
        &dir,
        &[
            "export",
            "--format",
            "csv",
            "--output",
            file.to_str().expect("path"),
        ],
    ));
    let text = std::fs::read_to_string(&file).expect("csv");
    // Rename every service so that an import would be visible, and break one row's kind.
    let changed = text
        .replace("ダルク女性ハウス", "ダルク女性ハウス（更新）")
        .replacen(",recovery_facility,", ",not_a_kind,", 1);
    let bad = dir.with_extension("bad.csv");
    std::fs::write(&bad, changed).expect("write");
    let out = tsunagu(
        &dir,
        &["import", "--format", "csv", bad.to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:") && err.contains("not_a_kind") && err.contains("nothing imported"),
        "{err}"
    );
    let v = json(&ok(&tsunagu(
        &dir,
        &["search", "--json", "ダルク女性ハウス"],
    )));
    assert_eq!(
        v["results"][0]["name"], "ダルク女性ハウス",
        "nothing was written"
    );
    let out = tsunagu(
        &dir,
        &[
            "import",
            "--format",
            "csv",
            "--skip-invalid",
            bad.to_str().expect("path"),
        ],
    );
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped 1 bad rows"));
    let v = json(&ok(&tsunagu(
        &dir,
        &["search", "--json", "ダルク女性ハウス"],
    )));
    assert_eq!(v["results"][0]["name"], "ダルク女性ハウス（更新）");
}

#[test]
fn unreadable_or_non_utf8_files_give_clear_errors() {
    let dir = data_dir();
    let out = tsunagu(&dir, &["import", "--format", "hsds", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/file.json"));
    let bin = dir.with_extension("bin");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let out = tsunagu(
        &dir,
        &["import", "--format", "hsds", bin.to_str().expect("path")],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    let out = tsunagu(
        &dir,
        &["import", "handbook-tables", bin.to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = tsunagu(&dir, &["import"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}

#[test]
fn handbook_tables_import_matches_the_bundled_file() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds/004_d9518c60032bdf29.txt");
    if !seed.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            seed.display()
        );
        eprintln!("SKIPPED: {} not found", seed.display());
        return;
    }
    let dir = data_dir();
    let out_file = dir.with_extension("handbook.json");
    let out = tsunagu(
        &dir,
        &[
            "import",
            "handbook-tables",
            seed.to_str().expect("path"),
            "--emit",
            out_file.to_str().expect("path"),
        ],
    );
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("found 62 departments, 64 centres, 29 related organisations"));
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/handbook-tables.json");
    assert!(std::fs::read(&out_file).expect("emitted") == std::fs::read(bundled).expect("bundled"));
}

#[test]
fn reports_can_be_listed_and_closed() {
    let dir = data_dir();
    assert!(ok(&tsunagu(&dir, &["reports", "list"])).contains("no reports"));
    let out = tsunagu(&dir, &["reports", "close", "1", "--resolution", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
    assert!(ok(&tsunagu(&dir, &["status"])).contains("services: 175"));
}

#[test]
fn dict_build_switches_search_to_lindera_ipadic() {
    let ipadic = Path::new("/usr/share/mecab/dic/ipadic/matrix.def");
    if !ipadic.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but mecab-ipadic is not installed"
        );
        eprintln!("SKIPPED: mecab-ipadic is not installed");
        return;
    }
    let dir = data_dir();
    assert!(ok(&tsunagu(&dir, &["status"])).contains("analyser: tinysegmenter"));
    ok(&tsunagu(&dir, &["dict", "build"]));
    assert!(ok(&tsunagu(&dir, &["status"])).contains("analyser: lindera-ipadic"));
    let v = json(&ok(&tsunagu(&dir, &["search", "--json", "ダルク 女性"])));
    assert_eq!(v["results"][0]["id"], "darc-womens-house");
    let out = tsunagu(&dir, &["dict", "build", "--source", "/nonexistent"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mecab-ipadic"));
}

// --- staff accounts, audit, purge, backup and restore ---------------------------------------

fn tsunagu_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
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
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn add_clinician(dir: &Path, name: &str) -> serde_json::Value {
    json(&ok(&tsunagu(
        dir,
        &[
            "user",
            "add",
            name,
            "--role",
            "clinician",
            "--organization",
            "A市保健所",
            "--json",
        ],
    )))
}

/// Runs raw SQL on a data directory's database (playing an attacker with file access).
fn raw_sql(dir: &Path, sql: &str) {
    let path = dir.join("tsunagu.db");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
        )
        .await
        .expect("open");
        for stmt in sql.split(';').filter(|s| !s.trim().is_empty()) {
            sqlx::query(sqlx::AssertSqlSafe(stmt.to_owned()))
                .execute(&pool)
                .await
                .expect("raw sql");
        }
        pool.close().await;
    });
}

#[test]
fn user_add_prints_a_totp_enrolment_and_accounts_can_be_listed_disabled_and_unlocked() {
    let dir = data_dir();
    let v = add_clinician(&dir, "Kimura");
    assert_eq!(v["username"], "kimura");
    assert_eq!(v["role"], "clinician");
    let uri = v["totp_uri"].as_str().expect("uri");
    assert!(uri.starts_with("otpauth://totp/tsunagu:kimura?"), "{uri}");
    let secret = v["totp_secret"].as_str().expect("secret");
    assert!(tsunagu_domain::records::access::TotpSecret::from_base32(secret).is_ok());
    assert!(v["initial_password"]
        .as_str()
        .is_some_and(|p| p.len() == 20));
    // A viewer needs no second factor; a password from stdin must meet the policy.
    let short = tsunagu_stdin(
        &dir,
        &[
            "user",
            "add",
            "mori",
            "--role",
            "viewer",
            "--organization",
            "A",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("12-128"));
    let out = tsunagu_stdin(
        &dir,
        &[
            "user",
            "add",
            "mori",
            "--role",
            "viewer",
            "--organization",
            "A",
            "--password-stdin",
        ],
        "a long enough passphrase\n",
    );
    let text = ok(&out);
    assert!(
        !text.contains("otpauth") && !text.contains("initial password"),
        "{text}"
    );
    let dup = tsunagu(
        &dir,
        &[
            "user",
            "add",
            "kimura",
            "--role",
            "viewer",
            "--organization",
            "A",
        ],
    );
    assert!(
        !dup.status.success() && String::from_utf8_lossy(&dup.stderr).contains("already exists")
    );
    let bad_role = tsunagu(
        &dir,
        &[
            "user",
            "add",
            "x-y",
            "--role",
            "boss",
            "--organization",
            "A",
        ],
    );
    assert!(!bad_role.status.success());
    ok(&tsunagu(&dir, &["user", "disable", "mori"]));
    ok(&tsunagu(&dir, &["user", "unlock", "kimura"]));
    let reset = json(&ok(&tsunagu(
        &dir,
        &["user", "reset-totp", "kimura", "--json"],
    )));
    assert_ne!(reset["totp_secret"], v["totp_secret"]);
    let list = json(&ok(&tsunagu(&dir, &["user", "list", "--json"])));
    let names: Vec<&str> = list["staff"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["username"].as_str())
        .collect();
    assert_eq!(names, ["kimura", "mori"]);
    assert!(list["staff"][1]["disabled_at"].is_string());
    assert!(!tsunagu(&dir, &["user", "disable", "nobody"])
        .status
        .success());
    let audit = json(&ok(&tsunagu(&dir, &["audit", "verify", "--json"])));
    assert_eq!(audit["ok"], true);
    assert_eq!(
        audit["entries"], 5,
        "2 creations, disable, unlock, reset: {audit}"
    );
}

#[test]
fn audit_verify_fails_when_an_entry_is_changed_in_the_database_file() {
    let dir = data_dir();
    add_clinician(&dir, "kimura");
    add_clinician(&dir, "sato");
    ok(&tsunagu(&dir, &["audit", "verify"]));
    raw_sql(&dir, "drop trigger audit_log_no_update; update audit_log set detail = 'role=viewer' where seq = 2");
    let out = tsunagu(&dir, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TAMPERING DETECTED") && err.contains("entry 2"),
        "{err}"
    );
    let v = json(&String::from_utf8_lossy(
        &tsunagu(&dir, &["audit", "verify", "--json"]).stdout,
    ));
    assert_eq!(
        (v["ok"].as_bool(), v["broken_at"].as_i64()),
        (Some(false), Some(2))
    );
}

#[test]
fn backup_and_restore_round_trip_and_refuse_bad_input() {
    let dir = data_dir();
    add_clinician(&dir, "kimura");
    let backup = dir.with_extension("backup.db");
    let _ = std::fs::remove_file(&backup);
    let text = ok(&tsunagu(&dir, &["backup", backup.to_str().expect("utf-8")]));
    assert!(text.contains("integrity ok"), "{text}");
    assert!(
        !tsunagu(&dir, &["backup", backup.to_str().expect("utf-8")])
            .status
            .success(),
        "no overwrite"
    );
    add_clinician(&dir, "sato");
    // A file that is not a database is refused and nothing changes.
    let junk = dir.with_extension("junk");
    std::fs::write(&junk, b"not a database at all").expect("write");
    let out = tsunagu(&dir, &["restore", junk.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert_eq!(
        json(&ok(&tsunagu(&dir, &["user", "list", "--json"])))["staff"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let text = ok(&tsunagu(
        &dir,
        &["restore", backup.to_str().expect("utf-8")],
    ));
    assert!(text.contains("previous database was kept"), "{text}");
    let list = json(&ok(&tsunagu(&dir, &["user", "list", "--json"])));
    assert_eq!(list["staff"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        json(&ok(&tsunagu(&dir, &["audit", "verify", "--json"])))["ok"],
        true
    );
    let purge = json(&ok(&tsunagu(&dir, &["purge", "--json"])));
    assert_eq!(purge["records_expired"], 0);
}

#[test]
fn restore_refuses_while_a_server_runs_on_the_data_directory() {
    let dir = data_dir();
    add_clinician(&dir, "kimura");
    let backup = dir.with_extension("backup2.db");
    let _ = std::fs::remove_file(&backup);
    ok(&tsunagu(&dir, &["backup", backup.to_str().expect("utf-8")]));
    let mut server = Command::new(env!("CARGO_BIN_EXE_tsunagu"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("TSUNAGU_DATA_DIR", &dir)
        .env_remove("TSUNAGU_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    // Wait until it listens (it logs the address once ready).
    let stderr = server.stderr.take().expect("stderr");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let ready = lines
        .by_ref()
        .take(50)
        .map_while(Result::ok)
        .any(|l| l.contains("listening"));
    assert!(ready, "the server did not start");
    let out = tsunagu(&dir, &["restore", backup.to_str().expect("utf-8")]);
    let _ = server.kill();
    let _ = server.wait();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop it first"));
}

// --- alcohol self-check tools -------------------------------------------------------------

#[test]
fn audit_screening_prints_total_band_and_audit_c_and_names_bad_fields() {
    let dir = data_dir();
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "alcohol",
            "audit",
            "--json",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--sex",
            "male",
        ],
    )));
    assert_eq!(v["total"], 24);
    assert_eq!(v["band"], "suspected_dependence");
    assert_eq!(v["audit_c"], 12);
    assert_eq!(v["audit_c_positive"], true);
    assert!(v["sources"]["band"]
        .as_str()
        .is_some_and(|s| s.starts_with("003_44ecc7f7098cb87f.txt:")));
    let low = json(&ok(&tsunagu(
        &dir,
        &[
            "alcohol",
            "audit",
            "--json",
            "--answers",
            "1,0,0,0,0,0,0,0,0,0",
            "--sex",
            "female",
        ],
    )));
    assert_eq!(
        (low["band"].as_str(), low["audit_c_positive"].as_bool()),
        (Some("low_risk"), Some(false))
    );
    for (answers, needle) in [
        ("0,0,0,0,0,0,0,0,3,0", "item 9"),
        ("0,0,0,0,0,0,0,0,0,0,0", "10 answers"),
        ("a,b", "answers"),
    ] {
        let out = tsunagu(&dir, &["alcohol", "audit", "--answers", answers]);
        assert!(!out.status.success(), "{answers}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{answers}"
        );
    }
    assert!(!dir.join("tsunagu.db").exists(), "screening stores nothing");
}

#[test]
fn the_old_audit_screening_spelling_exits_2_naming_tsunagu_alcohol_audit() {
    let dir = data_dir();
    for args in [
        vec!["audit", "--answers", "4,4,4,3,2,1,0,0,2,4"],
        vec![
            "audit",
            "--json",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--sex",
            "male",
        ],
        vec![
            "audit",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--fhir",
            "audit",
        ],
    ] {
        let out = tsunagu(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("tsunagu alcohol audit"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !dir.join("tsunagu.db").exists(),
        "the old spelling opens nothing"
    );
}

#[test]
fn alcohol_grams_and_risk_level_follow_the_manual() {
    let dir = data_dir();
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "grams", "--ml", "500", "--abv", "5"]
        ))
        .trim(),
        "20"
    );
    assert_eq!(
        json(&ok(&tsunagu(
            &dir,
            &["alcohol", "grams", "--ml", "500", "--abv", "5", "--json"]
        )))["grams"],
        20.0
    );
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "drl", "--grams", "70", "--sex", "male"]
        ))
        .trim(),
        "high"
    );
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "drl", "--grams", "20", "--sex", "female"]
        ))
        .trim(),
        "low"
    );
    for (args, needle) in [
        (vec!["alcohol", "grams", "--ml", "-1", "--abv", "5"], "ml:"),
        (
            vec!["alcohol", "grams", "--ml", "100", "--abv", "101"],
            "abv:",
        ),
        (
            vec!["alcohol", "drl", "--grams", "10", "--sex", "x"],
            "sex:",
        ),
        (
            vec!["alcohol", "schedule", "--start", "2026-02-30"],
            "start:",
        ),
    ] {
        let out = tsunagu(&dir, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = json(&ok(&tsunagu(
        &dir,
        &["alcohol", "schedule", "--start", "2026-08-31", "--json"],
    )));
    assert_eq!(s["schedule"][0]["due"], "2026-11-30");
    assert_eq!(s["schedule"][3]["step"], "stop_review_12m");
}

// --- deadlines ------------------------------------------------------------------------------

#[test]
fn deadlines_prints_obligations_with_their_basis_and_refuses_unlawful_events() {
    let dir = data_dir();
    let input = r#"{"events": [
        {"type": "medical_protection_admission", "at": "2026-11-02", "consent_by": "support_obligor"},
        {"type": "urgent_admission", "at": "2026-11-20T23:00", "by": "specified_physician"},
        {"type": "medical_protection_discharge", "at": "2026-11-12"}
    ]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], input)));
    let got: Vec<(String, String, String)> = v["obligations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| {
            (
                o["obligation"].as_str().unwrap_or("").to_owned(),
                o["due"].as_str().unwrap_or("").to_owned(),
                o["basis"]["source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got[0],
        (
            "admission_notice".into(),
            "2026-11-12".into(),
            "004_d9518c60032bdf29.txt:4893".into()
        )
    );
    assert_eq!(got[1].0, "guardian_appointment_deadline");
    let reports: Vec<&str> = got
        .iter()
        .filter(|o| o.0 == "periodic_report_due")
        .map(|o| o.1.as_str())
        .collect();
    assert_eq!(
        reports[0], "2027-11-30",
        "month 12 counting December as the 1st"
    );
    let got: Vec<_> = got
        .into_iter()
        .filter(|o| o.0 != "periodic_report_due")
        .collect();
    assert_eq!(
        got[3],
        (
            "hold_expires".into(),
            "2026-11-21T11:00:00".into(),
            "004_d9518c60032bdf29.txt:4906".into()
        )
    );
    assert_eq!(
        (got[4].0.as_str(), got[4].1.as_str()),
        ("specified_physician_record_due", "2026-12-20"),
        "the 特定医師 record within a month"
    );
    assert_eq!(
        (got[5].0.as_str(), got[5].1.as_str()),
        ("discharge_notice", "2026-11-24"),
        "moved past Sunday and 勤労感謝の日"
    );
    assert!(v["obligations"][0]["basis"]["law"]
        .as_str()
        .is_some_and(|l| l.contains("第33条")));
    let refusals = [
        (
            r#"{"events":[{"type":"involuntary_admission","at":"2026-11-20","examinations":[{"by":"designated_physician","finding":"admission_needed"},{"by":"designated_physician","finding":"not_needed"}]}]}"#,
            "involuntary_admission_two_designated_physicians",
        ),
        (
            r#"{"events":[{"type":"seclusion","at":"2026-11-20T10:00","ordered_by":"physician","hours":13}]}"#,
            "seclusion_over_12_hours_needs_designated_physician",
        ),
        (
            r#"{"events":[{"type":"restriction","at":"2026-11-20","kind":"phone","with":"lawyer"}]}"#,
            "calls_with_lawyer_or_authorities_cannot_be_restricted",
        ),
        (
            r#"{"events":[{"type":"voluntary_admission","at":"2026-02-30"}]}"#,
            "date",
        ),
        (
            r#"{"events":[{"type":"voluntary_admission","at":"2026-02-01","colour":"blue"}]}"#,
            "input",
        ),
    ];
    for (input, rule) in refusals {
        let out = tsunagu_stdin(&dir, &["deadlines", "--json"], input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let v = json(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(v["error"]["rule"], rule, "{input}");
    }
    // 手帳, appeals and 医療観察法 events; booleans are accepted as JSON booleans.
    let more = r#"{"events": [
        {"type": "notebook_application_received", "at": "2026-11-20", "route": "pension", "pension_grade": 2},
        {"type": "notebook_holder_moved", "at": "2026-11-02", "within_prefecture": true},
        {"type": "decision_notified", "at": "2026-11-20"},
        {"type": "outpatient_treatment_order", "at": "2026-11-20"}
    ]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], more)));
    let dues: Vec<(&str, &str)> = v["obligations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| {
            (
                o["obligation"].as_str().unwrap_or(""),
                o["due"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        dues,
        [
            ("notebook_expiry", "2028-11-30"),
            ("notebook_renewal_window_opens", "2028-08-30"),
            ("notebook_change_notice", "2026-12-02"),
            ("objection_deadline", "2027-01-19"),
            ("lawsuit_deadline", "2027-05-20"),
            ("outpatient_period_end", "2029-11-19"),
            ("outpatient_period_max_end", "2031-11-19"),
        ]
    );
    assert_eq!(v["findings"][0]["finding"], "notebook_grade");
    assert_eq!(v["findings"][0]["value"], "2");
    let early = r#"{"events":[{"type":"notebook_application_received","at":"2026-11-20","route":"certificate","first_visit":"2026-08-01","certificate_date":"2026-11-01"}]}"#;
    let out = tsunagu_stdin(&dir, &["deadlines", "--json"], early);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["error"]["rule"],
        "certificate_before_six_months"
    );
    let out = tsunagu_stdin(&dir, &["deadlines"], "not json");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not JSON"));
    // A 審査会 session without a legal member present cannot sit.
    let panel = r#"{"events":[{"type":"review_board_session","at":"2026-11-20","members":[
        {"category":"medical","designated_physician":true,"present":true,"vote":"for"},
        {"category":"medical","designated_physician":true,"present":true,"vote":"for"},
        {"category":"legal","present":false},
        {"category":"other","present":true,"vote":"against"},
        {"category":"other","present":true,"vote":"for"}]}]}"#;
    let out = tsunagu_stdin(&dir, &["deadlines", "--json"], panel);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["error"]["rule"],
        "review_board_quorum"
    );
    let seated = panel.replace(
        r#"{"category":"legal","present":false}"#,
        r#"{"category":"legal","present":true,"vote":"against"}"#,
    );
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], &seated)));
    assert_eq!(v["findings"][0]["value"], "adopted");
}

#[test]
fn copay_gives_the_income_category_its_cap_and_the_ledger() {
    let dir = data_dir();
    let input = r#"{"household": {"tax": "non_taxable", "total_income": -100000, "public_pension": 780000},
        "visits": [{"date": "2026-11-05", "cost": 20000}, {"date": "2026-11-19", "cost": 12345}]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["copay", "--json"], input)));
    assert_eq!(v["category"], "low_1");
    assert_eq!(v["cap"], serde_json::json!({"kind": "yen", "yen": 2500}));
    assert_eq!(v["ledger"][0]["copay"], 2000);
    assert_eq!(v["ledger"][1]["copay"], 500);
    assert_eq!(v["ledger"][1]["cap_reached"], true);
    assert!(v["reasons"][0]["basis"]["source"]
        .as_str()
        .is_some_and(|s| s.ends_with(":20426")));
    for bad in [
        r#"{"household": {"tax": "unknown"}, "visits": [{"date": "2026-11-05", "cost": 1}]}"#,
        r#"{"household": {"tax": "maybe"}}"#,
        r#"{"household": {"tax": "taxed"}, "visits": [{"date": "2026-02-30", "cost": 1}]}"#,
        "[]",
    ] {
        let out = tsunagu_stdin(&dir, &["copay", "--json"], bad);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
}

// --- triage ---------------------------------------------------------------------------------

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

// --- knowledge base -------------------------------------------------------------------------

const GUIDE: &str = "第1章 入院\n\n1. 医療保護入院\n\n医療保護入院とは、本人の同意がなくても保護者の同意で行う入院である。\n\n\
○精神保健及び精神障害者福祉に関する法律\n\n\
第三十三条の二 管理者は、医療保護入院者を退院させたときは、十日以内に届け出なければならない。\n\n\
第三十四条 知事は、移送を行うことができる。\n";

fn docs_dir(files: &[(&str, &[u8])]) -> PathBuf {
    let d = data_dir().with_extension("docs");
    std::fs::create_dir_all(&d).expect("docs dir");
    for (name, bytes) in files {
        std::fs::write(d.join(name), bytes).expect("write");
    }
    d
}

#[test]
fn docs_ingest_is_idempotent_replaces_a_changed_file_and_search_prints_the_json_shape() {
    let dir = data_dir();
    let src = docs_dir(&[
        ("guide.txt", GUIDE.as_bytes()),
        (
            "notes.md",
            "# メモ\n\n## 手帳\n\n手帳の有効期間は2年。\n".as_bytes(),
        ),
    ]);
    let src_s = src.to_str().expect("path");
    let out = tsunagu(&dir, &["docs", "ingest", "--json", src_s]);
    let v = json(&ok(&out));
    let outcomes: Vec<&str> = v["documents"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| d["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(outcomes, ["added", "added"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[2/2]"),
        "progress is shown"
    );
    let v = json(&ok(&tsunagu(&dir, &["docs", "ingest", "--json", src_s])));
    assert!(v["documents"]
        .as_array()
        .expect("list")
        .iter()
        .all(|d| d["outcome"] == "unchanged"));

    let v = json(&ok(&tsunagu(
        &dir,
        &["docs", "search", "--json", "法第33条の2"],
    )));
    let top = &v["results"][0];
    assert_eq!(top["doc"], "guide.txt");
    assert_eq!(top["lines"], serde_json::json!([9, 9]));
    assert!(top["heading"]
        .as_str()
        .is_some_and(|h| h.contains("精神保健")));
    assert!(top["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("第三十三条の二")));
    assert!(top["score"].as_f64().is_some());

    // A changed file replaces its passages: the old article is gone.
    std::fs::write(
        src.join("guide.txt"),
        GUIDE.replace("第三十四条 知事は、移送を行うことができる。\n", ""),
    )
    .expect("write");
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "docs",
            "ingest",
            "--json",
            src.join("guide.txt").to_str().expect("path"),
        ],
    )));
    assert_eq!(v["documents"][0]["outcome"], "replaced");
    let v = json(&ok(&tsunagu(
        &dir,
        &["docs", "search", "--json", "第34条 移送"],
    )));
    assert!(
        v["results"]
            .as_array()
            .expect("list")
            .iter()
            .all(|r| r["article"] != "34"),
        "{v}"
    );
    let v = json(&ok(&tsunagu(&dir, &["docs", "list", "--json"])));
    assert_eq!(v["documents"].as_array().expect("list").len(), 2);
    let out = tsunagu(&dir, &["docs", "search", "手帳 有効期間"]);
    assert!(
        ok(&out).contains("【手帳】"),
        "plain output marks the highlights"
    );
}

#[test]
fn bad_documents_and_questions_get_clear_errors_and_nothing_is_half_ingested() {
    let dir = data_dir();
    let big = data_dir().with_extension("big.txt");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(100 * 1024 * 1024).expect("a sparse 100 MB file");
    let src = docs_dir(&[
        ("good.txt", GUIDE.as_bytes()),
        ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("latin1.txt", b"caf\xe9 au lait\n"),
        ("empty.txt", b"\n\n"),
    ]);
    let out = tsunagu(
        &dir,
        &[
            "docs",
            "ingest",
            src.to_str().expect("path"),
            big.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "binary file",
        "not valid UTF-8",
        "the file is empty",
        "over the limit",
        "nothing was ingested",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let v = json(&ok(&tsunagu(&dir, &["docs", "list", "--json"])));
    assert_eq!(
        v["documents"],
        serde_json::json!([]),
        "the good file was not ingested either"
    );
    let _ = std::fs::remove_file(&big);

    let out = tsunagu(&dir, &["docs", "search", "医療保護入院"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no documents are ingested"));
    ok(&tsunagu(
        &dir,
        &[
            "docs",
            "ingest",
            src.join("good.txt").to_str().expect("path"),
        ],
    ));
    let out = tsunagu(&dir, &["docs", "search", "   "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the question is empty"));
    let out = tsunagu(&dir, &["docs", "remove", "nope.txt"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn eval_docs_prints_mrr_and_recall_against_fts5_on_a_fixture_and_on_the_seeds() {
    let dir = data_dir();
    let src = docs_dir(&[("guide.txt", GUIDE.as_bytes())]);
    let questions = src.join("questions.json");
    std::fs::write(
        &questions,
        r#"[{"id":"a","question":"医保の退院届はいつまで","doc":"guide.txt","lines":[9,9]},
            {"id":"b","question":"医療保護入院とは","doc":"guide.txt","lines":[5,5]}]"#,
    )
    .expect("write");
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "eval",
            "docs",
            "--json",
            "--no-lindera",
            "--rounds",
            "1",
            "--docs",
            src.join("guide.txt").to_str().expect("path"),
            questions.to_str().expect("path"),
        ],
    )));
    let engines = v["engines"].as_array().expect("engines");
    assert_eq!(engines.len(), 2);
    assert_eq!(engines[1]["engine"], "sqlite-fts5-trigram");
    assert_eq!(engines[0]["mrr"], 1.0, "{v}");

    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
    if !Path::new(seeds).is_dir() {
        eprintln!(
            "skipped the seed half: {seeds} is not there (the seeds sit beside the project in CI)"
        );
        return;
    }
    let set = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/docs-questions.json"
    );
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "eval",
            "docs",
            "--json",
            "--no-lindera",
            "--rounds",
            "1",
            "--min-mrr",
            "0.8",
            "--docs",
            seeds,
            set,
        ],
    )));
    assert!(v["questions"].as_u64().is_some_and(|n| n >= 60), "{v}");
    let ours = v["engines"][0]["mrr"].as_f64().unwrap_or(0.0);
    let fts = v["engines"][1]["mrr"].as_f64().unwrap_or(1.0);
    assert!(ours >= 0.8 && ours > fts, "MRR {ours} vs FTS5 {fts}");
}
