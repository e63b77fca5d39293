package rlhf.policy.service;

/**
 * Rejection sampling's answer: every candidate with its reward and the index of the best.
 *
 * @param generated     the candidates as sampled
 * @param rewards       r_θ(x, y) of each candidate, in sample order
 * @param rewardVersion the reward model version that scored them
 * @param bestIndex     argmax of rewards (first on a tie)
 */
public record BestOfN(Generated generated, float[] rewards, long rewardVersion, int bestIndex) {

    /** Scores the candidates and picks the best. */
    public static BestOfN of(Generated generated, RewardScorer.Rewards scored) {
        float[] rewards = scored.rewards();
        if (rewards.length != generated.completions().size()) {
            throw new IllegalStateException("reward service returned " + rewards.length + " rewards for "
                    + generated.completions().size() + " candidates");
        }
        int best = 0;
        for (int i = 1; i < rewards.length; i++) {
            if (rewards[i] > rewards[best]) {
                best = i;
            }
        }
        return new BestOfN(generated, rewards, scored.rewardVersion(), best);
    }
}
