//! A scenario's cluster as inline SVG for Anki: one row per node (id, role, term,
//! votedFor), its log as cells coloured by term with the term written in each (committed
//! entries solid, the rest dashed, a bar after commitIndex), a leader's nextIndex and
//! matchIndex, election timers, the partition, the message about to arrive (an arrow
//! between the two rows) and a legend of the terms shown.
//!
//! No scripts, no fonts, no ids: it renders offline in Anki desktop and AnkiDroid. Colours
//! come from presentation attributes (light) that the note type's CSS overrides in night
//! mode through the `mdc-tN` classes; text uses `currentColor`.

use askama::Template;

use crate::raft::{NodeId, NodeView, Role};
use crate::raft_render::describe_message;
use crate::scenario::Situation;

/// Term colours, cycled from term 1: (class, light fill, light stroke, night fill, night
/// stroke). The hues follow the terminal's (blue, green, yellow, magenta, cyan, red).
pub const TERM_COLOURS: [(&str, &str, &str, &str, &str); 6] = [
    ("mdc-t1", "#cfe2ff", "#3b6fd4", "#1f3b66", "#79a8ff"),
    ("mdc-t2", "#d3f1d9", "#2f9a4e", "#1d4a2c", "#6fd08c"),
    ("mdc-t3", "#fbefc0", "#b08a06", "#574710", "#e8c75a"),
    ("mdc-t4", "#f1dafa", "#a04cc4", "#4b2560", "#d192ee"),
    ("mdc-t5", "#cdf1f4", "#13909e", "#0f474d", "#5fd0dc"),
    ("mdc-t6", "#ffd9d9", "#d0434a", "#5a2124", "#ff8a8f"),
];

const CELL: u32 = 28;
const ROW: u32 = 40;
const LABEL: u32 = 150;
const TOP: u32 = 22;
/// The width of a display column of text, in SVG units.
const CHAR: u32 = 7;
/// Logs longer than this show their last entries.
const MAX_CELLS: usize = 24;

fn colour(term: u64) -> (&'static str, &'static str, &'static str) {
    let (class, fill, stroke, ..) = TERM_COLOURS[((term.max(1) - 1) % 6) as usize];
    (class, fill, stroke)
}

struct Cell {
    x: u32,
    y: u32,
    class: &'static str,
    fill: &'static str,
    stroke: &'static str,
    committed: bool,
    term: u64,
}

struct Row {
    label_y: u32,
    sub_y: u32,
    label: String,
    sub: String,
    bold: bool,
    crashed: bool,
    cells: Vec<Cell>,
    /// The bar after the commitIndex entry: x, top, bottom.
    commit_bar: Option<(u32, u32, u32)>,
    notes: String,
    notes_x: u32,
}

struct Header {
    x: u32,
    index: usize,
}

struct Legend {
    x: u32,
    class: &'static str,
    fill: &'static str,
    stroke: &'static str,
    term: u64,
}

struct Arrow {
    path: String,
    head: String,
}

#[derive(Template)]
#[template(path = "scenario/diagram.svg", escape = "html")]
struct DiagramSvg {
    width: u32,
    height: u32,
    headers: Vec<Header>,
    /// Where the `…` of a log shown from a later entry goes.
    skipped: Option<(u32, u32)>,
    rows: Vec<Row>,
    arrow: Option<Arrow>,
    lines: Vec<(u32, String)>,
    legend_y: u32,
    legend: Vec<Legend>,
    legend_note_y: u32,
    legend_note: &'static str,
}

const LEGEND_NOTE: &str = "solid: committed · dashed: not committed · bar: commitIndex";

/// The situation as an `<svg>` element (one line, no trailing newline).
pub fn situation_svg(situation: &Situation) -> Result<String, askama::Error> {
    let longest = situation
        .nodes
        .iter()
        .map(|n| n.log.len())
        .max()
        .unwrap_or(0);
    let first = longest.saturating_sub(MAX_CELLS) + 1;
    let shown = longest + 1 - first;
    let log_x = LABEL + if first > 1 { 14 } else { 0 };
    let notes_x = log_x + shown as u32 * CELL + 12;
    let headers = (first..=longest)
        .map(|index| Header {
            x: log_x + (index - first) as u32 * CELL + CELL / 2,
            index,
        })
        .collect();
    let rows: Vec<Row> = situation
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| row(node, TOP + i as u32 * ROW, first, log_x, notes_x))
        .collect();
    let grid_bottom = TOP + rows.len() as u32 * ROW;

    let mut lines = Vec::new();
    let mut y = grid_bottom + 16;
    // A leader's view of its followers, under the grid to keep the rows narrow.
    for node in &situation.nodes {
        if let (Some(next), Some(matched)) = (&node.next_index, &node.match_index) {
            lines.push((
                y,
                format!(
                    "leader {}: nextIndex {} · matchIndex {}",
                    node.id,
                    pairs(next),
                    pairs(matched)
                ),
            ));
            y += 20;
        }
    }
    if situation.partition.len() > 1 {
        let groups: Vec<String> = situation
            .partition
            .iter()
            .map(|g| format!("{{{}}}", join(g)))
            .collect();
        lines.push((y, format!("partition: {}", groups.join(" | "))));
        y += 20;
    }
    if !situation.options.is_empty() {
        lines.push((y, format!("options: {}", situation.options.join(", "))));
        y += 20;
    }
    let arrow = situation.message.as_ref().and_then(|(from, to, message)| {
        lines.push((
            y,
            format!("arriving: {from} → {to}  {}", describe_message(message)),
        ));
        y += 20;
        arrow(&situation.nodes, *from, *to)
    });
    let legend_y = y + 4;
    let mut terms: Vec<u64> = situation
        .nodes
        .iter()
        .flat_map(|n| n.log.iter().copied())
        .collect();
    terms.sort_unstable();
    terms.dedup();
    let legend: Vec<Legend> = terms
        .iter()
        .enumerate()
        .map(|(i, &term)| {
            let (class, fill, stroke) = colour(term);
            Legend {
                x: 10 + i as u32 * 70,
                class,
                fill,
                stroke,
                term,
            }
        })
        .collect();
    let legend_note_y = legend_y + 32;
    let legend_text = 10 + text_width(LEGEND_NOTE);
    let text_width = lines
        .iter()
        .map(|(_, text)| 10 + text_width(text))
        .chain(rows.iter().map(|r| r.notes_x + text_width(&r.notes)))
        .chain(std::iter::once(legend_text))
        .chain(std::iter::once(10 + legend.len() as u32 * 70))
        .max()
        .unwrap_or(0);
    let width = text_width.max(notes_x + 20) + 10;
    let height = if legend.is_empty() {
        legend_y + 8
    } else {
        legend_note_y + 8
    };
    let svg = DiagramSvg {
        width,
        height,
        headers,
        skipped: (first > 1).then_some((LABEL + 5, TOP + 24)),
        rows,
        arrow,
        lines,
        legend_y,
        legend,
        legend_note_y,
        legend_note: LEGEND_NOTE,
    }
    .render()?;
    // One element per template line: joined, the SVG is one line that markdown and Anki's
    // editor leave alone.
    Ok(svg.lines().map(str::trim).collect())
}

/// About how wide `text` is drawn: `CHAR` a display column (a CJK character takes two).
fn text_width(text: &str) -> u32 {
    unicode_width::UnicodeWidthStr::width(text) as u32 * CHAR
}

fn row(node: &NodeView, top: u32, first: usize, log_x: u32, notes_x: u32) -> Row {
    let role = if node.crashed {
        "crashed"
    } else {
        node.role.name()
    };
    let mut sub = format!("term {}", node.term);
    if let Some(voted) = node.voted_for {
        sub.push_str(&format!(" · voted {voted}"));
    }
    let cell_y = top + (ROW - CELL) / 2;
    let cells = (first..=node.log.len())
        .map(|index| {
            let term = node.log[index - 1];
            let (class, fill, stroke) = colour(term);
            Cell {
                x: log_x + (index - first) as u32 * CELL,
                y: cell_y,
                class,
                fill,
                stroke,
                committed: index as u64 <= node.commit_index,
                term,
            }
        })
        .collect();
    let commit_bar = (node.commit_index as usize >= first).then(|| {
        let x = log_x + (node.commit_index as usize + 1 - first) as u32 * CELL;
        (x, cell_y - 3, cell_y + CELL + 3)
    });
    let mut notes = vec![format!("commit {}", node.commit_index)];
    if let Some(timer) = node.timer {
        notes.push(format!("timer {}/{}", timer.elapsed, timer.timeout));
    }
    Row {
        label_y: top + 17,
        sub_y: top + 32,
        label: format!("node {} · {role}", node.id),
        sub,
        bold: node.role == Role::Leader && !node.crashed,
        crashed: node.crashed,
        cells,
        commit_bar,
        notes: notes.join(" · "),
        notes_x,
    }
}

/// A curve in the left margin from the sender's row to the receiver's, with its head.
fn arrow(nodes: &[NodeView], from: NodeId, to: NodeId) -> Option<Arrow> {
    let row_of = |id: NodeId| nodes.iter().position(|n| n.id == id);
    let (a, b) = (row_of(from)?, row_of(to)?);
    if a == b {
        return None;
    }
    let y = |row: usize| TOP + row as u32 * ROW + ROW / 2;
    let (y1, y2) = (y(a), y(b));
    let x = 8;
    let path = format!("M {} {y1} C {x} {y1} {x} {y2} {} {y2}", x + 12, x + 12);
    let head = format!(
        "{},{} {},{} {},{}",
        x + 14,
        y2,
        x + 8,
        y2 - 4,
        x + 8,
        y2 + 4
    );
    Some(Arrow { path, head })
}

fn pairs(values: &[(NodeId, u64)]) -> String {
    values
        .iter()
        .map(|(node, value)| format!("{node}:{value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn join(ids: &[NodeId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The note type's CSS for diagrams: night-mode colours for each term class.
pub fn night_css() -> String {
    let mut css = String::new();
    for (class, _, _, fill, stroke) in TERM_COLOURS {
        css.push_str(&format!(
            ".nightMode .{class}, .night_mode .{class} {{ fill: {fill}; stroke: {stroke}; }}\n"
        ));
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation() -> Situation {
        Situation::sample("x<y", "noop on")
    }

    #[test]
    fn the_svg_draws_every_node_entry_and_the_message() {
        let svg = situation_svg(&situation()).unwrap();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        assert!(
            !svg.contains('\n'),
            "one line, so markdown and Anki leave it alone"
        );
        assert!(!svg.contains("<script") && !svg.contains(" id="));
        assert_eq!(svg.matches("class=\"mdc-cell ").count(), 8, "{svg}");
        assert!(svg.contains("node 1 · leader"));
        assert!(svg.contains("node 3 · crashed"));
        assert!(svg.contains("term 3 · voted 1"));
        assert!(svg.contains("leader 1: nextIndex 2:3 3:4 · matchIndex 2:2 3:3"));
        assert!(svg.contains("commit 2 · timer 3/12"));
        assert!(svg.contains("partition: {1 2} | {3}"));
        assert!(svg.contains("options: noop on"));
        assert!(svg.contains("arriving: 1 → 2  AppendEntries(term 3, prev 2/t1"));
        assert!(svg.contains("<path "), "the arrow");
        // Legend: terms 1 and 3.
        assert_eq!(svg.matches("<rect class=\"mdc-t").count(), 2, "{svg}");
        assert!(svg.contains("<rect class=\"mdc-t1\"") && svg.contains("<rect class=\"mdc-t3\""));
        // Committed cells are solid, the others dashed.
        assert!(svg.contains("stroke-dasharray"));
    }

    #[test]
    fn long_logs_show_their_end_and_an_empty_cluster_still_renders() {
        let log: Vec<u64> = (1..=40).collect();
        let svg = situation_svg(&Situation {
            nodes: vec![NodeView::sample(1, Role::Follower, 40, &log, 0)],
            message: None,
            partition: vec![],
            options: vec![],
        })
        .unwrap();
        assert_eq!(svg.matches("class=\"mdc-cell ").count(), MAX_CELLS);
        assert!(svg.contains(">…<"));
        let empty = situation_svg(&Situation {
            nodes: vec![NodeView::sample(1, Role::Follower, 0, &[], 0)],
            message: None,
            partition: vec![],
            options: vec![],
        })
        .unwrap();
        assert!(empty.contains("node 1 · follower"));
    }

    #[test]
    fn night_mode_recolours_every_term_class_the_diagrams_draw() {
        // Terms 1 to 13 go round the six colours twice and start a third time.
        let log: Vec<u64> = (1..=13).collect();
        let svg = situation_svg(&Situation {
            nodes: vec![NodeView::sample(1, Role::Follower, 13, &log, 0)],
            message: None,
            partition: vec![],
            options: vec![],
        })
        .unwrap();
        // Every class a cell is drawn with, and the light fill it is drawn in.
        let mut drawn = std::collections::BTreeMap::new();
        for cell in svg.split("<rect class=\"mdc-cell ").skip(1) {
            let class = cell.split('"').next().unwrap();
            let fill = cell
                .split("fill=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            drawn.insert(class.to_owned(), fill.to_owned());
        }
        assert_eq!(drawn.len(), 6, "terms 1 and 7 share a colour: {drawn:?}");
        let css = night_css();
        for (class, light) in &drawn {
            let selector = format!(".nightMode .{class}, .night_mode .{class} {{");
            let rule = css
                .lines()
                .find(|rule| rule.starts_with(&selector))
                .unwrap_or_else(|| panic!("no night rule for {class}: {css}"));
            let night = rule
                .split("fill: ")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap();
            assert_ne!(night, light, "{class} is recoloured at night");
        }
        assert_eq!(
            css.lines().count(),
            drawn.len(),
            "a rule per class drawn, no more"
        );
    }
}
