//! The built-in deck's scenario cards: for each topic of the user's notes a hand-written
//! scenario whose computed answers are what its prose says, and the matching generator card.

use std::path::Path;

use mdcards::deck::Card;
use mdcards::notes::{BUILTIN_DECK, BUILTIN_DECK_PATH, ParsedFile, parse_file};
use mdcards::scenario::{GeneratorKind, ScenarioCard, scenario_card, validate};

/// A topic of the seed notes: the hand-written card (by the start of its front), the answers
/// its prose gives, in the order of its `ask` lines, and the generator card of the topic.
struct Topic {
    name: &'static str,
    front: &'static str,
    answers: &'static [&'static str],
    generator: GeneratorKind,
}

const TOPICS: [Topic; 8] = [
    Topic {
        name: "failover election",
        front: "After the leader crashes, which node becomes leader",
        // Node 3 wins term 5.
        answers: &["3", "5"],
        generator: GeneratorKind::ElectionWinner,
    },
    Topic {
        name: "voting",
        front: "Node 1 (term 5, log 1 1 1 4 4 5) gets the seed's RequestVote",
        // No; node 1 has not voted.
        answers: &["no", "none"],
        generator: GeneratorKind::VoteDecision,
    },
    Topic {
        name: "terms",
        front: "A leader cut off in term 2 sends a heartbeat",
        // It steps down to follower in term 4.
        answers: &["follower", "4"],
        generator: GeneratorKind::TermStepDown,
    },
    Topic {
        name: "heartbeats",
        front: "A follower with log 1 1 1 4 4 4 4 4 (commitIndex 7) gets the seed's first heartbeat",
        // Yes; commitIndex min(10, 8) = 8.
        answers: &["yes", "8"],
        generator: GeneratorKind::AppendEntriesReceiver,
    },
    Topic {
        name: "commit index updates",
        front: "A lagging follower gets entries 9 and 10",
        // Appends 9 and 10; commitIndex min(12, 10) = 10.
        answers: &["1 1 1 4 4 4 4 4 5 5", "10"],
        generator: GeneratorKind::AppendEntriesReceiver,
    },
    Topic {
        name: "follower tracking",
        front: "How does the leader know what each follower has",
        // Three refusals; entries 6 to 8 from the leader; matchIndex 8, nextIndex 9.
        answers: &["3", "1 1 1 4 4 5 5 6", "9", "8"],
        generator: GeneratorKind::LogRepair,
    },
    Topic {
        name: "when the leader commits",
        front: "A new leader has copied an entry of an older term to a majority",
        // matchIndex[3] 2 and still commitIndex 1; 3 once entry 3 of term 4 is on a majority.
        answers: &["2", "1", "3"],
        generator: GeneratorKind::LeaderCommitIndex,
    },
    Topic {
        name: "partitions",
        front: "A leader cut off in a minority keeps taking commands",
        // Never committed; node 1 steps down, its entry 2 replaced by node 3's (term 3).
        answers: &["1", "follower", "1 3", "3"],
        generator: GeneratorKind::PartitionSurvivor,
    },
];

fn builtin() -> ParsedFile {
    parse_file(Path::new(BUILTIN_DECK_PATH), BUILTIN_DECK, None)
}

fn card<'d>(deck: &'d ParsedFile, front: &str) -> &'d Card {
    deck.cards
        .iter()
        .find(|card| card.front.starts_with(front))
        .unwrap_or_else(|| panic!("no card `{front}…` in the built-in deck"))
}

fn generator_cards(deck: &ParsedFile) -> Vec<(GeneratorKind, &Card)> {
    deck.cards
        .iter()
        .filter_map(|card| {
            let source = card.scenario.as_ref()?;
            match scenario_card(source).expect("every scenario of the deck parses") {
                ScenarioCard::Generator(kind) => Some((kind, card)),
                ScenarioCard::Script { .. } => None,
            }
        })
        .collect()
}

/// A topic tag a card shares with another (`raft` and `scenario` are on every one).
fn shares_a_topic(a: &Card, b: &Card) -> bool {
    a.tags
        .iter()
        .filter(|tag| *tag != "raft" && *tag != "scenario")
        .any(|tag| b.tags.contains(tag))
}

#[test]
fn every_topic_has_a_hand_written_scenario_answered_as_its_prose_says() {
    let deck = builtin();
    for topic in &TOPICS {
        let card = card(&deck, topic.front);
        let source = card
            .scenario
            .as_ref()
            .unwrap_or_else(|| panic!("{}: `{}` is no scenario card", topic.name, card.front));
        let ScenarioCard::Script { run, questions, .. } = scenario_card(source).unwrap() else {
            panic!("{}: a hand-written script, not a generator", topic.name)
        };
        assert!(run.error.is_none(), "{}: {:?}", topic.name, run.error);
        assert!(run.passed(), "{}: {:?}", topic.name, run.asks);
        assert_eq!(validate(card), [], "{}", topic.name);
        let answers: Vec<String> = questions.iter().map(|q| q.answer.to_string()).collect();
        assert_eq!(answers, topic.answers, "{}: {}", topic.name, card.front);
    }
}

#[test]
fn every_topic_has_its_generator_card_and_every_generator_a_card() {
    let deck = builtin();
    let generators = generator_cards(&deck);
    for kind in GeneratorKind::ALL {
        let cards = generators.iter().filter(|(k, _)| *k == kind).count();
        assert_eq!(cards, 1, "one `generate {}` card per deck", kind.name());
    }
    for topic in &TOPICS {
        let hand_written = card(&deck, topic.front);
        let (_, generated) = generators
            .iter()
            .find(|(kind, _)| *kind == topic.generator)
            .unwrap();
        assert!(
            shares_a_topic(hand_written, generated),
            "{}: `{}` and `{}` share no topic tag",
            topic.name,
            hand_written.front,
            generated.front
        );
    }
}

#[test]
fn every_scenario_of_the_deck_runs_and_asks() {
    let deck = builtin();
    let scripts: Vec<&Card> = deck
        .cards
        .iter()
        .filter(|card| card.scenario.is_some())
        .filter(|card| {
            matches!(
                scenario_card(card.scenario.as_ref().unwrap()),
                Ok(ScenarioCard::Script { .. })
            )
        })
        .collect();
    assert_eq!(scripts.len(), TOPICS.len());
    for card in scripts {
        let ScenarioCard::Script { run, questions, .. } =
            scenario_card(card.scenario.as_ref().unwrap()).unwrap()
        else {
            unreachable!("filtered to scripts")
        };
        assert!(run.error.is_none(), "{}: {:?}", card.front, run.error);
        assert!(!questions.is_empty(), "{} asks nothing", card.front);
        for question in &questions {
            assert!(
                !question.explanation.is_empty(),
                "{}: `{}` is not explained",
                card.front,
                question.prompt
            );
        }
    }
}
