package rlhf.policy.service;

/**
 * A task's samples with their rewards: what becomes one {@code Rollout} per sample.
 *
 * @param generationMs wall time from queueing the task's generation to its last sample
 * @param scoringMs    wall time spent waiting for the reward service (all attempts)
 */
public record ScoredRollouts(RolloutTask task, Generated generated, float[] rewards, long rewardVersion,
        double generationMs, double scoringMs) {
}
