//! Notes written for mdanki work as they do with mdanki.
//!
//! `tests/fixtures/mdanki/` holds files written in mdanki's conventions (a `# ` title, `## `
//! cards, `%` before a multi-line front's answer, `[#tag]()` lines, headings left without an
//! answer), and `mdanki-1.1.2.json` the cards mdanki 1.1.2's own file serializer makes of
//! them (`scripts/mdanki_reference.js`). mdcards must make the same cards: the same fronts
//! (without mdanki's `## `, which it renders as a heading in the question), backs and tags,
//! in the same order, and skip the same headings, with a warning for each; except where
//! mdanki has a bug the comparison table in README.md lists, which `intro.md` shows: text
//! under the `# ` title becomes a card whose question is the title, and is glued to the
//! deck's name.

mod anki;
mod common;

use std::path::{Path, PathBuf};

use common::{Place, mdcards, stdout};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mdanki")
}

fn reference() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(corpus().join("mdanki-1.1.2.json")).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Object(files) => files,
        other => panic!("not an object: {other}"),
    }
}

/// Headings that start a card in mdanki's split (`## ` and a space at a line's start).
fn headings(text: &str) -> usize {
    text.lines()
        .filter(|line| line.starts_with("## ") || line.trim_end() == "##")
        .count()
}

/// The paragraphs between a file's `# ` title and its first `## `, as mdanki joins them.
fn title_intro(text: &str) -> Option<String> {
    let rest = text.strip_prefix("# ")?;
    let body = rest.split_once('\n')?.1;
    let intro = body.split("\n## ").next()?.trim();
    (!intro.is_empty()).then(|| intro.to_owned())
}

#[test]
fn every_mdanki_file_makes_the_cards_mdanki_makes() {
    let reference = reference();
    assert!(
        reference.len() >= 8,
        "the whole corpus: {:?}",
        reference.keys()
    );
    for (name, expected) in &reference {
        let file = corpus().join(name);
        let output = mdcards()
            .args(["--color", "never", "list", "--json"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{name}: {stderr}");
        let cards: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let title = text.lines().next().and_then(|line| line.strip_prefix("# "));
        let intro = title_intro(&text);
        // mdanki's bug: the introduction is a card, the title its question.
        let mut expected_cards = expected["cards"].as_array().unwrap().clone();
        if let Some(intro) = &intro {
            let card = expected_cards.remove(0);
            assert_eq!(card["front"], format!("# {}", title.unwrap()), "{name}");
            assert_eq!(card["back"], intro.as_str(), "{name}");
            assert!(
                stderr.contains("text outside any card is not used"),
                "{stderr}"
            );
        }
        let expected_cards = &expected_cards;
        let fronts = |cards: &[Value]| -> Vec<String> {
            cards
                .iter()
                .map(|c| c["front"].as_str().unwrap().to_owned())
                .collect()
        };
        let mdanki_fronts: Vec<String> = fronts(expected_cards)
            .into_iter()
            .map(|front| front.strip_prefix("## ").unwrap().to_owned())
            .collect();
        assert_eq!(fronts(&cards), mdanki_fronts, "{name}: fronts");
        for (ours, theirs) in cards.iter().zip(expected_cards) {
            let front = &ours["front"];
            assert_eq!(ours["back"], theirs["back"], "{name}: back of {front}");
            assert_eq!(ours["tags"], theirs["tags"], "{name}: tags of {front}");
        }
        // The deck: mdanki's title when it finds one (with the introduction glued on, its
        // bug); without, the file's name (mdanki calls every such deck "mdanki").
        let deck = match expected["deck"].as_str() {
            Some(found) => {
                let title = title.unwrap();
                let glued = format!("{title}{}", intro.clone().unwrap_or_default());
                assert_eq!(found, glued, "{name}");
                title.to_owned()
            }
            None => file.file_stem().unwrap().to_string_lossy().into_owned(),
        };
        for card in &cards {
            assert_eq!(card["deck"], deck.as_str(), "{name}");
        }
        // Every heading mdanki skips is named in a warning; nothing else is reported.
        let skipped = headings(&text) - cards.len();
        assert_eq!(
            stderr.matches("has no answer, so it is not a card").count(),
            skipped,
            "{name}: {stderr}"
        );
        let warnings = skipped + usize::from(intro.is_some());
        let summary = if warnings == 0 {
            String::new()
        } else {
            format!("0 errors, {warnings} warning")
        };
        assert!(stderr.contains(&summary), "{name}: {stderr}");
    }
}

#[test]
fn a_folder_of_mdanki_files_keeps_mdankis_order() {
    let reference = reference();
    let expected: Vec<String> = ["folder/dns.md", "folder/networking/tcp.md"]
        .iter()
        .flat_map(|name| reference[*name]["cards"].as_array().unwrap().clone())
        .map(|card| card["front"].as_str().unwrap()[3..].to_owned())
        .collect();
    let out = stdout(
        mdcards()
            .args(["list", "--json"])
            .arg(corpus().join("folder")),
        0,
    );
    let cards: Vec<Value> = serde_json::from_str(&out).unwrap();
    let fronts: Vec<&str> = cards.iter().map(|c| c["front"].as_str().unwrap()).collect();
    assert_eq!(fronts, expected);
}

/// `check` is the linter: the heading every other command skips is an error there.
#[test]
fn check_reports_a_heading_with_no_answer_as_an_error() {
    let output = mdcards()
        .args(["--color", "never", "check"])
        .arg(corpus().join("git.md"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(report.contains("empty-back"), "{report}");
    assert!(
        report.contains(
            "× heading \"Commands worth learning next\" has no answer, so it is not a card"
        ),
        "{report}"
    );
    assert!(report.contains("git.md:34:1"), "{report}");
    assert!(
        report.ends_with("1 error, 0 warnings in 1 file\n"),
        "{report}"
    );

    let json = stdout(
        mdcards()
            .args(["check", "--json"])
            .arg(corpus().join("git.md")),
        1,
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["diagnostics"][0]["severity"], "error");
    assert_eq!(json["diagnostics"][0]["code"], "empty-back");
}

const NOTES: &str = "# Habits\n\n## Why sleep?\n\nMemory consolidates overnight.\n\n[#sleep]()\n\n\
## Later\n\n## Why walk?\n\nIt clears the head.\n\n## Unfinished\n";

#[test]
fn sync_and_quiz_skip_it_with_a_warning() {
    let place = Place::new();
    place.write("habits.md", NOTES);
    let output = place
        .mdcards()
        .args(["sync", "habits.md"])
        .assert()
        .success()
        .get_output()
        .clone();
    let (out, err) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    assert!(out.contains("2 added"), "{out}");
    assert!(
        !out.contains("Later") && !out.contains("Unfinished"),
        "{out}"
    );
    assert!(err.contains("⚠ heading \"Later\" has no answer"), "{err}");
    assert!(
        err.contains("⚠ heading \"Unfinished\" has no answer"),
        "{err}"
    );
    assert!(err.contains("0 errors, 2 warnings in 1 file"), "{err}");

    // Reveal and rate Good until the queue is empty: only the two cards come.
    let output = place
        .mdcards()
        .args(["quiz", "habits.md", "--plain"])
        .write_stdin("\n3\n\n3\n\n3\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(
        shown.contains("Why sleep?") && shown.contains("Why walk?"),
        "{shown}"
    );
    assert!(
        !shown.contains("Later") && !shown.contains("Unfinished"),
        "{shown}"
    );
}

/// The round trip the issue asks for: an mdanki-style file whose last heading has no
/// answer exports (exit 0, a warning) and imports into Anki with nothing to complain about.
#[test]
fn an_mdanki_file_with_an_answerless_heading_exports_and_imports() {
    let Some(python) = anki::python() else { return };
    let place = Place::new();
    let out = place.path("sql.apkg");
    let output = place
        .mdcards()
        .arg("export")
        .arg(corpus().join("sql.md"))
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("heading \"Transactions\" has no answer"),
        "{stderr}"
    );
    assert!(stderr.contains("Exported 5 cards"), "{stderr}");

    let result = anki::import(&python, &place.path("col.anki2"), &out);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], 5, "{:#}", result["log"]);
    let state = &result["state"];
    let mut questions: Vec<&str> = state["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| {
            // A multi-line front goes on after its first line.
            let front = note["fields"]["Front"].as_str().unwrap();
            front
                .trim_start_matches("<p>")
                .split("</p>")
                .next()
                .unwrap()
        })
        .collect();
    questions.sort();
    assert_eq!(
        questions,
        [
            "INNER JOIN vs LEFT JOIN?",
            "What does this query return?",
            "What is an index?",
            "Why use a prepared statement?",
            "Write a query that counts rows per country",
        ]
    );
    assert!(
        state["decks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "Databases::SQL"),
        "{}",
        state["decks"]
    );
}
