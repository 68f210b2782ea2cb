//! Command-line definitions (clap derive) and nothing else: the man page, completions and
//! `--help` all come from these types.

use std::path::{Path, PathBuf};

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  mdcards                                   review what is due in the built-in Raft deck
  mdcards quiz notes/                       review cards from your own notes
  mdcards check notes/                      lint notes and run every Raft scenario
  mdcards export raft.md raft.apkg --deck \"Mohan::DeepWork::Raft\"
  mdcards sync notes/ --dry-run             show what editing the notes changed
  mdcards stats                             due forecast and retention
  mdcards sim --nodes 5 --seed 7 --ticks 2000";

const QUIZ_HELP: &str = "\
Keys: space or enter shows the answer (on the answer side: Good); 1 Again, 2 Hard, 3 Good,
4 Easy, each labelled with when the card would come back; u undo (the card is asked again);
s bury until tomorrow; ! suspend; f forget (new again, history kept); e edit the note at
the card's line in $VISUAL/$EDITOR; Up/Down, j/k, PgUp/PgDn, Home/End scroll a card taller
than the screen; q, Esc or Ctrl-C quits. Every answer is saved before the next card shows.

Raft scenario cards ask questions the simulator answers: the question and the cluster
(each node's log as the terms of its entries, [committed] ones in brackets) show first,
every key still a command; enter (or a) opens the answer box. Type yes/no, a number, a node
id (or none), a role, or a log as terms (`1 1 4 4`, or `empty`), then Enter; Esc goes back
to the question, and until you type, u, s, q and ? stay commands. A malformed answer asks
again, at no cost. The answer side grades it, explains the rule (citing the paper) and, after
a wrong answer or on `t`, shows the timeline of the run; you still rate 1-4, and enter takes
the preselected rating: Again after a wrong answer, Good otherwise. Generator cards draw a
new instance at every review. The exit status is 1 if any scenario answer was wrong.

Plain mode (automatic when stdin or stdout is not a terminal, or with --plain) reads one
command per line: an empty line, `space` or `show` reveals (on the answer side: the
preselected rating, Good unless a scenario answer was wrong); `1`-`4` or
`again`/`hard`/`good`/`easy` rate; `u`, `s`, `e`, `q` as above; `t` timeline. On a scenario
card an empty line (or `a`) opens the `answer (FORM):` line, and the next line is the
answer: `no`, `3`, `none`, `1 1 4`; an empty line goes back to the question, and `q`, `u`,
`s`, `e` (never answers) run their command. End of input quits (a graded scenario answer is
recorded first). Cards go to stdout, messages to stderr.

Limits, as in Anki: 20 new cards and 200 reviews per study day (--new, --reviews); a study
day starts at 4 AM local time; learning cards due within 20 minutes show early when nothing
else is left; a card answered Again 8 times in review is a leech: tagged and suspended until
its note is edited. The notes are synced into the review database first (see `mdcards sync`).";

#[derive(Debug, Parser)]
#[command(
    name = "mdcards",
    version,
    about = "Flashcards from markdown notes: spaced repetition in the terminal, Raft scenarios, Anki export",
    long_about = None,
    before_help = EXAMPLES,
    // Written out: clap's generated usage would suggest NOTES may precede a subcommand.
    override_usage = "mdcards [OPTIONS] [NOTES]...\n       mdcards [OPTIONS] <COMMAND>",
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// With no subcommand, mdcards quizzes: these are the `quiz` options.
    #[command(flatten)]
    pub quiz: QuizArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Parse the process's arguments; a usage error prints clap's message and exits with 2.
pub fn parse() -> Cli {
    try_parse_from(std::env::args_os()).unwrap_or_else(|error| error.exit())
}

/// Parse `args` as clap does, then check what clap cannot see alone:
/// - with no command, a first word that is no notes path but close to a command name
///   (`mdcards stat`) is a mistyped command, reported as clap reports one;
/// - a quiz option before a command (`mdcards --new 5 stats`) belongs to no command;
/// - `export` says which of NOTES and OUT.apkg is missing.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    let cli = Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut command))?;
    match &cli.command {
        None => check_first_word(&cli.quiz.notes.paths, &command)?,
        Some(subcommand) => {
            check_no_quiz_options(&matches, &mut command)?;
            if let Command::Export(args) = subcommand {
                check_export(args, &mut command)?;
            }
        }
    }
    Ok(cli)
}

/// clap's own threshold for "did you mean" (Jaro similarity).
const SIMILAR: f64 = 0.7;

fn check_first_word(paths: &[PathBuf], command: &clap::Command) -> Result<(), clap::Error> {
    let Some(first) = paths.first() else {
        return Ok(());
    };
    let Some(word) = first.to_str() else {
        return Ok(());
    };
    // A path that exists, or one written like a path, is notes, never a command.
    let path_like = word.contains(std::path::MAIN_SEPARATOR)
        || word.contains('/')
        || first.extension().is_some();
    if path_like || first.symlink_metadata().is_ok() {
        return Ok(());
    }
    let mut candidates: Vec<(f64, &str)> = command
        .get_subcommands()
        .map(clap::Command::get_name)
        .map(|name| (strsim::jaro(word, name), name))
        .filter(|(similarity, _)| *similarity > SIMILAR)
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut error = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(command);
    error.insert(
        ContextKind::InvalidSubcommand,
        ContextValue::String(word.to_owned()),
    );
    error.insert(
        ContextKind::SuggestedSubcommand,
        ContextValue::Strings(candidates.iter().map(|(_, n)| (*n).to_owned()).collect()),
    );
    let mut command = command.clone();
    error.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(command.render_usage()),
    );
    Err(error)
}

/// Options before the command name are the quiz's (`mdcards --new 5`); with a command they
/// would be silently ignored, so they are an error that says where they go.
fn check_no_quiz_options(
    matches: &clap::ArgMatches,
    command: &mut clap::Command,
) -> Result<(), clap::Error> {
    let Some((name, _)) = matches.subcommand() else {
        return Ok(());
    };
    let misplaced = command.get_arguments().find(|arg| {
        !arg.is_global_set()
            && matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
    });
    let Some(arg) = misplaced else {
        return Ok(());
    };
    let takes_it = command
        .find_subcommand(name)
        .is_some_and(|sub| sub.get_arguments().any(|a| a.get_id() == arg.get_id()));
    let message = if takes_it {
        format!("{arg} goes after the command name: mdcards {name} {arg}")
    } else {
        format!("{arg} is a quiz option; `mdcards {name}` does not take it")
    };
    Err(command.error(ErrorKind::ArgumentConflict, message))
}

fn check_export(args: &ExportArgs, command: &mut clap::Command) -> Result<(), clap::Error> {
    let out = args.out();
    let is_apkg = out
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("apkg"));
    // With notes before it, a last argument that is no package is `export`'s to explain
    // (it names the file and refuses to overwrite it).
    if is_apkg || args.paths.len() > 1 {
        return Ok(());
    }
    let message = if args.paths.is_empty() {
        "missing OUT.apkg, the Anki package to write (given alone, it receives the built-in \
         Raft deck)"
            .to_owned()
    } else {
        format!(
            "missing OUT.apkg, the Anki package to write: it comes last, after the notes, \
             and ends in .apkg ('{}' does not)",
            out.display()
        )
    };
    let export = command
        .find_subcommand_mut("export")
        .expect("export is a command");
    Err(export.error(ErrorKind::MissingRequiredArgument, message))
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review what is due (the default command)
    #[command(
        before_help = "\
Examples:
  mdcards quiz                      the built-in Raft deck
  mdcards quiz notes/ --new 10      your notes, at most 10 new cards today
  mdcards quiz notes/ --deck raft   one deck and its sub-decks (any case)
  mdcards quiz notes/ --tag safety  the cards tagged #safety
  mdcards quiz notes/ --cram        review everything without rescheduling
  mdcards quiz --plain < answers    line-based mode for scripts",
        after_help = QUIZ_HELP
    )]
    Quiz(QuizArgs),

    /// Write an Anki package (mdanki's argument order: NOTES... OUT.apkg)
    #[command(
        before_help = "\
Examples:
  mdcards export raft.md raft.apkg --deck \"Mohan::DeepWork::Raft\"
  mdcards export notes/ all.apkg
  mdcards export notes/ all.apkg --json
  mdcards export raft.apkg                  the built-in Raft deck",
        override_usage = "mdcards export [OPTIONS] [NOTES]... <OUT.apkg>"
    )]
    Export(ExportArgs),

    /// Lint notes and validate every Raft scenario; exit 1 on errors
    #[command(before_help = "\
Examples:
  mdcards check                     the built-in deck
  mdcards check notes/ raft.md
  mdcards check notes/ --json")]
    Check(CheckArgs),

    /// List the cards the notes produce, one per line
    #[command(before_help = "\
Examples:
  mdcards list
  mdcards list notes/ --json | jq '.[].front'")]
    List(ListArgs),

    /// Regenerate cards from edited notes into the review store
    #[command(before_help = "\
Examples:
  mdcards sync notes/ --dry-run
  mdcards sync notes/ --json")]
    Sync(SyncArgs),

    /// Due counts, forecast, retention and reviews per day
    #[command(before_help = "\
Examples:
  mdcards stats
  mdcards stats --deck raft --tag safety
  mdcards stats --json")]
    Stats(StatsArgs),

    /// Run the Raft simulator on a script or a seeded random schedule
    #[command(before_help = "\
Examples:
  mdcards sim election.raft
  mdcards sim --nodes 5 --seed 7 --ticks 2000 --drop 0.1 --partitions
  mdcards sim --fuzz --seeds 10000")]
    Sim(SimArgs),

    /// Suspend cards: the quiz skips them until `unsuspend`
    #[command(before_help = "\
Examples:
  mdcards suspend \"What is a term\"         a card by text of its question
  mdcards suspend c110738a0d0ea95c         a card by id (`mdcards list` shows ids)
  mdcards suspend heartbeat --all          every card whose question holds the text")]
    Suspend(CardsArgs),

    /// Take the suspension off cards (a leech too)
    #[command(before_help = "\
Examples:
  mdcards unsuspend \"What is a term\"")]
    Unsuspend(CardsArgs),

    /// Hide cards until the next study day (4 AM local time)
    #[command(before_help = "\
Examples:
  mdcards bury \"What is a term\"")]
    Bury(CardsArgs),

    /// Show buried cards again today
    #[command(before_help = "\
Examples:
  mdcards unbury \"What is a term\"")]
    Unbury(CardsArgs),

    /// Make cards new again; their review history stays in the log
    #[command(before_help = "\
Examples:
  mdcards forget \"What is a term\"
  mdcards forget election --all")]
    Forget(CardsArgs),

    /// Print a shell completion script
    #[command(before_help = "\
Examples:
  mdcards completions bash > ~/.local/share/bash-completion/completions/mdcards
  mdcards completions zsh > ~/.zfunc/_mdcards")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff)
    #[command(before_help = "\
Examples:
  mdcards man > ~/.local/share/man/man1/mdcards.1")]
    Man,
}

/// The review database, for the commands that read or write it.
#[derive(Debug, Clone, Default, Args)]
pub struct DbArgs {
    /// Review database [env: MDCARDS_DB] (default: the platform data directory, e.g.
    /// ~/.local/share/mdcards/reviews.sqlite3); missing folders are created
    // Not clap's `env`: an option filled from the environment would show in every usage
    // line as if it had been typed. `app::paths` reads MDCARDS_DB.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// Which notes to read. No paths means the built-in Raft deck.
#[derive(Debug, Clone, Default, Args)]
pub struct NotesArgs {
    /// Markdown files or folders (searched recursively for .md and .markdown)
    #[arg(value_name = "NOTES")]
    pub paths: Vec<PathBuf>,
}

/// Studying a part. `--deck` picks cards here; on `export` it names the deck instead (as
/// in mdanki), so export does not take these.
#[derive(Debug, Clone, Default, Args)]
pub struct SelectArgs {
    /// Only this deck and its sub-decks (any case: `raft` is `Raft`); repeat for several
    #[arg(long = "deck", value_name = "A::B")]
    pub decks: Vec<String>,

    /// Only cards with this tag (any case, `#` optional); repeat for any of several
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct QuizArgs {
    #[command(flatten)]
    pub notes: NotesArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    /// New cards per day
    #[arg(long = "new", value_name = "N", default_value_t = 20)]
    pub new_per_day: u32,

    /// Reviews per day
    #[arg(long = "reviews", value_name = "N", default_value_t = 200)]
    pub reviews_per_day: u32,

    /// Review every card without changing its schedule
    #[arg(long)]
    pub cram: bool,

    /// Line-based input and output (automatic when stdin or stdout is not a terminal)
    #[arg(long)]
    pub plain: bool,

    #[command(flatten)]
    pub db: DbArgs,
}

/// Which cards a card command acts on.
#[derive(Debug, Clone, Args)]
pub struct CardsArgs {
    /// A card id (as `mdcards list` prints it), or text from a card's question (any case)
    #[arg(value_name = "CARD", required = true)]
    pub cards: Vec<String>,

    /// Act on every card a text matches (without it, a text matching several is an error)
    #[arg(long)]
    pub all: bool,

    #[command(flatten)]
    pub db: DbArgs,
}

/// `NOTES... OUT.apkg` as one list: clap, given one path, cannot tell which of the two is
/// missing, so `check_export` (see `try_parse_from`) says it, and `notes()` / `out()` split.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Markdown files or folders (none: the built-in Raft deck), then OUT.apkg, the Anki
    /// package to write
    #[arg(value_name = "NOTES", num_args = 1..)]
    pub paths: Vec<PathBuf>,

    /// Deck name, `::` for nesting; overrides the notes' `# ` title
    #[arg(long, value_name = "A::B::C")]
    pub deck: Option<String>,

    /// Instances rendered per scenario generator
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub instances: u32,

    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,

    // Each export is remembered there, so re-imported notes update in Anki.
    #[command(flatten)]
    pub db: DbArgs,
}

impl ExportArgs {
    /// The notes to export: every path but the last (none: the built-in deck).
    pub fn notes(&self) -> &[PathBuf] {
        self.paths.split_last().map_or(&[], |(_, notes)| notes)
    }

    /// The package to write: the last path.
    pub fn out(&self) -> &Path {
        self.paths.last().map_or(Path::new(""), PathBuf::as_path)
    }
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub notes: NotesArgs,

    /// Print problems as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// Show every problem in full (by default, after the first 10 the rest are counted by
    /// code)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub notes: NotesArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    /// Print cards as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub notes: NotesArgs,

    /// Show what would change without writing
    #[arg(long)]
    pub dry_run: bool,

    /// Print the changes as JSON on stdout
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Print statistics as JSON on stdout
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// A scenario script to run (omit for a seeded random schedule)
    #[arg(value_name = "SCRIPT.raft")]
    pub script: Option<PathBuf>,

    /// Cluster size of a random schedule
    #[arg(long, default_value_t = 5)]
    pub nodes: u32,

    /// Seed of a random schedule (with --fuzz: the first seed)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Ticks to run a random schedule for
    #[arg(long, default_value_t = 1000)]
    pub ticks: u64,

    /// Probability that the network drops a message
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub drop: f64,

    /// Inject partitions and heals into a random schedule
    #[arg(long)]
    pub partitions: bool,

    /// Print terms, leaders and commit progress only
    #[arg(long)]
    pub summary: bool,

    /// Run many random schedules with faults (loss, reordering, partitions, crashes),
    /// checking every invariant after every step
    #[arg(long)]
    pub fuzz: bool,

    /// Number of seeds for --fuzz
    #[arg(long, default_value_t = 1000)]
    pub seeds: u64,

    /// Print the trace as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn export_takes_notes_then_out() {
        let cli = Cli::try_parse_from([
            "mdcards", "export", "a.md", "dir", "out.apkg", "--deck", "A::B",
        ])
        .unwrap();
        let Some(Command::Export(args)) = cli.command else {
            panic!("not export")
        };
        assert_eq!(args.notes(), [PathBuf::from("a.md"), PathBuf::from("dir")]);
        assert_eq!(args.out(), Path::new("out.apkg"));
        assert_eq!(args.deck.as_deref(), Some("A::B"));
    }

    #[test]
    fn global_flags_before_the_subcommand_keep_the_subcommand() {
        let cli = Cli::try_parse_from(["mdcards", "--color", "never", "sim", "x.raft"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Sim(_))));
        assert_eq!(cli.global.color, ColorWhen::Never);
        assert!(cli.quiz.notes.paths.is_empty());
    }

    #[test]
    fn bare_paths_are_a_quiz_on_those_notes() {
        let cli = Cli::try_parse_from(["mdcards", "notes/", "--new", "5"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.quiz.notes.paths, [PathBuf::from("notes/")]);
        assert_eq!(cli.quiz.new_per_day, 5);
    }

    #[test]
    fn a_typo_of_a_command_is_an_invalid_subcommand() {
        let error = try_parse_from(["mdcards", "stat"]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSubcommand);
        assert!(error.to_string().contains("'stats'"), "{error}");
        // A word like no command stays a notes path (reported missing by the quiz).
        let cli = try_parse_from(["mdcards", "zzzz"]).unwrap();
        assert_eq!(cli.quiz.notes.paths, [PathBuf::from("zzzz")]);
        // Paths are never taken for commands, nor is a second word.
        for args in [
            &["mdcards", "./stat"][..],
            &["mdcards", "stat.md"],
            &["mdcards", "notes/", "stat"],
        ] {
            assert!(try_parse_from(args).is_ok(), "{args:?}");
        }
    }

    #[test]
    fn export_splits_notes_from_the_package_and_names_what_is_missing() {
        let cli = try_parse_from(["mdcards", "export", "raft.apkg"]).unwrap();
        let Some(Command::Export(args)) = cli.command else {
            panic!("not export")
        };
        assert!(args.notes().is_empty());
        assert_eq!(args.out(), Path::new("raft.apkg"));
        for args in [&["mdcards", "export", "a.md"][..], &["mdcards", "export"]] {
            let error = try_parse_from(args).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::MissingRequiredArgument);
            assert!(error.to_string().contains("missing OUT.apkg"), "{error}");
        }
    }

    #[test]
    fn quiz_options_before_another_command_are_refused() {
        let error = try_parse_from(["mdcards", "--cram", "sync"]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ArgumentConflict);
        let cli = try_parse_from(["mdcards", "--cram", "--db", "x", "n.md"]).unwrap();
        assert!(cli.quiz.cram);
        assert_eq!(cli.quiz.db.db, Some(PathBuf::from("x")));
    }

    #[test]
    fn bare_invocation_is_a_quiz_on_the_builtin_deck() {
        let cli = Cli::try_parse_from(["mdcards"]).unwrap();
        assert!(cli.command.is_none());
        assert!(cli.quiz.notes.paths.is_empty());
        assert_eq!(cli.quiz.new_per_day, 20);
    }
}
