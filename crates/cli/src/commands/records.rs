//! Commands for the sensitive-records side: staff accounts, the audit trail, purge, backup
//! and restore.
//!
//! Every change made here is written to the audit trail as `cli:<operating-system user>`.

use crate::flags::records::{AuditArgs, AuditCommand, BackupArgs, RestoreArgs, UserAction};
use crate::flags::store::StoreArgs;
use crate::kit::store::{lock_data_dir, open_store, ready_store};
use anyhow::{bail, Context};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tsunagu_domain::records::access::{OrgScope, Password, Role, Username};
use tsunagu_domain::records::audit_trail::{AuditAction, AuditEvent, AuditTarget};
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::{Actor, NewStaff, Staff};
use tsunagu_store::SqliteStore;
use tsunagu_web::auth::{hash_password, new_totp_secret, random_bytes};

/// The command line as an audit actor.
fn cli_actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::cli(&user)
}

fn username(s: &str) -> anyhow::Result<Username> {
    Username::parse(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A random password of 20 characters from an unambiguous alphabet.
fn generated_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes(20)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

fn staff_json(s: &Staff) -> serde_json::Value {
    serde_json::json!({
        "username": s.username,
        "role": s.role,
        "organization": s.organization,
        "totp_enrolled": s.totp_secret.is_some(),
        "locked_until": s.locked_until,
        "disabled_at": s.disabled_at,
        "created_at": s.created_at,
    })
}

/// `tsunagu user …`.
pub async fn user(action: UserAction, args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let store = ready_store(args.at()).await?;
    let now = chrono::Utc::now();
    let by = cli_actor();
    match action {
        UserAction::Add {
            username: name,
            role,
            organization,
            password_stdin,
            json,
        } => {
            let username = username(&name)?;
            let role: Role = role
                .parse()
                .map_err(|e| anyhow::anyhow!("{e}: use admin, clinician, counsellor or viewer"))?;
            let organization =
                OrgScope::parse(&organization).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (password_text, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("cannot read the password from standard input")?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (generated_password()?, true)
            };
            let password = Password::parse(&password_text).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
            let secret = if role.needs_totp() {
                Some(new_totp_secret()?)
            } else {
                None
            };
            let new = NewStaff {
                username: username.clone(),
                organization,
                role,
                password_hash: hash,
                totp_secret: secret.as_ref().map(|s| s.to_base32()),
            };
            let staff = store.create_staff(&new, &by, now).await?;
            let uri = secret.as_ref().map(|s| s.provisioning_uri(&username));
            if json {
                let mut v = staff_json(&staff);
                v["totp_uri"] = serde_json::json!(uri);
                v["totp_secret"] = serde_json::json!(secret.as_ref().map(|s| s.to_base32()));
                if generated {
                    v["initial_password"] = serde_json::json!(password_text);
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "created {} ({}, {})",
                    staff.username, staff.role, staff.organization
                );
                if generated {
                    println!("initial password (shown once): {password_text}");
                }
                if let (Some(uri), Some(s)) = (uri, &secret) {
                    println!(
                        "enrol the authenticator app with this URI (or type the secret {}):",
                        s.to_base32()
                    );
                    println!("{uri}");
                }
            }
        }
        UserAction::Disable { username: name } => {
            let s = store.disable_staff(&username(&name)?, &by, now).await?;
            println!("disabled {}; its sessions have ended", s.username);
        }
        UserAction::ResetTotp {
            username: name,
            json,
        } => {
            let u = username(&name)?;
            let secret = new_totp_secret()?;
            let s = store
                .reset_totp(&u, Some(&secret.to_base32()), &by, now)
                .await?;
            let uri = secret.provisioning_uri(&u);
            if json {
                let mut v = staff_json(&s);
                v["totp_uri"] = serde_json::json!(uri);
                v["totp_secret"] = serde_json::json!(secret.to_base32());
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "new TOTP secret for {}; its sessions have ended. Enrol with:",
                    s.username
                );
                println!("{uri}");
            }
        }
        UserAction::SetRole {
            username: name,
            role,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e| anyhow::anyhow!("{e}: use admin, clinician, counsellor or viewer"))?;
            let s = store.set_role(&username(&name)?, role, &by, now).await?;
            println!("{} is now {}; its sessions have ended", s.username, s.role);
        }
        UserAction::Unlock { username: name } => {
            let s = store.unlock_staff(&username(&name)?, &by, now).await?;
            println!("unlocked {}", s.username);
        }
        UserAction::List { json } => {
            let list = store.list_staff().await?;
            if json {
                let v: Vec<_> = list.iter().map(staff_json).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "staff": v }))?
                );
            } else {
                for s in &list {
                    let state = if s.disabled_at.is_some() {
                        "disabled"
                    } else if s.locked_until.is_some_and(|t| t > now) {
                        "locked"
                    } else {
                        "active"
                    };
                    println!("{}\t{}\t{}\t{state}", s.username, s.role, s.organization);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu audit verify`: exit 3 when the chain is broken.
pub async fn audit(a: AuditArgs) -> anyhow::Result<ExitCode> {
    let Some(AuditCommand::Verify { json }) = a.action else {
        bail!("give `verify` to check the audit trail (AUDIT screening is `tsunagu alcohol audit --answers …`)")
    };
    let store = open_store(a.store.at()).await?;
    store.migrate().await?;
    let result = store.verify_audit().await?;
    match (&result, json) {
        (Ok(head), true) => println!("{}", serde_json::to_string_pretty(&serde_json::json!({"ok": true, "entries": head.entries, "head_hash": head.head_hash}))?),
        (Ok(head), false) => println!(
            "audit trail intact: {} entries, head {}\n(keep the head hash elsewhere: a trail cut short at the end still verifies)",
            head.entries, head.head_hash
        ),
        (Err(b), true) => println!("{}", serde_json::to_string_pretty(&serde_json::json!({"ok": false, "broken_at": b.seq, "reason": b.reason}))?),
        (Err(b), false) => eprintln!("TAMPERING DETECTED: {b}"),
    }
    Ok(if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// `tsunagu purge`.
pub async fn purge(json: bool, args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let store = ready_store(args.at()).await?;
    let s = store.purge(&cli_actor(), chrono::Utc::now()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        println!(
            "deleted {} records past retention, {} records whose consent was withdrawn, {} empty files, {} ended sessions",
            s.records_expired, s.records_withdrawn, s.subjects_deleted, s.sessions_deleted
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The SQLite file of these store arguments; PostgreSQL has its own tools.
fn sqlite_file(args: &StoreArgs) -> anyhow::Result<PathBuf> {
    match args.database_url.as_deref() {
        None => Ok(args.data_dir.join("tsunagu.db")),
        Some(url) if url.starts_with("sqlite://") => Ok(PathBuf::from(url.trim_start_matches("sqlite://"))),
        Some(url) if url.starts_with("sqlite:") => Ok(PathBuf::from(url.trim_start_matches("sqlite:"))),
        Some(_) => bail!(
            "backup and restore handle the embedded SQLite database; for PostgreSQL use pg_dump / pg_restore (or pg_basebackup) as usual"
        ),
    }
}

/// `tsunagu backup`: an online copy, checked before it is reported.
pub async fn backup(a: BackupArgs) -> anyhow::Result<ExitCode> {
    let file = sqlite_file(&a.store)?;
    if !file.exists() {
        bail!("there is no database at {}", file.display());
    }
    let store = SqliteStore::open(&file).await?;
    store.migrate().await?;
    store
        .append_audit(AuditEvent {
            at: chrono::Utc::now(),
            actor: cli_actor().name,
            action: AuditAction::Backup,
            target: AuditTarget::System,
            target_id: None,
            subject_id: None,
            remote: "cli".into(),
            detail: format!("to {}", a.output.display()),
        })
        .await?;
    store
        .backup_to(&a.output)
        .await
        .with_context(|| format!("cannot write {}", a.output.display()))?;
    store.close().await;
    let copy = SqliteStore::open_read_only(&a.output).await?;
    if let Err(report) = copy.integrity_check().await? {
        bail!("the backup failed its integrity check: {report}");
    }
    let head = copy
        .verify_audit()
        .await?
        .map_err(|b| anyhow::anyhow!("the backup's audit trail is broken: {b}"))?;
    copy.close().await;
    println!(
        "backup written to {} ({} bytes); integrity ok; audit trail {} entries, head {}",
        a.output.display(),
        std::fs::metadata(&a.output)?.len(),
        head.entries,
        head.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

/// `tsunagu restore`: checks the backup, then swaps it in with one rename.
pub async fn restore(a: RestoreArgs) -> anyhow::Result<ExitCode> {
    let file = sqlite_file(&a.store)?;
    let dir = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let _lock = lock_data_dir(&dir)?;
    // Check the backup before touching anything.
    let backup = SqliteStore::open_read_only(&a.input)
        .await
        .with_context(|| format!("cannot open {} as a SQLite database", a.input.display()))?;
    let report = backup
        .integrity_check()
        .await
        .context("not a tsunagu backup")?;
    if let Err(report) = report {
        bail!(
            "{} failed its integrity check, nothing restored: {report}",
            a.input.display()
        );
    }
    let head = backup
        .verify_audit()
        .await
        .context("not a tsunagu backup (no audit trail)")?
        .map_err(|b| {
            anyhow::anyhow!("the backup's audit trail is broken, nothing restored: {b}")
        })?;
    backup.close().await;
    // Copy next to the target, flush, then swap in one rename; the old file is kept aside.
    let tmp = file.with_extension("db.restoring");
    std::fs::copy(&a.input, &tmp).with_context(|| format!("cannot copy to {}", tmp.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    let mut kept = None;
    if file.exists() {
        let aside = file.with_extension(format!(
            "db.before-restore-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        std::fs::rename(&file, &aside)?;
        kept = Some(aside);
    }
    for ext in ["db-wal", "db-shm"] {
        let side = file.with_extension(ext);
        if side.exists() {
            std::fs::remove_file(&side)
                .with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(&tmp, &file)?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    let store = SqliteStore::open(&file).await?;
    store.migrate().await?;
    store.close().await;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "restored {} into {}; audit trail {} entries, head {}",
        a.input.display(),
        file.display(),
        head.entries,
        head.head_hash
    )?;
    if let Some(k) = kept {
        writeln!(out, "the previous database was kept as {}", k.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
