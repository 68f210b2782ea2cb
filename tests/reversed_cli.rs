//! Reversed cards through every command a user runs: `list`, `check`, `sync` (two
//! schedules; asking an existing card both ways keeps its history), the quiz in plain mode,
//! and `stats`.

use predicates::str::contains;
use serde_json::Value;

mod common;
use common::Place;

const NOTES: &str = "\
# Raft

## What is a term?

A logical clock.

## Who can vote?

Every server, once per term.
";

const REVERSED: &str = "\
# Raft

## What is a term?
<!-- reverse: yes -->

A logical clock.

## Who can vote?

Every server, once per term.
";

impl Place {
    fn run(&self, args: &[&str], code: i32) -> String {
        let output = self
            .mdcards()
            .args(args)
            .assert()
            .code(code)
            .get_output()
            .clone();
        String::from_utf8(output.stdout).unwrap()
    }

    fn sync_json(&self) -> Value {
        serde_json::from_str(&self.run(&["sync", "notes.md", "--json"], 0)).unwrap()
    }

    fn ids(&self) -> Vec<String> {
        let list: Value =
            serde_json::from_str(&self.run(&["list", "notes.md", "--json"], 0)).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[test]
fn list_shows_the_reverse_card_after_its_forward_card() {
    let place = Place::new();
    place.write("notes.md", REVERSED);
    let ids = place.ids();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[1], format!("{}/reverse", ids[0]));
    let out = place.run(&["list", "notes.md"], 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].contains("A logical clock."), "{out}");
    let json: Value = serde_json::from_str(&place.run(&["list", "notes.md", "--json"], 0)).unwrap();
    assert_eq!(json[1]["kind"], "reverse");
    assert_eq!(json[1]["front"], "A logical clock.");
    assert_eq!(json[1]["back"], "What is a term?");
}

#[test]
fn front_matter_reverses_every_card_of_the_file() {
    let place = Place::new();
    place.write("notes.md", &format!("---\nreverse: true\n---\n{NOTES}"));
    assert_eq!(place.ids().len(), 4);
    place.write(
        "notes.md",
        &format!("---\nreverse: yes please\n---\n{NOTES}"),
    );
    place
        .mdcards()
        .args(["check", "notes.md"])
        .assert()
        .code(1)
        .stdout(contains("malformed-front-matter"))
        .stdout(contains("notes.md:2:1"));
}

#[test]
fn asking_a_reviewed_card_both_ways_keeps_its_history_and_adds_the_reverse() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    place.sync_json();
    place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\n3\nq\n")
        .assert()
        .success();
    let forward = place.ids()[0].clone();

    place.write("notes.md", REVERSED);
    // The report says which card the new one is: its front is the note's answer.
    let out = place.run(&["sync", "notes.md", "--dry-run"], 0);
    assert!(
        out.contains("notes.md:3  A logical clock.  (reverse card)"),
        "{out}"
    );
    let report = place.sync_json();
    assert_eq!(report["counts"]["added"], 1, "{report:#}");
    assert_eq!(report["counts"]["unchanged"], 2, "{report:#}");
    assert_eq!(report["changes"][0]["id"], format!("{forward}/reverse"));
    assert_eq!(report["changes"][0]["detail"], "reverse card");

    // The forward card keeps its review: it is learning, not new.
    let stats: Value = serde_json::from_str(&place.run(&["stats", "--json"], 0)).unwrap();
    assert_eq!(stats["counts"]["learning"], 1, "{stats:#}");
    assert_eq!(stats["counts"]["new"], 2, "{stats:#}");
}

#[test]
fn dropping_the_reversal_retires_the_reverse_card_only() {
    let place = Place::new();
    place.write("notes.md", REVERSED);
    place.sync_json();
    place.write("notes.md", NOTES);
    let report = place.sync_json();
    assert_eq!(report["counts"]["retired"], 1, "{report:#}");
    assert!(
        report["changes"][0]["id"]
            .as_str()
            .unwrap()
            .ends_with("/reverse")
    );
}

#[test]
fn rewording_the_question_renames_both_cards() {
    let place = Place::new();
    place.write("notes.md", REVERSED);
    place.sync_json();
    place.write(
        "notes.md",
        &REVERSED.replace("What is a term?", "What is a Raft term?"),
    );
    let report = place.sync_json();
    assert_eq!(report["counts"]["renamed"], 2, "{report:#}");
    assert_eq!(report["counts"]["added"], 0, "{report:#}");
    let details: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details[1], "front unchanged, back 84% similar",
        "{report:#}"
    );
}

#[test]
fn the_quiz_asks_the_answer_and_expects_the_question() {
    let place = Place::new();
    place.write("notes.md", REVERSED);
    let output = place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\n3\n\n3\nq\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8(output.stdout).unwrap();
    // The forward card, then the reverse: the answer asked, the question revealed.
    let reverse = out
        .find("A logical clock.\n\n[space] show answer")
        .expect(&out);
    let revealed = out[reverse..]
        .find("── answer ──")
        .map(|at| &out[reverse + at..])
        .unwrap();
    assert!(revealed.contains("What is a term?"), "{out}");
}
