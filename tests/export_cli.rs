//! `mdcards export` from the command line: output, summary, and every kind of bad input.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rusqlite::Connection;

const NOW: &str = "2026-01-02T03:04:05Z";
const NOW_SECS: i64 = 1_767_323_045;

/// A temporary folder for notes and packages, and a review database kept apart from it, so
/// that "nothing written" checks see only what the export itself left in the folder.
struct Scratch {
    dir: tempfile::TempDir,
    db: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
            db: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary at `NOW`, with this scratch place's review database.
    fn mdcards(&self) -> Command {
        self.mdcards_at(NOW)
    }

    fn mdcards_at(&self, now: &str) -> Command {
        let mut command = Command::cargo_bin("mdcards").unwrap();
        command
            .env("MDCARDS_NOW", now)
            .env("MDCARDS_DB", self.db.path().join("reviews.sqlite3"))
            .env_remove("CI");
        command
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

/// The package's collection, extracted next to it, and its media index.
fn open_package(package: &Path) -> (Connection, serde_json::Value, tempfile::TempDir) {
    let mut zip = zip::ZipArchive::new(fs::File::open(package).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("collection.anki2");
    let mut bytes = Vec::new();
    zip.by_name("collection.anki2")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    fs::write(&collection, bytes).unwrap();
    let mut media = String::new();
    zip.by_name("media")
        .unwrap()
        .read_to_string(&mut media)
        .unwrap();
    assert!(
        zip.by_name("meta").is_err(),
        "legacy packages carry no meta member"
    );
    (
        Connection::open(&collection).unwrap(),
        serde_json::from_str(&media).unwrap(),
        dir,
    )
}

fn fields(conn: &Connection) -> Vec<Vec<String>> {
    let mut statement = conn.prepare("select flds from notes order by id").unwrap();
    statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(|flds| flds.unwrap().split('\x1f').map(str::to_owned).collect())
        .collect()
}

/// The user's seed notes, as committed for the notes parser's tests.
fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes/seed/raft_anki.md")
}

#[test]
fn mdanki_command_line_writes_a_package_and_a_summary() {
    let dir = Scratch::new();
    let out = dir.path().join("raft_anki.apkg");
    dir.mdcards()
        .args(["export"])
        .arg(seed())
        .arg(&out)
        .args(["--deck", "Mohan::DeepWork::Raft"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::is_match(r"^Exported \d+ cards \(\d+ notes, 3 decks, 0 media files\) to .*raft_anki\.apkg: [0-9.]+ kB in [0-9.]+ s\n$").unwrap());
    let (conn, media, _dir) = open_package(&out);
    assert_eq!(media, serde_json::json!({}));
    let notes: i64 = conn
        .query_row("select count() from notes", [], |r| r.get(0))
        .unwrap();
    let cards: i64 = conn
        .query_row("select count() from cards", [], |r| r.get(0))
        .unwrap();
    assert!(notes >= 15, "{notes}");
    assert_eq!(notes, cards);
    let decks: String = conn
        .query_row("select decks from col", [], |r| r.get(0))
        .unwrap();
    let decks: serde_json::Value = serde_json::from_str(&decks).unwrap();
    let mut names: Vec<&str> = decks
        .as_object()
        .unwrap()
        .values()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Mohan", "Mohan::DeepWork", "Mohan::DeepWork::Raft"]);
    // `mod` in seconds (mdanki wrote milliseconds), ids never later than now.
    let (max_mod, max_id): (i64, i64) = conn
        .query_row("select max(mod), max(id) from notes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(max_mod, NOW_SECS);
    assert!(max_id <= NOW_SECS * 1000);
    let models: String = conn
        .query_row("select models from col", [], |r| r.get(0))
        .unwrap();
    let models: serde_json::Value = serde_json::from_str(&models).unwrap();
    let model = &models["1718392511629"];
    assert_eq!(model["name"], "mdcards Basic");
    assert_eq!(model["mod"], NOW_SECS);
    // Every note has exactly the model's three fields.
    for note in fields(&conn) {
        assert_eq!(note.len(), 3, "{note:?}");
        assert!(!note[0].contains("<h2>"), "{note:?}");
    }
}

#[test]
fn json_summary_goes_to_stdout() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "# Deck\n\n## Q1?\nA1.\n\n## Q2?\nA2.\n");
    let out = dir.path().join("n.apkg");
    let output = dir
        .mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["cards"], 2);
    assert_eq!(summary["notes"], 2);
    assert_eq!(summary["decks"], 1);
    assert_eq!(summary["media"], 0);
    assert_eq!(summary["bytes"], fs::metadata(&out).unwrap().len());
    assert!(summary["seconds"].as_f64().unwrap() >= 0.0);
}

/// The mistakes mdanki makes, in one notes file.
#[test]
fn mdanki_mistakes_are_not_repeated() {
    let dir = Scratch::new();
    let notes = write(
        dir.path(),
        "mistakes.md",
        "# Mistakes\n\n## Heading in code?\n\n[#leader election]() [#raft]()\n\n```md\n## not a new card\n```\n\n\
         ## Math?\n\nIt is \\(x_1\\) and $y$.\n",
    );
    let out = dir.path().join("m.apkg");
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .success();
    let (conn, _, _dir) = open_package(&out);
    let notes = fields(&conn);
    assert_eq!(
        notes.len(),
        2,
        "`## ` in a code block does not split a card: {notes:?}"
    );
    assert_eq!(notes[0][0], "Heading in code?", "no <h2> in the front");
    assert!(notes[0][1].contains("## not a new card"), "{:?}", notes[0]);
    assert!(
        notes[1][1].contains("\\(x_1\\)") && notes[1][1].contains("\\(y\\)"),
        "{:?}",
        notes[1]
    );
    let tags: String = conn
        .query_row("select tags from notes order by id limit 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        tags, " leader_election raft ",
        "a tag with a space is one Anki tag"
    );
}

#[test]
fn images_are_bundled_once_under_distinct_names() {
    let dir = Scratch::new();
    write(dir.path(), "a/fig.png", "first");
    write(dir.path(), "b/fig.png", "second");
    let notes = write(
        dir.path(),
        "n.md",
        "# D\n\n## One?\n![x](a/fig.png)\n\n## Two?\n![y](b/fig.png) ![again](a/fig.png)\n",
    );
    let out = dir.path().join("n.apkg");
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("2 media files"));
    let (conn, media, _dir) = open_package(&out);
    let names: Vec<&str> = media
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{media}");
    assert_ne!(names[0], names[1]);
    let backs: String = fields(&conn).iter().map(|n| n[1].clone()).collect();
    for name in names {
        assert!(
            backs.contains(&format!("src=\"{name}\"")),
            "{name}: {backs}"
        );
    }
    let mut zip = zip::ZipArchive::new(fs::File::open(&out).unwrap()).unwrap();
    let mut first = String::new();
    let member = media
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v.as_str().unwrap().starts_with("fig-"))
        .unwrap()
        .0
        .clone();
    zip.by_name(&member)
        .unwrap()
        .read_to_string(&mut first)
        .unwrap();
    assert!(first == "first" || first == "second");
}

#[test]
fn quiet_when_stderr_is_not_a_terminal_even_for_large_exports() {
    let dir = Scratch::new();
    let mut text = String::from("# Big\n\n");
    for i in 0..6_000 {
        text.push_str(&format!("## Question {i}?\nAnswer {i}.\n\n"));
    }
    let notes = write(dir.path(), "big.md", &text);
    let out = dir.path().join("big.apkg");
    let output = dir
        .mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.lines().count(),
        1,
        "only the summary line: {stderr:?}"
    );
    assert!(stderr.starts_with("Exported 6000 cards"), "{stderr}");
}

/// The `mod` of every note and card and of the note type, which must be one value.
fn package_mod(package: &Path) -> i64 {
    let (conn, _, _dir) = open_package(package);
    let (low, high): (i64, i64) = conn
        .query_row(
            "select min(mod), max(mod) from (select mod from notes union all select mod from cards)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(low, high, "one mod for the whole export");
    let models: String = conn
        .query_row("select models from col", [], |r| r.get(0))
        .unwrap();
    let models: serde_json::Value = serde_json::from_str(&models).unwrap();
    assert_eq!(
        models["1718392511629"]["mod"], high,
        "the note type's mod too"
    );
    high
}

/// Anki applies a re-imported note only when its `mod` is newer than the one it has. Each
/// export's is newer than the last one's, even within one second or after the clock went
/// back, because the review database remembers it.
#[test]
fn each_export_carries_a_newer_mod_than_the_last() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "# D\n\n## Q1?\nA1.\n\n## Q2?\nA2.\n");
    let export_at = |now: &str, out: &str| {
        let out = dir.path().join(out);
        dir.mdcards_at(now)
            .arg("export")
            .arg(&notes)
            .arg(&out)
            .assert()
            .success();
        package_mod(&out)
    };
    assert_eq!(export_at(NOW, "a.apkg"), NOW_SECS);
    assert_eq!(export_at(NOW, "a.apkg"), NOW_SECS + 1, "same second");
    assert_eq!(export_at(NOW, "b.apkg"), NOW_SECS + 2, "another package");
    assert_eq!(
        export_at("2026-01-02T02:04:05Z", "a.apkg"),
        NOW_SECS + 3,
        "the clock went back an hour"
    );
    assert_eq!(
        export_at("2026-01-02T04:00:00Z", "a.apkg"),
        NOW_SECS + 3_355,
        "time caught up: the export time again"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_review_database_that_cannot_be_opened_stops_the_export_before_writing() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "## Q?\nA.\n");
    let out = dir.path().join("out.apkg");
    dir.mdcards()
        .env("MDCARDS_DB", "/proc/mdcards-test/reviews.sqlite3")
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("/proc/mdcards-test/reviews.sqlite3")
                .and(predicate::str::contains("--db")),
        );
    assert_nothing_written(dir.path(), &["n.md"]);
}

// ---- bad input: a clear message naming the file, a non-zero exit, nothing written ----

fn assert_nothing_written(dir: &Path, expected: &[&str]) {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names, expected,
        "no package and no temporary files left behind"
    );
}

#[test]
fn out_that_is_a_folder_is_refused() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "## Q?\nA.\n");
    fs::create_dir(dir.path().join("out.apkg")).unwrap();
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(dir.path().join("out.apkg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out.apkg: is a folder"));
    assert_nothing_written(dir.path(), &["n.md", "out.apkg"]);
}

/// OUT is the last argument: a forgotten OUT must not overwrite the last notes file.
#[test]
fn out_not_ending_in_apkg_is_refused_and_the_file_is_untouched() {
    let dir = Scratch::new();
    let a = write(dir.path(), "a.md", "## Q?\nA.\n");
    let b = write(dir.path(), "b.md", "## R?\nB.\n");
    dir.mdcards()
        .arg("export")
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "b.md: the package must end in .apkg",
        ));
    assert_eq!(fs::read_to_string(&b).unwrap(), "## R?\nB.\n");
    assert_nothing_written(dir.path(), &["a.md", "b.md"]);
}

#[test]
fn out_in_a_missing_folder_is_refused() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "## Q?\nA.\n");
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(dir.path().join("nope/out.apkg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder"));
    assert_nothing_written(dir.path(), &["n.md"]);
}

#[cfg(target_os = "linux")]
#[test]
fn unwritable_out_is_an_error_naming_it() {
    // /proc accepts no new files, even for root (tests may run as root, where permission
    // bits do not stop writes).
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "## Q?\nA.\n");
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg("/proc/mdcards-test.apkg")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/proc"));
    assert!(!Path::new("/proc/mdcards-test.apkg").exists());
}

#[test]
fn notes_that_fail_check_are_refused_with_their_diagnostics() {
    let dir = Scratch::new();
    let notes = write(
        dir.path(),
        "bad.md",
        "# D\n\n## Q?\n\n```json\n{\"open\": true\n",
    );
    let out = dir.path().join("out.apkg");
    fs::write(&out, "previous package").unwrap();
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.md:5"));
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        "previous package",
        "existing OUT untouched"
    );
    assert_nothing_written(dir.path(), &["bad.md", "out.apkg"]);
}

#[test]
fn duplicate_identities_are_refused_naming_both_places() {
    let dir = Scratch::new();
    let notes = write(
        dir.path(),
        "dup.md",
        "# D\n\n## Same question?\nA.\n\n## Same  question?\nB.\n",
    );
    let out = dir.path().join("out.apkg");
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("dup.md:6")
                .and(predicate::str::contains("first card with this identity")),
        );
    assert_nothing_written(dir.path(), &["dup.md"]);
}

#[test]
fn missing_image_is_refused_naming_file_and_line() {
    let dir = Scratch::new();
    let notes = write(
        dir.path(),
        "img.md",
        "# D\n\n## Q?\n\nSee ![fig](gone.png).\n",
    );
    let out = dir.path().join("out.apkg");
    fs::write(&out, "previous package").unwrap();
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("img.md:5").and(predicate::str::contains("gone.png")));
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous package");
    assert_nothing_written(dir.path(), &["img.md", "out.apkg"]);
}

#[test]
fn a_successful_export_replaces_the_previous_package() {
    let dir = Scratch::new();
    let notes = write(dir.path(), "n.md", "## Q?\nA.\n");
    let out = dir.path().join("out.apkg");
    fs::write(&out, "previous package").unwrap();
    dir.mdcards()
        .arg("export")
        .arg(&notes)
        .arg(&out)
        .assert()
        .success();
    let (conn, _, _dir) = open_package(&out);
    assert_eq!(fields(&conn).len(), 1);
    assert_nothing_written(dir.path(), &["n.md", "out.apkg"]);
}
