//! Rendering runs for the terminal, in the spirit of RaftScope: per tick the roles and
//! terms, message arrows, and a log grid per node with entries coloured by term, committed
//! entries bracketed, and the leader's nextIndex/matchIndex per follower.
//!
//! Pure: functions return styled text (ANSI escapes from anstyle); the app writes it
//! through anstream, which strips the styles for NO_COLOR, `--color never` and pipes.

use std::fmt::Write;

use anstyle::{AnsiColor, Color, Effects, Style};

use super::cluster::Cluster;
use super::message::{Envelope, Message, NodeId, Term};
use super::node::Role;
use super::note::Note;
use super::trace::{Event, NodeView, Trace, TraceEvent};

const TERM_COLOURS: [AnsiColor; 6] = [
    AnsiColor::Blue,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Magenta,
    AnsiColor::Cyan,
    AnsiColor::Red,
];

/// The colour of a term, the same everywhere it appears.
pub fn term_style(term: Term) -> Style {
    if term == 0 {
        return Style::new();
    }
    let colour = TERM_COLOURS[((term - 1) % TERM_COLOURS.len() as Term) as usize];
    Style::new().fg_color(Some(Color::Ansi(colour)))
}

fn role_style(role: Role, crashed: bool) -> Style {
    if crashed {
        return Style::new().effects(Effects::DIMMED);
    }
    match role {
        Role::Leader => Style::new().effects(Effects::BOLD),
        Role::Candidate => Style::new().effects(Effects::UNDERLINE),
        Role::Follower => Style::new(),
    }
}

fn dim() -> Style {
    Style::new().effects(Effects::DIMMED)
}

fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// A message in one line, with the paper's field names abbreviated:
/// `AppendEntries(term 5, prev 8/t4, [9/t5 10/t5], commit 9)`.
pub fn describe_message(message: &Message) -> String {
    match message {
        Message::RequestVote(m) => format!(
            "RequestVote(term {}, lastLog {}/t{})",
            m.term, m.last_log_index, m.last_log_term
        ),
        Message::RequestVoteResponse(m) => format!(
            "RequestVoteResponse(term {}, {})",
            m.term,
            if m.vote_granted { "granted" } else { "refused" }
        ),
        Message::AppendEntries(m) => {
            let entries = match m.entries.as_slice() {
                [] => String::new(),
                entries if entries.len() <= 6 => entries
                    .iter()
                    .map(|e| format!("{}/t{}", e.index, e.term))
                    .collect::<Vec<_>>()
                    .join(" "),
                [first, .., last] => format!(
                    "{}/t{} … {}/t{} ({} entries)",
                    first.index,
                    first.term,
                    last.index,
                    last.term,
                    m.entries.len()
                ),
                _ => String::new(),
            };
            format!(
                "AppendEntries(term {}, prev {}/t{}, [{entries}], commit {})",
                m.term, m.prev_log_index, m.prev_log_term, m.leader_commit
            )
        }
        Message::AppendEntriesResponse(m) => format!(
            "AppendEntriesResponse(term {}, {}, index {})",
            m.term,
            if m.success { "success" } else { "refused" },
            m.index
        ),
    }
}

/// `1 F t2 c0 │ 2 C t3 c0 │ 3 ✕ t2 c0`: role, term and commitIndex of every node.
pub fn state_row(views: &[NodeView]) -> String {
    views
        .iter()
        .map(|view| {
            let letter = if view.crashed {
                '✕'
            } else {
                view.role.letter()
            };
            format!(
                "{} {} {} c{}",
                view.id,
                paint(role_style(view.role, view.crashed), letter),
                paint(term_style(view.term), format!("t{}", view.term)),
                view.commit_index
            )
        })
        .collect::<Vec<_>>()
        .join(" │ ")
}

fn describe_groups(groups: &[Vec<NodeId>]) -> String {
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

fn describe_fault(event: &Event) -> Option<String> {
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

/// `── label ─────`, `width` characters wide; a long label is cut short.
fn rule_line(width: usize, label: &str) -> String {
    let room = width.saturating_sub(8);
    let label: String = if label.chars().count() > room {
        let cut: String = label.chars().take(room.saturating_sub(1)).collect();
        format!("{} …", cut.trim_end())
    } else {
        label.to_owned()
    };
    let used = label.chars().count() + 4;
    format!(
        "── {label} {}",
        "─".repeat(width.saturating_sub(used).max(2))
    )
}

/// The timeline of a scenario script: a section per script command with the messages it
/// delivered (arrows), the notes each node wrote (with the rule), faults and proposals,
/// messages it left in flight, and the nodes' roles, terms and commitIndex after it.
pub fn script_timeline(trace: &Trace) -> String {
    let mut out = String::new();
    let mut shown_state: Option<&[NodeView]> = None;
    let mut last_tick = 0;
    let mut frames: Vec<&[TraceEvent]> = Vec::new();
    let mut start = 0;
    for (position, event) in trace.events.iter().enumerate() {
        if matches!(event.event, Event::Script { .. }) && position > start {
            frames.push(&trace.events[start..position]);
            start = position;
        }
    }
    frames.push(&trace.events[start..]);
    for frame in frames {
        // Messages this frame both sent and delivered (or lost) get one line, on arrival;
        // the others are still in flight at its end and are shown where they were sent.
        let mut arrived: Vec<&Envelope> = frame
            .iter()
            .filter_map(|e| match &e.event {
                Event::Delivered { message } | Event::Dropped { message, .. } => Some(message),
                _ => None,
            })
            .collect();
        let mut pending_state: Option<&[NodeView]> = None;
        for event in frame {
            let tick = event.tick;
            let at = paint(dim(), format!("t{tick}"));
            match &event.event {
                Event::Script { line, text } => {
                    let _ = writeln!(
                        out,
                        "{}",
                        paint(
                            dim(),
                            rule_line(72, &format!("{line}: {}", first_line(text)))
                        )
                    );
                }
                Event::Sent {
                    message,
                    deliver_at,
                } => {
                    if let Some(position) = arrived.iter().position(|m| *m == message) {
                        arrived.swap_remove(position);
                    } else if deliver_at.is_some() {
                        let _ = writeln!(
                            out,
                            "  {at}  {} ⇢ {}  {}  {}",
                            message.from,
                            message.to,
                            describe_message(&message.message),
                            paint(dim(), "(in flight)")
                        );
                    }
                }
                Event::Delivered { message } => {
                    let _ = writeln!(
                        out,
                        "  {at}  {} → {}  {}",
                        message.from,
                        message.to,
                        describe_message(&message.message)
                    );
                }
                Event::Dropped { message, reason } => {
                    let _ = writeln!(
                        out,
                        "  {at}  {} ✕ {}  {}  {}",
                        message.from,
                        message.to,
                        describe_message(&message.message),
                        paint(dim(), format!("({})", reason.describe()))
                    );
                }
                Event::Note { node, why, .. } => {
                    let _ = writeln!(out, "          {node}: {why}");
                }
                Event::Proposal {
                    node,
                    command,
                    index,
                } => {
                    let target = node.map_or("no leader".to_owned(), |n| format!("node {n}"));
                    let result = match index {
                        Some(index) => format!("entry {index}"),
                        None => "refused".to_owned(),
                    };
                    let _ = writeln!(out, "  {at}  client → {target}: {command:?} → {result}");
                }
                Event::State { nodes } => pending_state = Some(nodes),
                other => {
                    if let Some(text) = describe_fault(other) {
                        let _ = writeln!(
                            out,
                            "  {at}  {}",
                            paint(Style::new().effects(Effects::BOLD), text)
                        );
                    }
                }
            }
            last_tick = tick;
        }
        if let Some(views) = pending_state
            && shown_state != Some(views)
        {
            let _ = writeln!(
                out,
                "  {}  {}",
                paint(dim(), format!("t{last_tick}")),
                state_row(views)
            );
            shown_state = Some(views);
        }
    }
    out
}

fn first_line(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, _)) => format!("{first} …"),
        None => text.to_owned(),
    }
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
pub fn schedule_timeline(trace: &Trace) -> String {
    let mut out = String::new();
    let nodes = trace.nodes as usize;
    let _ = writeln!(
        out,
        "{}",
        paint(
            dim(),
            format!(
                " tick │ {} │ commit │ events",
                (1..=nodes)
                    .map(|id| format!("{id:<4}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        )
    );
    let mut shown: Option<Vec<(Role, Term, bool)>> = None;
    let mut events: Vec<String> = Vec::new();
    let mut state: Option<&[NodeView]> = None;
    let mut row_tick = 0;
    let flush = |out: &mut String,
                 tick: u64,
                 state: Option<&[NodeView]>,
                 events: &mut Vec<String>,
                 shown: &mut Option<Vec<(Role, Term, bool)>>| {
        let Some(views) = state else { return };
        let roles: Vec<(Role, Term, bool)> =
            views.iter().map(|v| (v.role, v.term, v.crashed)).collect();
        if events.is_empty() && shown.as_ref() == Some(&roles) {
            return;
        }
        let cells = views
            .iter()
            .map(|view| {
                let letter = if view.crashed {
                    '✕'
                } else {
                    view.role.letter()
                };
                let text = format!("{letter}{}", view.term);
                let padding = 4usize.saturating_sub(text.chars().count());
                format!(
                    "{}{}",
                    paint(
                        role_style(view.role, view.crashed),
                        paint(term_style(view.term), text)
                    ),
                    " ".repeat(padding)
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let commit = views.iter().map(|v| v.commit_index).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "{tick:>5} │ {cells} │ {commit:>6} │ {}",
            events.join("; ")
        );
        events.clear();
        *shown = Some(roles);
    };
    for event in &trace.events {
        if event.tick != row_tick {
            flush(&mut out, row_tick, state, &mut events, &mut shown);
            row_tick = event.tick;
        }
        match &event.event {
            Event::State { nodes } => state = Some(nodes),
            Event::Note { node, note, .. } => events.extend(key_note(*node, note)),
            other => events.extend(describe_fault(other)),
        }
    }
    flush(&mut out, row_tick, state, &mut events, &mut shown);
    out
}

/// One row per node: role and term, then its log as terms (coloured by term, committed
/// entries in brackets), its commitIndex, and for a leader nextIndex and matchIndex per
/// follower. Long logs show their last `max_columns` entries.
pub fn log_grid(cluster: &Cluster, max_columns: usize) -> String {
    let longest = cluster
        .nodes()
        .iter()
        .map(|node| node.log().last_index())
        .max()
        .unwrap_or(0);
    let first = longest.saturating_sub(max_columns.max(1) as u64) + 1;
    let widest_term = cluster
        .nodes()
        .iter()
        .flat_map(|node| node.log().entries().iter().map(|e| e.term))
        .max()
        .unwrap_or(0);
    let cell = widest_term.to_string().len().max(longest.to_string().len()) + 2;
    let mut out = String::new();
    let label_width = 16;
    let mut header = format!("{:label_width$}", "");
    if first > 1 {
        header.push('…');
    }
    for index in first..=longest {
        let _ = write!(header, "{index:^cell$}");
    }
    if longest > 0 {
        let _ = writeln!(out, "{}", paint(dim(), header.trim_end()));
    }
    for node in cluster.nodes() {
        let crashed = cluster.is_crashed(node.id());
        let role = if crashed {
            "crashed"
        } else {
            node.role().name()
        };
        let label = format!("{:>2} {:<9} t{}", node.id(), role, node.term());
        let mut row = format!(
            "{}{}",
            paint(role_style(node.role(), crashed), &label),
            " ".repeat(label_width.saturating_sub(label.chars().count()))
        );
        if first > 1 {
            row.push(' ');
        }
        for index in first..=node.log().last_index() {
            let term = node.log().term_at(index).unwrap_or(0);
            let text = if index <= node.commit_index() {
                format!("[{term}]")
            } else {
                format!(" {term} ")
            };
            let style = if index <= node.commit_index() {
                term_style(term).effects(Effects::BOLD)
            } else {
                term_style(term)
            };
            let _ = write!(row, "{}", paint(style, format!("{text:^cell$}")));
        }
        let missing = longest - node.log().last_index().max(first - 1);
        row.push_str(&" ".repeat(missing as usize * cell));
        let _ = write!(row, "  commit {}", node.commit_index());
        if node.role() == Role::Leader && !crashed {
            let peers: Vec<NodeId> = node.peers().collect();
            let next = peers
                .iter()
                .filter_map(|&p| node.next_index(p).map(|v| format!("{p}:{v}")))
                .collect::<Vec<_>>()
                .join(" ");
            let matched = peers
                .iter()
                .filter_map(|&p| node.match_index(p).map(|v| format!("{p}:{v}")))
                .collect::<Vec<_>>()
                .join(" ");
            let _ = write!(row, "  nextIndex {next}  matchIndex {matched}");
        }
        let _ = writeln!(out, "{}", row.trim_end());
    }
    out
}

/// Terms and their leaders, commit progress and message counts of a run.
pub fn summary(trace: &Trace, cluster: &Cluster) -> String {
    let mut out = String::new();
    let mut leaders: Vec<(Term, NodeId, u64)> = Vec::new();
    let mut elections: Vec<Term> = Vec::new();
    let mut commit_marks: Vec<(u64, u64)> = Vec::new();
    let mut highest_commit = 0;
    let mut faults = 0;
    for event in &trace.events {
        match &event.event {
            Event::Note { node, note, .. } => match note {
                Note::BecameLeader { term, .. } => leaders.push((*term, *node, event.tick)),
                Note::ElectionStarted { term, .. } => elections.push(*term),
                _ => {}
            },
            Event::State { nodes } => {
                let commit = nodes.iter().map(|v| v.commit_index).max().unwrap_or(0);
                if commit > highest_commit {
                    highest_commit = commit;
                    commit_marks.push((event.tick, commit));
                }
            }
            other => {
                if describe_fault(other).is_some() {
                    faults += 1;
                }
            }
        }
    }
    elections.sort_unstable();
    elections.dedup();
    let leaderless: Vec<String> = elections
        .iter()
        .filter(|term| !leaders.iter().any(|(t, _, _)| t == *term))
        .map(Term::to_string)
        .collect();
    let _ = writeln!(
        out,
        "{} nodes · seed {} · {} ticks",
        cluster.size(),
        trace.seed,
        cluster.now()
    );
    let _ = writeln!(out, "leaders:");
    for (term, node, tick) in &leaders {
        let _ = writeln!(
            out,
            "  term {}  node {node}  elected at tick {tick}",
            paint(term_style(*term), format!("{term:<4}"))
        );
    }
    if leaders.is_empty() {
        let _ = writeln!(out, "  none elected");
    }
    if !leaderless.is_empty() {
        let _ = writeln!(out, "terms without a leader: {}", leaderless.join(", "));
    }
    let stats = cluster.stats();
    let _ = writeln!(out, "commit progress (highest commitIndex):");
    let ticks = cluster.now();
    let mut shown = None;
    for tenth in 1..=10 {
        let at = ticks * tenth / 10;
        if shown == Some(at) {
            continue;
        }
        shown = Some(at);
        let commit = commit_marks
            .iter()
            .take_while(|(tick, _)| *tick <= at)
            .last()
            .map_or(0, |(_, c)| *c);
        let _ = writeln!(out, "  tick {at:>6}  {commit}");
    }
    let _ = writeln!(
        out,
        "proposals: {} taken by a leader (a stale one may lose them), {} refused (no leader)",
        stats.proposals_accepted, stats.proposals_refused
    );
    let _ = writeln!(
        out,
        "messages: {} delivered, {} dropped; {faults} faults",
        stats.delivered, stats.dropped
    );
    let _ = writeln!(out, "final: {}", state_row(&cluster.views()));
    out
}
