package rlhf.policy.service;

/**
 * One sampled answer.
 *
 * @param index            sample index within the request, 0..n-1
 * @param tokenIds         generated ids (the action sequence), including a final end-of-text
 * @param text             the answer text: up to end-of-text, without a matched stop string
 * @param logProbs         log π(a_t | s_t) under the raw policy (temperature 1, no truncation), one per token
 * @param samplingLogProbs log q(a_t | s_t) under the distribution sampled from (0 for greedy), one per token
 * @param finish           why it ended
 */
public record Completion(int index, int[] tokenIds, String text, float[] logProbs, float[] samplingLogProbs,
        Finish finish) {

    public Completion {
        if (tokenIds.length != logProbs.length || tokenIds.length != samplingLogProbs.length) {
            throw new IllegalArgumentException("tokenIds, logProbs and samplingLogProbs must have equal lengths");
        }
    }
}
