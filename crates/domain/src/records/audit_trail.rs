//! The audit trail: who did what to which record, when and from where, hash-chained.
//!
//! # Brief overview
//! Every read and write of personal data and every change to accounts becomes one
//! [`AuditEvent`]. Entries are numbered from 1 without gaps, and each carries
//! `hash = SHA-256(prev_hash ‖ seq ‖ canonical JSON of the event)`, with 64 zeros before the
//! first. Changing, deleting or reordering any entry breaks the chain from that entry on,
//! which [`verify_chain`] reports. (Cutting entries off the *end* leaves a valid but shorter
//! chain; `tsunagu audit verify` prints the head hash and count so that an operator can keep
//! them elsewhere and compare.) Entries never hold record contents: only ids and actions.

use crate::common::codes::code_enum;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

code_enum!(
    /// What was done.
    AuditAction, "audit action" {
        /// Signed in (password and, where required, second factor).
        Login => ("login", "ログイン"),
        /// A sign-in attempt failed.
        LoginFailed => ("login_failed", "ログイン失敗"),
        /// An account was locked after repeated failures.
        Locked => ("locked", "アカウントロック"),
        /// Signed out.
        Logout => ("logout", "ログアウト"),
        /// Read a record or a person's file.
        Read => ("read", "閲覧"),
        /// Listed the people of the organisation.
        List => ("list", "一覧表示"),
        /// Created a record or a person's file.
        Create => ("create", "作成"),
        /// Recorded a consent.
        ConsentGiven => ("consent_given", "同意の記録"),
        /// Withdrew a consent.
        ConsentWithdrawn => ("consent_withdrawn", "同意の撤回"),
        /// Deleted a record (retention or withdrawal).
        Delete => ("delete", "削除"),
        /// Exported everything about a person (開示).
        Export => ("export", "開示用出力"),
        /// Looked at who accessed a record.
        ViewAccessLog => ("view_access_log", "閲覧履歴の確認"),
        /// Created an account.
        AccountCreated => ("account_created", "アカウント作成"),
        /// Disabled an account.
        AccountDisabled => ("account_disabled", "アカウント無効化"),
        /// Changed an account's role.
        RoleChanged => ("role_changed", "権限の変更"),
        /// Reset an account's second factor.
        TotpReset => ("totp_reset", "二要素認証の再設定"),
        /// Unlocked an account.
        Unlocked => ("unlocked", "ロック解除"),
        /// A purge run.
        Purge => ("purge", "期限切れデータの削除"),
        /// A backup was written.
        Backup => ("backup", "バックアップ"),
        /// An obligation marked done.
        Complete => ("complete", "対応済みの記録"),
        /// An access to personal data was refused (the detail names what was tried and the
        /// rule that refused it).
        Refused => ("refused", "アクセス拒否"),
    }
);

code_enum!(
    /// What kind of thing an entry is about.
    AuditTarget, "audit target" {
        /// A personal record.
        Record => ("record", "記録"),
        /// A person's file.
        Subject => ("subject", "対象者"),
        /// A consent.
        Consent => ("consent", "同意"),
        /// A staff account.
        Account => ("account", "アカウント"),
        /// The whole system (purge, backup).
        System => ("system", "システム"),
        /// A case's deadlines.
        Deadline => ("deadline", "期限"),
    }
);

/// One thing that happened, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When (stored with microseconds, so the text round-trips exactly).
    pub at: DateTime<Utc>,
    /// Who: a username, or `cli:<user>` for the command line, or empty for an anonymous
    /// attempt.
    pub actor: String,
    /// What.
    pub action: AuditAction,
    /// About what kind of thing.
    pub target: AuditTarget,
    /// Its id (record, subject, consent or account), if any.
    pub target_id: Option<String>,
    /// The person concerned, so that "everything about this person" can be found.
    pub subject_id: Option<i64>,
    /// From where: the client address, or `cli`.
    pub remote: String,
    /// A short note without personal content (counts, the role given …).
    pub detail: String,
}

/// A chained entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The canonical text of an event: fixed field order, times in RFC 3339 with microseconds.
#[derive(Serialize)]
struct Canonical<'a> {
    at: String,
    actor: &'a str,
    action: &'a str,
    target: &'a str,
    target_id: Option<&'a str>,
    subject_id: Option<i64>,
    remote: &'a str,
    detail: &'a str,
}

/// The stored text of a time in the audit trail.
pub fn audit_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The hash of entry `seq` with `event`, following `prev_hash`.
pub fn chain_hash(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let canonical = Canonical {
        at: audit_time(event.at),
        actor: &event.actor,
        action: event.action.code(),
        target: event.target.code(),
        target_id: event.target_id.as_deref(),
        subject_id: event.subject_id,
        remote: &event.remote,
        detail: &event.detail,
    };
    // Serialising a struct of strings and integers cannot fail; the fallback keeps this total.
    let json = serde_json::to_string(&canonical).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(seq.to_string().as_bytes());
    h.update(b"\n");
    h.update(json.as_bytes());
    hex::encode(h.finalize())
}

/// Numbers and chains an event after the entry `(prev_seq, prev_hash)` (or the genesis).
/// The time is cut to whole microseconds first, the precision it is stored with.
pub fn chain_next(prev: Option<(i64, &str)>, mut event: AuditEvent) -> AuditEntry {
    event.at = event.at.trunc_subsecs(6);
    let (seq, prev_hash) = match prev {
        Some((s, h)) => (s + 1, h.to_owned()),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = chain_hash(&prev_hash, seq, &event);
    AuditEntry {
        seq,
        event,
        prev_hash,
        hash,
    }
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit trail broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    /// The first entry that does not verify.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// What a verified chain looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Number of entries.
    pub entries: i64,
    /// Hash of the last entry (the genesis hash when empty).
    pub head_hash: String,
}

/// A chain verifier fed one entry at a time, so that a long trail streams in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    seq: i64,
    hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry.
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        let expected_seq = self.seq + 1;
        if e.seq != expected_seq {
            return Err(ChainBreak {
                seq: expected_seq,
                reason: format!(
                    "entry {expected_seq} is missing (next stored entry is {})",
                    e.seq
                ),
            });
        }
        if e.prev_hash != self.hash {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "its link to the previous entry does not match (an earlier entry was changed or removed)".into(),
            });
        }
        if chain_hash(&e.prev_hash, e.seq, &e.event) != e.hash {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "its contents do not match its hash (the entry was changed)".into(),
            });
        }
        self.seq = e.seq;
        self.hash = e.hash.clone();
        Ok(())
    }
    /// The head after everything pushed so far.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            entries: self.seq,
            head_hash: self.hash.clone(),
        }
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Result<ChainHead, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.push(e)?;
    }
    Ok(v.head())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(i: u32) -> AuditEvent {
        AuditEvent {
            at: Utc
                .with_ymd_and_hms(2026, 11, 21, 9, i % 60, 0)
                .single()
                .expect("valid"),
            actor: "tanaka".into(),
            action: AuditAction::Read,
            target: AuditTarget::Record,
            target_id: Some(i.to_string()),
            subject_id: Some(1),
            remote: "127.0.0.1".into(),
            detail: String::new(),
        }
    }

    fn chain(n: u32) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let next = chain_next(prev, event(i));
            out.push(next);
        }
        out
    }

    #[test]
    fn an_untouched_chain_verifies_and_reports_its_head() {
        let c = chain(5);
        let head = verify_chain(&c).expect("valid");
        assert_eq!(head.entries, 5);
        assert_eq!(head.head_hash, c[4].hash);
        assert_eq!(
            verify_chain(&[]).map(|h| h.head_hash),
            Ok(GENESIS_HASH.to_owned())
        );
    }

    #[test]
    fn changing_any_field_of_any_entry_is_detected_at_that_entry() {
        for i in 0..5 {
            let mut c = chain(5);
            c[i].event.actor = "someone-else".into();
            assert_eq!(verify_chain(&c).map_err(|b| b.seq), Err(c[i].seq));
            let mut c = chain(5);
            c[i].event.at += chrono::Duration::microseconds(1);
            assert_eq!(verify_chain(&c).map_err(|b| b.seq), Err(c[i].seq));
        }
    }

    #[test]
    fn rehashing_a_changed_entry_breaks_the_next_link() {
        let mut c = chain(4);
        c[1].event.detail = "forged".into();
        c[1].hash = chain_hash(&c[1].prev_hash, c[1].seq, &c[1].event);
        let b = verify_chain(&c).expect_err("must break");
        assert_eq!(b.seq, 3);
        assert!(b.reason.contains("previous entry"), "{}", b.reason);
    }

    #[test]
    fn a_deleted_or_reordered_entry_is_detected() {
        let mut c = chain(4);
        c.remove(2);
        assert_eq!(verify_chain(&c).map_err(|b| b.seq), Err(3));
        let mut c = chain(4);
        c.swap(1, 2);
        assert_eq!(verify_chain(&c).map_err(|b| b.seq), Err(2));
    }

    #[test]
    fn nanoseconds_are_cut_before_hashing_so_a_stored_entry_still_verifies() {
        let mut e = event(1);
        e.at = Utc
            .timestamp_opt(1_763_715_600, 123_456_789)
            .single()
            .expect("valid");
        let entry = chain_next(None, e);
        let stored = DateTime::parse_from_rfc3339(&audit_time(entry.event.at)).expect("parses");
        let mut reread = entry.clone();
        reread.event.at = stored.with_timezone(&Utc);
        assert!(verify_chain(&[reread]).is_ok());
    }

    #[test]
    fn audit_times_keep_microseconds_so_the_stored_text_round_trips() {
        let t = Utc
            .timestamp_opt(1_763_715_600, 123_456_000)
            .single()
            .expect("valid");
        let s = audit_time(t);
        assert_eq!(s, "2025-11-21T09:00:00.123456Z");
        assert_eq!(
            DateTime::parse_from_rfc3339(&s).map(|d| d.with_timezone(&Utc)),
            Ok(t)
        );
    }
}
