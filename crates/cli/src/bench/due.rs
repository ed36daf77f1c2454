//! `tsunagu bench-due`: the deadline dashboard over a large store. Fills a fresh SQLite file
//! with `--obligations` stored obligations (1,000,000 by default) spread over 10 organisations
//! and six years of due dates, a third of them done, then times in the same run:
//! - the dashboard's queries as the store runs them (`obligations_open_due` index),
//! - the same queries with the index switched off (`NOT INDEXED`: a scan), the baseline,
//! - the whole `due_list` call through the store, including its audit entry (an fsync'd write).
//!
//! It also prints SQLite's query plan, so the figure can be checked to come from the index.

use crate::flags::bench::BenchDueArgs;
use sqlx::Row;
use std::process::ExitCode;
use std::time::Instant;
use tsunagu_domain::records::access::{OrgScope, Role, Username};
use tsunagu_domain::records::consent::{
    ConsentGiver, ConsentScope, NewConsent, RecordKind, RetentionPolicy,
};
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::{Actor, NewStaff, StaffCtx};
use tsunagu_store::SqliteStore;

const ORGS: usize = 10;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The dashboard's three range queries, as `due_list` runs them, optionally without the index.
fn dashboard_sql(scan: bool) -> String {
    format!(
        "select o.id, o.due, o.due_at, s.label from obligations o {} join subjects s on s.id = o.subject_id \
         where o.organization = ?1 and o.done_at is null and o.due_at >= ?2 and o.due_at < ?3 \
         order by o.due_at, o.id limit 200",
        if scan { "not indexed" } else { "" }
    )
}

async fn time_queries(
    pool: &sqlx::SqlitePool,
    scan: bool,
    runs: usize,
    now: &str,
    week: &str,
) -> anyhow::Result<(Vec<f64>, Vec<i64>)> {
    let sql = dashboard_sql(scan);
    let mut times = Vec::with_capacity(runs);
    let mut first_rows = Vec::new();
    for i in 0..runs {
        let org = format!("bench-{}", i % ORGS);
        let started = Instant::now();
        let mut rows = Vec::new();
        for (from, to) in [("", now), (now, week), (week, "~")] {
            let r = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&org)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?;
            rows.extend(r.iter().filter_map(|x| x.try_get::<i64, _>("id").ok()));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if i == 0 {
            first_rows = rows;
        }
    }
    times.sort_by(f64::total_cmp);
    Ok((times, first_rows))
}

pub async fn run(args: BenchDueArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("tsunagu-bench-due-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("due.db");
    let store = SqliteStore::open(&path).await?;
    store.migrate().await?;
    let now = chrono::Utc::now();
    let started = Instant::now();
    // One clinician, file, consent and case record per organisation, through the store.
    let mut places = Vec::new();
    for o in 0..ORGS {
        let staff = store
            .create_staff(
                &NewStaff {
                    username: Username::parse(&format!("bench{o}"))
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                    organization: OrgScope::parse(&format!("bench-{o}"))
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                    role: Role::Clinician,
                    password_hash: "unused".into(),
                    totp_secret: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()),
                },
                &Actor::cli("bench"),
                now,
            )
            .await?;
        let ctx = StaffCtx::of(&staff, "127.0.0.1");
        let subject = store
            .create_subject(&ctx, &format!("file {o}"), now)
            .await?;
        let consent = NewConsent::parse(
            "benchmark",
            ConsentScope::new([RecordKind::Case]).map_err(|e| anyhow::anyhow!("{e}"))?,
            ConsentGiver::Subject,
            None,
            now,
            now,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        store
            .record_consent(&ctx, subject.id, &consent, now)
            .await?;
        let record = store
            .add_case_event(
                &ctx,
                subject.id,
                &serde_json::json!({"type": "voluntary_admission", "at": "2026-01-01"}),
                &[],
                &RetentionPolicy::default(),
                now,
            )
            .await?;
        places.push((ctx, subject.id.0, record.id.0));
    }
    // The bulk of the rows straight in SQL, in one transaction per organisation: due days
    // spread over 2024–2029, a third done.
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await?;
    let per_org = args.obligations / ORGS as u64;
    for (i, (ctx, subject, record)) in places.iter().enumerate() {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?1), \
             d(i, day) as (select i, date('2024-01-01', '+' || (abs(random()) % 2190) || ' days') from n) \
             insert into obligations (record_id, subject_id, organization, obligation, due, due_at, law, source, meaning, done_at) \
             select ?2, ?3, ?4, 'periodic_report_due', day, date(day, '+1 day') || 'T15:00:00.000000Z', \
                    '精神保健福祉法第38条の2', '004_d9518c60032bdf29.txt:2260', 'benchmark', \
                    case when abs(random()) % 3 = 0 then '2026-01-01T00:00:00.000000Z' end from d",
        )
        .bind(per_org as i64)
        .bind(record)
        .bind(subject)
        .bind(ctx.organization.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        eprintln!("filled {} / {ORGS} organisations", i + 1);
    }
    sqlx::query("analyze").execute(&pool).await?;
    let fill_s = started.elapsed().as_secs_f64();
    let total: i64 = sqlx::query("select count(*) as n from obligations")
        .fetch_one(&pool)
        .await?
        .try_get("n")?;
    let plan: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "explain query plan {}",
        dashboard_sql(false)
    )))
    .bind("bench-0")
    .bind("")
    .bind("~")
    .fetch_all(&pool)
    .await?
    .iter()
    .filter_map(|r| r.try_get::<String, _>("detail").ok())
    .collect();

    let ts = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let (now_s, week_s) = (ts(now), ts(now + chrono::Duration::days(7)));
    let (indexed, rows_i) = time_queries(&pool, false, args.runs, &now_s, &week_s).await?;
    let scan_runs = (args.runs / 10).max(5);
    let (scanned, rows_s) = time_queries(&pool, true, scan_runs, &now_s, &week_s).await?;
    anyhow::ensure!(
        rows_i == rows_s && !rows_i.is_empty(),
        "the scan and the index disagree"
    );
    let mut whole = Vec::with_capacity(args.runs);
    for i in 0..args.runs {
        let ctx = &places[i % ORGS].0;
        let started = Instant::now();
        let list = store.due_list(ctx, 200, now).await?;
        whole.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(list.overdue.len() <= 200);
    }
    whole.sort_by(f64::total_cmp);
    pool.close().await;
    store.close_pool().await;
    let _ = std::fs::remove_dir_all(&dir);

    let fig = |v: &[f64]| (percentile(v, 0.5), percentile(v, 0.99));
    let (i50, i99) = fig(&indexed);
    let (s50, s99) = fig(&scanned);
    let (w50, w99) = fig(&whole);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "obligations": total, "fill_seconds": fill_s, "plan": plan,
                "indexed": {"runs": indexed.len(), "p50_ms": i50, "p99_ms": i99},
                "scan": {"runs": scanned.len(), "p50_ms": s50, "p99_ms": s99},
                "due_list_with_audit": {"runs": whole.len(), "p50_ms": w50, "p99_ms": w99},
            }))?
        );
    } else {
        println!("obligations stored: {total} (filled in {fill_s:.1} s), {ORGS} organisations");
        println!("query plan: {}", plan.join(" / "));
        println!(
            "dashboard queries, index      : p50 {i50:.2} ms  p99 {i99:.2} ms  ({} runs)",
            indexed.len()
        );
        println!(
            "dashboard queries, scan (base): p50 {s50:.2} ms  p99 {s99:.2} ms  ({} runs)",
            scanned.len()
        );
        println!("due_list through the store (3 ranges, counts, audit entry): p50 {w50:.2} ms  p99 {w99:.2} ms");
        println!("index vs scan at p50: {:.0}× faster", s50 / i50.max(1e-9));
    }
    Ok(ExitCode::SUCCESS)
}
