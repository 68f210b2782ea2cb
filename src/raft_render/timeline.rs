//! Timelines of runs. A script's: a section per script command with the messages it
//! delivered (arrows), the notes each node wrote, faults and proposals, messages it left in
//! flight, and the nodes' roles, terms and commitIndex after it. A long random run's: a row
//! per tick at which a role, term or crash changed or a fault happened.

use super::columns;
use super::message::describe_message;
use super::style::{bold, dim, role_and_term, role_style, term_style};
use crate::raft::{Envelope, Event, NodeId, NodeStatus, Note, Role, Term, Trace, TraceEvent};
use crate::spans::{Line, Span};

/// Width of a script section's rule.
const RULE: usize = 72;

/// `1 F t2 c0 │ 2 C t3 c0 │ 3 ✕ t2 c0`: role, term and commitIndex of every node.
pub fn state_row(nodes: &[NodeStatus]) -> Line {
    let mut line = Vec::with_capacity(nodes.len() * 4);
    for (position, node) in nodes.iter().enumerate() {
        if position > 0 {
            line.push(Span::plain(" │ "));
        }
        line.push(Span::plain(format!("{} ", node.id)));
        line.push(Span::new(
            letter(node).to_string(),
            role_style(node.role, node.crashed),
        ));
        line.push(Span::plain(" "));
        line.push(Span::new(format!("t{}", node.term), term_style(node.term)));
        line.push(Span::plain(format!(" c{}", node.commit_index)));
    }
    line
}

/// The role's letter, `✕` for a crashed node.
fn letter(node: &NodeStatus) -> char {
    if node.crashed {
        '✕'
    } else {
        node.role.letter()
    }
}

/// The timeline of a scenario script (see the module's description).
pub fn script_timeline(trace: &Trace) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut shown_state: Option<&[NodeStatus]> = None;
    let mut last_tick = 0;
    for frame in frames(&trace.events) {
        // Messages this frame both sent and delivered (or lost) get one line, on arrival;
        // the others are still in flight at its end and are shown where they were sent.
        let mut arrived: Vec<&Envelope> = frame
            .iter()
            .filter_map(|e| match &e.event {
                Event::Delivered { message } | Event::Dropped { message, .. } => Some(message),
                _ => None,
            })
            .collect();
        let mut pending_state: Option<&[NodeStatus]> = None;
        for event in frame {
            last_tick = event.tick;
            match &event.event {
                Event::State { nodes } => pending_state = Some(nodes),
                Event::Sent { message, .. } if take(&mut arrived, message) => {}
                other => lines.extend(event_line(event.tick, other)),
            }
        }
        if let Some(nodes) = pending_state
            && shown_state != Some(nodes)
        {
            let mut line = at(last_tick);
            line.push(Span::plain("  "));
            line.extend(state_row(nodes));
            lines.push(line);
            shown_state = Some(nodes);
        }
    }
    lines
}

/// The trace cut before each script command.
fn frames(events: &[TraceEvent]) -> Vec<&[TraceEvent]> {
    let mut frames = Vec::new();
    let mut start = 0;
    for (position, event) in events.iter().enumerate() {
        if matches!(event.event, Event::Script { .. }) && position > start {
            frames.push(&events[start..position]);
            start = position;
        }
    }
    frames.push(&events[start..]);
    frames
}

/// Removes `message` from `arrived` if it is there.
fn take(arrived: &mut Vec<&Envelope>, message: &Envelope) -> bool {
    match arrived.iter().position(|m| *m == message) {
        Some(position) => {
            arrived.swap_remove(position);
            true
        }
        None => false,
    }
}

/// `  t4` (dimmed): the start of an event's line.
fn at(tick: u64) -> Line {
    vec![Span::plain("  "), Span::new(format!("t{tick}"), dim())]
}

/// The line of one event of a script's timeline, if it has one.
fn event_line(tick: u64, event: &Event) -> Option<Line> {
    let mut line = at(tick);
    let arrow = |line: &mut Line, message: &Envelope, arrow: &str| {
        line.push(Span::plain(format!(
            "  {} {arrow} {}  {}",
            message.from,
            message.to,
            describe_message(&message.message)
        )));
    };
    match event {
        Event::Script { line: number, text } => {
            let label = format!("{number}: {}", first_line(text));
            return Some(vec![Span::new(rule_line(RULE, &label), dim())]);
        }
        Event::Sent {
            message,
            deliver_at: Some(_),
        } => {
            arrow(&mut line, message, "⇢");
            line.push(Span::new("  (in flight)", dim()));
        }
        // Lost on the way out: the `Dropped` event that follows shows it.
        Event::Sent { .. } => return None,
        Event::Delivered { message } => arrow(&mut line, message, "→"),
        Event::Dropped { message, reason } => {
            arrow(&mut line, message, "✕");
            line.push(Span::new(format!("  ({})", reason.describe()), dim()));
        }
        Event::Note { node, why, .. } => {
            return Some(vec![Span::plain(format!("          {node}: {why}"))]);
        }
        Event::Proposal {
            node,
            command,
            index,
        } => {
            let target = node.map_or("no leader".to_owned(), |n| format!("node {n}"));
            let result = index.map_or("refused".to_owned(), |index| format!("entry {index}"));
            line.push(Span::plain(format!(
                "  client → {target}: {command:?} → {result}"
            )));
        }
        other => {
            let fault = describe_fault(other)?;
            line.push(Span::plain("  "));
            line.push(Span::new(fault, bold()));
        }
    }
    Some(line)
}

/// `── label ─────`, `width` display columns wide; a long label is cut short with `…`.
fn rule_line(width: usize, label: &str) -> String {
    let room = width.saturating_sub(8);
    let label = if columns(label) > room {
        format!("{} …", cut(label, room.saturating_sub(1)).trim_end())
    } else {
        label.to_owned()
    };
    let used = columns(&label) + 4;
    format!(
        "── {label} {}",
        "─".repeat(width.saturating_sub(used).max(2))
    )
}

/// The longest start of `text` that takes at most `width` display columns.
fn cut(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > width {
            return &text[..at];
        }
    }
    text
}

/// A multi-line statement (a JSON message over several lines) by its first line.
fn first_line(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, _)) => format!("{first} …"),
        None => text.to_owned(),
    }
}

/// `1 2 | 3 4 5`: the groups of a partition.
pub(super) fn describe_groups(groups: &[Vec<NodeId>]) -> String {
    groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(NodeId::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A crash, restart or network change in words; None for other events.
pub(super) fn describe_fault(event: &Event) -> Option<String> {
    Some(match event {
        Event::Crash { node } => format!("node {node} crashed"),
        Event::Restart { node } => format!("node {node} restarted"),
        Event::Partition { groups } => format!("partition {}", describe_groups(groups)),
        Event::Cut { a, b } => format!("link {a} ↔ {b} cut"),
        Event::LinkDrop {
            from,
            to,
            probability,
        } => format!("link {from} → {to} loses {:.0}%", probability * 100.0),
        Event::Heal => "network healed".to_owned(),
        _ => return None,
    })
}

/// The short form of the notes that matter on a long random run.
fn key_note(node: NodeId, note: &Note) -> Option<String> {
    Some(match note {
        Note::ElectionStarted { term, .. } => format!("{node} starts an election for term {term}"),
        Note::BecameLeader { term, votes, .. } => {
            format!("{node} wins term {term} with {votes} votes")
        }
        Note::SteppedDown { was, term } => format!("{node} ({was}) steps down in term {term}"),
        Note::CommitWaitsForCurrentTerm { index, .. } => {
            format!("{node} cannot commit {index} yet (Figure 8)")
        }
        _ => return None,
    })
}

/// The timeline of a long run: one row per tick at which a role, term or crash changed or
/// a fault happened, with every node's role and term, the highest commitIndex, and what
/// happened.
pub fn schedule_timeline(trace: &Trace) -> Vec<Line> {
    let ids: Vec<String> = (1..=trace.nodes).map(|id| format!("{id:<4}")).collect();
    let mut rows = ScheduleRows {
        lines: vec![vec![Span::new(
            format!(" tick │ {} │ commit │ events", ids.join(" ")),
            dim(),
        )]],
        shown: None,
    };
    let mut events: Vec<String> = Vec::new();
    let mut state: Option<&[NodeStatus]> = None;
    let mut row_tick = 0;
    for event in &trace.events {
        if event.tick != row_tick {
            rows.push(row_tick, state, &mut events);
            row_tick = event.tick;
        }
        match &event.event {
            Event::State { nodes } => state = Some(nodes),
            Event::Note { node, note, .. } => events.extend(key_note(*node, note)),
            other => events.extend(describe_fault(other)),
        }
    }
    rows.push(row_tick, state, &mut events);
    rows.lines
}

/// The rows of a schedule's timeline, and the roles the last one showed.
struct ScheduleRows {
    lines: Vec<Line>,
    shown: Option<Vec<(Role, Term, bool)>>,
}

impl ScheduleRows {
    /// A row for `tick` if something happened or a role, term or crash changed.
    fn push(&mut self, tick: u64, state: Option<&[NodeStatus]>, events: &mut Vec<String>) {
        let Some(nodes) = state else { return };
        let roles: Vec<(Role, Term, bool)> =
            nodes.iter().map(|n| (n.role, n.term, n.crashed)).collect();
        if events.is_empty() && self.shown.as_ref() == Some(&roles) {
            return;
        }
        let mut line = vec![Span::plain(format!("{tick:>5} │ "))];
        for (position, node) in nodes.iter().enumerate() {
            if position > 0 {
                line.push(Span::plain(" "));
            }
            let text = format!("{}{}", letter(node), node.term);
            let padding = 4usize.saturating_sub(columns(&text));
            line.push(Span::new(
                text,
                role_and_term(node.role, node.crashed, node.term),
            ));
            line.push(Span::plain(" ".repeat(padding)));
        }
        let commit = nodes.iter().map(|n| n.commit_index).max().unwrap_or(0);
        line.push(Span::plain(format!(
            " │ {commit:>6} │ {}",
            events.join("; ")
        )));
        self.lines.push(line);
        events.clear();
        self.shown = Some(roles);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Message, RequestVote, RequestVoteResponse};
    use crate::spans::line_text;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(line_text).collect()
    }

    fn status(id: NodeId, role: Role, term: Term, crashed: bool) -> NodeStatus {
        NodeStatus {
            id,
            role,
            term,
            voted_for: None,
            commit_index: 0,
            last_index: 0,
            last_term: 0,
            crashed,
        }
    }

    #[test]
    fn section_rules_are_72_columns_whatever_the_script_says() {
        for label in [
            "3: timeout 2",
            "4: propose 1 设置 x = 1",
            "5: propose 1 🚀 launch",
            "6: propose 1 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五",
        ] {
            let rule = rule_line(RULE, label);
            assert_eq!(columns(&rule), RULE, "{rule}");
            assert!(rule.starts_with("── "), "{rule}");
        }
        // A label too long for the rule is cut at a character and marked.
        let long = rule_line(RULE, &format!("7: propose {}", "长".repeat(40)));
        assert!(long.contains("长 … ─"), "{long}");
    }

    /// Node 2 times out in a 2-node cluster and asks node 1 for its vote, which node 1
    /// grants; the reply is still on its way when the section ends.
    fn election_trace() -> Trace {
        let request = Envelope {
            from: 2,
            to: 1,
            message: Message::RequestVote(RequestVote {
                term: 1,
                candidate_id: 2,
                last_log_index: 0,
                last_log_term: 0,
            }),
        };
        let reply = Envelope {
            from: 1,
            to: 2,
            message: Message::RequestVoteResponse(RequestVoteResponse {
                term: 1,
                vote_granted: true,
            }),
        };
        let mut trace = Trace::new(0, 2);
        let events = [
            Event::State {
                nodes: vec![
                    status(1, Role::Follower, 0, false),
                    status(2, Role::Follower, 0, false),
                ],
            },
            Event::Script {
                line: 3,
                text: "timeout 2".to_owned(),
            },
            Event::Sent {
                message: request.clone(),
                deliver_at: Some(1),
            },
            Event::Delivered { message: request },
            Event::Note {
                node: 1,
                note: Note::SteppedDown {
                    was: Role::Follower,
                    term: 1,
                },
                why: "granted vote to 2".to_owned(),
            },
            Event::Sent {
                message: reply,
                deliver_at: Some(2),
            },
            Event::Crash { node: 1 },
            Event::State {
                nodes: vec![
                    status(1, Role::Follower, 1, true),
                    status(2, Role::Candidate, 1, false),
                ],
            },
        ];
        for (tick, event) in events.into_iter().enumerate() {
            trace.push(tick as u64 / 4, event);
        }
        trace
    }

    #[test]
    fn a_script_section_shows_arrivals_notes_what_is_in_flight_and_the_state() {
        let lines = text(&script_timeline(&election_trace()));
        let rule = format!("── 3: timeout 2 {}", "─".repeat(72 - 16));
        assert_eq!(
            lines,
            [
                // Before the first command: the declared state.
                "  t0  1 F t0 c0 │ 2 F t0 c0".to_owned(),
                rule,
                // Sent and delivered in the section: one line, on arrival.
                "  t0  2 → 1  RequestVote(term 1, lastLog 0/t0)".to_owned(),
                "          1: granted vote to 2".to_owned(),
                "  t1  1 ⇢ 2  RequestVoteResponse(term 1, granted)  (in flight)".to_owned(),
                "  t1  node 1 crashed".to_owned(),
                "  t1  1 ✕ t1 c0 │ 2 C t1 c0".to_owned(),
            ]
        );
    }

    #[test]
    fn a_schedule_row_per_change_with_padded_cells() {
        let mut trace = Trace::new(7, 2);
        let two = |a: NodeStatus, b: NodeStatus| Event::State { nodes: vec![a, b] };
        trace.push(
            0,
            two(
                status(1, Role::Follower, 0, false),
                status(2, Role::Follower, 0, false),
            ),
        );
        // Nothing changes at tick 5: no row.
        trace.push(
            5,
            two(
                status(1, Role::Follower, 0, false),
                status(2, Role::Follower, 0, false),
            ),
        );
        trace.push(
            12,
            Event::Note {
                node: 2,
                note: Note::BecameLeader {
                    term: 11,
                    votes: 2,
                    cluster: 2,
                    majority: 2,
                },
                why: String::new(),
            },
        );
        trace.push(
            12,
            two(
                status(1, Role::Follower, 11, false),
                status(2, Role::Leader, 11, false),
            ),
        );
        assert_eq!(
            text(&schedule_timeline(&trace)),
            [
                " tick │ 1    2    │ commit │ events",
                "    0 │ F0   F0   │      0 │ ",
                "   12 │ F11  L11  │      0 │ 2 wins term 11 with 2 votes",
            ]
        );
    }
}
