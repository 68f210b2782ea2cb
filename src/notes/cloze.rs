//! Anki's cloze deletions in a card's markdown: `{{c1::answer}}` and `{{c1::answer::hint}}`.
//!
//! They are read the way Anki reads them (rslib's `cloze.rs`), so that a card shows the same
//! in the quiz as in Anki: `{{c` + a number + `::` opens a cloze; the first `}}` closes the
//! innermost open one; the first `::` at a cloze's own level starts its hint; clozes nest;
//! and a `}}` outside any cloze is text (JSON and code are full of them).
//!
//! What Anki would show wrongly, or drop without a word, is a [`Fault`] here: an unclosed
//! cloze (Anki drops the rest of the field), number 0 (no card) or above 500 (Anki's last
//! card), several numbers in one cloze (`{{c1,2::`, which older Anki and AnkiDroid show as
//! text), an empty answer or hint, a mistyped opener (`{{c1:x}}`, `{{c::x}}`, `{{C1::x}}`),
//! a cloze inside a hint or ten clozes deep, and a cloze that starts and ends in different
//! markdown elements (two paragraphs, or half in a code span), which cannot be hidden as one
//! piece.
//!
//! Everything here is pure string work on byte ranges of the text it is given.

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::markdown;

/// The highest cloze number Anki makes a card for (`c500`).
pub const MAX_NUMBER: u16 = 500;

/// Anki ignores a cloze opened inside ten open ones.
const MAX_DEPTH: usize = 10;

/// Marks around the part of a question or answer that the quiz highlights (see
/// [`reveal`]). Private-use characters: no notes contain them by accident.
pub const MARK_START: char = '\u{E0C1}';
pub const MARK_END: char = '\u{E0C2}';

/// One cloze deletion; ranges are byte offsets into the text scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cloze {
    pub number: u16,
    /// The whole cloze, `{{c1::` to `}}`.
    pub range: Range<usize>,
    /// What it hides: from after the opening `::` to the hint's `::` or to `}}`.
    pub answer: Range<usize>,
    /// The hint, between the second `::` and `}}`.
    pub hint: Option<Range<usize>>,
    /// Clozes inside the answer, in order.
    pub inner: Vec<Cloze>,
}

impl Cloze {
    fn holds(&self, number: u16) -> bool {
        self.number == number || self.inner.iter().any(|c| c.holds(number))
    }

    fn numbers_into(&self, numbers: &mut BTreeSet<u16>) {
        numbers.insert(self.number);
        for inner in &self.inner {
            inner.numbers_into(numbers);
        }
    }
}

/// What is wrong with a cloze, and where (a byte range of the text scanned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub range: Range<usize>,
    pub kind: FaultKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    Unclosed,
    NumberZero,
    NumberTooHigh,
    SeveralNumbers,
    NoNumber,
    OneColon,
    Uppercase,
    EmptyAnswer,
    EmptyHint,
    InHint,
    TooDeep,
    /// Starts in one markdown element and ends in another (named).
    Crosses(&'static str),
}

impl FaultKind {
    /// What is wrong, in one sentence.
    pub fn message(&self) -> String {
        match self {
            FaultKind::Unclosed => "cloze is never closed".to_owned(),
            FaultKind::NumberZero => "cloze number 0 makes no card".to_owned(),
            FaultKind::NumberTooHigh => {
                format!("cloze numbers go up to c{MAX_NUMBER}, Anki's last card")
            }
            FaultKind::SeveralNumbers => "a cloze has one number".to_owned(),
            FaultKind::NoNumber => "cloze without a number".to_owned(),
            FaultKind::OneColon => "cloze with one colon after its number".to_owned(),
            FaultKind::Uppercase => "cloze written with a capital C".to_owned(),
            FaultKind::EmptyAnswer => "cloze hides nothing".to_owned(),
            FaultKind::EmptyHint => "cloze with an empty hint".to_owned(),
            FaultKind::InHint => "a cloze inside another cloze's hint".to_owned(),
            FaultKind::TooDeep => format!("more than {MAX_DEPTH} clozes inside each other"),
            FaultKind::Crosses(what) => format!("cloze starts and ends in different {what}"),
        }
    }

    /// A short note shown under the highlighted source.
    pub fn label(&self) -> &'static str {
        match self {
            FaultKind::Unclosed => "no `}}` after this",
            FaultKind::NumberZero | FaultKind::NumberTooHigh => "number out of range",
            FaultKind::SeveralNumbers => "several numbers",
            FaultKind::NoNumber => "no number after `c`",
            FaultKind::OneColon => "`:` where `::` belongs",
            FaultKind::Uppercase => "capital `C`",
            FaultKind::EmptyAnswer => "empty answer",
            FaultKind::EmptyHint => "empty hint",
            FaultKind::InHint => "cloze in a hint",
            FaultKind::TooDeep => "too deep",
            FaultKind::Crosses(_) => "crosses a markdown boundary",
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            FaultKind::Unclosed => "end the cloze with `}}` (Anki drops everything after an unclosed cloze); a `}}` inside the hidden text closes it early, so write `} }` there".to_owned(),
            FaultKind::NumberZero | FaultKind::NumberTooHigh => {
                format!("number clozes from c1 to c{MAX_NUMBER}; each number is one card")
            }
            FaultKind::SeveralNumbers => "write the cloze once per number, or give both parts one number (older Anki and AnkiDroid show `{{c1,2::` as text)".to_owned(),
            FaultKind::NoNumber | FaultKind::OneColon | FaultKind::Uppercase => {
                "write `{{c1::answer}}` or `{{c1::answer::hint}}`".to_owned()
            }
            FaultKind::EmptyAnswer => "write the text to hide between `::` and `}}`".to_owned(),
            FaultKind::EmptyHint => {
                "write the hint after the second `::`, or remove the `::` (Anki would show `[]`)"
                    .to_owned()
            }
            FaultKind::InHint => "a hint is plain text; move the inner cloze into the answer part".to_owned(),
            FaultKind::TooDeep => "Anki ignores clozes nested this deep; flatten them".to_owned(),
            FaultKind::Crosses(_) => "a cloze covers text inside one paragraph, heading, list item, table cell, code span or code block; close it before the boundary, or use two clozes with the same number".to_owned(),
        }
    }
}

/// The clozes of a text and what is wrong with them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Top-level clozes in order, each with the clozes inside it.
    pub clozes: Vec<Cloze>,
    pub faults: Vec<Fault>,
}

impl Scan {
    /// Every cloze number, inner clozes included.
    pub fn numbers(&self) -> BTreeSet<u16> {
        let mut numbers = BTreeSet::new();
        for cloze in &self.clozes {
            cloze.numbers_into(&mut numbers);
        }
        numbers
    }
}

/// A cloze being read.
struct Open {
    number: u16,
    start: usize,
    answer_start: usize,
    /// Where the hint starts, once its `::` is seen.
    hint_start: Option<usize>,
    inner: Vec<Cloze>,
}

/// True when `text` may hold a cloze (or a mistyped one): the cheap test that spares most
/// cards any further work.
pub fn may_hold_cloze(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"{{").any(|at| matches!(bytes.get(at + 2), Some(b'c' | b'C')))
}

/// The clozes of `text`, read as Anki reads them (see the module documentation).
pub fn scan(text: &str) -> Scan {
    let mut scan = Scan::default();
    if !may_hold_cloze(text) {
        return scan;
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'{', b'}', b':', &bytes[at..]) {
        let p = at + found;
        let rest = &bytes[p..];
        if rest.starts_with(b"{{") {
            match opener(text, p) {
                Opener::Cloze { number, end, fault } => {
                    if let Some(kind) = fault {
                        scan.faults.push(Fault {
                            range: p..end,
                            kind,
                        });
                    }
                    if stack.len() >= MAX_DEPTH {
                        scan.faults.push(Fault {
                            range: p..end,
                            kind: FaultKind::TooDeep,
                        });
                    } else {
                        if stack.last().is_some_and(|open| open.hint_start.is_some()) {
                            scan.faults.push(Fault {
                                range: p..end,
                                kind: FaultKind::InHint,
                            });
                        }
                        stack.push(Open {
                            number,
                            start: p,
                            answer_start: end,
                            hint_start: None,
                            inner: Vec::new(),
                        });
                    }
                    at = end;
                    continue;
                }
                Opener::Mistyped { end, kind } => {
                    scan.faults.push(Fault {
                        range: p..end,
                        kind,
                    });
                    at = end;
                    continue;
                }
                Opener::None => {}
            }
        } else if rest.starts_with(b"}}") {
            if let Some(open) = stack.pop() {
                let cloze = close(open, p, &mut scan.faults, text);
                match stack.last_mut() {
                    Some(parent) => parent.inner.push(cloze),
                    None => scan.clozes.push(cloze),
                }
            }
            at = p + 2;
            continue;
        } else if rest.starts_with(b"::")
            && let Some(open) = stack.last_mut()
            && open.hint_start.is_none()
        {
            open.hint_start = Some(p + 2);
            at = p + 2;
            continue;
        }
        at = p + 1;
    }
    for open in stack {
        scan.faults.push(Fault {
            range: open.start..open.answer_start,
            kind: FaultKind::Unclosed,
        });
    }
    scan.faults.sort_by_key(|f| f.range.start);
    scan
}

enum Opener {
    /// `{{c` + number + `::`, ending at `end`; a number Anki would not make a card for, or
    /// several numbers, are faults of a cloze that is still read as one.
    Cloze {
        number: u16,
        end: usize,
        fault: Option<FaultKind>,
    },
    /// Meant as a cloze, but Anki would show it as text.
    Mistyped {
        end: usize,
        kind: FaultKind,
    },
    None,
}

/// What starts at `p`, which holds `{{`.
fn opener(text: &str, p: usize) -> Opener {
    let bytes = text.as_bytes();
    let Some(&letter) = bytes.get(p + 2) else {
        return Opener::None;
    };
    if letter != b'c' && letter != b'C' {
        return Opener::None;
    }
    let digits_start = p + 3;
    let digits_end = digits_start
        + bytes[digits_start..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b',')
            .count();
    let digits = &text[digits_start..digits_end];
    let double_colon = bytes[digits_end..].starts_with(b"::");
    let has_digit = digits.bytes().any(|b| b.is_ascii_digit());
    if letter == b'C' {
        return if has_digit && double_colon {
            Opener::Mistyped {
                end: digits_end + 2,
                kind: FaultKind::Uppercase,
            }
        } else {
            Opener::None
        };
    }
    if !has_digit {
        return if double_colon && digits.is_empty() {
            Opener::Mistyped {
                end: digits_end + 2,
                kind: FaultKind::NoNumber,
            }
        } else {
            Opener::None
        };
    }
    if !double_colon {
        return if bytes.get(digits_end) == Some(&b':') && !digits.contains(',') {
            Opener::Mistyped {
                end: digits_end + 1,
                kind: FaultKind::OneColon,
            }
        } else {
            Opener::None
        };
    }
    let end = digits_end + 2;
    let mut numbers = digits.split(',').filter(|part| !part.is_empty());
    let first = numbers.next().unwrap_or("");
    let several = numbers.next().is_some();
    let value: u32 = first.parse().unwrap_or(u32::MAX);
    let (number, fault) = match value {
        0 => (0, Some(FaultKind::NumberZero)),
        v if v > u32::from(MAX_NUMBER) => (MAX_NUMBER, Some(FaultKind::NumberTooHigh)),
        v => (v as u16, None),
    };
    let fault = if several {
        Some(FaultKind::SeveralNumbers)
    } else {
        fault
    };
    Opener::Cloze { number, end, fault }
}

/// The cloze `open` closed by the `}}` at `p`.
fn close(open: Open, p: usize, faults: &mut Vec<Fault>, text: &str) -> Cloze {
    let range = open.start..p + 2;
    let (answer, hint) = match open.hint_start {
        Some(hint_start) => (open.answer_start..hint_start - 2, Some(hint_start..p)),
        None => (open.answer_start..p, None),
    };
    if text[answer.clone()].trim().is_empty() && open.inner.is_empty() {
        faults.push(Fault {
            range: range.clone(),
            kind: FaultKind::EmptyAnswer,
        });
    }
    if let Some(hint) = &hint
        && text[hint.clone()].trim().is_empty()
    {
        faults.push(Fault {
            range: range.clone(),
            kind: FaultKind::EmptyHint,
        });
    }
    Cloze {
        number: open.number,
        range,
        answer,
        hint,
        inner: open.inner,
    }
}

/// Where a cloze sits in the markdown, which decides how its `[...]` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Running text: `[` and `]` are escaped so the marker is never read as a link.
    Prose,
    /// A code span or block, math, or HTML: written as is.
    Verbatim,
}

/// The clozes of a card's markdown, with the faults [`scan`] finds plus a cloze that
/// starts in one markdown element and ends in another, and each top-level cloze's context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located {
    pub scan: Scan,
    /// One per top-level cloze.
    pub contexts: Vec<Context>,
    /// One per top-level cloze: the top-level block (paragraph, heading, list...) it is in.
    pub blocks: Vec<Range<usize>>,
}

/// [`scan`] `markdown`, then check each cloze against the markdown's structure.
pub fn locate(markdown: &str) -> Located {
    let mut scan = scan(markdown);
    if scan.clozes.is_empty() {
        return Located {
            scan,
            ..Located::default()
        };
    }
    let elements = elements(markdown);
    let mut contexts = Vec::with_capacity(scan.clozes.len());
    let mut blocks = Vec::with_capacity(scan.clozes.len());
    let mut crossing = Vec::new();
    for cloze in &scan.clozes {
        let start = innermost(&elements, cloze.range.start);
        contexts.push(match start.map(|e| elements[e].kind) {
            Some(Kind::Verbatim(_)) => Context::Verbatim,
            _ => Context::Prose,
        });
        blocks.push(
            elements
                .iter()
                .find(|e| e.depth == 1 && e.range.contains(&cloze.range.start))
                .map_or(cloze.range.clone(), |e| e.range.clone()),
        );
        check_crossing(cloze, &elements, &mut crossing);
    }
    scan.faults.extend(crossing);
    scan.faults.sort_by_key(|f| f.range.start);
    Located {
        scan,
        contexts,
        blocks,
    }
}

fn check_crossing(cloze: &Cloze, elements: &[Element], faults: &mut Vec<Fault>) {
    let start = innermost(elements, cloze.range.start);
    let end = innermost(elements, cloze.range.end - 1);
    if start != end {
        let what = match (start, end) {
            (Some(e), _) | (None, Some(e)) => elements[e].kind.name(),
            (None, None) => "blocks",
        };
        faults.push(Fault {
            range: cloze.range.clone(),
            kind: FaultKind::Crosses(what),
        });
    }
    for inner in &cloze.inner {
        check_crossing(inner, elements, faults);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A block or an inline container (emphasis, link), named in messages.
    Container(&'static str),
    /// Code, math or HTML, whose text is shown as written.
    Verbatim(&'static str),
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Container(name) | Kind::Verbatim(name) => name,
        }
    }
}

struct Element {
    range: Range<usize>,
    depth: usize,
    kind: Kind,
}

/// Every element of `markdown` with its nesting depth.
fn elements(markdown: &str) -> Vec<Element> {
    let mut elements = Vec::new();
    let mut depth = 0;
    for (event, range) in Parser::new_ext(markdown, markdown::options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                depth += 1;
                let kind = match tag {
                    Tag::CodeBlock(_) => Kind::Verbatim("code blocks"),
                    Tag::HtmlBlock => Kind::Verbatim("HTML blocks"),
                    Tag::Paragraph => Kind::Container("paragraphs"),
                    Tag::Heading { .. } => Kind::Container("headings"),
                    Tag::Item => Kind::Container("list items"),
                    Tag::TableCell => Kind::Container("table cells"),
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough => {
                        Kind::Container("emphasis spans")
                    }
                    Tag::Link { .. } | Tag::Image { .. } => Kind::Container("links"),
                    _ => Kind::Container("blocks"),
                };
                elements.push(Element { range, depth, kind });
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Code(_) => elements.push(Element {
                range,
                depth: depth + 1,
                kind: Kind::Verbatim("code spans"),
            }),
            Event::InlineMath(_) | Event::DisplayMath(_) => elements.push(Element {
                range,
                depth: depth + 1,
                kind: Kind::Verbatim("math spans"),
            }),
            Event::InlineHtml(_) | Event::Html(_) => elements.push(Element {
                range,
                depth: depth + 1,
                kind: Kind::Verbatim("HTML tags"),
            }),
            _ => {}
        }
    }
    elements
}

/// The deepest element holding byte `at`.
fn innermost(elements: &[Element], at: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (index, element) in elements.iter().enumerate() {
        if element.range.contains(&at) && best.is_none_or(|b| element.depth > elements[b].depth) {
            best = Some(index);
        }
    }
    best
}

/// `text` with every top-level cloze replaced by `{{c}}`: what identifies a cloze note, so
/// that editing what a cloze hides (or renumbering it) keeps the note's identity.
pub fn masked(text: &str, clozes: &[Cloze]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for cloze in clozes {
        out.push_str(&text[from..cloze.range.start]);
        out.push_str("{{c}}");
        from = cloze.range.end;
    }
    out.push_str(&text[from..]);
    out
}

/// What card `number` of a cloze note depends on: the text with its own clozes as written
/// and every other cloze reduced to `{{c}}`. Editing another number's answer leaves it as it
/// was, so that card alone is reported as updated.
pub fn fingerprint(text: &str, clozes: &[Cloze], number: u16) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for cloze in clozes {
        out.push_str(&text[from..cloze.range.start]);
        fingerprint_into(&mut out, text, cloze, number);
        from = cloze.range.end;
    }
    out.push_str(&text[from..]);
    out
}

fn fingerprint_into(out: &mut String, text: &str, cloze: &Cloze, number: u16) {
    if cloze.number == number {
        out.push_str(&text[cloze.range.clone()]);
        return;
    }
    out.push_str("{{c}}");
    for inner in cloze.inner.iter().filter(|c| c.holds(number)) {
        fingerprint_into(out, text, inner, number);
    }
}

/// The front of card `number`: its own clozes as written, every other cloze replaced by
/// the text it hides (as Anki shows the other clozes of a card).
pub fn keep_number(text: &str, clozes: &[Cloze], number: u16) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for cloze in clozes {
        out.push_str(&text[from..cloze.range.start]);
        keep_into(&mut out, text, cloze, number);
        from = cloze.range.end;
    }
    out.push_str(&text[from..]);
    out
}

fn keep_into(out: &mut String, text: &str, cloze: &Cloze, number: u16) {
    if cloze.number == number {
        // Inside a kept cloze, other numbers' markup goes: the answer reveals all of it.
        out.push_str(&text[cloze.range.start..cloze.answer.start]);
        unwrapped_into(out, text, cloze);
        out.push_str(&text[cloze.answer.end..cloze.range.end]);
        return;
    }
    let mut from = cloze.answer.start;
    for inner in &cloze.inner {
        out.push_str(&text[from..inner.range.start]);
        keep_into(out, text, inner, number);
        from = inner.range.end;
    }
    out.push_str(&text[from..cloze.answer.end]);
}

/// The text a cloze hides, inner clozes replaced by what they hide.
fn unwrapped_into(out: &mut String, text: &str, cloze: &Cloze) {
    let mut from = cloze.answer.start;
    for inner in &cloze.inner {
        out.push_str(&text[from..inner.range.start]);
        unwrapped_into(out, text, inner);
        from = inner.range.end;
    }
    out.push_str(&text[from..cloze.answer.end]);
}

/// Which side of a cloze card to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Clozes of the number become `[...]`, or `[hint]`.
    Question,
    /// Clozes of the number show what they hide.
    Answer,
}

/// What [`reveal`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Text for one line of output: `[...]` as is.
    Text,
    /// Markdown: `\[...\]` in running text, so the marker is never read as a link.
    Markdown,
    /// Markdown with each hidden or revealed part between [`MARK_START`] and [`MARK_END`],
    /// for the quiz to highlight.
    Marked,
}

/// `markdown` as card `number` shows it on `side`, as Anki's cloze filter does: that
/// number's clozes hidden (question) or revealed (answer), every other cloze as the text it
/// hides. `None` when `markdown` has no clozes.
pub fn reveal(markdown: &str, number: u16, side: Side, form: Form) -> Option<String> {
    let located = locate(markdown);
    if located.scan.clozes.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(markdown.len() + 8);
    let mut from = 0;
    for (cloze, context) in located.scan.clozes.iter().zip(&located.contexts) {
        out.push_str(&markdown[from..cloze.range.start]);
        let view = View {
            text: markdown,
            number,
            side,
            marks: form == Form::Marked,
            escape: form != Form::Text && *context == Context::Prose,
        };
        view.cloze_into(&mut out, cloze);
        from = cloze.range.end;
    }
    out.push_str(&markdown[from..]);
    Some(out)
}

struct View<'a> {
    text: &'a str,
    number: u16,
    side: Side,
    marks: bool,
    /// `[` and `]` escaped for markdown.
    escape: bool,
}

impl View<'_> {
    fn cloze_into(&self, out: &mut String, cloze: &Cloze) {
        let active = cloze.number == self.number;
        if active && self.marks {
            out.push(MARK_START);
        }
        match (self.side, active) {
            (Side::Question, true) => {
                let hint = cloze.hint.clone().map_or("...", |hint| &self.text[hint]);
                let (open, close) = if self.escape {
                    ("\\[", "\\]")
                } else {
                    ("[", "]")
                };
                out.push_str(open);
                out.push_str(hint);
                out.push_str(close);
            }
            _ => {
                let mut from = cloze.answer.start;
                for inner in &cloze.inner {
                    out.push_str(&self.text[from..inner.range.start]);
                    self.cloze_into(out, inner);
                    from = inner.range.end;
                }
                out.push_str(&self.text[from..cloze.answer.end]);
            }
        }
        if active && self.marks {
            out.push(MARK_END);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<FaultKind> {
        locate(text)
            .scan
            .faults
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn reads_numbers_answers_and_hints() {
        let text = "A cluster of {{c1::5}} servers tolerates {{c2::2::how many?}} failures";
        let scan = scan(text);
        assert!(scan.faults.is_empty());
        assert_eq!(scan.numbers().into_iter().collect::<Vec<_>>(), [1, 2]);
        let second = &scan.clozes[1];
        assert_eq!(&text[second.answer.clone()], "2");
        assert_eq!(&text[second.hint.clone().unwrap()], "how many?");
        assert_eq!(&text[second.range.clone()], "{{c2::2::how many?}}");
    }

    #[test]
    fn the_first_double_colon_starts_the_hint_and_stray_braces_are_text() {
        let text = "{{c1::a:::b}} and }} and {\"a\": {\"b\": 1}}";
        let scan = scan(text);
        assert!(scan.faults.is_empty(), "{:?}", scan.faults);
        assert_eq!(&text[scan.clozes[0].answer.clone()], "a");
        assert_eq!(&text[scan.clozes[0].hint.clone().unwrap()], ":b");
        assert_eq!(scan.clozes.len(), 1);
    }

    #[test]
    fn nested_clozes_belong_to_the_outer_one() {
        let text = "{{c1::a {{c2::b}} c}}";
        let scan = scan(text);
        assert!(scan.faults.is_empty());
        assert_eq!(scan.clozes.len(), 1);
        assert_eq!(scan.clozes[0].inner[0].number, 2);
        assert_eq!(keep_number(text, &scan.clozes, 1), "{{c1::a b c}}");
        assert_eq!(keep_number(text, &scan.clozes, 2), "a {{c2::b}} c");
        assert_eq!(
            reveal(text, 2, Side::Question, Form::Markdown).unwrap(),
            "a \\[...\\] c"
        );
        assert_eq!(
            reveal(text, 1, Side::Question, Form::Markdown).unwrap(),
            "\\[...\\]"
        );
        assert_eq!(
            reveal(text, 1, Side::Answer, Form::Markdown).unwrap(),
            "a b c"
        );
    }

    #[test]
    fn malformed_clozes_are_faults() {
        assert_eq!(kinds("{{c1::abc"), [FaultKind::Unclosed]);
        assert_eq!(kinds("{{c0::abc}}"), [FaultKind::NumberZero]);
        assert_eq!(kinds("{{c501::abc}}"), [FaultKind::NumberTooHigh]);
        assert_eq!(kinds("{{c1,2::abc}}"), [FaultKind::SeveralNumbers]);
        assert_eq!(kinds("{{c1::}}"), [FaultKind::EmptyAnswer]);
        assert_eq!(kinds("{{c1::  ::hint}}"), [FaultKind::EmptyAnswer]);
        assert_eq!(kinds("{{c1::a::}}"), [FaultKind::EmptyHint]);
        assert_eq!(kinds("{{c::a}}"), [FaultKind::NoNumber]);
        assert_eq!(kinds("{{c1:a}}"), [FaultKind::OneColon]);
        assert_eq!(kinds("{{C1::a}}"), [FaultKind::Uppercase]);
        assert_eq!(kinds("{{c1::a::h {{c2::b}}}}"), [FaultKind::InHint]);
        assert!(kinds("{{config}} {{c}} {{c1}}").is_empty(), "templates");
    }

    #[test]
    fn a_fault_is_located_at_its_cloze() {
        let text = "ok {{c1::x}} then {{c0::y}}";
        let faults = scan(text).faults;
        assert_eq!(faults.len(), 1);
        assert_eq!(&text[faults[0].range.clone()], "{{c0::");
        let unclosed = scan("a {{c2::b").faults;
        assert_eq!(unclosed[0].range, 2..8);
    }

    #[test]
    fn a_cloze_stays_inside_one_markdown_element() {
        assert_eq!(
            kinds("{{c1::one\n\ntwo}}"),
            [FaultKind::Crosses("paragraphs")]
        );
        assert_eq!(kinds("`{{c1::x` y}}"), [FaultKind::Crosses("code spans")]);
        assert_eq!(
            kinds("- {{c1::a\n- b}}"),
            [FaultKind::Crosses("list items")]
        );
        assert!(kinds("`{{c1::x}}` and {{c2::`y`}} and $x = {{c3::2}}$").is_empty());
        assert!(kinds("```rust\nlet x = {{c1::42}};\n```\n").is_empty());
        assert!(kinds("| a | {{c1::b}} |\n|---|---|\n| c | d |\n").is_empty());
    }

    #[test]
    fn identity_masks_every_cloze_and_fingerprints_keep_their_own() {
        let text = "A cluster of {{c1::5}} servers tolerates {{c2::2}} failures";
        let clozes = scan(text).clozes;
        assert_eq!(
            masked(text, &clozes),
            "A cluster of {{c}} servers tolerates {{c}} failures"
        );
        assert_eq!(
            fingerprint(text, &clozes, 2),
            "A cluster of {{c}} servers tolerates {{c2::2}} failures"
        );
        let edited = "A cluster of {{c1::7}} servers tolerates {{c2::2}} failures";
        let edited_clozes = scan(edited).clozes;
        assert_eq!(masked(edited, &edited_clozes), masked(text, &clozes));
        assert_eq!(
            fingerprint(edited, &edited_clozes, 2),
            fingerprint(text, &clozes, 2)
        );
        assert_ne!(
            fingerprint(edited, &edited_clozes, 1),
            fingerprint(text, &clozes, 1)
        );
    }

    #[test]
    fn questions_hide_one_number_and_answers_mark_it() {
        let text = "A cluster of {{c1::5}} servers tolerates {{c2::2::how many?}} failures";
        assert_eq!(
            reveal(text, 2, Side::Question, Form::Markdown).unwrap(),
            "A cluster of 5 servers tolerates \\[how many?\\] failures"
        );
        assert_eq!(
            reveal(text, 1, Side::Answer, Form::Marked).unwrap(),
            format!("A cluster of {MARK_START}5{MARK_END} servers tolerates 2 failures")
        );
        let code = "```rust\nlet x = {{c1::42}};\n```";
        assert_eq!(
            reveal(code, 1, Side::Question, Form::Markdown).unwrap(),
            "```rust\nlet x = [...];\n```"
        );
        assert_eq!(reveal("no clozes", 1, Side::Question, Form::Markdown), None);
    }

    #[test]
    fn the_same_number_twice_is_one_card() {
        let text = "{{c1::Raft}} is like {{c1::Paxos}}";
        assert_eq!(scan(text).numbers().len(), 1);
        assert_eq!(
            reveal(text, 1, Side::Question, Form::Markdown).unwrap(),
            "\\[...\\] is like \\[...\\]"
        );
    }
}
