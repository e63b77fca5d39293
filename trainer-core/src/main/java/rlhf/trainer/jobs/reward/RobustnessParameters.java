package rlhf.trainer.jobs.reward;

import rlhf.trainer.jobs.JobParameters;

/**
 * Settings of the hh-rlhf robustness check ({@link BestOfNRobustness}): how many held-out prompts, and how the
 * SFT model samples the 16 answers per prompt.
 */
public record RobustnessParameters(int prompts, int maxNewTokens, float temperature, long seed) {

    static RobustnessParameters read(JobParameters p) {
        return new RobustnessParameters(
                p.intIn("robustness-prompts", 64, 1, 100_000),
                p.intIn("robustness-max-new-tokens", 48, 1, 4096),
                p.floatIn("robustness-temperature", 1f, 0.01f, 10f),
                p.longIn("robustness-seed", 7, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
