//! The knowledge base: docs ingest, search, list, remove, and eval docs.

use crate::helpers::{data_dir, json, ok, tsunagu};
use std::path::{Path, PathBuf};

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
