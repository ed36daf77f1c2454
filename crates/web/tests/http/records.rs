//! Staff sign-in and personal records over HTTP: password + TOTP, sessions, CSRF, consent,
//! records, the access log, and the refusals.

use crate::helpers::{send, N};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use tsunagu_domain::records::access::{OrgScope, Password, Role, TotpSecret, Username};
use tsunagu_search::TinySegmenter;
use tsunagu_store::prelude::*;
use tsunagu_store::records::store::{Actor, NewStaff};
use tsunagu_store::SqliteStore;
use tsunagu_web::auth::hash_password;
use tsunagu_web::{app, AppState, WebConfig};

const PASSWORD: &str = "kokoro-no-soudan-2026";

struct Harness {
    app: Router,
    store: Arc<SqliteStore>,
    /// Seconds added to the base time.
    offset: Arc<AtomicI64>,
    secret: TotpSecret,
}

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0)
        .single()
        .unwrap_or_default()
}

impl Harness {
    async fn new() -> Harness {
        let dir = std::env::temp_dir().join("tsunagu-http");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(format!(
            "staff-{}-{}.db",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let store = Arc::new(SqliteStore::open(&path).await.expect("open"));
        store.migrate().await.expect("migrate");
        let offset = Arc::new(AtomicI64::new(0));
        let o = offset.clone();
        let clock: tsunagu_web::Clock =
            Arc::new(move || base() + Duration::seconds(o.load(Ordering::SeqCst)));
        let state = AppState::load(
            store.clone(),
            Arc::new(TinySegmenter),
            WebConfig::default(),
            clock,
        )
        .await
        .expect("state");
        let secret = TotpSecret::from_bytes((1u8..=20).collect()).expect("secret");
        let h = Harness {
            app: app(state),
            store,
            offset,
            secret,
        };
        h.add("kimura", "A市保健所", Role::Clinician).await;
        h.add("sato", "A市保健所", Role::Counsellor).await;
        h.add("yamada", "B県精神保健福祉センター", Role::Clinician)
            .await;
        h.add("mori", "A市保健所", Role::Viewer).await;
        h
    }

    async fn add(&self, name: &str, org: &str, role: Role) {
        let new = NewStaff {
            username: Username::parse(name).expect("name"),
            organization: OrgScope::parse(org).expect("org"),
            role,
            password_hash: hash_password(&Password::parse(PASSWORD).expect("policy"))
                .expect("hash"),
            totp_secret: role.needs_totp().then(|| self.secret.to_base32()),
        };
        self.store
            .create_staff(&new, &Actor::cli("test"), base())
            .await
            .expect("create");
    }

    fn now(&self) -> DateTime<Utc> {
        base() + Duration::seconds(self.offset.load(Ordering::SeqCst))
    }

    fn advance(&self, d: Duration) {
        self.offset.fetch_add(d.num_seconds(), Ordering::SeqCst);
    }

    fn code(&self) -> String {
        self.secret
            .code_at(u64::try_from(self.now().timestamp()).expect("positive"))
    }

    async fn get(&self, uri: &str, cookie: &str) -> (StatusCode, HeaderMap, String) {
        let req = Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        send(&self.app, req).await
    }

    async fn post(&self, uri: &str, cookie: &str, form: &str) -> (StatusCode, HeaderMap, String) {
        let req = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .expect("request");
        send(&self.app, req).await
    }

    /// Password step; returns the response and the session cookie it set, if any.
    async fn password(&self, user: &str, password: &str) -> (StatusCode, Option<String>, String) {
        let (_, headers, _) = self.get("/staff/login", "").await;
        let csrf_cookie =
            set_cookie(&headers, "tsunagu_csrf").expect("login form sets the CSRF cookie");
        let token = csrf_cookie.split('=').nth(1).unwrap_or_default().to_owned();
        let (status, headers, body) = self
            .post(
                "/staff/login",
                &csrf_cookie,
                &format!("username={user}&password={password}&csrf={token}"),
            )
            .await;
        (status, set_cookie(&headers, "tsunagu_session"), body)
    }

    /// Full sign-in; returns the session cookie and the session's CSRF token.
    async fn sign_in(&self, user: &str) -> (String, String) {
        let (status, cookie, _) = self.password(user, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let cookie = cookie.expect("session cookie");
        let (status, _, body) = self.get("/staff/login/totp", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let csrf = csrf_in(&body);
        let (status, headers, _) = self
            .post(
                "/staff/login/totp",
                &cookie,
                &format!("code={}&csrf={csrf}", self.code()),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/staff");
        let active = set_cookie(&headers, "tsunagu_session").expect("a new session cookie");
        assert_ne!(
            active, cookie,
            "the session token changes after the second factor"
        );
        let (_, _, body) = self.get("/staff", &active).await;
        // The next code step, so that a second sign-in in the same test is not a replay.
        self.advance(Duration::seconds(30));
        (active, csrf_in(&body))
    }
}

fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

fn csrf_in(body: &str) -> String {
    let at =
        body.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    body[at..at + 64].to_owned()
}

fn location(headers: &HeaderMap) -> String {
    headers[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned()
}

#[tokio::test]
async fn a_clinician_signs_in_records_consent_stores_a_record_and_sees_who_viewed_it() {
    let h = Harness::new().await;
    let (me, csrf) = h.sign_in("kimura").await;
    let (status, headers, body) = h.get("/staff", &me).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(body.contains("kimura") && body.contains("医療職"));

    let (status, headers, _) = h
        .post(
            "/staff/subjects",
            &me,
            &format!("label=A%E3%81%95%E3%82%93&csrf={csrf}"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let file = location(&headers);
    // Without consent, no record can be stored.
    let (status, _, _) = h
        .post(
            &format!("{file}/records"),
            &me,
            &format!("kind=consultation&note=x&csrf={csrf}"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let consent = format!("purpose=%E7%9B%B8%E8%AB%87%E6%94%AF%E6%8F%B4&scope=consultation&scope=case&given_by=subject&csrf={csrf}");
    assert_eq!(
        h.post(&format!("{file}/consents"), &me, &consent).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, headers, _) = h
        .post(
            &format!("{file}/records"),
            &me,
            &format!("kind=consultation&note=%E5%88%9D%E5%9B%9E%E7%9B%B8%E8%AB%87&csrf={csrf}"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let record = location(&headers);
    let (status, _, body) = h.get(&record, &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("初回相談"));

    // A counsellor of the same organisation reads it; the clinician sees that on the access page.
    h.advance(Duration::minutes(1));
    let (other, _) = h.sign_in("sato").await;
    assert_eq!(h.get(&record, &other).await.0, StatusCode::OK);
    assert_eq!(
        h.get(&format!("{record}/access"), &other).await.0,
        StatusCode::FORBIDDEN,
        "counsellors do not see the log"
    );
    let (status, _, body) = h.get(&format!("{record}/access"), &me).await;
    assert_eq!(status, StatusCode::OK);
    let rows = body
        .split("<tr>")
        .filter(|r| r.contains("<td>"))
        .collect::<Vec<_>>();
    assert_eq!(rows.len(), 4, "{body}");
    assert!(rows[0].contains("kimura") && rows[0].contains("作成"));
    assert!(rows[1].contains("kimura") && rows[1].contains("閲覧"));
    assert!(rows[2].contains("sato") && rows[2].contains("閲覧"));
    assert!(
        rows[3].contains("sato") && rows[3].contains("アクセス拒否"),
        "the counsellor's refused look at the log is in it: {}",
        rows[3]
    );

    // Another organisation cannot even see that the file exists.
    let (theirs, _) = h.sign_in("yamada").await;
    assert_eq!(h.get(&record, &theirs).await.0, StatusCode::NOT_FOUND);
    assert_eq!(h.get(&file, &theirs).await.0, StatusCode::NOT_FOUND);
    assert!(h.store.verify_audit().await.expect("trail").is_ok());
}

#[tokio::test]
async fn wrong_passwords_unknown_users_and_wrong_codes_all_get_the_same_answer_and_five_lock() {
    let h = Harness::new().await;
    let (s1, c1, b1) = h.password("kimura", "wrong-password-123").await;
    let (s2, c2, b2) = h.password("nobody", PASSWORD).await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert!(c1.is_none() && c2.is_none());
    assert!(b1.contains("認証に失敗しました") && b2.contains("認証に失敗しました"));
    // Within the pause after a failure nothing is checked, not even the right password.
    let (status, cookie, body) = h.password("kimura", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "too soon after a failure");
    assert!(cookie.is_none() && body.contains("認証に失敗しました"));
    // A wrong second factor counts too: 1 (above) + 3 more passwords + 1 wrong code = 5.
    for _ in 0..3 {
        h.advance(Duration::seconds(16));
        h.password("kimura", "wrong-password-123").await;
    }
    h.advance(Duration::seconds(16));
    let (_, cookie, _) = h.password("kimura", PASSWORD).await;
    let cookie = cookie.expect("the password was right");
    let (_, _, body) = h.get("/staff/login/totp", &cookie).await;
    let (status, headers, _) = h
        .post(
            "/staff/login/totp",
            &cookie,
            &format!("code=000000&csrf={}", csrf_in(&body)),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "locked: back to the start");
    assert_eq!(location(&headers), "/staff/login");
    // Locked: even the right password fails, with the same message.
    let (status, cookie, body) = h.password("kimura", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none() && body.contains("認証に失敗しました"));
    h.advance(Duration::minutes(31));
    h.sign_in("kimura").await;
}

#[tokio::test]
async fn the_owner_is_told_of_failed_attempts_since_the_previous_sign_in() {
    let h = Harness::new().await;
    let (cookie, _) = h.sign_in("kimura").await;
    let (_, _, home) = h.get("/staff", &cookie).await;
    assert!(!home.contains("サインインの失敗"), "nothing to tell yet");
    for _ in 0..2 {
        h.advance(Duration::seconds(10));
        h.password("kimura", "wrong-password-123").await;
    }
    h.advance(Duration::minutes(5));
    let (cookie, _) = h.sign_in("kimura").await;
    let (_, _, home) = h.get("/staff", &cookie).await;
    assert!(
        home.contains("サインインの失敗が 2 回ありました"),
        "the owner is told: {home}"
    );
    h.advance(Duration::minutes(5));
    let (cookie, _) = h.sign_in("kimura").await;
    let (_, _, home) = h.get("/staff", &cookie).await;
    assert!(
        !home.contains("サインインの失敗"),
        "told once, for one sign-in"
    );
}

#[tokio::test]
async fn a_totp_code_cannot_be_replayed_and_the_second_factor_cannot_be_skipped() {
    let h = Harness::new().await;
    let (_, cookie, _) = h.password("kimura", PASSWORD).await;
    let cookie = cookie.expect("session");
    // The half-signed-in session does not open staff pages.
    let (status, headers, _) = h.get("/staff", &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/staff/login");
    let (_, _, body) = h.get("/staff/login/totp", &cookie).await;
    let csrf = csrf_in(&body);
    let code = h.code();
    assert_eq!(
        h.post(
            "/staff/login/totp",
            &cookie,
            &format!("code={code}&csrf={csrf}")
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    let (_, cookie, _) = h.password("kimura", PASSWORD).await;
    let cookie = cookie.expect("session");
    let (_, _, body) = h.get("/staff/login/totp", &cookie).await;
    let (status, _, body) = h
        .post(
            "/staff/login/totp",
            &cookie,
            &format!("code={code}&csrf={}", csrf_in(&body)),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the same code twice");
    assert!(body.contains("認証に失敗しました"));
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes_and_on_logout() {
    let h = Harness::new().await;
    let (me, csrf) = h.sign_in("sato").await;
    h.advance(Duration::minutes(29));
    assert_eq!(h.get("/staff", &me).await.0, StatusCode::OK);
    h.advance(Duration::minutes(29));
    assert_eq!(
        h.get("/staff", &me).await.0,
        StatusCode::OK,
        "each use restarts the idle clock"
    );
    h.advance(Duration::minutes(30));
    let (status, headers, _) = h.get("/staff", &me).await;
    assert_eq!(
        (status, location(&headers)),
        (StatusCode::SEE_OTHER, "/staff/login".to_owned())
    );

    let (me, csrf2) = h.sign_in("sato").await;
    assert_ne!(csrf, csrf2);
    assert_eq!(
        h.post("/staff/logout", &me, "csrf=").await.0,
        StatusCode::FORBIDDEN,
        "logout needs the token too"
    );
    assert_eq!(
        h.post("/staff/logout", &me, &format!("csrf={csrf2}"))
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(h.get("/staff", &me).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_forms_refuse_missing_tokens_other_origins_and_roles_without_the_permission() {
    let h = Harness::new().await;
    let (me, csrf) = h.sign_in("sato").await;
    assert_eq!(
        h.post("/staff/subjects", &me, "label=x").await.0,
        StatusCode::FORBIDDEN
    );
    let wrong = "b".repeat(64);
    assert_eq!(
        h.post("/staff/subjects", &me, &format!("label=x&csrf={wrong}"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let cross = Request::post("/staff/subjects")
        .header(header::COOKIE, &me)
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("label=x&csrf={csrf}")))
        .expect("request");
    assert_eq!(send(&h.app, cross).await.0, StatusCode::FORBIDDEN);
    // A viewer signs in without a second factor but sees no personal data.
    let (status, cookie, _) = h.password("mori", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let viewer = cookie.expect("session");
    let (status, _, body) = h.get("/staff", &viewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("個人の記録を扱えません"));
    let (_, _, body) = h.get("/staff", &viewer).await;
    let vcsrf = csrf_in(&body);
    assert_eq!(
        h.post("/staff/subjects", &viewer, &format!("label=x&csrf={vcsrf}"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Garbage ids and bodies are 4xx, never 5xx.
    for uri in [
        "/staff/records/abc",
        "/staff/records/99999999999999999999",
        "/staff/subjects/-1",
    ] {
        assert!(h.get(uri, &me).await.0.is_client_error(), "{uri}");
    }
    let r = h
        .post(
            "/staff/subjects/1/consents",
            &me,
            &format!("scope=unknown&given_by=subject&purpose=x&csrf={csrf}"),
        )
        .await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_clinician_follows_a_patient_through_screening_goal_pathway_and_diary() {
    let h = Harness::new().await;
    let (me, csrf) = h.sign_in("kimura").await;
    let (_, headers, _) = h
        .post("/staff/subjects", &me, &format!("label=D&csrf={csrf}"))
        .await;
    let file = location(&headers);
    let alcohol = format!("{file}/alcohol");
    let event = |form: &str| format!("{form}&csrf={csrf}");
    // Without a consent for these kinds nothing is stored.
    let (status, _, _) = h
        .post(
            &format!("{alcohol}/events"),
            &me,
            &event("event=sex_recorded&date=2026-11-01&sex=male"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let consent = format!("purpose=%E6%B8%9B%E9%85%92%E6%B2%BB%E7%99%82&scope=alcohol_pathway&scope=drinking_diary&given_by=subject&csrf={csrf}");
    assert_eq!(
        h.post(&format!("{file}/consents"), &me, &consent).await.0,
        StatusCode::SEE_OTHER
    );
    for form in [
        "event=sex_recorded&date=2026-11-01&sex=male",
        "event=screening&date=2026-05-01&q1=4&q2=4&q3=4&q4=3&q5=2&q6=1&q7=0&q8=0&q9=2&q10=4",
        "event=icd10_assessed&date=2026-05-02&met=1&met=2&met=3&together_or_repeated=yes",
        "event=goal_chosen&date=2026-05-08&abstinence_consent=no",
        "event=treatment_started&date=2026-05-15",
        "event=evaluation&date=2026-08-15&grams=70&effective=yes",
        "event=dose_changed&date=2026-08-15&mg=20",
        "event=diary_goal&date=2026-11-01&grams=40",
    ] {
        let (status, _, body) = h
            .post(&format!("{alcohol}/events"), &me, &event(form))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{form}: {body}");
    }
    for form in [
        "date=2026-11-19&drink=beer&count=4",
        "date=2026-11-18&drink=custom&ml=100&abv=40&count=1",
        "date=2026-11-17&drink=sake&count=1",
    ] {
        let (status, _, body) = h.post(&format!("{alcohol}/diary"), &me, &event(form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{form}: {body}");
    }
    let (status, headers, body) = h.get(&alcohol, &me).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // Prompts with their sources; the schedule: 3-month review done, 6-month review overdue.
    assert!(
        body.contains("断酒への同意を得るよう努める")
            && body.contains("003_44ecc7f7098cb87f.txt:189"),
        "{body}"
    );
    assert!(
        body.contains("2026-08-15")
            && body.contains("記録済み")
            && body.contains("2026-11-15")
            && body.contains("期限超過")
    );
    assert!(body.contains("AUDIT 24 点"));
    assert!(body.contains("ICD-10: 3 項目該当") && body.contains("依存症の診断基準を満たす"));
    assert!(body.contains("用量を 20 mg に変更"));
    // The diary: chart with bars and the goal line, weekly summary, heavy day.
    assert!(
        body.contains("<svg") && body.contains("目標 40 g") && body.contains("2026-11-19: 80.0 g")
    );
    assert!(body.contains("多量飲酒日"));
    let (status, _, fhir) = h
        .get(&format!("{alcohol}/audit-fhir.json?form=audit-c"), &me)
        .await;
    assert_eq!(status, StatusCode::OK);
    let bundle: serde_json::Value = serde_json::from_str(&fhir).expect("JSON");
    assert_eq!(bundle["entry"][2]["resource"]["valueInteger"], 12);
    assert_eq!(
        bundle["entry"][1]["resource"]["authored"],
        "2026-04-30T15:00:00Z"
    );
    assert_eq!(
        h.get(&format!("{alcohol}/audit-fhir.json?form=x"), &me)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (status, headers, csv) = h.get(&format!("{alcohol}/diary.csv"), &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or("")
        .starts_with("text/csv"));
    assert!(
        csv.contains("2026-11-19,ビール・発泡酒,500,5,4,80.0"),
        "{csv}"
    );
    // Bad input is named and nothing is stored.
    for (path, form) in [
        ("diary", "date=2026-12-01&drink=beer&count=1"),
        ("diary", "date=2026-11-19&drink=custom&ml=-5&abv=5&count=1"),
        (
            "diary",
            "date=2026-11-19&drink=custom&ml=100&abv=101&count=1",
        ),
        (
            "events",
            "event=screening&date=2026-11-01&q1=0&q2=0&q3=0&q4=0&q5=0&q6=0&q7=0&q8=0&q9=3&q10=0",
        ),
        ("events", "event=evaluation&date=2026-11-01&grams=x"),
        ("events", "event=nonsense&date=2026-11-01"),
        ("events", "event=icd10_assessed&date=2026-11-01&met=7"),
        ("events", "event=dose_changed&date=2026-11-01&mg=500"),
    ] {
        let (status, _, body) = h
            .post(&format!("{alcohol}/{path}"), &me, &event(form))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form}: {body}");
    }
    let (_, _, csv_after) = h.get(&format!("{alcohol}/diary.csv"), &me).await;
    assert_eq!(
        csv_after.lines().count(),
        csv.lines().count(),
        "nothing half-written"
    );
    assert!(h.store.verify_audit().await.expect("trail").is_ok());
}

#[tokio::test]
async fn case_deadlines_feed_the_dashboard_and_the_icalendar_file() {
    let h = Harness::new().await;
    // now: 2026-11-20 10:00 JST.
    let (me, csrf) = h.sign_in("kimura").await;
    let (_, headers, _) = h
        .post("/staff/subjects", &me, &format!("label=E&csrf={csrf}"))
        .await;
    let file = location(&headers);
    let events = format!("{file}/deadlines/events");
    let with = |form: &str| format!("{form}&csrf={csrf}");
    let admission =
        "event=medical_protection_admission&date=2026-11-12&consent_by=support_obligor&by=&hours=";
    // No consent covering cases: nothing stored.
    assert_eq!(
        h.post(&events, &me, &with(admission)).await.0,
        StatusCode::CONFLICT
    );
    let consent = format!(
        "purpose=%E6%9C%9F%E9%99%90%E7%AE%A1%E7%90%86&scope=case&given_by=subject&csrf={csrf}"
    );
    assert_eq!(
        h.post(&format!("{file}/consents"), &me, &consent).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, headers, body) = h.post(&events, &me, &with(admission)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location(&headers), format!("{file}/deadlines"));
    let hold = "event=voluntary_discharge_hold&date=2026-11-17&time=09:00&by=designated_physician";
    assert_eq!(
        h.post(&events, &me, &with(hold)).await.0,
        StatusCode::SEE_OTHER
    );
    // Unlawful or incomplete events are refused with their rule, and nothing is stored.
    for (form, needle) in [
        ("event=seclusion&date=2026-11-19&time=08:00&ordered_by=physician&hours=13", "seclusion_over_12_hours_needs_designated_physician"),
        ("event=involuntary_admission&date=2026-11-19&exam1_by=designated_physician&exam1_finding=admission_needed&exam2_by=designated_physician&exam2_finding=not_needed", "involuntary_admission_two_designated_physicians"),
        ("event=urgent_admission&date=2026-11-19&by=designated_physician", "YYYY-MM-DDTHH:MM"),
        ("event=voluntary_admission&date=2026-02-30", "date"),
        ("event=nonsense&date=2026-11-19", "手続きを選んでください"),
    ] {
        let (status, _, body) = h.post(&events, &me, &with(form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form}");
        assert!(body.contains(needle), "{form}: {body}");
    }
    let (status, headers, page) = h.get(&format!("{file}/deadlines"), &me).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        page.contains("2026-11-24") && page.contains("004_d9518c60032bdf29.txt:4893"),
        "{page}"
    );
    assert!(page.contains("2026-11-20 09:00") && page.contains("期限切れ"));
    assert!(page.contains("2027-11-30"), "the first yearly report");
    // The dashboard: the hold is overdue, the notice due this week, the rest later.
    let (status, _, dash) = h.get("/staff/deadlines", &me).await;
    assert_eq!(status, StatusCode::OK, "{dash}");
    let section = |id: &str| {
        let from = dash
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("section {id}: {dash}"));
        let to = dash[from..]
            .find("</table>")
            .map_or(dash.len(), |n| from + n);
        dash[from..to].to_owned()
    };
    assert!(section("overdue").contains("2026-11-20 09:00"));
    assert!(section("within-7-days").contains("2026-11-24"));
    assert!(section("later").contains("2026-12-10") && !section("later").contains("2026-11-24"));
    // The iCalendar file: one event per open obligation, all-day for days.
    let (status, headers, ics) = h.get(&format!("{file}/deadlines.ics"), &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or("")
        .starts_with("text/calendar"));
    let cal: icalendar::Calendar = ics.parse().expect("RFC 5545");
    let open = 2 + 3 + 5; // the hold and its written notice; notice, 4-week limit, 告知 deferral; five yearly reports
    assert_eq!(cal.components.len(), open, "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261124"), "{ics}");
    assert!(
        ics.contains("DTSTART:20261120T000000Z"),
        "the hold at 09:00 JST: {ics}"
    );
    assert!(ics.contains("CLASS:CONFIDENTIAL") && ics.contains("\r\n"));
    assert!(ics.lines().all(|l| l.len() <= 75), "folded lines");
    // Completing takes it off the dashboard; another organisation sees nothing; a viewer is refused.
    let id_at = dash
        .find("/deadlines/")
        .map(|i| i + "/deadlines/".len())
        .expect("a done form");
    let oid: String = dash[id_at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let subject: String = file.trim_start_matches("/staff/subjects/").to_owned();
    let done = format!("/staff/subjects/{subject}/deadlines/{oid}/done");
    let (status, headers, _) = h
        .post(&done, &me, &format!("back=dashboard&csrf={csrf}"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/staff/deadlines");
    assert_eq!(
        h.post(&done, &me, &format!("csrf={csrf}")).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.post(&done, &me, "csrf=wrong").await.0,
        StatusCode::FORBIDDEN
    );
    let (_, _, dash) = h.get("/staff/deadlines", &me).await;
    assert!(!dash[dash.find("id=\"overdue\"").unwrap_or(0)..]
        .contains(&format!("/deadlines/{oid}/done")));
    let (them, _) = h.sign_in("yamada").await;
    assert_eq!(
        h.get(&format!("{file}/deadlines.ics"), &them).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, _, theirs) = h.get("/staff/deadlines", &them).await;
    assert!(!theirs.contains("2026-11-24"));
    let (_, viewer, _) = h.password("mori", PASSWORD).await;
    let viewer = viewer.expect("a viewer's session");
    assert_eq!(
        h.get("/staff/deadlines", &viewer).await.0,
        StatusCode::FORBIDDEN
    );
    // Everything was audited, and the chain holds.
    assert!(h.store.verify_audit().await.expect("read").is_ok());
}

#[tokio::test]
async fn a_consultation_can_be_saved_with_its_plan_under_consent() {
    let h = Harness::new().await;
    let (me, csrf) = h.sign_in("kimura").await;
    let (_, headers, _) = h
        .post("/staff/subjects", &me, &format!("label=F&csrf={csrf}"))
        .await;
    let file = location(&headers);
    let note = "%E5%A4%AB%E3%81%8C%E8%A6%9A%E9%86%92%E5%89%A4%E3%81%A7%E6%9C%8D%E5%BD%B9%E4%B8%AD%E3%81%A7%E3%81%99"; // 夫が覚醒剤で服役中です
    let record = format!("kind=consultation&note={note}&plan=on&csrf={csrf}");
    // No consent: nothing stored, plan or not.
    assert_eq!(
        h.post(&format!("{file}/records"), &me, &record).await.0,
        StatusCode::CONFLICT
    );
    let consent = format!("purpose=%E7%9B%B8%E8%AB%87%E6%94%AF%E6%8F%B4&scope=consultation&given_by=family&giver_name=%E5%A6%BB&csrf={csrf}");
    assert_eq!(
        h.post(&format!("{file}/consents"), &me, &consent).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, headers, body) = h.post(&format!("{file}/records"), &me, &record).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (status, _, page) = h.get(&location(&headers), &me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("支援先のプラン（記録したときのもの）"),
        "{page}"
    );
    assert!(page.contains("保護観察所") && page.contains("000_aa5960de417e9b16.txt:86"));
}

#[tokio::test]
async fn staff_pages_carry_the_staff_navigation_and_the_site_navigation() {
    // Arrange
    let h = Harness::new().await;
    let (me, _) = h.sign_in("kimura").await;
    for page in ["/staff", "/staff/deadlines"] {
        // Act
        let (status, _, body) = h.get(page, &me).await;
        // Assert
        assert_eq!(status, StatusCode::OK, "{page}");
        let nav = body
            .split("<nav class=\"staff-nav\"")
            .nth(1)
            .and_then(|rest| rest.split("</nav>").next())
            .unwrap_or_else(|| panic!("{page}: no staff navigation"));
        for href in ["/staff", "/staff/deadlines", "/staff/logout"] {
            assert!(
                nav.contains(&format!("\"{href}\"")),
                "{page}: no link to {href}"
            );
        }
        assert!(
            body.contains("<nav class=\"site-nav\""),
            "{page}: no site navigation"
        );
    }
}

#[tokio::test]
async fn an_error_on_a_staff_page_is_rendered_in_the_layout_and_not_cached() {
    // Arrange
    let h = Harness::new().await;
    let (me, _) = h.sign_in("kimura").await;
    for page in ["/staff/subjects/999999", "/staff/subjects/not-a-number"] {
        // Act
        let (status, headers, body) = h.get(page, &me).await;
        // Assert
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{page}");
        assert!(
            body.contains("<nav class=\"site-nav\""),
            "{page}: not in the layout"
        );
        assert!(body.contains("見つかりませんでした"), "{page}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_totp_code_sent_by_two_half_signed_sessions_at_once_signs_in_once() {
    // Arrange
    let h = Harness::new().await;
    for trial in 0..5 {
        let mut halves = Vec::new();
        for _ in 0..2 {
            let (status, cookie, _) = h.password("kimura", PASSWORD).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            let cookie = cookie.expect("half-signed session");
            let (_, _, body) = h.get("/staff/login/totp", &cookie).await;
            halves.push((cookie, csrf_in(&body)));
        }
        let code = h.code();
        // Act: both second factors with the same code, at the same moment.
        let form_a = format!("code={code}&csrf={}", halves[0].1);
        let form_b = format!("code={code}&csrf={}", halves[1].1);
        let (a, b) = tokio::join!(
            h.post("/staff/login/totp", &halves[0].0, &form_a),
            h.post("/staff/login/totp", &halves[1].0, &form_b),
        );
        // Assert
        let signed_in = [&a, &b]
            .iter()
            .filter(|(status, headers, _)| {
                *status == StatusCode::SEE_OTHER && location(headers) == "/staff"
            })
            .count();
        assert_eq!(signed_in, 1, "trial {trial}: {:?} / {:?}", a.0, b.0);
        let refused = [&a, &b]
            .iter()
            .filter(|(status, _, body)| {
                *status == StatusCode::UNAUTHORIZED && body.contains("認証に失敗しました")
            })
            .count();
        assert_eq!(
            refused, 1,
            "trial {trial}: the other one is refused as a failure"
        );
        // The next trial uses the next code.
        h.advance(Duration::seconds(30));
    }
}

/// Sends every form at once, each on its own task, and returns the answers.
async fn post_at_once(
    app: &Router,
    cookie: &str,
    posts: Vec<(&'static str, String)>,
) -> Vec<(StatusCode, HeaderMap, String)> {
    let tasks: Vec<_> = posts
        .into_iter()
        .map(|(uri, form)| {
            let app = app.clone();
            let req = Request::post(uri)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("request");
            tokio::spawn(async move { send(&app, req).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// The audit entries about one account: (action code, detail).
async fn account_trail(store: &SqliteStore, user: &str) -> Vec<(String, String)> {
    store
        .audit_page(0, 100_000)
        .await
        .expect("trail")
        .into_iter()
        .filter(|e| e.event.target_id.as_deref() == Some(user))
        .map(|e| (e.event.action.code().to_owned(), e.event.detail))
        .collect()
}

/// The lock-out held against a batch of parallel guesses: a right one was accepted only as one
/// of the first five attempts, and at most five wrong ones were checked before a lock.
async fn assert_nothing_past_the_limit(
    store: &SqliteStore,
    user: &str,
    accepted: usize,
    trial: usize,
    what: &str,
) {
    let trail = account_trail(store, user).await;
    let locks = trail.iter().filter(|(a, _)| a == "locked").count();
    let counted = trail
        .iter()
        .filter(|(a, d)| a == "login_failed" && !d.starts_with("refused"))
        .count();
    // A success ends the series, so a lock set by guesses claimed just before it may be
    // lifted and one more set by the guesses still in flight.
    assert!(
        locks <= 1 + accepted,
        "trial {trial}: {locks} locks, {counted} failures counted"
    );
    assert!(
        counted <= 5 + 5 * accepted,
        "trial {trial}: {counted} wrong {what} were checked"
    );
    let logins: Vec<_> = trail.iter().filter(|(a, _)| a == "login").collect();
    assert_eq!(logins.len(), accepted);
    assert!(
        logins.iter().all(|(_, d)| ["1", "2", "3", "4", "5"]
            .iter()
            .any(|k| *d == format!("attempt {k} of 5"))),
        "trial {trial}: accepted past the limit: {logins:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_wrong_passwords_and_the_right_one_at_once_lock_once_and_accept_nothing_past_the_limit(
) {
    // Arrange: a role without a second factor, so the right password alone signs in.
    let h = Harness::new().await;
    for trial in 0..3 {
        let user = format!("guess{trial}");
        h.add(&user, "A市保健所", Role::Viewer).await;
        let (_, headers, _) = h.get("/staff/login", "").await;
        let csrf_cookie = set_cookie(&headers, "tsunagu_csrf").expect("CSRF cookie");
        let token = csrf_cookie.split('=').nth(1).unwrap_or_default().to_owned();
        let mut posts: Vec<_> = (0..40)
            .map(|i| {
                let form = format!("username={user}&password=wrong-password-{i:03}&csrf={token}");
                ("/staff/login", form)
            })
            .collect();
        posts.insert(
            20,
            (
                "/staff/login",
                format!("username={user}&password={PASSWORD}&csrf={token}"),
            ),
        );
        // Act
        let answers = post_at_once(&h.app, &csrf_cookie, posts).await;
        // Assert: the right one is accepted only as one of the first five attempts, and at
        // most five wrong guesses are checked before a lock.
        let accepted = answers
            .iter()
            .filter(|(s, _, _)| *s == StatusCode::SEE_OTHER)
            .count();
        assert!(accepted <= 1, "trial {trial}: {accepted} accepted");
        assert_nothing_past_the_limit(&h.store, &user, accepted, trial, "guesses").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_wrong_codes_and_the_right_one_at_once_lock_once_and_accept_nothing_past_the_limit() {
    let h = Harness::new().await;
    for trial in 0..3 {
        // Arrange: one half-signed session, and 41 second factors sent on it together.
        let user = format!("otp{trial}");
        h.add(&user, "A市保健所", Role::Clinician).await;
        let (status, cookie, _) = h.password(&user, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let cookie = cookie.expect("half-signed session");
        let (_, _, body) = h.get("/staff/login/totp", &cookie).await;
        let csrf = csrf_in(&body);
        let right = h.code();
        let mut posts: Vec<_> = (0..40)
            .map(|i| {
                let wrong = format!(
                    "{:06}",
                    (right.parse::<u32>().unwrap_or(0) + 1 + i) % 1_000_000
                );
                ("/staff/login/totp", format!("code={wrong}&csrf={csrf}"))
            })
            .collect();
        posts.insert(
            20,
            ("/staff/login/totp", format!("code={right}&csrf={csrf}")),
        );
        // Act
        let answers = post_at_once(&h.app, &cookie, posts).await;
        // Assert
        let accepted = answers
            .iter()
            .filter(|(s, h, _)| *s == StatusCode::SEE_OTHER && location(h) == "/staff")
            .count();
        assert!(accepted <= 1, "trial {trial}: {accepted} accepted");
        assert_nothing_past_the_limit(&h.store, &user, accepted, trial, "codes").await;
        h.advance(Duration::seconds(30));
    }
}

#[tokio::test]
async fn refused_accesses_to_personal_data_are_in_the_trail_and_the_admin_reviews_them() {
    // Arrange: a file with a consent for consultations only, and one record.
    let h = Harness::new().await;
    h.add("honda", "A市保健所", Role::Admin).await;
    let (me, csrf) = h.sign_in("kimura").await;
    let (_, headers, _) = h
        .post("/staff/subjects", &me, &format!("label=B&csrf={csrf}"))
        .await;
    let file = location(&headers);
    let consent =
        format!("purpose=%E7%9B%B8%E8%AB%87&scope=consultation&given_by=subject&csrf={csrf}");
    h.post(&format!("{file}/consents"), &me, &consent).await;
    let (_, headers, _) = h
        .post(
            &format!("{file}/records"),
            &me,
            &format!("kind=consultation&note=x&csrf={csrf}"),
        )
        .await;
    let record = location(&headers);

    // Act: five refused accesses of four kinds.
    let (theirs, _) = h.sign_in("yamada").await;
    assert_eq!(h.get(&record, &theirs).await.0, StatusCode::NOT_FOUND);
    assert_eq!(h.get(&file, &theirs).await.0, StatusCode::NOT_FOUND);
    let (counsellor, _) = h.sign_in("sato").await;
    assert_eq!(
        h.get(&format!("{record}/access"), &counsellor).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _, _) = h
        .post(
            &format!("{file}/records"),
            &me,
            &format!("kind=case&note=x&csrf={csrf}"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no consent covers case records"
    );
    // The admin exports the file (the export contains the record).
    let (admin, _) = h.sign_in("honda").await;
    assert_eq!(
        h.get(&format!("{file}/export"), &admin).await.0,
        StatusCode::OK
    );

    // Assert: the record's "who viewed this" has the export and the refusals about it.
    let (_, _, body) = h.get(&format!("{record}/access"), &me).await;
    let rows: Vec<_> = body.split("<tr>").filter(|r| r.contains("<td>")).collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("honda") && r.contains("開示用出力")),
        "{body}"
    );
    for who in ["yamada", "sato"] {
        assert!(
            rows.iter()
                .any(|r| r.contains(who) && r.contains("アクセス拒否")),
            "{who}: {body}"
        );
    }
    // The trail names who, what and the rule; the admin's review lists them, filtered.
    let refused: Vec<_> = h
        .store
        .audit_page(0, 10_000)
        .await
        .expect("trail")
        .into_iter()
        .filter(|e| e.event.action.code() == "refused")
        .map(|e| (e.event.actor, e.event.detail))
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(refused
        .iter()
        .any(|(a, d)| a == "yamada" && d.starts_with("read: not found")));
    assert!(refused
        .iter()
        .any(|(a, d)| a == "sato" && d.contains("may not view_access_log")));
    assert!(refused
        .iter()
        .any(|(a, d)| a == "kimura" && d.starts_with("create: no consent")));
    let (status, _, body) = h.get("/staff/audit?action=refused", &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shown = body
        .split("<tr class=\"refused\">")
        .skip(1)
        .filter(|r| r.contains("アクセス拒否"))
        .count();
    assert_eq!(
        shown, 4,
        "yamada probed this organisation's ids: shown too\n{body}"
    );
    let (_, _, body) = h
        .get("/staff/audit?action=refused&actor=sato", &admin)
        .await;
    assert_eq!(body.matches("<tr class=\"refused\">").count(), 1, "{body}");
    assert_eq!(
        h.get("/staff/audit?from=2026-13-01", &admin).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        h.get("/staff/audit", &me).await.0,
        StatusCode::FORBIDDEN,
        "only the admin reviews the trail"
    );
    assert!(h.store.verify_audit().await.expect("trail").is_ok());
}
