//! `mdcards stats` after scripted sessions over several days.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;

struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let place = Place {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::write(
            place.path("raft.md"),
            "# Raft\n\n## What is a term?\n\nA logical clock.\n\n## Who can vote?\n\nEvery server.\n\n\
             ## What does a leader send?\n\nHeartbeats.\n",
        )
        .unwrap();
        fs::write(
            place.path("paxos.md"),
            "# Consensus::Paxos\n\n## What is a ballot?\n\nA proposal number.\n",
        )
        .unwrap();
        place
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn mdcards(&self, now: &str) -> Command {
        let mut command = Command::cargo_bin("mdcards").unwrap();
        command
            .current_dir(self.dir.path())
            .env("MDCARDS_DB", self.path("reviews.sqlite3"))
            .env("MDCARDS_NOW", now)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1");
        command
    }

    fn quiz(&self, now: &str, notes: &str, input: &str) {
        self.mdcards(now)
            .args(["quiz", notes])
            .write_stdin(input)
            .assert()
            .success();
    }

    fn stats(&self, now: &str, args: &[&str]) -> String {
        let output = self
            .mdcards(now)
            .arg("stats")
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        String::from_utf8(output.stdout).unwrap()
    }

    /// Three days of study: day 1 learns the Raft cards, day 12 reviews them (one lapse).
    fn history(&self) {
        self.quiz("2026-03-01T10:00:00Z", "raft.md", "\n4\n\n4\n\n4\n");
        self.quiz("2026-03-01T11:00:00Z", "paxos.md", "\n1\n\n3\n\n3\n");
        self.quiz("2026-03-12T10:00:00Z", "raft.md", "\n3\n\n1\n\n3\n\n3\n");
    }
}

const NOW: &str = "2026-03-12T18:00:00Z";

#[test]
fn stats_report_due_counts_retention_and_history() {
    let place = Place::new();
    place.history();
    let out = place.stats(NOW, &["--json"]);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["counts"]["new"], 0);
    assert_eq!(stats["counts"]["retired"], 0);
    // Day 12: three Raft cards were in review; one lapsed.
    assert_eq!(stats["retention"]["total"], 3);
    assert_eq!(stats["retention"]["passed"], 2);
    assert_eq!(stats["today"]["reviews"], 4);
    assert_eq!(stats["today"]["again"], 1);
    let per_day = stats["reviews_per_day"].as_array().unwrap();
    assert_eq!(per_day.len(), 30);
    assert_eq!(per_day[29]["date"], "2026-03-12");
    assert_eq!(per_day[29]["reviews"], 4);
    assert_eq!(per_day[18]["date"], "2026-03-01");
    assert_eq!(per_day[18]["reviews"], 6);
    let decks = stats["decks"].as_array().unwrap();
    assert_eq!(decks.len(), 2);
    assert_eq!(decks[0]["deck"], "Consensus::Paxos");
    assert_eq!(decks[1]["deck"], "Raft");
    assert_eq!(decks[1]["reviews_30_days"], 7);
    insta::assert_snapshot!("stats_text", place.stats(NOW, &[]));
}

#[test]
fn a_deck_filter_includes_children_only() {
    let place = Place::new();
    place.history();
    let out = place.stats(NOW, &["--json", "--deck", "Consensus"]);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["selected_decks"], serde_json::json!(["Consensus"]));
    let decks = stats["decks"].as_array().unwrap();
    assert_eq!(decks.len(), 1);
    assert_eq!(decks[0]["deck"], "Consensus::Paxos");
    // "Cons" is not a parent of "Consensus::Paxos": no such deck, which is an error.
    place
        .mdcards(NOW)
        .args(["stats", "--json", "--deck", "Cons"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn stats_on_a_fresh_database_are_all_zero() {
    let place = Place::new();
    let out = place.stats(NOW, &[]);
    assert!(
        out.starts_with("Due:       0 today, 0 within 7 days, 0 within 30 days"),
        "{out}"
    );
    assert!(out.contains("no review-card answers in the last 30 days"));
}
