package rlhf.policy.service;

import java.util.Objects;
import java.util.Optional;

/**
 * One request to sample answers.
 *
 * @param prompt   what to answer
 * @param sampling how to sample
 * @param model    the version to sample from; empty: the served version
 */
public record GenerationRequest(PromptInput prompt, SamplingRequest sampling, Optional<ModelId> model) {

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(model, "model");
    }
}
