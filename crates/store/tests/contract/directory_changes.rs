//! When directory records last changed, and the listing filters built on it (HSDS
//! `last_modified`, `modified_after`, `taxonomy_id`): a record written again unchanged keeps
//! its time, an organization's change counts for its services, a replace drops what is gone.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tsunagu_domain::directory::dataset;
use tsunagu_domain::{Directory, OrganizationId, ServiceId};
use tsunagu_store::prelude::*;
use tsunagu_store::{Page, ServiceFilter, Stamped};

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0)
        .single()
        .expect("time")
}

fn page() -> Page {
    Page::new(1, 100).expect("page")
}

/// Every service the filter takes, walking the pages, with their stamps.
async fn all_where(store: &dyn Store, filter: &ServiceFilter) -> Vec<Stamped<ServiceId>> {
    let mut out = Vec::new();
    for n in 1.. {
        let (some, total) = store
            .services_where(filter, Page::new(n, 100).expect("page"))
            .await
            .expect("listing");
        let done = some.is_empty();
        out.extend(some.into_iter().map(|s| Stamped {
            record: s.record.id,
            modified: s.modified,
        }));
        if done || out.len() as u64 >= total {
            assert_eq!(out.len() as u64, total, "the count matches the pages");
            break;
        }
    }
    let ids = store.service_ids_where(filter).await.expect("ids");
    assert_eq!(
        ids,
        out.iter().map(|s| s.record.clone()).collect::<Vec<_>>(),
        "the ids agree with the pages"
    );
    out
}

fn changed_since(t: DateTime<Utc>) -> ServiceFilter {
    ServiceFilter {
        modified_since: Some(t),
        ..Default::default()
    }
}

pub async fn a_record_written_again_unchanged_keeps_its_time(store: &dyn Store) {
    let mut dir = dataset::bundled().expect("bundled");
    store.replace_directory(&dir, at(1)).await.expect("load");
    let every = all_where(store, &ServiceFilter::default()).await;
    assert_eq!(every.len(), dir.services.len());
    assert!(every.iter().all(|s| s.modified == at(1)));

    // The same directory again, later: nothing changed, nothing is stamped.
    store.replace_directory(&dir, at(2)).await.expect("again");
    assert!(all_where(store, &changed_since(at(2))).await.is_empty());

    // One service changed, one organization changed (with services of its own), one service
    // gone: only those are stamped, and the gone one is gone.
    dir.services[3].description = Some("説明を直しました".into());
    let changed_service = dir.services[3].id.clone();
    let org = dir.services[10].organization_id.clone();
    let o = dir
        .organizations
        .iter_mut()
        .find(|o| o.id == org)
        .expect("org");
    o.name.push_str("（改称）");
    let gone = dir.services.remove(20);
    store.replace_directory(&dir, at(3)).await.expect("changed");
    let since = all_where(store, &changed_since(at(3))).await;
    let mut expected: Vec<ServiceId> = dir
        .services
        .iter()
        .filter(|s| s.id == changed_service || s.organization_id == org)
        .map(|s| s.id.clone())
        .collect();
    let mut got: Vec<ServiceId> = since.iter().map(|s| s.record.clone()).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert!(since.iter().all(|s| s.modified == at(3)));
    assert_eq!(
        store.service_modified(&changed_service).await.expect("one"),
        at(3)
    );
    assert_eq!(
        store
            .service_modified(&dir.services[0].id)
            .await
            .expect("one"),
        at(1)
    );
    assert!(store.service_modified(&gone.id).await.is_err());
    // A replace still reads back exactly, in the new order.
    assert_eq!(store.directory().await.expect("read"), dir);
    dir.services.swap(0, 1);
    store
        .replace_directory(&dir, at(4))
        .await
        .expect("reordered");
    assert_eq!(store.directory().await.expect("read"), dir);
    assert!(
        all_where(store, &changed_since(at(4))).await.is_empty(),
        "a new position is not a change"
    );

    // Upserts stamp what they change and nothing else.
    let mut s = dir.services[5].clone();
    store
        .upsert_directory(
            &Directory {
                organizations: vec![],
                services: vec![s.clone()],
            },
            at(5),
        )
        .await
        .expect("unchanged upsert");
    assert!(all_where(store, &changed_since(at(5))).await.is_empty());
    s.name.push_str("・夜間");
    store
        .upsert_directory(
            &Directory {
                organizations: vec![],
                services: vec![s.clone()],
            },
            at(6),
        )
        .await
        .expect("upsert");
    let since = all_where(store, &changed_since(at(6) - Duration::microseconds(1))).await;
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].record, s.id);
}

pub async fn services_are_filtered_by_organization_taxonomy_and_change(store: &dyn Store) {
    let dir = dataset::bundled().expect("bundled");
    store.replace_directory(&dir, at(1)).await.expect("load");
    let ids = |f: &dyn Fn(&tsunagu_domain::Service) -> bool| -> Vec<ServiceId> {
        dir.services
            .iter()
            .filter(|s| f(s))
            .map(|s| s.id.clone())
            .collect()
    };
    let record_ids =
        |v: Vec<Stamped<ServiceId>>| v.into_iter().map(|s| s.record).collect::<Vec<_>>();
    for (tax, has) in [
        (
            "tsunagu-concern",
            (|s: &tsunagu_domain::Service| !s.concerns.is_empty()) as fn(&_) -> bool,
        ),
        ("tsunagu-audience", |s| !s.audiences.is_empty()),
        ("tsunagu-service-kind", |s| !s.service_kinds.is_empty()),
    ] {
        let filter = ServiceFilter {
            taxonomy: Some(tax.into()),
            ..Default::default()
        };
        let got = record_ids(all_where(store, &filter).await);
        assert_eq!(got, ids(&has), "{tax}");
        assert!(!got.is_empty(), "{tax} has services");
    }
    // A taxonomy that does not exist, or one spelt with LIKE's wildcards, takes nothing.
    for tax in ["tsunagu-none", "tsunagu%", "tsunagu_concern", "%"] {
        let filter = ServiceFilter {
            taxonomy: Some(tax.into()),
            ..Default::default()
        };
        assert!(all_where(store, &filter).await.is_empty(), "{tax}");
    }
    // Conditions combine.
    let org = dir.services[0].organization_id.clone();
    let filter = ServiceFilter {
        organization: Some(org.clone()),
        taxonomy: Some("tsunagu-concern".into()),
        modified_since: Some(at(1)),
    };
    assert_eq!(
        record_ids(all_where(store, &filter).await),
        ids(&|s| s.organization_id == org && !s.concerns.is_empty())
    );
    let later = ServiceFilter {
        modified_since: Some(at(1) + Duration::microseconds(1)),
        ..filter
    };
    assert!(all_where(store, &later).await.is_empty());
    // An unknown organization is not found, as for its services' page.
    let nobody = ServiceFilter {
        organization: Some(OrganizationId::parse("no-such-org").expect("id")),
        ..Default::default()
    };
    assert!(store.services_where(&nobody, page()).await.is_err());
    assert!(store.service_ids_where(&nobody).await.is_err());
}

/// After migration 0006 on a database that held a directory before it: every service has a
/// change time (the migration's) and the terms the taxonomy filter reads.
pub async fn a_directory_stored_before_change_times_is_stamped_and_filterable(store: &dyn Store) {
    let dir = dataset::bundled().expect("bundled");
    let every = all_where(store, &ServiceFilter::default()).await;
    assert_eq!(every.len(), dir.services.len());
    let first = every[0].modified;
    assert!(every.iter().all(|s| s.modified == first), "one stamp");
    assert!(first > at(0), "stamped when migrated: {first}");
    for (tax, count) in [
        (
            "tsunagu-concern",
            dir.services
                .iter()
                .filter(|s| !s.concerns.is_empty())
                .count(),
        ),
        (
            "tsunagu-audience",
            dir.services
                .iter()
                .filter(|s| !s.audiences.is_empty())
                .count(),
        ),
        (
            "tsunagu-service-kind",
            dir.services
                .iter()
                .filter(|s| !s.service_kinds.is_empty())
                .count(),
        ),
    ] {
        let filter = ServiceFilter {
            taxonomy: Some(tax.into()),
            ..Default::default()
        };
        assert_eq!(all_where(store, &filter).await.len(), count, "{tax}");
    }
    // Written again unchanged, nothing is stamped anew; the terms the store writes agree with
    // those the migration computed.
    let later = Utc::now() + Duration::hours(1);
    store.replace_directory(&dir, later).await.expect("again");
    assert!(all_where(store, &changed_since(later)).await.is_empty());
}
