package rlhf.policy.service;

import java.util.Map;
import java.util.Objects;

import rlhf.service.InvalidInputException;

/**
 * A request for PPO rollouts, read from {@code rlhf.prompts}.
 *
 * @param promptId      id of the prompt in its data set (the Kafka key)
 * @param policyVersion the policy version to sample from, ≥ 1: explicit, so rollouts stay on-policy
 * @param rewardVersion reward model to score with; 0: the newest
 * @param iteration     the PPO iteration that asked, carried back to the trainer
 * @param attributes    opaque labels copied to every rollout
 */
public record RolloutTask(String promptId, PromptInput prompt, SamplingRequest sampling, long policyVersion,
        long rewardVersion, long iteration, Map<String, String> attributes) {

    public RolloutTask {
        if (promptId == null || promptId.isEmpty()) {
            throw new InvalidInputException("prompt_id", "required");
        }
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        if (policyVersion < 1) {
            throw new InvalidInputException("policy_version", policyVersion + " < 1 (rollouts name their policy version)");
        }
        if (rewardVersion < 0) {
            throw new InvalidInputException("reward_version", rewardVersion + " < 0");
        }
        attributes = Map.copyOf(attributes);
    }

    /** The generation this task asks for. */
    public GenerationRequest generation() {
        return new GenerationRequest(prompt, sampling, java.util.Optional.of(new ModelId(PolicyKind.POLICY, policyVersion)));
    }
}
