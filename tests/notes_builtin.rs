//! The built-in deck and the user's seed notes: what they yield must never drift.

use std::path::Path;

use mdcards::notes::{self, BUILTIN_DECK, BUILTIN_DECK_PATH, parse_file};

/// Every card of the built-in deck with its identity. The ids were computed independently
/// (Python: sha256(normalise(deck) + "\x1f" + normalise(front))[:16 hex]). They are review
/// history keys and Anki note guids: if this test fails, do not update the values; fix the
/// code (or the deck edit) that changed them.
const BUILTIN_IDS: [(&str, &str); 34] = [
    ("6e6bce54eb270f55", "how failover election happens?"),
    ("9cf8252e0c6244a0", "What is the voting process?"),
    ("c93a982d66ac7989", "How leader establishes authority?"),
    (
        "ab53f2e49389e64b",
        "Leader election mechanism handles failures of what kind?",
    ),
    ("c110738a0d0ea95c", "What is Term?"),
    ("3c6eec233295cb0c", "What are properties of Terms"),
    (
        "b1a721f5b57914f3",
        "When and how the term gets incremented:",
    ),
    (
        "7ffd16a7af5d1fac",
        "What are all the messages sent by Leader without any request",
    ),
    (
        "aa1712b09d32e864",
        "Heartbeat Messages (AppendEntries RPCs with no log entries)",
    ),
    ("e0a28a198b46514c", "Commit Index Updates"),
    ("c217d181d799b042", "Heartbeat messages"),
    ("5d26ef59c0c97611", "RequestVote (Candidate to Follower):"),
    (
        "b7dd56d6bae4aeaf",
        "Commit Index Updates (AppendEntries RPCs with log entries)",
    ),
    (
        "6497dade8e52ed53",
        "The follower response to the RequestVote request indicating whether it voted for the candidate.",
    ),
    ("7bc28d70be3eeece", "Tracking State for Each Follower:"),
    ("03462d17a62aaaec", "When does Leader Commit Entries:"),
    ("c4c6e545d9c4253d", "Why Raft over paxos?"),
    ("ab8661792a703668", "How to create raft anki"),
    // The scenario cards that follow the seed's.
    (
        "f31f791e2582148a",
        "After the leader crashes, which node becomes leader, and in which term?",
    ),
    (
        "f9565a95e9d8b2f0",
        "Failover: who wins the election, and when?",
    ),
    (
        "0f9a9ba6c7005759",
        "Node 1 (term 5, log 1 1 1 4 4 5) gets the seed's RequestVote from node 3. Does it grant its vote?",
    ),
    (
        "d09f6e3e81bff79b",
        "Vote decision: does the node grant its vote?",
    ),
    (
        "f59d2db7af6b9893",
        "A leader cut off in term 2 sends a heartbeat to a node already in term 4. What becomes of the leader?",
    ),
    ("3e994fb6f3d8d9f3", "Terms: role and term after a message"),
    (
        "98f0e2c06c276214",
        "A follower with log 1 1 1 4 4 4 4 4 (commitIndex 7) gets the seed's first heartbeat. Does it accept it, and what is its commitIndex then?",
    ),
    (
        "c141235523eedb16",
        "What does a follower with log 1 1 1 4 4 4 4 4 do with the seed's two heartbeats, in order?",
    ),
    (
        "4ffb04ed4c5c13be",
        "AppendEntries: what does the follower do with it?",
    ),
    (
        "3f94480b27fd5a30",
        "A lagging follower gets entries 9 and 10 while the leader's commitIndex is 12. What is its log and its commitIndex after?",
    ),
    (
        "92b9f6d995babd7c",
        "How does the leader know what each follower has, and how does it repair a follower whose log diverges?",
    ),
    (
        "65d3844ff03daa18",
        "Follower tracking: how does the leader repair this log?",
    ),
    (
        "100dda36798c12c0",
        "A new leader has copied an entry of an older term to a majority. Does it commit it?",
    ),
    (
        "541dd988bcdb388a",
        "Leader commit: what does the leader commit?",
    ),
    (
        "b5c4af0eec1b9589",
        "A leader cut off in a minority keeps taking commands. What becomes of them when the partition heals?",
    ),
    (
        "9dce992d359c2583",
        "Partitions: what survives when the partition heals?",
    ),
];

/// The fronts mdanki makes of the seed file, in its order.
const MDANKI_SEED_FRONTS: [&str; 18] = [
    "how failover election happens?",
    "What is the voting process?",
    "How leader establishes authority?",
    "Leader election mechanism handles failures of what kind?",
    "What is Term?",
    "What are properties of Terms",
    "When and how the term gets incremented:",
    "What are all the messages sent by Leader without any request",
    "Heartbeat Messages (AppendEntries RPCs with no log entries)",
    "Commit Index Updates",
    "Heartbeat messages",
    "RequestVote (Candidate to Follower):",
    "Commit Index Updates (AppendEntries RPCs with log entries)",
    "The follower response to the RequestVote request indicating whether it voted for the candidate.",
    "Tracking State for Each Follower:",
    "When does Leader Committs Entries:",
    "Why Raft over paxos?",
    "How to create raft anki",
];

fn builtin() -> notes::ParsedFile {
    parse_file(Path::new(BUILTIN_DECK_PATH), BUILTIN_DECK, None)
}

#[test]
fn builtin_deck_card_ids_are_pinned() {
    let parsed = builtin();
    let got: Vec<(&str, &str)> = parsed
        .cards
        .iter()
        .map(|card| (card.id.as_str(), card.front.as_str()))
        .collect();
    assert_eq!(got, BUILTIN_IDS);
    assert!(parsed.cards.iter().all(|card| !card.pinned));
}

#[test]
fn builtin_deck_is_clean_titled_and_tagged() {
    let parsed = builtin();
    assert_eq!(parsed.diagnostics, []);
    assert!(notes::duplicate_ids(&parsed.cards).is_empty());
    for card in &parsed.cards {
        assert_eq!(card.deck, "Raft");
        assert_eq!(
            card.tags[0], "raft",
            "front matter tag first: {}",
            card.front
        );
        assert!(card.tags.len() >= 2, "a topic tag: {}", card.front);
        assert!(!card.back.is_empty());
        assert!(!card.back.contains("[#"), "tags line left in the back");
        assert!(card.media.is_empty());
        assert_eq!(card.location.file, Path::new("decks/raft.md"));
    }
}

#[test]
fn builtin_deck_keeps_every_answer_of_the_seed() {
    // The seed's cards first, with the same answers word for word (tags lines aside, and
    // the one typo fixed in a front); then the scenario cards.
    let seed_text = include_str!("fixtures/notes/seed/raft_anki.md");
    let seed = parse_file(Path::new("raft_anki.md"), seed_text, None);
    let deck = builtin();
    assert_eq!(seed.cards.len(), 18);
    assert_eq!(deck.cards.len(), 34);
    for (from_seed, built_in) in seed.cards.iter().zip(&deck.cards) {
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            words(&from_seed.back),
            words(&built_in.back),
            "{}",
            built_in.front
        );
    }
    for added in &deck.cards[seed.cards.len()..] {
        assert!(
            added.tags.iter().any(|tag| tag == "scenario"),
            "{}",
            added.front
        );
    }
    let heartbeat = &deck.cards[10];
    assert!(heartbeat.back.starts_with("```json\n{\n  \"term\": 5,"));
}

#[test]
fn seed_file_yields_mdankis_cards_in_order() {
    let text = include_str!("fixtures/notes/seed/raft_anki.md");
    let parsed = parse_file(
        Path::new("raft_anki.md"),
        text,
        Some("Mohan::DeepWork::Raft"),
    );
    let fronts: Vec<&str> = parsed.cards.iter().map(|c| c.front.as_str()).collect();
    assert_eq!(fronts, MDANKI_SEED_FRONTS);
    assert_eq!(parsed.diagnostics, []);
    assert!(
        parsed
            .cards
            .iter()
            .all(|c| c.deck == "Mohan::DeepWork::Raft")
    );
    // Each card knows where it came from.
    assert_eq!(parsed.cards[0].location.line, 1);
    assert_eq!(parsed.cards[1].location.line, 10);
    assert_eq!(parsed.cards[17].location.line, 144);
}
