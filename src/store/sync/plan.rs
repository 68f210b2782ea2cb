//! Planning a sync, without touching the database: classify every card of the notes
//! against what is stored, then match vanished cards to appeared ones.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::layout::Place;
use super::matching::{self, Side};
use super::{Change, ChangeKind, Counts, NoteCard, Scope, SyncReport, in_scope};
use crate::deck::{CardId, CardKind, normalise};
use crate::store::fasthash::FastMap;

/// What the store holds about a card, enough to classify it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEntry {
    pub id: CardId,
    /// Shared between the cards of a source.
    pub source: Arc<str>,
    pub content_hash: i64,
    pub pinned: bool,
    pub retired: bool,
    pub suspended: bool,
    pub leech: bool,
}

/// A stored card's text, read only for cards that changed or vanished.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredText {
    pub deck: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub scenario: Option<String>,
    /// Reviews in its log.
    pub reviews: u32,
    /// Where it was at the last sync.
    pub place: Option<Place>,
}

/// A write the sync will make. `card` indexes the notes' cards.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Insert {
        card: usize,
    },
    /// New content and location (a retired card comes back); `release_leech` unsuspends a
    /// leech whose note was edited.
    Update {
        id: CardId,
        card: usize,
        release_leech: bool,
    },
    Rename {
        old_id: CardId,
        card: usize,
        reason: String,
        release_leech: bool,
    },
    Retire {
        id: CardId,
    },
}

/// Stored cards by id.
pub type Entries = HashMap<CardId, StoredEntry, FastMap>;
/// Stored texts by id.
pub type Texts = HashMap<CardId, StoredText, FastMap>;
/// Reads stored texts for a batch of ids.
pub type TextLookup<'a, E> = dyn FnMut(&[&CardId]) -> Result<Texts, E> + 'a;

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub actions: Vec<Action>,
    pub report: SyncReport,
}

/// Classify. `stored` holds every stored card in scope plus any stored card whose id the
/// notes use; `texts` reads stored texts in bulk.
pub fn plan<E>(
    cards: &[NoteCard],
    stored: &Entries,
    scope: &Scope,
    texts: &mut TextLookup<'_, E>,
) -> Result<Plan, E> {
    let mut warnings = Vec::new();
    let mut first: HashMap<&CardId, usize, FastMap> =
        HashMap::with_capacity_and_hasher(cards.len(), FastMap::default());
    let mut unique = Vec::new();
    for (index, note) in cards.iter().enumerate() {
        if let Some(&earlier) = first.get(&note.card.id) {
            warnings.push(format!(
                "{}:{}: card id {} is already used at {}:{}; this card was not synced \
                 (give one of them a different front or a `<!-- id: -->` pin)",
                note.source,
                note.card.location.line,
                note.card.id,
                cards[earlier].source,
                cards[earlier].card.location.line
            ));
            continue;
        }
        first.insert(&note.card.id, index);
        unique.push(index);
    }

    // Classify by id.
    let mut known = Vec::new(); // (card index, entry, hash changed, moved)
    let mut appeared = Vec::new();
    for &index in &unique {
        let note = &cards[index];
        match stored.get(&note.card.id) {
            Some(entry) => {
                let changed = entry.content_hash != note.hash;
                let moved = *entry.source != *note.source;
                known.push((index, entry, changed, moved));
            }
            None => appeared.push(index),
        }
    }
    let mut vanished: Vec<&StoredEntry> = stored
        .values()
        .filter(|e| {
            !e.retired
                && !first.contains_key(&e.id)
                && in_scope(&e.source, &scope.files, &scope.folders)
        })
        .collect();

    // Read the texts we need to explain changes and to match renames.
    let mut wanted: Vec<&CardId> = known
        .iter()
        .filter(|(_, entry, changed, moved)| *changed || *moved || entry.retired)
        .map(|(_, entry, _, _)| &entry.id)
        .collect();
    wanted.extend(vanished.iter().map(|e| &e.id));
    let texts = if wanted.is_empty() {
        Texts::default()
    } else {
        texts(&wanted)?
    };
    let position = |id: &CardId| {
        texts
            .get(id)
            .and_then(|t| t.place)
            .map_or(u32::MAX, |p| p.position)
    };
    vanished.sort_by(|a, b| {
        (&a.source, position(&a.id), &a.id).cmp(&(&b.source, position(&b.id), &b.id))
    });

    let mut actions = Vec::new();
    let mut changes: Vec<(usize, Change)> = Vec::new();
    let mut counts = Counts::default();

    for &(index, entry, changed, moved) in &known {
        let note = &cards[index];
        if !(changed || moved || entry.retired) {
            // Shifted lines or a new order in the file are not changes: the file's layout
            // records them.
            counts.unchanged += 1;
            continue;
        }
        let text = texts.get(&entry.id);
        let release_leech = changed && entry.leech && entry.suspended;
        let mut details = Vec::new();
        if entry.retired {
            details.push("its note is back".to_owned());
        }
        if let Some(text) = text {
            details.extend(describe_edit(text, note, entry.pinned));
        }
        if release_leech {
            details.push("leech unsuspended because its note changed".to_owned());
        }
        let kind = if entry.retired {
            counts.restored += 1;
            ChangeKind::Restored
        } else {
            counts.updated += 1;
            ChangeKind::Updated
        };
        actions.push(Action::Update {
            id: entry.id.clone(),
            card: index,
            release_leech,
        });
        let mut c = change(
            kind,
            note,
            None,
            details.join("; "),
            text.map_or(0, |t| t.reviews),
        );
        if moved {
            c.moved_from = Some(entry.source.to_string());
        }
        changes.push((index, c));
    }

    // Match renames: vanished unpinned cards against appeared ones.
    let normalised_old: Vec<(&str, String, String)> = vanished
        .iter()
        .map(|e| match texts.get(&e.id) {
            Some(t) => (t.deck.as_str(), normalise(&t.front), normalise(&t.back)),
            None => Default::default(),
        })
        .collect();
    let old_candidates: Vec<usize> = (0..vanished.len())
        .filter(|&v| !vanished[v].pinned)
        .collect();
    let old_sides: Vec<Side<'_>> = old_candidates
        .iter()
        .map(|&v| Side {
            id: &vanished[v].id,
            deck: normalised_old[v].0,
            front: &normalised_old[v].1,
            back: &normalised_old[v].2,
            source: &vanished[v].source,
            position: position(&vanished[v].id),
            pinned: false,
        })
        .collect();
    let normalised_new: Vec<(&str, String, String)> = appeared
        .iter()
        .map(|&i| {
            let c = &cards[i].card;
            (c.deck.as_str(), normalise(&c.front), normalise(&c.back))
        })
        .collect();
    let new_sides: Vec<Side<'_>> = appeared
        .iter()
        .enumerate()
        .map(|(k, &i)| Side {
            id: &cards[i].card.id,
            deck: normalised_new[k].0,
            front: &normalised_new[k].1,
            back: &normalised_new[k].2,
            source: &cards[i].source,
            position: cards[i].position,
            pinned: cards[i].card.pinned,
        })
        .collect();
    let matches = matching::match_renames(&old_sides, &new_sides);

    let mut renamed_old: HashSet<&CardId, FastMap> = HashSet::default();
    let mut renamed_new: HashSet<usize> = HashSet::new();
    for m in &matches {
        let entry = vanished[old_candidates[m.vanished]];
        let index = appeared[m.appeared];
        let note = &cards[index];
        let text = texts.get(&entry.id);
        let release_leech = entry.leech && entry.suspended;
        let mut detail = m.reason.describe();
        if release_leech {
            detail.push_str("; leech unsuspended because its note changed");
        }
        renamed_old.insert(&entry.id);
        renamed_new.insert(index);
        counts.renamed += 1;
        actions.push(Action::Rename {
            old_id: entry.id.clone(),
            card: index,
            reason: m.reason.describe(),
            release_leech,
        });
        let mut c = change(
            ChangeKind::Renamed,
            note,
            Some(entry.id.clone()),
            detail,
            text.map_or(0, |t| t.reviews),
        );
        c.old_front = text.map(|t| t.front.clone());
        changes.push((index, c));
    }

    for &index in &appeared {
        if renamed_new.contains(&index) {
            continue;
        }
        counts.added += 1;
        actions.push(Action::Insert { card: index });
        changes.push((
            index,
            change(
                ChangeKind::Added,
                &cards[index],
                None,
                added_detail(&cards[index]),
                0,
            ),
        ));
    }
    changes.sort_by_key(|(index, _)| *index);
    let mut changes: Vec<Change> = changes.into_iter().map(|(_, c)| c).collect();

    for entry in vanished {
        if renamed_old.contains(&entry.id) {
            continue;
        }
        counts.retired += 1;
        actions.push(Action::Retire {
            id: entry.id.clone(),
        });
        let text = texts.get(&entry.id);
        changes.push(Change {
            kind: ChangeKind::Retired,
            id: entry.id.clone(),
            old_id: None,
            deck: text.map(|t| t.deck.clone()).unwrap_or_default(),
            front: text.map(|t| t.front.clone()).unwrap_or_default(),
            old_front: None,
            source: entry.source.to_string(),
            line: text.and_then(|t| t.place).map_or(0, |p| p.line),
            moved_from: None,
            detail: "its note is gone; history kept, hidden from quizzes".to_owned(),
            reviews: text.map_or(0, |t| t.reviews),
        });
    }

    // A cloze card shows what its note's other clozes hide: when any card of a note
    // changed, the note's unchanged cloze cards get their text rewritten, unreported.
    let touched: HashSet<u32> = actions
        .iter()
        .filter_map(|action| match action {
            Action::Insert { card } | Action::Update { card, .. } | Action::Rename { card, .. } => {
                Some(cards[*card].note)
            }
            Action::Retire { .. } => None,
        })
        .collect();
    if !touched.is_empty() {
        for &(index, entry, changed, moved) in &known {
            let note = &cards[index];
            if !(changed || moved || entry.retired)
                && touched.contains(&note.note)
                && matches!(note.card.kind, CardKind::ClozeNumber(_))
            {
                actions.push(Action::Update {
                    id: entry.id.clone(),
                    card: index,
                    release_leech: false,
                });
            }
        }
    }

    Ok(Plan {
        actions,
        report: SyncReport {
            dry_run: false,
            counts,
            changes,
            warnings,
        },
    })
}

fn change(
    kind: ChangeKind,
    note: &NoteCard,
    old_id: Option<CardId>,
    detail: String,
    reviews: u32,
) -> Change {
    Change {
        kind,
        id: note.card.id.clone(),
        old_id,
        deck: note.card.deck.clone(),
        front: note.card.front.clone(),
        old_front: None,
        source: note.source.clone(),
        line: note.card.location.line,
        moved_from: None,
        detail,
        reviews,
    }
}

/// A reverse card's front is its note's answer: say which card it is.
fn added_detail(note: &NoteCard) -> String {
    match note.card.kind {
        CardKind::Reverse => "reverse card".to_owned(),
        _ => String::new(),
    }
}

/// What differs between the stored text and the note, in words.
fn describe_edit(old: &StoredText, note: &NoteCard, pinned: bool) -> Vec<String> {
    let card = &note.card;
    let mut details = Vec::new();
    let reworded = normalise(&old.front) != normalise(&card.front);
    if old.front != card.front {
        details.push(match card.kind {
            // A reverse card asks the note's answer.
            CardKind::Reverse => "answer edited".to_owned(),
            CardKind::ClozeNumber(number) if reworded => format!("cloze c{number} edited"),
            CardKind::ClozeNumber(_) => "text reformatted".to_owned(),
            _ if pinned && reworded => "front edited (pinned id kept)".to_owned(),
            _ => "front reformatted".to_owned(),
        });
    }
    if old.back != card.back {
        details.push(
            match card.kind {
                CardKind::Reverse => "question reformatted",
                CardKind::ClozeNumber(_) => "extra edited",
                _ => "back edited",
            }
            .to_owned(),
        );
    }
    if old.deck != card.deck {
        details.push(format!("deck {:?} -> {:?}", old.deck, card.deck));
    }
    if old.tags != card.tags {
        let added: Vec<&String> = card.tags.iter().filter(|t| !old.tags.contains(t)).collect();
        let removed: Vec<&String> = old.tags.iter().filter(|t| !card.tags.contains(t)).collect();
        let mut words = Vec::new();
        words.extend(added.iter().map(|t| format!("+#{t}")));
        words.extend(removed.iter().map(|t| format!("-#{t}")));
        if words.is_empty() {
            details.push("tags reordered".to_owned());
        } else {
            details.push(format!("tags {}", words.join(" ")));
        }
    }
    let scenario = card.scenario.as_ref().map(|s| &s.script);
    if old.scenario.as_ref() != scenario {
        details.push("scenario edited".to_owned());
    }
    details
}
