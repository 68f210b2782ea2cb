//! `mdcards list [NOTES...] [--json]`: the cards the notes produce, as they are reviewed (a
//! reversed note's two, a cloze note's one per number), one per line (id, deck, question,
//! tags, file:line), or a JSON array written card by card, so that a hundred thousand cards
//! never sit in memory twice.

use std::io::{BufWriter, Write};

use anstyle::{AnsiColor, Style};
use miette::{IntoDiagnostic, Result};

use super::input::{self, Purpose};
use super::{Outcome, selection};
use crate::cli::{ListArgs, SelectArgs};
use crate::deck::{Card, CardKind};
use crate::notes::{cloze, split};

pub fn list(args: &ListArgs) -> Result<Outcome> {
    let mut notes = input::load_notes(&args.notes, Purpose::List)?;
    keep_selected(&mut notes.cards, &args.select)?;
    let cards = std::mem::take(&mut notes.cards);
    notes.cards = cards
        .into_iter()
        .flat_map(|note| split(note).into_iter().map(|split| split.card))
        .collect();
    if args.json {
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        write_json(&mut out, &notes.cards).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    } else {
        let mut out = BufWriter::with_capacity(1 << 16, anstream::stdout().lock());
        write_lines(&mut out, &notes.cards).into_diagnostic()?;
        out.flush().into_diagnostic()?;
    }
    let errors = input::report_to_stderr(&notes)?;
    Ok(if errors {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// Narrow `cards` to `--deck` / `--tag`, as a quiz on the same notes would.
fn keep_selected(cards: &mut Vec<Card>, args: &SelectArgs) -> Result<()> {
    if args.decks.is_empty() && args.tags.is_empty() {
        return Ok(());
    }
    let mut decks: Vec<String> = cards.iter().map(|c| c.deck.clone()).collect();
    decks.sort_unstable();
    decks.dedup();
    let mut tags: Vec<String> = cards.iter().flat_map(|c| c.tags.iter().cloned()).collect();
    tags.sort_unstable();
    tags.dedup();
    let filter = selection::resolve(args, &decks, &tags, "in these notes")?;
    cards.retain(|card| filter.admits(&card.deck, &card.tags));
    Ok(())
}

/// `[`, one card per line, `]`.
pub fn write_json(out: &mut impl Write, cards: &[Card]) -> std::io::Result<()> {
    out.write_all(b"[")?;
    for (i, card) in cards.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, card)?;
    }
    out.write_all(b"\n]\n")
}

/// Id and deck in columns, then the question on one line (a cloze card's with its clozes
/// hidden), the tags and the place.
pub fn write_lines(out: &mut impl Write, cards: &[Card]) -> std::io::Result<()> {
    let id_width = cards
        .iter()
        .map(|c| c.id.as_str().chars().count())
        .max()
        .unwrap_or(0);
    let deck_width = cards
        .iter()
        .map(|c| c.deck.chars().count())
        .max()
        .unwrap_or(0);
    let dim = Style::new().dimmed();
    let tag_style = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let mut front = String::new();
    for card in cards {
        front.clear();
        let question = match card.kind {
            CardKind::ClozeNumber(number) => cloze::reveal(
                &card.front,
                number,
                cloze::Side::Question,
                cloze::Form::Text,
            ),
            _ => None,
        };
        for word in question
            .as_deref()
            .unwrap_or(&card.front)
            .split_whitespace()
        {
            if !front.is_empty() {
                front.push(' ');
            }
            front.push_str(word);
        }
        write!(
            out,
            "{dim}{:<id_width$}{dim:#}  {:<deck_width$}  {front}",
            card.id.as_str(),
            card.deck
        )?;
        if !card.tags.is_empty() {
            write!(out, "  {tag_style}")?;
            for (i, tag) in card.tags.iter().enumerate() {
                write!(out, "{}#{tag}", if i == 0 { "" } else { " " })?;
            }
            write!(out, "{tag_style:#}")?;
        }
        writeln!(
            out,
            "  {dim}{}:{}{dim:#}",
            card.location.file.display(),
            card.location.line
        )?;
    }
    Ok(())
}
