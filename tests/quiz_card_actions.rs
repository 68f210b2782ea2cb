//! Card actions an Anki user expects, in the quiz and as commands: suspend and unsuspend,
//! bury and unbury, forget (new again, history kept). A bury counts the same before and
//! after a restart: the room it leaves under the daily limit is filled at once, as a new
//! session would fill it.

use std::path::Path;

use assert_cmd::Command;

mod pty;
use pty::{Step, python, quiz_script};

const NOW: &str = "2026-03-10T10:00:00Z";

const NOTES: &str = "# Raft\n\n## What is a term?\n\nA logical clock.\n\n## Who can vote?\n\nEvery server.\n\n\
## What is a quorum?\n\nA majority.\n\n## What is a heartbeat?\n\nAn empty AppendEntries.\n";

fn place() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("raft.md"), NOTES).unwrap();
    dir
}

/// `mdcards ARGS` in `dir` with `input`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let output = Command::cargo_bin("mdcards")
        .unwrap()
        .current_dir(dir)
        .env("MDCARDS_DB", dir.join("reviews.sqlite3"))
        .env("MDCARDS_NOW", NOW)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn sql(dir: &Path, query: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("reviews.sqlite3")).unwrap();
    conn.query_row(query, [], |r| r.get(0)).unwrap()
}

/// The counts line of the first card a quiz shows.
fn first_header(out: &str) -> &str {
    out.lines().find(|l| l.starts_with("── ")).unwrap()
}

#[test]
fn suspend_and_unsuspend_by_text_or_id() {
    let dir = place();
    run(dir.path(), &["sync", "raft.md"], "");
    let (code, out, err) = run(dir.path(), &["suspend", "what is a TERM"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("suspended  "), "{out}");
    assert!(out.trim_end().ends_with("What is a term?"), "{out}");
    let (_, quiz, _) = run(dir.path(), &["quiz", "raft.md"], "q\n");
    assert!(first_header(&quiz).contains("3 new"), "{quiz}");
    assert!(!quiz.contains("What is a term?"), "{quiz}");
    // By id, as `mdcards list` shows it.
    let id = out.split_whitespace().nth(1).unwrap().to_owned();
    let (code, out, _) = run(dir.path(), &["unsuspend", &id], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("unsuspended  "), "{out}");
    let (_, out, _) = run(dir.path(), &["unsuspend", &id], "");
    assert!(out.starts_with("not suspended  "), "{out}");
    let (_, quiz, _) = run(dir.path(), &["quiz", "raft.md"], "q\n");
    assert!(first_header(&quiz).contains("4 new"), "{quiz}");
}

#[test]
fn a_name_matching_several_cards_or_none_changes_nothing() {
    let dir = place();
    run(dir.path(), &["sync", "raft.md"], "");
    let (code, out, err) = run(dir.path(), &["suspend", "What is", "no such card"], "");
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("\"What is\" matches 3 cards; give one's id, or --all"),
        "{err}"
    );
    assert!(
        err.contains("What is a quorum?"),
        "the matches are listed: {err}"
    );
    assert!(err.contains("no card matches \"no such card\""), "{err}");
    assert!(err.contains("nothing changed"), "{err}");
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM cards WHERE suspended = 1"),
        0
    );
    // A whole question names its card, even where it is part of others too.
    std::fs::write(
        dir.path().join("raft.md"),
        format!("{NOTES}\n## What is a term? Give an example.\n\nTerm 3.\n"),
    )
    .unwrap();
    run(dir.path(), &["sync", "raft.md"], "");
    let (code, out, _) = run(dir.path(), &["bury", "what is a term?"], "");
    assert_eq!(code, 0);
    assert!(out.trim_end().ends_with("  What is a term?"), "{out}");
    let (code, out, _) = run(dir.path(), &["suspend", "What is", "--all"], "");
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM cards WHERE suspended = 1"),
        4
    );

    // Before any sync there is nothing to act on, and the message says how to add cards.
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(empty.path(), &["bury", "term"], "");
    assert_eq!(code, 1);
    assert!(err.contains("has no cards yet"), "{err}");
}

#[test]
fn forget_makes_a_card_new_and_keeps_its_history() {
    let dir = place();
    // Answer the first card Easy: a review card, due in days.
    run(dir.path(), &["quiz", "raft.md", "--new", "1"], "\n4\n");
    assert_eq!(
        sql(
            dir.path(),
            "SELECT reps FROM cards WHERE front = 'What is a term?'"
        ),
        1
    );
    let (code, out, err) = run(dir.path(), &["forget", "What is a term"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("forgotten (new again; 1 review kept in the log)  "),
        "{out}"
    );
    assert_eq!(
        sql(
            dir.path(),
            "SELECT reps FROM cards WHERE front = 'What is a term?'"
        ),
        0
    );
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM reviews"),
        1,
        "history kept"
    );
    let (_, out, _) = run(dir.path(), &["forget", "What is a term"], "");
    assert!(out.starts_with("already new  "), "{out}");
    // New again, so tomorrow's quiz shows it among the new cards, first in note order.
    let output = Command::cargo_bin("mdcards")
        .unwrap()
        .current_dir(dir.path())
        .env("MDCARDS_DB", dir.path().join("reviews.sqlite3"))
        .env("MDCARDS_NOW", "2026-03-11T10:00:00Z")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args(["quiz", "raft.md"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    let quiz = String::from_utf8(output.stdout).unwrap();
    assert!(first_header(&quiz).contains("4 new"), "{quiz}");
    assert!(quiz.contains("What is a term?"), "{quiz}");
}

#[test]
fn bury_and_unbury_as_commands() {
    let dir = place();
    run(dir.path(), &["sync", "raft.md"], "");
    let (code, out, _) = run(dir.path(), &["bury", "quorum"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("buried until 2026-03-11 04:00  "), "{out}");
    let (_, quiz, _) = run(dir.path(), &["quiz", "raft.md"], "q\n");
    assert!(first_header(&quiz).contains("3 new"), "{quiz}");
    let (_, out, _) = run(dir.path(), &["unbury", "quorum"], "");
    assert!(out.starts_with("unburied  "), "{out}");
    let (_, quiz, _) = run(dir.path(), &["quiz", "raft.md"], "q\n");
    assert!(first_header(&quiz).contains("4 new"), "{quiz}");
}

#[test]
fn a_bury_counts_the_same_before_and_after_a_restart() {
    let dir = place();
    // Three new cards a day: burying one lets the fourth in, now as after a restart.
    let (_, out, _) = run(dir.path(), &["quiz", "raft.md", "--new", "3"], "s\nq\n");
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("── ")).collect();
    assert!(headers[0].contains("3 new"), "{out}");
    assert!(headers[1].contains("3 new"), "after the bury: {out}");
    let (_, again, _) = run(dir.path(), &["quiz", "raft.md", "--new", "3"], "q\n");
    assert!(
        first_header(&again).contains("3 new"),
        "after a restart: {again}"
    );
    // Undo takes the bury back, and the card that filled its room leaves again.
    let (_, out, err) = run(dir.path(), &["quiz", "raft.md", "--new", "3"], "s\nu\nq\n");
    assert!(
        err.contains("undone: the card is no longer buried"),
        "{err}"
    );
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("── ")).collect();
    assert!(headers.last().unwrap().contains("3 new"), "{out}");
}

#[test]
fn suspend_and_forget_in_the_quiz_and_undo_them() {
    let dir = place();
    let (_, _, err) = run(dir.path(), &["quiz", "raft.md"], "!\nq\n");
    assert!(err.contains("suspended: it stays out of reviews"), "{err}");
    assert_eq!(
        sql(
            dir.path(),
            "SELECT suspended FROM cards WHERE front = 'What is a term?'"
        ),
        1
    );
    let (_, _, err) = run(dir.path(), &["quiz", "raft.md"], "!\nu\nq\n");
    assert!(
        err.contains("undone: the card is no longer suspended"),
        "{err}"
    );
    // (The first card is suspended from the first run: the second is asked.)
    assert_eq!(
        sql(
            dir.path(),
            "SELECT suspended FROM cards WHERE front = 'Who can vote?'"
        ),
        0
    );

    // Forget a card answered in a learning step: new again; undo restores its schedule.
    run(dir.path(), &["quiz", "raft.md"], "\n3\nq\n");
    let reps = "SELECT reps FROM cards WHERE front = 'Who can vote?'";
    assert_eq!(sql(dir.path(), reps), 1);
    let later = Command::cargo_bin("mdcards")
        .unwrap()
        .current_dir(dir.path())
        .env("MDCARDS_DB", dir.path().join("reviews.sqlite3"))
        .env("MDCARDS_NOW", "2026-03-10T10:30:00Z")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args(["quiz", "raft.md"])
        .write_stdin("f\nq\n")
        .output()
        .unwrap();
    let err = String::from_utf8(later.stderr).unwrap();
    assert!(err.contains("forgotten: it is a new card again"), "{err}");
    assert_eq!(sql(dir.path(), reps), 0);
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM reviews"),
        1,
        "history kept"
    );
}

#[test]
fn the_terminal_lists_the_card_actions_and_bang_suspends() {
    if python().is_none() {
        return;
    }
    let dir = place();
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        (24, 80),
        &[
            Step::keys("show answer", &[" "]),
            Step::keys("! suspend", &["!"]).screen(),
            Step::keys("suspended: it stays out", &["q"]),
        ],
    );
    assert!(run.screens[0].contains("f forget"), "{}", run.screens[0]);
    assert_eq!(
        sql(
            dir.path(),
            "SELECT suspended FROM cards WHERE front = 'What is a term?'"
        ),
        1
    );
}
