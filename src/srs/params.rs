//! Scheduler settings: the 21 FSRS-6 weights plus the card-state settings around them.

use thiserror::Error;

/// FSRS-6 default weights w0..w20 (py-fsrs 6.3.2 `DEFAULT_PARAMETERS`).
pub const DEFAULT_WEIGHTS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

/// Inclusive bounds py-fsrs accepts for each weight. Inside them every formula stays finite
/// and difficulty stays in [1, 10]; outside them py-fsrs refuses to build a scheduler.
pub const WEIGHT_BOUNDS: [(f64, f64); 21] = [
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (0.001, 100.0),
    (1.0, 10.0),
    (0.001, 4.0),
    (0.001, 4.0),
    (0.001, 0.75),
    (0.0, 4.5),
    (0.0, 0.8),
    (0.001, 3.5),
    (0.001, 5.0),
    (0.001, 0.25),
    (0.001, 0.9),
    (0.0, 4.0),
    (0.0, 1.0),
    (1.0, 6.0),
    (0.0, 2.0),
    (0.0, 2.0),
    (0.0, 0.8),
    (0.1, 0.8),
];

/// How the scheduler behaves: FSRS weights, the retention it aims for, and the
/// (re)learning steps a card walks through before it gets day-long intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// FSRS-6 weights w0..w20; w20 is the forgetting curve's decay.
    pub weights: [f64; 21],
    /// Probability of recall at which a Review card falls due, in (0, 1).
    pub desired_retention: f64,
    /// Learning steps in seconds (default 1m, 10m). Empty: a new card graduates at once.
    pub learning_steps: Vec<i64>,
    /// Relearning steps in seconds after a lapse (default 10m). Empty: a lapsed card
    /// stays in Review with its post-lapse FSRS interval.
    pub relearning_steps: Vec<i64>,
    /// Longest interval a Review card gets, in days.
    pub maximum_interval: u32,
    /// Spread Review intervals of 3 days or more over a small range (see `fuzz`).
    pub enable_fuzz: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            weights: DEFAULT_WEIGHTS,
            desired_retention: 0.9,
            learning_steps: vec![60, 600],
            relearning_steps: vec![600],
            maximum_interval: 36500,
            enable_fuzz: true,
        }
    }
}

/// Why a set of parameters cannot be used.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ParamsError {
    #[error(
        "FSRS weight w{index} = {value} is outside its allowed range [{low}, {high}]; use the default ({default}) or a value from the FSRS optimizer"
    )]
    WeightOutOfRange {
        index: usize,
        value: f64,
        low: f64,
        high: f64,
        default: f64,
    },
    #[error("desired retention {0} must be strictly between 0 and 1 (e.g. 0.9 for 90% recall)")]
    Retention(f64),
    #[error(
        "{kind} step {index} is {seconds} s; every step must be at least one second (e.g. 60 for 1m)"
    )]
    Step {
        kind: &'static str,
        index: usize,
        seconds: i64,
    },
    #[error("maximum interval must be at least 1 day")]
    MaximumInterval,
}

impl Params {
    /// Check everything the scheduler relies on; `review` assumes valid parameters.
    pub fn validate(&self) -> Result<(), ParamsError> {
        for (index, (&value, &(low, high))) in
            self.weights.iter().zip(WEIGHT_BOUNDS.iter()).enumerate()
        {
            // `contains` is false for NaN, so non-finite weights are refused here too.
            if !(low..=high).contains(&value) {
                return Err(ParamsError::WeightOutOfRange {
                    index,
                    value,
                    low,
                    high,
                    default: DEFAULT_WEIGHTS[index],
                });
            }
        }
        if !(self.desired_retention > 0.0 && self.desired_retention < 1.0) {
            return Err(ParamsError::Retention(self.desired_retention));
        }
        for (kind, steps) in [
            ("learning", &self.learning_steps),
            ("relearning", &self.relearning_steps),
        ] {
            if let Some((index, &seconds)) = steps.iter().enumerate().find(|(_, s)| **s < 1) {
                return Err(ParamsError::Step {
                    kind,
                    index,
                    seconds,
                });
            }
        }
        if self.maximum_interval < 1 {
            return Err(ParamsError::MaximumInterval);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Params::default().validate(), Ok(()));
    }

    #[test]
    fn refuses_bad_settings() {
        let mut p = Params::default();
        p.weights[20] = f64::NAN;
        assert!(matches!(
            p.validate(),
            Err(ParamsError::WeightOutOfRange { index: 20, .. })
        ));
        let mut p = Params::default();
        p.weights[7] = 0.9;
        assert!(matches!(
            p.validate(),
            Err(ParamsError::WeightOutOfRange { index: 7, .. })
        ));
        for retention in [0.0, 1.0, -0.5, f64::NAN] {
            let p = Params {
                desired_retention: retention,
                ..Params::default()
            };
            assert!(matches!(p.validate(), Err(ParamsError::Retention(_))));
        }
        let p = Params {
            relearning_steps: vec![600, 0],
            ..Params::default()
        };
        assert_eq!(
            p.validate(),
            Err(ParamsError::Step {
                kind: "relearning",
                index: 1,
                seconds: 0
            })
        );
        let p = Params {
            maximum_interval: 0,
            ..Params::default()
        };
        assert_eq!(p.validate(), Err(ParamsError::MaximumInterval));
    }

    #[test]
    fn empty_steps_are_allowed() {
        let p = Params {
            learning_steps: vec![],
            relearning_steps: vec![],
            ..Params::default()
        };
        assert_eq!(p.validate(), Ok(()));
    }
}
