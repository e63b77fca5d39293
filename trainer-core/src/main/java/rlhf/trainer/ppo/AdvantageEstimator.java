package rlhf.trainer.ppo;

import java.util.List;

/**
 * How one iteration's per-token rewards become the advantages PPO's clipped objective weighs each token by: GAE over a
 * learned critic ({@link GaeEstimator}, InstructGPT's choice), or the leave-one-out mean of the other samples of the
 * same prompt ({@link GroupBaselineEstimator}, no critic). Both read the same shaped rewards (−β·k1 on every token,
 * the reward model's score added on the last).
 */
public sealed interface AdvantageEstimator permits GaeEstimator, GroupBaselineEstimator {

    /** True when {@link #estimate} reads the critic's values (and the learner must train a critic). */
    boolean needsCritic();

    /**
     * @param rollouts the iteration's rollouts (their prompt ids group them)
     * @param rewards  (A) per-token shaped rewards of each rollout
     * @param values   (A) V(s_t) of each rollout; null when {@link #needsCritic()} is false
     */
    Estimate estimate(List<RolloutSample> rollouts, List<float[]> rewards, List<float[]> values);

    /**
     * @param advantages (A) per rollout, as the objective uses them
     * @param returns    (A) the critic's targets per rollout; null without a critic
     * @param alone      rollouts that had no baseline and got advantage 0 (group estimators only)
     */
    record Estimate(List<float[]> advantages, List<float[]> returns, int alone) {
    }

    /** Scales (and, when {@code center}, centres) every token's advantage by the batch's standard deviation. */
    static void whiten(List<float[]> advantages, boolean center) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (float[] a : advantages) {
            for (float x : a) {
                sum += x;
                squares += (double) x * x;
                count++;
            }
        }
        if (count < 2) {
            return;
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(squares / count - mean * mean, 0));
        if (std < 1e-6) {
            return; // all equal: nothing to scale by
        }
        double shift = center ? mean : 0;
        for (float[] a : advantages) {
            for (int t = 0; t < a.length; t++) {
                a[t] = (float) ((a[t] - shift) / std);
            }
        }
    }
}
