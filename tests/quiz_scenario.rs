//! Raft scenario cards in `mdcards quiz`, driven in plain mode: typed answers graded by the
//! simulator (the expected answers here come from the library, never written by hand),
//! the preselected rating, malformed answers, undo, what the review log keeps, and a new
//! generator instance at every review.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use mdcards::deck::CardId;
use mdcards::scenario::{
    Answer, GeneratorKind, Question, ScenarioCard, generate, instance_seed, scenario_card,
};

const NOW: &str = "2026-03-10T10:00:00Z";
const TWO_MINUTES_LATER: &str = "2026-03-10T10:02:00Z";

const GENERATOR: &str =
    "# Raft\n\n## Vote decisions, generated\n\n```raft\ngenerate vote-decision\n```\n";

const ASKS: &str = r#"# Raft

## Would node 1 grant its vote to the seed's candidate?

```raft
cluster 5
node 1 follower term 5 log 1 1 1 4 4 5
send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}
ask 1 -> 3 voteGranted
ask 1 term
```
"#;

const RECALL: &str = "# Raft\n\n## Who leads after node 2 times out first?\n\n\
Node 2, elected in term 1.\n\n```raft\ncluster 3\nnode 2 timeout 1\ntimeout 2\nstabilize\nexpect leader 2\n```\n";

struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new(notes: &str) -> Place {
        let place = Place {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::write(place.path("raft.md"), notes).unwrap();
        place
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `mdcards quiz raft.md` with these input lines: (exit code, stdout, stderr).
    fn quiz(&self, now: &str, input: &str) -> (i32, String, String) {
        let output = Command::cargo_bin("mdcards")
            .unwrap()
            .current_dir(self.dir.path())
            .env("MDCARDS_DB", self.path("reviews.sqlite3"))
            .env("MDCARDS_NOW", now)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .args(["quiz", "raft.md"])
            .write_stdin(input)
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    fn sql<T: rusqlite::types::FromSql>(&self, query: &str) -> T {
        let conn = rusqlite::Connection::open(self.path("reviews.sqlite3")).unwrap();
        conn.query_row(query, [], |r| r.get(0)).unwrap()
    }
}

fn generator_id() -> CardId {
    CardId::from_front("Raft", "Vote decisions, generated")
}

/// The question the generator card asks at its `n`-th review.
fn instance(n: u32) -> Question {
    generate(
        GeneratorKind::VoteDecision,
        instance_seed(generator_id().as_str(), n),
    )
}

/// An answer of the same form that is not the right one.
fn wrong(answer: &Answer) -> String {
    match answer {
        Answer::YesNo(yes) => if *yes { "no" } else { "yes" }.to_owned(),
        Answer::Number(n) => (n + 1).to_string(),
        Answer::Node(Some(id)) => (id + 1).to_string(),
        Answer::Node(None) => "1".to_owned(),
        Answer::Log(terms) => {
            let mut terms = terms.clone();
            terms.push(terms.last().copied().unwrap_or(0) + 1);
            Answer::Log(terms).to_string()
        }
        Answer::Role(_) => answer_other_role(answer),
    }
}

fn answer_other_role(answer: &Answer) -> String {
    if answer.to_string() == "leader" {
        "follower".to_owned()
    } else {
        "leader".to_owned()
    }
}

#[test]
fn a_right_answer_is_graded_and_enter_rates_good() {
    let place = Place::new(GENERATOR);
    let question = instance(0);
    let (code, out, err) = place.quiz(NOW, &format!("\n{}\n\n", question.answer));
    assert_eq!(code, 0, "{err}");
    // The front: the card, the generated question and the cluster, then the prompt.
    assert!(out.contains("Vote decisions, generated"), "{out}");
    let asked = question.prompt.lines().last().unwrap();
    assert!(out.contains(asked), "{asked:?} in {out}");
    assert!(out.contains("arriving   "), "the message in flight: {out}");
    assert!(
        out.contains(&format!("answer ({}):", question.answer.kind().form())),
        "{out}"
    );
    assert!(
        out.contains(&format!("✓ right: {}", question.answer)),
        "{out}"
    );
    assert!(out.contains("enter Good   t timeline"), "{out}");
    assert!(
        !out.contains("── timeline"),
        "no timeline unless asked: {out}"
    );
    assert!(out.contains("→ Good, next in 10m"), "{out}");
    assert!(
        out.contains("Raft scenarios: 1 question, 1 right, 0 wrong."),
        "{out}"
    );
    assert_eq!(place.sql::<i64>("SELECT rating FROM reviews"), 3);
    assert_eq!(place.sql::<i64>("SELECT correct FROM scenario_answers"), 1);
    assert_eq!(
        place.sql::<i64>("SELECT seed FROM scenario_answers") as u64,
        instance_seed(generator_id().as_str(), 0)
    );
    assert_eq!(
        place.sql::<String>("SELECT origin FROM scenario_answers"),
        "generator:vote-decision"
    );
}

#[test]
fn a_wrong_answer_shows_the_answer_and_timeline_and_preselects_again() {
    let place = Place::new(GENERATOR);
    let question = instance(0);
    let given = wrong(&question.answer);
    let (code, out, _) = place.quiz(NOW, &format!("\n{given}\n\n"));
    assert_eq!(code, 1, "a wrong answer exits 1, like a failed check");
    assert!(
        out.contains(&format!(
            "✗ wrong: you answered {given}; the answer is {}",
            question.answer
        )),
        "{out}"
    );
    // The explanation cites the rule; the timeline shows by itself after a wrong answer.
    let first_reason = question.explanation.lines().next().unwrap();
    let first_reason = first_reason.trim_start_matches("- ");
    assert!(out.contains(first_reason), "{first_reason} in {out}");
    assert!(out.contains("── timeline"), "{out}");
    assert!(out.contains("enter Again"), "{out}");
    // The rating keys still show the intervals.
    assert!(out.contains("1 Again 1m   2 Hard 6m   3 Good 10m"), "{out}");
    assert!(out.contains("→ Again, next in 1m"), "{out}");
    // Due again in a minute, it comes back in this session, shown in full with a new
    // instance (the input ends at its prompt).
    let again = out.split("→ Again, next in 1m").nth(1).unwrap();
    assert!(again.contains("Vote decisions, generated"), "{out}");
    assert!(
        again.contains(instance(1).prompt.lines().last().unwrap()),
        "{out}"
    );
    assert!(
        out.contains("Raft scenarios: 1 question, 0 right, 1 wrong."),
        "{out}"
    );
    assert_eq!(place.sql::<i64>("SELECT rating FROM reviews"), 1);
    assert_eq!(place.sql::<i64>("SELECT correct FROM scenario_answers"), 0);
    assert_eq!(
        place.sql::<String>("SELECT given FROM scenario_answers"),
        given
    );
    assert_eq!(
        place.sql::<String>("SELECT expected FROM scenario_answers"),
        question.answer.to_string()
    );
}

#[test]
fn a_wrong_answer_can_still_be_rated_good_by_key() {
    let place = Place::new(GENERATOR);
    let given = wrong(&instance(0).answer);
    let (_, out, _) = place.quiz(NOW, &format!("\n{given}\n3\n"));
    assert!(out.contains("→ Good, next in 10m"), "{out}");
    assert_eq!(place.sql::<i64>("SELECT rating FROM reviews"), 3);
}

#[test]
fn a_malformed_answer_asks_again_at_no_cost() {
    let place = Place::new(ASKS);
    let (code, out, err) = place.quiz(NOW, "\nperhaps\nno\nfive\n5\n\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("expected yes or no, not `perhaps`; try again (no penalty)"),
        "{err}"
    );
    assert!(err.contains("expected a whole number, not `five`"), "{err}");
    // The card comes back later in the session (learning); count the first showing's.
    let first_showing = out.split("→ Good").next().unwrap();
    assert_eq!(
        first_showing.matches("answer 1 of 2 (yes or no):").count(),
        2,
        "{out}"
    );
    assert_eq!(
        first_showing
            .matches("answer 2 of 2 (a whole number):")
            .count(),
        2,
        "{out}"
    );
    // Both questions right: the malformed lines cost nothing.
    assert!(
        out.contains("1. Does node 1 grant its vote to node 3?"),
        "{out}"
    );
    assert!(out.contains("✓ right: no"), "{out}");
    assert!(out.contains("✓ right: 5"), "{out}");
    assert!(out.contains("→ Good"), "{out}");
    assert_eq!(place.sql::<i64>("SELECT count(*) FROM scenario_answers"), 2);
    assert_eq!(
        place.sql::<i64>("SELECT sum(correct) FROM scenario_answers"),
        2
    );
    assert_eq!(
        place.sql::<String>("SELECT group_concat(origin) FROM scenario_answers"),
        "ask:4,ask:5",
        "ask lines numbered within the block"
    );
}

#[test]
fn asked_questions_are_the_simulators_answers() {
    // The same card's questions, computed through the library.
    let source = mdcards::deck::ScenarioSource {
        script: ASKS
            .split("```raft\n")
            .nth(1)
            .unwrap()
            .split("```")
            .next()
            .unwrap()
            .to_owned(),
        location: mdcards::deck::Location {
            file: "raft.md".into(),
            line: 1,
            col: 1,
        },
    };
    let ScenarioCard::Script { questions, .. } = scenario_card(&source).unwrap() else {
        panic!("a script card");
    };
    let place = Place::new(ASKS);
    let wrong_vote = wrong(&questions[0].answer);
    let (code, out, _) = place.quiz(NOW, &format!("\n{wrong_vote}\n{}\n\n", questions[1].answer));
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "✗ wrong: you answered {wrong_vote}; the answer is {}",
            questions[0].answer
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("✓ right: {}", questions[1].answer)),
        "{out}"
    );
    assert!(
        out.contains("→ Again"),
        "one wrong answer preselects Again: {out}"
    );
    // The card's own answer (the script) follows under "notes".
    assert!(out.contains("── notes"), "{out}");
    assert!(out.contains("ask 1 -> 3 voteGranted"), "{out}");
}

#[test]
fn undo_asks_the_scenario_card_again_and_takes_its_answers_out_of_the_log() {
    let place = Place::new(&format!(
        "{GENERATOR}\n## What is a term?\n\nA logical clock.\n"
    ));
    let question = instance(0);
    let given = wrong(&question.answer);
    // Wrong answer, Again; then undo on the next card's front; the scenario card is back
    // on its question side, asking the same question; answer it again and rate it Hard.
    let (code, out, err) = place.quiz(NOW, &format!("\n{given}\n\nu\n2\n\n{given}\n2\nq\n"));
    assert!(
        err.contains("answer the question first"),
        "after undo the card asks again, so 2 cannot rate it blind: {err}"
    );
    assert!(err.contains("undone: the answer is taken back"), "{err}");
    assert_eq!(
        out.matches(&format!("✗ wrong: you answered {given}"))
            .count(),
        2,
        "{out}"
    );
    assert!(out.contains("→ Hard"), "{out}");
    assert_eq!(place.sql::<i64>("SELECT count(*) FROM reviews"), 1);
    assert_eq!(place.sql::<i64>("SELECT rating FROM reviews"), 2);
    assert_eq!(
        place.sql::<i64>("SELECT count(*) FROM scenario_answers"),
        1,
        "the undone answer's typed answer is gone, the new one logged"
    );
    assert_eq!(
        place.sql::<i64>(
            "SELECT count(*) FROM scenario_answers s JOIN reviews r ON r.id = s.review_id"
        ),
        1
    );
    assert_eq!(code, 1, "the answer that stands is wrong");
}

#[test]
fn commands_at_the_prompt_and_an_empty_line_go_back_to_the_question() {
    let place = Place::new(GENERATOR);
    // Enter opens the prompt; an empty line goes back to the question (keys shown); enter
    // opens the prompt again; q quits.
    let (code, out, err) = place.quiz(NOW, "\n\n\nq\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("[enter] answer   u undo   s bury   e edit   q quit"),
        "{out}"
    );
    assert_eq!(out.matches("answer (yes or no):").count(), 2, "{out}");
    assert!(out.contains("Reviewed 0 cards"), "{out}");
    assert_eq!(place.sql::<i64>("SELECT count(*) FROM reviews"), 0);
    // A rating before answering is refused with what to do.
    let (_, _, err) = place.quiz(NOW, "3\nq\n");
    assert!(err.contains("answer the question first"), "{err}");
}

#[test]
fn the_next_review_draws_a_new_instance() {
    let place = Place::new(GENERATOR);
    let first = instance(0);
    place.quiz(NOW, &format!("\n{}\n1\n", first.answer));
    // Again: due in a minute; two minutes later the card is back with its second instance.
    let second = instance(1);
    let (_, out, _) = place.quiz(TWO_MINUTES_LATER, &format!("\n{}\n\n", second.answer));
    let scripts_differ = first.prompt != second.prompt || first.situation != second.situation;
    assert!(scripts_differ, "seeds 0 and 1 give different questions");
    assert!(out.contains(second.prompt.lines().last().unwrap()), "{out}");
    assert!(
        out.contains(&format!("✓ right: {}", second.answer)),
        "{out}"
    );
    assert_eq!(
        place.sql::<i64>("SELECT seed FROM scenario_answers ORDER BY review_id DESC LIMIT 1")
            as u64,
        instance_seed(generator_id().as_str(), 1)
    );
}

#[test]
fn a_script_with_only_expects_is_a_recall_card_showing_the_run() {
    let place = Place::new(RECALL);
    let (code, out, _) = place.quiz(NOW, "\n3\n");
    assert_eq!(code, 0);
    assert!(out.contains("[space] show answer"), "{out}");
    assert!(!out.contains("answer ("), "no prompt: {out}");
    assert!(out.contains("Node 2, elected in term 1."), "{out}");
    assert!(out.contains("── simulator"), "{out}");
    assert!(out.contains("✓ expect leader 2"), "{out}");
    assert!(out.contains("at the end of the run:"), "{out}");
    assert!(out.contains(" 2 leader    t1"), "{out}");
    assert!(out.contains("→ Good"), "{out}");
    assert_eq!(place.sql::<i64>("SELECT count(*) FROM scenario_answers"), 0);
}

#[test]
fn the_timeline_shows_on_request() {
    let place = Place::new(GENERATOR);
    let question = instance(0);
    let (_, out, _) = place.quiz(NOW, &format!("\n{}\nt\n\n", question.answer));
    let shown = out.split("── timeline").nth(1).expect("timeline shown");
    // The whole run up to the question, line by line and in order: the section rule of
    // each script line, the messages, the notes and the states.
    let timeline = mdcards::raft_render::questions_timeline(std::slice::from_ref(&question))
        .expect("a generated question has a run");
    let lines: Vec<&str> = timeline.lines().map(str::trim).collect();
    assert!(lines.len() > 2, "{timeline}");
    let mut rest = shown;
    for line in &lines {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} missing or out of order in {shown}"));
        rest = &rest[at + line.len()..];
    }
    assert!(out.contains("→ Good"), "{out}");
}

#[test]
fn quiz_help_documents_the_answer_line() {
    let output = Command::cargo_bin("mdcards")
        .unwrap()
        .args(["quiz", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("`answer (FORM):`"), "{help}");
    assert!(help.contains("Again after a wrong answer"), "{help}");
    assert!(help.contains("`1 1 4 4`"), "{help}");
}
