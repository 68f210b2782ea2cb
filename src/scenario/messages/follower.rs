//! What a follower stated in a block's info string does with the block's requests: they are
//! delivered, in order, on the simulator, and each reaction becomes a note.
//!
//! The steps: pick the block's requests and who sends them, read the follower (its id and
//! state) from the info string, write the script that declares it and sends it each
//! request, run the script, and turn what the follower wrote during each `send` into a
//! note on that request.

use super::json::{Object, noun};
use super::{Block, code};
use crate::deck::Location;
use crate::notes::Diagnostic;
use crate::raft::{Aspect, Event as TraceEvent, NodeId};
use crate::scenario::generate::draft::terms;
use crate::scenario::script::{self, Reason, ScriptRun};

/// The highest node id the follower simulation takes (the size of the largest cluster).
pub(super) const MAX_NODE: NodeId = crate::raft::node::MAX_NODES;

/// How a follower is stated, for a help line.
const FOLLOWER_HELP: &str = "write it as a script's `node` line does: ```json follower 2 \
    term 5 voted none log 1 1 4 commit 2";

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
    let simulation = Simulation {
        block,
        requests: requests(objects),
        place,
        info_place,
    };
    if simulation.requests.is_empty() {
        return;
    }
    let Some(follower) = simulation.follower(attributes, out) else {
        return;
    };
    let Some(run) = simulation.run(&follower, out) else {
        return;
    };
    simulation.report(&follower, &run, out);
}

/// A request of the block and the node that sends it.
struct Request<'a> {
    object: &'a Object,
    sender: NodeId,
}

/// The follower as the info string states it: its id and the words of its `node` line.
struct Follower<'a> {
    id: NodeId,
    attributes: &'a [&'a str],
}

struct Simulation<'a> {
    block: &'a Block,
    requests: Vec<Request<'a>>,
    place: &'a dyn Fn(usize) -> Location,
    info_place: &'a dyn Fn(&str) -> Location,
}

/// The block's RequestVotes and AppendEntries, whose sender is a node id the simulator
/// takes; responses are not delivered.
fn requests(objects: &[Object]) -> Vec<Request<'_>> {
    objects
        .iter()
        .filter_map(|object| {
            NodeId::try_from(object.sender()?)
                .ok()
                .filter(|&id| (1..=MAX_NODE).contains(&id))
                .map(|sender| Request { object, sender })
        })
        .collect()
}

impl<'a> Simulation<'a> {
    /// The follower's id (the first attribute when it is a number, else the lowest id that
    /// sends none of the requests) and its state. A follower that sends one of the requests
    /// is an error.
    fn follower(
        &self,
        attributes: &'a [&'a str],
        out: &mut Vec<Diagnostic>,
    ) -> Option<Follower<'a>> {
        let Some((word, Ok(id))) = attributes
            .first()
            .map(|word| (word, word.parse::<NodeId>()))
        else {
            let id = (1..=MAX_NODE)
                .find(|id| self.requests.iter().all(|r| r.sender != *id))
                .unwrap_or(1);
            return Some(Follower { id, attributes });
        };
        if let Some(request) = self.requests.iter().find(|r| r.sender == id) {
            out.push(
                Diagnostic::error(
                    code::FOLLOWER,
                    (self.info_place)(word),
                    format!(
                        "the follower is node {id}, which sends the {} at line {}",
                        noun(request.object.kind),
                        (self.place)(request.object.range.start).line
                    ),
                )
                .spanning(word.len())
                .label("the follower's id")
                .hint("a node does not send messages to itself: pick another id for the follower"),
            );
            return None;
        }
        Some(Follower {
            id,
            attributes: &attributes[1..],
        })
    }

    /// The script: a cluster holding every sender and the follower (three nodes at least),
    /// the follower's `node` line, then a `send` per request. Script line 2 is the
    /// follower, line 3 + i the i-th request.
    fn script(&self, follower: &Follower<'_>) -> String {
        let size = self
            .requests
            .iter()
            .map(|r| r.sender)
            .chain([follower.id, 3])
            .max()
            .unwrap_or(3);
        let mut text = format!(
            "cluster {size}\nnode {} follower {}\n",
            follower.id,
            follower.attributes.join(" ")
        );
        for request in &self.requests {
            let json = &self.block.content[request.object.range.clone()];
            text.push_str(&format!(
                "send {} -> {} {}\n",
                request.sender,
                follower.id,
                json.replace('\n', " ")
            ));
        }
        text
    }

    /// Runs the script; a follower or request the simulator refuses is an error at the
    /// request (or at the info string, for the follower itself).
    fn run(&self, follower: &Follower<'_>, out: &mut Vec<Diagnostic>) -> Option<ScriptRun> {
        let parsed = match script::parse(&self.script(follower), 1) {
            Ok(parsed) => parsed,
            Err(error) => {
                out.push(self.blame(error.line, &error.message, FOLLOWER_HELP));
                return None;
            }
        };
        let run = script::run(&parsed);
        if let Some(error) = &run.error {
            out.push(self.blame(
                error.line,
                &error.message,
                "state a follower Raft can produce: a log of non-decreasing \
                terms no newer than its term, commitIndex within the log",
            ));
            return None;
        }
        Some(run)
    }

    /// An error at script line `line`: the request it sends, or the stated follower.
    fn blame(&self, line: u32, what: &str, hint: &str) -> Diagnostic {
        match self.requests.get((line as usize).wrapping_sub(3)) {
            Some(request) => Diagnostic::error(
                code::FOLLOWER,
                (self.place)(request.object.range.start),
                format!("the simulator cannot deliver this message: {what}"),
            )
            .spanning(1)
            .label("this message")
            .hint("the stated follower, with these messages, is not something Raft can produce"),
            None => {
                let info = &self.block.info;
                Diagnostic::error(
                    code::FOLLOWER,
                    (self.info_place)("follower"),
                    format!("cannot use the stated follower: {what}"),
                )
                .spanning(info.len() - info.find("follower").unwrap_or(0))
                .label("this follower")
                .hint(hint)
            }
        }
    }

    /// A note per request: the follower as declared (on the first), what it did with the
    /// request (the note about its reply), and every step when there is more than that.
    fn report(&self, follower: &Follower<'_>, run: &ScriptRun, out: &mut Vec<Diagnostic>) {
        let id = follower.id;
        let mut described = run.start.as_ref().map(|cluster| {
            let node = cluster.node(id);
            format!(
                "a follower in term {}, with log `{}` and commitIndex {}",
                node.term(),
                terms(&node.log().terms()),
                node.commit_index()
            )
        });
        let reactions = reactions(run, id);
        for (position, (request, notes)) in self.requests.iter().zip(reactions).enumerate() {
            let who = if position == 0 {
                format!("node {id}, {}", described.take().unwrap_or_default())
            } else {
                format!("then node {id}")
            };
            let steps = if notes.len() > 1 {
                notes
                    .iter()
                    .map(|reason| reason.note.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                String::new()
            };
            out.push(
                Diagnostic::note(
                    code::OUTCOME,
                    (self.place)(request.object.range.start),
                    format!("{who}: {}", verdict(&notes)),
                )
                .spanning(1)
                .label(format!(
                    "what node {id} does with this {}",
                    noun(request.object.kind)
                ))
                .hint(steps),
            );
        }
    }
}

/// The notes the follower wrote during each `send`, in order.
fn reactions(run: &ScriptRun, follower: NodeId) -> Vec<Vec<Reason>> {
    let mut per_send: Vec<Vec<Reason>> = Vec::new();
    for event in &run.trace.events {
        match &event.event {
            TraceEvent::Script { .. } => per_send.push(Vec::new()),
            TraceEvent::Note { node, note, .. } if *node == follower => {
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
    per_send
}

/// What the follower did with a request: its last note about the reply it sent.
fn verdict(notes: &[Reason]) -> String {
    notes
        .iter()
        .rev()
        .find(|reason| reason.note.concerns().contains(&Aspect::Reply))
        .map_or_else(
            || "does nothing with it".to_owned(),
            |reason| reason.note.to_string(),
        )
}
