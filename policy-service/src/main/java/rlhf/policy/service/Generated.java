package rlhf.policy.service;

import java.util.List;

/**
 * The answers to one request.
 *
 * @param model       the version that produced them (never version 0)
 * @param promptIds   the rendered prompt as the model saw it
 * @param completions one per sample, in index order
 * @param generationNanos wall time from submission to the last sample
 */
public record Generated(ModelId model, int[] promptIds, List<Completion> completions, long generationNanos) {

    public Generated {
        completions = List.copyOf(completions);
    }
}
