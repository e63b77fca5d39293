package rlhf.policy.service;

import rlhf.service.InvalidInputException;

/**
 * The server's bounds on one request: samples per request and tokens per sample. The model's context is checked
 * when the prompt is rendered by the version that serves it.
 *
 * @param maxSamples          most samples per request
 * @param maxNewTokens        most tokens a request may ask for
 * @param defaultMaxNewTokens tokens per sample when the request says 0
 */
public record SamplingLimits(int maxSamples, int maxNewTokens, int defaultMaxNewTokens) {

    /** Checks {@code n} against 1..maxSamples (BestOfN asks for at least 2). */
    public void checkSamples(int n, int min) {
        if (n < min) {
            throw new InvalidInputException("n", n + " < min " + min);
        }
        if (n > maxSamples) {
            throw new InvalidInputException("n", n + " > max " + maxSamples);
        }
    }

    /** Checks an explicit max_new_tokens against the server's bound. */
    public void checkMaxNewTokens(int requested) {
        if (requested > maxNewTokens) {
            throw new InvalidInputException("sampling.max_new_tokens", requested + " > max " + maxNewTokens);
        }
    }

    /**
     * Tokens to generate for a prompt of {@code promptTokens} in a context of {@code context}: the request's own
     * value must fit; the default is clipped to the room left.
     */
    public Budget budget(int requested, int promptTokens, int context) {
        if (requested > 0) {
            if (promptTokens + requested > context) {
                throw new InvalidInputException("prompt", promptTokens + " tokens + " + requested + " new tokens > context "
                        + context);
            }
            return new Budget(requested, false);
        }
        int room = context - promptTokens;
        if (room < 1) {
            throw new InvalidInputException("prompt", promptTokens + " tokens leave no room for new tokens in context "
                    + context);
        }
        return room < defaultMaxNewTokens ? new Budget(room, true) : new Budget(defaultMaxNewTokens, false);
    }

    /**
     * @param maxNewTokens     tokens to generate at most
     * @param clippedByContext true when the context, not the request or the default, set the bound (a sample that
     *                         uses it all ends CONTEXT_FULL)
     */
    public record Budget(int maxNewTokens, boolean clippedByContext) {
    }
}
