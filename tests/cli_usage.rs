//! Usage mistakes a person makes on the first day: a mistyped command, a notes path that is
//! not there, an export without its package, an option in the wrong place. Each gets a
//! message naming the mistake and an exit status a script can tell apart (2 usage, 1 found
//! problems), and none of them quietly starts a quiz.

use predicates::prelude::*;
use predicates::str::contains;

mod common;
use common::Place;

#[test]
fn a_mistyped_command_is_a_usage_error_with_a_suggestion() {
    let place = Place::new();
    for (typo, meant) in [("stat", "stats"), ("qiuz", "quiz"), ("exprot", "export")] {
        place
            .mdcards()
            .arg(typo)
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(contains(format!("unrecognized subcommand '{typo}'")))
            .stderr(contains(format!("a similar subcommand exists: '{meant}'")))
            .stdout("");
    }
    // Nothing was quizzed, so nothing was synced either.
    assert!(!place.db().exists());
}

#[test]
fn a_word_that_is_a_notes_file_is_notes_not_a_command() {
    let place = Place::new();
    place.write("stat", "# Mine\n\n## What is a stat?\n\nA number.\n");
    place
        .mdcards()
        .args(["stat", "--plain"])
        .write_stdin("q\n")
        .assert()
        .success()
        .stdout(contains("What is a stat?"));
}

#[test]
fn a_missing_notes_path_exits_1_for_every_command() {
    let place = Place::new();
    place.write("notes/a.md", "# A\n\n## Q?\n\nA.\n");
    // Synced once, so a quiz could fall back on "the cards as last synced".
    place.mdcards().args(["sync", "notes"]).assert().success();
    let runs: [&[&str]; 7] = [
        &["gone.md"],
        &["quiz", "gone/"],
        &["quiz", "notes", "gone.md"],
        &["check", "gone.md"],
        &["list", "gone.md"],
        &["sync", "gone.md"],
        &["export", "gone.md", "out.apkg"],
    ];
    for args in runs {
        let output = place
            .mdcards()
            .args(args)
            .write_stdin("\n3\n")
            .assert()
            .code(1)
            .get_output()
            .clone();
        let (out, err) = (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        );
        // `check` reports on stdout (problems are its data), the others on stderr.
        assert!(
            format!("{out}{err}").contains("cannot read file or folder gone"),
            "{args:?}: {out}{err}"
        );
        assert!(!out.contains("Q?"), "{args:?} showed a card: {out}");
    }
    assert!(!place.path("out.apkg").exists());
    let conn = rusqlite::Connection::open(place.db()).unwrap();
    let reviews: i64 = conn
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 0);
}

#[test]
fn export_says_which_argument_is_missing() {
    let place = Place::new();
    place.write("notes.md", "# A\n\n## Q?\n\nA.\n");
    for args in [&["export", "notes.md"][..], &["export"]] {
        place
            .mdcards()
            .args(args)
            .assert()
            .code(2)
            .stderr(contains("missing OUT.apkg"))
            .stderr(contains(
                "Usage: mdcards export [OPTIONS] [NOTES]... <OUT.apkg>",
            ));
    }
}

#[test]
fn the_database_variable_never_shows_in_a_usage_line() {
    // The scratch place sets MDCARDS_DB, as a user's shell profile would.
    let place = Place::new();
    for args in [
        &["export", "notes.md"][..],
        &["quiz", "--new"],
        &["stats", "--bogus"],
    ] {
        place
            .mdcards()
            .args(args)
            .assert()
            .code(2)
            .stderr(contains("--db").not());
    }
}

#[test]
fn options_before_a_command_are_an_error_that_says_where_they_go() {
    let place = Place::new();
    place
        .mdcards()
        .args(["--db", "x.sqlite3", "stats"])
        .assert()
        .code(2)
        .stderr(contains(
            "--db <PATH> goes after the command name: mdcards stats --db",
        ));
    place
        .mdcards()
        .args(["--new", "5", "sim", "--summary"])
        .assert()
        .code(2)
        .stderr(contains(
            "--new <N> is a quiz option; `mdcards sim` does not take it",
        ));
    // --color is everyone's.
    place
        .mdcards()
        .args(["--color", "never", "stats"])
        .assert()
        .success();
}

#[test]
fn options_appear_only_on_the_commands_they_affect() {
    let place = Place::new();
    for command in ["sim", "check", "list", "completions", "man"] {
        place
            .mdcards()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(contains("--db").not())
            .stdout(contains("--new").not());
    }
    for command in ["quiz", "sync", "stats", "export"] {
        place
            .mdcards()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(contains("--db <PATH>"));
    }
    place
        .mdcards()
        .args(["sim", "--db", "x.sqlite3"])
        .assert()
        .code(2)
        .stderr(contains("unexpected argument '--db'"));
}

#[test]
fn exporting_no_cards_writes_nothing_and_exits_1() {
    let place = Place::new();
    place.write("empty/intro.md", "# Just prose\n\nNo questions here yet.\n");
    place
        .mdcards()
        .args(["export", "empty", "out.apkg"])
        .assert()
        .code(1)
        .stderr(contains("no cards in 1 notes file; out.apkg not written"));
    assert!(!place.path("out.apkg").exists());
}

#[test]
fn a_database_in_a_missing_folder_gets_its_folders() {
    let place = Place::new();
    let db = place.path("deep/er/reviews.sqlite3");
    place
        .mdcards()
        .args(["stats", "--db"])
        .arg(&db)
        .assert()
        .success();
    assert!(db.is_file());
    let env_db = place.path("from/env/reviews.sqlite3");
    place
        .mdcards()
        .env("MDCARDS_DB", &env_db)
        .args(["quiz", "--plain"])
        .write_stdin("q\n")
        .assert()
        .success();
    assert!(env_db.is_file());
}

#[test]
fn a_package_given_alone_receives_the_builtin_deck() {
    let place = Place::new();
    let output = place
        .mdcards()
        .args(["export", "raft.apkg", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(summary["cards"].as_u64().unwrap() >= 30, "{summary}");
    assert!(place.path("raft.apkg").is_file());
}
