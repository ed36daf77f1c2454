//! Sensitive records: staff accounts, the audit trail, backup and restore.

use crate::helpers::{data_dir, json, ok, postgres_database, start_server, tsunagu, tsunagu_stdin};
use std::path::Path;

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
    let mut server = start_server(&dir, &[]).expect("the server did not start");
    let out = tsunagu(&dir, &["restore", backup.to_str().expect("utf-8")]);
    let _ = server.kill();
    let _ = server.wait();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop it first"));
}

#[test]
fn two_servers_share_one_working_directory_on_postgresql_but_not_on_sqlite() {
    // SQLite: the second server on the same data directory is refused.
    let dir = data_dir();
    let mut first = start_server(&dir, &[]).expect("the first SQLite server starts");
    let second = start_server(&dir, &[]);
    let _ = first.kill();
    let _ = first.wait();
    let refused = second.expect_err("a second SQLite server on the same directory must not start");
    assert!(refused.contains("another tsunagu server"), "{refused}");

    // PostgreSQL: both start from one working directory.
    let Some(url) = postgres_database() else {
        return;
    };
    let dir = data_dir();
    let env = [("TSUNAGU_DATABASE_URL", url.as_str())];
    let mut a = start_server(&dir, &env).expect("the first PostgreSQL server starts");
    let b = start_server(&dir, &env);
    let _ = a.kill();
    let _ = a.wait();
    let mut b = b.expect("a second server on the same PostgreSQL database and directory starts");
    let _ = b.kill();
    let _ = b.wait();
}
