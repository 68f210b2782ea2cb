//! `mdcards quiz` driven in plain mode, as a script would: answers land in the database,
//! limits and days behave like Anki, and odd situations end cleanly.

use std::fs;

use predicates::str::contains;

mod common;
use common::{NOW, Place};

const TOMORROW: &str = "2026-03-11T10:00:00Z";

impl Place {
    /// Run a quiz with these input lines; returns (stdout, stderr).
    fn quiz(&self, now: &str, args: &[&str], input: &str) -> (String, String) {
        let output = self
            .mdcards_at(now)
            .arg("quiz")
            .args(args)
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .clone();
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    fn reviews(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
            .unwrap()
    }

    fn sql(&self, query: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row(query, [], |r| r.get(0)).unwrap()
    }
}

const NOTES: &str = "\
# Raft

## What is a term?

A logical clock.

## Who can vote?

Every server, once per term.

## What does a leader send?

Heartbeats.
";

#[test]
fn bare_mdcards_quizzes_the_builtin_deck() {
    let place = Place::new();
    let output = place
        .mdcards_at(NOW)
        .write_stdin("\n3\nq\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8(output.stdout).unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("sync: 34 added"), "{err}");
    assert!(
        out.starts_with("── 20 new · 0 learning · 0 review"),
        "{out}"
    );
    assert!(out.contains("how failover election happens?"));
    assert!(out.contains("1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy"));
    assert!(out.contains("→ Good, next in 10m"));
    assert!(out.contains("Reviewed 1 card (1 new, 0 again)"));
    assert_eq!(place.reviews(), 1);
}

#[test]
fn a_short_session_transcript() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (out, err) = place.quiz(NOW, &["raft.md"], "\n3\nspace\n1\n\n4\n\n\n");
    assert!(err.starts_with("sync: 3 added, 0 updated, 0 renamed, 0 retired (0 unchanged)"));
    insta::assert_snapshot!("short_session", out);
    assert_eq!(place.reviews(), 4);
}

#[test]
fn answers_are_committed_and_reload_the_next_day() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.quiz(NOW, &["raft.md"], "\n4\n\n4\n\n4\n");
    assert_eq!(place.reviews(), 3);
    // Same day: everything graduated with Easy; nothing is due.
    let (out, _) = place.quiz(NOW, &["raft.md"], "");
    assert!(out.starts_with("Nothing due now. Next review in"), "{out}");
    // Days later the cards are due again as reviews.
    let (out, _) = place.quiz("2026-03-30T10:00:00Z", &["raft.md"], "q\n");
    assert!(out.contains("0 new · 0 learning · 3 review"), "{out}");
}

#[test]
fn the_new_card_limit_holds_across_sessions_of_a_day() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (out, _) = place.quiz(NOW, &["raft.md", "--new", "2"], "\n4\n\n4\n\n4\n");
    assert!(out.contains("── 2 new · 0 learning · 0 review"));
    assert!(out.contains("No more cards for now."));
    assert_eq!(place.reviews(), 2);
    let (out, _) = place.quiz("2026-03-10T20:00:00Z", &["raft.md", "--new", "2"], "");
    assert!(out.starts_with("Nothing due now."), "{out}");
    // After the 4 AM rollover the third card is new today.
    let (out, _) = place.quiz("2026-03-11T04:00:01Z", &["raft.md", "--new", "2"], "q\n");
    assert!(out.contains("1 new"), "{out}");
}

#[test]
fn the_review_limit_holds() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.quiz(NOW, &["raft.md"], "\n4\n\n4\n\n4\n");
    let (out, _) = place.quiz(
        "2026-03-30T10:00:00Z",
        &["raft.md", "--reviews", "1"],
        "\n3\n\n",
    );
    assert!(out.contains("0 new · 0 learning · 1 review"), "{out}");
    assert!(out.contains("over today's review limit"), "{out}");
    assert_eq!(place.reviews(), 4);
}

#[test]
fn undo_takes_the_answer_back_in_the_database() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (out, err) = place.quiz(NOW, &["raft.md"], "\n4\nu\n2\n\n2\nq\n");
    assert!(err.contains("undone: the answer is taken back"), "{err}");
    // The undone card is asked again, question side up (so a rating right after the undo
    // is refused), and its second answer counts.
    assert!(err.contains("show the answer first"), "{err}");
    // (Shown first, again after the undo, and again after the refused rating.)
    assert_eq!(out.matches("What is a term?").count(), 3, "{out}");
    assert!(out.contains("→ Hard"));
    assert_eq!(place.reviews(), 1);
    assert_eq!(
        place.sql("SELECT rating FROM reviews"),
        2,
        "the Easy answer is gone, the Hard one stays"
    );
}

#[test]
fn a_buried_card_waits_until_tomorrow() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (out, err) = place.quiz(NOW, &["raft.md"], "s\n\n4\n\n4\n");
    assert!(err.contains("buried until tomorrow"));
    assert!(out.contains("1 buried until tomorrow."), "{out}");
    let (out, _) = place.quiz(NOW, &["raft.md"], "");
    assert!(out.starts_with("Nothing due now."), "{out}");
    let (out, _) = place.quiz(TOMORROW, &["raft.md"], "q\n");
    assert!(out.contains("What is a term?"), "{out}");
}

#[test]
fn cram_reviews_everything_and_writes_nothing() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.quiz(NOW, &["raft.md"], "\n4\n\n4\n\n4\n");
    let (out, _) = place.quiz(NOW, &["raft.md", "--cram"], "\n1\n\n3\n\n3\n\n3\n");
    assert!(out.contains("cram · 3 left"), "{out}");
    assert!(out.contains("(cram: nothing is rescheduled)"));
    assert!(out.contains("Reviewed 4 cards"), "{out}");
    assert!(out.contains("Cram: nothing was rescheduled."));
    assert_eq!(place.reviews(), 3, "cram answers are not logged");
}

#[test]
fn end_of_input_ends_the_session_with_a_summary() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (out, _) = place.quiz(NOW, &["raft.md"], "\n3\n");
    assert!(out.contains("Reviewed 1 card (1 new, 0 again)"), "{out}");
    assert!(
        out.contains("1 learning card due later today (next in 10m)."),
        "{out}"
    );
}

#[test]
fn a_rating_before_the_answer_is_refused_and_unknown_input_explained() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (_, err) = place.quiz(NOW, &["raft.md"], "3\nfoo\nq\n");
    assert!(err.contains("show the answer first"), "{err}");
    assert!(err.contains("\"foo\" is not a command"), "{err}");
    assert_eq!(place.reviews(), 0);
}

#[test]
fn edit_without_a_terminal_says_where_the_card_is() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    let (_, err) = place.quiz(NOW, &["raft.md"], "e\nq\n");
    assert!(
        err.contains("no terminal to run an editor in; the card is at raft.md:3"),
        "{err}"
    );
    // The built-in deck has no file to edit.
    let (_, err) = place.quiz(NOW, &[], "e\nq\n");
    assert!(
        err.contains("built-in Raft deck, which has no file to edit"),
        "{err}"
    );
}

#[test]
fn a_deck_without_cards_ends_at_once() {
    let place = Place::new();
    place.write(
        "empty.md",
        "# Nothing here yet\n\nSome prose, no questions.\n",
    );
    let (out, _) = place.quiz(NOW, &["empty.md"], "");
    assert_eq!(out, "No cards in these notes.\n");
}

#[test]
fn a_database_that_is_not_ours_is_an_error_and_untouched() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    fs::write(place.db(), NOTES).unwrap();
    place
        .mdcards_at(NOW)
        .args(["quiz", "raft.md"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(contains("is not a SQLite database"))
        .stderr(contains("--db"));
    assert_eq!(fs::read_to_string(place.db()).unwrap(), NOTES);
}

#[test]
fn a_read_only_database_path_is_an_error() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place
        .mdcards_at(NOW)
        .env("MDCARDS_DB", "/proc/mdcards/reviews.sqlite3")
        .args(["quiz", "raft.md"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(contains("/proc/mdcards/reviews.sqlite3"))
        .stderr(contains("writable"));
}

#[test]
fn quiz_help_documents_plain_mode() {
    let place = Place::new();
    let output = place
        .mdcards_at(NOW)
        .args(["quiz", "--help"])
        .assert()
        .success()
        .get_output()
        .clone();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("Plain mode"), "{help}");
    assert!(help.contains("empty line"), "{help}");
}

#[test]
fn unchanged_notes_are_not_read_again() {
    let place = Place::new();
    let notes = place.write("raft.md", NOTES);
    // Date the file a day before the (simulated) sync, so it is settled: the racy-edit
    // guard trusts only files older than their last sync by two seconds.
    let old = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(
            NOW.parse::<jiff::Timestamp>().unwrap().as_second() as u64 - 86_400,
        );
    fs::File::options()
        .write(true)
        .open(&notes)
        .unwrap()
        .set_modified(old)
        .unwrap();
    place.quiz(NOW, &["raft.md"], "q\n");
    let synced = place.sql("SELECT synced_at FROM sources");
    // A later quiz sees the same size and time and skips the sync (synced_at unchanged).
    place.quiz("2026-03-10T11:00:00Z", &["raft.md"], "q\n");
    assert_eq!(place.sql("SELECT synced_at FROM sources"), synced);
    // An edit is noticed.
    fs::write(&notes, NOTES.replace("Heartbeats.", "Empty AppendEntries.")).unwrap();
    let (_, err) = place.quiz("2026-03-10T12:00:00Z", &["raft.md"], "q\n");
    assert!(err.contains("sync: 0 added, 1 updated"), "{err}");
    assert!(place.sql("SELECT synced_at FROM sources") > synced);
}

#[test]
fn notes_with_errors_are_not_synced_but_the_quiz_goes_on() {
    let place = Place::new();
    place.write("raft.md", NOTES);
    place.quiz(NOW, &["raft.md"], "q\n");
    // Two cards claiming one id: the stored cards are reviewed, the notes not synced.
    // (A notes path that does not exist is no such case: see tests/cli_usage.rs.)
    place.write(
        "twice.md",
        "## A?\n<!-- id: same -->\n\na\n\n## B?\n<!-- id: same -->\n\nb\n",
    );
    let (out, err) = place.quiz(NOW, &["raft.md", "twice.md"], "q\n");
    assert!(err.contains("twice.md"), "{err}");
    assert!(
        err.contains("notes not synced because of the errors above"),
        "{err}"
    );
    assert!(out.contains("What is a term?"), "{out}");
}

#[test]
fn a_deleted_file_is_synced_once_then_trusted_again() {
    let place = Place::new();
    fs::create_dir_all(place.path("notes")).unwrap();
    let a = place.write("notes/a.md", NOTES);
    let b = place.write("notes/b.md", "## What is a quorum?\n\nA majority.\n");
    let settled = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(
            NOW.parse::<jiff::Timestamp>().unwrap().as_second() as u64 - 86_400,
        );
    for file in [&a, &b] {
        fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(settled)
            .unwrap();
    }
    place.quiz(NOW, &["notes"], "q\n");
    fs::remove_file(&b).unwrap();
    let (_, err) = place.quiz("2026-03-10T11:00:00Z", &["notes"], "q\n");
    assert!(err.contains("1 retired"), "{err}");
    // The next quiz trusts the remaining file and does not sync again.
    let synced = place.sql("SELECT max(synced_at) FROM sources");
    let (_, err) = place.quiz("2026-03-10T12:00:00Z", &["notes"], "q\n");
    assert!(!err.contains("sync:"), "{err}");
    assert_eq!(place.sql("SELECT max(synced_at) FROM sources"), synced);
}
