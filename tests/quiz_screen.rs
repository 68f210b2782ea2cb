//! Every card readable on any terminal: the built-in deck's cards in a real pseudo-terminal
//! at 100x30, 80x24 and 60x15, read back from the screen itself. The question (and on a
//! scenario card the verdict) stays in sight; what does not fit scrolls with a mark saying
//! so; a resize keeps the place.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;

mod pty;
use pty::{Step, python, quiz_script};

use mdcards::deck::{CardId, Location, ScenarioSource};
use mdcards::scenario::{
    Answer, GeneratorKind, ScenarioCard, generate, instance_seed, scenario_card,
};

const DECK: &str = include_str!("../decks/raft.md");

const END: &str = "\u{1b}[F";
const HOME: &str = "\u{1b}[H";

/// The built-in deck's card whose heading starts with `heading`, up to the next card.
fn card(heading: &str) -> String {
    let start = DECK
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("{heading:?} is in the built-in deck"));
    let rest = &DECK[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |at| at + 4);
    rest[..end].to_owned()
}

/// A notes file in a fresh folder holding these built-in cards, under the deck's title.
fn place(cards: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("raft.md"),
        format!("# Raft\n\n{}", cards.join("\n")),
    )
    .unwrap();
    dir
}

/// The questions of a script card, with the simulator's answers.
fn script_answers(card_text: &str) -> Vec<Answer> {
    let script = card_text
        .split("```raft\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let source = ScenarioSource {
        script: script.to_owned(),
        location: Location {
            file: "raft.md".into(),
            line: 1,
            col: 1,
        },
    };
    let Ok(ScenarioCard::Script { questions, .. }) = scenario_card(&source) else {
        panic!("a script card");
    };
    questions.into_iter().map(|q| q.answer).collect()
}

fn yes_no_opposite(answer: &Answer) -> String {
    match answer {
        Answer::YesNo(yes) => if *yes { "no" } else { "yes" }.to_owned(),
        other => panic!("yes or no, not {other}"),
    }
}

fn reviews(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("reviews.sqlite3")).unwrap();
    conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap()
}

/// Every row of a screen fits its width (a row that overflowed would have wrapped and
/// pushed the layout down).
fn assert_fits(screen: &str, rows: usize) {
    assert_eq!(screen.lines().count(), rows, "{screen}");
}

#[test]
fn the_commit_index_card_keeps_its_question_at_100x30_and_scrolls_to_its_end() {
    if python().is_none() {
        return;
    }
    let heading = "Commit Index Updates (AppendEntries RPCs with log entries)";
    let dir = place(&[card(heading)]);
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        (30, 100),
        &[
            Step::keys("show answer", &[" "]),
            Step::keys("1 Again", &[END]).screen(),
            Step::keys("\"leaderCommit\": 10", &[HOME]).screen(),
            Step::keys("more lines below", &["q"]).screen(),
        ],
    );
    let [answer, end, home] = &run.screens[..] else {
        panic!("three screens: {:?}", run.screens);
    };
    for screen in [answer, end, home] {
        assert_fits(screen, 30);
        assert!(screen.starts_with("── 1 new"), "the header stays: {screen}");
        assert!(screen.contains(heading), "the question stays: {screen}");
        assert!(screen.contains("1 Again"), "the keys stay: {screen}");
    }
    assert!(answer.contains("── answer"), "{answer}");
    assert!(
        answer.contains("more lines below (↓ j PgDn End)"),
        "{answer}"
    );
    // The block's two messages are two objects, not `}{`.
    assert!(!answer.contains("}{"), "{answer}");
    assert!(end.contains("\"leaderCommit\": 10"), "{end}");
    assert!(end.contains("more lines above (↑ k PgUp Home)"), "{end}");
    assert!(!end.contains("more lines below"), "{end}");
    let closing: Vec<&str> = end.lines().filter(|l| l.trim() == "}").collect();
    assert!(!closing.is_empty(), "{end}");
    assert_eq!(home, answer, "Home is back at the top");
}

#[test]
fn a_right_scenario_answer_shows_its_verdicts_at_80x24() {
    if python().is_none() {
        return;
    }
    let text = card("A leader cut off in a minority keeps taking commands");
    let answers = script_answers(&text);
    let dir = place(&[text]);
    let mut steps = vec![Step::keys("[enter] answer", &["\r"])];
    for (i, answer) in answers.iter().enumerate() {
        let prompt = format!("answer {} of {}", i + 1, answers.len());
        steps.push(Step::typed(&prompt, &format!("{answer}\r")));
    }
    steps.push(Step::keys("enter Good", &["q"]).screen());
    let run = pty::run(dir.path(), &quiz_script("raft.md"), (24, 80), &steps);
    let screen = &run.screens[0];
    assert_fits(screen, 24);
    assert!(screen.starts_with("── 1 new"), "{screen}");
    assert!(
        screen.contains("A leader cut off in a minority keeps taking"),
        "the question: {screen}"
    );
    assert!(screen.contains("✓ right"), "a verdict in sight: {screen}");
    assert!(screen.contains("── answer"), "{screen}");
    assert_eq!(reviews(dir.path()), 1, "{}", run.out);
}

#[test]
fn a_wrong_answer_at_60x15_keeps_question_and_verdict_while_the_timeline_scrolls() {
    if python().is_none() {
        return;
    }
    let text = card("Vote decision: does the node grant its vote?");
    let id = CardId::from_front("Raft", "Vote decision: does the node grant its vote?");
    let question = generate(GeneratorKind::VoteDecision, instance_seed(id.as_str(), 0));
    let given = yes_no_opposite(&question.answer);
    let verdict = format!("✗ wrong: you answered {given}; the answer is");
    let dir = place(&[text]);
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        (15, 60),
        &[
            Step::keys("[enter] answer", &["\r"]).screen(),
            Step::typed("answer (yes or no):", &format!("{given}\r")),
            Step::keys("enter Again", &[END]).screen(),
            Step::keys("more lines above", &[]).screen().resize(24, 80),
            Step::keys("enter Again", &["k", "k"]).screen(),
            Step::keys("more lines below", &["q"]).screen(),
        ],
    );
    let [front, verdict_first, end, resized, up] = &run.screens[..] else {
        panic!("five screens: {:?}", run.screens);
    };
    assert_fits(front, 15);
    assert!(
        front.contains("Vote decision: does the node grant"),
        "{front}"
    );
    assert!(front.contains("[enter] answer"), "{front}");
    for screen in [verdict_first, end] {
        assert_fits(screen, 15);
        assert!(
            screen.contains("Vote decision: does the node grant"),
            "{screen}"
        );
        assert!(screen.contains(&verdict), "the verdict in sight: {screen}");
        assert!(screen.contains("enter Again"), "{screen}");
    }
    assert!(
        verdict_first.contains("more lines below"),
        "{verdict_first}"
    );
    assert!(end.contains("more lines above"), "{end}");
    assert!(!end.contains("more lines below"), "{end}");
    // Resized to 80x24 at the end of the page: still at the end, verdict in sight.
    assert_fits(resized, 24);
    assert!(resized.contains(&verdict), "{resized}");
    assert!(!resized.contains("more lines below"), "{resized}");
    assert!(up.contains("more lines below"), "k scrolls up: {up}");
    assert_eq!(reviews(dir.path()), 1, "q on the verdict records it");
}

#[test]
fn wide_and_combining_characters_wrap_within_60_columns() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("raft.md"),
        "# Raft\n\n## リーダー選出では、過半数の票を得た候補者がリーダーになります。何票必要ですか？\n\n\
         五台のクラスタでは三票 🎉🎉 — café, naïve, re\u{301}sume\u{301} | 選挙 |\n\n\
         | ノード | 任期 |\n|---|---|\n| S1 | 3 |\n| 🎉 | 14 |\n",
    )
    .unwrap();
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        (15, 60),
        &[
            Step::keys("show answer", &[" "]),
            Step::keys("1 Again", &["q"]).screen(),
        ],
    );
    let screen = &run.screens[0];
    assert_fits(screen, 15);
    let text = screen.replace('\n', "");
    assert!(
        text.contains(
            "リーダー選出では、過半数の票を得た候補者がリーダーになります。何票必要ですか？"
        ),
        "the question whole, over two rows: {screen}"
    );
    assert!(text.contains("re\u{301}sume\u{301}"), "{screen}");
    // The table's columns line up by display width.
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains('│')).collect();
    let bar = |row: &str| {
        let before = &row[..row.find('│').unwrap()];
        unicode_width::UnicodeWidthStr::width(before)
    };
    assert!(rows.len() >= 3, "{screen}");
    assert!(rows.iter().all(|r| bar(r) == bar(rows[0])), "{rows:?}");
}

#[test]
fn plain_mode_shows_two_json_messages_as_two() {
    let dir = place(&[card(
        "Commit Index Updates (AppendEntries RPCs with log entries)",
    )]);
    let output = assert_cmd::Command::cargo_bin("mdcards")
        .unwrap()
        .current_dir(dir.path())
        .env("MDCARDS_DB", dir.path().join("reviews.sqlite3"))
        .env("NO_COLOR", "1")
        .args(["quiz", "raft.md"])
        .write_stdin("\nq\n")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("\"leaderCommit\": 10"), "{out}");
    assert!(!out.contains("}{"), "{out}");
    // Each message opens at the block's indent: two of them.
    assert_eq!(out.lines().filter(|l| *l == "  {").count(), 2, "{out}");
}
