//! Flags of the sensitive-records commands: `user`, `audit verify`, `backup` and `restore`
//! (`purge` has only `--json`). The AUDIT questionnaire is not here: it is
//! `tsunagu alcohol audit` (`flags::alcohol`).

use crate::flags::store::StoreArgs;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `tsunagu user …`.
#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Create a staff account. Prints the TOTP enrolment URI for roles that see personal data.
    Add {
        /// Username (3-32 characters: a-z, 0-9, '.', '_', '-').
        username: String,
        /// Role: admin, clinician, counsellor or viewer.
        #[arg(long)]
        role: String,
        /// Organisation the account belongs to (staff see only its records).
        #[arg(long)]
        organization: String,
        /// Read the password from the first line of standard input; otherwise a random one is
        /// generated and printed once.
        #[arg(long)]
        password_stdin: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// Username.
        username: String,
    },
    /// Give an account a new TOTP secret (a lost phone) and end its sessions.
    ResetTotp {
        /// Username.
        username: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change an account's role (its sessions end).
    SetRole {
        /// Username.
        username: String,
        /// New role: admin, clinician, counsellor or viewer.
        #[arg(long)]
        role: String,
    },
    /// Lift a lock-out before it runs out.
    Unlock {
        /// Username.
        username: String,
    },
    /// List accounts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `tsunagu audit`: the audit trail. The AUDIT questionnaire's flags are kept, hidden, only so
/// that its old spelling here is answered with the new one (`flags::parse`).
#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub action: Option<AuditCommand>,
    /// Moved to `tsunagu alcohol audit --answers`.
    #[arg(long, hide = true)]
    pub answers: Option<String>,
    /// Moved to `tsunagu alcohol audit --sex`.
    #[arg(long, hide = true)]
    pub sex: Option<String>,
    /// Moved to `tsunagu alcohol audit --fhir`.
    #[arg(long, hide = true)]
    pub fhir: Option<String>,
    /// Moved to `tsunagu alcohol audit --json` (`audit verify` has its own).
    #[arg(long, hide = true)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `tsunagu audit …`.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain of the whole audit trail.
    Verify {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `tsunagu backup`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write (must not exist).
    pub output: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `tsunagu restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file to restore.
    pub input: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}
