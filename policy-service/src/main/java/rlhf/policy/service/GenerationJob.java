package rlhf.policy.service;

import java.util.List;

import rlhf.model.generate.Generation;
import rlhf.model.generate.SamplingParams;

/**
 * One request's share of an engine call: its prompt, its sampling parameters ({@code samplesPerPrompt} = n) and
 * where its tokens go. Crosses from the caller's thread to the batch worker, so it holds only plain arrays.
 */
final class GenerationJob {

    /** Receives the job's samples as they are drawn; called on the batch worker. */
    interface Listener {
        Listener NONE = new Listener() {
        };

        default void onToken(int sampleIndex, int tokenId, float logProb) {
        }

        default void onFinish(Generation generation) {
        }
    }

    final int[] promptIds;
    final SamplingParams params;
    final boolean seeded;
    final Listener listener;
    private volatile boolean abandoned;

    /**
     * @param seeded true when the caller fixed the seed: such a job runs in an engine call of its own, so sample j
     *               always draws from the RNG of (seed, j), whatever else is queued
     */
    GenerationJob(int[] promptIds, SamplingParams params, boolean seeded, Listener listener) {
        this.promptIds = promptIds;
        this.params = params;
        this.seeded = seeded;
        this.listener = listener;
    }

    int samples() {
        return params.samplesPerPrompt();
    }

    /** The caller gave up (deadline, cancel): do not spend more compute on it. */
    void abandon() {
        abandoned = true;
    }

    boolean abandoned() {
        return abandoned;
    }

    /**
     * Jobs that may share one engine call: same budget, temperature, truncation and stops, and no fixed seed (the
     * engine takes one parameter set per call, and a seeded job's RNG streams depend on its position in the call).
     */
    Object batchKey() {
        if (seeded) {
            return this;
        }
        List<List<Integer>> stops = params.stopSequences().stream()
                .map(s -> java.util.Arrays.stream(s).boxed().toList()).toList();
        return new Key(params.maxNewTokens(), params.temperature(), params.topK(), params.topP(), stops,
                params.stopAtEndOfText());
    }

    private record Key(int maxNewTokens, float temperature, int topK, float topP, List<List<Integer>> stops,
            boolean stopAtEndOfText) {
    }
}
