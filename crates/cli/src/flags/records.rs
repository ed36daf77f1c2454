//! Flags of the sensitive-records commands: `user`, `audit verify`, `backup` and `restore`
//! (`purge` has only `--json`).

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

/// `tsunagu audit`: AUDIT screening, or the audit trail.
#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub action: Option<AuditCommand>,
    /// The ten AUDIT answers as scores, e.g. 4,4,4,3,2,1,0,0,2,4 (stores nothing).
    #[arg(long)]
    pub answers: Option<String>,
    /// male or female, for the AUDIT-C threshold.
    #[arg(long)]
    pub sex: Option<String>,
    /// Print a FHIR R4 Bundle (Questionnaire, QuestionnaireResponse, Observation) instead:
    /// `audit` or `audit-c`.
    #[arg(long, value_parser = ["audit", "audit-c"])]
    pub fhir: Option<String>,
    /// Print JSON.
    #[arg(long)]
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
