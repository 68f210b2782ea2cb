//! `mdcards sync`: the summary and per-card lines a user reads after editing notes.

use std::fs;

use predicates::str::contains;

mod common;
use common::Place;

impl Place {
    fn sync(&self, args: &[&str]) -> String {
        let output = self
            .mdcards()
            .arg("sync")
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        String::from_utf8(output.stdout).unwrap()
    }

    fn answer_all(&self, notes: &str) {
        self.mdcards()
            .args(["quiz", notes])
            .write_stdin("\n4\n\n4\n\n4\n\n4\n\n4\n")
            .assert()
            .success();
    }
}

const NOTES: &str = "\
# Raft

## What is Term?

A logical clock that orders leaders.

## Who can vote?

Every server, once per term.

## What does a leader send?

Heartbeats: empty AppendEntries.
";

const EDITED: &str = "\
# Raft

## What is a log?

A sequence of entries, each with a term.

## What is a Term?

A logical clock that orders leaders.

## Who can vote?

Any server, once per term.

## What is a snapshot?

A compacted prefix of the log.
";

#[test]
fn a_sync_after_editing_explains_every_change() {
    let place = Place::new();
    place.write("notes/raft.md", NOTES);
    let first = place.sync(&["notes"]);
    assert_eq!(
        first.lines().next().unwrap(),
        "3 added, 0 updated, 0 renamed, 0 retired (0 unchanged)"
    );
    place.answer_all("notes");
    place.write("notes/raft.md", EDITED);
    let out = place.sync(&["notes"]);
    insta::assert_snapshot!("after_edit", out);
    // Nothing left to do.
    let again = place.sync(&["notes"]);
    assert_eq!(
        again,
        "0 added, 0 updated, 0 renamed, 0 retired (4 unchanged)\n"
    );
}

#[test]
fn a_dry_run_changes_nothing() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.sync(&["raft.md"]);
    place.write("raft.md", EDITED);
    let dry = place.sync(&["raft.md", "--dry-run"]);
    assert!(
        dry.starts_with("dry run, nothing written: 2 added, 1 updated, 1 renamed, 1 retired"),
        "{dry}"
    );
    let real = place.sync(&["raft.md"]);
    assert!(
        real.starts_with("2 added, 1 updated, 1 renamed, 1 retired"),
        "{real}"
    );
    assert_eq!(
        dry.lines().skip(1).collect::<Vec<_>>(),
        real.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn json_output_lists_the_changes() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.sync(&["raft.md"]);
    place.write("raft.md", EDITED);
    let out = place.sync(&["raft.md", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["counts"]["added"], 2);
    assert_eq!(report["counts"]["renamed"], 1);
    let renamed = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "renamed")
        .unwrap();
    assert_eq!(renamed["old_front"], "What is Term?");
    assert_eq!(renamed["front"], "What is a Term?");
    assert_eq!(renamed["detail"], "front 86% similar, back unchanged");
}

#[test]
fn deleting_a_file_retires_its_cards_and_restoring_it_brings_them_back() {
    let place = Place::new();
    place.write("notes/raft.md", NOTES);
    place.write("notes/more.md", "## What is a quorum?\n\nA majority.\n");
    place.sync(&["notes"]);
    place.answer_all("notes");
    fs::remove_file(place.path("notes/more.md")).unwrap();
    let out = place.sync(&["notes"]);
    assert!(
        out.starts_with("0 added, 0 updated, 0 renamed, 1 retired"),
        "{out}"
    );
    assert!(
        out.contains("retired  notes/more.md:1  What is a quorum?"),
        "{out}"
    );
    assert!(out.contains("1 review kept"), "{out}");
    place.write("notes/more.md", "## What is a quorum?\n\nA majority.\n");
    let out = place.sync(&["notes"]);
    assert!(out.contains("1 restored"), "{out}");
}

#[test]
fn notes_with_errors_are_not_synced() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.sync(&["raft.md"]);
    // An unreadable path is an error diagnostic.
    place
        .mdcards()
        .args(["sync", "raft.md", "missing.md"])
        .assert()
        .code(1)
        .stderr(contains("missing.md"))
        .stderr(contains("nothing written"));
}

#[test]
fn the_builtin_deck_syncs_by_name() {
    let place = Place::new();
    let out = place.sync(&[]);
    assert!(out.starts_with("34 added"), "{out}");
    assert!(out.contains("decks/raft.md:9 (built-in)"), "{out}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let place = Place::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mdcards"))
        .current_dir(place.path(""))
        .env("MDCARDS_DB", place.path("reviews.sqlite3"))
        .arg("sync")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head -0`
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
