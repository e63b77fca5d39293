package rlhf.trainer.ppo;

import java.util.Map;

/**
 * One rollout as the trainer uses it, the plain form of {@code rlhf.policy.v1.Rollout} (protos stay in mapping/).
 *
 * @param promptId       the prompt's id (the Kafka key)
 * @param sampleIndex    which of the request's n samples, 0..n-1
 * @param promptIds      (P) rendered prompt token ids as the generator saw them
 * @param responseIds    (A) generated token ids
 * @param logProbs       (A) the generator's raw log π_old(a_t|s_t)
 * @param policyVersion  the policy version that generated it
 * @param reward         the reward model's score of (prompt, response)
 * @param rewardVersion  the reward model version that scored it
 * @param iteration      the PPO iteration that requested it
 * @param generationMs   the worker's sampling time for the request
 * @param scoringMs      the worker's wait for the reward service
 * @param responseText   decoded answer (for inspection)
 * @param attributes     the request's labels (e.g. prompt category)
 */
public record RolloutSample(String promptId, int sampleIndex, int[] promptIds, int[] responseIds, float[] logProbs,
        long policyVersion, float reward, long rewardVersion, long iteration, double generationMs, double scoringMs,
        String responseText, Map<String, String> attributes) {

    public RolloutSample {
        if (promptIds.length == 0 || responseIds.length == 0) {
            throw new IllegalArgumentException("rollout " + promptId + "#" + sampleIndex
                    + ": prompt and response token ids must be non-empty");
        }
        if (logProbs.length != responseIds.length) {
            throw new IllegalArgumentException("rollout " + promptId + "#" + sampleIndex + ": " + logProbs.length
                    + " log-probs for " + responseIds.length + " response tokens");
        }
        attributes = Map.copyOf(attributes);
    }

    /** Identity of a rollout across re-deliveries: a re-read record has the same key and is ignored. */
    public String key() {
        return promptId + "#" + sampleIndex + "@v" + policyVersion + "/i" + iteration;
    }

    /** Prompt plus response tokens. */
    public int length() {
        return promptIds.length + responseIds.length;
    }
}
