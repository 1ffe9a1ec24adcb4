//! `spawn_app()`: a temp dir with a database file, a server on port 0, and
//! a write and a read token. Never sleeps: the listener is bound before the
//! server starts, so the first request is queued until it accepts.

use activation_journal::domain::time::Zone;
use activation_journal::domain::Scope;
use activation_journal::startup::Application;
use activation_journal::store::{Actor, Store};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const IID: &str = "508760583450367066786558223034732344271525457574499727444472481";
pub const IID_GROUP7_BAD: &str = "508760583450367066786558223034732344271525457574599727444472481";
pub const CID: &str = "109062-530373-462923-856922-378004-297663-022353";
pub const KEY: &str = "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub write: String,
    pub read: String,
    pub store: Store,
    /// Kept so the database's directory lives as long as the app.
    pub _dir: tempfile::TempDir,
}

/// What came back: status, headers and the body as JSON (Null if empty).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The `{field, message}` pairs of a problem.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (e["field"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The household's time zone in these tests.
pub const HOUSEHOLD_ZONE: &str = "Asia/Tokyo";

pub async fn spawn_app() -> TestApp {
    // The household of the story is in Tokyo, whatever this machine's zone.
    spawn_app_with_zone(Some(HOUSEHOLD_ZONE)).await
}

/// An app whose household zone is fixed to `zone` for the run, or (`None`)
/// left to the journal's, else the system's.
pub async fn spawn_app_with_zone(zone: Option<&str>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("journal.db"), &dir.path().join("journal.db.key")).await.unwrap();
    store.fix_zone(zone.map(|z| Zone::parse(z).unwrap()));
    let write = store.create_token(&Actor::cli(), "writer", Scope::Write).await.unwrap().token;
    let read = store.create_token(&Actor::cli(), "reader", Scope::Read).await.unwrap().token;
    let app = Application::build(store.clone(), "127.0.0.1:0").unwrap();
    let base = format!("http://{}", app.addr());
    tokio::spawn(app.run_until_stopped());
    TestApp { base, client: reqwest::Client::new(), write, read, store, _dir: dir }
}

impl TestApp {
    /// The journal's file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self._dir.path().join("journal.db")
    }

    /// Its key file.
    pub fn key_path(&self) -> std::path::PathBuf {
        self._dir.path().join("journal.db.key")
    }

    /// Send a request with a token (or none) and an optional JSON body.
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request failed");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Answer { status, headers, body }
    }

    /// Send a write-token request with an `If-Match` header.
    pub async fn send_if_match(&self, method: Method, path: &str, if_match: &str, body: Option<&Value>) -> Answer {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.write)
            .header("If-Match", if_match);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request failed");
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.bytes().await.unwrap();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Answer { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Some(&self.write), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(&self.write), Some(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(&self.write), Some(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, Some(&self.write), None).await
    }

    /// POST that must succeed; returns the created resource.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let a = self.post(path, body.clone()).await;
        assert_eq!(a.status, StatusCode::CREATED, "POST {path} {body}: {}", a.body);
        a.body
    }

    /// Record an attempt (a 201 is asserted): the attempt as answered.
    pub async fn attempt(&self, body: Value) -> Value {
        self.create("/api/v1/attempts", body).await
    }

    pub async fn machine(&self, name: &str) -> i64 {
        self.create("/api/v1/machines", serde_json::json!({"name": name})).await["id"].as_i64().unwrap()
    }

    pub async fn license(&self, channel: &str) -> i64 {
        let body =
            serde_json::json!({"product": "Windows 8.1", "edition": "Pro", "channel": channel, "product_key": KEY});
        self.create("/api/v1/licenses", body).await["id"].as_i64().unwrap()
    }

    /// A machine named `name` and then a license of `channel`: the pair most
    /// tests record their attempts and cases against.
    pub async fn machine_and_license(&self, name: &str, channel: &str) -> (i64, i64) {
        let m = self.machine(name).await;
        (m, self.license(channel).await)
    }

    /// Every item of a list, following cursors with this page size.
    pub async fn all(&self, path: &str, limit: usize) -> Vec<Value> {
        let mut items = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{sep}limit={limit}");
        loop {
            let a = self.get(&url).await;
            assert_eq!(a.status, StatusCode::OK, "{url}: {}", a.body);
            items.extend(a.body["items"].as_array().unwrap().iter().cloned());
            match a.body["next_cursor"].as_str() {
                Some(c) => url = format!("{path}{sep}limit={limit}&cursor={c}"),
                None => return items,
            }
        }
    }
}

/// Assert a bad request: status, problem+json, and a field error whose
/// field and message are as expected.
pub fn assert_problem(a: &Answer, status: u16, field: &str, message_part: &str) {
    assert_eq!(a.status.as_u16(), status, "{}", a.body);
    assert_eq!(a.content_type(), "application/problem+json");
    assert_eq!(a.body["status"], status);
    let errors = a.field_errors();
    assert!(
        errors.iter().any(|(f, m)| f == field && m.contains(message_part)),
        "expected {field}: …{message_part}… in {errors:?}"
    );
}
