//! `mdcards suspend | unsuspend | bury | unbury | forget CARD...`: the card actions of the
//! quiz, on cards named by id or by text of their question. Every name is resolved before
//! anything changes: a name that matches no card, or several without `--all`, changes
//! nothing and exits 1.

use std::io::Write;

use jiff::tz::TimeZone;
use miette::{IntoDiagnostic, Result};

use super::paths::{open_store, store_error};
use super::{Outcome, clock};
use crate::cli::CardsArgs;
use crate::quiz::days;
use crate::srs::Timestamp;
use crate::store::{ActedCard, Store};

/// What a card command does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Suspend,
    Unsuspend,
    Bury,
    Unbury,
    Forget,
}

pub fn act(action: Action, args: &CardsArgs) -> Result<Outcome> {
    let now = clock::now()?;
    let mut store = open_store(&args.db)?;
    let (cards, problems) = resolve(&store, args)?;
    if !problems.is_empty() {
        let mut err = anstream::stderr();
        for problem in &problems {
            writeln!(err, "{problem}").into_diagnostic()?;
        }
        writeln!(err, "nothing changed").into_diagnostic()?;
        return Ok(Outcome::Problems);
    }
    let until = days::today(now, &TimeZone::system()).end;
    let mut out = anstream::stdout();
    for acted in cards {
        let done = apply(&mut store, action, &acted, now, until)?;
        writeln!(
            out,
            "{done}  {}  {}",
            acted.card.id.as_str(),
            acted.card.front.lines().next().unwrap_or("")
        )
        .into_diagnostic()?;
    }
    Ok(Outcome::Success)
}

/// The cards the arguments name (each once, in the order named), and what could not be
/// resolved.
fn resolve(store: &Store, args: &CardsArgs) -> Result<(Vec<ActedCard>, Vec<String>)> {
    let mut cards: Vec<ActedCard> = Vec::new();
    let mut problems = Vec::new();
    for query in &args.cards {
        let found = store.find_cards(query).map_err(store_error)?;
        match found.len() {
            0 => problems.push(format!(
                "no card matches {query:?}: give a card id or text from its question \
                 (`mdcards list` shows both for your notes)"
            )),
            1 => {}
            n if !args.all => {
                let mut text = format!(
                    "{query:?} matches {n} cards; give one's id, or --all to act on all of them:"
                );
                for acted in &found {
                    text.push_str(&format!(
                        "\n  {}  {}",
                        acted.card.id.as_str(),
                        acted.card.front.lines().next().unwrap_or("")
                    ));
                }
                problems.push(text);
                continue;
            }
            _ => {}
        }
        for acted in found {
            if !cards.iter().any(|c| c.card.id == acted.card.id) {
                cards.push(acted);
            }
        }
    }
    if !problems.is_empty() && !store.has_cards().map_err(store_error)? {
        problems.push(
            "the review database has no cards yet: `mdcards quiz NOTES` or `mdcards sync NOTES` \
             adds them"
                .to_owned(),
        );
    }
    Ok((cards, problems))
}

/// Apply `action` to one card; what was done, for the report.
fn apply(
    store: &mut Store,
    action: Action,
    acted: &ActedCard,
    now: Timestamp,
    until: Timestamp,
) -> Result<String> {
    let card = &acted.card;
    let buried = acted.buried_until.is_some_and(|t| t.0 > now.0);
    let done = match action {
        Action::Suspend if card.sched.suspended => "already suspended".to_owned(),
        Action::Suspend => {
            store
                .set_suspended(&card.id, true, now)
                .map_err(store_error)?;
            "suspended".to_owned()
        }
        Action::Unsuspend if !card.sched.suspended => "not suspended".to_owned(),
        Action::Unsuspend => {
            store
                .set_suspended(&card.id, false, now)
                .map_err(store_error)?;
            "unsuspended".to_owned()
        }
        Action::Bury => {
            store.bury(&card.id, Some(until)).map_err(store_error)?;
            format!("buried until {}", local_time(until))
        }
        Action::Unbury if !buried => "not buried".to_owned(),
        Action::Unbury => {
            store.bury(&card.id, None).map_err(store_error)?;
            "unburied".to_owned()
        }
        Action::Forget if card.sched.is_new() => "already new".to_owned(),
        Action::Forget => {
            store.forget(card, now).map_err(store_error)?;
            let kept = store.review_count(&card.id).map_err(store_error)?;
            format!(
                "forgotten (new again; {kept} review{} kept in the log)",
                if kept == 1 { "" } else { "s" }
            )
        }
    };
    Ok(done)
}

/// `2026-03-11 04:00`, in the local time zone.
fn local_time(at: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.0)
        .map(|t| {
            t.to_zoned_datetime(TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.0.to_string())
}
