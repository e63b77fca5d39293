package rlhf.policy.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * {@code thenApply} that passes cancellation back to the source: a caller that gives up cancels the future it holds,
 * and the work behind it (queued or running generation) must hear of it. Plain CompletableFuture stages do not.
 */
public final class Futures {

    private Futures() {
    }

    public static <A, B> CompletableFuture<B> map(CompletableFuture<A> source, Function<? super A, ? extends B> fn) {
        return cancelsSource(source.thenApply(fn), source);
    }

    /** Like {@link #map} but runs {@code fn} on {@code executor} (for blocking steps). */
    public static <A, B> CompletableFuture<B> mapAsync(CompletableFuture<A> source, Function<? super A, ? extends B> fn,
            Executor executor) {
        return cancelsSource(source.thenApplyAsync(fn, executor), source);
    }

    private static <B> CompletableFuture<B> cancelsSource(CompletableFuture<B> derived, CompletableFuture<?> source) {
        derived.whenComplete((r, e) -> {
            if (derived.isCancelled()) {
                source.cancel(false);
            }
        });
        return derived;
    }
}
