//! Shared fixtures: a fresh data directory per test, and the real `tsunagu` binary run on it
//! with arguments (and standard input).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

static N: AtomicU32 = AtomicU32::new(0);

pub fn data_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tsunagu-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

pub fn tsunagu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsunagu"))
        .args(args)
        .env("TSUNAGU_DATA_DIR", dir)
        .env_remove("TSUNAGU_DATABASE_URL")
        .output()
        .expect("run tsunagu")
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

pub fn tsunagu_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
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

/// Starts `tsunagu serve` on a free loopback port with `env` set, and waits until it listens;
/// the error is what it printed when it did not start.
pub fn start_server(dir: &Path, env: &[(&str, &str)]) -> Result<std::process::Child, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tsunagu"));
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .env("TSUNAGU_DATA_DIR", dir)
        .env_remove("TSUNAGU_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut server = cmd.spawn().expect("serve");
    let stderr = server.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stderr))
        .take(200)
        .map_while(Result::ok)
    {
        if line.contains("listening") {
            return Ok(server);
        }
        seen.push(line);
    }
    let _ = server.kill();
    let _ = server.wait();
    Err(seen.join("\n"))
}

/// A fresh database on the test PostgreSQL server (`TSUNAGU_TEST_DATABASE_URL`), or `None`
/// with a SKIPPED line when there is none (with `CI=true` that is a failure).
pub fn postgres_database() -> Option<String> {
    let Ok(url) = std::env::var("TSUNAGU_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but TSUNAGU_TEST_DATABASE_URL is not set"
        );
        eprintln!("SKIPPED (postgres): TSUNAGU_TEST_DATABASE_URL is not set; run scripts/check to start PostgreSQL");
        return None;
    };
    let name = format!(
        "tsunagu_cli_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        use sqlx::Executor;
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("connect to the test server");
        admin
            .execute(sqlx::AssertSqlSafe(format!("create database {name}")))
            .await
            .expect("create database");
        admin.close().await;
    });
    let (base, _) = url.rsplit_once('/').expect("URL ends with a database name");
    Some(format!("{base}/{name}"))
}
