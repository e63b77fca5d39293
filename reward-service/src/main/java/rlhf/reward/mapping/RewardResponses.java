package rlhf.reward.mapping;

import rlhf.reward.service.PreferenceProbability;
import rlhf.reward.service.ScoredBatch;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.ScoreResponse;

/** {@link ScoredBatch} → responses of {@code rlhf.reward.v1}, each tagged with the version that scored it. */
public final class RewardResponses {

    private RewardResponses() {
    }

    public static ScoreResponse score(ScoredBatch scored) {
        return ScoreResponse.newBuilder().setReward(scored.rewards()[0]).setRewardVersion(scored.rewardVersion()).build();
    }

    public static ScoreBatchResponse scoreBatch(ScoredBatch scored) {
        ScoreBatchResponse.Builder out = ScoreBatchResponse.newBuilder().setRewardVersion(scored.rewardVersion());
        for (float r : scored.rewards()) {
            out.addRewards(r);
        }
        return out.build();
    }

    /** From the pairs (prompt, answer_a), (prompt, answer_b); P(a ≻ b) from the very floats returned. */
    public static CompareResponse compare(ScoredBatch scored) {
        float a = scored.rewards()[0];
        float b = scored.rewards()[1];
        return CompareResponse.newBuilder().setRewardA(a).setRewardB(b)
                .setProbabilityAPreferred(PreferenceProbability.of(a, b))
                .setRewardVersion(scored.rewardVersion()).build();
    }
}
