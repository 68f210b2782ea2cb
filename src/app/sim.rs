//! `mdcards sim`: run a scenario script, a seeded random schedule, or the fuzzer, and print
//! what the simulator did. The simulator itself (src/raft) is pure; this is the edge that
//! reads the script, writes the timeline and reports progress.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use miette::{Diagnostic, IntoDiagnostic, NamedSource, Result, SourceSpan, WrapErr};

use super::Outcome;
use crate::cli::SimArgs;
use crate::quiz::styled::write_lines;
use crate::raft::schedule::{self, ScheduleConfig};
use crate::raft::{Cluster, SimError};
use crate::raft_render::{self, Columns, Details, Layout};
use crate::scenario::script::{self, AskOutcome, ExpectOutcome, ScriptRun};

/// The log grids: at most 20 entries (longer logs show their tail), then each node's
/// progress.
const GRID: Layout = Layout {
    columns: Columns::Entries(20),
    details: Details::Progress,
};

/// `cluster`'s log grid.
fn write_grid(out: &mut dyn Write, cluster: &Cluster) -> std::io::Result<()> {
    write_lines(out, &raft_render::log_grid(&cluster.views(), GRID), "\n")
}

pub fn sim(args: &SimArgs) -> Result<Outcome> {
    if args.fuzz {
        return fuzz(args);
    }
    match &args.script {
        Some(path) => run_script(path, args),
        None => random(args),
    }
}

/// A script error pointing into the script file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{location}: {message}")]
struct ScriptDiagnostic {
    location: String,
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
    #[help]
    help: Option<String>,
}

fn diagnostic(
    path: &Path,
    source: &str,
    line: u32,
    column: u32,
    message: String,
    help: Option<String>,
) -> miette::Report {
    let offset = byte_offset(source, line, column);
    let length = source[offset..]
        .chars()
        .next()
        .map_or(0, |c| if c == '\n' { 0 } else { c.len_utf8() });
    miette::Report::new(ScriptDiagnostic {
        location: format!("{}:{line}:{column}", path.display()),
        message,
        source_code: NamedSource::new(path.display().to_string(), source.to_owned()),
        span: SourceSpan::new(offset.into(), length),
        help,
    })
}

fn byte_offset(source: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for (number, text) in source.split_inclusive('\n').enumerate() {
        if number as u32 + 1 == line {
            let within: usize = text
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf8)
                .sum();
            return (offset + within).min(source.len());
        }
        offset += text.len();
    }
    source.len()
}

fn run_script(path: &Path, args: &SimArgs) -> Result<Outcome> {
    let source = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the script {}", path.display()))?;
    let parsed = script::parse(&source, 1).map_err(|error| {
        diagnostic(
            path,
            &source,
            error.line,
            error.column,
            error.message,
            error.help,
        )
    })?;
    let run = script::run(&parsed);
    let mut out = anstream::stdout().lock();
    if args.json {
        let json = serde_json::json!({
            "trace": run.trace,
            "expects": run.expects,
            "asks": run.asks,
            "error": run.error,
        });
        serde_json::to_writer_pretty(&mut out, &json).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else {
        write_script_report(&mut out, &parsed, &run).into_diagnostic()?;
    }
    if let Some(error) = &run.error {
        return Err(diagnostic(
            path,
            &source,
            error.line,
            1,
            error.message.clone(),
            None,
        ));
    }
    Ok(if run.passed() {
        Outcome::Success
    } else {
        Outcome::Problems
    })
}

fn write_script_report(
    out: &mut impl Write,
    parsed: &script::Script,
    run: &ScriptRun,
) -> std::io::Result<()> {
    let options = &parsed.options;
    writeln!(
        out,
        "cluster of {} · seed {} · election timeout [{}, {}) · heartbeat {} · latency {}..{}",
        parsed.size,
        options.seed,
        options.election_timeout,
        options.election_timeout * 2,
        options.heartbeat,
        options.latency.0,
        options.latency.1
    )?;
    if let Some(start) = &run.start {
        writeln!(out, "── logs at the start ──")?;
        write_grid(out, start)?;
    }
    write_lines(out, &raft_render::script_timeline(&run.trace), "\n")?;
    if let Some(cluster) = &run.cluster {
        writeln!(out, "── logs at tick {} ──", cluster.now())?;
        write_grid(out, cluster)?;
    }
    if !run.expects.is_empty() {
        writeln!(out, "── expectations ──")?;
    }
    let pass = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()));
    let fail = anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
        .bold();
    for expect in &run.expects {
        match &expect.outcome {
            ExpectOutcome::Passed { .. } => {
                writeln!(
                    out,
                    "{pass}ok{pass:#}     line {}: {}",
                    expect.line, expect.text
                )?;
            }
            ExpectOutcome::Failed { expected, actual } => {
                writeln!(
                    out,
                    "{fail}FAILED{fail:#} line {}: {}",
                    expect.line, expect.text
                )?;
                writeln!(out, "         expected {expected}, got {actual}")?;
                for reason in &expect.reasons {
                    writeln!(out, "         because {reason}")?;
                }
            }
            ExpectOutcome::NotRun => {
                writeln!(out, "not run line {}: {}", expect.line, expect.text)?;
            }
        }
    }
    let passed = run.expects.iter().filter(|e| e.passed()).count();
    if !run.expects.is_empty() {
        writeln!(out, "{passed} of {} expectations hold", run.expects.len())?;
    }
    if !run.asks.is_empty() {
        writeln!(out, "── answers ──")?;
    }
    for ask in &run.asks {
        match &ask.outcome {
            AskOutcome::Answered { answer, reasons } => {
                writeln!(
                    out,
                    "line {}: {}  →  {pass}{answer}{pass:#}",
                    ask.line, ask.text
                )?;
                for reason in reasons {
                    writeln!(out, "         because {reason}")?;
                }
            }
            AskOutcome::Unanswerable { why } => {
                writeln!(
                    out,
                    "{fail}NO ANSWER{fail:#} line {}: {}: {why}",
                    ask.line, ask.text
                )?;
            }
            AskOutcome::NotRun => {
                writeln!(out, "not run line {}: {}", ask.line, ask.text)?;
            }
        }
    }
    Ok(())
}

fn random(args: &SimArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.drop) {
        return Err(miette::miette!(
            "--drop {} is not a probability; give a number between 0 and 1",
            args.drop
        ));
    }
    let mut config = ScheduleConfig::new(args.nodes, args.seed, args.ticks);
    config.network.drop = args.drop;
    config.partitions = args.partitions;
    config.trace = true;
    let run = schedule::run(&config).map_err(|error| {
        miette::miette!(
            "{error}; choose --nodes between 1 and {}",
            crate::raft::node::MAX_NODES
        )
    })?;
    let Some(trace) = run.cluster.trace() else {
        return Err(miette::miette!("the simulator recorded no trace"));
    };
    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, trace).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    } else if args.summary {
        write_lines(&mut out, &raft_render::summary(trace, &run.cluster), "\n")
            .into_diagnostic()?;
    } else {
        write_lines(&mut out, &raft_render::schedule_timeline(trace), "\n").into_diagnostic()?;
        writeln!(out, "── logs at tick {} ──", run.cluster.now()).into_diagnostic()?;
        write_grid(&mut out, &run.cluster).into_diagnostic()?;
    }
    match run.outcome {
        Ok(()) => Ok(Outcome::Success),
        Err(error) => {
            report_failure(args.seed, &error)?;
            Ok(Outcome::Problems)
        }
    }
}

fn report_failure(seed: u64, error: &SimError) -> Result<()> {
    let mut err = anstream::stderr().lock();
    writeln!(err, "seed {seed}: {error}").into_diagnostic()?;
    writeln!(
        err,
        "rerun it with `mdcards sim --seed {seed}` (add the same --nodes, --ticks, --drop, --partitions)"
    )
    .into_diagnostic()?;
    Ok(())
}

fn fuzz(args: &SimArgs) -> Result<Outcome> {
    let started = Instant::now();
    let seeds = args.seed..args.seed.saturating_add(args.seeds);
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(args.seeds),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} seeds {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = schedule::fuzz(args.nodes, args.ticks, seeds, |done| {
        if done % 64 == 0 {
            bar.set_position(done);
        }
    });
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let mut out = anstream::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).into_diagnostic()?;
        writeln!(out).into_diagnostic()?;
    }
    let Some(failure) = &report.failure else {
        if !args.json {
            writeln!(
                out,
                "{} seeds passed ({} nodes, {} ticks each, faults on): {} steps, {} messages delivered, every invariant held after every step",
                report.seeds_passed, args.nodes, args.ticks, report.steps, report.delivered
            )
            .into_diagnostic()?;
        }
        writeln!(
            anstream::stderr(),
            "fuzzed in {:.1} s",
            elapsed.as_secs_f64()
        )
        .into_diagnostic()?;
        return Ok(Outcome::Success);
    };
    if !args.json {
        writeln!(
            out,
            "seed {} failed after {} seeds passed: {}",
            failure.seed, report.seeds_passed, failure.error
        )
        .into_diagnostic()?;
        // Replay the failing seed with the trace on: the run is deterministic.
        let mut config = ScheduleConfig::fuzz(args.nodes, failure.seed, args.ticks);
        config.trace = true;
        if let Ok(replay) = schedule::run(&config)
            && let Some(trace) = replay.cluster.trace()
        {
            let lines = raft_render::schedule_timeline(trace);
            let tail = lines.len().saturating_sub(60);
            writeln!(out, "last {} rows of its timeline:", lines.len() - tail).into_diagnostic()?;
            write_lines(&mut out, &lines[tail..], "\n").into_diagnostic()?;
            write_grid(&mut out, &replay.cluster).into_diagnostic()?;
        }
    }
    Ok(Outcome::Problems)
}
