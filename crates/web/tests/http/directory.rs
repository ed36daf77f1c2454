//! The directory over HTTP: the search page, service pages, problem reports and the maintainers' list, bad input, and the JSON and HSDS API.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn the_search_page_finds_darc_womens_house_first_and_shows_the_crisis_banner() {
    let app = test_app().await;
    let (status, headers, body) =
        get(&app, "/?q=%E3%83%80%E3%83%AB%E3%82%AF+%E5%A5%B3%E6%80%A7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap_or("")
        .contains("default-src 'none'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // The first listing after the banner (whose crisis lines link to their own pages).
    let results = body.split("id=\"main\"").nth(1).unwrap_or("");
    let first = results
        .split("href=\"/services/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("");
    assert_eq!(first, "darc-womens-house");
    assert!(body.contains("いま命の危険があるときは"));
    // The banner names いのちの電話 with its source and, as the seed gives no number, its
    // web page.
    let banner = body.split("</aside>").next().unwrap_or("");
    assert!(
        banner.contains("/services/inochi-no-denwa")
            && banner.contains("http://www.find-j.jp/")
            && banner.contains("004_d9518c60032bdf29.txt:2957"),
        "{banner}"
    );
    assert!(body.contains("<html lang=\"ja\">") && body.contains("本文へ移動"));
    assert!(!body.contains("<script"), "pages work without JavaScript");
}

#[tokio::test]
async fn the_api_search_for_akita_flags_the_centre_phone() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/api/v1/search?q=%E7%A7%8B%E7%94%B0").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    let centre = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "mhwc-05")
        .expect("akita centre");
    assert_eq!(centre["phones"][0]["number"], "118-892-3773");
    assert_eq!(centre["phones"][0]["flagged"], true);
}

#[tokio::test]
async fn the_detail_page_shows_contacts_hours_provenance_and_stale_notice() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/services/mhwc-05").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "118-892-3773",
        "番号に疑問あり",
        "004_d9518c60032bdf29.txt:22638",
        "2006-04-01",
        "変わっている可能性",
        "データの注意点",
        "受付時間は資料に記載がありません",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    let (_, _, body) = get(&app, "/services/ncnp-drug-addiction").await;
    assert!(
        body.contains("受付中（15:00まで）"),
        "Friday 11:00 is within 10:00-15:00"
    );
    assert!(body.contains("yakubutsuizon@ncnp.go.jp"));
}

#[tokio::test]
async fn bad_input_gets_clear_4xx_answers() {
    let app = test_app().await;
    for (uri, code) in [
        ("/?concern=heroin", StatusCode::BAD_REQUEST),
        (
            "/?prefecture=%E9%B3%A5%E6%A0%B9%E7%9C%8C",
            StatusCode::BAD_REQUEST,
        ),
        ("/?page=0", StatusCode::BAD_REQUEST),
        ("/?unknown=1", StatusCode::BAD_REQUEST),
        ("/api/v1/search?open_now=maybe", StatusCode::BAD_REQUEST),
        ("/api/v1/search?per_page=1000", StatusCode::BAD_REQUEST),
        ("/services/NOT-AN-ID", StatusCode::NOT_FOUND),
        ("/services/no-such-thing", StatusCode::NOT_FOUND),
        ("/api/v1/services/no-such-thing", StatusCode::NOT_FOUND),
        ("/hsds/services?page=0", StatusCode::BAD_REQUEST),
        ("/hsds/services?page=abc", StatusCode::BAD_REQUEST),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, code, "{uri}: {body}");
        if uri.starts_with("/api") || uri.starts_with("/hsds") {
            assert!(json(&body)["message"].is_string(), "{uri}");
        }
    }
    let long = format!("/api/v1/search?q={}", "%E3%81%82".repeat(201));
    assert_eq!(get(&app, &long).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_problem_report_is_filed_and_a_maintainer_closes_it() {
    let app = test_app().await;
    // Empty message: the form comes back with an error and nothing is stored.
    let bad = Request::post("/services/mhwc-05/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("category=phone&message=+&{CSRF_FIELD}")))
        .expect("request");
    let (status, _, body) = send(&app, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("内容を1文字以上"));
    let ok = Request::post("/services/mhwc-05/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("category=phone&message=%E7%95%AA%E5%8F%B7%E3%81%8C%E9%81%95%E3%81%84%E3%81%BE%E3%81%99&{CSRF_FIELD}")))
        .expect("request");
    let (status, headers, _) = send(&app, ok).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/services/mhwc-05?reported=1");
    // Maintainer pages need the token.
    assert_eq!(
        get(&app, "/maintainer/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
    let auth = format!("Basic {}", base64_encode("maintainer:s3cret"));
    let list = Request::get("/maintainer/reports")
        .header(header::AUTHORIZATION, &auth)
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(&app, list).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("番号が違います") && body.contains("未対応"));
    let close = Request::post("/maintainer/reports/1/close")
        .header(header::AUTHORIZATION, &auth)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("resolution=checked&{CSRF_FIELD}")))
        .expect("request");
    assert_eq!(send(&app, close).await.0, StatusCode::SEE_OTHER);
    let again = Request::post("/maintainer/reports/1/close")
        .header(header::AUTHORIZATION, &auth)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("resolution=checked&{CSRF_FIELD}")))
        .expect("request");
    assert_eq!(send(&app, again).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn hsds_endpoints_paginate_and_every_documented_path_is_routed() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/hsds/services?page=2&per_page=10").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["page_number"], 2);
    assert_eq!(v["size"], 10);
    assert!(v["total_items"].as_u64().unwrap_or(0) > 150);
    let (_, _, body) = get(&app, "/hsds/services/tokyo-darc").await;
    let v = json(&body);
    assert_eq!(v["organization"]["name"], "特定非営利活動法人 東京ダルク");
    assert_eq!(v["phones"][0]["number"], "03-3875-8808");
    let doc = json(tsunagu_web::directory::api::OPENAPI);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        // A path's own example id, else one service's.
        let example = item["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["in"] == "path"))
            .and_then(|p| p["example"].as_str())
            .unwrap_or("tokyo-darc");
        let uri = path.replace("{id}", example);
        for method in item.as_object().expect("item").keys() {
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .body(Body::empty())
                .expect("request");
            let (status, _, _) = send(&app, req).await;
            assert_ne!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {uri} is documented but not routed"
            );
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        }
    }
}

fn base64_encode(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The seven places where the OpenAPI document and the behaviour disagreed (issue 16, finding
/// 9): each answer now matches what the served document allows or excludes.
#[tokio::test]
async fn the_served_openapi_document_says_what_the_api_accepts_and_refuses() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc = json(&body);
    let param = |path: &str, name: &str| -> serde_json::Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .find(|p| p["name"] == name)
            .expect("documented")["schema"]
            .clone()
    };
    // 1. An empty question: the document requires a non-space character; the API refuses.
    assert_eq!(param("/api/v1/docs/search", "q")["minLength"], 1);
    assert_eq!(
        get(&app, "/api/v1/docs/search?q=").await.0,
        StatusCode::BAD_REQUEST
    );
    // 2. limit=0 is outside the documented 1-50: refused, as is 51.
    for limit in [0, 51] {
        let uri = format!("/api/v1/docs/search?q=%E5%85%A5%E9%99%A2&limit={limit}");
        assert_eq!(
            get(&app, &uri).await.0,
            StatusCode::BAD_REQUEST,
            "limit={limit}"
        );
    }
    // 3. A page past the documented maximum, on both paginated endpoints.
    assert_eq!(param("/api/v1/search", "page")["maximum"], 10_000);
    assert_eq!(param("/hsds/services", "page")["maximum"], 10_000);
    assert_eq!(
        get(&app, "/api/v1/search?page=10001").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/hsds/services?page=10001").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/api/v1/search?page=10000").await.0,
        StatusCode::OK
    );
    // 4. Unknown codes: the served document lists the accepted ones, from the domain.
    let region = param("/api/v1/search", "region")["enum"].clone();
    let listed = |v: &str| region.as_array().is_some_and(|a| a.iter().any(|x| x == v));
    assert!(listed("東京都") && listed("13") && listed("名古屋市") && !listed("xx"));
    let kinds = param("/api/v1/search", "service_kind")["enum"].clone();
    assert!(kinds
        .as_array()
        .is_some_and(|a| a.len() == tsunagu_domain::ServiceKind::ALL.len()));
    for uri in ["/api/v1/search?region=xx", "/api/v1/search?service_kind=xx"] {
        assert_eq!(get(&app, uri).await.0, StatusCode::BAD_REQUEST, "{uri}");
    }
    assert_eq!(
        get(&app, "/api/v1/search?region=13").await.0,
        StatusCode::OK
    );
    // 5. An empty per_page (or any other empty parameter but q) is refused by the API.
    for uri in [
        "/api/v1/search?per_page=",
        "/api/v1/search?region=",
        "/api/v1/search?open_now=",
    ] {
        assert_eq!(get(&app, uri).await.0, StatusCode::BAD_REQUEST, "{uri}");
    }
    assert_eq!(get(&app, "/api/v1/search?q=").await.0, StatusCode::OK);
    // 6 and 7. Triage: `{}` says nothing (the document requires one field that says
    // something); null means "not given"; a whole number written 23.0 is an integer.
    let schema = &doc["paths"]["/api/v1/triage"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    assert!(schema["anyOf"].as_array().is_some_and(|a| a.len() == 8));
    assert_eq!(schema["properties"]["municipality"]["type"][1], "null");
    let triage = |body: serde_json::Value| {
        Request::post("/api/v1/triage")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    let empty = send(&app, triage(serde_json::json!({}))).await.0;
    assert_eq!(empty, StatusCode::BAD_REQUEST);
    let nulls =
        serde_json::json!({"sex": "male", "municipality": null, "prefecture": null, "age": 23.0});
    assert_eq!(send(&app, triage(nulls)).await.0, StatusCode::OK);
}

/// Every item of every `/hsds/services` page and every `/hsds/services/{id}` document (asked for
/// by its HSDS id, a UUID) validates against the official HSDS 3.0 compiled schemas.
#[tokio::test]
async fn every_hsds_document_the_api_serves_validates_against_the_official_schemas() {
    use crate::hsds_schema::{assert_none, schema};
    let (Some(item), Some(full)) = (schema("service_list"), schema("service")) else {
        return;
    };
    let app = test_app().await;
    let mut violations = Vec::new();
    let mut ids = Vec::new();
    for page in 1.. {
        let (status, _, body) =
            get(&app, &format!("/hsds/services?page={page}&per_page=100")).await;
        assert_eq!(status, StatusCode::OK);
        let v = json(&body);
        for s in v["contents"].as_array().expect("contents") {
            violations.extend(item.violations(s));
            ids.push(s["id"].as_str().expect("id").to_owned());
        }
        if v["last_page"] == true {
            break;
        }
    }
    let bundled = tsunagu_domain::directory::dataset::bundled().expect("dataset");
    assert_eq!(ids.len(), bundled.services.len());
    for id in &ids {
        let (status, _, body) = get(&app, &format!("/hsds/services/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let doc = json(&body);
        assert_eq!(doc["id"], id.as_str());
        violations.extend(full.violations(&doc));
    }
    assert_none("/hsds/services", &violations);
    // Organizations: every list item and every full document (with its locations and
    // services).
    let (Some(org_item), Some(org_full)) = (schema("organization_list"), schema("organization"))
    else {
        return;
    };
    let mut orgs = Vec::new();
    for page in 1.. {
        let (status, _, body) = get(
            &app,
            &format!("/hsds/organizations?page={page}&per_page=100"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let v = json(&body);
        for o in v["contents"].as_array().expect("contents") {
            violations.extend(org_item.violations(o));
            orgs.push(o["id"].as_str().expect("id").to_owned());
        }
        if v["last_page"] == true {
            break;
        }
    }
    assert_eq!(orgs.len(), bundled.organizations.len());
    let mut nested = 0;
    for id in &orgs {
        let (status, _, body) = get(&app, &format!("/hsds/organizations/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let doc = json(&body);
        nested += doc["services"].as_array().map_or(0, Vec::len);
        violations.extend(org_full.violations(&doc));
    }
    assert_eq!(
        nested,
        bundled.services.len(),
        "every service under its organization"
    );
    assert_none("/hsds/organizations", &violations);
    // One organization's services, by its HSDS id or readable id.
    let darc = tsunagu_domain::directory::exchange::hsds::hsds_id("organization", "tokyo-darc");
    for org in [darc.as_str(), "tokyo-darc"] {
        let (status, _, body) = get(&app, &format!("/hsds/services?organization_id={org}")).await;
        assert_eq!(status, StatusCode::OK);
        let v = json(&body);
        assert_eq!(v["total_items"], 1, "{org}");
        assert_eq!(v["contents"][0]["organization_id"], darc.as_str());
    }
    assert_eq!(
        get(&app, "/hsds/services?organization_id=no-such-org")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Search and a taxonomy term, as on the search page; the items still validate.
    let (status, _, body) = get(&app, "/hsds/services?search=%E3%83%80%E3%83%AB%E3%82%AF").await;
    assert_eq!(status, StatusCode::OK);
    let found = json(&body);
    let names: Vec<&str> = found["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.iter().any(|n| n.contains("ダルク")), "{names:?}");
    let drugs = tsunagu_domain::directory::exchange::hsds::hsds_id(
        "taxonomy_term",
        "tsunagu-concern:drugs",
    );
    for term in [drugs.as_str(), "tsunagu-concern:drugs"] {
        let (status, _, body) = get(
            &app,
            &format!("/hsds/services?taxonomy_term_id={term}&per_page=100"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{term}");
        let v = json(&body);
        let items = v["contents"].as_array().expect("contents");
        assert!(!items.is_empty());
        for s in items {
            violations.extend(item.violations(s));
            // The directory's rule: a service for every addiction serves each one.
            let serves = s["x_tsunagu"]["concerns"].as_array().is_some_and(|a| {
                a.iter().any(|c| {
                    c.as_str()
                        .and_then(|c| c.parse::<tsunagu_domain::Concern>().ok())
                        .is_some_and(|c| c.matches(tsunagu_domain::Concern::Drugs))
                })
            });
            assert!(serves, "{} does not serve the term", s["name"]);
        }
    }
    assert_none("/hsds/services?taxonomy_term_id", &violations);
    // The three combine: one organization's services among the search results.
    let (status, _, body) = get(
        &app,
        "/hsds/services?organization_id=tokyo-darc&search=%E3%83%80%E3%83%AB%E3%82%AF",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["total_items"], 1);
    assert_eq!(v["contents"][0]["x_tsunagu"]["id"], "tokyo-darc");
    assert_eq!(
        get(&app, "/hsds/services?taxonomy_term_id=nothing").await.0,
        StatusCode::NOT_FOUND
    );
    // Service-location links: every list item and document.
    let (Some(sal_item), Some(sal_full)) = (
        schema("service_at_location_list"),
        schema("service_at_location"),
    ) else {
        return;
    };
    let (status, _, body) = get(&app, "/hsds/service_at_locations?per_page=100&page=1").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert!(
        v["total_items"].as_u64().unwrap_or(0) > 150,
        "{}",
        v["total_items"]
    );
    for link in v["contents"].as_array().expect("contents") {
        violations.extend(sal_item.violations(link));
        let id = link["id"].as_str().expect("id");
        let (status, _, one) = get(&app, &format!("/hsds/service_at_locations/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        violations.extend(sal_full.violations(&json(&one)));
    }
    let (status, _, one) = get(&app, "/hsds/service_at_locations/tokyo-darc@tokyo-darc").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json(&one)["service_id"],
        tsunagu_domain::directory::exchange::hsds::hsds_id("service", "tokyo-darc").as_str()
    );
    assert_none("/hsds/service_at_locations", &violations);
    // Taxonomies and terms: every term has a description, and each is found by id and key.
    let (_, _, body) = get(&app, "/hsds/taxonomy_terms?per_page=100").await;
    let terms = json(&body);
    let all = terms["contents"].as_array().expect("terms");
    assert!(all.len() > 20 && all.iter().all(|t| t["description"].is_string()));
    let id = all[0]["id"].as_str().expect("id");
    let (_, _, one) = get(&app, &format!("/hsds/taxonomy_terms/{id}")).await;
    let (_, _, by_key) = get(&app, "/hsds/taxonomy_terms/tsunagu-concern:drugs").await;
    assert_eq!(json(&one)["id"], id);
    assert_eq!(json(&by_key)["code"], "drugs");
    let (status, _, body) = get(&app, "/hsds/taxonomies/tsunagu-concern").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["name"], "困りごと");
    assert_eq!(
        get(&app, "/hsds/taxonomies/nothing").await.0,
        StatusCode::NOT_FOUND
    );
    // The readable id still answers, with the same document.
    let (_, _, by_slug) = get(&app, "/hsds/services/tokyo-darc").await;
    let by_slug = json(&by_slug);
    let (_, _, by_uuid) = get(
        &app,
        &format!("/hsds/services/{}", by_slug["id"].as_str().unwrap_or("")),
    )
    .await;
    assert_eq!(by_slug, json(&by_uuid));
}

/// `/hsds/services` with the standard parameters the other tests do not cover: `modified_after`
/// (from the store's change times), `taxonomy_id`, `minimal`, `full` and `format=ndjson`,
/// alone and combined, and the API's 400 or 404 for bad values.
#[tokio::test]
async fn hsds_services_take_modified_after_taxonomy_id_minimal_full_and_ndjson() {
    use chrono::{Duration, SecondsFormat, Utc};
    use tsunagu_domain::directory::exchange::hsds::hsds_id;
    use tsunagu_store::DirectoryStore;
    let store = test_store().await;
    let mut dir = tsunagu_domain::directory::dataset::bundled().expect("dataset");
    let later = Utc::now() + Duration::hours(1);
    dir.services[2].description = Some("説明を直しました".into());
    store
        .replace_directory(&dir, later)
        .await
        .expect("change one");
    let changed = dir.services[2].id.to_string();
    let app = app_of(store).await;
    let total = dir.services.len();

    // modified_after: only what changed since; its last_modified is the change time.
    let since = (later - Duration::minutes(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (status, _, body) = get(&app, &format!("/hsds/services?modified_after={since}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = json(&body);
    assert_eq!(v["total_items"], 1);
    assert_eq!(v["contents"][0]["x_tsunagu"]["id"], changed.as_str());
    assert_eq!(
        v["contents"][0]["last_modified"],
        later.to_rfc3339_opts(SecondsFormat::Millis, true)
    );
    let (_, _, one) = get(&app, &format!("/hsds/services/{changed}")).await;
    assert_eq!(
        json(&one)["last_modified"],
        v["contents"][0]["last_modified"]
    );
    // A date is the start of that day in Japan time; an offset is honoured.
    let (_, _, body) = get(&app, "/hsds/services?modified_after=2020-01-01").await;
    assert_eq!(json(&body)["total_items"], total);
    let after = (later + Duration::seconds(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (_, _, body) = get(&app, &format!("/hsds/services?modified_after={after}")).await;
    assert_eq!(json(&body)["total_items"], 0);
    // An offset, encoded or typed as is (its `+` arrives as a space).
    let jst = (later - Duration::minutes(1))
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"))
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    for typed in [jst.replace('+', "%2B"), jst.clone()] {
        let (status, _, body) = get(&app, &format!("/hsds/services?modified_after={typed}")).await;
        assert_eq!(status, StatusCode::OK, "{typed}: {body}");
        assert_eq!(json(&body)["total_items"], 1, "{typed}");
    }
    // With search: among the ranked results for its name, only the changed one is new.
    let name: String = dir.services[2]
        .name
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let (_, _, body) = get(&app, &format!("/hsds/services?search={name}")).await;
    assert!(json(&body)["total_items"].as_u64().expect("total") >= 1);
    let (_, _, body) = get(
        &app,
        &format!("/hsds/services?search={name}&modified_after={since}"),
    )
    .await;
    let v = json(&body);
    assert_eq!(v["total_items"], 1, "{v}");
    assert_eq!(v["contents"][0]["x_tsunagu"]["id"], changed.as_str());

    // taxonomy_id: by code or HSDS id, the services with any term of it.
    let with_audience = dir
        .services
        .iter()
        .filter(|s| !s.audiences.is_empty())
        .count();
    for key in [
        "tsunagu-audience".to_owned(),
        hsds_id("taxonomy", "tsunagu-audience"),
    ] {
        let (status, _, body) = get(&app, &format!("/hsds/services?taxonomy_id={key}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(&body)["total_items"], with_audience, "{key}");
    }

    // minimal: id and last_modified only, the same ids as the plain page.
    let (_, _, plain) = get(&app, "/hsds/services?per_page=20").await;
    let (_, _, minimal) = get(&app, "/hsds/services?per_page=20&minimal=true").await;
    let (plain, minimal) = (json(&plain), json(&minimal));
    for (p, m) in plain["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .zip(minimal["contents"].as_array().expect("contents"))
    {
        assert_eq!(p["id"], m["id"]);
        let mut keys: Vec<&String> = m.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "last_modified"]);
    }
    assert_eq!(minimal["total_items"], total);
    let (_, _, both) = get(&app, "/hsds/services?per_page=20&minimal=true&full=true").await;
    assert_eq!(json(&both)["contents"], minimal["contents"], "minimal wins");

    // full: every item nested as /services/{id}, organization included, and valid.
    let (_, _, full) = get(&app, "/hsds/services?per_page=30&full=true").await;
    let full = json(&full);
    let items = full["contents"].as_array().expect("contents");
    assert_eq!(items.len(), 30);
    assert!(items.iter().all(|s| s["organization"]["id"].is_string()));
    if let Some(schema) = crate::hsds_schema::schema("service") {
        let violations: Vec<_> = items.iter().flat_map(|s| schema.violations(s)).collect();
        crate::hsds_schema::assert_none("/hsds/services?full=true", &violations);
    }

    // format=ndjson: every result, one document a line, unpaged; filters still apply.
    let (status, headers, body) = get(&app, "/hsds/services?format=ndjson").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson");
    let lines: Vec<serde_json::Value> = body.lines().map(json).collect();
    assert_eq!(lines.len(), total);
    assert_eq!(lines[0]["id"], plain["contents"][0]["id"]);
    let (_, _, body) = get(
        &app,
        "/hsds/services?format=ndjson&taxonomy_id=tsunagu-audience&minimal=true",
    )
    .await;
    assert_eq!(body.lines().count(), with_audience);

    // Bad values: the API's own errors.
    for (uri, want) in [
        (
            "/hsds/services?modified_after=yesterday",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/hsds/services?modified_after=2026-13-01",
            StatusCode::BAD_REQUEST,
        ),
        ("/hsds/services?minimal=maybe", StatusCode::BAD_REQUEST),
        ("/hsds/services?format=xml", StatusCode::BAD_REQUEST),
        ("/hsds/services?taxonomy_id=nothing", StatusCode::NOT_FOUND),
    ] {
        let (status, headers, body) = get(&app, uri).await;
        assert_eq!(status, want, "{uri}: {body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{uri}");
    }
}

/// `/hsds/` names its profile and OpenAPI document by absolute URLs (HSDS types both
/// `"format": "uri"`): under the configured public URL, else the request's host; and the
/// profile is served there.
#[tokio::test]
async fn the_hsds_root_links_to_a_profile_the_server_serves() {
    let app = test_app().await;
    let req = Request::get("/hsds/")
        .header(header::HOST, "127.0.0.1:8123")
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["profile"], "http://127.0.0.1:8123/hsds/profile");
    assert_eq!(
        v["openapi_url"],
        "http://127.0.0.1:8123/api/v1/openapi.json"
    );
    // A host header that is not a host is not echoed.
    let req = Request::get("/hsds/")
        .header(header::HOST, "evil\"><script>")
        .body(Body::empty())
        .expect("request");
    let (_, _, body) = send(&app, req).await;
    assert_eq!(json(&body)["profile"], "http://localhost/hsds/profile");

    let (store, _) = test_store_and_path().await;
    let config = tsunagu_web::WebConfig {
        public_url: Some(
            tsunagu_web::PublicUrl::parse("https://tsunagu.example.jp/").expect("url"),
        ),
        ..Default::default()
    };
    let app = app_with(store, config).await;
    let (_, _, body) = get(&app, "/hsds/").await;
    let v = json(&body);
    assert_eq!(v["profile"], "https://tsunagu.example.jp/hsds/profile");
    assert_eq!(
        v["openapi_url"],
        "https://tsunagu.example.jp/api/v1/openapi.json"
    );
    let (status, _, body) = get(&app, "/hsds/profile").await;
    assert_eq!(status, StatusCode::OK);
    let profile = json(&body);
    assert_eq!(profile["hsds_version"], "3.0");
    assert_eq!(
        profile["identifiers"]["namespace"],
        tsunagu_domain::directory::exchange::hsds::ID_NAMESPACE.to_string()
    );
    assert_eq!(profile["taxonomies"].as_array().map(Vec::len), Some(3));
}
