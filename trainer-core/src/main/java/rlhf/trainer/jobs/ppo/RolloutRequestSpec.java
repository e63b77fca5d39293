package rlhf.trainer.jobs.ppo;

import java.util.List;
import java.util.Map;

import rlhf.model.tokenizer.ChatMessage;

/**
 * One rollout request of a PPO iteration, the plain form of {@code rlhf.policy.v1.RolloutRequest}: sample {@code n}
 * answers to {@code prompt} with policy {@code policyVersion}, score them with reward model {@code rewardVersion}.
 * Sampling is temperature 1 without truncation, so the generator's log-probs are the policy's.
 */
public record RolloutRequestSpec(String promptId, List<ChatMessage> prompt, int n, int maxNewTokens,
        long policyVersion, long rewardVersion, long iteration, Map<String, String> attributes) {

    public RolloutRequestSpec {
        prompt = List.copyOf(prompt);
        attributes = Map.copyOf(attributes);
        if (prompt.isEmpty() || n < 1 || maxNewTokens < 1 || policyVersion < 1) {
            throw new IllegalArgumentException("request " + promptId + ": need a prompt, n >= 1, maxNewTokens >= 1 "
                    + "and policyVersion >= 1");
        }
    }
}
