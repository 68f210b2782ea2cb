//! The FSRS-6 memory model: how stability and difficulty move after a rating, and the
//! interval that a stability implies.
//!
//! Every expression keeps py-fsrs 6.3.2's operand order and uses `E.powf(x)` where it writes
//! `math.e ** x` (not `exp(x)`, which can differ in the last bit), so that results are
//! bit-for-bit those of py-fsrs on the same libm, not merely close.

use std::f64::consts::E;

use super::Rating;
use super::params::Params;

/// Stability never drops below this many days (py-fsrs `STABILITY_MIN`).
pub const STABILITY_MIN: f64 = 0.001;
/// Difficulty is kept in [1, 10].
pub const DIFFICULTY_MIN: f64 = 1.0;
pub const DIFFICULTY_MAX: f64 = 10.0;

/// The formulas, bound to one set of weights.
pub(crate) struct Model<'a> {
    w: &'a [f64; 21],
    /// `-w20`: the forgetting curve's exponent.
    decay: f64,
    /// Chosen so that R = 0.9 when elapsed days = stability.
    factor: f64,
}

fn grade(rating: Rating) -> f64 {
    f64::from(rating as u8)
}

fn clamp_stability(stability: f64) -> f64 {
    stability.max(STABILITY_MIN)
}

fn clamp_difficulty(difficulty: f64) -> f64 {
    difficulty.clamp(DIFFICULTY_MIN, DIFFICULTY_MAX)
}

impl<'a> Model<'a> {
    pub(crate) fn new(params: &'a Params) -> Self {
        let decay = -params.weights[20];
        Model {
            w: &params.weights,
            decay,
            factor: 0.9f64.powf(1.0 / decay) - 1.0,
        }
    }

    /// Probability of recall after `elapsed_days` whole days.
    pub(crate) fn retrievability(&self, elapsed_days: i64, stability: f64) -> f64 {
        (1.0 + self.factor * elapsed_days as f64 / stability).powf(self.decay)
    }

    /// Days until retrievability falls to `desired_retention`, rounded half to even (Python's
    /// `round`), then clamped to [1, maximum_interval].
    pub(crate) fn interval_days(
        &self,
        stability: f64,
        desired_retention: f64,
        maximum_interval: u32,
    ) -> u32 {
        let days = (stability / self.factor) * (desired_retention.powf(1.0 / self.decay) - 1.0);
        // Clamping in f64 before the cast keeps huge or non-finite values in range.
        days.round_ties_even()
            .max(1.0)
            .min(f64::from(maximum_interval)) as u32
    }

    pub(crate) fn initial_stability(&self, rating: Rating) -> f64 {
        clamp_stability(self.w[rating as usize - 1])
    }

    /// D0(G) = w4 - e^(w5 (G - 1)) + 1; clamped on a first review, unclamped as the
    /// mean-reversion target.
    pub(crate) fn initial_difficulty(&self, rating: Rating, clamp: bool) -> f64 {
        let difficulty = self.w[4] - E.powf(self.w[5] * (grade(rating) - 1.0)) + 1.0;
        if clamp {
            clamp_difficulty(difficulty)
        } else {
            difficulty
        }
    }

    /// Linear damping towards 10, then mean reversion towards D0(Easy).
    pub(crate) fn next_difficulty(&self, difficulty: f64, rating: Rating) -> f64 {
        let target = self.initial_difficulty(Rating::Easy, false);
        let delta = -(self.w[6] * (grade(rating) - 3.0));
        let damped = difficulty + (10.0 - difficulty) * delta / 9.0;
        clamp_difficulty(self.w[7] * target + (1.0 - self.w[7]) * damped)
    }

    /// Stability after a review on the same day as the previous one (less than 24 hours).
    pub(crate) fn short_term_stability(&self, stability: f64, rating: Rating) -> f64 {
        let mut increase =
            E.powf(self.w[17] * ((grade(rating) - 3.0) + self.w[18])) * stability.powf(-self.w[19]);
        if rating != Rating::Again {
            increase = increase.max(1.0);
        }
        clamp_stability(stability * increase)
    }

    /// Stability after a review at least one whole day after the previous one.
    pub(crate) fn next_stability(
        &self,
        difficulty: f64,
        stability: f64,
        retrievability: f64,
        rating: Rating,
    ) -> f64 {
        let next = if rating == Rating::Again {
            self.forget_stability(difficulty, stability, retrievability)
        } else {
            self.recall_stability(difficulty, stability, retrievability, rating)
        };
        clamp_stability(next)
    }

    fn forget_stability(&self, difficulty: f64, stability: f64, retrievability: f64) -> f64 {
        let w = self.w;
        let long_term = w[11]
            * difficulty.powf(-w[12])
            * ((stability + 1.0).powf(w[13]) - 1.0)
            * E.powf((1.0 - retrievability) * w[14]);
        let short_term = stability / E.powf(w[17] * w[18]);
        long_term.min(short_term)
    }

    fn recall_stability(
        &self,
        difficulty: f64,
        stability: f64,
        retrievability: f64,
        rating: Rating,
    ) -> f64 {
        let w = self.w;
        let hard_penalty = if rating == Rating::Hard { w[15] } else { 1.0 };
        let easy_bonus = if rating == Rating::Easy { w[16] } else { 1.0 };
        stability
            * (1.0
                + E.powf(w[8])
                    * (11.0 - difficulty)
                    * stability.powf(-w[9])
                    * (E.powf((1.0 - retrievability) * w[10]) - 1.0)
                    * hard_penalty
                    * easy_bonus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retrievability_is_ninety_percent_after_stability_days() {
        let params = Params::default();
        let model = Model::new(&params);
        assert!((model.retrievability(10, 10.0) - 0.9).abs() < 1e-12);
        assert_eq!(model.retrievability(0, 3.0), 1.0);
    }

    #[test]
    fn interval_at_ninety_percent_equals_stability() {
        let params = Params::default();
        let model = Model::new(&params);
        assert_eq!(model.interval_days(10.0, 0.9, 36500), 10);
        assert_eq!(model.interval_days(0.2, 0.9, 36500), 1);
        assert_eq!(model.interval_days(1e9, 0.9, 36500), 36500);
    }

    #[test]
    fn first_rating_difficulty_falls_with_rating() {
        let params = Params::default();
        let model = Model::new(&params);
        let d: Vec<f64> = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            .into_iter()
            .map(|r| model.initial_difficulty(r, true))
            .collect();
        assert!(d.windows(2).all(|p| p[0] > p[1]), "{d:?}");
        assert!(d.iter().all(|x| (1.0..=10.0).contains(x)));
    }
}
