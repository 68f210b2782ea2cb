//! Properties over thousands of seeds: every invariant holds under faults; on a stable
//! network a leader appears within a bound and every accepted proposal commits everywhere.

use mdcards::raft::schedule::{self, ScheduleConfig};
use mdcards::raft::{Cluster, ClusterConfig, NetworkConfig, Role};

/// Election timeouts are drawn from [10, 20) ticks and messages take 1 to 3 ticks, so the
/// first election ends within about 26 ticks unless votes split; repeated splits are
/// improbable, and this bound leaves room for several.
const LEADER_BOUND: u64 = 120;

#[test]
fn invariants_hold_under_loss_partitions_and_crashes() {
    let report = schedule::fuzz(5, 400, 0..2_000, |_| {});
    assert_eq!(report.failure, None);
    assert_eq!(report.seeds_passed, 2_000);
    assert!(report.delivered > 1_000_000, "{report:?}");
    let report = schedule::fuzz(3, 400, 10_000..11_000, |_| {});
    assert_eq!(report.failure, None);
    let report = schedule::fuzz(7, 300, 20_000..20_500, |_| {});
    assert_eq!(report.failure, None);
}

fn stable_cluster(nodes: u32, seed: u64) -> Cluster {
    let mut config = ClusterConfig::new(nodes, seed);
    config.network = NetworkConfig {
        latency_min: 1,
        latency_max: 3,
        drop: 0.0,
    };
    Cluster::new(config).unwrap()
}

#[test]
fn stable_network_elects_a_leader_within_a_bound() {
    let mut slowest = 0;
    for seed in 0..3_000 {
        for nodes in [3, 5] {
            let mut cluster = stable_cluster(nodes, seed);
            while cluster.leader().is_none() {
                cluster.tick().unwrap();
                assert!(
                    cluster.now() <= LEADER_BOUND,
                    "seed {seed}, {nodes} nodes: no leader after {LEADER_BOUND} ticks"
                );
            }
            slowest = slowest.max(cluster.now());
            // Once elected on a stable network, the leader keeps its office.
            let leader = cluster.leader();
            cluster.run_ticks(100).unwrap();
            assert_eq!(cluster.leader(), leader, "seed {seed}: leadership changed");
        }
    }
    assert!(
        slowest >= 10,
        "elections cannot finish before the first timeout"
    );
}

#[test]
fn every_accepted_proposal_commits_on_all_live_nodes() {
    for seed in 0..1_500 {
        let mut config = ScheduleConfig::new(5, seed, 300);
        config.propose_chance = 0.3;
        let mut run = schedule::run(&config).unwrap();
        run.outcome.unwrap();
        let cluster = &mut run.cluster;
        let accepted = cluster.stats().proposals_accepted;
        // Quiet period: no more proposals, heartbeats carry the commit index.
        cluster.run_ticks(20).unwrap();
        let leader = cluster.leader().expect("a leader on a stable network");
        let log = cluster.node(leader).log().clone();
        assert_eq!(
            log.last_index(),
            accepted,
            "seed {seed}: every accepted proposal is in the leader's log"
        );
        for node in cluster.nodes() {
            assert_eq!(node.log(), &log, "seed {seed}: node {} log", node.id());
            assert_eq!(
                node.commit_index(),
                log.last_index(),
                "seed {seed}: node {} commit",
                node.id()
            );
            assert_eq!(node.last_applied(), log.last_index());
            if node.id() != leader {
                assert_eq!(node.role(), Role::Follower);
            }
        }
        // Each accepted command is in the log once, in the order it was proposed.
        let numbers: Vec<u64> = log
            .entries()
            .iter()
            .map(|e| e.command.trim_start_matches("set x = ").parse().unwrap())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "seed {seed}: {numbers:?}"
        );
    }
}

#[test]
fn proposals_commit_on_the_majority_side_and_reach_the_rest_after_healing() {
    for seed in 0..300 {
        let mut cluster = stable_cluster(5, seed);
        while cluster.leader().is_none() {
            cluster.tick().unwrap();
        }
        let leader = cluster.leader().unwrap();
        let follower = if leader == 1 { 2 } else { 1 };
        cluster.isolate(follower);
        for k in 0..10 {
            cluster.propose(None, &format!("w{k}")).unwrap();
            cluster.tick().unwrap();
        }
        cluster.run_ticks(10).unwrap();
        assert_eq!(cluster.node(leader).commit_index(), 10, "seed {seed}");
        // The isolated node comes back with a higher term and disrupts the leader; a new
        // election follows, then nextIndex backs off one entry per round trip.
        cluster.heal();
        cluster.run_ticks(150).unwrap();
        let leader = cluster.leader().unwrap();
        let log = cluster.node(leader).log().clone();
        assert_eq!(cluster.node(follower).log(), &log, "seed {seed}");
        assert_eq!(
            cluster.node(follower).commit_index(),
            log.last_index(),
            "seed {seed}"
        );
    }
}
