//! `mdcards check` on ```` ```json ```` blocks of Raft messages: problems at file:line, what
//! a stated follower does as notes, exit codes, and `--json`.

mod common;
use common::{Place, mdcards, stdout};

const BAD: &str = "tests/fixtures/messages/bad.md";
const NOTES_ONLY: &str = "tests/fixtures/messages/notes.md";

#[test]
fn inconsistent_messages_are_errors_at_the_offending_field() {
    let out = stdout(mdcards().args(["check", BAD, "--color", "never"]), 1);
    assert!(out.contains(&format!("─[{BAD}:12:6]")), "{out}");
    assert!(
        out.contains(
            "entries are contiguous from prevLogIndex + 1 = 9: this entry's index is 10, expected 9"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("─[{BAD}:21:51]")), "{out}");
    assert!(out.contains("did you mean `lastLogTerm`?"), "{out}");
    assert!(
        out.ends_with("3 errors, 0 warnings, 1 note in 1 file\n"),
        "{out}"
    );
    insta::assert_snapshot!("bad_messages", out);
}

#[test]
fn what_a_stated_follower_does_is_a_note_and_exits_0() {
    let out = stdout(mdcards().args(["check", NOTES_ONLY, "--color", "never"]), 0);
    assert!(out.contains(&format!("─[{NOTES_ONLY}:6:1]")), "{out}");
    assert!(
        out.contains("node 2, a follower in term 6, with log `1 1 5` and commitIndex 0: refused AppendEntries from"),
        "{out}"
    );
    assert!(
        out.ends_with("0 errors, 0 warnings, 1 note in 1 file\n"),
        "{out}"
    );
    // One step, the verdict: no list of steps under it.
    assert!(!out.contains("help:"), "{out}");
}

#[test]
fn json_counts_notes_apart_from_problems() {
    let out = stdout(mdcards().args(["check", BAD, "--json"]), 1);
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(report["errors"], 3);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["notes"], 1);
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("error", "message-inconsistent", 12),
        ("error", "message-fields", 21),
        ("error", "message-fields", 21),
        ("note", "message-outcome", 27),
    ];
    assert_eq!(
        found,
        expected.map(|(s, c, l)| (s.to_owned(), c.to_owned(), l))
    );

    let out = stdout(mdcards().args(["check", NOTES_ONLY, "--json"]), 0);
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["notes"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn the_builtin_deck_passes_with_its_follower_notes() {
    let out = stdout(mdcards().args(["check", "--color", "never"]), 0);
    assert!(
        out.ends_with("0 errors, 0 warnings, 2 notes in 1 file\n"),
        "{out}"
    );
    // The card that states a follower for the seed's two heartbeats: accepted, then refused.
    assert!(out.contains("─[decks/raft.md:318:1]"), "{out}");
    assert!(
        out.contains(
            "node 2, a follower in term 5, with log `1 1 1 4 4 4 4 4` and commitIndex 7: accepted"
        ),
        "{out}"
    );
    assert!(out.contains("─[decks/raft.md:327:1]"), "{out}");
    assert!(
        out.contains(
            "then node 2: refused AppendEntries from 1: no entry at prevLogIndex 9 (term 4)"
        ),
        "{out}"
    );
}

#[test]
fn the_seeds_message_examples_are_recognised() {
    // Each JSON block of the seed notes, made inconsistent at one field: `check` finds it
    // there, so every block is read as Raft messages.
    let seed = std::fs::read_to_string("tests/fixtures/notes/seed/raft_anki.md").unwrap();
    let assert_found = |from: &str, nth: usize, to: &str, code: &str| {
        let dir = tempfile::tempdir().unwrap();
        let (at, _) = seed
            .match_indices(from)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{from}` in the seed"));
        let line = seed[..at].matches('\n').count() + 1;
        let edited = format!("{}{to}{}", &seed[..at], &seed[at + from.len()..]);
        std::fs::write(dir.path().join("raft.md"), edited).unwrap();
        let out = stdout(mdcards().arg("check").arg(dir.path()).arg("--json"), 1);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let found: Vec<(&str, u64)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap(),
                    d["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(found, [(code, line as u64)], "{from} → {to}");
    };
    // The two heartbeats: the second one's prevLogTerm is newer than its term.
    assert_found(
        "\"prevLogTerm\": 4",
        1,
        "\"prevLogTerm\": 6",
        "message-inconsistent",
    );
    // The RequestVote.
    assert_found(
        "\"lastLogTerm\": 4",
        0,
        "\"lastLogTerm\": 5",
        "message-inconsistent",
    );
    // The two AppendEntries with entries: the second one's entry is not at prevLogIndex + 1.
    assert_found("\"index\": 10", 0, "\"index\": 11", "message-inconsistent");
    // The vote response.
    assert_found(
        "\"voteGranted\": true",
        0,
        "\"voteGranted\": 1",
        "message-fields",
    );
    // And as written, the seed's messages are consistent.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("raft.md"), &seed).unwrap();
    let out = stdout(mdcards().arg("check").arg(dir.path()), 0);
    assert_eq!(out, "0 errors, 0 warnings in 1 file\n");
}

#[test]
fn the_guide_example_is_what_check_prints() {
    // GUIDE.md, "What `check` verifies in scenarios and Raft messages": the file, the output
    // and the exit status are copied from a run; this run must agree with them.
    let guide = include_str!("../GUIDE.md");
    let section = &guide[guide
        .find("## What `check` verifies in scenarios and Raft messages")
        .expect("the section")..];
    let between = |from: &str, to: &str| {
        let start = section.find(from).expect(from) + from.len();
        &section[start..start + section[start..].find(to).expect(to)]
    };
    let notes = between("$ cat raft-messages.md\n", "$ NO_COLOR=1 mdcards check");
    let printed = between(
        "$ NO_COLOR=1 mdcards check raft-messages.md\n",
        "$ echo $?\n",
    );
    let status: i32 = between("$ echo $?\n", "\n").parse().expect("a status");
    let place = Place::new();
    place.write("raft-messages.md", notes);
    let out = place
        .mdcards()
        .args(["check", "raft-messages.md"])
        .assert()
        .code(status)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), printed);
}
