package rlhf.gateway.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets, one per key (or user id): {@code perSecond} tokens a second, holding at most twice that, one token
 * per comparison. A refused take says how long until a token is back. Per replica: with N replicas a client gets up to
 * N times the rate, which is the usual price of limits without shared state.
 */
public final class RateLimits {

    private static final int MAX_TRACKED = 100_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one token of {@code key}'s bucket or throws {@link RateLimitedException} naming {@code what}. */
    public void take(String key, int perSecond, String what) {
        if (buckets.size() > MAX_TRACKED) {
            buckets.clear(); // bounded memory: forgetting every bucket only ever lets more through
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perSecond));
        long waitNanos = bucket.take(System.nanoTime());
        if (waitNanos > 0) {
            throw new RateLimitedException(what, Duration.ofNanos(waitNanos));
        }
    }

    private static final class Bucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(int perSecond) {
            this.perNano = perSecond / 1e9;
            this.capacity = 2.0 * perSecond;
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        /** 0 when a token was taken, else the nanoseconds until one is there. */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
