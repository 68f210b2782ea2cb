//! Studying a part: `--deck` and `--tag` on quiz, stats and list pick cards whatever the
//! case typed, include sub-decks, refuse unknown names with the known ones, and never
//! rename, re-deck or re-case what is stored.

use predicates::str::contains;

mod common;
use common::Place;

const MOHAN: &str = "\
# Mohan::DeepWork::Raft

## What is a term?

A logical clock.

[#Safety]()

## Who votes?

Every server, once per term.
";

const PAXOS: &str = "\
# Consensus::Paxos

## What is a ballot?

A proposal number.

[#safety]() [#Ballots]()
";

impl Place {
    fn with_notes() -> Place {
        let place = Place::new();
        place.write("notes/mohan.md", MOHAN);
        place.write("notes/paxos.md", PAXOS);
        place
    }

    /// (stdout, stderr) of a run expected to exit with `code`.
    fn run(&self, args: &[&str], input: &str, code: i32) -> (String, String) {
        let output = self
            .mdcards()
            .args(args)
            .write_stdin(input)
            .assert()
            .code(code)
            .get_output()
            .clone();
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    /// Every stored card as (id, deck), sorted.
    fn stored(&self) -> Vec<(String, String)> {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut statement = conn
            .prepare("SELECT id, deck FROM cards ORDER BY id")
            .unwrap();
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

#[test]
fn a_quiz_on_one_deck_in_any_case_never_renames_or_recases_cards() {
    let place = Place::with_notes();
    place.run(&["sync", "notes"], "", 0);
    let before = place.stored();
    assert!(
        before
            .iter()
            .any(|(_, deck)| deck == "Mohan::DeepWork::Raft")
    );

    let (out, err) = place.run(
        &[
            "quiz",
            "notes",
            "--deck",
            "mohan::deepwork::raft",
            "--plain",
        ],
        "\n3\n\n3\n\n3\n\n3\nq\n",
        0,
    );
    assert!(out.contains("Mohan::DeepWork::Raft"), "{out}");
    assert!(!out.contains("mohan::deepwork"), "{out}");
    assert!(out.contains("What is a term?") && out.contains("Who votes?"));
    assert!(
        !out.contains("What is a ballot?"),
        "another deck was quizzed: {out}"
    );
    assert!(!err.contains("renamed"), "{err}");
    assert_eq!(place.stored(), before);

    // A parent deck holds its sub-decks.
    let (out, _) = place.run(&["quiz", "notes", "--deck", "MOHAN", "--cram"], "q\n", 0);
    assert!(out.contains("What is a term?"), "{out}");
    assert_eq!(place.stored(), before);
}

#[test]
fn a_quiz_on_a_tag_takes_only_the_tagged_cards() {
    let place = Place::with_notes();
    let (out, _) = place.run(
        &["quiz", "notes", "--tag", "#SAFETY", "--cram"],
        "\n3\n\n3\n\n3\n",
        0,
    );
    assert!(out.contains("What is a term?"), "{out}");
    assert!(out.contains("What is a ballot?"), "{out}");
    assert!(!out.contains("Who votes?"), "{out}");
    assert!(out.contains("Reviewed 2 cards"), "{out}");
    // Deck and tag together: both must hold.
    let (out, _) = place.run(
        &[
            "quiz",
            "notes",
            "--tag",
            "safety",
            "--deck",
            "consensus",
            "--cram",
        ],
        "\n3\n\n3\n",
        0,
    );
    assert!(out.contains("What is a ballot?") && !out.contains("What is a term?"));
}

/// A message as one line: miette wraps long ones at the terminal width behind `|`.
fn unwrapped(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().filter(|w| *w != "|").collect();
    words.join(" ")
}

#[test]
fn unknown_decks_and_tags_are_errors_listing_the_known_ones() {
    let place = Place::with_notes();
    let (out, err) = place.run(&["quiz", "notes", "--deck", "raftt"], "\n3\n", 2);
    assert!(out.is_empty(), "{out}");
    let err = unwrapped(&err);
    assert!(
        err.contains(
            "no deck \"raftt\" in these notes; the decks are: Consensus::Paxos, \
             Mohan::DeepWork::Raft"
        ),
        "{err}"
    );
    let (_, err) = place.run(&["stats", "--deck", "raft"], "", 2);
    assert!(
        err.contains("no deck \"raft\" in the review database"),
        "{err}"
    );
    let (_, err) = place.run(&["stats", "--tag", "liveness"], "", 2);
    let err = unwrapped(&err);
    assert!(
        err.contains("the tags are: Ballots, Safety, safety"),
        "{err}"
    );
    let (_, err) = place.run(&["list", "notes", "--deck", "Paxos"], "", 2);
    assert!(err.contains("no deck \"Paxos\" in these notes"), "{err}");
}

#[test]
fn stats_for_a_deck_or_a_tag_count_only_those_cards() {
    let place = Place::with_notes();
    place.run(&["sync", "notes"], "", 0);
    let (out, _) = place.run(&["stats", "--deck", "consensus", "--json"], "", 0);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["selected_decks"], serde_json::json!(["Consensus"]));
    assert_eq!(stats["counts"]["new"], 1);
    assert_eq!(stats["decks"][0]["deck"], "Consensus::Paxos");
    let (out, _) = place.run(&["stats", "--tag", "safety"], "", 0);
    assert!(out.starts_with("Tag:       #Safety #safety\n"), "{out}");
    assert!(out.contains("Cards:     2 new,"), "{out}");
    let (out, _) = place.run(&["stats", "--deck", "mohan::DEEPWORK"], "", 0);
    assert!(out.starts_with("Deck:      Mohan::DeepWork\n"), "{out}");
    assert!(out.contains("Cards:     2 new,"), "{out}");
}

#[test]
fn list_picks_the_same_cards_a_quiz_would() {
    let place = Place::with_notes();
    let (out, _) = place.run(&["list", "notes", "--tag", "ballots"], "", 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("Consensus::Paxos  What is a ballot?"), "{out}");
    place
        .mdcards()
        .args(["list", "notes", "--deck", "A::::B"])
        .assert()
        .code(2)
        .stderr(contains("empty part"));
}
