//! Scenario cards in a review: what a card's ```` ```raft ```` block asks, and the typed
//! answers given so far. Pure: the driver keeps one [`Attempt`] for the card showing.
//!
//! - A generator card (`generate KIND`) asks a fresh instance at every review, seeded by
//!   (card id, review count): the same review shows the same question (after an undo too).
//! - A script with `ask` lines asks those questions, the same every time.
//! - A script with only `expect`s is a recall card; its back also shows what the
//!   simulator did.

use crate::deck::{Location, ScenarioSource};
use crate::scenario::script::{ExpectResult, Script, ScriptRun};
use crate::scenario::{
    AnswerParseError, Origin, Question, ScenarioCard, Situation, Verdict, generate, grade,
    instance_seed, scenario_card,
};
use crate::srs::Rating;
use crate::store::{ScenarioAnswer, StoredCard};

/// What a scenario card asks.
#[derive(Clone, Debug)]
pub enum Asks {
    /// Typed-answer questions, in order; all share one situation.
    Questions(Vec<Question>),
    /// A script without questions: recalled like any card; the back adds the run.
    Recall(Box<RecallRun>),
    /// A block that no longer parses (the notes changed since `mdcards check`): the card
    /// is recalled as written, and the reason shown.
    Broken(String),
}

/// The run of a script card that asks nothing.
#[derive(Clone, Debug)]
pub struct RecallRun {
    /// The declared state (shown with the question), if it could be set up.
    pub start: Option<Situation>,
    /// The state at the end of the run.
    pub end: Option<Situation>,
    pub expects: Vec<ExpectResult>,
    /// Why the run stopped early, if it did.
    pub error: Option<String>,
}

/// The review of one showing of a scenario card: its questions and the answers typed.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub asks: Asks,
    /// Graded answers, one per question answered so far, in order.
    pub verdicts: Vec<Verdict>,
    /// The answer box is open (typed text is an answer, not a command). A card opens with
    /// it closed, so keys meant for the previous card are never typed into it.
    pub answering: bool,
    /// Show the run's timeline on the back: asked for, or after a wrong answer.
    pub timeline: bool,
}

impl Attempt {
    /// The attempt for a card about to show; `None` for a card without a scenario.
    pub fn for_card(card: &StoredCard) -> Option<Attempt> {
        let script = card.scenario.as_ref()?;
        Some(Attempt {
            asks: asks(card, script),
            verdicts: Vec::new(),
            answering: false,
            timeline: false,
        })
    }

    pub fn questions(&self) -> &[Question] {
        match &self.asks {
            Asks::Questions(questions) => questions,
            _ => &[],
        }
    }

    /// True for a card that takes typed answers.
    pub fn asks_questions(&self) -> bool {
        !self.questions().is_empty()
    }

    /// The question awaiting an answer (its position and the question), if any.
    pub fn pending(&self) -> Option<(usize, &Question)> {
        let next = self.verdicts.len();
        self.questions().get(next).map(|question| (next, question))
    }

    /// Every question has its answer.
    pub fn finished(&self) -> bool {
        self.pending().is_none()
    }

    /// Grade a typed answer to the pending question. Input that is not of the answer's
    /// form is an error (no penalty: the question stays pending). Returns whether the
    /// answer was right.
    pub fn submit(&mut self, input: &str) -> Result<bool, AnswerParseError> {
        let Some((_, question)) = self.pending() else {
            return Ok(true);
        };
        let verdict = grade(question, input)?;
        let correct = verdict.correct;
        self.verdicts.push(verdict);
        if self.finished() {
            self.answering = false;
            self.timeline |= self.wrong() > 0;
        }
        Ok(correct)
    }

    /// Wrong answers so far.
    pub fn wrong(&self) -> usize {
        self.verdicts.iter().filter(|v| !v.correct).count()
    }

    /// What enter does on the answer side: Again after a wrong answer, else Good.
    pub fn preselected(&self) -> Rating {
        if self.wrong() > 0 {
            Rating::Again
        } else {
            Rating::Good
        }
    }

    /// The typed answers, as the review log keeps them.
    pub fn logged(&self) -> Vec<ScenarioAnswer> {
        self.verdicts
            .iter()
            .zip(self.questions())
            .map(|(verdict, question)| {
                let (origin, seed) = match question.origin {
                    Origin::Generator { kind, seed } => (format!("generator:{kind}"), Some(seed)),
                    Origin::Script { line } => (format!("ask:{line}"), None),
                };
                ScenarioAnswer {
                    origin,
                    seed,
                    given: verdict.given.to_string(),
                    expected: question.answer.to_string(),
                    correct: verdict.correct,
                }
            })
            .collect()
    }

    /// The situation shown with the question (or with a recall card's front).
    pub fn situation(&self) -> Option<&Situation> {
        match &self.asks {
            Asks::Questions(questions) => questions.first().map(|q| &q.situation),
            Asks::Recall(run) => run.start.as_ref(),
            Asks::Broken(_) => None,
        }
    }

    /// The timeline that decided the answers, as plain text: the longest of the questions'
    /// (each is the run up to its `ask`).
    pub fn timeline_text(&self) -> Option<String> {
        crate::raft_render::questions_timeline(self.questions())
    }
}

/// Read a stored card's block. The store keeps the script without its place in the file,
/// so `ask` lines are numbered from the block's first line (1).
fn asks(card: &StoredCard, script: &str) -> Asks {
    let source = ScenarioSource {
        script: script.to_owned(),
        location: Location {
            file: card.source.clone().into(),
            line: 1,
            col: 1,
        },
    };
    match scenario_card(&source) {
        Err(error) => Asks::Broken(format!(
            "the scenario block does not parse (line {} of the block: {}); run `mdcards check`",
            error.line, error.message
        )),
        Ok(ScenarioCard::Generator(kind)) => {
            let seed = instance_seed(card.id.as_str(), card.sched.reps);
            Asks::Questions(vec![generate(kind, seed)])
        }
        Ok(ScenarioCard::Script {
            script,
            run,
            questions,
        }) if questions.is_empty() => Asks::Recall(Box::new(recall_run(&script, *run))),
        Ok(ScenarioCard::Script { questions, .. }) => Asks::Questions(questions),
    }
}

fn recall_run(script: &Script, run: ScriptRun) -> RecallRun {
    let (start, end) = Situation::start_and_end(script, &run);
    RecallRun {
        start,
        end,
        expects: run.expects,
        error: run.error.map(|error| error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::CardId;
    use crate::scenario::{Answer, GeneratorKind};
    use crate::srs::{CardState, Timestamp};
    use crate::store::Sched;

    fn card(script: &str, reps: u32) -> StoredCard {
        let mut sched = Sched::new(CardState::new(Timestamp(0)));
        sched.reps = reps;
        StoredCard {
            id: CardId::pinned("scenario"),
            deck: "Raft".into(),
            front: "Would node 1 vote?".into(),
            back: String::new(),
            tags: vec![],
            scenario: Some(script.to_owned()),
            source: "a.md".into(),
            sched,
        }
    }

    const ASKS: &str = "cluster 5\nnode 1 follower term 5 log 1 1 1 4 4 5\n\
        send 3 -> 1 {\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n\
        ask 1 -> 3 voteGranted\nask 1 term\n";

    #[test]
    fn asks_are_answered_in_order_and_a_wrong_one_preselects_again() {
        let mut attempt = Attempt::for_card(&card(ASKS, 0)).unwrap();
        assert!(!attempt.answering, "the answer box opens on request only");
        assert!(attempt.asks_questions());
        attempt.answering = true;
        assert_eq!(attempt.pending().unwrap().0, 0);
        let error = attempt.submit("perhaps").unwrap_err();
        assert!(error.to_string().contains("yes or no"), "{error}");
        assert_eq!(
            attempt.pending().unwrap().0,
            0,
            "no penalty for a malformed answer"
        );
        assert!(!attempt.submit("yes").unwrap());
        assert!(attempt.answering && !attempt.finished());
        assert!(attempt.submit("5").unwrap());
        assert!(attempt.finished() && !attempt.answering);
        assert_eq!(attempt.wrong(), 1);
        assert!(attempt.timeline, "a wrong answer shows the timeline");
        assert_eq!(attempt.preselected(), Rating::Again);
        let logged = attempt.logged();
        assert_eq!(logged[0].origin, "ask:4");
        assert_eq!(
            (logged[0].given.as_str(), logged[0].expected.as_str()),
            ("yes", "no")
        );
        assert!(logged[1].correct && logged[1].seed.is_none());
    }

    #[test]
    fn a_generator_card_draws_its_instance_from_id_and_review_count() {
        let script = "generate vote-decision\n";
        let first = Attempt::for_card(&card(script, 0)).unwrap();
        let again = Attempt::for_card(&card(script, 0)).unwrap();
        let later = Attempt::for_card(&card(script, 1)).unwrap();
        let seed = instance_seed("scenario", 0);
        assert_eq!(
            first.questions(),
            [generate(GeneratorKind::VoteDecision, seed)]
        );
        assert_eq!(first.questions(), again.questions());
        assert_eq!(
            later.questions()[0].origin,
            Origin::Generator {
                kind: GeneratorKind::VoteDecision,
                seed: instance_seed("scenario", 1)
            }
        );
        let mut right = first.clone();
        let answer: Answer = first.questions()[0].answer.clone();
        assert!(right.submit(&answer.to_string()).unwrap());
        assert_eq!(right.preselected(), Rating::Good);
        assert!(!right.timeline);
        assert_eq!(right.logged()[0].seed, Some(seed));
    }

    #[test]
    fn expects_only_make_a_recall_card_and_a_broken_block_says_why() {
        let recall = Attempt::for_card(&card(
            "cluster 3\nnode 1 follower term 2\nexpect 1 term 2\n",
            0,
        ))
        .unwrap();
        assert!(!recall.answering && !recall.asks_questions());
        let Asks::Recall(run) = &recall.asks else {
            panic!("recall")
        };
        assert!(run.expects[0].passed());
        assert!(run.start.is_some() && run.end.is_some());
        let broken = Attempt::for_card(&card("cluster\n", 0)).unwrap();
        let Asks::Broken(why) = &broken.asks else {
            panic!("broken")
        };
        assert!(why.contains("mdcards check"), "{why}");
        assert!(
            Attempt::for_card(&StoredCard {
                scenario: None,
                ..card("", 0)
            })
            .is_none()
        );
    }
}
