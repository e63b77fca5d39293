package rlhf.reward.service;

import java.util.List;

/**
 * What one call asks: pairs to score, all with one reward model version.
 *
 * @param items         the pairs, in request order; non-empty
 * @param rewardVersion the version to score with; 0: the current one
 */
public record ScoringRequest(List<ScoreInput> items, long rewardVersion) {
    public ScoringRequest {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("items must not be empty");
        }
        if (rewardVersion < 0) {
            throw new IllegalArgumentException("rewardVersion must be >= 0, was " + rewardVersion);
        }
    }
}
