//! `tsunagu bench-writes`: what `synchronous = FULL` costs for personal records, measured
//! against NORMAL on the same machine, sequentially and with concurrent writers.

use crate::flags::bench::BenchWritesArgs;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tsunagu_domain::records::access::{OrgScope, Role, Username};
use tsunagu_domain::records::consent::{
    ConsentGiver, ConsentScope, NewConsent, RecordKind, RetentionPolicy,
};
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::{Actor, NewStaff, StaffCtx};
use tsunagu_store::SqliteStore;

struct Figures {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn setup(store: &SqliteStore) -> anyhow::Result<(StaffCtx, tsunagu_domain::SubjectId)> {
    store.migrate().await?;
    let now = chrono::Utc::now();
    let staff = store
        .create_staff(
            &NewStaff {
                username: Username::parse("bench").map_err(|e| anyhow::anyhow!("{e}"))?,
                organization: OrgScope::parse("bench").map_err(|e| anyhow::anyhow!("{e}"))?,
                role: Role::Counsellor,
                password_hash: "unused".into(),
                totp_secret: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()),
            },
            &Actor::cli("bench"),
            now,
        )
        .await?;
    let ctx = StaffCtx::of(&staff, "127.0.0.1");
    let subject = store.create_subject(&ctx, "bench", now).await?;
    let scope =
        ConsentScope::new([RecordKind::Consultation]).map_err(|e| anyhow::anyhow!("{e}"))?;
    let consent = NewConsent::parse("bench", scope, ConsentGiver::Subject, None, now, now)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .record_consent(&ctx, subject.id, &consent, now)
        .await?;
    Ok((ctx, subject.id))
}

async fn run_once(
    store: Arc<SqliteStore>,
    records: usize,
    writers: usize,
) -> anyhow::Result<Figures> {
    let (ctx, subject) = setup(&store).await?;
    let per_writer = records.div_ceil(writers.max(1));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers.max(1) {
        let store = store.clone();
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_writer);
            let policy = RetentionPolicy::default();
            for i in 0..per_writer {
                let body = serde_json::json!({ "note": format!("writer {w} record {i}: 相談の記録（ベンチマーク）") });
                let t = Instant::now();
                store
                    .add_record(&ctx, subject, RecordKind::Consultation, &body, &policy, chrono::Utc::now())
                    .await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, tsunagu_store::StoreError>(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(Figures {
        per_second: all.len() as f64 / secs,
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
    })
}

pub async fn run(a: BenchWritesArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("tsunagu-bench-writes-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut rows = Vec::new();
    for (label, full) in [("FULL", true), ("NORMAL", false)] {
        for writers in [1, a.writers] {
            let path = dir.join(format!("{label}-{writers}.db"));
            let store = if full {
                SqliteStore::open(&path).await?
            } else {
                SqliteStore::open_relaxed_for_benchmark(&path).await?
            };
            let store = Arc::new(store);
            let f = run_once(store.clone(), a.records, writers).await?;
            store.close().await;
            rows.push((label, writers, f));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if a.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(l, w, f)| serde_json::json!({"synchronous": l, "writers": w, "records_per_second": f.per_second, "p50_ms": f.p50_ms, "p99_ms": f.p99_ms}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "records": a.records, "runs": v }))?
        );
    } else {
        println!(
            "{} records per run; each write = one transaction with its audit entry (WAL mode)",
            a.records
        );
        println!(
            "{:<8} {:>7} {:>12} {:>9} {:>9}",
            "sync", "writers", "records/s", "p50 ms", "p99 ms"
        );
        for (l, w, f) in &rows {
            println!(
                "{l:<8} {w:>7} {:>12.0} {:>9.2} {:>9.2}",
                f.per_second, f.p50_ms, f.p99_ms
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
