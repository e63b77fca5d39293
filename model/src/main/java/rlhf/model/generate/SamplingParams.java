package rlhf.model.generate;

import java.util.List;

/**
 * How to pick each next token.
 *
 * @param maxNewTokens       at most this many tokens per sample
 * @param temperature        0 means greedy (argmax); otherwise logits are divided by it before the softmax
 * @param topK               keep the k most probable tokens; 0 keeps all
 * @param topP               nucleus: after top-k, keep the fewest most probable tokens whose probability sums to at
 *                           least topP (Holtzman et al. arXiv:1904.09751); 1 keeps all
 * @param seed               sample j of sequence i draws from its own RNG seeded by (seed, i), so results do not
 *                           depend on batch size or on other sequences
 * @param samplesPerPrompt   n samples per prompt
 * @param stopSequences      token sequences that end a sample when they appear at its end (kept in the output)
 * @param stopAtEndOfText    end a sample when it emits the end-of-text token (kept in the output)
 */
public record SamplingParams(int maxNewTokens, float temperature, int topK, float topP, long seed,
        int samplesPerPrompt, List<int[]> stopSequences, boolean stopAtEndOfText) {

    public SamplingParams {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (samplesPerPrompt <= 0) {
            throw new IllegalArgumentException("samplesPerPrompt must be positive, got " + samplesPerPrompt);
        }
        stopSequences = List.copyOf(stopSequences);
        for (int[] s : stopSequences) {
            if (s.length == 0) {
                throw new IllegalArgumentException("stopSequences must not contain an empty sequence");
            }
        }
    }

    /** Greedy decoding, one sample, stops at end of text. */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0f, 0, 1f, 0L, 1, List.of(), true);
    }

    /** Plain sampling at {@code temperature}, one sample, stops at end of text. */
    public static SamplingParams sampling(int maxNewTokens, float temperature, long seed) {
        return new SamplingParams(maxNewTokens, temperature, 0, 1f, seed, 1, List.of(), true);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(maxNewTokens, temperature, k, topP, seed, samplesPerPrompt, stopSequences,
                stopAtEndOfText);
    }

    public SamplingParams withTopP(float p) {
        return new SamplingParams(maxNewTokens, temperature, topK, p, seed, samplesPerPrompt, stopSequences,
                stopAtEndOfText);
    }

    public SamplingParams withSamplesPerPrompt(int n) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, n, stopSequences, stopAtEndOfText);
    }

    public SamplingParams withStopSequences(List<int[]> stops) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, samplesPerPrompt, stops,
                stopAtEndOfText);
    }

    public SamplingParams withStopAtEndOfText(boolean stop) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, seed, samplesPerPrompt, stopSequences, stop);
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
