//! `tsunagu bench`: search latency and precision, tantivy (this project) against SQLite FTS5
//! with the trigram tokenizer, in one process and one run, on the same folded text.
//!
//! Datasets: the bundled directory, and a synthetic directory of N services generated from it
//! (deterministic: names, descriptions and kinds are drawn from the bundled services and spread
//! over the 47 prefectures). Queries: `bench/queries.json`, a labelled set written for this
//! project. Latency is measured per query, in process, over `--rounds` passes, after one warm-up
//! pass; p50/p99 are over all samples. Precision@5 uses the bundled dataset (the labels name
//! bundled ids) with denominator min(5, number of relevant ids), so 1.0 means "every relevant
//! listing that fits in the top 5 is there".
//!
//! FTS5-trigram cannot MATCH terms shorter than 3 characters (`秋田`, `AA`, `女性`), so for
//! those parts the baseline uses `LIKE '%part%'` on the same columns, which is what an
//! application on FTS5-trigram has to do; ranking is `bm25()` with the name weighted 3:1 when a
//! MATCH term exists, otherwise row order.

use crate::flags::bench::BenchArgs;
use crate::kit::measure::{memory_pool, percentile};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tsunagu_domain::common::normalize::fold;
use tsunagu_domain::directory::dataset;
use tsunagu_domain::Directory;
use tsunagu_search::{
    searchable_texts, Analyzer, LinderaIpadic, SearchIndex, SearchRequest, TinySegmenter,
    DEBIAN_IPADIC,
};

#[derive(Deserialize)]
struct QuerySet {
    queries: Vec<Labelled>,
}

#[derive(Deserialize, Clone)]
struct Labelled {
    q: String,
    relevant: Vec<String>,
}

#[derive(Serialize, Default)]
struct EngineFigures {
    build_ms: f64,
    p50_us: f64,
    p99_us: f64,
    mean_us: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision_at_5: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hit_at_1: Option<f64>,
}

#[derive(Serialize)]
struct DatasetFigures {
    dataset: String,
    services: usize,
    queries: usize,
    samples_per_engine: usize,
    tantivy: EngineFigures,
    #[serde(skip_serializing_if = "Option::is_none")]
    tantivy_lindera: Option<EngineFigures>,
    fts5_trigram: EngineFigures,
    p50_ratio_fts5_over_tantivy: f64,
    p99_ratio_fts5_over_tantivy: f64,
}

const BUNDLED_QUERIES: &str = include_str!("../../../../bench/queries.json");

/// N synthetic services built from the bundled ones
/// ([`tsunagu_domain::directory::synthetic::synthetic`]).
pub fn synthetic(base: &Directory, n: usize) -> anyhow::Result<Directory> {
    tsunagu_domain::directory::synthetic::synthetic(base, n).context("synthetic directory")
}

struct Fts5 {
    pool: SqlitePool,
}

impl Fts5 {
    async fn build(dir: &Directory) -> anyhow::Result<Fts5> {
        let pool = memory_pool().await?;
        sqlx::query(
            "create virtual table docs using fts5(id unindexed, name, body, tokenize = 'trigram')",
        )
        .execute(&pool)
        .await
        .context("this SQLite has no FTS5 trigram tokenizer")?;
        let mut tx = pool.begin().await?;
        for t in searchable_texts(dir) {
            sqlx::query("insert into docs (id, name, body) values ($1, $2, $3)")
                .bind(t.id)
                .bind(fold(&t.names.join(" ")))
                .bind(fold(&t.body))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Fts5 { pool })
    }

    async fn search(&self, text: &str, limit: i64) -> anyhow::Result<Vec<String>> {
        let folded = fold(text);
        let parts: Vec<&str> = folded.split(' ').filter(|p| !p.is_empty()).collect();
        let long: Vec<String> = parts
            .iter()
            .filter(|p| p.chars().count() >= 3)
            .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
            .collect();
        let short: Vec<String> = parts
            .iter()
            .filter(|p| p.chars().count() < 3)
            .map(|p| format!("%{p}%"))
            .collect();
        let mut sql = String::from("select id from docs where 1 = 1");
        if !long.is_empty() {
            sql.push_str(" and docs match ?");
        }
        // With a MATCH, a unary `+` keeps the LIKE terms as filters: newer SQLite would otherwise
        // plan them as trigram-index constraints and then refuse the MATCH ("unable to use
        // function MATCH in the requested context"). Without a MATCH, LIKE uses the index.
        let like = if long.is_empty() {
            " and (name like ? or body like ?)"
        } else {
            " and (+name like ? or +body like ?)"
        };
        for _ in &short {
            sql.push_str(like);
        }
        if !long.is_empty() {
            sql.push_str(" order by bm25(docs, 0.0, 3.0, 1.0)");
        }
        sql.push_str(" limit ?");
        // The SQL text is built from fixed fragments only; every value is bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        if !long.is_empty() {
            q = q.bind(long.join(" AND "));
        }
        for s in &short {
            q = q.bind(s.clone()).bind(s.clone());
        }
        let rows = q
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .with_context(|| format!("FTS5 query for {text:?}: {sql}"))?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("id").map_err(Into::into))
            .collect()
    }
}

fn summarize(mut samples: Vec<Duration>, build: Duration) -> EngineFigures {
    samples.sort();
    let mean =
        samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len().max(1) as f64 * 1e6;
    EngineFigures {
        build_ms: build.as_secs_f64() * 1e3,
        p50_us: percentile(&samples, 50.0),
        p99_us: percentile(&samples, 99.0),
        mean_us: mean,
        precision_at_5: None,
        hit_at_1: None,
    }
}

fn precision(results: &[Vec<String>], queries: &[Labelled]) -> (f64, f64) {
    let mut p5 = 0.0;
    let mut h1 = 0.0;
    for (got, q) in results.iter().zip(queries) {
        let top5 = got
            .iter()
            .take(5)
            .filter(|id| q.relevant.contains(id))
            .count();
        p5 += top5 as f64 / q.relevant.len().clamp(1, 5) as f64;
        if got.first().is_some_and(|id| q.relevant.contains(id)) {
            h1 += 1.0;
        }
    }
    let n = queries.len().max(1) as f64;
    (p5 / n, h1 / n)
}

fn show_misses(engine: &str, results: &[Vec<String>], queries: &[Labelled]) {
    for (got, q) in results.iter().zip(queries) {
        let found = got
            .iter()
            .take(5)
            .filter(|id| q.relevant.contains(id))
            .count();
        let wanted = q.relevant.len().clamp(1, 5);
        if found < wanted {
            let top: Vec<&String> = got.iter().take(5).collect();
            eprintln!(
                "miss [{engine}] {:?}: {found}/{wanted} relevant in top 5; got {top:?}",
                q.q
            );
        }
    }
}

/// The ids of tantivy's top 10 for `q`: what every timed tantivy query runs.
fn top_ids(index: &SearchIndex, q: &str) -> anyhow::Result<Vec<String>> {
    let request = SearchRequest {
        text: q.to_owned(),
        limit: 10,
        ..Default::default()
    };
    Ok(index
        .search(&request)?
        .results
        .into_iter()
        .map(|h| h.id)
        .collect())
}

/// tantivy with another analyser, measured alone over the same queries.
fn measure_tantivy(
    dir: &Directory,
    queries: &[Labelled],
    rounds: usize,
    labelled: bool,
    analyzer: Arc<dyn Analyzer>,
) -> anyhow::Result<EngineFigures> {
    let t = Instant::now();
    let index = SearchIndex::build(dir, analyzer)?;
    let build = t.elapsed();
    let mut lists = Vec::new();
    for q in queries {
        lists.push(top_ids(&index, &q.q)?);
    }
    let mut samples = Vec::with_capacity(rounds * queries.len());
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            let r = top_ids(&index, &q.q)?;
            samples.push(t.elapsed());
            std::hint::black_box(r);
        }
    }
    let mut figures = summarize(samples, build);
    if labelled {
        let (p, h) = precision(&lists, queries);
        figures.precision_at_5 = Some(p);
        figures.hit_at_1 = Some(h);
    }
    Ok(figures)
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    lindera: Option<Arc<dyn Analyzer>>,
    name: &str,
    dir: &Directory,
    queries: &[Labelled],
    rounds: usize,
    labelled: bool,
    misses: bool,
    per_query: bool,
) -> anyhow::Result<DatasetFigures> {
    eprintln!(
        "[{name}] indexing {} services with tantivy…",
        dir.services.len()
    );
    let t = Instant::now();
    let index = SearchIndex::build(dir, Arc::new(TinySegmenter))?;
    let tantivy_build = t.elapsed();
    eprintln!("[{name}] indexing with FTS5 (trigram)…");
    let t = Instant::now();
    let fts = Fts5::build(dir).await?;
    let fts_build = t.elapsed();
    // Warm-up pass, which also yields the result lists for precision.
    let mut tantivy_lists = Vec::new();
    let mut fts_lists = Vec::new();
    for q in queries {
        tantivy_lists.push(top_ids(&index, &q.q)?);
        fts_lists.push(fts.search(&q.q, 10).await?);
    }
    eprintln!(
        "[{name}] measuring {rounds} rounds × {} queries per engine…",
        queries.len()
    );
    let mut tantivy_samples = Vec::with_capacity(rounds * queries.len());
    let mut fts_samples = Vec::with_capacity(rounds * queries.len());
    let mut by_query: Vec<(Vec<Duration>, Vec<Duration>)> =
        vec![(Vec::new(), Vec::new()); queries.len()];
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let r = top_ids(&index, &q.q)?;
            let e = t.elapsed();
            tantivy_samples.push(e);
            by_query[i].0.push(e);
            std::hint::black_box(r);
            let t = Instant::now();
            let r = fts.search(&q.q, 10).await?;
            let e = t.elapsed();
            fts_samples.push(e);
            by_query[i].1.push(e);
            std::hint::black_box(r);
        }
    }
    if per_query {
        for (q, (mut t, mut f)) in queries.iter().zip(by_query) {
            t.sort();
            f.sort();
            eprintln!(
                "[{name}] {:>9.0} µs tantivy {:>9.0} µs fts5  {:?}",
                percentile(&t, 50.0),
                percentile(&f, 50.0),
                q.q
            );
        }
    }
    let samples = tantivy_samples.len();
    let mut tantivy = summarize(tantivy_samples, tantivy_build);
    let mut fts5 = summarize(fts_samples, fts_build);
    if labelled && misses {
        show_misses("tantivy", &tantivy_lists, queries);
        show_misses("fts5-trigram", &fts_lists, queries);
    }
    if labelled {
        let (p, h) = precision(&tantivy_lists, queries);
        tantivy.precision_at_5 = Some(p);
        tantivy.hit_at_1 = Some(h);
        let (p, h) = precision(&fts_lists, queries);
        fts5.precision_at_5 = Some(p);
        fts5.hit_at_1 = Some(h);
    }
    let tantivy_lindera = match lindera {
        Some(a) => {
            eprintln!("[{name}] indexing and measuring tantivy with lindera-ipadic…");
            Some(measure_tantivy(dir, queries, rounds, labelled, a)?)
        }
        None => None,
    };
    Ok(DatasetFigures {
        tantivy_lindera,
        dataset: name.to_owned(),
        services: dir.services.len(),
        queries: queries.len(),
        samples_per_engine: samples,
        p50_ratio_fts5_over_tantivy: fts5.p50_us / tantivy.p50_us.max(f64::MIN_POSITIVE),
        p99_ratio_fts5_over_tantivy: fts5.p99_us / tantivy.p99_us.max(f64::MIN_POSITIVE),
        tantivy,
        fts5_trigram: fts5,
    })
}

/// Runs the benchmark and prints the figures.
pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let text = match &args.queries {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => BUNDLED_QUERIES.to_owned(),
    };
    let set: QuerySet =
        serde_json::from_str(&text).context("the query file is not a labelled query set")?;
    anyhow::ensure!(!set.queries.is_empty(), "the query set is empty");
    let rounds = args.rounds.max(1);
    let bundled = dataset::bundled()?;
    let lindera: Option<Arc<dyn Analyzer>> = if args.no_lindera {
        None
    } else if std::path::Path::new(DEBIAN_IPADIC)
        .join("matrix.def")
        .is_file()
    {
        let out = std::env::temp_dir().join(format!("tsunagu-bench-ipadic-{}", std::process::id()));
        eprintln!(
            "building the IPADIC dictionary for lindera into {}…",
            out.display()
        );
        LinderaIpadic::build(std::path::Path::new(DEBIAN_IPADIC), &out)?;
        Some(Arc::new(LinderaIpadic::load(&out)?))
    } else {
        eprintln!(
            "lindera-ipadic not measured: {DEBIAN_IPADIC} not found (apt-get install mecab-ipadic)"
        );
        None
    };
    let mut figures = vec![
        measure(
            lindera.clone(),
            "bundled",
            &bundled,
            &set.queries,
            rounds,
            true,
            args.show_misses,
            args.per_query,
        )
        .await?,
    ];
    if args.synthetic > 0 {
        eprintln!("generating {} synthetic services…", args.synthetic);
        let syn = synthetic(&bundled, args.synthetic)?;
        figures.push(
            measure(
                lindera.clone(),
                &format!("synthetic-{}", args.synthetic),
                &syn,
                &set.queries,
                rounds,
                false,
                false,
                args.per_query,
            )
            .await?,
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "search benchmark: tantivy ({} + bigrams; tantivy-lindera: lindera-ipadic + bigrams) vs SQLite FTS5 trigram, same text, same run",
        TinySegmenter.name()
    );
    println!(
        "{:<18} {:>8} {:<15} {:>10} {:>9} {:>9} {:>9} {:>7} {:>6}",
        "dataset", "services", "engine", "build ms", "p50 µs", "p99 µs", "mean µs", "P@5", "hit@1"
    );
    for f in &figures {
        let engines = [
            ("tantivy", Some(&f.tantivy)),
            ("tantivy-lindera", f.tantivy_lindera.as_ref()),
            ("fts5-trigram", Some(&f.fts5_trigram)),
        ];
        for (engine, e) in engines.into_iter().filter_map(|(n, e)| Some((n, e?))) {
            println!(
                "{:<18} {:>8} {:<15} {:>10.0} {:>9.0} {:>9.0} {:>9.0} {:>7} {:>6}",
                f.dataset,
                f.services,
                engine,
                e.build_ms,
                e.p50_us,
                e.p99_us,
                e.mean_us,
                e.precision_at_5
                    .map(|p| format!("{p:.3}"))
                    .unwrap_or_else(|| "-".into()),
                e.hit_at_1
                    .map(|p| format!("{p:.3}"))
                    .unwrap_or_else(|| "-".into()),
            );
        }
        println!(
            "{:<18} FTS5/tantivy latency ratio: p50 {:.1}×, p99 {:.1}× ({} samples per engine)",
            f.dataset,
            f.p50_ratio_fts5_over_tantivy,
            f.p99_ratio_fts5_over_tantivy,
            f.samples_per_engine
        );
    }
    Ok(ExitCode::SUCCESS)
}
