//! The directory of support services: `search`, `import` (HSDS, CSV, the handbook tables),
//! `export`, `reports` (problems reported on a listing), `status`, `migrate` and `dict build`
//! (the lindera + IPADIC dictionary search uses). The exchange formats are in
//! `tsunagu_domain::directory::exchange`; the index is `tsunagu_search::SearchIndex`.

use crate::flags::directory::{
    DictAction, ExportArgs, Format, ImportArgs, ImportSource, ReportsAction, SearchArgs,
};
use crate::flags::store::StoreArgs;
use crate::kit::analyzer::{analyzer_for, ipadic_dir};
use crate::kit::store::{open_store, ready_store};
use crate::kit::terminal::printable;
use anyhow::{bail, Context};
use std::process::ExitCode;
use std::time::Instant;
use tsunagu_domain::directory::exchange::{csv as csvfmt, handbook, hsds};
use tsunagu_domain::directory::report::ReportStatus;
use tsunagu_domain::{Directory, ReportId};
use tsunagu_search::{LinderaIpadic, RawFilters, SearchIndex, SearchRequest};
use tsunagu_store::Store;

/// `tsunagu search`.
pub async fn search(a: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut request = SearchRequest {
        text: a.query.clone().unwrap_or_default(),
        open_now: a.open_now,
        now: Some(tsunagu_domain::common::calendar::jst(chrono::Utc::now())),
        limit: a.limit.clamp(1, 100),
        ..Default::default()
    };
    let raw = RawFilters {
        prefecture: a.prefecture.as_deref(),
        region: a.region.as_deref(),
        concern: a.concern.as_deref(),
        audience: a.audience.as_deref(),
        service_kind: a.service_kind.as_deref(),
        kind: a.kind.as_deref(),
    };
    raw.apply(&mut request)?;
    if request.text.chars().count() > tsunagu_search::MAX_QUERY_CHARS {
        bail!(
            "the query is longer than {} characters",
            tsunagu_search::MAX_QUERY_CHARS
        );
    }
    let store = ready_store(a.store.at()).await?;
    let dir = store.directory().await?;
    let index = SearchIndex::build(&dir, analyzer_for(&a.store.data_dir))?;
    let results = index.search(&request)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("{}件", results.total);
        for (i, h) in results.results.iter().enumerate() {
            let phones: Vec<String> = h
                .phones
                .iter()
                .map(|p| {
                    if p.flagged {
                        format!("{}（要確認）", p.number)
                    } else {
                        p.number.clone()
                    }
                })
                .collect();
            println!(
                "{:>2}. {}  [{}]  {}",
                i + 1,
                h.name,
                h.prefecture.as_deref().unwrap_or("全国"),
                phones.join(" / ")
            );
            if let Some(state) = &h.open_now {
                println!("    {}  /services/{}", state.label_ja(), h.id);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a file to import, refusing one over 512 MiB.
fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    const MAX: u64 = 512 * 1024 * 1024;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > MAX {
        bail!(
            "{} is larger than {} MiB",
            path.display(),
            MAX / 1024 / 1024
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The file's text, or an error naming the first byte that is not UTF-8.
fn utf8(path: &std::path::Path, bytes: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{} is not valid UTF-8 (first bad byte at offset {at})",
            path.display()
        )
    })
}

/// Writes the directory in one transaction: replacing the whole directory, or adding/updating.
async fn write_directory(store: &dyn Store, dir: &Directory, replace: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!(
        "writing {} organizations and {} services in one transaction…",
        dir.organizations.len(),
        dir.services.len()
    );
    let summary = if replace {
        store.replace_directory(dir, chrono::Utc::now()).await?
    } else {
        store.upsert_directory(dir, chrono::Utc::now()).await?
    };
    eprintln!(
        "imported {} organizations and {} services in {:.1} s",
        summary.organizations,
        summary.services,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `tsunagu import`.
pub async fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(ImportSource::HandbookTables {
        file,
        emit,
        skip_invalid,
        store,
    }) = a.source
    {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("handbook.txt")
            .to_owned();
        let text = utf8(&file, read_file(&file)?)?;
        eprintln!("parsing {}…", file.display());
        let im = handbook::import(&name, &text);
        eprintln!("found {} departments, {} centres, {} related organisations; {} data-quality notes; {} rows filled down", im.departments, im.centres, im.related, im.notes.len(), im.filled_down.len());
        for e in &im.errors {
            eprintln!("{}:{}: {}", file.display(), e.line, e.message);
        }
        if !im.errors.is_empty() && !skip_invalid {
            bail!(
                "{} bad rows; nothing imported (use --skip-invalid to import the rest)",
                im.errors.len()
            );
        }
        if !im.errors.is_empty() {
            eprintln!("skipped {} bad rows", im.errors.len());
        }
        if let Some(out) = emit {
            let mut json = serde_json::to_string_pretty(&im.directory)?;
            json.push('\n');
            std::fs::write(&out, json)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("wrote {}", out.display());
            return Ok(ExitCode::SUCCESS);
        }
        let store = ready_store(store.at()).await?;
        write_directory(store.as_ref(), &im.directory, false).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(format), Some(file)) = (a.format, a.file.as_ref()) else {
        bail!("usage: tsunagu import --format hsds|csv <file>   or   tsunagu import handbook-tables <file>");
    };
    eprintln!("reading {}…", file.display());
    let bytes = read_file(file)?;
    let dir = match format {
        Format::Hsds => {
            let text = utf8(file, bytes)?;
            let opts = hsds::ImportOptions {
                source: file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into(),
                ),
                default_kind: a.kind,
            };
            hsds::import_with(&text, &opts).map_err(|e| match e {
                hsds::HsdsError::At { line, problem } => {
                    anyhow::anyhow!("{}:{line}: {problem}; nothing imported", file.display())
                }
                other => anyhow::anyhow!("{}: {other}; nothing imported", file.display()),
            })?
        }
        Format::Csv => {
            let (dir, errors) = csvfmt::read(&bytes);
            for e in &errors {
                eprintln!("{}:{}: {}", file.display(), e.line, e.message);
            }
            if !errors.is_empty() && !a.skip_invalid {
                bail!(
                    "{} bad rows; nothing imported (use --skip-invalid to import the rest)",
                    errors.len()
                );
            }
            if !errors.is_empty() {
                eprintln!("skipped {} bad rows (listed above)", errors.len());
            }
            dir
        }
    };
    eprintln!(
        "parsed {} organizations and {} services",
        dir.organizations.len(),
        dir.services.len()
    );
    let store = ready_store(a.store.at()).await?;
    write_directory(store.as_ref(), &dir, a.replace).await?;
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu export`.
pub async fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let ExportArgs {
        format,
        output,
        public_url,
        store,
    } = a;
    let store = ready_store(store.at()).await?;
    let dir = store.directory().await?;
    let bytes = match format {
        Format::Hsds => {
            let mut s = serde_json::to_string_pretty(&hsds::export(
                &dir,
                public_url.map(|u| hsds::profile_url(u.as_str())).as_deref(),
            ))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => csvfmt::write(&dir)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "exported {} services to {}",
                dir.services.len(),
                path.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu reports …`.
pub async fn reports(action: ReportsAction, args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let store = ready_store(args.at()).await?;
    match action {
        ReportsAction::List { all, json } => {
            let list = store
                .reports(if all { None } else { Some(ReportStatus::Open) })
                .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({"reports": list}))?
                );
            } else if list.is_empty() {
                println!("no reports");
            } else {
                for r in list {
                    println!(
                        "#{} [{}] {} {}: {}",
                        r.id,
                        r.status,
                        r.created_at.format("%Y-%m-%d %H:%M"),
                        r.service_id,
                        printable(&r.message)
                    );
                }
            }
        }
        ReportsAction::Close { id, resolution } => {
            let r = store
                .close_report(ReportId(id), &resolution, chrono::Utc::now())
                .await?;
            println!("closed #{}", r.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu migrate`.
pub async fn migrate(store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let s = open_store(store.at()).await?;
    s.migrate().await?;
    println!("migrations applied ({})", s.backend());
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu status`.
pub async fn status(store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let s = ready_store(store.at()).await?;
    println!("backend: {}", s.backend());
    println!("analyser: {}", analyzer_for(&store.data_dir).name());
    println!("services: {}", s.count_services().await?);
    println!(
        "dataset: {}",
        s.meta("dataset").await?.unwrap_or_else(|| "-".into())
    );
    println!(
        "open reports: {}",
        s.reports(Some(ReportStatus::Open)).await?.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu dict build`.
pub fn dict(action: DictAction) -> anyhow::Result<ExitCode> {
    let DictAction::Build { source, data_dir } = action;
    let out = ipadic_dir(&data_dir);
    eprintln!(
        "building the IPADIC dictionary from {} into {}…",
        source.display(),
        out.display()
    );
    let started = Instant::now();
    LinderaIpadic::build(&source, &out)?;
    eprintln!(
        "built in {:.1} s; serve and search now use lindera-ipadic",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
