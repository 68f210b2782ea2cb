//! The statements of the script language, in one table: each statement's name, where it may
//! stand, its grammar, the fixed words it takes and the function that parses it. The parser
//! dispatches on this table, its "unknown command" help and did-you-mean come from it, and
//! the code highlighters colour [`KEYWORDS`], so a statement added here is known everywhere
//! at once. GUIDE.md's grammar is checked against it by a test (tests/raft_script.rs).

use super::ScriptError;
use super::ast::{CommandKind, Script};
use super::parser::{self, Cursor};

/// Where a statement may stand in a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The first line, once: `cluster N`.
    First,
    /// Before the first event: options and node states.
    Setup,
    /// Anywhere after the setup: events, `expect` and `ask`.
    Body,
    /// Alone in its block, never in a script: `generate KIND` makes a generator card.
    Alone,
}

/// Parses what follows a statement's name (the cursor is just past it). `Some` is a command
/// of the run; `None` a setting the function wrote into the script (an option, a node).
pub(super) type Parse =
    fn(&mut Cursor<'_>, &mut Script) -> Result<Option<CommandKind>, ScriptError>;

/// One statement of the language.
pub struct StatementSpec {
    /// The word that starts it.
    pub name: &'static str,
    pub place: Place,
    /// What it does, in a line: GUIDE.md's grammar shows it beside the statement (a test
    /// holds the two together).
    pub help: &'static str,
    /// The fixed words it takes after its name that did-you-mean offers when one is
    /// misspelt: option names, node attributes, the properties `expect` and `ask` name.
    pub words: &'static [&'static str],
    /// A well-formed instance, for the tests and as an example.
    pub example: &'static str,
    pub(super) parse: Parse,
}

/// The option names `option` takes.
pub const OPTIONS: &[&str] = &[
    "election-timeout",
    "heartbeat",
    "latency",
    "drop",
    "seed",
    "stale-requests",
    "conflict-hint",
    "noop",
    "max-entries",
];

/// The attributes a `node` line takes (the long forms are aliases of the short ones).
pub const NODE_ATTRIBUTES: &[&str] = &[
    "follower",
    "candidate",
    "leader",
    "term",
    "voted",
    "votedFor",
    "log",
    "commit",
    "commitIndex",
    "timeout",
    "elapsed",
    "next",
    "nextIndex",
    "match",
    "matchIndex",
    "crashed",
];

/// The node properties `expect ID PROPERTY VALUE` and `ask ID PROPERTY` name.
pub const PROPERTIES: &[&str] = &[
    "role",
    "term",
    "votedFor",
    "log",
    "commitIndex",
    "lastApplied",
    "nextIndex",
    "matchIndex",
];

/// Every statement, in the order the guide's grammar lists them.
pub const STATEMENTS: [StatementSpec; 18] = [
    StatementSpec {
        name: "cluster",
        place: Place::First,
        help: "the cluster's size, 1 to 64 nodes: the first line, once",
        words: &[],
        example: "cluster 3",
        parse: parser::cluster_again,
    },
    StatementSpec {
        name: "option",
        place: Place::Setup,
        help: "a protocol or network setting, before the first event",
        words: OPTIONS,
        example: "option election-timeout 20",
        parse: parser::option,
    },
    StatementSpec {
        name: "node",
        place: Place::Setup,
        help: "a node's state at the start, before the first event",
        words: NODE_ATTRIBUTES,
        example: "node 2 leader term 3 log 1 3 commit 1 next 1=2 match 1=1",
        parse: parser::node,
    },
    StatementSpec {
        name: "timeout",
        place: Place::Body,
        help: "the node's timer fires now (election; a leader's heartbeat)",
        words: &[],
        example: "timeout 2",
        parse: |cursor, script| Ok(Some(CommandKind::Timeout(cursor.node(script.size)?))),
    },
    StatementSpec {
        name: "tick",
        place: Place::Body,
        help: "N ticks; messages arrive after their latency",
        words: &[],
        example: "tick 5",
        parse: parser::tick,
    },
    StatementSpec {
        name: "deliver",
        place: Place::Body,
        help: r#"deliver what is in flight now ("*" for any node)"#,
        words: &[],
        example: "deliver 1 -> * RequestVote",
        parse: |cursor, script| {
            Ok(Some(CommandKind::Deliver(parser::filter(
                cursor,
                script.size,
            )?)))
        },
    },
    StatementSpec {
        name: "drop",
        place: Place::Body,
        help: "lose what is in flight",
        words: &[],
        example: "drop * -> 3",
        parse: |cursor, script| {
            Ok(Some(CommandKind::Drop(parser::filter(
                cursor,
                script.size,
            )?)))
        },
    },
    StatementSpec {
        name: "send",
        place: Place::Body,
        help: "this message arrives at TO now, as if FROM sent it",
        words: &[],
        example: r#"send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}"#,
        parse: |cursor, script| Ok(Some(CommandKind::Send(parser::send(cursor, script.size)?))),
    },
    StatementSpec {
        name: "propose",
        place: Place::Body,
        help: "a client command (to the leader if no ID)",
        words: &[],
        example: "propose 1 set x = 1",
        parse: |cursor, script| parser::propose(cursor, script.size).map(Some),
    },
    StatementSpec {
        name: "partition",
        place: Place::Body,
        help: "nodes not listed form one more group",
        words: &[],
        example: "partition 1 2 | 3",
        parse: |cursor, script| {
            Ok(Some(CommandKind::Partition(parser::groups(
                cursor,
                script.size,
            )?)))
        },
    },
    StatementSpec {
        name: "isolate",
        place: Place::Body,
        help: "cut the node off from every other",
        words: &[],
        example: "isolate 3",
        parse: |cursor, script| Ok(Some(CommandKind::Isolate(cursor.node(script.size)?))),
    },
    StatementSpec {
        name: "heal",
        place: Place::Body,
        help: "every link works again",
        words: &[],
        example: "heal",
        parse: |_, _| Ok(Some(CommandKind::Heal)),
    },
    StatementSpec {
        name: "crash",
        place: Place::Body,
        help: "the node stops; it keeps its term, vote and log",
        words: &[],
        example: "crash 2",
        parse: |cursor, script| Ok(Some(CommandKind::Crash(cursor.node(script.size)?))),
    },
    StatementSpec {
        name: "restart",
        place: Place::Body,
        help: "a crashed node comes back as a follower",
        words: &[],
        example: "restart 2",
        parse: |cursor, script| Ok(Some(CommandKind::Restart(cursor.node(script.size)?))),
    },
    StatementSpec {
        name: "stabilize",
        place: Place::Body,
        help: "deliver until nothing is in flight (no ticks)",
        words: &[],
        example: "stabilize",
        parse: |_, _| Ok(Some(CommandKind::Stabilize)),
    },
    StatementSpec {
        name: "expect",
        place: Place::Body,
        help: "the state or the last message is as written, or the card is wrong",
        words: PROPERTIES,
        example: "expect 1 votedFor none",
        parse: |cursor, script| {
            Ok(Some(CommandKind::Expect(parser::expect(
                cursor,
                script.size,
            )?)))
        },
    },
    StatementSpec {
        name: "ask",
        place: Place::Body,
        help: "a question the simulator answers at this point of the run",
        words: PROPERTIES,
        example: "ask 1 commitIndex",
        parse: |cursor, script| Ok(Some(CommandKind::Ask(parser::ask(cursor, script.size)?))),
    },
    StatementSpec {
        name: "generate",
        place: Place::Alone,
        help: "a generator card: alone in its block, a new question at every review",
        words: &[],
        example: "generate vote-decision",
        parse: parser::generate_in_script,
    },
];

/// Every statement's name: what the code highlighters colour as a keyword in a
/// ```` ```raft ```` block.
pub const KEYWORDS: [&str; STATEMENTS.len()] = {
    let mut names = [""; STATEMENTS.len()];
    let mut i = 0;
    while i < STATEMENTS.len() {
        names[i] = STATEMENTS[i].name;
        i += 1;
    }
    names
};

/// The statement called `name`.
pub fn find(name: &str) -> Option<&'static StatementSpec> {
    STATEMENTS.iter().find(|statement| statement.name == name)
}

/// The statements a script may hold after its first line, by name.
pub fn commands() -> impl Iterator<Item = &'static str> {
    STATEMENTS
        .iter()
        .filter(|statement| matches!(statement.place, Place::Setup | Place::Body))
        .map(|statement| statement.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::script::{self, CommandKind};

    /// A script with `line` where its statement may stand: after `cluster 3` for the setup
    /// and the body, alone for `cluster` itself.
    fn script_with(spec: &StatementSpec, line: &str) -> String {
        match spec.place {
            Place::First => format!("{line}\n"),
            _ => format!("cluster 3\n{line}\n"),
        }
    }

    #[test]
    fn every_statement_parses_its_example() {
        for spec in &STATEMENTS {
            assert!(
                spec.example.starts_with(&format!("{} ", spec.name)) || spec.example == spec.name,
                "{}: the example starts with the name",
                spec.name
            );
            let parsed = script::parse(&script_with(spec, spec.example), 1);
            match spec.place {
                Place::First => assert_eq!(parsed.unwrap().size, 3),
                Place::Setup => {
                    let script = parsed.unwrap();
                    assert!(script.commands.is_empty(), "{}", spec.name);
                    assert!(
                        script.nodes.len() == 1 || script.options.election_timeout == 20,
                        "{}: the setting took effect",
                        spec.name
                    );
                }
                Place::Body => {
                    let script = parsed.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
                    assert_eq!(script.commands.len(), 1, "{}", spec.name);
                    assert_eq!(script.commands[0].text, spec.example);
                }
                // `generate KIND` is a card of its own, read before any script parser.
                Place::Alone => {
                    let error = parsed.unwrap_err();
                    assert!(error.message.contains("stands alone"), "{error}");
                }
            }
        }
    }

    #[test]
    fn each_body_statement_makes_its_own_kind_of_command() {
        let kind_name = |kind: &CommandKind| format!("{kind:?}").to_lowercase();
        for spec in STATEMENTS.iter().filter(|s| s.place == Place::Body) {
            let script = script::parse(&script_with(spec, spec.example), 1).unwrap();
            let kind = kind_name(&script.commands[0].kind);
            assert!(kind.starts_with(spec.name), "{}: {kind}", spec.name);
        }
    }

    #[test]
    fn names_are_unique_and_cluster_comes_first() {
        let mut names: Vec<&str> = KEYWORDS.to_vec();
        assert_eq!(names[0], "cluster");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), STATEMENTS.len());
        assert_eq!(
            STATEMENTS
                .iter()
                .filter(|s| s.place == Place::First)
                .count(),
            1
        );
    }

    #[test]
    fn a_word_outside_the_table_is_refused_with_the_table_as_help() {
        let error = script::parse("cluster 3\nfrobnicate 2\n", 1).unwrap_err();
        assert_eq!((error.line, error.column), (2, 1));
        assert_eq!(error.message, "unknown command `frobnicate`");
        // Written out by hand: the help is the list a user sees, not the table echoed.
        assert_eq!(
            error.help.as_deref(),
            Some(
                "commands: option, node, timeout, tick, deliver, drop, send, propose, partition, isolate, heal, crash, restart, stabilize, expect, ask"
            )
        );
        let error = script::parse("cluster 3\nstabilise\n", 1).unwrap_err();
        assert_eq!(error.help.as_deref(), Some("did you mean `stabilize`?"));
        let error = script::parse("cluster 3\nisolat 2\n", 1).unwrap_err();
        assert_eq!(error.help.as_deref(), Some("did you mean `isolate`?"));
    }

    #[test]
    fn misspelt_words_inside_a_statement_are_offered_from_its_words() {
        for (line, offered) in [
            ("option hearbeat 2", "heartbeat"),
            ("node 1 follower trem 2", "term"),
            ("expect 1 comitIndex 2", "commitIndex"),
            ("ask 2 lastAplied", "lastApplied"),
        ] {
            let error = script::parse(&format!("cluster 3\n{line}\n"), 1).unwrap_err();
            let help = error.help.unwrap_or_default();
            assert_eq!(help, format!("did you mean `{offered}`?"), "{line}");
            let name = line.split(' ').next().unwrap();
            assert!(find(name).unwrap().words.contains(&offered), "{line}");
        }
    }

    #[test]
    fn the_words_of_a_statement_are_accepted_by_it() {
        // One use of every word the table lists, each written by hand.
        let uses = [
            "option election-timeout 12",
            "option heartbeat 2",
            "option latency 1 3",
            "option drop 0.5",
            "option seed 9",
            "option stale-requests drop",
            "option conflict-hint on",
            "option noop on",
            "option max-entries 4",
            "node 1 follower",
            "node 1 candidate term 1",
            "node 1 leader term 1",
            "node 1 term 2",
            "node 1 voted 2",
            "node 1 votedFor 2",
            "node 1 log 1 1",
            "node 1 term 1 log 1 commit 1",
            "node 1 term 1 log 1 commitIndex 1",
            "node 1 timeout 5",
            "node 1 elapsed 2",
            "node 1 leader term 1 next 2=1",
            "node 1 leader term 1 nextIndex 2=1",
            "node 1 leader term 1 log 1 match 2=1",
            "node 1 leader term 1 log 1 matchIndex 2=1",
            "node 1 crashed",
            "expect 1 role follower",
            "expect 1 term 0",
            "expect 1 votedFor none",
            "expect 1 log empty",
            "expect 1 commitIndex 0",
            "expect 1 lastApplied 0",
            "expect 1 nextIndex[2] 1",
            "expect 1 matchIndex[2] 0",
            "ask 1 role",
            "ask 1 term",
            "ask 1 votedFor",
            "ask 1 log",
            "ask 1 commitIndex",
            "ask 1 lastApplied",
            "ask 1 nextIndex[2]",
            "ask 1 matchIndex[2]",
        ];
        for spec in &STATEMENTS {
            for word in spec.words {
                let used = uses.iter().any(|line| {
                    let mut words = line.split([' ', '[']);
                    words.next() == Some(spec.name) && words.any(|w| w == *word)
                });
                assert!(used, "`{} … {word}` has no use above", spec.name);
            }
        }
        for line in uses {
            script::parse(&format!("cluster 3\n{line}\n"), 1)
                .unwrap_or_else(|error| panic!("{line}: {error}"));
        }
    }
}
