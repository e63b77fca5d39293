package rlhf.reward.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import rlhf.model.GptConfig;
import rlhf.model.score.Scorer;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.service.BatchingExecutor;
import rlhf.service.VersionUnload;

/**
 * One loaded reward model version with its own request coalescer: items submitted by concurrent calls on this
 * version share forward passes. Closed by {@link rlhf.service.VersionedModels} after its last lease ends.
 */
public final class RewardModel implements AutoCloseable {

    /** Limits of one model's coalescer. */
    public record Batching(int maxBatchSize, java.time.Duration maxWait, int maxQueued) {
    }

    private final long version;
    private final LoadedCheckpoint checkpoint;
    private final BatchingExecutor<Scorer.Example, Float> batcher;
    private final VersionUnload unload;

    RewardModel(long version, LoadedCheckpoint checkpoint, Batching batching, BatchingExecutor.BatchListener listener,
            Consumer<RewardModel> onClose) {
        this.version = version;
        this.checkpoint = checkpoint;
        RewardForward forward = new RewardForward(checkpoint.model());
        this.batcher = new BatchingExecutor<>("reward-v" + version + "-batcher", batching.maxBatchSize(),
                batching.maxWait(), batching.maxQueued(), examples -> boxed(forward.rewards(examples)), listener);
        this.unload = new VersionUnload("reward-v" + version, batcher, checkpoint, () -> onClose.accept(this));
    }

    public long version() {
        return version;
    }

    public TextTokenizer tokenizer() {
        return checkpoint.tokenizer();
    }

    public GptConfig config() {
        return checkpoint.model().config();
    }

    /** Manifest sha256 of the weights file, to check an announcement against. */
    String weightsSha256() {
        return checkpoint.checkpoint().weightsSha256();
    }

    /**
     * Queues every example for the coalescer; all or nothing: when the queue cannot take them all, the ones already
     * queued are withdrawn and the RESOURCE_EXHAUSTED failure is thrown.
     */
    List<CompletableFuture<Float>> submitAll(List<Scorer.Example> examples) {
        List<CompletableFuture<Float>> parts = new ArrayList<>(examples.size());
        for (Scorer.Example e : examples) {
            CompletableFuture<Float> part = batcher.submit(e);
            if (part.isCompletedExceptionally()) {
                parts.forEach(p -> p.cancel(false));
                throw failureOf(part);
            }
            parts.add(part);
        }
        return parts;
    }

    /** Stops the coalescer, then frees the weights (see {@link VersionUnload}). */
    @Override
    public void close() {
        unload.run();
    }

    /** The status a future refused at submission failed with (RESOURCE_EXHAUSTED, or UNAVAILABLE when closing). */
    private static RuntimeException failureOf(CompletableFuture<Float> refused) {
        try {
            refused.join();
            return new IllegalStateException("submission was refused but completed normally");
        } catch (CompletionException e) {
            return e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static List<Float> boxed(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
