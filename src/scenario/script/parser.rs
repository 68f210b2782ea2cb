//! Statements -> [`Script`]. Every error names the line and column of the offending token
//! and says what would be accepted there.

use super::ScriptError;
use super::ast::{
    Command, CommandKind, Expect, MESSAGE_FIELDS, MessageField, NodeDecl, NodeProperty, Options,
    Property, Query, REFUSALS, Script,
};
use super::lexer::{Statement, Token, TokenKind, strip_comment};
use super::statements::{self, NODE_ATTRIBUTES, OPTIONS, PROPERTIES, Place, STATEMENTS};
use crate::raft::message::MessageJsonError;
use crate::raft::node::MAX_NODES;
use crate::raft::{Entry, Envelope, Filter, Message, MessageKind, NodeId, NodeState, Role};

/// "did you mean `x`?" for the candidate closest to a misspelt word, if one is close.
pub(crate) fn suggestion(word: &str, candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Parses lexed statements; `offset` is added to every line number.
pub fn parse_statements(statements: &[Statement], offset: u32) -> Result<Script, ScriptError> {
    let mut lines = statements.iter();
    let Some(first) = lines.next() else {
        return Err(ScriptError::at(
            offset + 1,
            1,
            "the script is empty",
            Some("start it with `cluster N`, e.g. `cluster 3`"),
        ));
    };
    let mut cursor = Cursor::new(first, offset);
    let size = match cursor.peek_word() {
        Some("cluster") => {
            cursor.next();
            let size = cursor.number("the number of nodes")?;
            if size == 0 || size > u64::from(MAX_NODES) {
                return Err(cursor.error_previous(
                    format!("a cluster has 1 to {MAX_NODES} nodes, not {size}"),
                    None,
                ));
            }
            cursor.end()?;
            size as u32
        }
        Some("generate") => {
            return Err(cursor.error_here(
                "`generate` makes a generator card, not a script to run",
                Some("a ```raft block holding only `generate KIND` is read by the quiz, `check` and the export; a script starts with `cluster N`"),
            ));
        }
        _ => {
            return Err(cursor.error_here(
                "a script starts with `cluster N`",
                Some("e.g. `cluster 3` for nodes 1, 2 and 3"),
            ));
        }
    };
    let mut script = Script {
        line: first.line + offset,
        size,
        options: Options::default(),
        nodes: Vec::new(),
        commands: Vec::new(),
    };
    for statement in lines {
        let mut cursor = Cursor::new(statement, offset);
        let Some((keyword, token)) = cursor.word("a command")? else {
            continue;
        };
        let Some(spec) = statements::find(&keyword) else {
            return Err(unknown_command(&cursor, &token, &keyword));
        };
        let Some(kind) = (spec.parse)(&mut cursor, &mut script)? else {
            continue;
        };
        cursor.end()?;
        script.commands.push(Command {
            line: statement.line + offset,
            text: statement.text.clone(),
            kind,
        });
    }
    Ok(script)
}

/// A first word that starts no statement: did you mean one, or the list of them.
fn unknown_command(cursor: &Cursor<'_>, token: &Token, word: &str) -> ScriptError {
    let known: Vec<&str> = STATEMENTS
        .iter()
        .filter(|spec| spec.place != Place::Alone)
        .map(|spec| spec.name)
        .collect();
    let list = format!(
        "commands: {}",
        statements::commands().collect::<Vec<_>>().join(", ")
    );
    cursor.error_token(
        token,
        format!("unknown command `{word}`"),
        suggestion(word, &known).as_deref().or(Some(&list)),
    )
}

/// `cluster` after the first line.
pub(super) fn cluster_again(
    cursor: &mut Cursor<'_>,
    _: &mut Script,
) -> Result<Option<CommandKind>, ScriptError> {
    Err(cursor.error_previous("`cluster` may appear only once, on the first line", None))
}

/// `generate` in a script.
pub(super) fn generate_in_script(
    cursor: &mut Cursor<'_>,
    _: &mut Script,
) -> Result<Option<CommandKind>, ScriptError> {
    Err(cursor.error_previous(
        "`generate` stands alone in its block",
        Some("a generator card's ```raft block holds only `generate KIND`; move the script to another card"),
    ))
}

/// `option NAME VALUE`, before the first event.
pub(super) fn option(
    cursor: &mut Cursor<'_>,
    script: &mut Script,
) -> Result<Option<CommandKind>, ScriptError> {
    if !script.commands.is_empty() {
        return Err(cursor.error_previous(
            "options are set before the first event",
            Some("move this line above the events"),
        ));
    }
    parse_option(cursor, &mut script.options)?;
    Ok(None)
}

/// `node ID ATTRIBUTE...`, before the first event, once per node.
pub(super) fn node(
    cursor: &mut Cursor<'_>,
    script: &mut Script,
) -> Result<Option<CommandKind>, ScriptError> {
    if !script.commands.is_empty() {
        return Err(cursor.error_previous(
            "node states are declared before the first event",
            Some("move this line above the events"),
        ));
    }
    let keyword = cursor.position - 1;
    let line = cursor.statement.line + cursor.offset;
    let decl = parse_node(cursor, script.size, line)?;
    if script.nodes.iter().any(|d| d.id == decl.id) {
        let token = &cursor.statement.tokens[keyword];
        return Err(cursor.error_token(
            token,
            format!("node {} is declared twice", decl.id),
            Some("merge the two declarations into one line"),
        ));
    }
    script.nodes.push(decl);
    Ok(None)
}

/// `tick [N]`: one tick when N is left out.
pub(super) fn tick(
    cursor: &mut Cursor<'_>,
    _: &mut Script,
) -> Result<Option<CommandKind>, ScriptError> {
    let ticks = if cursor.at_end() {
        1
    } else {
        cursor.number("the number of ticks")?
    };
    Ok(Some(CommandKind::Tick(ticks)))
}

pub(super) struct Cursor<'a> {
    statement: &'a Statement,
    position: usize,
    offset: u32,
}

impl<'a> Cursor<'a> {
    fn new(statement: &'a Statement, offset: u32) -> Cursor<'a> {
        Cursor {
            statement,
            position: 0,
            offset,
        }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.statement.tokens.get(self.position)
    }

    fn peek_word(&self) -> Option<&'a str> {
        match &self.peek()?.kind {
            TokenKind::Word(word) => Some(word),
            _ => None,
        }
    }

    fn next(&mut self) -> Option<&'a Token> {
        let token = self.statement.tokens.get(self.position);
        if token.is_some() {
            self.position += 1;
        }
        token
    }

    fn at_end(&self) -> bool {
        self.position >= self.statement.tokens.len()
    }

    fn error_token(
        &self,
        token: &Token,
        message: impl Into<String>,
        help: Option<&str>,
    ) -> ScriptError {
        ScriptError::at(token.line + self.offset, token.column, message, help)
    }

    /// An error at the next token, or just past the end of the statement.
    fn error_here(&self, message: impl Into<String>, help: Option<&str>) -> ScriptError {
        match self.peek() {
            Some(token) => self.error_token(token, message, help),
            None => {
                let written = strip_comment(&self.statement.first_line);
                let column = written.trim_end().chars().count() as u32 + 1;
                ScriptError::at(self.statement.line + self.offset, column, message, help)
            }
        }
    }

    fn error_previous(&self, message: impl Into<String>, help: Option<&str>) -> ScriptError {
        match self
            .position
            .checked_sub(1)
            .and_then(|p| self.statement.tokens.get(p))
        {
            Some(token) => self.error_token(token, message, help),
            None => self.error_here(message, help),
        }
    }

    fn end(&self) -> Result<(), ScriptError> {
        match self.peek() {
            None => Ok(()),
            Some(token) => Err(self.error_token(
                token,
                format!(
                    "unexpected {} at the end of the statement",
                    token.describe()
                ),
                None,
            )),
        }
    }

    /// The next token as a word; None at the end of the statement.
    fn word(&mut self, what: &str) -> Result<Option<(String, Token)>, ScriptError> {
        match self.next() {
            None => Ok(None),
            Some(token) => match &token.kind {
                TokenKind::Word(word) => Ok(Some((word.clone(), token.clone()))),
                _ => Err(self.error_token(
                    token,
                    format!("expected {what}, found {}", token.describe()),
                    None,
                )),
            },
        }
    }

    fn required_word(
        &mut self,
        what: &str,
        help: Option<&str>,
    ) -> Result<(String, Token), ScriptError> {
        match self.word(what)? {
            Some(word) => Ok(word),
            None => Err(self.error_here(format!("expected {what}"), help)),
        }
    }

    fn number(&mut self, what: &str) -> Result<u64, ScriptError> {
        let (word, token) = self.required_word(what, None)?;
        word.parse().map_err(|_| {
            self.error_token(
                &token,
                format!("expected {what} (a whole number), found `{word}`"),
                None,
            )
        })
    }

    pub(super) fn node(&mut self, size: u32) -> Result<NodeId, ScriptError> {
        let (word, token) = self.required_word("a node id", None)?;
        parse_node_id(&word)
            .filter(|&id| id <= size)
            .ok_or_else(|| {
                self.error_token(
                    &token,
                    format!("`{word}` is not a node of this cluster"),
                    Some(&format!("nodes are numbered 1 to {size}")),
                )
            })
    }

    fn node_or_none(&mut self, size: u32) -> Result<Option<NodeId>, ScriptError> {
        if self.peek_word() == Some("none") {
            self.next();
            return Ok(None);
        }
        self.node(size).map(Some)
    }

    fn arrow(&mut self) -> Result<(), ScriptError> {
        match self.next() {
            Some(Token {
                kind: TokenKind::Arrow,
                ..
            }) => Ok(()),
            Some(token) => Err(self.error_token(
                token,
                format!("expected `->`, found {}", token.describe()),
                Some("write a link as `FROM -> TO`, e.g. `1 -> 2`"),
            )),
            None => Err(self.error_here(
                "expected `->`",
                Some("write a link as `FROM -> TO`, e.g. `1 -> 2`"),
            )),
        }
    }

    fn peek_is_number(&self) -> bool {
        self.peek_word()
            .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
    }

    /// Numbers until the next non-number; `empty` for none.
    fn terms(&mut self) -> Result<Vec<u64>, ScriptError> {
        if self.peek_word() == Some("empty") {
            self.next();
            return Ok(Vec::new());
        }
        let mut terms = Vec::new();
        while self.peek_is_number() {
            terms.push(self.number("a term")?);
        }
        if terms.is_empty() {
            return Err(
                self.error_here("expected the log as terms, e.g. `1 1 2`, or `empty`", None)
            );
        }
        Ok(terms)
    }

    fn on_off(&mut self, what: &str) -> Result<bool, ScriptError> {
        let (word, token) = self.required_word(what, Some("write `on` or `off`"))?;
        match word.as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(self.error_token(
                &token,
                format!("expected `on` or `off`, found `{word}`"),
                None,
            )),
        }
    }
}

fn parse_node_id(word: &str) -> Option<NodeId> {
    word.parse::<NodeId>().ok().filter(|&id| id >= 1)
}

fn options_help() -> String {
    format!("options: {}", OPTIONS.join(", "))
}

fn parse_option(cursor: &mut Cursor<'_>, options: &mut Options) -> Result<(), ScriptError> {
    let (name, token) = cursor.required_word("an option name", Some(&options_help()))?;
    match name.as_str() {
        "election-timeout" => {
            options.election_timeout = cursor.number("the election timeout T in ticks")?;
            if options.election_timeout == 0 {
                return Err(cursor.error_previous("the election timeout is at least 1 tick", None));
            }
        }
        "heartbeat" => {
            options.heartbeat = cursor.number("the heartbeat interval in ticks")?;
            if options.heartbeat == 0 {
                return Err(
                    cursor.error_previous("the heartbeat interval is at least 1 tick", None)
                );
            }
        }
        "latency" => {
            let low = cursor.number("the latency in ticks")?;
            let high = if cursor.at_end() {
                low
            } else {
                cursor.number("the highest latency in ticks")?
            };
            if high < low {
                return Err(cursor.error_previous(
                    format!("the highest latency {high} is below the lowest {low}"),
                    None,
                ));
            }
            options.latency = (low, high);
        }
        "drop" => {
            let (word, token) = cursor.required_word("a probability", None)?;
            options.drop = word
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or_else(|| {
                    cursor.error_token(
                        &token,
                        format!("expected a probability between 0 and 1, found `{word}`"),
                        None,
                    )
                })?;
        }
        "seed" => options.seed = cursor.number("the seed")?,
        "stale-requests" => {
            let (word, token) = cursor.required_word("`refuse` or `drop`", None)?;
            options.stale_requests_dropped = match word.as_str() {
                "refuse" => false,
                "drop" => true,
                _ => {
                    return Err(cursor.error_token(
                        &token,
                        format!("expected `refuse` (the paper) or `drop` (etcd), found `{word}`"),
                        None,
                    ));
                }
            };
        }
        "conflict-hint" => options.conflict_hint = cursor.on_off("conflict-hint")?,
        "noop" => options.noop = cursor.on_off("noop")?,
        "max-entries" => {
            options.max_entries = cursor.number("the most entries per AppendEntries")?;
            if options.max_entries == 0 {
                return Err(cursor.error_previous("at least 1 entry per AppendEntries", None));
            }
        }
        other => {
            return Err(cursor.error_token(
                &token,
                format!("unknown option `{other}`"),
                suggestion(other, OPTIONS)
                    .as_deref()
                    .or(Some(&options_help())),
            ));
        }
    }
    cursor.end()
}

fn parse_node(cursor: &mut Cursor<'_>, size: u32, line: u32) -> Result<NodeDecl, ScriptError> {
    let id = cursor.node(size)?;
    let mut state = NodeState::default();
    let mut crashed = false;
    while let Some((word, token)) = cursor.word("a node attribute")? {
        match word.as_str() {
            "crashed" => crashed = true,
            "follower" | "candidate" | "leader" => {
                state.role = word.parse::<Role>().unwrap_or(Role::Follower)
            }
            "term" => state.term = cursor.number("the term")?,
            "voted" | "votedFor" => state.voted_for = Some(cursor.node_or_none(size)?),
            "log" => {
                state.log = cursor
                    .terms()?
                    .into_iter()
                    .map(|term| Entry::new(term, ""))
                    .collect()
            }
            "commit" | "commitIndex" => state.commit_index = cursor.number("the commitIndex")?,
            "timeout" => {
                let timeout = cursor.number("the election timeout in ticks")?;
                if timeout == 0 {
                    return Err(
                        cursor.error_previous("an election timeout is at least 1 tick", None)
                    );
                }
                state.election_timeout = Some(timeout);
            }
            "elapsed" => state.election_elapsed = cursor.number("the ticks already elapsed")?,
            "next" | "nextIndex" | "match" | "matchIndex" => {
                let pairs = parse_pairs(cursor, size, id)?;
                if word.starts_with("next") {
                    state.next_index.extend(pairs);
                } else {
                    state.match_index.extend(pairs);
                }
            }
            other => {
                return Err(cursor.error_token(
                    &token,
                    format!("unknown node attribute `{other}`"),
                    suggestion(other, NODE_ATTRIBUTES).as_deref().or(Some(
                        "e.g. `node 1 leader term 3 log 1 1 3 commit 2 next 2=4 match 2=3 timeout 12`",
                    )),
                ));
            }
        }
    }
    Ok(NodeDecl {
        line,
        id,
        state,
        crashed,
    })
}

/// `2=5 3=4`: follower ids and indexes.
fn parse_pairs(
    cursor: &mut Cursor<'_>,
    size: u32,
    leader: NodeId,
) -> Result<Vec<(NodeId, u64)>, ScriptError> {
    let mut pairs = Vec::new();
    while cursor.peek_is_number() {
        let peer = cursor.node(size)?;
        if peer == leader {
            return Err(cursor.error_previous(
                "a leader keeps nextIndex and matchIndex for the other nodes, not itself",
                None,
            ));
        }
        match cursor.next() {
            Some(Token {
                kind: TokenKind::Equals,
                ..
            }) => {}
            _ => {
                return Err(
                    cursor.error_previous("expected `FOLLOWER=INDEX`", Some("e.g. `next 2=5 3=4`"))
                );
            }
        }
        pairs.push((peer, cursor.number("an index")?));
    }
    if pairs.is_empty() {
        return Err(cursor.error_here(
            "expected `FOLLOWER=INDEX` pairs",
            Some("e.g. `match 2=5 3=4`"),
        ));
    }
    Ok(pairs)
}

/// `[FROM|* -> TO|*] [KIND]`
pub(super) fn filter(cursor: &mut Cursor<'_>, size: u32) -> Result<Filter, ScriptError> {
    let mut filter = Filter::default();
    let is_endpoint = |token: Option<&Token>| {
        matches!(token.map(|t| &t.kind), Some(TokenKind::Star))
            || matches!(token.map(|t| &t.kind), Some(TokenKind::Word(w)) if w.chars().all(|c| c.is_ascii_digit()))
    };
    if is_endpoint(cursor.peek()) {
        filter.from = endpoint(cursor, size)?;
        cursor.arrow()?;
        filter.to = endpoint(cursor, size)?;
    }
    if let Some((word, token)) = cursor.word("a message kind")? {
        filter.kind = Some(
            word.parse::<MessageKind>()
                .map_err(|message| cursor.error_token(&token, message, None))?,
        );
    }
    Ok(filter)
}

fn endpoint(cursor: &mut Cursor<'_>, size: u32) -> Result<Option<NodeId>, ScriptError> {
    if matches!(cursor.peek().map(|t| &t.kind), Some(TokenKind::Star)) {
        cursor.next();
        return Ok(None);
    }
    cursor.node(size).map(Some)
}

pub(super) fn send(cursor: &mut Cursor<'_>, size: u32) -> Result<Envelope, ScriptError> {
    let from = cursor.node(size)?;
    cursor.arrow()?;
    let to = cursor.node(size)?;
    if from == to {
        return Err(cursor.error_previous("a node does not send messages to itself", None));
    }
    let Some(token) = cursor.next() else {
        return Err(cursor.error_here(
            "expected the message as JSON, e.g. {\"term\": 5, \"candidateId\": 1, \"lastLogIndex\": 3, \"lastLogTerm\": 2}",
            None,
        ));
    };
    let TokenKind::Json(json) = &token.kind else {
        return Err(cursor.error_token(
            token,
            format!(
                "expected the message as JSON `{{ ... }}`, found {}",
                token.describe()
            ),
            None,
        ));
    };
    let message = Message::from_json(json).map_err(|error| match &error {
        MessageJsonError::Syntax { line, column, .. } => {
            let line_in_script = token.line + *line as u32 - 1;
            let column = if *line == 1 {
                token.column + *column as u32 - 1
            } else {
                *column as u32
            };
            ScriptError::at(line_in_script + cursor.offset, column, error.to_string(), None)
        }
        MessageJsonError::Fields { kind, .. } if *kind == MessageKind::AppendEntriesResponse => {
            cursor.error_token(
                token,
                error.to_string(),
                Some("an AppendEntries response here is {\"term\", \"success\", \"index\"}: `index` is the request's prevLogIndex + number of entries on success, its prevLogIndex on refusal"),
            )
        }
        _ => cursor.error_token(token, error.to_string(), None),
    })?;
    let claimed = match &message {
        Message::RequestVote(m) => Some(("candidateId", m.candidate_id)),
        Message::AppendEntries(m) => Some(("leaderId", m.leader_id)),
        _ => None,
    };
    if let Some((field, id)) = claimed
        && id != from
    {
        return Err(cursor.error_token(
            token,
            format!(
                "the message says {field} {id}, but `send {from} -> {to}` sends it from {from}"
            ),
            Some("make the sender and the id in the message agree"),
        ));
    }
    Ok(Envelope { from, to, message })
}

pub(super) fn propose(cursor: &mut Cursor<'_>, size: u32) -> Result<CommandKind, ScriptError> {
    let statement = cursor.statement;
    let mut node = None;
    let remaining = statement.tokens.len() - cursor.position;
    if cursor.peek_is_number() && remaining > 1 {
        node = Some(cursor.node(size)?);
    }
    let Some(first) = cursor.peek() else {
        return Err(cursor.error_here(
            "expected the client's command",
            Some("e.g. `propose set x = 1` (to the leader) or `propose 2 \"set x = 1\"`"),
        ));
    };
    let command = match &first.kind {
        TokenKind::Quoted(text) if remaining - usize::from(node.is_some()) == 1 => text.clone(),
        _ => {
            let line: String = strip_comment(&statement.first_line);
            line.chars()
                .skip(first.column as usize - 1)
                .collect::<String>()
                .trim()
                .to_owned()
        }
    };
    cursor.position = statement.tokens.len();
    Ok(CommandKind::Propose { node, command })
}

pub(super) fn groups(cursor: &mut Cursor<'_>, size: u32) -> Result<Vec<Vec<NodeId>>, ScriptError> {
    let mut groups = vec![Vec::new()];
    let mut seen = Vec::new();
    while let Some(token) = cursor.peek() {
        if token.kind == TokenKind::Bar {
            cursor.next();
            groups.push(Vec::new());
            continue;
        }
        let id = cursor.node(size)?;
        if seen.contains(&id) {
            return Err(cursor.error_previous(format!("node {id} is in two groups"), None));
        }
        seen.push(id);
        if let Some(group) = groups.last_mut() {
            group.push(id);
        }
    }
    if groups.iter().any(Vec::is_empty) {
        return Err(cursor.error_here(
            "expected groups of node ids separated by `|`",
            Some("e.g. `partition 1 2 | 3 4 5`; nodes not listed form one more group"),
        ));
    }
    Ok(groups)
}

pub(super) fn expect(cursor: &mut Cursor<'_>, size: u32) -> Result<Expect, ScriptError> {
    if cursor.peek_word() == Some("leader") {
        cursor.next();
        return Ok(match cursor.peek_word() {
            Some("term") => {
                cursor.next();
                Expect::LeaderTerm(cursor.number("the leader's term")?)
            }
            Some("tick") => {
                cursor.next();
                Expect::LeaderTick(cursor.number("the tick it was elected")?)
            }
            _ => Expect::Leader(cursor.node_or_none(size)?),
        });
    }
    let node = cursor.node(size)?;
    if matches!(cursor.peek().map(|t| &t.kind), Some(TokenKind::Arrow)) {
        cursor.next();
        let to = cursor.node(size)?;
        let (name, token) = cursor.required_word(
            "a message field or `nothing`",
            Some("e.g. `expect 1 -> 2 voteGranted false` or `expect 1 -> 2 nothing`"),
        )?;
        let field = match name.as_str() {
            "nothing" => MessageField::Nothing,
            "type" => {
                let (kind, token) = cursor.required_word("a message kind", None)?;
                MessageField::Kind(
                    kind.parse()
                        .map_err(|message| cursor.error_token(&token, message, None))?,
                )
            }
            REFUSALS => MessageField::Refusals(cursor.number("the number of refusals")?),
            "entries" => {
                let terms = cursor.terms()?;
                MessageField::Field {
                    name,
                    value: terms
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                }
            }
            field if MESSAGE_FIELDS.contains(&field) => {
                let (value, token) = cursor.required_word("the expected value", None)?;
                let valid = match field {
                    "voteGranted" | "success" => value == "true" || value == "false",
                    _ => value.parse::<u64>().is_ok(),
                };
                if !valid {
                    let wanted = if matches!(field, "voteGranted" | "success") {
                        "`true` or `false`"
                    } else {
                        "a whole number"
                    };
                    return Err(cursor.error_token(
                        &token,
                        format!("{field} is {wanted}, not `{value}`"),
                        None,
                    ));
                }
                MessageField::Field { name, value }
            }
            other => {
                return Err(cursor.error_token(
                    &token,
                    format!("unknown message field `{other}`"),
                    suggestion(other, MESSAGE_FIELDS).as_deref().or(Some(
                        "fields are those of the seed's JSON (term, voteGranted, success, index, prevLogIndex, entries, ...), `type` or `nothing`",
                    )),
                ));
            }
        };
        return Ok(Expect::Message {
            from: node,
            to,
            field,
        });
    }
    let (name, token) = cursor.required_word("a property", Some(PROPERTIES_HELP))?;
    let property = match name.as_str() {
        "role" => {
            let (word, token) = cursor.required_word("a role", None)?;
            NodeProperty::Role(
                word.parse()
                    .map_err(|message: String| cursor.error_token(&token, message, None))?,
            )
        }
        "term" => NodeProperty::Term(cursor.number("the term")?),
        "votedFor" | "voted" => NodeProperty::VotedFor(cursor.node_or_none(size)?),
        "log" => NodeProperty::Log(cursor.terms()?),
        "commitIndex" | "commit" => NodeProperty::CommitIndex(cursor.number("the commitIndex")?),
        "lastApplied" => NodeProperty::LastApplied(cursor.number("lastApplied")?),
        "nextIndex" | "matchIndex" => {
            let peer = bracketed_peer(cursor, &name, size)?;
            let value = cursor.number("an index")?;
            if name == "nextIndex" {
                NodeProperty::NextIndex(peer, value)
            } else {
                NodeProperty::MatchIndex(peer, value)
            }
        }
        other => return Err(unknown_property(cursor, &token, other)),
    };
    Ok(Expect::Node { node, property })
}

const PROPERTIES_HELP: &str =
    "properties: role, term, votedFor, log, commitIndex, lastApplied, nextIndex[N], matchIndex[N]";

/// A word after a node id in `expect` or `ask` that names no property.
fn unknown_property(cursor: &Cursor<'_>, token: &Token, word: &str) -> ScriptError {
    cursor.error_token(
        token,
        format!("unknown property `{word}`"),
        suggestion(word, PROPERTIES)
            .as_deref()
            .or(Some(PROPERTIES_HELP)),
    )
}

/// `[FOLLOWER]` after `nextIndex` or `matchIndex`.
fn bracketed_peer(cursor: &mut Cursor<'_>, name: &str, size: u32) -> Result<NodeId, ScriptError> {
    let open = cursor.next();
    if !matches!(open.map(|t| &t.kind), Some(TokenKind::LeftBracket)) {
        return Err(cursor.error_previous(
            format!("expected `{name}[FOLLOWER]`"),
            Some("e.g. `expect 1 nextIndex[2] 5`"),
        ));
    }
    let peer = cursor.node(size)?;
    let close = cursor.next();
    if !matches!(close.map(|t| &t.kind), Some(TokenKind::RightBracket)) {
        return Err(cursor.error_previous(format!("expected `]` after `{name}[{peer}`"), None));
    }
    Ok(peer)
}

/// `ask QUERY`: what an `expect` could assert, without the value.
pub(super) fn ask(cursor: &mut Cursor<'_>, size: u32) -> Result<Query, ScriptError> {
    let query = parse_query(cursor, size)?;
    if let Some(token) = cursor.peek() {
        return Err(cursor.error_token(
            token,
            format!(
                "unexpected {}: `ask` takes no answer, the simulator computes it",
                token.describe()
            ),
            Some("to assert a value instead, write `expect` with the same words and the value"),
        ));
    }
    Ok(query)
}

const ASK_HELP: &str = "e.g. `ask 1 -> 3 voteGranted`, `ask 2 commitIndex`, `ask 3 log`, `ask leader`, `ask 1 nextIndex[2]`, `ask 2 -> 1 refusals`";

fn parse_query(cursor: &mut Cursor<'_>, size: u32) -> Result<Query, ScriptError> {
    if cursor.peek_word() == Some("leader") {
        cursor.next();
        return match cursor.word("`term` or `tick`")? {
            None => Ok(Query::Leader),
            Some((word, token)) => match word.as_str() {
                "term" => Ok(Query::LeaderTerm),
                "tick" => Ok(Query::LeaderTick),
                _ => Err(cursor.error_token(
                    &token,
                    format!("unexpected `{word}` after `ask leader`"),
                    Some("`ask leader` (which node), `ask leader term`, or `ask leader tick` (when it was elected)"),
                )),
            },
        };
    }
    if cursor.at_end() {
        return Err(cursor.error_here("expected what to ask", Some(ASK_HELP)));
    }
    let node = cursor.node(size)?;
    if matches!(cursor.peek().map(|t| &t.kind), Some(TokenKind::Arrow)) {
        cursor.next();
        let to = cursor.node(size)?;
        let (name, token) = cursor.required_word(
            "a message field or `refusals`",
            Some("e.g. `ask 1 -> 2 voteGranted` or `ask 2 -> 1 refusals`"),
        )?;
        return match name.as_str() {
            field if field == REFUSALS || MESSAGE_FIELDS.contains(&field) => Ok(Query::Message {
                from: node,
                to,
                field: name,
            }),
            "type" | "nothing" => Err(cursor.error_token(
                &token,
                format!("`ask` cannot ask `{name}`; it asks a field's value"),
                Some("ask a field such as voteGranted, success, term or index, or `refusals`; `expect` can check the message type"),
            )),
            other => Err(cursor.error_token(
                &token,
                format!("unknown message field `{other}`"),
                suggestion(other, MESSAGE_FIELDS)
                    .as_deref()
                    .or(Some("fields are those of the seed's JSON (term, voteGranted, success, index, prevLogIndex, entries, ...), or `refusals`")),
            )),
        };
    }
    let (name, token) = cursor.required_word("a property", Some(PROPERTIES_HELP))?;
    let property = match name.as_str() {
        "role" => Property::Role,
        "term" => Property::Term,
        "votedFor" | "voted" => Property::VotedFor,
        "log" => Property::Log,
        "commitIndex" | "commit" => Property::CommitIndex,
        "lastApplied" => Property::LastApplied,
        "nextIndex" => Property::NextIndex(bracketed_peer(cursor, &name, size)?),
        "matchIndex" => Property::MatchIndex(bracketed_peer(cursor, &name, size)?),
        other => return Err(unknown_property(cursor, &token, other)),
    };
    Ok(Query::Node { node, property })
}

#[cfg(test)]
mod tests {
    //! Scripts written out by hand and the syntax tree the grammar in GUIDE.md gives them.

    use super::super::{Script, ScriptError, parse};
    use super::*;
    use crate::raft::RequestVote;

    fn script(source: &str) -> Script {
        parse(source, 1).unwrap_or_else(|error| panic!("{source}: {error}"))
    }

    /// The one command of `cluster 5` followed by `line`.
    fn command(line: &str) -> CommandKind {
        let mut script = script(&format!("cluster 5\n{line}\n"));
        assert_eq!(script.commands.len(), 1, "{line}");
        script.commands.remove(0).kind
    }

    fn error(source: &str) -> ScriptError {
        parse(source, 1).expect_err(source)
    }

    fn filter(from: Option<NodeId>, to: Option<NodeId>, kind: Option<MessageKind>) -> Filter {
        Filter { from, to, kind }
    }

    #[test]
    fn a_node_line_declares_every_part_of_a_state() {
        let script = script(
            "cluster 3\n\
             node 2 leader term 3 voted 2 log 1 1 3 commit 2 next 1=3 match 3=2 timeout 12 elapsed 4\n\
             node 3 crashed log empty\n",
        );
        assert_eq!((script.line, script.size), (1, 3));
        let leader = &script.nodes[0];
        assert_eq!((leader.line, leader.id, leader.crashed), (2, 2, false));
        let state = &leader.state;
        assert_eq!(state.role, Role::Leader);
        assert_eq!(state.term, 3);
        assert_eq!(state.voted_for, Some(Some(2)));
        let terms: Vec<u64> = state.log.iter().map(|e| e.term).collect();
        assert_eq!(terms, [1, 1, 3]);
        assert_eq!(state.commit_index, 2);
        assert_eq!(state.next_index, [(1, 3)]);
        assert_eq!(state.match_index, [(3, 2)]);
        assert_eq!(state.election_timeout, Some(12));
        assert_eq!(state.election_elapsed, 4);
        // Only what is written: the rest is a fresh server's.
        let down = &script.nodes[1];
        assert_eq!((down.line, down.id, down.crashed), (3, 3, true));
        assert_eq!(down.state, NodeState::default());
    }

    #[test]
    fn long_attribute_names_mean_the_short_ones() {
        let short =
            script("cluster 3\nnode 1 leader term 2 voted 1 log 2 commit 1 next 2=2 match 2=1\n");
        let long = script(
            "cluster 3\nnode 1 leader term 2 votedFor 1 log 2 commitIndex 1 nextIndex 2=2 matchIndex 2=1\n",
        );
        assert_eq!(short.nodes[0].state, long.nodes[0].state);
    }

    #[test]
    fn options_set_the_protocol_and_the_network() {
        let script = script(
            "cluster 3\noption election-timeout 20\noption heartbeat 5\noption latency 2 4\n\
             option drop 0.25\noption seed 9\noption stale-requests drop\noption conflict-hint on\n\
             option noop on\noption max-entries 8\n",
        );
        assert_eq!(
            script.options,
            Options {
                election_timeout: 20,
                heartbeat: 5,
                latency: (2, 4),
                drop: 0.25,
                seed: 9,
                stale_requests_dropped: true,
                conflict_hint: true,
                noop: true,
                max_entries: 8,
            }
        );
        assert!(script.nodes.is_empty() && script.commands.is_empty());
        // One latency is both bounds.
        assert_eq!(
            parse("cluster 3\noption latency 3\n", 1)
                .unwrap()
                .options
                .latency,
            (3, 3)
        );
    }

    #[test]
    fn each_event_makes_its_command() {
        assert_eq!(command("timeout 3"), CommandKind::Timeout(3));
        assert_eq!(command("tick"), CommandKind::Tick(1));
        assert_eq!(command("tick 7"), CommandKind::Tick(7));
        assert_eq!(command("deliver"), CommandKind::Deliver(Filter::default()));
        assert_eq!(
            command("deliver 1 -> * AppendEntries"),
            CommandKind::Deliver(filter(Some(1), None, Some(MessageKind::AppendEntries)))
        );
        assert_eq!(
            command("drop * -> 2"),
            CommandKind::Drop(filter(None, Some(2), None))
        );
        assert_eq!(
            command("drop RequestVoteResponse"),
            CommandKind::Drop(filter(None, None, Some(MessageKind::RequestVoteResponse)))
        );
        assert_eq!(
            command("partition 1 2 | 3"),
            CommandKind::Partition(vec![vec![1, 2], vec![3]])
        );
        assert_eq!(command("isolate 4"), CommandKind::Isolate(4));
        assert_eq!(command("heal"), CommandKind::Heal);
        assert_eq!(command("crash 1"), CommandKind::Crash(1));
        assert_eq!(command("restart 1"), CommandKind::Restart(1));
        assert_eq!(command("stabilize"), CommandKind::Stabilize);
        assert_eq!(
            command(
                r#"send 3 -> 1 {"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}"#
            ),
            CommandKind::Send(Envelope {
                from: 3,
                to: 1,
                message: Message::RequestVote(RequestVote {
                    term: 5,
                    candidate_id: 3,
                    last_log_index: 10,
                    last_log_term: 4,
                }),
            })
        );
    }

    #[test]
    fn a_proposal_is_the_rest_of_the_line_or_one_quoted_string() {
        let propose = |node: Option<NodeId>, text: &str| CommandKind::Propose {
            node,
            command: text.to_owned(),
        };
        assert_eq!(command("propose set x = 1"), propose(None, "set x = 1"));
        assert_eq!(
            command("propose 2 set x = 1"),
            propose(Some(2), "set x = 1")
        );
        assert_eq!(
            command(r#"propose 2 "set x = 1 # kept""#),
            propose(Some(2), "set x = 1 # kept")
        );
        // A number alone is the command, not a node.
        assert_eq!(command("propose 7"), propose(None, "7"));
        // A comment after an unquoted command is not part of it.
        assert_eq!(command("propose x = 2  # why"), propose(None, "x = 2"));
    }

    #[test]
    fn expectations_name_a_property_the_leader_or_a_message_field() {
        let node = |node: NodeId, property: NodeProperty| {
            CommandKind::Expect(Expect::Node { node, property })
        };
        assert_eq!(
            command("expect 1 role leader"),
            node(1, NodeProperty::Role(Role::Leader))
        );
        assert_eq!(command("expect 1 term 4"), node(1, NodeProperty::Term(4)));
        assert_eq!(
            command("expect 2 voted none"),
            node(2, NodeProperty::VotedFor(None))
        );
        assert_eq!(
            command("expect 2 votedFor 3"),
            node(2, NodeProperty::VotedFor(Some(3)))
        );
        assert_eq!(
            command("expect 3 log 1 1 2"),
            node(3, NodeProperty::Log(vec![1, 1, 2]))
        );
        assert_eq!(
            command("expect 3 log empty"),
            node(3, NodeProperty::Log(vec![]))
        );
        assert_eq!(
            command("expect 3 commit 2"),
            node(3, NodeProperty::CommitIndex(2))
        );
        assert_eq!(
            command("expect 3 lastApplied 2"),
            node(3, NodeProperty::LastApplied(2))
        );
        assert_eq!(
            command("expect 1 nextIndex[2] 4"),
            node(1, NodeProperty::NextIndex(2, 4))
        );
        assert_eq!(
            command("expect 1 matchIndex[5] 0"),
            node(1, NodeProperty::MatchIndex(5, 0))
        );
        let expect = |e: Expect| CommandKind::Expect(e);
        assert_eq!(command("expect leader none"), expect(Expect::Leader(None)));
        assert_eq!(command("expect leader 2"), expect(Expect::Leader(Some(2))));
        assert_eq!(
            command("expect leader term 3"),
            expect(Expect::LeaderTerm(3))
        );
        assert_eq!(
            command("expect leader tick 12"),
            expect(Expect::LeaderTick(12))
        );
        let message = |field: MessageField| {
            CommandKind::Expect(Expect::Message {
                from: 1,
                to: 2,
                field,
            })
        };
        let field = |name: &str, value: &str| MessageField::Field {
            name: name.to_owned(),
            value: value.to_owned(),
        };
        assert_eq!(
            command("expect 1 -> 2 voteGranted true"),
            message(field("voteGranted", "true"))
        );
        assert_eq!(
            command("expect 1 -> 2 index 7"),
            message(field("index", "7"))
        );
        assert_eq!(
            command("expect 1 -> 2 entries 1 2"),
            message(field("entries", "1 2"))
        );
        assert_eq!(
            command("expect 1 -> 2 type AppendEntriesResponse"),
            message(MessageField::Kind(MessageKind::AppendEntriesResponse))
        );
        assert_eq!(
            command("expect 1 -> 2 nothing"),
            message(MessageField::Nothing)
        );
        assert_eq!(
            command("expect 1 -> 2 refusals 3"),
            message(MessageField::Refusals(3))
        );
    }

    #[test]
    fn questions_name_what_an_expectation_would_without_a_value() {
        let ask = |query: Query| CommandKind::Ask(query);
        assert_eq!(command("ask leader"), ask(Query::Leader));
        assert_eq!(command("ask leader term"), ask(Query::LeaderTerm));
        assert_eq!(command("ask leader tick"), ask(Query::LeaderTick));
        assert_eq!(
            command("ask 1 matchIndex[3]"),
            ask(Query::Node {
                node: 1,
                property: Property::MatchIndex(3)
            })
        );
        assert_eq!(
            command("ask 2 commit"),
            ask(Query::Node {
                node: 2,
                property: Property::CommitIndex
            })
        );
        assert_eq!(
            command("ask 3 -> 1 success"),
            ask(Query::Message {
                from: 3,
                to: 1,
                field: "success".to_owned()
            })
        );
        assert_eq!(
            command("ask 3 -> 1 refusals"),
            ask(Query::Message {
                from: 3,
                to: 1,
                field: REFUSALS.to_owned()
            })
        );
    }

    #[test]
    fn lines_are_the_file_s_and_statements_keep_their_text() {
        // The script starts at line 10 of its notes file; the JSON spans lines 12 to 14.
        let source = "cluster 3\ntimeout 1   # a comment\nsend 1 -> 2 {\"term\": 1,\n \"candidateId\": 1, \"lastLogIndex\": 0,\n \"lastLogTerm\": 0}\nstabilize\n";
        let script = parse(source, 10).unwrap();
        assert_eq!(script.line, 10);
        let lines: Vec<u32> = script.commands.iter().map(|c| c.line).collect();
        assert_eq!(lines, [11, 12, 15]);
        assert_eq!(script.commands[0].text, "timeout 1");
        assert!(script.commands[1].text.starts_with("send 1 -> 2 {"));
        assert!(script.commands[1].text.ends_with("\"lastLogTerm\": 0}"));
    }

    #[test]
    fn errors_point_at_the_offending_token_and_say_what_would_do() {
        for (source, line, column, message) in [
            ("", 1, 1, "the script is empty"),
            ("node 1\n", 1, 1, "a script starts with `cluster N`"),
            (
                "generate vote-decision\n",
                1,
                1,
                "`generate` makes a generator card",
            ),
            ("cluster 65\n", 1, 9, "a cluster has 1 to 64 nodes, not 65"),
            (
                "cluster 3\ncluster 3\n",
                2,
                1,
                "`cluster` may appear only once",
            ),
            (
                "cluster 3\ntimeout 4\n",
                2,
                9,
                "`4` is not a node of this cluster",
            ),
            (
                "cluster 3\ntick x\n",
                2,
                6,
                "expected the number of ticks (a whole number), found `x`",
            ),
            (
                "cluster 3\ntick\nnode 1\n",
                3,
                1,
                "node states are declared before the first event",
            ),
            (
                "cluster 3\nnode 1 leader term 1 next 1=2\n",
                2,
                27,
                "a leader keeps nextIndex and matchIndex for the other nodes",
            ),
            (
                "cluster 3\noption latency 3 1\n",
                2,
                18,
                "the highest latency 1 is below the lowest 3",
            ),
            (
                "cluster 3\noption stale-requests ignore\n",
                2,
                23,
                "expected `refuse` (the paper) or `drop` (etcd)",
            ),
            (
                "cluster 3\npartition 1 2 |\n",
                2,
                16,
                "expected groups of node ids separated by `|`",
            ),
            (
                "cluster 3\nsend 1 -> 1 {\"term\": 1}\n",
                2,
                11,
                "a node does not send messages to itself",
            ),
            (
                "cluster 3\nexpect 1 -> 2 grant true\n",
                2,
                15,
                "unknown message field `grant`",
            ),
            (
                "cluster 3\nexpect 1 nextIndex[2\n",
                2,
                20,
                "expected `]` after `nextIndex[2`",
            ),
            (
                "cluster 3\nask 1 -> 2 nothing\n",
                2,
                12,
                "`ask` cannot ask `nothing`",
            ),
            ("cluster 3\nask 1 term 2\n", 2, 12, "`ask` takes no answer"),
            (
                "cluster 3\nask leader who\n",
                2,
                12,
                "unexpected `who` after `ask leader`",
            ),
        ] {
            let error = error(source);
            assert_eq!(
                (error.line, error.column),
                (line, column),
                "{source:?}: {error}"
            );
            assert!(
                error.message.contains(message),
                "{source:?}: {}",
                error.message
            );
        }
    }
}
