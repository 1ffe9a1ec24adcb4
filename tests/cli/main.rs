//! The command line, run as a user runs it.

use std::process::{Command, Output};

mod attach;
mod call;
mod correct;
mod journal_files;
mod lang;
mod record;

/// The locale variables as an English-speaking user has them (tests that
/// need Japanese set them again).
fn in_english(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8")
}

fn aj(dir: &std::path::Path, args: &[&str]) -> Output {
    in_english(&mut Command::new(env!("CARGO_BIN_EXE_activation-journal")))
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ACTIVATION_JOURNAL_BIND")
        .env_remove("ACTIVATION_JOURNAL_KEY_FILE")
        .env_remove("ACTIVATION_JOURNAL_TIME_ZONE")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn migrate_creates_the_default_database_and_is_a_no_op_twice() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = aj(dir.path(), &["migrate"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert!(dir.path().join("activation-journal.db").exists());
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "migrate"]).status.success());
    // A migration from the future, as a newer program would have recorded it.
    let url = format!("sqlite:{}", dir.path().join("j.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101000000, 'future', CURRENT_TIMESTAMP, 1, x'00', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    for args in [&["--db", "j.db", "migrate"][..], &["--db", "j.db", "serve", "--bind", "127.0.0.1:0"][..]] {
        let out = aj(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "one error line: {err}");
        assert!(errors[0].contains("newer"), "{err}");
    }
}

#[test]
fn serve_refuses_a_public_address_while_no_token_exists() {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "serve", "--bind", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no API token exists"), "{}", text(&out.stderr));
}

#[test]
fn tokens_are_printed_alone_and_listed_without_their_secret() {
    let dir = tempfile::tempdir().unwrap();
    // In a folder without the journal, no empty journal is made behind the
    // user's back and no token printed that the server would refuse.
    let lost = aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "phone", "--scope", "write"]);
    assert_eq!(lost.status.code(), Some(2), "{}", text(&lost.stderr));
    let said = text(&lost.stderr);
    assert!(said.contains("there is no journal at") && said.contains("j.db") && said.contains("migrate"), "{said}");
    assert!(lost.stdout.is_empty() && !dir.path().join("j.db").exists());
    let list = aj(dir.path(), &["--db", "j.db", "machine", "list"]);
    assert_eq!(list.status.code(), Some(2), "{}", text(&list.stderr));
    assert!(!dir.path().join("j.db").exists());
    assert!(aj(dir.path(), &["--db", "j.db", "migrate"]).status.success());
    let out = aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "phone", "--scope", "write"]);
    assert!(out.status.success());
    let token = text(&out.stdout);
    assert_eq!(token.trim().lines().count(), 1);
    assert!(token.starts_with("aj_"));
    let list = text(&aj(dir.path(), &["--db", "j.db", "token", "list"]).stdout);
    assert!(list.contains("phone") && list.contains("write") && !list.contains(token.trim()));
    assert!(aj(dir.path(), &["--db", "j.db", "token", "revoke", "phone"]).status.success());
    assert_eq!(aj(dir.path(), &["--db", "j.db", "token", "revoke", "phone"]).status.code(), Some(1));
    assert_eq!(
        aj(dir.path(), &["--db", "j.db", "token", "create", "--scope", "admin", "--name", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn summaries_print_tables_or_the_apis_json() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "migrate"]).status.success());
    let table = aj(dir.path(), &["--db", "j.db", "summary", "hours"]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    assert!(text(&table.stdout).contains("best hours to call: none yet"));
    let json = aj(dir.path(), &["--db", "j.db", "summary", "overview", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["attempts"], 0);
    assert_eq!(v["activation_rate"], serde_json::Value::Null);
    assert_eq!(aj(dir.path(), &["--db", "j.db", "summary", "everything"]).status.code(), Some(2));
    let bad = aj(dir.path(), &["--db", "j.db", "summary", "hours", "--from", "May"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("from"), "{}", text(&bad.stderr));
}

#[test]
fn the_demo_loads_the_story_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "demo.db", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = aj(dir.path(), &["--db", "demo.db", "demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already holds data"));
    let hours = aj(dir.path(), &["--db", "demo.db", "summary", "hours", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&hours.stdout).unwrap();
    assert_eq!(v["best_hours"], serde_json::json!([10]));
}

#[test]
fn backup_refuses_to_overwrite_and_restore_checks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]).status.success());
    let again = aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("--force"));
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db", "--force"]).status.success());

    // Not a database, or a damaged one: refused, and nothing replaced.
    std::fs::write(dir.path().join("notes.txt"), "not a database at all, just some text").unwrap();
    let mut damaged = std::fs::read(dir.path().join("copy.db")).unwrap();
    for b in damaged.iter_mut().skip(4096).take(8192) {
        *b = 0x5a;
    }
    std::fs::write(dir.path().join("damaged.db"), damaged).unwrap();
    for bad in ["notes.txt", "damaged.db", "missing.db"] {
        let out = aj(dir.path(), &["--db", "j.db", "restore", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}: {}", text(&out.stderr));
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(leftovers.is_empty(), "a refused restore moves nothing");

    // A good backup replaces the database; the old one is kept aside.
    assert!(aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "after-backup"]).status.success());
    let out = aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("before-restore"));
    let tokens = text(&aj(dir.path(), &["--db", "j.db", "token", "list"]).stdout);
    assert!(!tokens.contains("after-backup"), "the restored database is the backup: {tokens}");
}

#[test]
fn restore_refuses_while_a_server_holds_the_database() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]).status.success());
    // The lock a running server holds.
    let lock = activation_journal::store::backup::try_lock(&dir.path().join("j.db")).unwrap().unwrap();
    let out = aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("a server is using"), "{}", text(&out.stderr));
    drop(lock);
    assert!(aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]).status.success());
}

#[test]
fn restore_refuses_while_a_real_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "migrate"]).status.success());
    assert!(aj(dir.path(), &["--db", "j.db", "backup", "copy.db"]).status.success());
    // Once it listens, the server holds the lock.
    let mut server = Server::start(dir.path(), None);
    let out = aj(dir.path(), &["--db", "j.db", "restore", "copy.db"]);
    let _ = server.child.kill();
    let _ = server.child.wait();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("a server is using"), "{}", text(&out.stderr));
}

fn json_of(path: &std::path::Path) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("exported_at");
    doc
}

#[test]
fn export_then_import_into_a_fresh_journal_gives_the_same_export_in_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "a.db", "demo"]).status.success());
    for (format, file) in [("json", "a.json"), ("csv", "a.zip")] {
        let out = aj(d, &["--db", "a.db", "export", "--format", format, "--out", file]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("exported 13 rows"), "{}", text(&out.stderr));
    }
    // stdout when no --out: the same document.
    let out = aj(d, &["--db", "a.db", "export"]);
    let mut piped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    piped.as_object_mut().unwrap().remove("exported_at");
    assert_eq!(piped, json_of(&d.join("a.json")));

    for (db, file) in [("b.db", "a.json"), ("c.db", "a.zip")] {
        let out = aj(d, &["--db", db, "import", file]);
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("imported 13 rows"), "{}", text(&out.stderr));
        let back = format!("{db}.json");
        assert!(aj(d, &["--db", db, "export", "--out", &back]).status.success());
        assert_eq!(json_of(&d.join(&back)), json_of(&d.join("a.json")), "{file} round trip");
        // Importing the same file again adds nothing.
        let again = aj(d, &["--db", db, "import", file]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert!(text(&again.stderr).contains("imported 0 rows") && text(&again.stderr).contains("13 already there"));
    }
}

/// The demo story loaded into `a.db` in `d` and exported to `file` there:
/// the file's text.
fn demo_export(d: &std::path::Path, file: &str) -> String {
    assert!(aj(d, &["--db", "a.db", "demo"]).status.success());
    assert!(aj(d, &["--db", "a.db", "export", "--out", file]).status.success());
    std::fs::read_to_string(d.join(file)).unwrap()
}

#[test]
fn secrets_are_exported_only_when_asked_with_a_warning_and_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = demo_export(d, "plain.json");
    for key in ["GCRJD-8NW9H-F2CDX-CCM8D-9D6T9", "MHF9N-XY6XB-WVXMC-BTDCT-MKKG7"] {
        assert!(!plain.contains(key), "no keys without --include-secrets");
    }
    assert!(plain.contains("*****-*****-*****-*****-MKKG7"), "an answer holding a key stays masked");
    let out = aj(d, &["--db", "a.db", "export", "--include-secrets", "--out", "keys.json"]);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("warning: this export holds product keys in clear"));
    let keys: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("keys.json")).unwrap()).unwrap();
    assert_eq!(keys["licenses"][0]["product_key"], "GCRJD-8NW9H-F2CDX-CCM8D-9D6T9");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("keys.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read a file of keys");
    }
    // A secret export round-trips, keys included.
    assert!(aj(d, &["--db", "b.db", "import", "keys.json"]).status.success());
    assert!(aj(d, &["--db", "b.db", "export", "--include-secrets", "--out", "keys2.json"]).status.success());
    assert_eq!(json_of(&d.join("keys2.json")), json_of(&d.join("keys.json")));
}

#[test]
fn a_bad_import_writes_nothing_and_says_which_row_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good: serde_json::Value = serde_json::from_str(&demo_export(d, "good.json")).unwrap();

    let mut bad = good.clone();
    bad["attempts"][3]["installation_id"] = serde_json::json!(
        "508760583450367066786558223034732344271525457574499727444472480".replacen("8345036", "8345037", 1)
    );
    std::fs::write(d.join("bad.json"), serde_json::to_vec(&bad).unwrap()).unwrap();
    let mut newer = good.clone();
    newer["format_version"] = serde_json::json!(3);
    std::fs::write(d.join("newer.json"), serde_json::to_vec(&newer).unwrap()).unwrap();
    let mut dangling = good.clone();
    dangling["follow_ups"][0]["case_id"] = serde_json::json!(42);
    std::fs::write(d.join("dangling.json"), serde_json::to_vec(&dangling).unwrap()).unwrap();
    std::fs::write(d.join("notes.txt"), "not an export").unwrap();

    for (file, expected) in [
        ("bad.json", "attempts[3].installation_id: group"),
        ("newer.json", "format_version: this file is format 3, written by a newer activation-journal"),
        ("dangling.json", "follow_ups[0].case_id: there is no case 42"),
        ("notes.txt", "is neither JSON nor a zip"),
        ("missing.json", "could not read missing.json"),
    ] {
        let out = aj(d, &["--db", "fresh.db", "import", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = text(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {err}");
        assert!(lines[0].starts_with("error: "), "{err}");
        assert!(err.contains(expected), "{file}: {err}");
    }
    // Nothing was written by any of them.
    assert!(aj(d, &["--db", "fresh.db", "export", "--out", "fresh.json"]).status.success());
    let fresh = json_of(&d.join("fresh.json"));
    for entity in ["machines", "hardware_changes", "licenses", "cases", "attempts", "follow_ups"] {
        assert_eq!(fresh[entity], serde_json::json!([]), "{entity}");
    }
}

#[test]
fn export_does_not_overwrite_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("keep.json"), "precious").unwrap();
    assert!(aj(d, &["--db", "a.db", "migrate"]).status.success());
    let out = aj(d, &["--db", "a.db", "export", "--out", "keep.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(d.join("keep.json")).unwrap(), "precious");
    assert!(aj(d, &["--db", "a.db", "export", "--out", "keep.json", "--force"]).status.success());
    let out = aj(d, &["--db", "a.db", "export", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
}

/// A real `serve` process on a free port of a fresh database in `dir`.
struct Server {
    child: std::process::Child,
    port: u16,
    token: String,
    /// Everything it wrote to stdout so far.
    out: Shared,
    /// Everything it wrote to stderr so far.
    log: Shared,
}

type Shared = std::sync::Arc<std::sync::Mutex<String>>;

impl Server {
    /// Start `serve` on the database `j.db` of `dir`. With `token` None the
    /// journal has none yet, and the first write token printed is used.
    fn start(dir: &std::path::Path, token: Option<&str>) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_activation-journal"))
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env_remove("ACTIVATION_JOURNAL_KEY_FILE")
            .env("RUST_LOG", "info")
            .args(["--db", "j.db", "serve", "--bind", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Threads keep reading both pipes, so that neither fills; stdout
        // gives the token, the log the port.
        let (out, log) = (Default::default(), Default::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let pipes: [(Box<dyn std::io::Read + Send>, &Shared); 2] =
            [(Box::new(child.stdout.take().unwrap()), &out), (Box::new(child.stderr.take().unwrap()), &log)];
        for (pipe, sink) in pipes {
            let (tx, sink) = (tx.clone(), std::sync::Arc::clone(sink));
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = tx.send(line.clone());
                    sink.lock().unwrap().push_str(&(line + "\n"));
                }
            });
        }
        let (mut port, mut printed) = (None, None);
        while port.is_none() || (token.is_none() && printed.is_none()) {
            let line = rx.recv_timeout(std::time::Duration::from_secs(30)).expect("the server starts");
            if let Some(p) = line.split("listening addr=127.0.0.1:").nth(1) {
                port = p.trim().parse::<u16>().ok();
            }
            if line.starts_with("aj_") {
                printed = Some(line);
            }
        }
        let token = token.map(str::to_string).or(printed).unwrap_or_default();
        Server { child, port: port.unwrap_or_default(), token, out, log }
    }

    /// A handle that only sends requests to a server started elsewhere.
    fn detached() -> Server {
        let child = Command::new("true").spawn().unwrap();
        Server { child, port: 0, token: String::new(), out: Default::default(), log: Default::default() }
    }

    /// Open a connection and send a request's head and the first `sent` bytes of `body`.
    fn begin(&self, method: &str, path: &str, body: &str, sent: usize) -> std::io::Result<std::net::TcpStream> {
        use std::io::Write;
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.token,
            body.len()
        )?;
        s.write_all(&body.as_bytes()[..sent])?;
        Ok(s)
    }

    /// Send the rest of `body` on `s` and read the whole answer.
    fn finish(mut s: std::net::TcpStream, body: &str, sent: usize) -> std::io::Result<String> {
        use std::io::{Read, Write};
        s.write_all(&body.as_bytes()[sent..])?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        Ok(answer)
    }

    /// One whole request; the answer's status line and body.
    fn request(&self, method: &str, path: &str, body: &str) -> std::io::Result<String> {
        Server::finish(self.begin(method, path, body, 0)?, body, 0)
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill").args([name, &self.child.id().to_string()]).status().unwrap().success();
        assert!(ok, "kill {name}");
    }
}

/// The names of the machines in the database of `dir`, archived ones too.
fn machine_names(dir: &std::path::Path) -> Vec<String> {
    let out = aj(dir, &["--db", "j.db", "export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["machines"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn sigterm_and_sigint_let_a_request_in_flight_finish_then_stop_cleanly() {
    for signal in ["-TERM", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Server::start(dir.path(), None);
        // A request whose body is half sent when the signal arrives.
        let body = format!("{{\"name\": \"in flight {signal}\", \"notes\": \"{}\"}}", "x".repeat(2000));
        let s = server.begin("POST", "/api/v1/machines", &body, 1000).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        server.signal(signal);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let answer = Server::finish(s, &body, 1000).unwrap();
        assert!(answer.starts_with("HTTP/1.1 201"), "{signal}: {answer}");
        // Then it stops, with a zero exit, and no new connection is taken.
        let status = server.child.wait().unwrap();
        assert!(status.success(), "{signal}: {status:?}");
        assert!(server.request("GET", "/health", "").is_err(), "{signal}: still answering");
        let log = server.log.lock().unwrap().clone();
        assert!(log.contains("activation_journal::startup: stopped"), "{signal}: {log}");
        assert!(!log.contains(&server.token), "the log never holds a token");
        assert_eq!(machine_names(dir.path()), [format!("in flight {signal}")]);
        assert!(server.out.lock().unwrap().contains(&server.token), "the first start printed its token");

        // A second start finds the token and prints none.
        let mut again = Server::start(dir.path(), Some(&server.token));
        assert!(again.request("GET", "/api/v1/machines", "").unwrap().starts_with("HTTP/1.1 200"));
        again.signal(signal);
        assert!(again.child.wait().unwrap().success());
        assert_eq!(again.out.lock().unwrap().as_str(), "", "nothing on stdout");
    }
}

#[test]
fn killed_under_write_load_nothing_acknowledged_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), None);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let acknowledged: Vec<String> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (server, stop) = (&server, &stop);
                scope.spawn(move || {
                    let mut ok = Vec::new();
                    for i in 0.. {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let name = format!("writer {w} machine {i}");
                        match server.request("POST", "/api/v1/machines", &format!("{{\"name\": \"{name}\"}}")) {
                            Ok(answer) if answer.starts_with("HTTP/1.1 201") => ok.push(name),
                            Ok(answer) if answer.is_empty() => break,
                            Ok(answer) => panic!("{name}: {answer}"),
                            Err(_) => break,
                        }
                    }
                    ok
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        server.signal("-KILL"); // mid-write
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let _ = server.child.wait();
    assert!(acknowledged.len() >= 10, "the load wrote {} machines", acknowledged.len());
    let stored: std::collections::HashSet<String> = machine_names(dir.path()).into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|n| !stored.contains(*n)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // The file is sound.
    let check = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = activation_journal::store::Store::connect(&dir.path().join("j.db"), &dir.path().join("j.db.key"))
            .await
            .unwrap();
        store.integrity_check().await.unwrap()
    });
    assert_eq!(check, "ok");
    eprintln!("{} acknowledged writes, {} stored", acknowledged.len(), stored.len());
}

/// `serve` on a port, its stderr: a start that must fail does so at once.
fn serve_fails(dir: &std::path::Path, db: &str, bind: &str) -> String {
    let out = aj(dir, &["--db", db, "serve", "--bind", bind]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty(), "no token is printed by a start that fails: {}", text(&out.stdout));
    text(&out.stderr)
}

#[test]
fn a_missing_or_different_key_file_is_never_replaced_silently() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "j.db", "demo"]).status.success(), "the demo seals two keys");
    let key = std::fs::read(d.join("j.db.key")).unwrap();
    // Missing: serve refuses, names the file and what to do; no new key file.
    std::fs::remove_file(d.join("j.db.key")).unwrap();
    let err = serve_fails(d, "j.db", "127.0.0.1:0");
    assert!(err.contains("j.db.key is missing") && err.contains("restore it"), "{err}");
    assert!(!d.join("j.db.key").exists(), "no key file is made while keys sealed with another exist");
    // Another key: refused too.
    std::fs::write(d.join("j.db.key"), format!("{}\n", "ab".repeat(32))).unwrap();
    let err = serve_fails(d, "j.db", "127.0.0.1:0");
    assert!(
        err.contains("is not the key this journal's product keys are sealed with") && err.contains("--key-file"),
        "{err}"
    );
    // The journal's own key back: every key opens.
    std::fs::write(d.join("j.db.key"), &key).unwrap();
    assert!(aj(d, &["--db", "j.db", "export", "--include-secrets", "--out", "keys.json"]).status.success());
}

#[test]
fn backups_remind_of_the_key_carry_it_when_asked_and_restore_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "j.db", "demo"]).status.success());
    let out = aj(d, &["--db", "j.db", "backup", "plain.db"]);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("sealed with j.db.key") && text(&out.stderr).contains("--with-key"));
    let out = aj(d, &["--db", "j.db", "backup", "with.db", "--with-key"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(d.join("with.db.key")).unwrap(), std::fs::read(d.join("j.db.key")).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("with.db.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a copied key file is its owner's only");
    }
    assert!(!d.join("with.db.partial").exists(), "the backup is written under a temporary name, then renamed");
    // Another journal, another key: its restore of this backup is refused
    // unless --key-file names the key kept with the backup.
    assert!(aj(d, &["--db", "other.db", "demo"]).status.success());
    let out = aj(d, &["--db", "other.db", "restore", "with.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("sealed with another key than other.db.key"), "{}", text(&out.stderr));
    let out = aj(d, &["--db", "other.db", "--key-file", "with.db.key", "restore", "with.db"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // An interrupted backup: a cut file with its -journal beside it.
    let cut = std::fs::read(d.join("plain.db")).unwrap();
    std::fs::write(d.join("cut.db"), &cut[..cut.len() / 2]).unwrap();
    std::fs::write(d.join("cut.db-journal"), b"").unwrap();
    let out = aj(d, &["--db", "j.db", "restore", "cut.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("incomplete backup"), "{}", text(&out.stderr));
}

#[test]
#[cfg(unix)]
fn a_stale_partial_export_or_a_symlink_in_its_place_never_receives_the_keys() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "j.db", "demo"]).status.success());
    // A partial left world-readable by an interrupted export.
    std::fs::write(d.join(".keys.json.partial"), "old").unwrap();
    std::fs::set_permissions(d.join(".keys.json.partial"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(aj(d, &["--db", "j.db", "export", "--include-secrets", "--out", "keys.json"]).status.success());
    assert_eq!(std::fs::metadata(d.join("keys.json")).unwrap().permissions().mode() & 0o777, 0o600);
    // A symlink where the partial goes: the keys are not written where it points.
    std::os::unix::fs::symlink(d.join("elsewhere.json"), d.join(".again.json.partial")).unwrap();
    assert!(aj(d, &["--db", "j.db", "export", "--include-secrets", "--out", "again.json"]).status.success());
    assert!(!d.join("elsewhere.json").exists(), "the symlink was not followed");
    assert_eq!(std::fs::metadata(d.join("again.json")).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn serve_makes_the_first_token_only_once_it_holds_its_port() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let err = serve_fails(d, "j.db", &bind);
    assert!(err.contains("cannot listen"), "{err}");
    drop(taken);
    let mut server = Server::start(d, None);
    assert!(server.token.starts_with("aj_"), "the next start prints the first token");
    let _ = server.child.kill();
    let _ = server.child.wait();
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_and_flags_are_named_as_flags() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A journal whose export is far larger than a pipe's buffer.
    let machines: Vec<serde_json::Value> = (1..=3000)
        .map(|i| {
            serde_json::json!({"id": i, "name": format!("PC {i}"), "owner": "a household with many PCs", "notes": null,
            "created_at": "2014-05-09T00:00:00Z", "updated_at": "2014-05-09T00:00:00Z", "archived_at": null})
        })
        .collect();
    let doc = serde_json::json!({"format_version": 1, "exported_at": "2014-05-09T00:00:00Z", "includes_secrets": false,
        "machines": machines, "hardware_changes": [], "licenses": [], "cases": [], "attempts": [], "follow_ups": []});
    std::fs::write(d.join("many.json"), doc.to_string()).unwrap();
    assert!(aj(d, &["--db", "j.db", "import", "many.json"]).status.success());
    for args in [&["--db", "j.db", "export"][..], &["--db", "j.db", "summary", "overview", "--json"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_activation-journal"))
            .current_dir(d)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -c 10`: read a little, then close the pipe.
        let mut first = [0u8; 10];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).to_lowercase().contains("broken pipe"), "{args:?}: {}", text(&out.stderr));
    }
    let out = aj(d, &["--db", "j.db", "export", "--out", "all.json"]);
    assert!(text(&out.stderr).contains(
        "3000 machines, 0 hardware changes, 0 licenses, 0 cases, 0 attempts, 0 follow-ups and 0 attachments"
    ));
    let out = aj(d, &["--db", "j.db", "summary", "hours", "--machine", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--machine: 0 is not an id"), "{}", text(&out.stderr));
    let out = aj(d, &["--db", "j.db", "demo"]);
    assert!(!text(&out.stderr).contains("--db j.db"), "the hint names another file: {}", text(&out.stderr));
}

#[test]
fn audit_lists_who_did_what_newest_first_and_never_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "j.db", "demo"]).status.success());
    assert!(aj(d, &["--db", "j.db", "export", "--include-secrets", "--out", "k.json"]).status.success());
    let out = aj(d, &["--db", "j.db", "audit"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let first_row = table.lines().find(|l| l.contains("cli")).unwrap_or_default().to_string();
    assert!(first_row.contains("product key shown") && first_row.contains("export"), "newest first: {table}");
    assert!(!table.contains("GCRJD") && !table.contains("MHF9N"), "{table}");
    let json = aj(d, &["--db", "j.db", "audit", "--entity", "license", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2, "the two licenses' creates");
    let bad = aj(d, &["--db", "j.db", "audit", "--entity-id", "0"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--entity-id: 0 is not an id"), "{}", text(&bad.stderr));
    assert_eq!(aj(d, &["--db", "j.db", "audit", "--entity", "pc"]).status.code(), Some(2));
}

#[test]
fn sigkill_under_write_load_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), None);
    let (port, token) = (server.port, server.token.clone());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (stop, token) = (stop.clone(), token.clone());
            std::thread::spawn(move || {
                let probe = Server { port, token, ..Server::detached() };
                let mut acked = Vec::new();
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let body = format!("{{\"name\": \"w{w} n{i}\"}}");
                    match probe.request("POST", "/api/v1/machines", &body) {
                        Ok(answer) if answer.starts_with("HTTP/1.1 201") => acked.push(format!("w{w} n{i}")),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
                acked
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(800));
    server.signal("-KILL");
    let _ = server.child.wait();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let acked: Vec<String> = writers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    assert!(!acked.is_empty(), "the writers got answers before the kill");
    let stored = machine_names(dir.path());
    let missing: Vec<&String> = acked.iter().filter(|n| !stored.contains(n)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let out = aj(dir.path(), &["--db", "j.db", "backup", "check.db"]);
    assert!(out.status.success(), "the file is sound enough to back up: {}", text(&out.stderr));
}

#[test]
fn a_token_revoked_from_the_command_line_is_refused_by_a_running_server_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), None);
    let phone =
        text(&aj(dir.path(), &["--db", "j.db", "token", "create", "--name", "phone"]).stdout).trim().to_string();
    let probe = Server { port: server.port, token: phone, ..Server::detached() };
    // Known from memory after the first request: no database read per request…
    for _ in 0..3 {
        assert!(probe.request("GET", "/api/v1/machines", "").unwrap().starts_with("HTTP/1.1 200"));
    }
    // … yet a revocation by another process is seen on the very next one.
    assert!(aj(dir.path(), &["--db", "j.db", "token", "revoke", "phone"]).status.success());
    let answer = probe.request("GET", "/api/v1/machines", "").unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let _ = server.child.kill();
    let _ = server.child.wait();
}

#[test]
fn every_declared_attempt_field_is_a_flag_of_attempt_add_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let help = text(&aj(dir.path(), &["attempt", "add", "--help"]).stdout);
    assert!(aj(dir.path(), &["migrate"]).status.success());
    // Fields read otherwise have flags of their own.
    let own = [
        ("machine_id", "--machine"),
        ("license_id", "--license"),
        ("installation_id", "--iid"),
        ("groups_reentered", "--group-reentered"),
        ("wait_seconds", "--wait"),
        ("operator_rating", "--rating"),
        ("questions", "--question"),
        ("confirmation_id", "--cid"),
    ];
    for field in activation_journal::wire::attempt_fields::ALL {
        if field.name == "case_id" {
            continue; // `attempt add` names a machine and a license
        }
        let flag = own
            .iter()
            .find(|(f, _)| *f == field.name)
            .map_or(format!("--{}", field.name.replace('_', "-")), |(_, flag)| flag.to_string());
        assert!(help.contains(&format!("{flag} ")), "attempt add has no {flag} for {}:\n{help}", field.name);
    }
    assert_eq!(aj(dir.path(), &["machine", "add", "PC 1"]).status.code(), Some(0));
    assert_eq!(
        aj(dir.path(), &["license", "add", "--product", "Windows 8.1", "--channel", "oem"]).status.code(),
        Some(0)
    );
    let bad = aj(dir.path(), &["attempt", "add", "--machine", "PC 1", "--license", "1", "--phone-number", "12"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("--phone-number: holds 2 digits"), "{}", text(&bad.stderr));
    let ok = aj(
        dir.path(),
        &[
            "attempt",
            "add",
            "--machine",
            "PC 1",
            "--license",
            "1",
            "--phone-number",
            "０１２０ー８０１ー７３４",
            "--json",
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let stored: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(stored["phone_number"], "0120-801-734");
}

#[test]
fn a_call_typed_in_local_time_takes_the_households_offset_from_the_flag_or_the_journal() {
    let dir = record::household();
    fn add<'a>(zone: &[&'a str], at: &'a str) -> Vec<&'a str> {
        let mut args = zone.to_vec();
        args.extend_from_slice(&["attempt", "add", "--machine", "PC 1", "--license", "1", "--at", at, "--json"]);
        args
    }
    let a = record::json(dir.path(), &add(&["--time-zone", "Asia/Tokyo"], "2016-03-26 18:00"));
    assert_eq!(a["started_at"], "2016-03-26T18:00:00+09:00");
    assert_eq!(a["warnings"], serde_json::json!([]));
    // The environment says it too; a flag wins over it.
    let out = Command::new(env!("CARGO_BIN_EXE_activation-journal"))
        .current_dir(dir.path())
        .env("ACTIVATION_JOURNAL_TIME_ZONE", "Europe/Berlin")
        .args(["--db", "j.db", "attempt", "add", "--machine", "PC 1", "--license", "1", "--at", "2016-07-01 12:00"])
        .args(["--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["started_at"], "2016-07-01T12:00:00+02:00");
    // A time the clocks skipped, and a zone that is not one, are named.
    let (code, err) = record::refused(dir.path(), &add(&["--time-zone", "Europe/Berlin"], "2016-03-27 02:30"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("2016-03-27 02:30 does not exist in Europe/Berlin"), "{err}");
    let (code, err) = record::refused(dir.path(), &add(&["--time-zone", "Tokyo"], "2016-03-26 18:00"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--time-zone: \"Tokyo\" is not a time zone name"), "{err}");
}

/// The binary with a demo journal in `dir`, its environment set as given.
fn aj_env(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_activation-journal"));
    c.current_dir(dir).env_remove("DATABASE_URL").env_remove("COLUMNS").env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).output().expect("the binary runs")
}

/// How many terminal columns a line takes (wide characters count two).
fn columns(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

#[test]
fn tables_fit_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    for args in [
        &["attempt", "list"][..],
        &["case", "list"],
        &["license", "list"],
        &["machine", "list"],
        &["follow-up", "list"],
        &["audit"],
        &["summary", "retries"],
        &["summary", "open"],
        &["summary", "licenses"],
        &["summary", "hours"],
        &["summary", "wait-times"],
    ] {
        let out = aj_env(dir.path(), &[("COLUMNS", "80")], &[&["--db", "j.db"][..], args].concat());
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let shown = text(&out.stdout);
        assert!(shown.contains('┆'), "{args:?}: a table: {shown}");
        for line in shown.lines() {
            assert!(columns(line) <= 80, "{args:?}: {} columns: {line}", columns(line));
        }
        assert!(!shown.contains('\x1b'), "{args:?}: no colour into a pipe");
    }
    // Without COLUMNS, into a pipe, a row stays on one line.
    let wide = text(&aj(dir.path(), &["--db", "j.db", "attempt", "list"]).stdout);
    assert!(wide.lines().any(|l| columns(l) > 80), "{wide}");
}

#[test]
fn tsv_is_one_tab_separated_line_a_row_with_a_header() {
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    let out = aj_env(dir.path(), &[("COLUMNS", "40")], &["--db", "j.db", "--format", "tsv", "attempt", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tsv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0][0], "id", "{tsv}");
    assert_eq!(rows.len(), 5, "a header and the demo's four calls: {tsv}");
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{rows:?}");
    assert!(!tsv.contains('│') && !tsv.contains('\x1b'));
    // A summary's notes go to stderr: stdout is the table alone.
    let hours = aj(dir.path(), &["--db", "j.db", "summary", "hours", "--format", "tsv"]);
    assert!(text(&hours.stdout).lines().all(|l| l.split('\t').count() == 6), "{}", text(&hours.stdout));
    assert!(text(&hours.stderr).contains("best hours to call"));
    for (args, message) in [
        (&["--format", "json", "attempt", "list"][..], "tables print as table or tsv"),
        (&["export", "--format", "tsv"], "export writes json or csv"),
    ] {
        let bad = aj(dir.path(), &[&["--db", "j.db"][..], args].concat());
        assert_eq!(bad.status.code(), Some(1), "{args:?}");
        assert!(text(&bad.stderr).contains(message), "{args:?}: {}", text(&bad.stderr));
    }
    assert_eq!(aj(dir.path(), &["--db", "j.db", "--format", "yaml", "attempt", "list"]).status.code(), Some(2));
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    use expectrl::Expect;
    let dir = tempfile::tempdir().unwrap();
    assert!(aj(dir.path(), &["--db", "j.db", "demo"]).status.success());
    let run = |no_color: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_activation-journal"));
        c.current_dir(dir.path()).env("COLUMNS", "100").env("TERM", "xterm").env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        c.args(["--db", "j.db", "machine", "list"]);
        let mut p = expectrl::Session::spawn(c).unwrap();
        let seen = p.expect(expectrl::Eof).unwrap();
        String::from_utf8_lossy(seen.as_bytes()).into_owned()
    };
    let coloured = run(false);
    assert!(coloured.contains("\x1b[1m") && coloured.contains("PC 1"), "{coloured:?}");
    let plain = run(true);
    assert!(!plain.contains('\x1b') && plain.contains("PC 1"), "{plain:?}");
}

#[test]
fn completions_and_the_manual_are_made_from_the_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let bash = aj(dir.path(), &["completions", "bash"]);
    assert!(bash.status.success(), "{}", text(&bash.stderr));
    let script = text(&bash.stdout);
    for command in ["summary", "attempt", "follow-up", "completions", "man", "--format"] {
        assert!(script.contains(command), "{command}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = aj(dir.path(), &["completions", shell]);
        assert!(out.status.success() && out.stdout.len() > 100, "{shell}");
    }
    assert_eq!(aj(dir.path(), &["completions", "tcsh"]).status.code(), Some(2));
    let man = aj(dir.path(), &["man"]);
    assert!(man.status.success(), "{}", text(&man.stderr));
    let page = text(&man.stdout);
    assert!(page.starts_with(".ie") || page.contains(".TH activation-journal"), "{page}");
    assert!(page.contains("summary") && page.contains("completions"), "{page}");
    assert!(!dir.path().join("activation-journal.db").exists(), "no journal is made for them");
}

#[test]
fn attachments_stream_through_export_and_import_as_json_and_zip_with_secrets_only() {
    use activation_journal::domain::attachment::samples::{jpeg_with_gps, pdf};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(aj(d, &["--db", "a.db", "demo"]).status.success());
    std::fs::write(d.join("sticker.jpg"), jpeg_with_gps()).unwrap();
    std::fs::write(d.join("receipt.pdf"), pdf("order 1234")).unwrap();
    for args in [&["license", "1", "sticker.jpg", "--caption", "the key sticker"][..], &["attempt", "3", "receipt.pdf"]]
    {
        let out = aj(d, &[&["--db", "a.db", "attach"][..], args].concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for (format, file) in [("json", "keys.json"), ("csv", "keys.zip")] {
        let out = aj(d, &["--db", "a.db", "export", "--include-secrets", "--format", format, "--out", file]);
        assert!(text(&out.stderr).contains("2 attachments)"), "{}", text(&out.stderr));
    }
    assert!(aj(d, &["--db", "a.db", "export", "--include-secrets", "--out", "a.json"]).status.success());
    // Both forms are read as streams by the command line, into fresh journals.
    for (db, file) in [("b.db", "keys.json"), ("c.db", "keys.zip")] {
        let out = aj(d, &["--db", db, "import", file]);
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        let back = format!("{db}.json");
        assert!(aj(d, &["--db", db, "export", "--include-secrets", "--out", &back]).status.success());
        assert_eq!(json_of(&d.join(&back))["attachments"], json_of(&d.join("a.json"))["attachments"], "{file}");
        let out = aj(d, &["--db", db, "attachment", "get", "1", "--out", "-"]);
        let first = aj(d, &["--db", "a.db", "attachment", "get", "1", "--out", "-"]);
        assert_eq!(out.stdout, first.stdout, "{file}: the photo's bytes");
    }
    // Without secrets: listed, not their files, and said so both ways.
    let out = aj(d, &["--db", "a.db", "export", "--out", "plain.json"]);
    assert!(text(&out.stderr).contains("2 attachments are listed without their files"), "{}", text(&out.stderr));
    let out = aj(d, &["--db", "p.db", "import", "plain.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("2 attachments were listed without their files"), "{}", text(&out.stderr));
    // A bad row is named, exit 1, nothing written; so is a zip without a file its row names.
    let mut bad = json_of(&d.join("a.json"));
    bad["exported_at"] = serde_json::json!("2026-12-07T00:00:00Z");
    bad["attachments"][1]["content"] = serde_json::json!("JVBERi0xLjQK!!");
    std::fs::write(d.join("bad.json"), serde_json::to_vec(&bad).unwrap()).unwrap();
    let zip = std::fs::read(d.join("keys.zip")).unwrap();
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..from.len() {
        let file = from.by_index_raw(i).unwrap();
        if file.name().unwrap() != "attachments/1.jpg" {
            to.raw_copy_file(file).unwrap();
        }
    }
    std::fs::write(d.join("cut.zip"), to.finish().unwrap().into_inner()).unwrap();
    for (file, expected) in [
        ("bad.json", "attachments[1].content: is not base64"),
        ("cut.zip", "attachments.csv line 2: the file \"attachments/1.jpg\" is not in the zip"),
    ] {
        let out = aj(d, &["--db", "fresh.db", "import", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(text(&out.stderr).contains(expected), "{file}: {}", text(&out.stderr));
    }
    let out = aj(d, &["--db", "fresh.db", "machine", "list"]);
    assert!(!text(&out.stdout).contains("PC 1"), "nothing was written");
}
