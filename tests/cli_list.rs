//! `mdcards list`: the cards notes produce, as lines or JSON.

use assert_cmd::Command;
use predicates::str::contains;

mod common;

/// The repository's binary, with a review database it must never open: `list` reads notes
/// only.
fn mdcards() -> Command {
    let mut command = common::mdcards();
    command.env(
        "MDCARDS_DB",
        "/nonexistent/list-never-opens-the-store.sqlite3",
    );
    command
}

#[test]
fn list_with_no_notes_lists_the_builtin_deck() {
    let output = mdcards()
        .arg("list")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .clone();
    insta::assert_snapshot!("builtin", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn list_reads_folders_recursively_skipping_hidden_and_other_files() {
    let mut command = mdcards();
    command.args(["list", "tests/fixtures/notes/good"]);
    let output = command.assert().success().stderr("").get_output().clone();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(!out.contains("Not read"));
    insta::assert_snapshot!("good_folder", out);
}

#[test]
fn list_json_is_an_array_of_whole_cards() {
    let output = mdcards()
        .args(["list", "tests/fixtures/notes/good", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let cards: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    insta::assert_json_snapshot!("good_folder_json", cards);
}

#[test]
fn list_deck_picks_cards_of_that_deck() {
    // `--deck` picks, as on quiz and stats; only `export --deck` names the deck.
    let all = mdcards()
        .args(["list", "tests/fixtures/notes/good"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let picked = mdcards()
        .args([
            "list",
            "tests/fixtures/notes/good",
            "--deck",
            "study::consensus::PAXOS",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (all, picked) = (
        String::from_utf8(all).unwrap(),
        String::from_utf8(picked).unwrap(),
    );
    assert_eq!(picked.lines().count(), 1, "{picked}");
    assert!(picked.contains("  Study::Consensus::Paxos  "), "{picked}");
    assert!(picked.lines().all(|line| all.contains(line)));
}

#[test]
fn list_rejects_a_malformed_deck_with_exit_2() {
    mdcards()
        .args(["list", "--deck", "A::::B"])
        .assert()
        .code(2)
        .stderr(contains("empty part"));
}

#[test]
fn list_reports_errors_on_stderr_and_exits_1() {
    mdcards()
        .args([
            "list",
            "tests/fixtures/notes/bad/dup_a.md",
            "tests/fixtures/notes/bad/dup_b.md",
        ])
        .assert()
        .code(1)
        .stdout(contains("What is the leader's job?"))
        .stdout(contains("What is the LEADER's job?"))
        .stderr(contains("duplicate-id"))
        .stderr(contains("1 error, 0 warnings in 2 files"));
}

#[test]
fn list_of_a_missing_path_is_an_unreadable_error() {
    mdcards()
        .args(["list", "no/such/notes.md"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("cannot read file or folder no/such/notes.md"));
}

#[test]
fn list_json_on_no_cards_is_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    mdcards()
        .args(["list", "--json"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("[\n]\n");
}

#[test]
fn list_colours_only_when_asked_or_on_a_terminal() {
    let plain = mdcards()
        .arg("list")
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
    let coloured = mdcards()
        .args(["list", "--color", "always"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        String::from_utf8(coloured.stdout)
            .unwrap()
            .contains("\u{1b}[36m#raft")
    );
}
