package rlhf.policy.service;

import java.util.List;
import java.util.OptionalLong;

import rlhf.service.InvalidInputException;

/**
 * How a caller wants its answers sampled, checked against the contract's bounds (field names as in the proto);
 * server limits ({@code n}, max_new_tokens, the context) are checked by {@link SamplingLimits}.
 *
 * @param n              samples, ≥ 1
 * @param maxNewTokens   tokens per sample; 0: the server default, clipped to the context
 * @param temperature    ≥ 0; 0 is greedy
 * @param topK           0: no truncation
 * @param topP           in (0, 1]
 * @param seed           empty: a fresh seed (and the request may share an engine call with others)
 * @param stop           strings that end a sample; each non-empty
 */
public record SamplingRequest(int n, int maxNewTokens, float temperature, int topK, float topP, OptionalLong seed,
        List<String> stop) {

    public SamplingRequest {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new InvalidInputException("sampling.temperature", temperature + " must be finite and >= 0");
        }
        if (topK < 0) {
            throw new InvalidInputException("sampling.top_k", topK + " < 0");
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new InvalidInputException("sampling.top_p", topP + " not in (0, 1]");
        }
        if (maxNewTokens < 0) {
            throw new InvalidInputException("sampling.max_new_tokens", maxNewTokens + " < 0");
        }
        if (n < 1) {
            throw new InvalidInputException("n", n + " < 1");
        }
        stop = List.copyOf(stop);
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                throw new InvalidInputException("sampling.stop[" + i + "]", "empty");
            }
        }
    }
}
