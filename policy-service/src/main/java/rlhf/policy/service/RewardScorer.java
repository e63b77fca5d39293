package rlhf.policy.service;

import java.util.List;

/**
 * Scores (prompt, answer) token pairs with the reward service. Implementations set a deadline per attempt and retry
 * only while the service is UNAVAILABLE; any other failure, or the last UNAVAILABLE, is thrown as a gRPC status.
 */
public interface RewardScorer {

    /** One pair: rendered prompt ids and generated answer ids (both non-empty), as the generator saw them. */
    record Item(int[] promptIds, int[] answerIds) {
    }

    /** One reward per item, in order, and the single reward-model version that produced them all. */
    record Rewards(float[] rewards, long rewardVersion) {
    }

    /** @param rewardVersion 0: the newest */
    Rewards score(List<Item> items, long rewardVersion);
}
