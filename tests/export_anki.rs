//! Packages written by `mdcards::export`, imported by the official Anki library.

mod anki;

use std::path::{Path, PathBuf};

use mdcards::deck::{Card, CardId, Location, MediaRef};
use mdcards::export::{BASIC_MODEL_ID, export_cards};
use serde_json::Value;

// 2026-01-02T03:04:05Z and a day later, in milliseconds.
const T1: i64 = 1_767_323_045_000;
const T2: i64 = T1 + 86_400_000;

fn card(deck: &str, front: &str, back: &str, tags: &[&str], line: u32) -> Card {
    Card {
        id: CardId::from_front(deck, front),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: deck.to_owned(),
        front: front.to_owned(),
        back: back.to_owned(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        media: Vec::new(),
        scenario: None,
        location: Location {
            file: PathBuf::from("raft.md"),
            line,
            col: 1,
        },
    }
}

fn image(card: &mut Card, written: &str, path: &Path) {
    card.media.push(MediaRef {
        written: written.to_owned(),
        path: path.to_owned(),
        location: card.location.clone(),
    });
}

fn export(cards: &[Card], out: &Path, now: i64) {
    export_cards(cards, out, now, &|_| {}).expect("export");
}

const DECK: &str = "Mohan::DeepWork::Raft";

fn raft_cards() -> Vec<Card> {
    vec![
        card(
            DECK,
            "What is Term?",
            "1. A logical clock.\n1. Persisted before answering.\n",
            &["raft", "terms"],
            3,
        ),
        card(
            DECK,
            "RequestVote message?",
            "```json\n{\"term\": 5, \"voteGranted\": true}\n```\n",
            &["raft", "leader_election"],
            9,
        ),
        card(
            DECK,
            "Quorum size for $n$ nodes?",
            "\\(\\lfloor n/2 \\rfloor + 1\\) and [latex]x_1[/latex]\n",
            &[],
            15,
        ),
    ]
}

#[test]
fn import_shows_deck_tree_note_type_fields_tags_and_media() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/fig.png"), b"first picture").unwrap();
    std::fs::write(dir.path().join("b/fig.png"), b"second picture").unwrap();
    let mut cards = raft_cards();
    image(&mut cards[0], "a/fig.png", &dir.path().join("a/fig.png"));
    cards[0].back.push_str("\n![first](a/fig.png)\n");
    image(&mut cards[1], "b/fig.png", &dir.path().join("b/fig.png"));
    cards[1].back.push_str("\n![second](b/fig.png)\n");
    let out = dir.path().join("raft.apkg");
    export(&cards, &out, T1);

    let result = anki::import(&python, &dir.path().join("col.anki2"), &out);
    let log = &result["log"];
    let state = &result["state"];
    assert_eq!(log["new"], 3, "{log:#}");
    anki::assert_clean(&result);
    for deck in ["Mohan", "Mohan::DeepWork", "Mohan::DeepWork::Raft"] {
        assert!(
            state["decks"].as_array().unwrap().iter().any(|d| d == deck),
            "{deck} in {}",
            state["decks"]
        );
    }
    let notetype = state["notetypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|nt| nt["name"] == "mdcards Basic")
        .expect("mdcards Basic imported");
    assert_eq!(notetype["id"], BASIC_MODEL_ID);
    assert_eq!(
        notetype["fields"],
        serde_json::json!(["Front", "Back", "Source"])
    );
    assert_eq!(state["card_count"], 3);

    let term = anki::note(state, cards[0].id.as_str());
    assert_eq!(term["fields"]["Front"], "What is Term?");
    assert!(
        term["fields"]["Back"]
            .as_str()
            .unwrap()
            .contains("<li>A logical clock.</li>")
    );
    assert_eq!(term["fields"]["Source"], "raft.md:3");
    assert_eq!(term["tags"], serde_json::json!(["raft", "terms"]));
    assert_eq!(term["decks"], serde_json::json!([DECK]));
    assert_eq!(term["cards"], 1);

    let vote = anki::note(state, cards[1].id.as_str());
    assert!(
        vote["fields"]["Back"]
            .as_str()
            .unwrap()
            .contains("<span class=\"tk-key\">&quot;term&quot;</span>")
    );
    assert_eq!(vote["tags"], serde_json::json!(["leader_election", "raft"]));

    let quorum = anki::note(state, cards[2].id.as_str());
    assert_eq!(quorum["fields"]["Front"], "Quorum size for \\(n\\) nodes?");
    let back = quorum["fields"]["Back"].as_str().unwrap();
    assert!(back.contains("\\(\\lfloor n/2 \\rfloor + 1\\)"), "{back}");
    assert!(back.contains("[latex]x_1[/latex]"), "{back}");

    // Both fig.png files arrived, under different names, and the notes point at them.
    let media: Vec<&str> = state["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(media.len(), 2, "{media:?}");
    for name in &media {
        assert!(name.starts_with("fig-") && name.ends_with(".png"), "{name}");
    }
    let backs = format!("{}{}", term["fields"]["Back"], vote["fields"]["Back"]);
    for name in &media {
        assert!(
            backs.contains(&format!("src=\\\"{name}\\\"")),
            "{name} in {backs}"
        );
    }
}

/// `mdcards export NOTES OUT --deck DECK` at `now`, with a review database next to OUT.
fn mdcards_export(notes: &Path, out: &Path, now: &str) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mdcards"))
        .arg("export")
        .arg(notes)
        .arg(out)
        .args(["--deck", DECK])
        .env("MDCARDS_NOW", now)
        .env("MDCARDS_DB", out.with_file_name("reviews.sqlite3"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const NOTES_V1: &str = "# Raft\n\n\
## What is Term?\n[#raft]() [#terms]()\n\n1. A logical clock.\n1. Persisted before answering.\n\n\
## RequestVote message?\n```json\n{\"term\": 5, \"voteGranted\": true}\n```\n\n\
## Quorum size for $n$ nodes?\n\\(\\lfloor n/2 \\rfloor + 1\\)\n";

/// The whole point of guids from card ids: export, study in Anki, edit the notes (one
/// answer edited, one card removed, one added), export again, import with default options.
#[test]
fn reimport_updates_notes_keeps_history_and_never_duplicates() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("col.anki2");
    let notes = dir.path().join("raft.md");
    let out = dir.path().join("raft.apkg");
    std::fs::write(&notes, NOTES_V1).unwrap();
    mdcards_export(&notes, &out, "2026-01-02T03:04:05Z");
    let imported = anki::import(&python, &collection, &out);
    assert_eq!(imported["log"]["new"], 3);
    let studied = CardId::from_front(DECK, "What is Term?");
    let removed = CardId::from_front(DECK, "Quorum size for $n$ nodes?");
    let reviewed = anki::anki(
        &python,
        &["review", collection.to_str().unwrap(), studied.as_str()],
    );
    assert_eq!(
        anki::note(&reviewed["state"], studied.as_str())["reviews"],
        1
    );

    let edited = NOTES_V1
        .replace("1. A logical clock.", "1. A logical clock, edited.")
        .split("## Quorum")
        .next()
        .unwrap()
        .to_owned()
        + "## What is a quorum?\nA majority of the cluster.\n";
    std::fs::write(&notes, edited).unwrap();
    mdcards_export(&notes, &out, "2026-01-03T03:04:05Z");
    let result = anki::import(&python, &collection, &out);
    let log = &result["log"];
    let state = &result["state"];
    assert_eq!(log["duplicate"], 0, "{log:#}");
    assert_eq!(log["conflicting"], 0, "{log:#}");
    assert_eq!(log["new"], 1, "{log:#}");
    // Every kept note is newer (stamped with the export time), so Anki rewrites both.
    assert_eq!(log["updated"], 2, "{log:#}");
    assert_eq!(
        state["notes"].as_array().unwrap().len(),
        4,
        "the removed note stays in Anki"
    );
    assert_eq!(state["card_count"], 4);
    let ours = |nt: &&Value| nt["name"].as_str().unwrap().starts_with("mdcards");
    assert_eq!(
        state["notetypes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(ours)
            .count(),
        1,
        "one note type, never a copy"
    );
    let note = anki::note(state, studied.as_str());
    assert!(
        note["fields"]["Back"]
            .as_str()
            .unwrap()
            .contains("A logical clock, edited."),
        "{note:#}"
    );
    assert_eq!(note["reviews"], 1, "the review history survives the update");
    assert_eq!(state["revlog"], 1);
    anki::note(state, removed.as_str());
    assert_eq!(
        state["integrity_problems"],
        Value::Array(vec![]),
        "{state:#}"
    );
}

/// The built-in deck, exported with the mdanki command line, imports with nothing to warn
/// about, and passes Anki's Check Database.
#[test]
fn builtin_deck_imports_without_warnings() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("raft.apkg");
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks/raft.md");
    mdcards_export(&builtin, &out, "2026-01-02T03:04:05Z");
    let result = anki::import(&python, &dir.path().join("col.anki2"), &out);
    let (log, state) = (&result["log"], &result["state"]);
    let notes = state["notes"].as_array().unwrap();
    assert!(notes.len() >= 15, "{}", notes.len());
    assert_eq!(log["new"], notes.len());
    assert_eq!(log["found_notes"], notes.len());
    anki::assert_clean(&result);
    assert_eq!(state["card_count"], notes.len());
    for note in notes {
        assert_eq!(note["decks"], serde_json::json!([DECK]));
        assert!(!note["fields"]["Front"].as_str().unwrap().is_empty());
        assert!(
            !note["fields"]["Front"].as_str().unwrap().contains("<h2"),
            "{note:#}"
        );
        assert!(
            note["fields"]["Source"]
                .as_str()
                .unwrap()
                .contains("raft.md:"),
            "{note:#}"
        );
        assert_eq!(note["notetype"], "mdcards Basic");
    }
}

/// mdanki writes `mod` in milliseconds: a later export then never looks newer to Anki.
/// Ours are seconds, so a later export with an edit is applied.
#[test]
fn note_and_note_type_mod_are_seconds_and_later_exports_apply() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("col.anki2");
    let out = dir.path().join("raft.apkg");
    let mut cards = raft_cards();
    export(&cards, &out, T1);
    let state = &anki::import(&python, &collection, &out)["state"];
    let note = anki::note(state, cards[0].id.as_str());
    assert_eq!(note["mod"], T1 / 1000);
    let notetype = state["notetypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|nt| nt["id"] == BASIC_MODEL_ID)
        .unwrap();
    assert_eq!(notetype["mod"], T1 / 1000);

    cards[1].back = "Changed.\n".to_owned();
    export(&cards, &out, T1 + 1000);
    let result = anki::import(&python, &collection, &out);
    assert_eq!(
        result["log"]["updated"], 3,
        "a later export updates: {:#}",
        result["log"]
    );
    let note = anki::note(&result["state"], cards[1].id.as_str());
    assert_eq!(note["fields"]["Back"], "<p>Changed.</p>\n");
}

/// mdanki makes a new note type and new guids on every run. Ours are the same every time.
#[test]
fn two_runs_share_note_type_and_guids() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("col.anki2");
    let cards = raft_cards();
    let (one, two) = (dir.path().join("one.apkg"), dir.path().join("two.apkg"));
    export(&cards, &one, T1);
    export(&cards, &two, T2);
    anki::import(&python, &collection, &one);
    let result = anki::import(&python, &collection, &two);
    assert_eq!(result["log"]["new"], 0, "{:#}", result["log"]);
    assert_eq!(result["log"]["duplicate"], 0);
    assert_eq!(result["state"]["notes"].as_array().unwrap().len(), 3);
    let guids: Vec<&str> = result["state"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["guid"].as_str().unwrap())
        .collect();
    for card in &cards {
        assert!(guids.contains(&card.id.as_str()), "{guids:?}");
    }
}

/// Two exports within one second: the second package's notes are newer all the same (the
/// review database remembers the first export's `mod`), so Anki applies the edit instead
/// of skipping it as a duplicate.
#[test]
fn an_edit_exported_within_the_same_second_reaches_anki() {
    let Some(python) = anki::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("col.anki2");
    let notes = dir.path().join("raft.md");
    let (first, second) = (
        dir.path().join("first.apkg"),
        dir.path().join("second.apkg"),
    );
    std::fs::write(&notes, NOTES_V1).unwrap();
    mdcards_export(&notes, &first, "2026-01-02T03:04:05Z");
    std::fs::write(
        &notes,
        NOTES_V1.replace("1. A logical clock.", "1. A logical clock, edited."),
    )
    .unwrap();
    mdcards_export(&notes, &second, "2026-01-02T03:04:05Z");

    let imported = anki::import(&python, &collection, &first);
    assert_eq!(imported["log"]["new"], 3);
    let result = anki::import(&python, &collection, &second);
    anki::assert_clean(&result);
    assert_eq!(result["log"]["new"], 0, "{:#}", result["log"]);
    assert_eq!(result["log"]["updated"], 3, "{:#}", result["log"]);
    let term = anki::note(
        &result["state"],
        CardId::from_front(DECK, "What is Term?").as_str(),
    );
    assert!(
        term["fields"]["Back"]
            .as_str()
            .unwrap()
            .contains("A logical clock, edited."),
        "{term:#}"
    );
    assert_eq!(term["mod"], 1_767_323_045 + 1);
}
