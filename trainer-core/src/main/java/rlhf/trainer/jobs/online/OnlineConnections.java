package rlhf.trainer.jobs.online;

import rlhf.trainer.jobs.ppo.PpoConnections;

/**
 * What the online iteration reaches outside the process: the human comparisons on Kafka, and PPO's rollout exchange
 * and version announcer.
 */
public record OnlineConnections(ComparisonSnapshots snapshots, PpoConnections ppo) {
}
