package rlhf.trainer.ppo;

import java.util.List;

/**
 * How far the generator's log-probs (rollout workers, KV-cached sampling) are from the trainer's recomputation for the
 * same tokens: mean and largest |Δ| per token. Near zero for on-policy rollouts; a large value means the workers sampled
 * from another version or the two forwards disagree numerically.
 */
public record LogProbDrift(double mean, double max) {

    /** Compares each rollout's generator log-probs with {@code trainerLogProbs} (same order, same lengths). */
    public static LogProbDrift of(List<RolloutSample> rollouts, List<float[]> trainerLogProbs) {
        double sum = 0;
        double max = 0;
        long tokens = 0;
        for (int i = 0; i < rollouts.size(); i++) {
            float[] generator = rollouts.get(i).logProbs();
            float[] trainer = trainerLogProbs.get(i);
            for (int t = 0; t < generator.length; t++) {
                double d = Math.abs(generator[t] - trainer[t]);
                sum += d;
                max = Math.max(max, d);
                tokens++;
            }
        }
        return new LogProbDrift(tokens == 0 ? 0 : sum / tokens, max);
    }
}
