//! The scenario parts of a card on screen, shared by the terminal and plain front ends:
//! the questions and the cluster under the card's front, the answer prompt, and on the
//! back each answer graded with the simulator's explanation and, when asked for or after a
//! wrong answer, the timeline of the run.

use super::render::render;
use super::scenario::{Asks, Attempt, RecallRun};
use super::styled::{Line, Span, palette};
use crate::raft_render::situation_lines;
use crate::scenario::script::ExpectOutcome;
use crate::scenario::{Origin, Question, Verdict};
use crate::srs::Rating;
use crate::store::StoredCard;

/// Under the card's front: the questions, then the cluster they are about.
pub fn front(attempt: &Attempt, width: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let questions = attempt.questions();
    for (index, question) in questions.iter().enumerate() {
        let mut rendered = render(&question.prompt, width.saturating_sub(3));
        if questions.len() > 1 {
            indent_under(&mut rendered, &format!("{}. ", index + 1));
        }
        if !lines.is_empty() && questions.len() == 1 {
            lines.push(Vec::new());
        }
        lines.extend(rendered);
    }
    if let Asks::Broken(why) = &attempt.asks {
        lines.push(vec![Span::new(why.clone(), palette::HARD)]);
    }
    if let Some(situation) = attempt.situation() {
        if !lines.is_empty() {
            lines.push(Vec::new());
        }
        lines.extend(situation_lines(situation, width));
    }
    lines
}

/// `answer (yes or no): ` or `answer 2 of 3 (a whole number): `, for the pending question.
pub fn prompt(attempt: &Attempt) -> Option<String> {
    let (index, question) = attempt.pending()?;
    let count = attempt.questions().len();
    let which = if count > 1 {
        format!(" {} of {count}", index + 1)
    } else {
        String::new()
    };
    Some(format!(
        "answer{which} ({}): ",
        question.answer.kind().form()
    ))
}

/// The keys on the front of a scenario card with the prompt closed.
pub fn front_keys() -> Line {
    vec![Span::new(
        "[enter] answer   u undo   s bury   e edit   q quit",
        palette::DIM,
    )]
}

/// The answer side of a scenario card: a rule, each question graded with its explanation,
/// the timeline if it is to show, then the card's own answer text (a generator card's
/// `generate` block left out); for a recall card, its answer and what the simulator did.
pub fn answer_side(card: &StoredCard, attempt: &Attempt, width: usize) -> Vec<Line> {
    let mut lines = vec![rule("answer", width)];
    match &attempt.asks {
        Asks::Questions(questions) => {
            for (index, question) in questions.iter().enumerate() {
                if index > 0 {
                    lines.push(Vec::new());
                }
                let verdict = attempt.verdicts.get(index);
                lines.extend(graded(question, verdict, index, questions.len(), width));
            }
            if attempt.timeline {
                lines.push(Vec::new());
                lines.extend(timeline(attempt, width));
            }
            let generated = questions
                .iter()
                .any(|q| matches!(q.origin, Origin::Generator { .. }));
            let notes = if generated {
                without_generate_block(&card.back)
            } else {
                card.back.clone()
            };
            let notes = render(&notes, width);
            if !notes.is_empty() {
                lines.push(Vec::new());
                lines.push(rule("notes", width));
                lines.extend(notes);
            }
        }
        Asks::Recall(run) => {
            lines.extend(render(&card.back, width));
            lines.extend(recall(run, width));
        }
        Asks::Broken(_) => lines.extend(render(&card.back, width)),
    }
    lines
}

/// The run's timeline under a rule; nothing if the card has none.
pub fn timeline(attempt: &Attempt, width: usize) -> Vec<Line> {
    let Some(text) = attempt.timeline_text() else {
        return Vec::new();
    };
    let mut lines = vec![rule("timeline", width)];
    lines.extend(
        text.trim_end()
            .lines()
            .map(|line| vec![Span::new(line.to_owned(), palette::DIM)]),
    );
    lines
}

/// The rating keys with their intervals, then what enter does and the timeline key.
pub fn rating_keys(intervals: Option<[i64; 4]>, attempt: &Attempt) -> Line {
    let mut line = super::cardview::rating_keys(intervals);
    line.push(Span::plain("   "));
    line.extend(enter_hint(attempt));
    line
}

/// A generator card's back is its `generate KIND` block, which says nothing on the answer
/// side; any prose around it stays.
fn without_generate_block(back: &str) -> String {
    let mut out = String::with_capacity(back.len());
    let mut lines = back.lines().peekable();
    while let Some(line) = lines.next() {
        let fence = line.trim_start();
        let is_raft_fence = fence.starts_with("```raft") || fence.starts_with("~~~raft");
        if is_raft_fence {
            let body: Vec<&str> = lines
                .clone()
                .take_while(|l| !l.trim_start().starts_with(&fence[..3]))
                .collect();
            let generate = body.iter().any(|l| l.trim_start().starts_with("generate"));
            if generate {
                // Skip the body and the closing fence.
                for _ in 0..=body.len() {
                    lines.next();
                }
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `✓ no` or `✗ you answered yes; the answer is no`, then the explanation.
fn graded(
    question: &Question,
    verdict: Option<&Verdict>,
    index: usize,
    count: usize,
    width: usize,
) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut head: Line = Vec::new();
    if count > 1 {
        head.push(Span::plain(format!("{}. ", index + 1)));
    }
    match verdict {
        Some(verdict) if verdict.correct => {
            head.push(Span::new("✓ right: ", palette::GOOD));
            head.push(Span::new(question.answer.to_string(), palette::BOLD));
        }
        Some(verdict) => {
            head.push(Span::new("✗ wrong: ", palette::AGAIN));
            head.push(Span::plain(format!(
                "you answered {}; the answer is ",
                verdict.given
            )));
            head.push(Span::new(question.answer.to_string(), palette::BOLD));
        }
        None => {
            head.push(Span::new("not answered; the answer is ", palette::DIM));
            head.push(Span::new(question.answer.to_string(), palette::BOLD));
        }
    }
    if count > 1 {
        let mut prompt = render(&question.prompt, width.saturating_sub(3));
        indent_under(&mut prompt, &format!("{}. ", index + 1));
        lines.extend(prompt);
        head[0] = Span::plain("   ");
    }
    lines.push(head);
    let mut explanation = render(&question.explanation, width.saturating_sub(3));
    indent_under(&mut explanation, "   ");
    lines.extend(explanation);
    lines
}

fn recall(run: &RecallRun, width: usize) -> Vec<Line> {
    let mut lines = vec![Vec::new(), rule("simulator", width)];
    for expect in &run.expects {
        let line = match &expect.outcome {
            ExpectOutcome::Passed { .. } => vec![
                Span::new("✓ ", palette::GOOD),
                Span::plain(expect.text.clone()),
            ],
            ExpectOutcome::Failed { actual, .. } => vec![
                Span::new("✗ ", palette::AGAIN),
                Span::plain(expect.text.clone()),
                Span::new(format!("  (the simulator says {actual})"), palette::AGAIN),
            ],
            ExpectOutcome::NotRun => vec![
                Span::new("· ", palette::DIM),
                Span::new(format!("{}  (not reached)", expect.text), palette::DIM),
            ],
        };
        lines.push(line);
    }
    if let Some(error) = &run.error {
        lines.push(vec![Span::new(
            format!("the run stopped: {error}"),
            palette::HARD,
        )]);
    }
    if let Some(end) = &run.end {
        if !run.expects.is_empty() || run.error.is_some() {
            lines.push(Vec::new());
        }
        lines.push(vec![Span::new("at the end of the run:", palette::DIM)]);
        lines.extend(situation_lines(end, width));
    }
    lines
}

/// The rating keys' companion for a scenario card: what enter does, and the timeline key.
pub fn enter_hint(attempt: &Attempt) -> Line {
    let rating = attempt.preselected();
    let style = if rating == Rating::Again {
        palette::AGAIN
    } else {
        palette::GOOD
    };
    let mut line = vec![
        Span::new("enter ", palette::DIM),
        Span::new(super::driver::rating_name(rating), style),
    ];
    if attempt.asks_questions() && !attempt.timeline && attempt.timeline_text().is_some() {
        line.push(Span::new("   t timeline", palette::DIM));
    }
    line
}

/// `── label ────`, at most 72 display columns.
pub fn rule(label: &str, width: usize) -> Line {
    let used = super::styled::columns(label) + 4;
    vec![Span::new(
        format!(
            "── {label} {}",
            "─".repeat(width.min(72).saturating_sub(used))
        ),
        palette::DIM,
    )]
}

/// Hang `lines` under `marker` ("1. "): the first line starts with it, the rest line up.
fn indent_under(lines: &mut [Line], marker: &str) {
    let pad = " ".repeat(super::styled::columns(marker));
    for (i, line) in lines.iter_mut().enumerate() {
        let lead = if i == 0 {
            marker.to_owned()
        } else {
            pad.clone()
        };
        if !line.is_empty() {
            line.insert(0, Span::plain(lead));
        }
    }
}
