//! Scenario cards as "mdcards Basic" notes (fields Front, Back, Source: the frozen note
//! type serves them too, so nothing changes for a user's collection):
//!
//! - a generator card (`generate KIND`) becomes K notes, instance n = 1..=K asking the
//!   generator's question for `instance_seed(card id, n)`; guid `"<card id> #<n>"` (card ids
//!   never contain a space), so a re-export with the same K updates the same notes;
//! - a script with `ask` lines becomes one note (guid: the card id) asking them all;
//! - a script with only `expect`s stays a recall note, its back extended by the run.
//!
//! Fronts show the cluster as an inline SVG diagram; backs the answers, the simulator's
//! explanations and the timeline. Scenario notes are few, so they are rendered here, in
//! order, before the package is written; plain cards are rendered as before, in parallel.

use askama::Template;

use super::ExportError;
use super::diagram::{night_css, situation_svg};
use super::html::escape;
use super::media::MediaSet;
use super::model::BASIC_MODEL_ID;
use super::render::{RenderedNote, anki_tags, inline_html, markdown_to_html, render_card};
use crate::deck::Card;
use crate::scenario::script::{ExpectOutcome, Script, ScriptRun};
use crate::scenario::{
    GeneratorKind, Question, ScenarioCard, Situation, generate, instance_seed, scenario_card,
};

/// One note of the package: a card rendered by the workers, or a scenario note ready.
pub enum Item<'a> {
    Card(&'a Card),
    Ready(Box<RenderedNote>),
}

impl Item<'_> {
    pub fn render(&self, media: &MediaSet) -> RenderedNote {
        match self {
            Item::Card(card) => render_card(card, media),
            Item::Ready(note) => (**note).clone(),
        }
    }
}

/// The notes `cards` make, in order: plain cards as they are, scenario cards as their
/// notes (`instances` per generator card). Also returns how many generator instances.
pub fn plan<'a>(
    cards: &'a [Card],
    instances: u32,
    media: &MediaSet,
) -> Result<(Vec<Item<'a>>, usize), ExportError> {
    let mut items = Vec::with_capacity(cards.len());
    let mut generated = 0;
    for card in cards {
        if card.scenario.is_none() {
            items.push(Item::Card(card));
            continue;
        }
        let (notes, instances) = notes_of(card, instances, media)?;
        generated += instances;
        items.extend(notes.into_iter().map(|note| Item::Ready(Box::new(note))));
    }
    Ok((items, generated))
}

/// The notes of a scenario card (none for a card without a scenario): `instances` for a
/// generator card, else one.
pub fn scenario_notes(
    card: &Card,
    instances: u32,
    media: &MediaSet,
) -> Result<Vec<RenderedNote>, ExportError> {
    notes_of(card, instances, media).map(|(notes, _)| notes)
}

/// The notes, and how many of them are generator instances.
fn notes_of(
    card: &Card,
    instances: u32,
    media: &MediaSet,
) -> Result<(Vec<RenderedNote>, usize), ExportError> {
    let Some(source) = &card.scenario else {
        return Ok((Vec::new(), 0));
    };
    let scenario = scenario_card(source).map_err(|error| ExportError::Scenario {
        location: source.location.clone(),
        message: error.to_string(),
    })?;
    Ok(match scenario {
        ScenarioCard::Generator(kind) => {
            let notes = (1..=instances)
                .map(|n| instance_note(card, kind, n, media))
                .collect::<Result<Vec<_>, _>>()?;
            let count = notes.len();
            (notes, count)
        }
        ScenarioCard::Script { questions, .. } if !questions.is_empty() => {
            (vec![asks_note(card, &questions, media)?], 0)
        }
        ScenarioCard::Script { script, run, .. } => {
            (vec![recall_note(card, &script, &run, media)?], 0)
        }
    })
}

/// The guid of a generator card's `n`-th exported instance.
pub fn instance_guid(card: &Card, n: u32) -> String {
    format!("{} #{n}", card.id)
}

#[derive(Template)]
#[template(path = "scenario/front.html", escape = "html")]
struct Front<'a> {
    question: &'a str,
    prompts: Vec<String>,
    svg: Option<String>,
    caption: Option<String>,
}

struct AnswerView {
    text: String,
    explanation: String,
}

#[derive(Template)]
#[template(path = "scenario/back.html", escape = "html")]
struct Back {
    answers: Vec<AnswerView>,
    timeline: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "scenario/recall.html", escape = "html")]
struct Recall {
    notes: String,
    expects: Vec<(bool, String)>,
    error: Option<String>,
    end: Option<String>,
}

#[derive(Template)]
#[template(path = "scenario/style.css", escape = "none")]
struct Style {
    night: String,
}

/// The styling scenario notes need, appended to the note type's CSS.
pub fn css() -> Result<String, askama::Error> {
    Style { night: night_css() }.render()
}

fn html(card: &Card, markdown: &str, media: &MediaSet) -> String {
    let resolve = |written: &str| -> Option<String> {
        let reference = card.media.iter().find(|m| m.written == written)?;
        media.name_of(&reference.path).map(str::to_owned)
    };
    markdown_to_html(markdown, &resolve)
}

fn source_field(card: &Card, extra: Option<String>) -> String {
    let place = format!("{}:{}", card.location.file.display(), card.location.line);
    escape(&match extra {
        Some(extra) => format!("{place} · {extra}"),
        None => place,
    })
}

fn note(card: &Card, guid: String, front: String, back: String, source: String) -> RenderedNote {
    RenderedNote {
        guid,
        deck: card.deck.clone(),
        model: BASIC_MODEL_ID,
        fields: vec![front, back, source],
        tags: anki_tags(&card.tags),
    }
}

/// The note of a script card: its guid is the card's id, its source the card's place.
fn card_note(card: &Card, front: String, back: String) -> RenderedNote {
    note(
        card,
        card.id.as_str().to_owned(),
        front,
        back,
        source_field(card, None),
    )
}

fn front_field(
    card: &Card,
    questions: &[Question],
    situation: Option<&Situation>,
    caption: Option<String>,
    media: &MediaSet,
) -> Result<String, ExportError> {
    let question = inline_html(&html(card, &card.front, media));
    Ok(Front {
        question: &question,
        prompts: questions
            .iter()
            .map(|q| inline_html(&html(card, &q.prompt, media)))
            .collect(),
        svg: situation.map(situation_svg).transpose()?,
        caption,
    }
    .render()?)
}

fn back_field(
    questions: &[Question],
    notes: String,
    card: &Card,
    media: &MediaSet,
) -> Result<String, ExportError> {
    let timeline = crate::raft_render::questions_timeline(questions).unwrap_or_default();
    Ok(Back {
        answers: questions
            .iter()
            .map(|q| AnswerView {
                text: q.answer.to_string(),
                explanation: html(card, &q.explanation, media),
            })
            .collect(),
        timeline,
        notes,
    }
    .render()?)
}

fn instance_note(
    card: &Card,
    kind: GeneratorKind,
    n: u32,
    media: &MediaSet,
) -> Result<RenderedNote, ExportError> {
    let seed = instance_seed(card.id.as_str(), n);
    let question = generate(kind, seed);
    let questions = std::slice::from_ref(&question);
    let front = front_field(
        card,
        questions,
        Some(&question.situation),
        Some(format!("{kind} · instance {n}")),
        media,
    )?;
    let replay = format!(
        "Replay it with `mdcards sim` on this script:\n\n```raft\n{}```\n",
        question.script
    );
    let back = back_field(questions, html(card, &replay, media), card, media)?;
    let source = source_field(card, Some(format!("{kind} #{n}, seed {seed}")));
    Ok(note(card, instance_guid(card, n), front, back, source))
}

fn asks_note(
    card: &Card,
    questions: &[Question],
    media: &MediaSet,
) -> Result<RenderedNote, ExportError> {
    let front = front_field(
        card,
        questions,
        questions.first().map(|q| &q.situation),
        None,
        media,
    )?;
    let back = back_field(questions, html(card, &card.back, media), card, media)?;
    Ok(card_note(card, front, back))
}

fn recall_note(
    card: &Card,
    script: &Script,
    run: &ScriptRun,
    media: &MediaSet,
) -> Result<RenderedNote, ExportError> {
    let (start, end) = Situation::start_and_end(script, run);
    let front = front_field(card, &[], start.as_ref(), None, media)?;
    let back = Recall {
        notes: html(card, &card.back, media),
        expects: run
            .expects
            .iter()
            .map(|e| {
                (
                    matches!(e.outcome, ExpectOutcome::Passed { .. }),
                    e.text.clone(),
                )
            })
            .collect(),
        error: run.error.as_ref().map(ToString::to_string),
        end: end.as_ref().map(situation_svg).transpose()?,
    }
    .render()?;
    Ok(card_note(card, front, back))
}
