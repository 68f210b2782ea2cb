//! Sync of edited notes against the review store: what a user sees in the summary, and that
//! review histories follow their cards (or stay put) as promised.

use std::path::PathBuf;

use mdcards::deck::{Card, CardId, Location};
use mdcards::select::Filter;
use mdcards::srs::{CardState, Memory, Rating, State, Timestamp};
use mdcards::store::sync::{ChangeKind, NoteCard, Scope, SourceFile, SyncInput, SyncReport};
use mdcards::store::{AnswerRecord, QueueQuery, Sched, Store};

const DAY: i64 = 86_400_000;

fn card(deck: &str, front: &str, back: &str, file: &str, line: u32) -> Card {
    Card {
        id: CardId::from_front(deck, front),
        pinned: false,
        kind: mdcards::deck::CardKind::Basic,
        deck: deck.into(),
        front: front.into(),
        back: back.into(),
        tags: vec!["raft".into()],
        media: vec![],
        scenario: None,
        location: Location {
            file: PathBuf::from(file),
            line,
            col: 1,
        },
    }
}

fn pinned(name: &str, deck: &str, front: &str, back: &str, file: &str, line: u32) -> Card {
    let mut c = card(deck, front, back, file, line);
    c.id = CardId::pinned(name);
    c.pinned = true;
    c
}

/// Sync `cards` as the complete contents of `files` (and of `folders`).
fn sync_scoped(
    store: &mut Store,
    cards: &[Card],
    files: &[&str],
    folders: &[&str],
    now: i64,
    dry_run: bool,
) -> SyncReport {
    let notes = NoteCard::from_cards(cards.to_vec(), |c| c.location.file.display().to_string());
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|f| SourceFile {
            path: f.to_string(),
            size: Some(1),
            mtime_ns: Some(1),
            fingerprint: "test".into(),
        })
        .collect();
    let scope = Scope {
        files: files.iter().map(|f| f.to_string()).collect(),
        folders: folders.iter().map(|f| f.to_string()).collect(),
    };
    store
        .sync(&SyncInput {
            cards: &notes,
            files: &sources,
            scope: &scope,
            now: Timestamp(now),
            dry_run,
        })
        .unwrap()
}

fn sync(store: &mut Store, cards: &[Card], now: i64) -> SyncReport {
    let mut files: Vec<String> = cards
        .iter()
        .map(|c| c.location.file.display().to_string())
        .collect();
    files.sort();
    files.dedup();
    if files.is_empty() {
        files.push("a.md".into());
    }
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    sync_scoped(store, cards, &files, &[], now, false)
}

/// Answer a card as if in a quiz (a made-up but plausible next state).
fn review(store: &mut Store, id: &CardId, now: i64) {
    let stored = store.card(id).unwrap().expect("card exists");
    let before = stored.sched;
    let after = Sched {
        state: CardState {
            state: State::Review,
            step: None,
            memory: Some(Memory {
                stability: 3.0,
                difficulty: 5.0,
            }),
            due: Timestamp(now + 3 * DAY),
            last_review: Some(Timestamp(now)),
        },
        reps: before.reps + 1,
        ..before
    };
    store
        .record_answer(
            &AnswerRecord {
                card_id: id.clone(),
                reviewed_at: Timestamp(now),
                rating: Rating::Good,
                before,
                after,
                duration_ms: 4_000,
            },
            |_| unreachable!("no other session"),
        )
        .unwrap();
}

fn kinds(report: &SyncReport) -> Vec<(ChangeKind, String)> {
    report
        .changes
        .iter()
        .map(|c| (c.kind, c.front.clone()))
        .collect()
}

fn deck() -> Vec<Card> {
    vec![
        card(
            "Raft",
            "What is Term?",
            "A logical clock that orders leaders.",
            "a.md",
            1,
        ),
        card(
            "Raft",
            "Who can vote?",
            "Every server, once per term.",
            "a.md",
            5,
        ),
        card(
            "Raft",
            "What does a leader send?",
            "Heartbeats: empty AppendEntries RPCs.",
            "a.md",
            9,
        ),
    ]
}

#[test]
fn a_first_sync_adds_every_card() {
    let mut store = Store::open_in_memory().unwrap();
    let report = sync(&mut store, &deck(), 0);
    assert_eq!(report.summary(), "3 added, 0 updated, 0 renamed, 0 retired");
    assert_eq!(report.counts.unchanged, 0);
    let again = sync(&mut store, &deck(), DAY);
    assert_eq!(again.summary(), "0 added, 0 updated, 0 renamed, 0 retired");
    assert_eq!(again.counts.unchanged, 3);
    assert!(!again.changed_anything());
}

#[test]
fn an_edited_back_is_an_update_that_keeps_the_history() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let id = deck()[0].id.clone();
    review(&mut store, &id, DAY);
    let mut edited = deck();
    edited[0].back = "A logical clock: a number that only grows.".into();
    edited[0].tags.push("clocks".into());
    let report = sync(&mut store, &edited, 2 * DAY);
    assert_eq!(report.summary(), "0 added, 1 updated, 0 renamed, 0 retired");
    let change = &report.changes[0];
    assert_eq!(change.kind, ChangeKind::Updated);
    assert_eq!(change.detail, "back edited; tags +#clocks");
    assert_eq!(change.reviews, 1);
    let stored = store.card(&id).unwrap().unwrap();
    assert_eq!(stored.back, "A logical clock: a number that only grows.");
    assert_eq!(stored.sched.reps, 1, "schedule kept");
    assert_eq!(store.review_count(&id).unwrap(), 1);
}

#[test]
fn an_edited_front_renames_and_carries_the_history_over() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let old_id = deck()[0].id.clone();
    review(&mut store, &old_id, DAY);
    review(&mut store, &old_id, 4 * DAY);
    let mut edited = deck();
    edited[0] = card(
        "Raft",
        "What is a Term?",
        "A logical clock that orders leaders.",
        "a.md",
        1,
    );
    let new_id = edited[0].id.clone();
    assert_ne!(old_id, new_id);

    let report = sync(&mut store, &edited, 5 * DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 1 renamed, 0 retired");
    let change = &report.changes[0];
    assert_eq!(change.kind, ChangeKind::Renamed);
    assert_eq!(change.old_id.as_ref(), Some(&old_id));
    assert_eq!(change.old_front.as_deref(), Some("What is Term?"));
    assert_eq!(change.detail, "front 86% similar, back unchanged");
    assert_eq!(change.reviews, 2);

    assert!(store.card(&old_id).unwrap().is_none());
    let stored = store.card(&new_id).unwrap().unwrap();
    assert_eq!(stored.front, "What is a Term?");
    assert_eq!(stored.sched.reps, 2);
    assert_eq!(store.review_count(&new_id).unwrap(), 2);
    assert_eq!(store.review_count(&old_id).unwrap(), 0);
}

#[test]
fn a_vanished_note_is_retired_hidden_and_restored_when_it_returns() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let gone = deck()[1].clone();
    review(&mut store, &gone.id, DAY);
    let without: Vec<Card> = deck().into_iter().filter(|c| c.id != gone.id).collect();

    let report = sync(&mut store, &without, 2 * DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 1 retired");
    assert_eq!(report.changes[0].front, "Who can vote?");
    assert_eq!(report.changes[0].reviews, 1);
    let sources = store.source_ids(&["a.md".into()], &[]).unwrap();
    let due = store
        .session_cards(&QueueQuery {
            sources: sources.clone(),
            filter: Filter::default(),
            now: Timestamp(30 * DAY),
            day_end: Timestamp(31 * DAY),
            new_limit: 100,
            review_limit: 100,
        })
        .unwrap();
    let shown: Vec<&CardId> = due.new.iter().chain(&due.review).map(|c| &c.id).collect();
    assert!(!shown.contains(&&gone.id), "retired cards are not quizzed");
    assert_eq!(shown.len(), 2);

    let report = sync(&mut store, &deck(), 3 * DAY);
    assert_eq!(
        report.summary(),
        "0 added, 0 updated, 0 renamed, 0 retired, 1 restored"
    );
    assert_eq!(report.changes[0].kind, ChangeKind::Restored);
    assert_eq!(report.changes[0].reviews, 1);
    let back = store.card(&gone.id).unwrap().unwrap();
    assert_eq!(back.sched.reps, 1, "history came back with it");
}

#[test]
fn a_dry_run_reports_the_same_and_writes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let mut edited = deck();
    edited[0].front = "What is a Term?".into();
    edited[0].id = CardId::from_front("Raft", "What is a Term?");
    edited[1].back = "Any server.".into();
    edited.remove(2);
    edited.push(card(
        "Raft",
        "What is a log?",
        "A sequence of entries.",
        "a.md",
        20,
    ));

    let dry = sync_scoped(&mut store, &edited, &["a.md"], &[], DAY, true);
    assert!(dry.dry_run);
    assert_eq!(dry.summary(), "1 added, 1 updated, 1 renamed, 1 retired");
    // Nothing changed: a second dry run and the real sync agree with the first.
    let dry_again = sync_scoped(&mut store, &edited, &["a.md"], &[], DAY, true);
    assert_eq!(dry_again, dry);
    assert!(store.card(&deck()[0].id).unwrap().is_some());
    let real = sync_scoped(&mut store, &edited, &["a.md"], &[], DAY, false);
    assert_eq!(real.changes, dry.changes);
}

#[test]
fn the_summary_lists_changes_in_note_order_with_retired_last() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let edited = vec![
        card(
            "Raft",
            "What is a log?",
            "A sequence of entries.",
            "a.md",
            1,
        ),
        card(
            "Raft",
            "What is a Term?",
            "A logical clock that orders leaders.",
            "a.md",
            3,
        ),
        card(
            "Raft",
            "Who can vote?",
            "Any server, once per term.",
            "a.md",
            7,
        ),
        card(
            "Raft",
            "What is a snapshot?",
            "A compacted prefix of the log.",
            "a.md",
            11,
        ),
    ];
    let report = sync(&mut store, &edited, DAY);
    assert_eq!(report.summary(), "2 added, 1 updated, 1 renamed, 1 retired");
    assert_eq!(
        kinds(&report),
        [
            (ChangeKind::Added, "What is a log?".to_owned()),
            (ChangeKind::Renamed, "What is a Term?".to_owned()),
            (ChangeKind::Updated, "Who can vote?".to_owned()),
            (ChangeKind::Added, "What is a snapshot?".to_owned()),
            (ChangeKind::Retired, "What does a leader send?".to_owned()),
        ]
    );
    insta::assert_json_snapshot!("sync_report", report);
}

#[test]
fn two_similar_fronts_edited_at_once_keep_their_own_histories() {
    let mut store = Store::open_in_memory().unwrap();
    let before = vec![
        card(
            "Raft",
            "What is the election timeout?",
            "150-300 ms, randomised per server.",
            "a.md",
            1,
        ),
        card(
            "Raft",
            "What is the heartbeat timeout?",
            "Shorter than the election timeout, e.g. 50 ms.",
            "a.md",
            4,
        ),
    ];
    sync(&mut store, &before, 0);
    review(&mut store, &before[0].id, DAY); // election: 1 review
    review(&mut store, &before[1].id, DAY);
    review(&mut store, &before[1].id, 2 * DAY); // heartbeat: 2 reviews
    let after = vec![
        card(
            "Raft",
            "What is the heartbeat timeout in Raft?",
            "Shorter than the election timeout, e.g. 50 ms.",
            "a.md",
            1,
        ),
        card(
            "Raft",
            "What is the election timeout in Raft?",
            "150-300 ms, randomised per server.",
            "a.md",
            4,
        ),
    ];
    let report = sync(&mut store, &after, 3 * DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 2 renamed, 0 retired");
    assert_eq!(store.review_count(&after[0].id).unwrap(), 2, "heartbeat");
    assert_eq!(store.review_count(&after[1].id).unwrap(), 1, "election");
}

#[test]
fn a_card_that_only_moved_is_unchanged_and_one_moved_to_another_file_says_so() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    // Reorder within the file: positions and lines change, nothing else.
    let mut reordered = deck();
    reordered.reverse();
    for (i, c) in reordered.iter_mut().enumerate() {
        c.location.line = 1 + 4 * i as u32;
    }
    let report = sync(&mut store, &reordered, DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 0 retired");
    assert_eq!(report.counts.unchanged, 3);
    assert_eq!(store.card_line(&deck()[2].id).unwrap(), Some(1));

    // Move one card to b.md, with both files read.
    let mut split = deck();
    split[1].location.file = PathBuf::from("b.md");
    let report = sync_scoped(&mut store, &split, &["a.md", "b.md"], &[], 2 * DAY, false);
    assert_eq!(report.summary(), "0 added, 1 updated, 0 renamed, 0 retired");
    assert_eq!(report.changes[0].moved_from.as_deref(), Some("a.md"));
    assert_eq!(report.changes[0].source, "b.md");

    // Move and edit: matched across files.
    let mut moved_edited = deck();
    moved_edited[1] = card(
        "Raft",
        "Who may vote?",
        "Every server, once per term.",
        "b.md",
        1,
    );
    let report = sync_scoped(
        &mut store,
        &moved_edited,
        &["a.md", "b.md"],
        &[],
        3 * DAY,
        false,
    );
    assert_eq!(report.summary(), "0 added, 0 updated, 1 renamed, 0 retired");
}

#[test]
fn a_renamed_deck_renames_every_card_with_its_history() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    review(&mut store, &deck()[1].id, DAY);
    let renamed: Vec<Card> = deck()
        .into_iter()
        .map(|c| {
            card(
                "Consensus::Raft",
                &c.front,
                &c.back,
                "a.md",
                c.location.line,
            )
        })
        .collect();
    let report = sync(&mut store, &renamed, 2 * DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 3 renamed, 0 retired");
    assert_eq!(
        report.changes[0].detail,
        "deck renamed \"Raft\" -> \"Consensus::Raft\""
    );
    assert_eq!(store.review_count(&renamed[1].id).unwrap(), 1);
}

#[test]
fn pinned_ids_never_rename() {
    let mut store = Store::open_in_memory().unwrap();
    let before = vec![
        pinned(
            "term",
            "Raft",
            "What is Term?",
            "A logical clock that orders leaders.",
            "a.md",
            1,
        ),
        pinned(
            "vote",
            "Raft",
            "Who can vote?",
            "Every server, once per term.",
            "a.md",
            5,
        ),
    ];
    sync(&mut store, &before, 0);
    review(&mut store, &before[0].id, DAY);
    // Editing a pinned front keeps the id: an update.
    let mut edited = before.clone();
    edited[0].front = "What is a term, exactly?".into();
    let report = sync(&mut store, &edited, 2 * DAY);
    assert_eq!(report.summary(), "0 added, 1 updated, 0 renamed, 0 retired");
    assert_eq!(report.changes[0].detail, "front edited (pinned id kept)");
    assert_eq!(store.review_count(&CardId::pinned("term")).unwrap(), 1);

    // A pinned card that vanishes is retired, even when a similar card appears.
    let replaced = vec![
        edited[0].clone(),
        card(
            "Raft",
            "Who can vote?",
            "Every server, once per term.",
            "a.md",
            5,
        ),
    ];
    let report = sync(&mut store, &replaced, 3 * DAY);
    assert_eq!(report.summary(), "1 added, 0 updated, 0 renamed, 1 retired");
}

#[test]
fn pinning_an_unchanged_card_keeps_its_history() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    review(&mut store, &deck()[0].id, DAY);
    let mut with_pin = deck();
    with_pin[0] = pinned(
        "term",
        "Raft",
        "What is Term?",
        "A logical clock that orders leaders.",
        "a.md",
        1,
    );
    let report = sync(&mut store, &with_pin, 2 * DAY);
    assert_eq!(report.summary(), "0 added, 0 updated, 1 renamed, 0 retired");
    assert_eq!(report.changes[0].detail, "id pinned");
    assert_eq!(store.review_count(&CardId::pinned("term")).unwrap(), 1);
}

#[test]
fn only_cards_of_the_notes_read_can_retire() {
    let mut store = Store::open_in_memory().unwrap();
    let a = card("Raft", "What is Term?", "A logical clock.", "notes/a.md", 1);
    let b = card("Raft", "Who can vote?", "Every server.", "notes/b.md", 1);
    let other = card(
        "Paxos",
        "What is a ballot?",
        "A proposal number.",
        "elsewhere/p.md",
        1,
    );
    sync_scoped(
        &mut store,
        &[a.clone(), b.clone()],
        &["notes/a.md", "notes/b.md"],
        &["notes/"],
        0,
        false,
    );
    sync(&mut store, &[other], 0);

    // Reading only a.md: b.md's card and elsewhere's stay.
    let report = sync_scoped(
        &mut store,
        std::slice::from_ref(&a),
        &["notes/a.md"],
        &[],
        DAY,
        false,
    );
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 0 retired");

    // Reading the folder after b.md was deleted: b.md's card retires, elsewhere's stays.
    let report = sync_scoped(
        &mut store,
        &[a],
        &["notes/a.md"],
        &["notes/"],
        2 * DAY,
        false,
    );
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 1 retired");
    assert_eq!(report.changes[0].front, "Who can vote?");
}

#[test]
fn duplicate_ids_keep_the_first_card_and_warn() {
    let mut store = Store::open_in_memory().unwrap();
    let cards = vec![
        card("Raft", "What is Term?", "A logical clock.", "a.md", 1),
        card("Raft", "what is  term?", "Something else.", "a.md", 9),
    ];
    let report = sync(&mut store, &cards, 0);
    assert_eq!(report.summary(), "1 added, 0 updated, 0 renamed, 0 retired");
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0].starts_with("a.md:9: card id"),
        "{}",
        report.warnings[0]
    );
    assert!(report.warnings[0].contains("already used at a.md:1"));
    assert_eq!(
        store.card(&cards[0].id).unwrap().unwrap().back,
        "A logical clock."
    );
}

#[test]
fn an_empty_deck_syncs_to_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let report = sync(&mut store, &[], 0);
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 0 retired");
    sync(&mut store, &deck(), 0);
    let report = sync_scoped(&mut store, &[], &["a.md"], &[], DAY, false);
    assert_eq!(report.summary(), "0 added, 0 updated, 0 renamed, 3 retired");
}

#[test]
fn editing_a_leech_unsuspends_it() {
    let mut store = Store::open_in_memory().unwrap();
    sync(&mut store, &deck(), 0);
    let id = deck()[0].id.clone();
    let before = store.card(&id).unwrap().unwrap().sched;
    let leech = Sched {
        lapses: 8,
        reps: 20,
        suspended: true,
        leech: true,
        ..before
    };
    store
        .record_answer(
            &AnswerRecord {
                card_id: id.clone(),
                reviewed_at: Timestamp(DAY),
                rating: Rating::Again,
                before,
                after: leech,
                duration_ms: 1_000,
            },
            |_| unreachable!(),
        )
        .unwrap();
    // Unchanged notes leave it suspended.
    sync(&mut store, &deck(), 2 * DAY);
    assert!(store.card(&id).unwrap().unwrap().sched.suspended);
    let mut edited = deck();
    edited[0].back = "A logical clock: every message carries it.".into();
    let report = sync(&mut store, &edited, 3 * DAY);
    assert_eq!(
        report.changes[0].detail,
        "back edited; leech unsuspended because its note changed"
    );
    let sched = store.card(&id).unwrap().unwrap().sched;
    assert!(!sched.suspended && !sched.leech);
    assert_eq!(sched.lapses, 8, "the history stays");
}
