//! Cloze cards through every command a user runs: `list`, `check`, `sync` (one schedule per
//! number; editing one cloze updates that card only; renumbering is a rename), the quiz in
//! plain mode, and `stats`.

use predicates::str::contains;
use serde_json::Value;

mod common;
use common::Place;

const NOTES: &str = "\
# Raft

## A cluster of {{c1::5}} servers tolerates {{c2::2::how many?}} failures

A majority of 5 is 3, so 2 may fail.

## What is a term?

A logical clock.
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

    /// The changes of a sync, as (kind, id, detail).
    fn changes(&self) -> (Value, Vec<(String, String, String)>) {
        let report = self.sync_json();
        let changes = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["kind"].as_str().unwrap().to_owned(),
                    c["id"].as_str().unwrap().to_owned(),
                    c["detail"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        (report["counts"].clone(), changes)
    }
}

fn note_id(place: &Place) -> String {
    let list: Value = serde_json::from_str(&place.run(&["list", "notes.md", "--json"], 0)).unwrap();
    let id = list[0]["id"].as_str().unwrap();
    id.strip_suffix("/c1").unwrap().to_owned()
}

#[test]
fn list_shows_one_card_per_number_with_its_cloze_hidden() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    let out = place.run(&["list", "notes.md"], 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let id = note_id(&place);
    assert!(lines[0].starts_with(&format!("{id}/c1")), "{out}");
    assert!(
        lines[0].contains("A cluster of [...] servers tolerates 2 failures"),
        "{out}"
    );
    assert!(lines[1].starts_with(&format!("{id}/c2")), "{out}");
    assert!(
        lines[1].contains("A cluster of 5 servers tolerates [how many?] failures"),
        "{out}"
    );
    let json: Value = serde_json::from_str(&place.run(&["list", "notes.md", "--json"], 0)).unwrap();
    assert_eq!(json[1]["kind"], serde_json::json!({"cloze_number": 2}));
    assert_eq!(
        json[1]["front"],
        "A cluster of 5 servers tolerates {{c2::2::how many?}} failures"
    );
    assert_eq!(json[1]["back"], "A majority of 5 is 3, so 2 may fail.");
}

#[test]
fn check_reports_a_malformed_cloze_at_its_place_and_commands_that_write_refuse() {
    let place = Place::new();
    place.write(
        "notes.md",
        "# Raft\n\n## Leaders\n\nA leader wins a {{c1::majority vote.\n",
    );
    place
        .mdcards()
        .args(["check", "notes.md"])
        .assert()
        .code(1)
        .stdout(contains("malformed-cloze"))
        .stdout(contains("cloze is never closed"))
        .stdout(contains("notes.md:5:17"))
        .stdout(contains("this card is left out until it is fixed"));
    place
        .mdcards()
        .args(["sync", "notes.md"])
        .assert()
        .code(1)
        .stderr(contains("malformed-cloze"));
    // `list` shows what it can: no card for the broken note.
    assert_eq!(place.run(&["list", "notes.md"], 1), "");
}

#[test]
fn each_number_has_its_own_schedule_and_editing_one_cloze_updates_that_card_only() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    let (counts, _) = place.changes();
    assert_eq!(counts["added"], 3);
    let id = note_id(&place);

    // Answer the first card (c1) Good; c2 stays new.
    place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\n3\nq\n")
        .assert()
        .success()
        .stdout(contains("A cluster of [...] servers tolerates 2 failures"));

    // Edit what c1 hides: only c1 is updated, and its review stays.
    place.write("notes.md", &NOTES.replace("{{c1::5}}", "{{c1::five}}"));
    let (counts, changes) = place.changes();
    assert_eq!(counts["updated"], 1, "{changes:?}");
    assert_eq!(counts["unchanged"], 2, "{changes:?}");
    assert_eq!(
        changes,
        [(
            "updated".to_owned(),
            format!("{id}/c1"),
            "cloze c1 edited".to_owned()
        )]
    );
    // c2, not reported, shows the new text of c1 all the same.
    place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\nq\n")
        .assert()
        .success()
        .stdout(contains(
            "A cluster of five servers tolerates [how many?] failures",
        ));
}

#[test]
fn renumbering_a_cloze_is_a_rename_that_carries_its_history() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    place.changes();
    let id = note_id(&place);
    // Review c1 and c2.
    place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\n3\n\n3\nq\n")
        .assert()
        .success();
    place.write("notes.md", &NOTES.replace("{{c2::", "{{c3::"));
    let report = place.sync_json();
    assert_eq!(report["counts"]["renamed"], 1, "{report:#}");
    assert_eq!(report["counts"]["added"], 0, "{report:#}");
    let change = &report["changes"][0];
    assert_eq!(change["kind"], "renamed");
    assert_eq!(change["old_id"], format!("{id}/c2"));
    assert_eq!(change["id"], format!("{id}/c3"));
    assert_eq!(change["reviews"], 1);
}

#[test]
fn adding_and_removing_clozes_adds_and_retires_cards() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    place.changes();
    // A third cloze around text already there changes the note's identity (its text with
    // the clozes hidden): the two cards are renamed, the new one added.
    place.write(
        "notes.md",
        &NOTES.replace("## A cluster", "## A Raft {{c3::cluster}}"),
    );
    let (counts, _) = place.changes();
    assert_eq!(
        (counts["renamed"].as_u64(), counts["added"].as_u64()),
        (Some(2), Some(1))
    );
    // Back to one cloze: the others retire.
    place.write("notes.md", "# Raft\n\n## A Raft cluster of {{c1::5}} servers tolerates 2 failures\n\nA majority.\n\n## What is a term?\n\nA logical clock.\n");
    let (counts, _) = place.changes();
    assert_eq!(counts["retired"].as_u64(), Some(2), "{counts}");
}

#[test]
fn the_quiz_asks_each_number_and_reveals_it_with_the_extra() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    let output = place
        .mdcards()
        .args(["quiz", "notes.md"])
        .write_stdin("\n3\n\n3\nq\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8(output.stdout).unwrap();
    let first = out
        .find("A cluster of [...] servers tolerates 2 failures")
        .unwrap();
    let second = out
        .find("A cluster of 5 servers tolerates [how many?] failures")
        .unwrap();
    assert!(first < second, "{out}");
    // Each answer reveals the sentence, then the extra.
    assert_eq!(
        out.matches(
            "A cluster of 5 servers tolerates 2 failures\n\nA majority of 5 is 3, so 2 may fail."
        )
        .count(),
        2,
        "{out}"
    );
}

#[test]
fn stats_count_each_cloze_card() {
    let place = Place::new();
    place.write("notes.md", NOTES);
    place.changes();
    let stats: Value = serde_json::from_str(&place.run(&["stats", "--json"], 0)).unwrap();
    assert_eq!(stats["counts"]["new"], 3, "{stats:#}");
}
