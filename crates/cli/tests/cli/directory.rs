//! The directory: search, import, export, reports, dict build.

use crate::helpers::{data_dir, json, ok, tsunagu};
use std::path::Path;

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
fn an_hsds_export_names_its_profile_under_the_public_url_given() {
    let dir = data_dir();
    let plain = json(&ok(&tsunagu(&dir, &["export", "--format", "hsds"])));
    assert!(plain.get("profile").is_none(), "no URL, no profile");
    let named = json(&ok(&tsunagu(
        &dir,
        &[
            "export",
            "--format",
            "hsds",
            "--public-url",
            "https://tsunagu.example.jp/",
        ],
    )));
    assert_eq!(named["profile"], "https://tsunagu.example.jp/hsds/profile");
    let bad = tsunagu(
        &dir,
        &[
            "export",
            "--format",
            "hsds",
            "--public-url",
            "tsunagu.example.jp",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("absolute http(s) URL"), "{err}");
}

#[test]
fn hsds_another_system_wrote_imports_with_a_kind_or_fails_at_its_line() {
    let dir = data_dir();
    let fixture = format!(
        "{}/../domain/tests/fixtures/hsds/foreign.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = tsunagu(&dir, &["import", "--format", "hsds", &fixture]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("foreign.json:") && err.contains("--kind") && err.contains("nothing imported"),
        "{err}"
    );
    let bad = tsunagu(
        &dir,
        &["import", "--format", "hsds", "--kind", "clinic", &fixture],
    );
    assert_eq!(bad.status.code(), Some(2), "an unknown kind is refused");
    ok(&tsunagu(
        &dir,
        &[
            "import",
            "--format",
            "hsds",
            "--kind",
            "addiction_npo",
            &fixture,
        ],
    ));
    let v = json(&ok(&tsunagu(
        &dir,
        &["search", "--json", "こころの電話相談"],
    )));
    assert_eq!(v["results"][0]["name"], "こころの電話相談");
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
    assert!(ok(&tsunagu(&dir, &["status"])).contains("services: 176"));
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

#[test]
fn reports_list_escapes_control_characters_from_public_report_text() {
    // Arrange: a report as the public form would store it, with terminal escape sequences.
    let dir = data_dir();
    ok(&tsunagu(&dir, &["status"]));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        use tsunagu_domain::directory::report::{NewReport, ReportCategory};
        use tsunagu_store::prelude::*;
        let store = tsunagu_store::SqliteStore::open(&dir.join("tsunagu.db"))
            .await
            .expect("open");
        let id = tsunagu_domain::ServiceId::parse("mhwc-05").expect("id");
        let text = "電話が\x1b[2J\x1b]0;pwned\x07つながらない\r\n#2 [closed] 偽の行\u{9b}";
        let report = NewReport::parse(id, ReportCategory::Phone, text).expect("valid report");
        store
            .add_report(&report, chrono::Utc::now())
            .await
            .expect("add");
        store.close_pool().await;
    });
    // Act
    let out = ok(&tsunagu(&dir, &["reports", "list"]));
    // Assert
    assert!(
        !out.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reached the terminal: {out:?}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("電話が\\u{1b}[2J"), "{out}");
    assert!(
        out.contains("つながらない\\u{d}\\u{a}#2 [closed] 偽の行\\u{9b}"),
        "{out}"
    );
}
