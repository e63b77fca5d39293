package rlhf.gateway.service;

import java.time.Duration;

/** Over a rate limit (HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED); nothing was stored. */
public final class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    public RateLimitedException(String what, Duration retryAfter) {
        super(what + ": rate limit reached; retry after " + Math.max(1, retryAfter.toSeconds()) + " s", null, false,
                false);
        this.retryAfter = retryAfter;
    }

    /** Whole seconds a client should wait, at least 1 (the Retry-After header's unit). */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
