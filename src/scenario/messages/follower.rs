//! What a follower stated in a block's info string does with the block's requests: they are
//! delivered, in order, on the simulator, and each reaction becomes a note.

use super::json::{Object, noun};
use super::{Block, code};
use crate::deck::Location;
use crate::notes::Diagnostic;
use crate::raft::{Event as TraceEvent, NodeId};
use crate::scenario::script::{self, Reason};

/// The highest node id the follower simulation takes (the size of the largest cluster).
pub(super) const MAX_NODE: NodeId = crate::raft::node::MAX_NODES;

/// Delivers the block's requests, in order, to the follower its info string states, and
/// notes what the follower does with each.
pub(super) fn simulate(
    attributes: &[&str],
    block: &Block,
    objects: &[Object],
    place: &dyn Fn(usize) -> Location,
    info_place: &dyn Fn(&str) -> Location,
    out: &mut Vec<Diagnostic>,
) {
    let requests: Vec<(&Object, NodeId)> = objects
        .iter()
        .filter_map(|object| {
            NodeId::try_from(object.sender()?)
                .ok()
                .filter(|&id| (1..=MAX_NODE).contains(&id))
                .map(|id| (object, id))
        })
        .collect();
    if requests.is_empty() {
        return;
    }
    let follower_help = "write it as a script's `node` line does: ```json follower 2 \
    term 5 voted none log 1 1 4 commit 2";
    let (id, attributes) = match attributes
        .first()
        .map(|word| (word, word.parse::<NodeId>()))
    {
        Some((word, Ok(id))) => {
            if let Some((object, _)) = requests.iter().find(|(_, sender)| *sender == id) {
                out.push(
                    Diagnostic::error(
                        code::FOLLOWER,
                        info_place(word),
                        format!(
                            "the follower is node {id}, which sends the {} at line {}",
                            noun(object.kind),
                            place(object.range.start).line
                        ),
                    )
                    .spanning(word.len())
                    .label("the follower's id")
                    .hint(
                        "a node does not send messages to itself: pick another id for the follower",
                    ),
                );
                return;
            }
            (id, &attributes[1..])
        }
        _ => {
            let id = (1..=MAX_NODE)
                .find(|id| requests.iter().all(|(_, sender)| sender != id))
                .unwrap_or(1);
            (id, attributes)
        }
    };
    let size = requests
        .iter()
        .map(|(_, sender)| *sender)
        .chain([id, 3])
        .max()
        .unwrap_or(3);
    let mut text = format!(
        "cluster {size}\nnode {id} follower {}\n",
        attributes.join(" ")
    );
    for (object, sender) in &requests {
        let json = &block.content[object.range.clone()];
        text.push_str(&format!(
            "send {sender} -> {id} {}\n",
            json.replace('\n', " ")
        ));
    }
    // Script line 2 is the follower, line 3 + i the i-th request.
    let blame =
        |line: u32, what: &str, hint: &str| match requests.get((line as usize).wrapping_sub(3)) {
            Some((object, _)) => Diagnostic::error(
                code::FOLLOWER,
                place(object.range.start),
                format!("the simulator cannot deliver this message: {what}"),
            )
            .spanning(1)
            .label("this message")
            .hint("the stated follower, with these messages, is not something Raft can produce"),
            None => Diagnostic::error(
                code::FOLLOWER,
                info_place("follower"),
                format!("cannot use the stated follower: {what}"),
            )
            .spanning(block.info.len() - block.info.find("follower").unwrap_or(0))
            .label("this follower")
            .hint(hint),
        };
    let parsed = match script::parse(&text, 1) {
        Ok(parsed) => parsed,
        Err(error) => {
            out.push(blame(error.line, &error.message, follower_help));
            return;
        }
    };
    let run = script::run(&parsed);
    if let Some(error) = &run.error {
        out.push(blame(
            error.line,
            &error.message,
            "state a follower Raft can produce: a log of non-decreasing \
            terms no newer than its term, commitIndex within the log",
        ));
        return;
    }
    // The notes the follower wrote during each `send`, in order.
    let mut per_send: Vec<Vec<Reason>> = Vec::new();
    for event in &run.trace.events {
        match &event.event {
            TraceEvent::Script { .. } => per_send.push(Vec::new()),
            TraceEvent::Note { node, note, .. } if *node == id => {
                if let Some(notes) = per_send.last_mut() {
                    notes.push(Reason {
                        node: *node,
                        tick: event.tick,
                        note: note.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    let start = run.start.as_ref().map(|cluster| cluster.node(id).clone());
    let mut described = start.map(|node| {
        format!(
            "a follower in term {}, with log `{}` and commitIndex {}",
            node.term(),
            crate::scenario::generate::draft::terms(&node.log().terms()),
            node.commit_index()
        )
    });
    for (position, ((object, _), notes)) in requests.iter().zip(per_send).enumerate() {
        let verdict = notes
            .iter()
            .rev()
            .find(|reason| reason.note.concerns().contains(&crate::raft::Aspect::Reply))
            .map_or_else(
                || "does nothing with it".to_owned(),
                |reason| reason.note.to_string(),
            );
        let who = if position == 0 {
            format!("node {id}, {}", described.take().unwrap_or_default())
        } else {
            format!("then node {id}")
        };
        out.push(
            Diagnostic::note(
                code::OUTCOME,
                place(object.range.start),
                format!("{who}: {verdict}"),
            )
            .spanning(1)
            .label(format!(
                "what node {id} does with this {}",
                noun(object.kind)
            ))
            // Every step, when there is more than the verdict.
            .hint(if notes.len() > 1 {
                notes
                    .iter()
                    .map(|reason| reason.note.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                String::new()
            }),
        );
    }
}
