//! The command line in the household's language: `LANG=ja_JP.UTF-8`
//! prompts, tables and errors in Japanese, `--lang` over `LANG`, scripts'
//! formats keeping codes, and tables that fit 80 columns in both languages.

use std::process::{Command, Output};

use super::*;

/// The journal of the demo story in `dir` (`d.db`).
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = aj(dir.path(), &["--db", "d.db", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

/// A command on `d.db` with these locale variables (and `COLUMNS`).
fn with_locale(dir: &std::path::Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_activation-journal"));
    in_english(&mut cmd).current_dir(dir).env_remove("COLUMNS").env_remove("DATABASE_URL");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    if !args.contains(&"--db") {
        cmd.args(["--db", "d.db"]);
    }
    cmd.args(args).output().expect("the binary runs")
}

const JA: (&str, &str) = ("LANG", "ja_JP.UTF-8");

#[test]
fn lang_ja_prints_tables_with_japanese_headers_and_words_for_codes() {
    let dir = demo();
    let out = with_locale(dir.path(), &[JA], &["attempt", "list"]);
    let list = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for word in ["日時", "パソコン", "音声ガイダンス", "オペレーターにつながらなかった", "認証できた", "パッケージ版"]
    {
        assert!(list.contains(word), "{word}: {list}");
    }
    for code in ["operator_unavailable", "not_confirmed", "installation_id_group", "retail_box", "machine"] {
        assert!(!list.contains(code), "the code {code} reached a Japanese table: {list}");
    }
    // Summaries: their headings and notes too, and names where ids were.
    let licenses = text(&with_locale(dir.path(), &[JA], &["summary", "licenses"]).stdout);
    assert!(
        licenses.contains("認証したパソコン") && licenses.contains("PC 1") && licenses.contains("PC 2"),
        "{licenses}"
    );
    assert!(licenses.contains("Windows 8.1 Pro") && licenses.contains("ダウンロード版"), "{licenses}");
    let hours = text(&with_locale(dir.path(), &[JA], &["summary", "hours"]).stdout);
    assert!(hours.contains("電話がつながりやすい時間帯: 10時台"), "{hours}");
    let open = text(&with_locale(dir.path(), &[JA], &["summary", "open"]).stdout);
    assert!(open.contains("あとでやること") && open.contains("PC 1"), "{open}");
}

#[test]
fn lc_all_wins_over_lang_and_the_flag_wins_over_both() {
    let dir = demo();
    let header = |vars: &[(&str, &str)], args: &[&str]| {
        let out = with_locale(dir.path(), vars, &[&["case", "list"][..], args].concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).lines().nth(1).unwrap_or_default().to_string()
    };
    assert!(header(&[JA], &[]).contains("パソコン"));
    assert!(header(&[("LC_ALL", "ja_JP.UTF-8"), ("LANG", "C")], &[]).contains("パソコン"));
    assert!(header(&[("LC_ALL", "C"), ("LC_MESSAGES", "ja_JP.UTF-8")], &[]).contains("machine"));
    assert!(header(&[("LC_MESSAGES", "ja_JP.UTF-8")], &[]).contains("パソコン"));
    assert!(header(&[("LANG", "fr_FR.UTF-8")], &[]).contains("machine"), "no catalogue: English");
    assert!(header(&[JA], &["--lang", "en"]).contains("machine"));
    assert!(header(&[("LANG", "C")], &["--lang", "ja"]).contains("パソコン"));
    let bad = with_locale(dir.path(), &[], &["--lang", "fr", "case", "list"]);
    assert_eq!(bad.status.code(), Some(2), "clap refuses a language we do not have");
}

#[test]
fn scripts_read_codes_and_english_headers_whatever_the_language() {
    let dir = demo();
    let tsv = text(&with_locale(dir.path(), &[JA], &["--format", "tsv", "summary", "questions"]).stdout);
    assert!(tsv.trim_start().starts_with("topic\tasked\t"), "{tsv}");
    assert!(tsv.contains("installation_id_group") && tsv.contains("retail_box"), "{tsv}");
    let json = with_locale(dir.path(), &[JA], &["attempt", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["items"][3]["failure_reason"], "operator_unavailable");
}

#[test]
fn errors_read_in_japanese() {
    let dir = demo();
    for (args, said) in [
        (&["case", "show", "99999"][..], "エラー: 認証の件 99999 は見つかりません"),
        (&["attempt", "archive", "99999"], "エラー: 通話 99999 は見つかりません"),
        (
            &[
                "attempt",
                "add",
                "--machine",
                "PC 1",
                "--license",
                "1",
                "--iid",
                "508760583450367066786558223034732344271525457574499727444472480",
            ],
            "9 番目のグループが正しくありません",
        ),
        (&["attempt", "add", "--machine", "PC 9", "--license", "1"], "「PC 9」という名前のパソコンはありません"),
        (&["attempt", "add", "--license", "1"], "--machine と --license が必要です"),
        (&["--format", "json", "case", "list"], "表は table か tsv で表示します"),
    ] {
        let out = with_locale(dir.path(), &[JA], args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(!err.contains("error:") && !err.contains("not found"), "{args:?}: English reached it: {err}");
    }
    let lost = with_locale(dir.path(), &[JA], &["--db", "nowhere.db", "case", "list"]);
    assert_eq!(lost.status.code(), Some(2));
    assert!(text(&lost.stderr).contains("に記録がありません"), "{}", text(&lost.stderr));
}

#[test]
fn tables_fit_80_columns_in_both_languages() {
    let dir = demo();
    for lang in ["C.UTF-8", "ja_JP.UTF-8"] {
        for args in [
            &["attempt", "list"][..],
            &["case", "list"],
            &["license", "list"],
            &["machine", "show", "PC 1"],
            &["summary", "retries"],
            &["summary", "licenses"],
            &["summary", "open"],
            &["summary", "hours"],
            &["summary", "wait-times"],
            &["summary", "questions"],
            &["audit"],
        ] {
            let out = with_locale(dir.path(), &[("LANG", lang), ("COLUMNS", "80")], args);
            assert!(out.status.success(), "{lang} {args:?}: {}", text(&out.stderr));
            for line in text(&out.stdout).lines() {
                let w = unicode_width::UnicodeWidthStr::width(line);
                assert!(w <= 80, "{lang} {args:?}: a line of {w} columns: {line}");
            }
        }
    }
}

/// Whether a line the command line printed reads as Japanese: Japanese
/// words, and no English word left but codes, paths and commands a
/// Japanese reader types as they are.
fn no_english_words(said: &str) -> Vec<String> {
    const AS_THEY_ARE: &[&str] = &[
        "PC",
        "ID",
        "Windows",
        "OS",
        "KiB",
        "MiB",
        "JPEG",
        "PNG",
        "PDF",
        "db",
        "json",
        "jpg",
        "out",
        "bak",
        "key",
        "activation",
        "journal",
        "unarchive",
        "machine",
        "license",
        "case",
        "attempt",
        "follow",
        "up",
        "hardware",
        "change",
        "attachment",
        "Pro",
        "Home",
        "force",
        "with",
        "lang",
        "copy",
        "plain",
        "pdf",
        "before",
        "restore",
        "CPU",
        "SSD",
        "DVD",
        "export",
        "backup",
        "migrate",
        "file",
        "SQLite",
        "zip",
        "CSV",
        "JSON",
        "WebP",
        "caption",
    ];
    said.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1 && !AS_THEY_ARE.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn files_archives_and_tables_are_said_in_japanese() {
    let dir = demo();
    let ja = |args: &[&str]| {
        let out = with_locale(dir.path(), &[JA], args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        let program = env!("CARGO_BIN_EXE_activation-journal");
        let english = no_english_words(&said.replace(program, "").replace(&dir.path().display().to_string(), ""));
        assert!(english.is_empty(), "{args:?}: English reached it: {english:?} in {said}");
        said
    };
    let exported = ja(&["export", "--out", "out.json", "--include-secrets"]);
    assert!(exported.contains("書き出しました") && exported.contains("パソコン"), "{exported}");
    let imported = ja(&["--db", "copy.db", "import", "out.json"]);
    assert!(imported.contains("読み込みました"), "{imported}");
    ja(&["--db", "plain.db", "import", "out.json"]);
    ja(&["export", "--out", "plain.json"]);
    let plain = ja(&["--db", "plain2.db", "import", "plain.json"]);
    assert!(plain.contains("プロダクト キーは入っていません"), "{plain}");
    assert!(ja(&["backup", "b.db"]).contains("鍵ファイル"));
    assert!(ja(&["backup", "k.db", "--with-key"]).contains("鍵ファイル"));
    assert!(ja(&["restore", "b.db"]).contains("戻しました"));
    assert!(ja(&["hardware-change", "list", "--machine", "PC 1"]).contains("交換した部品"));
    std::fs::write(dir.path().join("r.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    ja(&["attach", "license", "1", "r.pdf", "--caption", "領収書"]);
    let list = ja(&["attachments", "license", "1"]);
    assert!(list.contains("PDF") && list.contains("ライセンス 1"), "{list}");
    assert!(ja(&["attachment", "get", "1", "--out", "r2.pdf"]).contains("書き出しました"));
    let archived = ja(&["case", "archive", "1"]);
    assert!(archived.contains("アーカイブしました") && archived.contains("元に戻す"), "{archived}");
    ja(&["case", "unarchive", "1"]);
    // Refusals too (paths and the system's own words aside).
    let again = with_locale(dir.path(), &[JA], &["export", "--out", "out.json"]);
    assert!(text(&again.stderr).contains("もうあります"), "{}", text(&again.stderr));
}

/// The store's, the key file's, backups' and the operating system's errors
/// read in Japanese: each refusal in catalogue words, the system's error by
/// its kind (no such file, a folder…), never its English text.
#[test]
fn store_key_file_backup_and_system_errors_read_in_japanese() {
    let dir = demo();
    let d = dir.path();
    assert!(with_locale(d, &[JA], &["backup", "b.db"]).status.success());
    assert!(with_locale(d, &[], &["--db", "o.db", "demo"]).status.success());
    std::fs::write(d.join("bad.db"), b"this is no journal").unwrap();
    std::fs::write(d.join("bad.key"), b"not a key").unwrap();
    std::fs::write(d.join("x.gif"), b"GIF89a").unwrap();
    std::fs::write(d.join("bad.json"), b"no JSON here").unwrap();
    std::fs::copy(d.join("d.db"), d.join("newer.db")).unwrap();
    rusqlite::Connection::open(d.join("newer.db"))
        .unwrap()
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99999, 'from the future', 1, x'00', 0)",
            [],
        )
        .unwrap();
    for (args, said, words_as_well) in [
        (&["backup", "nowhere/b.db"][..], "フォルダー nowhere がありません", true),
        (&["backup", "b.db"], "b.db はもうあります", true),
        (&["import", "missing.json"], "missing.json を読めませんでした（そのファイルやフォルダーはありません）", true),
        (&["import", "."], "ファイルではなくフォルダーです", true),
        (&["export", "--out", "nowhere/x.json"], "そのファイルやフォルダーはありません", true),
        (&["--db", "bad.db", "case", "list"], "記録のファイルが壊れているか", true),
        (
            &["--db", "newer.db", "case", "list"],
            "新しい版の activation-journal で書かれています (マイグレーション 99999)",
            true,
        ),
        (&["--db", "nowhere/j.db", "migrate"], "ファイルを開けませんでした", true),
        (&["--key-file", "o.db.key", "restore", "b.db"], "別の鍵で暗号化されています", true),
        (&["--key-file", "none.key", "restore", "b.db"], "鍵ファイル none.key がありません", true),
        (&["--key-file", "bad.key", "license", "reveal", "1", "--force"], "16 進数 64 桁の鍵が入っていません", true),
        (&["--key-file", "none.key", "license", "reveal", "1", "--force"], "鍵ファイル none.key がないため", true),
        (&["--key-file", "o.db.key", "license", "reveal", "1", "--force"], "ではこのプロダクト キーを開けません", true),
        (&["attach", "license", "1", "x.gif"], "JPEG、PNG、WebP、PDF のどれでもありません", true),
        (&["attach", "license", "1", "x.gif", "--caption", "a\u{7}b"], "--caption: 制御文字のない", true),
        (&["machine", "edit", "1", "--clear", "colour"], "--clear colour: この記録にその項目はありません", false),
        // The parser's own words stay, after ours.
        (&["import", "bad.json"], "JSON でも、エクスポートした CSV ファイルの zip でもありません", false),
    ] {
        let out = with_locale(d, &[JA], args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        let paths = ["nowhere", "missing", "none", "bad", "newer", "gif"];
        let english: Vec<String> = no_english_words(&err.replace(&d.display().to_string(), ""))
            .into_iter()
            .filter(|w| !paths.contains(&w.as_str()))
            .collect();
        assert!(!words_as_well || english.is_empty(), "{args:?}: English reached it: {english:?} in {err}");
    }
}

/// clap's refusals of a command line are said in Japanese with what it
/// found (and its suggestion), exit 2 as clap's; help stays clap's.
#[test]
fn a_command_line_clap_refuses_is_said_in_japanese() {
    let dir = demo();
    let d = dir.path();
    for (args, said) in [
        (&["machine", "lst"][..], "lst というコマンドはありません"),
        (&["machine", "list", "--bogus"], "ここに --bogus という引数はありません"),
        (&["machine", "list", "--format", "xml"], "に xml は使えません。使えるのは table, tsv, json, csv です"),
        (&["attachments"], "を指定してください"),
    ] {
        let out = with_locale(d, &[JA], args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(err.contains("activation-journal --help"), "{args:?}: {err}");
        assert!(!err.contains("error:"), "{args:?}: clap's English reached it: {err}");
    }
    let out = with_locale(d, &[JA], &["machine", "lst"]);
    assert!(text(&out.stderr).contains("list のことですか"), "{}", text(&out.stderr));
    // In English, clap's own words.
    let out = with_locale(d, &[], &["machine", "lst"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unrecognized subcommand 'lst'"), "{}", text(&out.stderr));
}
