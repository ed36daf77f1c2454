//! The case-deadlines contract: events stored under consent with their obligations, the
//! organisation's due list, completion, withdrawal and purge.

use super::records::{staff, t0};
use super::Raw;
use chrono::Duration;
use tsunagu_domain::law::deadlines::{obligations, Event};
use tsunagu_domain::records::access::Role;
use tsunagu_domain::records::consent::{
    ConsentGiver, ConsentScope, NewConsent, RecordKind, RetentionPolicy,
};
use tsunagu_domain::SubjectId;
use tsunagu_store::law::store::NewObligation;
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::StaffCtx;
use tsunagu_store::StoreError;

/// The event and the obligations the engine derives from it, as the web and CLI store them.
fn derived(v: serde_json::Value) -> (serde_json::Value, Vec<NewObligation>) {
    let e = Event::from_json(&v).expect("valid event");
    let list = obligations(&e)
        .expect("lawful")
        .into_iter()
        .map(|o| NewObligation {
            obligation: o.obligation.to_owned(),
            due: o.due.text(),
            due_at: o.due.overdue_at(),
            law: o.basis.law.to_owned(),
            source: o.basis.source.to_owned(),
            meaning: o.meaning.to_owned(),
        })
        .collect();
    (e.to_json(), list)
}

async fn case_file(store: &dyn Store, c: &StaffCtx, label: &str) -> SubjectId {
    let subj = store.create_subject(c, label, t0()).await.expect("subject");
    let consent = NewConsent::parse(
        "入院手続の期限管理",
        ConsentScope::new([RecordKind::Case]).expect("scope"),
        ConsentGiver::Subject,
        None,
        t0(),
        t0(),
    )
    .expect("consent");
    store
        .record_consent(c, subj.id, &consent, t0())
        .await
        .expect("consent");
    subj.id
}

async fn add(store: &dyn Store, c: &StaffCtx, subject: SubjectId, v: serde_json::Value) {
    let (event, obs) = derived(v);
    store
        .add_case_event(c, subject, &event, &obs, &RetentionPolicy::default(), t0())
        .await
        .expect("stored");
}

pub async fn the_due_list_splits_overdue_this_week_and_later_for_the_organisation_only(
    store: &dyn Store,
) {
    // now = 2026-11-21 18:00 JST.
    let c = staff(store, "sato", "A市保健所", Role::Clinician).await;
    let a = case_file(store, &c, "Aさん").await;
    let b = case_file(store, &c, "Bさん").await;
    // A 72-hour hold from 2026-11-17 10:00 ended 2026-11-20 10:00: overdue.
    add(store, &c, a, serde_json::json!({"type": "voluntary_discharge_hold", "at": "2026-11-17T10:00", "by": "designated_physician"})).await;
    // 医療保護 on 2026-11-12: the 10-day notice falls on Sunday 22nd, then 勤労感謝の日, so
    // it is due on the 24th (this week); the 4-week limit and the reports are later.
    add(store, &c, b, serde_json::json!({"type": "medical_protection_admission", "at": "2026-11-12", "consent_by": "support_obligor"})).await;
    let list = store.due_list(&c, 100, t0()).await.expect("due list");
    let codes = |v: &[tsunagu_store::law::store::DueItem]| {
        v.iter()
            .map(|i| (i.subject_label.clone(), i.obligation.clone(), i.due.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(&list.overdue),
        [
            (
                "Aさん".to_owned(),
                "written_notice".to_owned(),
                "2026-11-17".to_owned()
            ),
            (
                "Aさん".to_owned(),
                "hold_expires".to_owned(),
                "2026-11-20T10:00".to_owned()
            )
        ]
    );
    assert_eq!(
        codes(&list.within_7_days),
        [(
            "Bさん".to_owned(),
            "admission_notice".to_owned(),
            "2026-11-24".to_owned()
        )]
    );
    assert_eq!(list.later[0].obligation, "guardian_appointment_deadline");
    assert_eq!(list.later[0].due, "2026-12-10");
    assert!(
        list.later.windows(2).all(|w| w[0].due_at <= w[1].due_at),
        "soonest first"
    );
    assert_eq!((list.overdue_total, list.within_7_days_total), (2, 1));
    assert_eq!(list.later[0].source, "004_d9518c60032bdf29.txt:4883");
    // A short limit keeps the totals.
    let short = store
        .due_list(&c, 1, t0() + Duration::days(30))
        .await
        .expect("due list");
    assert_eq!(short.overdue.len(), 1);
    assert_eq!(
        short.overdue_total, 5,
        "written notice, hold, 10-day notice, 4-week limit, 告知 deferral"
    );
    // Another organisation sees none of it; a viewer sees nothing at all.
    let other = staff(store, "kato", "B市保健所", Role::Clinician).await;
    let theirs = store.due_list(&other, 100, t0()).await.expect("due list");
    assert!(
        theirs.overdue.is_empty() && theirs.within_7_days.is_empty() && theirs.later.is_empty()
    );
    assert!(matches!(
        store.case_deadlines(&other, a, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    let viewer = staff(store, "ito", "A市保健所", Role::Viewer).await;
    assert!(matches!(
        store.due_list(&viewer, 100, t0()).await,
        Err(StoreError::Forbidden(_))
    ));
    // Each read is in the trail.
    let trail = store.audit_page(0, 1000).await.expect("trail");
    let lists = trail
        .iter()
        .filter(|e| e.event.action.code() == "list" && e.event.target.code() == "deadline")
        .count();
    assert_eq!(lists, 3, "sato twice, kato once; the viewer was refused");
    assert!(store.verify_audit().await.expect("read").is_ok());
}

pub async fn completing_an_obligation_takes_it_off_the_list_once(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Clinician).await;
    let a = case_file(store, &c, "Aさん").await;
    add(
        store,
        &c,
        a,
        serde_json::json!({"type": "medical_protection_discharge", "at": "2026-11-20"}),
    )
    .await;
    let mine = store.case_deadlines(&c, a, t0()).await.expect("case");
    assert_eq!(mine.len(), 1);
    let done = store
        .complete_obligation(&c, a, mine[0].id, t0())
        .await
        .expect("done");
    assert_eq!(done.done_at, Some(t0()));
    assert!(matches!(
        store.complete_obligation(&c, a, mine[0].id, t0()).await,
        Err(StoreError::Conflict(_))
    ));
    let other = staff(store, "kato", "B市保健所", Role::Clinician).await;
    assert!(matches!(
        store.complete_obligation(&other, a, mine[0].id, t0()).await,
        Err(StoreError::NotFound(_))
    ));
    let b = case_file(store, &c, "Bさん").await;
    assert!(
        matches!(
            store.complete_obligation(&c, b, mine[0].id, t0()).await,
            Err(StoreError::NotFound(_))
        ),
        "through another person's file"
    );
    let list = store.due_list(&c, 100, t0()).await.expect("due list");
    assert!(list.overdue.is_empty() && list.within_7_days.is_empty() && list.later.is_empty());
    let again = store.case_deadlines(&c, a, t0()).await.expect("case");
    assert!(
        again[0].done_at.is_some(),
        "a done obligation stays on the case page"
    );
}

pub async fn no_consent_stores_nothing_and_withdrawal_removes_the_obligations(store: &dyn Store) {
    let c = staff(store, "sato", "A市保健所", Role::Clinician).await;
    let bare = store
        .create_subject(&c, "Cさん", t0())
        .await
        .expect("subject");
    let before = store
        .verify_audit()
        .await
        .expect("read")
        .expect("chain")
        .entries;
    let (event, obs) =
        derived(serde_json::json!({"type": "decision_notified", "at": "2026-11-20"}));
    let refused = store
        .add_case_event(&c, bare.id, &event, &obs, &RetentionPolicy::default(), t0())
        .await;
    assert!(
        matches!(refused, Err(StoreError::NoConsent(_))),
        "{refused:?}"
    );
    assert!(store
        .case_deadlines(&c, bare.id, t0())
        .await
        .expect("case")
        .is_empty());
    let after = store
        .verify_audit()
        .await
        .expect("read")
        .expect("chain")
        .entries;
    assert_eq!(
        after,
        before + 2,
        "nothing was stored: only the refusal and the case read above are in the trail"
    );

    let a = case_file(store, &c, "Aさん").await;
    add(
        store,
        &c,
        a,
        serde_json::json!({"type": "decision_notified", "at": "2026-11-20"}),
    )
    .await;
    assert_eq!(
        store.case_deadlines(&c, a, t0()).await.expect("case").len(),
        2
    );
    let consent = store
        .subject_file(&c, a, t0())
        .await
        .expect("file")
        .consents[0]
        .id;
    store
        .withdraw_consent(&c, consent, t0())
        .await
        .expect("withdraw");
    assert!(store
        .case_deadlines(&c, a, t0())
        .await
        .expect("case")
        .is_empty());
    let list = store.due_list(&c, 100, t0()).await.expect("due list");
    assert!(list.later.is_empty());
    let summary = store
        .purge(&tsunagu_store::records::store::Actor::cli("root"), t0())
        .await
        .expect("purge");
    assert_eq!(summary.records_withdrawn, 1);
}

pub async fn the_due_list_reads_the_open_due_index(store: &dyn Store, raw: &Raw) {
    let Raw::Sqlite(_) = raw else {
        // PostgreSQL's planner picks by table statistics; the benchmark checks it at scale.
        return;
    };
    let plan = raw
        .texts(
            "detail",
            "explain query plan select o.id from obligations o where o.organization = 'A' \
             and o.done_at is null and o.due_at >= '' and o.due_at < '2027' order by o.due_at, o.id limit 100",
        )
        .await
        .expect("plan");
    assert!(
        plan.iter().any(|l| l.contains("obligations_open_due")),
        "{plan:?}"
    );
    let _ = store;
}
