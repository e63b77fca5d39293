package rlhf.reward.service;

/**
 * Rewards of the items of one call, in request order, and the single reward model version that scored all of them.
 *
 * @param rewardVersion the version that scored every item (never 0)
 * @param rewards       r_θ(x, y) per item, a logit
 */
public record ScoredBatch(long rewardVersion, float[] rewards) {
    public ScoredBatch {
        if (rewardVersion < 1) {
            throw new IllegalArgumentException("rewardVersion must be >= 1, was " + rewardVersion);
        }
    }
}
