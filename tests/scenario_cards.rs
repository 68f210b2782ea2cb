//! Scenario cards: `ask` questions answered by the simulator, `generate` cards, grading,
//! instance seeds, and what `validate` (the `check` stage) reports where.

use std::path::PathBuf;

use mdcards::deck::{Card, CardId, Location, ScenarioSource};
use mdcards::notes::Severity;
use mdcards::raft::Role;
use mdcards::raft_render;
use mdcards::scenario::{
    Answer, AnswerKind, GeneratorKind, Origin, ScenarioCard, generate, grade, instance_seed,
    scenario_card, validate,
};

fn source(script: &str, line: u32) -> ScenarioSource {
    ScenarioSource {
        script: script.to_owned(),
        location: Location {
            file: PathBuf::from("notes/raft.md"),
            line,
            col: 1,
        },
    }
}

fn card_with(script: &str, line: u32) -> Card {
    Card {
        id: CardId::from_front("Raft", "q"),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: "Raft".to_owned(),
        front: "q".to_owned(),
        back: String::new(),
        tags: Vec::new(),
        media: Vec::new(),
        scenario: Some(source(script, line)),
        location: Location {
            file: PathBuf::from("notes/raft.md"),
            line: line - 3,
            col: 1,
        },
    }
}

const SEED_VOTE: &str = r#"cluster 5
node 1 follower term 5 log 1 1 1 4 4 5
send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}
ask 1 -> 3 voteGranted
ask 1 votedFor
ask 1 term
"#;

#[test]
fn asks_become_questions_answered_by_the_simulator() {
    let ScenarioCard::Script { questions, .. } = scenario_card(&source(SEED_VOTE, 20)).unwrap()
    else {
        panic!("a script card")
    };
    let answers: Vec<Answer> = questions.iter().map(|q| q.answer.clone()).collect();
    assert_eq!(
        answers,
        [Answer::YesNo(false), Answer::Node(None), Answer::Number(5)]
    );
    let vote = &questions[0];
    assert_eq!(vote.origin, Origin::Script { line: 23 });
    assert_eq!(vote.prompt, "Does node 1 grant its vote to node 3?");
    assert!(
        vote.explanation
            .contains("candidate's last log term 4 < my last log term 5 (§5.4.1)"),
        "{}",
        vote.explanation
    );
    let timeline = raft_render::plain_text(&raft_render::script_timeline(&vote.trace));
    assert!(
        timeline.contains("3 → 1  RequestVote(term 5, lastLog 10/t4)"),
        "{timeline}"
    );
    let node1 = vote.situation.node(1).unwrap();
    assert_eq!(node1.log, [1, 1, 1, 4, 4, 5]);
    assert_eq!(node1.role, Role::Follower);
    let (from, to, _) = vote.situation.message.clone().unwrap();
    assert_eq!((from, to), (3, 1));
    assert_eq!(vote.script, SEED_VOTE);
}

#[test]
fn every_query_kind_has_its_answer_form() {
    let script = r#"cluster 3
node 1 leader term 2 log 1 2 commit 1 next 2=3 match 3=2
node 2 term 2 log 1 1 1
node 3 term 2 log 1 2
timeout 1
stabilize
ask 2 log
ask 1 commitIndex
ask 1 nextIndex[2]
ask 1 role
ask leader
ask leader term
ask 2 -> 1 refusals
"#;
    let ScenarioCard::Script { questions, run, .. } = scenario_card(&source(script, 1)).unwrap()
    else {
        panic!("a script card")
    };
    assert!(run.passed(), "{:?}", run.asks);
    let kinds: Vec<AnswerKind> = questions.iter().map(|q| q.answer.kind()).collect();
    assert_eq!(
        kinds,
        [
            AnswerKind::Log,
            AnswerKind::Number,
            AnswerKind::Number,
            AnswerKind::Role,
            AnswerKind::Node,
            AnswerKind::Number,
            AnswerKind::Number
        ]
    );
    let answers: Vec<String> = questions.iter().map(|q| q.answer.to_string()).collect();
    // Node 2 refuses prevLogIndex 2 (its entry 2 has term 1, not 2), accepts 1, is repaired.
    assert_eq!(answers, ["1 2", "2", "3", "leader", "1", "2", "1"]);
}

#[test]
fn asks_state_no_answer_and_generate_stands_alone() {
    let error = scenario_card(&source("cluster 3\nask 1 term 4\n", 10)).unwrap_err();
    assert_eq!((error.line, error.column), (11, 12));
    assert!(
        error.message.contains("`ask` takes no answer"),
        "{}",
        error.message
    );

    let ScenarioCard::Generator(kind) =
        scenario_card(&source("generate vote-decision\n", 5)).unwrap()
    else {
        panic!("a generator card")
    };
    assert_eq!(kind, GeneratorKind::VoteDecision);

    let error = scenario_card(&source("generate vote-desicion\n", 5)).unwrap_err();
    assert_eq!((error.line, error.column), (5, 10));
    let help = error.help.unwrap();
    assert!(help.contains("did you mean `vote-decision`?"), "{help}");
    for kind in GeneratorKind::ALL {
        assert!(help.contains(kind.name()), "{help}");
    }

    let error = scenario_card(&source("generate leader-commit\ncluster 3\n", 5)).unwrap_err();
    assert_eq!(error.line, 6);
    let error = scenario_card(&source("cluster 3\ngenerate leader-commit\n", 5)).unwrap_err();
    assert_eq!(error.line, 6);
}

#[test]
fn grading_is_exact_in_the_answer_form() {
    let question = generate(GeneratorKind::LeaderCommitIndex, 3);
    let right = question.answer.to_string();
    let verdict = grade(&question, &format!("  {right} ")).unwrap();
    assert!(verdict.correct);
    let Answer::Number(n) = question.answer else {
        panic!("a number")
    };
    assert!(!grade(&question, &(n + 1).to_string()).unwrap().correct);
    let error = grade(&question, "three").unwrap_err();
    assert_eq!(error.to_string(), "expected a whole number, not `three`");
}

#[test]
fn instance_seeds_are_frozen() {
    // Review histories and exported notes name instances by these seeds: never change them.
    assert_eq!(instance_seed("c110738a0d0ea95c", 0), 221471324453719770);
    assert_eq!(instance_seed("c110738a0d0ea95c", 1), 8718075550631622931);
    assert_eq!(instance_seed("my-card", 7), 7888064805038401543);
}

#[test]
fn validate_reports_each_problem_at_its_line() {
    let script = r#"cluster 5
node 1 follower term 5 log 1 1 1 4 4 5
send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}
expect 1 -> 3 voteGranted true
ask 2 nextIndex[3]
ask 1 -> 3 voteGranted
"#;
    let diagnostics = validate(&card_with(script, 40));
    let found: Vec<(&str, u32)> = diagnostics
        .iter()
        .map(|d| (d.code, d.location.line))
        .collect();
    assert_eq!(found, [("scenario-expect", 43), ("scenario-ask", 44)]);
    assert!(
        diagnostics[0].hint.contains("§5.4.1"),
        "{}",
        diagnostics[0].hint
    );
    assert!(diagnostics[0].message.contains("it says false"));

    let syntax = validate(&card_with("cluster 3\nnode 1 leeder\n", 10));
    assert_eq!(syntax[0].code, "scenario-syntax");
    assert_eq!((syntax[0].location.line, syntax[0].location.col), (11, 8));
    assert_eq!(syntax[0].hint, "did you mean `leader`?");

    let impossible = validate(&card_with(
        "cluster 3\nnode 2 leader term 0\nask leader\n",
        10,
    ));
    assert_eq!(impossible[0].code, "scenario-run");
    assert_eq!(impossible[0].location.line, 11);

    let silent = validate(&card_with("cluster 3\ntimeout 1\n", 10));
    assert_eq!(silent[0].code, "scenario-no-question");
    assert_eq!(silent[0].severity, Severity::Warning);
    // Expectations alone make a recall card the simulator checks: no warning.
    assert!(
        validate(&card_with(
            "cluster 3\ntimeout 1\nexpect 1 role candidate\n",
            10
        ))
        .is_empty()
    );

    assert!(validate(&card_with("generate leader-commit\n", 10)).is_empty());
    assert!(validate(&card_with(SEED_VOTE, 10)).is_empty());
}
