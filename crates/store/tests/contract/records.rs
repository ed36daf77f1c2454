//! The personal-records contract: accounts, consent, scope, purge and the audit trail.

use super::Raw;
use chrono::{DateTime, Duration, TimeZone, Utc};
use tsunagu_domain::records::access::{AttemptRefused, Claim, OrgScope, Role, Username};
use tsunagu_domain::records::audit_trail::{AuditAction, AuditTarget};
use tsunagu_domain::records::consent::{
    ConsentGiver, ConsentScope, NewConsent, RecordKind, RetentionPolicy,
};
use tsunagu_domain::StaffId;
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::{Actor, NewStaff, SessionStage, Staff, StaffCtx};
use tsunagu_store::StoreError;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .single()
        .expect("valid")
}

fn admin() -> Actor {
    Actor::cli("root")
}

pub async fn staff(store: &dyn Store, name: &str, org: &str, role: Role) -> StaffCtx {
    let new = NewStaff {
        username: Username::parse(name).expect("username"),
        organization: OrgScope::parse(org).expect("org"),
        role,
        password_hash: "$argon2id$placeholder".into(),
        totp_secret: role
            .needs_totp()
            .then(|| "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".to_owned()),
    };
    let s = store
        .create_staff(&new, &admin(), t0())
        .await
        .expect("create staff");
    StaffCtx::of(&s, "127.0.0.1")
}

fn consent(kinds: &[RecordKind]) -> NewConsent {
    NewConsent::parse(
        "相談支援と関係機関との連絡調整",
        ConsentScope::new(kinds.iter().copied()).expect("scope"),
        ConsentGiver::Subject,
        None,
        t0(),
        t0(),
    )
    .expect("consent")
}

fn note(text: &str) -> serde_json::Value {
    serde_json::json!({ "note": text })
}

async fn verify(store: &dyn Store) -> i64 {
    store
        .verify_audit()
        .await
        .expect("read trail")
        .expect("chain verifies")
        .entries
}

pub async fn accounts_are_created_once_and_roles_that_see_personal_data_need_totp(
    store: &dyn Store,
) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    assert_eq!(c.role, Role::Counsellor);
    let dup = NewStaff {
        username: Username::parse("SATO").expect("valid"),
        organization: OrgScope::parse("B").expect("valid"),
        role: Role::Viewer,
        password_hash: "x".into(),
        totp_secret: None,
    };
    assert!(matches!(
        store.create_staff(&dup, &admin(), t0()).await,
        Err(StoreError::Conflict(_))
    ));
    let no_totp = NewStaff {
        username: Username::parse("kato").expect("valid"),
        role: Role::Clinician,
        ..dup.clone()
    };
    assert!(matches!(
        store.create_staff(&no_totp, &admin(), t0()).await,
        Err(StoreError::Invalid(_))
    ));
    let viewer = NewStaff {
        username: Username::parse("ito").expect("valid"),
        ..dup
    };
    store
        .create_staff(&viewer, &admin(), t0())
        .await
        .expect("a viewer needs no TOTP");
    let names: Vec<String> = store
        .list_staff()
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.username.to_string())
        .collect();
    assert_eq!(names, ["ito", "sato"]);
    assert_eq!(verify(store).await, 2, "two account creations audited");
}

/// Claims an attempt that must be let through.
async fn claim(store: &dyn Store, id: StaffId, at: DateTime<Utc>) -> Claim {
    store
        .claim_attempt(id, "10.0.0.9", at)
        .await
        .expect("claim")
        .expect("the attempt is let through")
}

/// One wrong guess: claimed, then recorded as failed. Returns whether it was let through.
async fn fail(store: &dyn Store, id: StaffId, at: DateTime<Utc>) -> bool {
    match store
        .claim_attempt(id, "10.0.0.9", at)
        .await
        .expect("claim")
    {
        Ok(c) => {
            store
                .attempt_failed(id, &c, "10.0.0.9", at)
                .await
                .expect("failed");
            true
        }
        Err(_) => false,
    }
}

async fn state_of(store: &dyn Store, name: &str) -> Staff {
    let u = Username::parse(name).expect("valid");
    store
        .staff_by_username(&u)
        .await
        .expect("read")
        .expect("exists")
}

pub async fn a_totp_step_signs_in_once(store: &dyn Store) {
    let c = staff(store, "endo", "A市保健所", Role::Clinician).await;
    let first = claim(store, c.id, t0()).await;
    store
        .login_succeeded(c.id, Some(1000), &first, "10.0.0.9", t0())
        .await
        .expect("the first use of a step");
    // A refused replay leaves its claim counted (the pause after it runs out below).
    for step in [1000, 999] {
        let at = t0() + Duration::seconds(i64::try_from(1000 - step).unwrap_or(0));
        let c2 = claim(store, c.id, at).await;
        let again = store
            .login_succeeded(c.id, Some(step), &c2, "10.0.0.9", at)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "step {step} after 1000: {again:?}"
        );
    }
    let later = t0() + Duration::seconds(3);
    let next = claim(store, c.id, later).await;
    store
        .login_succeeded(c.id, Some(1001), &next, "10.0.0.9", later)
        .await
        .expect("the next step");
    // A sign-in without a code (a role without TOTP) is not a replay.
    let plain = claim(store, c.id, later).await;
    store
        .login_succeeded(c.id, None, &plain, "10.0.0.9", later)
        .await
        .expect("no step");
    let u = Username::parse("endo").expect("valid");
    let s = store
        .staff_by_username(&u)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(s.totp_last_step, Some(1001));
    let logins = store
        .audit_page(0, 100)
        .await
        .expect("trail")
        .iter()
        .filter(|e| e.event.action == AuditAction::Login)
        .count();
    assert_eq!(logins, 3, "refused replays are not recorded as sign-ins");
}

pub async fn failures_during_a_lock_do_not_extend_it(store: &dyn Store) {
    let c = staff(store, "kato", "A市保健所", Role::Clinician).await;
    for i in 0..5 {
        assert!(fail(store, c.id, t0() + Duration::seconds(16 * i)).await);
    }
    let lock = Some(t0() + Duration::seconds(64) + Duration::minutes(30));
    // Five more guesses every few minutes while locked, as an attacker keeping it locked would.
    for minute in [5, 10, 15, 20, 25] {
        assert!(!fail(store, c.id, t0() + Duration::minutes(minute)).await);
        assert_eq!(
            state_of(store, "kato").await.locked_until,
            lock,
            "a failure at +{minute} min moved the lock"
        );
    }
    let s = state_of(store, "kato").await;
    assert!(s
        .login_state()
        .may_attempt(t0() + Duration::seconds(64) + Duration::minutes(30)));
    // Every failure is still in the trail: five before the lock, five refused during it.
    let trail = store.audit_page(0, 100).await.expect("trail");
    let failed: Vec<_> = trail
        .iter()
        .filter(|e| e.event.action == AuditAction::LoginFailed)
        .map(|e| e.event.detail.as_str())
        .collect();
    assert_eq!(failed.len(), 10);
    assert_eq!(failed[4], "attempt 5 of 5");
    assert!(failed[5].starts_with("refused: locked until"), "{failed:?}");
}

pub async fn five_failed_sign_ins_lock_an_account_and_an_admin_can_unlock_it(store: &dyn Store) {
    let c = staff(store, "suzuki", "A市保健所", Role::Clinician).await;
    for i in 0..5 {
        assert!(fail(store, c.id, t0() + Duration::seconds(16 * i)).await);
    }
    let s = state_of(store, "suzuki").await;
    assert_eq!(
        s.locked_until,
        Some(t0() + Duration::seconds(64) + Duration::minutes(30))
    );
    assert!(!s.login_state().may_attempt(t0() + Duration::minutes(10)));
    let u = Username::parse("suzuki").expect("valid");
    let s = store
        .unlock_staff(&u, &admin(), t0() + Duration::minutes(10))
        .await
        .expect("unlock");
    assert!(s.login_state().may_attempt(t0() + Duration::minutes(10)));
    assert_eq!(s.failed_logins, 0);
    store
        .login_failed_unknown("10.0.0.9", t0())
        .await
        .expect("unknown");
    let ok = claim(store, c.id, t0()).await;
    store
        .login_succeeded(c.id, Some(42), &ok, "10.0.0.9", t0())
        .await
        .expect("ok");
    let s = store
        .staff_by_username(&u)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(s.totp_last_step, Some(42));
    let trail = store.audit_page(0, 100).await.expect("trail");
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.event.action).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == AuditAction::LoginFailed)
            .count(),
        6
    );
    assert!(actions.contains(&AuditAction::Locked));
    assert!(actions.contains(&AuditAction::Unlocked));
    assert!(actions.contains(&AuditAction::Login));
    verify(store).await;
}

pub async fn disabling_an_account_or_resetting_its_totp_ends_its_sessions(store: &dyn Store) {
    let c = staff(store, "tanaka", "A市保健所", Role::Counsellor).await;
    store
        .create_session("h1", c.id, "csrf1", SessionStage::Active, "127.0.0.1", t0())
        .await
        .expect("session");
    let s = store.session("h1").await.expect("read").expect("exists");
    assert_eq!(
        (s.stage, s.csrf_token.as_str()),
        (SessionStage::Active, "csrf1")
    );
    store
        .touch_session("h1", t0() + Duration::minutes(5))
        .await
        .expect("touch");
    assert_eq!(
        store
            .session("h1")
            .await
            .expect("read")
            .map(|s| s.last_seen),
        Some(t0() + Duration::minutes(5))
    );
    let u = Username::parse("tanaka").expect("valid");
    let r = store
        .reset_totp(
            &u,
            Some("KRUGKIDROVUWG2ZAMJZG653OEBTG66BANJ2W24DTEBXXMZLSEB2GQZJANRQXU6JAMRXWOLQ"),
            &admin(),
            t0(),
        )
        .await;
    assert!(r.expect("reset").totp_secret.is_some());
    assert_eq!(
        store.session("h1").await.expect("read"),
        None,
        "reset ends sessions"
    );
    store
        .create_session(
            "h2",
            c.id,
            "csrf2",
            SessionStage::SecondFactor,
            "127.0.0.1",
            t0(),
        )
        .await
        .expect("session");
    let s = store
        .disable_staff(&u, &admin(), t0())
        .await
        .expect("disable");
    assert!(s.disabled_at.is_some() && !s.login_state().may_attempt(t0()));
    assert_eq!(
        store.session("h2").await.expect("read"),
        None,
        "disable ends sessions"
    );
    store
        .create_session("h3", c.id, "csrf3", SessionStage::Active, "127.0.0.1", t0())
        .await
        .expect("session");
    store
        .delete_session("h3", Some(&c), t0())
        .await
        .expect("logout");
    assert_eq!(store.session("h3").await.expect("read"), None);
    assert!(matches!(
        store
            .disable_staff(&Username::parse("nobody").expect("valid"), &admin(), t0())
            .await,
        Err(StoreError::NotFound(_))
    ));
    // A role change ends sessions too, and is audited with both roles.
    let v = staff(store, "ito", "A市保健所", Role::Viewer).await;
    let ito = Username::parse("ito").expect("valid");
    let r = store.set_role(&ito, Role::Counsellor, &admin(), t0()).await;
    assert!(
        matches!(r, Err(StoreError::Invalid(_))),
        "a counsellor needs TOTP first: {r:?}"
    );
    store
        .reset_totp(
            &ito,
            Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
            &admin(),
            t0(),
        )
        .await
        .expect("enrol");
    store
        .create_session("h4", v.id, "csrf4", SessionStage::Active, "127.0.0.1", t0())
        .await
        .expect("session");
    let s = store
        .set_role(&ito, Role::Counsellor, &admin(), t0())
        .await
        .expect("role");
    assert_eq!(s.role, Role::Counsellor);
    assert_eq!(
        store.session("h4").await.expect("read"),
        None,
        "a role change ends sessions"
    );
    let trail = store.audit_page(0, 100).await.expect("trail");
    let last = trail.last().expect("entries");
    assert_eq!(
        (last.event.action, last.event.detail.as_str()),
        (AuditAction::RoleChanged, "viewer -> counsellor")
    );
    verify(store).await;
}

pub async fn a_record_is_stored_only_under_a_standing_consent_that_covers_its_kind(
    store: &dyn Store,
) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&c, "Aさん（妻からの相談）", t0())
        .await
        .expect("subject");
    let r = store
        .add_record(
            &c,
            subj.id,
            RecordKind::Consultation,
            &note("初回相談"),
            &p,
            t0(),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::NoConsent(ref m)) if m.contains("consent")),
        "{r:?}"
    );
    store
        .record_consent(&c, subj.id, &consent(&[RecordKind::DrinkingDiary]), t0())
        .await
        .expect("consent");
    let r = store
        .add_record(
            &c,
            subj.id,
            RecordKind::Consultation,
            &note("初回相談"),
            &p,
            t0(),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::NoConsent(_))),
        "a diary consent does not cover consultations"
    );
    let k = store
        .record_consent(&c, subj.id, &consent(&[RecordKind::Consultation]), t0())
        .await
        .expect("consent");
    let rec = store
        .add_record(
            &c,
            subj.id,
            RecordKind::Consultation,
            &note("初回相談"),
            &p,
            t0(),
        )
        .await
        .expect("stored");
    assert_eq!(rec.consent_id, k.id);
    assert_eq!(rec.retain_until, t0() + Duration::days(1825));
    assert_eq!(
        store.record(&c, rec.id, t0()).await.expect("read").body,
        note("初回相談")
    );
    for bad in [
        serde_json::json!("text"),
        serde_json::json!({ "note": "x".repeat(70_000) }),
    ] {
        let r = store
            .add_record(&c, subj.id, RecordKind::Consultation, &bad, &p, t0())
            .await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    }
    assert!(matches!(
        store.create_subject(&c, " ", t0()).await,
        Err(StoreError::Invalid(_))
    ));
    let file = store.subject_file(&c, subj.id, t0()).await.expect("file");
    assert_eq!((file.consents.len(), file.records.len()), (2, 1));
    // Reading a kind in bulk logs one read per record.
    let before = store.audit_page(0, 1000).await.expect("trail").len();
    let all = store
        .records_of_kind(&c, subj.id, RecordKind::Consultation, t0())
        .await
        .expect("bulk");
    assert_eq!(all.len(), 1);
    assert!(store
        .records_of_kind(&c, subj.id, RecordKind::Case, t0())
        .await
        .expect("bulk")
        .is_empty());
    assert_eq!(
        store.audit_page(0, 1000).await.expect("trail").len(),
        before + 1
    );
    verify(store).await;
}

pub async fn staff_see_only_their_organisation_and_roles_limit_what_they_do(store: &dyn Store) {
    let a = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let b = staff(store, "kimura", "B県精神保健福祉センター", Role::Clinician).await;
    let admin_a = staff(store, "admin1", "A市保健所", Role::Admin).await;
    let viewer = staff(store, "mori", "A市保健所", Role::Viewer).await;
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&a, "Bさん", t0())
        .await
        .expect("subject");
    store
        .record_consent(&a, subj.id, &consent(&[RecordKind::Consultation]), t0())
        .await
        .expect("consent");
    let rec = store
        .add_record(
            &a,
            subj.id,
            RecordKind::Consultation,
            &note("相談"),
            &p,
            t0(),
        )
        .await
        .expect("stored");

    assert!(matches!(
        store.subject_file(&b, subj.id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.record(&b, rec.id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .list_subjects(&b, t0())
        .await
        .expect("list")
        .is_empty());
    assert!(matches!(
        store.record_access_log(&b, rec.id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.export_subject(&b, subj.id, t0()).await,
        Err(StoreError::Forbidden(_))
    ));

    assert!(matches!(
        store.record(&viewer, rec.id, t0()).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.list_subjects(&viewer, t0()).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.record(&admin_a, rec.id, t0()).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.record_access_log(&a, rec.id, t0()).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(store.export_subject(&admin_a, subj.id, t0()).await.is_ok());
    assert_eq!(store.list_subjects(&a, t0()).await.expect("list").len(), 1);
    verify(store).await;
}

pub async fn withdrawing_consent_stops_use_and_purge_deletes_the_records(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Clinician).await;
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&c, "Cさん", t0())
        .await
        .expect("subject");
    let k = store
        .record_consent(&c, subj.id, &consent(&[RecordKind::DrinkingDiary]), t0())
        .await
        .expect("consent");
    let rec = store
        .add_record(
            &c,
            subj.id,
            RecordKind::DrinkingDiary,
            &note("ビール 500ml"),
            &p,
            t0(),
        )
        .await
        .expect("stored");
    let w = store
        .withdraw_consent(&c, k.id, t0() + Duration::days(1))
        .await
        .expect("withdraw");
    assert!(!w.active());
    assert!(matches!(
        store.withdraw_consent(&c, k.id, t0()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.record(&c, rec.id, t0()).await,
        Err(StoreError::Gone(_))
    ));
    let r = store
        .add_record(&c, subj.id, RecordKind::DrinkingDiary, &note("x"), &p, t0())
        .await;
    assert!(
        matches!(r, Err(StoreError::NoConsent(_))),
        "no new records after withdrawal"
    );
    let file = store.subject_file(&c, subj.id, t0()).await.expect("file");
    assert!(!file.records[0].usable);

    let summary = store
        .purge(&admin(), t0() + Duration::days(1))
        .await
        .expect("purge");
    assert_eq!(
        (
            summary.records_withdrawn,
            summary.records_expired,
            summary.subjects_deleted
        ),
        (1, 0, 1)
    );
    assert!(matches!(
        store.subject_file(&c, subj.id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    // The trail outlives the record: who saw it, and that it was deleted.
    let log = store
        .record_access_log(&c, rec.id, t0() + Duration::days(2))
        .await
        .expect("log");
    assert_eq!(
        log.last().map(|e| e.event.action),
        Some(AuditAction::Delete)
    );
    verify(store).await;
}

pub async fn records_past_retention_are_purged_and_the_purge_is_audited(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let p = RetentionPolicy::parse("consultation=30").expect("policy");
    let subj = store
        .create_subject(&c, "Dさん", t0())
        .await
        .expect("subject");
    store
        .record_consent(
            &c,
            subj.id,
            &consent(&[RecordKind::Consultation, RecordKind::Case]),
            t0(),
        )
        .await
        .expect("consent");
    let short = store
        .add_record(&c, subj.id, RecordKind::Consultation, &note("a"), &p, t0())
        .await
        .expect("stored");
    let long = store
        .add_record(&c, subj.id, RecordKind::Case, &note("b"), &p, t0())
        .await
        .expect("stored");
    let none = store
        .purge(&admin(), t0() + Duration::days(29))
        .await
        .expect("purge");
    assert_eq!(none.records_expired, 0);
    let s = store
        .purge(&admin(), t0() + Duration::days(30))
        .await
        .expect("purge");
    assert_eq!(
        (s.records_expired, s.subjects_deleted),
        (1, 0),
        "consent stands: the file stays"
    );
    assert!(matches!(
        store.record(&c, short.id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.record(&c, long.id, t0()).await.is_ok());
    let trail = store.audit_page(0, 1000).await.expect("trail");
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.event.action == AuditAction::Purge)
            .count(),
        2
    );
    verify(store).await;
}

pub async fn every_access_is_in_the_audit_trail_and_the_access_log_names_the_reader(
    store: &dyn Store,
) {
    let writer = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let reader = StaffCtx {
        remote: "192.0.2.7".into(),
        ..staff(store, "kimura", "A市保健所", Role::Clinician).await
    };
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&writer, "Eさん", t0())
        .await
        .expect("subject");
    store
        .record_consent(&writer, subj.id, &consent(&[RecordKind::Case]), t0())
        .await
        .expect("consent");
    let rec = store
        .add_record(&writer, subj.id, RecordKind::Case, &note("経過"), &p, t0())
        .await
        .expect("stored");
    store
        .record(&reader, rec.id, t0() + Duration::hours(1))
        .await
        .expect("read");
    let log = store
        .record_access_log(&reader, rec.id, t0() + Duration::hours(2))
        .await
        .expect("log");
    let who: Vec<(String, AuditAction, String)> = log
        .iter()
        .map(|e| {
            (
                e.event.actor.clone(),
                e.event.action,
                e.event.remote.clone(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            (
                "sato".to_owned(),
                AuditAction::Create,
                "127.0.0.1".to_owned()
            ),
            (
                "kimura".to_owned(),
                AuditAction::Read,
                "192.0.2.7".to_owned()
            ),
        ]
    );
    assert!(log
        .iter()
        .all(|e| e.event.target == AuditTarget::Record && e.event.subject_id == Some(subj.id.0)));
    // Looking at the log is itself logged.
    let again = store
        .record_access_log(&reader, rec.id, t0() + Duration::hours(3))
        .await
        .expect("log");
    assert_eq!(
        again.last().map(|e| e.event.action),
        Some(AuditAction::ViewAccessLog)
    );
    // No record content reaches the trail.
    let trail = store.audit_page(0, 1000).await.expect("trail");
    assert!(trail.iter().all(|e| !e.event.detail.contains("経過")));
    verify(store).await;
}

pub async fn a_subject_access_export_holds_everything_about_the_person(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let adm = staff(store, "admin1", "A市保健所", Role::Admin).await;
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&c, "Fさん", t0())
        .await
        .expect("subject");
    let other = store
        .create_subject(&c, "Gさん", t0())
        .await
        .expect("subject");
    store
        .record_consent(&c, subj.id, &consent(&[RecordKind::Consultation]), t0())
        .await
        .expect("consent");
    store
        .record_consent(&c, other.id, &consent(&[RecordKind::Consultation]), t0())
        .await
        .expect("consent");
    store
        .add_record(&c, subj.id, RecordKind::Consultation, &note("1"), &p, t0())
        .await
        .expect("stored");
    store
        .add_record(&c, subj.id, RecordKind::Consultation, &note("2"), &p, t0())
        .await
        .expect("stored");
    store
        .add_record(
            &c,
            other.id,
            RecordKind::Consultation,
            &note("other"),
            &p,
            t0(),
        )
        .await
        .expect("stored");
    let x = store
        .export_subject(&adm, subj.id, t0() + Duration::days(1))
        .await
        .expect("export");
    assert_eq!(x.subject.label, "Fさん");
    assert_eq!((x.consents.len(), x.records.len()), (1, 2));
    assert!(x.records.iter().all(|r| r.subject_id == subj.id));
    assert!(x
        .access_log
        .iter()
        .all(|e| e.event.subject_id == Some(subj.id.0)));
    assert_eq!(x.access_log.len(), 4, "create, consent, two records");
    let json = serde_json::to_string(&x).expect("serialises");
    assert!(!json.contains("other"));
    verify(store).await;
}

pub async fn concurrent_writers_keep_one_unbroken_audit_chain(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    let p = RetentionPolicy::default();
    let subj = store
        .create_subject(&c, "Hさん", t0())
        .await
        .expect("subject");
    store
        .record_consent(&c, subj.id, &consent(&[RecordKind::Consultation]), t0())
        .await
        .expect("consent");
    let writes = (0..24).map(|i| {
        let c = c.clone();
        let p = p.clone();
        async move {
            store
                .add_record(
                    &c,
                    subj.id,
                    RecordKind::Consultation,
                    &note(&i.to_string()),
                    &p,
                    t0(),
                )
                .await
        }
    });
    let results = futures_join_all(writes).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(verify(store).await, 3 + 24);
}

/// Polls all futures together on the current task, so that their transactions overlap
/// (the store is borrowed, so they cannot be spawned).
async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<std::pin::Pin<Box<F>>>> = fs.map(|f| Some(Box::pin(f))).collect();
    let mut results: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(f) = slot {
                if let std::task::Poll::Ready(v) = f.as_mut().poll(cx) {
                    *result = Some(v);
                    *slot = None;
                }
            }
        }
        if pending.iter().all(Option::is_none) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

pub async fn the_database_refuses_to_change_the_audit_trail(store: &dyn Store, raw: &Raw) {
    staff(store, "sato", "A市保健所", Role::Counsellor).await;
    assert!(raw
        .exec("update audit_log set actor = 'x' where seq = 1")
        .await
        .is_err());
    assert!(raw
        .exec("delete from audit_log where seq = 1")
        .await
        .is_err());
    assert_eq!(verify(store).await, 1);
}

pub async fn audit_verify_finds_an_entry_changed_behind_the_stores_back(
    store: &dyn Store,
    raw: &Raw,
) {
    let c = staff(store, "sato", "A市保健所", Role::Counsellor).await;
    store
        .create_subject(&c, "Iさん", t0())
        .await
        .expect("subject");
    store.list_subjects(&c, t0()).await.expect("list");
    assert_eq!(verify(store).await, 3);
    // An attacker with database access removes the guard and hides who listed the files.
    let drop = match raw {
        Raw::Sqlite(_) => "drop trigger audit_log_no_update",
        Raw::Postgres(_) => "drop trigger audit_log_no_change on audit_log",
    };
    raw.exec(drop).await.expect("drop the guard");
    let n = raw
        .exec("update audit_log set actor = 'someone' where seq = 3")
        .await
        .expect("tamper");
    assert_eq!(n, 1);
    let broken = store
        .verify_audit()
        .await
        .expect("read trail")
        .expect_err("tampering is found");
    assert_eq!(broken.seq, 3, "{broken}");
}

/// Forty attempts racing on two stores over one database (two servers), again and again as
/// the pauses run out: one is let through each time, the fifth locks, and a right password
/// given back frees exactly one more.
pub async fn racing_sign_in_attempts_on_two_servers_let_five_through(store: &dyn Store, raw: &Raw) {
    let c = staff(store, "race", "A市保健所", Role::Clinician).await;
    let servers = [raw.open().await, raw.open().await];
    let mut granted = Vec::new();
    let (mut too_soon, mut locked) = (0, 0);
    // The pauses after failures 1-4 are 1, 2, 4 and 8 s; the last round comes when locked.
    for second in [0, 1, 3, 7, 15, 16] {
        let at = t0() + Duration::seconds(second);
        let mut tasks = Vec::new();
        for i in 0..40 {
            let s = servers[i % 2].clone();
            tasks.push(tokio::spawn(async move {
                s.claim_attempt(c.id, "10.0.0.9", at).await
            }));
        }
        let before = granted.len();
        for t in tasks {
            match t.await.expect("task").expect("claim") {
                Ok(claim) => granted.push(claim),
                Err(AttemptRefused::TooSoon(_)) => too_soon += 1,
                Err(AttemptRefused::Locked(_)) => locked += 1,
                Err(other) => panic!("unexpected refusal {other:?}"),
            }
        }
        let expected = usize::from(second != 16);
        assert_eq!(granted.len() - before, expected, "at +{second} s");
    }
    let attempts: Vec<u32> = granted.iter().map(|c| c.attempt).collect();
    assert_eq!(attempts, vec![1, 2, 3, 4, 5]);
    assert_eq!((too_soon, locked), (4 * 39, 39 + 40));
    let fifth = granted[4];
    assert!(fifth.locks_until.is_some());
    store
        .attempt_released(c.id, &fifth)
        .await
        .expect("give back");
    let s = state_of(store, "race").await;
    assert_eq!((s.failed_logins, s.locked_until), (4, None));
    let later = t0() + Duration::seconds(16);
    assert!(fail(store, c.id, later).await);
    assert!(
        !fail(store, c.id, later).await,
        "locked again after one more"
    );
    // Refusals are in the trail.
    let refusals = store
        .audit_page(0, 1000)
        .await
        .expect("trail")
        .iter()
        .filter(|e| e.event.detail.starts_with("refused: "))
        .count();
    assert_eq!(refusals, 4 * 39 + 39 + 40 + 1);
}

/// The sign-in budget of an address is one budget for every server: 100 attempts racing on
/// two stores over one database admit exactly the budget, and failures past ten pause the
/// address on both.
pub async fn an_address_budget_is_shared_by_two_servers(_store: &dyn Store, raw: &Raw) {
    use tsunagu_domain::records::throttle::AddressBudget;
    let servers = [raw.open().await, raw.open().await];
    let budget = AddressBudget::per_minute(10);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let s = servers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            s.admit_address("192.0.2.7", budget, t0()).await
        }));
    }
    let mut admitted = 0;
    for t in tasks {
        if t.await.expect("task").expect("admit").is_ok() {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 10, "one budget across both servers");
    // Another address has its own budget.
    assert!(servers[0]
        .admit_address("192.0.2.8", budget, t0())
        .await
        .expect("admit")
        .is_ok());
    // Twelve failures (on either server) pause the address for 2 s past the last one.
    let wide = AddressBudget::per_minute(1000);
    let at = t0() + Duration::minutes(5);
    for i in 0..12 {
        servers[i % 2]
            .address_failed("198.51.100.1", at)
            .await
            .expect("failure");
    }
    let refused = servers[1]
        .admit_address("198.51.100.1", wide, at)
        .await
        .expect("admit");
    assert_eq!(refused, Err(at + Duration::seconds(2)));
    assert!(servers[0]
        .admit_address("198.51.100.1", wide, at + Duration::seconds(2))
        .await
        .expect("admit")
        .is_ok());
}

/// The owner learns of the failures between the previous sign-in and this one, refusals
/// included, and of none once signed in again.
pub async fn the_failures_since_the_previous_sign_in_are_counted_for_the_owner(store: &dyn Store) {
    let c = staff(store, "owner", "A市保健所", Role::Clinician).await;
    let none = store
        .failures_before_last_sign_in(c.id)
        .await
        .expect("read");
    assert_eq!(none.count, 0, "never signed in");
    let first = claim(store, c.id, t0()).await;
    store
        .login_succeeded(c.id, None, &first, "10.0.0.9", t0())
        .await
        .expect("sign in");
    // Two wrong guesses from elsewhere, and one refused within the pause.
    let at = t0() + Duration::minutes(1);
    let guess = store
        .claim_attempt(c.id, "203.0.113.5", at)
        .await
        .expect("claim")
        .expect("let through");
    store
        .attempt_failed(c.id, &guess, "203.0.113.5", at)
        .await
        .expect("failed");
    assert!(store
        .claim_attempt(c.id, "203.0.113.5", at)
        .await
        .expect("claim")
        .is_err());
    let at2 = at + Duration::seconds(5);
    assert!(fail(store, c.id, at2).await);
    let back = t0() + Duration::hours(1);
    let again = claim(store, c.id, back).await;
    store
        .login_succeeded(c.id, None, &again, "10.0.0.9", back)
        .await
        .expect("sign in again");
    let told = store
        .failures_before_last_sign_in(c.id)
        .await
        .expect("read");
    assert_eq!(told.count, 3);
    assert_eq!(told.last_at, Some(at2));
    assert_eq!(told.last_from.as_deref(), Some("10.0.0.9"));
    let later = back + Duration::hours(1);
    let third = claim(store, c.id, later).await;
    store
        .login_succeeded(c.id, None, &third, "10.0.0.9", later)
        .await
        .expect("a third sign-in");
    let told = store
        .failures_before_last_sign_in(c.id)
        .await
        .expect("read");
    assert_eq!(told.count, 0, "nothing between the last two sign-ins");
}
