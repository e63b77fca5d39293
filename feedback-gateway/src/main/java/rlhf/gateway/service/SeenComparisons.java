package rlhf.gateway.service;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The idempotency state: the content digest of every comparison id on {@code rlhf.comparisons}, rebuilt from the log at
 * start and kept current by following it (so it holds across restarts and sees what other replicas appended), plus the
 * appends in flight in this replica, so two concurrent submissions of one id append it once.
 *
 * <p>The first record of an id on the log is the one that counts (same key, same partition, so "first" is well
 * defined); the training snapshot keeps it and drops later ones, so a race between two replicas that both append an id
 * before either sees the other's record still yields each id once in every dataset.
 */
public final class SeenComparisons {

    /** What a submission is, against what the log already holds. */
    public enum Outcome {
        /** Appended now. */
        ACCEPTED,
        /** The same id with the same content was appended before; nothing appended now. */
        DUPLICATE
    }

    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    /** A record read from the log; the first digest of an id wins. True when the id was not known before. */
    public boolean observed(String id, String digest) {
        return stored.putIfAbsent(id, digest) == null;
    }

    /** Whether the id is known (its first record on the log read, or appended by this replica). */
    public boolean knows(String id) {
        return stored.containsKey(id);
    }

    /** Ids known; for metrics and readiness. */
    public int size() {
        return stored.size();
    }

    /**
     * Appends {@code id} with {@code append} unless the log already holds it: DUPLICATE for the same digest, a
     * {@link ConflictException} for another one. A submission of an id whose append is in flight waits for that append
     * and is then judged against it (a failed append leaves the id free).
     */
    public CompletableFuture<Outcome> submit(String id, String digest, Supplier<CompletableFuture<?>> append) {
        return submit(id, digest, append, () -> { });
    }

    /**
     * As {@link #submit(String, String, Supplier)}; {@code recorded} runs when this append is what made the id known
     * (and not the log follower reading the same record first), so per-id bookkeeping happens exactly once.
     */
    public CompletableFuture<Outcome> submit(String id, String digest, Supplier<CompletableFuture<?>> append,
            Runnable recorded) {
        String known = stored.get(id);
        if (known != null) {
            return judged(id, known, digest);
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> other = inFlight.putIfAbsent(id, mine);
        if (other != null) {
            return other.handle((d, e) -> e).thenCompose(e -> submit(id, digest, append, recorded));
        }
        known = stored.get(id); // read again: the follower may have recorded it meanwhile
        if (known != null) {
            inFlight.remove(id, mine);
            mine.complete(known);
            return judged(id, known, digest);
        }
        CompletableFuture<?> appended;
        try {
            appended = append.get();
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        return appended.handle((ok, failure) -> {
            if (failure == null && stored.putIfAbsent(id, digest) == null) {
                recorded.run();
            }
            inFlight.remove(id, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
                throw failure instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(failure);
            }
            mine.complete(digest);
            return Outcome.ACCEPTED;
        });
    }

    private static CompletableFuture<Outcome> judged(String id, String known, String digest) {
        if (known.equals(digest)) {
            return CompletableFuture.completedFuture(Outcome.DUPLICATE);
        }
        return CompletableFuture.failedFuture(new ConflictException("comparison.comparison_id", "'" + id + "' was already submitted with other "
                + "content; a comparison id names one comparison for ever"));
    }
}
