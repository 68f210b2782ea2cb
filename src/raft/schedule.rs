//! Seeded random schedules: client proposals, message loss, partitions and crashes, all
//! drawn from the seed; and the fuzz loop that runs many of them with every invariant
//! checked after every step.

use std::ops::Range;

use serde::Serialize;

use super::cluster::{Cluster, ClusterConfig, SetupError, SimError};
use super::message::NodeId;
use super::network::NetworkConfig;
use super::node::{NodeConfig, Role, StaleRequests};
use crate::rng::SplitMix64;

/// What a random schedule does.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleConfig {
    pub nodes: u32,
    pub seed: u64,
    pub ticks: u64,
    /// Chance per tick that a client proposes a command to the leader.
    pub propose_chance: f64,
    /// Inject partitions and heals.
    pub partitions: bool,
    /// Crash and restart nodes.
    pub crashes: bool,
    /// Per tick: chance that a whole network splits in two, that a split heals.
    pub partition_chance: f64,
    pub heal_chance: f64,
    /// Per node and tick: chance that a running node crashes, that a crashed one restarts.
    pub crash_chance: f64,
    pub restart_chance: f64,
    pub node: NodeConfig,
    pub network: NetworkConfig,
    pub trace: bool,
}

impl ScheduleConfig {
    /// A schedule on a stable network: latency 1 to 3 ticks, no loss, no faults.
    pub fn new(nodes: u32, seed: u64, ticks: u64) -> ScheduleConfig {
        ScheduleConfig {
            nodes,
            seed,
            ticks,
            propose_chance: 0.1,
            partitions: false,
            crashes: false,
            partition_chance: 0.01,
            heal_chance: 0.03,
            crash_chance: 0.001,
            restart_chance: 0.03,
            node: NodeConfig::default(),
            network: NetworkConfig {
                latency_min: 1,
                latency_max: 3,
                drop: 0.0,
            },
            trace: false,
        }
    }

    /// The fuzzer's schedule for one seed: every fault, and the protocol switches and
    /// network latency drawn from the seed so that all variants get exercised.
    pub fn fuzz(nodes: u32, seed: u64, ticks: u64) -> ScheduleConfig {
        let mut rng = SplitMix64::derive(seed, "fuzz-variant");
        let mut config = ScheduleConfig::new(nodes, seed, ticks);
        config.partitions = true;
        config.crashes = true;
        config.propose_chance = 0.05 + 0.25 * rng.next_f64();
        config.network.drop = [0.0, 0.02, 0.1][rng.range(0, 3) as usize];
        config.network.latency_min = rng.range(0, 2);
        config.network.latency_max = config.network.latency_min + rng.range(0, 10);
        config.partition_chance = 0.005 + 0.045 * rng.next_f64();
        config.heal_chance = 0.01 + 0.09 * rng.next_f64();
        config.crash_chance = 0.0005 + 0.0045 * rng.next_f64();
        config.restart_chance = 0.01 + 0.09 * rng.next_f64();
        config.node.stale_requests = if rng.chance(0.5) {
            StaleRequests::Refuse
        } else {
            StaleRequests::Drop
        };
        config.node.conflict_hint = rng.chance(0.5);
        config.node.noop_on_election = rng.chance(0.25);
        config.node.max_entries_per_append = [1, 2, 4, 64][rng.range(0, 4) as usize];
        config
    }
}

/// A finished (or stopped) schedule.
pub struct ScheduleRun {
    pub cluster: Cluster,
    pub outcome: Result<(), SimError>,
}

/// Runs a random schedule. Never panics: an invariant violation ends the run early and is
/// the outcome; only an impossible cluster size is an error.
pub fn run(config: &ScheduleConfig) -> Result<ScheduleRun, SetupError> {
    let mut cluster = Cluster::new(ClusterConfig {
        nodes: config.nodes,
        seed: config.seed,
        node: config.node.clone(),
        network: config.network.clone(),
        trace: config.trace,
    })?;
    let outcome = drive(&mut cluster, config);
    Ok(ScheduleRun { cluster, outcome })
}

fn drive(cluster: &mut Cluster, config: &ScheduleConfig) -> Result<(), SimError> {
    let mut rng = SplitMix64::derive(config.seed, "schedule");
    let n = config.nodes;
    let mut partitioned = false;
    let mut proposals = 0u64;
    for _ in 0..config.ticks {
        if config.partitions {
            if !partitioned && n > 1 && rng.chance(config.partition_chance) {
                cluster.partition(&[random_minority_or_majority(&mut rng, n)]);
                partitioned = true;
            } else if partitioned && rng.chance(config.heal_chance) {
                cluster.heal();
                partitioned = false;
            }
        }
        if config.crashes {
            for id in 1..=n {
                if cluster.is_crashed(id) {
                    if rng.chance(config.restart_chance) {
                        cluster.restart(id)?;
                    }
                } else if rng.chance(config.crash_chance) {
                    cluster.crash(id);
                }
            }
        }
        if rng.chance(config.propose_chance) {
            // Clients reach any node that believes it leads, a stale leader cut off in a
            // minority included: that is how logs come to diverge.
            let leaders: Vec<NodeId> = (1..=n)
                .filter(|&id| !cluster.is_crashed(id) && cluster.node(id).role() == Role::Leader)
                .collect();
            let target = match leaders.len() {
                0 => None,
                count => Some(leaders[rng.range(0, count as u64) as usize]),
            };
            proposals += 1;
            cluster.propose(target, &format!("set x = {proposals}"))?;
        }
        cluster.tick()?;
    }
    Ok(())
}

/// A random non-empty proper subset of the nodes, as one side of a partition.
fn random_minority_or_majority(rng: &mut SplitMix64, n: u32) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = (1..=n).collect();
    for i in (1..ids.len()).rev() {
        let j = rng.range(0, i as u64 + 1) as usize;
        ids.swap(i, j);
    }
    let size = rng.range(1, n as u64) as usize;
    let mut side = ids[..size].to_vec();
    side.sort_unstable();
    side
}

/// The result of fuzzing a range of seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FuzzReport {
    /// Seeds that ran to the end with every invariant holding.
    pub seeds_passed: u64,
    pub steps: u64,
    pub delivered: u64,
    /// The first seed that broke an invariant, and how.
    pub failure: Option<FuzzFailure>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FuzzFailure {
    pub seed: u64,
    pub error: String,
}

/// Runs [`ScheduleConfig::fuzz`] for every seed in `seeds`, stopping at the first failure.
/// `progress` is called after each seed with the number of seeds done.
pub fn fuzz(
    nodes: u32,
    ticks: u64,
    seeds: Range<u64>,
    mut progress: impl FnMut(u64),
) -> FuzzReport {
    let mut report = FuzzReport {
        seeds_passed: 0,
        steps: 0,
        delivered: 0,
        failure: None,
    };
    for seed in seeds {
        let run = match run(&ScheduleConfig::fuzz(nodes, seed, ticks)) {
            Ok(run) => run,
            Err(error) => {
                report.failure = Some(FuzzFailure {
                    seed,
                    error: error.to_string(),
                });
                break;
            }
        };
        let stats = run.cluster.stats();
        report.steps += stats.steps;
        report.delivered += stats.delivered;
        if let Err(error) = run.outcome {
            report.failure = Some(FuzzFailure {
                seed,
                error: error.to_string(),
            });
            break;
        }
        report.seeds_passed += 1;
        progress(report.seeds_passed);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_run() {
        let mut config = ScheduleConfig::fuzz(5, 42, 300);
        config.trace = true;
        let a = run(&config).unwrap();
        let b = run(&config).unwrap();
        assert!(a.outcome.is_ok());
        assert_eq!(a.cluster.trace(), b.cluster.trace());
        assert_eq!(a.cluster.stats(), b.cluster.stats());
    }

    #[test]
    fn different_seeds_differ() {
        let a = run(&ScheduleConfig::fuzz(5, 1, 300)).unwrap();
        let b = run(&ScheduleConfig::fuzz(5, 2, 300)).unwrap();
        assert_ne!(a.cluster.stats(), b.cluster.stats());
    }

    #[test]
    fn partition_sides_are_proper_subsets() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..200 {
            let side = random_minority_or_majority(&mut rng, 5);
            assert!(!side.is_empty() && side.len() < 5);
        }
    }
}
