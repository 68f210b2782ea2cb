//! The styles of the pictures: a colour per term, the same everywhere it appears, and an
//! effect per role.

use anstyle::{AnsiColor, Color, Effects, Style};

use crate::raft::{Role, Term};

const TERM_COLOURS: [AnsiColor; 6] = [
    AnsiColor::Blue,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Magenta,
    AnsiColor::Cyan,
    AnsiColor::Red,
];

/// The colour of a term, cycled from term 1; term 0 is plain.
pub fn term_style(term: Term) -> Style {
    if term == 0 {
        return Style::new();
    }
    let colour = TERM_COLOURS[((term - 1) % TERM_COLOURS.len() as Term) as usize];
    Style::new().fg_color(Some(Color::Ansi(colour)))
}

/// A leader in bold, a candidate underlined, a crashed node dimmed.
pub(super) fn role_style(role: Role, crashed: bool) -> Style {
    if crashed {
        return dim();
    }
    match role {
        Role::Leader => bold(),
        Role::Candidate => Style::new().effects(Effects::UNDERLINE),
        Role::Follower => Style::new(),
    }
}

pub(super) fn dim() -> Style {
    Style::new().effects(Effects::DIMMED)
}

pub(super) fn bold() -> Style {
    Style::new().effects(Effects::BOLD)
}

/// A committed entry: its term's colour, in bold.
pub(super) fn committed(term: Term) -> Style {
    term_style(term).effects(Effects::BOLD)
}

/// A node's role and term in one span: the term's colour with the role's effect.
pub(super) fn role_and_term(role: Role, crashed: bool, term: Term) -> Style {
    term_style(term).effects(role_style(role, crashed).get_effects())
}

/// A message's JSON, in the colour the quiz gives code.
pub(super) fn code() -> Style {
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)))
}
