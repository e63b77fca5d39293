package rlhf.policy.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.service.BatchingExecutor;
import rlhf.service.VersionUnload;

/**
 * One loaded model version with its own batch worker: requests submitted by concurrent calls on this version share
 * engine calls, and the worker is the only thread that runs the engine on these weights. Closed by
 * {@link rlhf.service.VersionedModels} after its last lease ends.
 */
public final class PolicyModel implements AutoCloseable {

    /** Limits of one version's batch worker. */
    public record Batching(int maxBatchSequences, Duration maxWait, int maxQueued) {
    }

    private final ModelId id;
    private final LoadedCheckpoint checkpoint;
    private final BatchingExecutor<GenerationJob, BatchedGeneration.Outcome> batcher;
    private final GenerationObserver observer;
    private final VersionUnload unload;

    PolicyModel(ModelId id, LoadedCheckpoint checkpoint, Batching batching, GenerationObserver observer,
            BatchingExecutor.BatchListener batchListener, Consumer<PolicyModel> onClose) {
        this.id = id;
        this.checkpoint = checkpoint;
        this.observer = observer;
        GenerationEngine engine = new GenerationEngine(checkpoint.model(), checkpoint.tokenizer().endOfTextId(),
                batching.maxBatchSequences());
        BatchedGeneration generation = new BatchedGeneration(engine, observer);
        // A batch holds at most maxBatchSequences requests; each may bring n samples, which the engine splits into
        // micro-batches of maxBatchSequences, so one engine call never exceeds the configured width.
        this.batcher = new BatchingExecutor<>(id.kind().storeDirectory() + "-v" + id.version() + "-generator",
                batching.maxBatchSequences(), batching.maxWait(), batching.maxQueued(), generation::run, batchListener);
        this.unload = new VersionUnload(id.kind().storeDirectory() + "-v" + id.version(), batcher, checkpoint,
                () -> onClose.accept(this));
    }

    public ModelId id() {
        return id;
    }

    public TextTokenizer tokenizer() {
        return checkpoint.tokenizer();
    }

    public int contextLength() {
        return checkpoint.model().config().contextLength();
    }

    /** Manifest sha256 of the weights file, to check an announcement against. */
    public String weightsSha256() {
        return checkpoint.checkpoint().weightsSha256();
    }

    /** Queues a job; the future fails with a gRPC status (RESOURCE_EXHAUSTED when the queue is full). */
    CompletableFuture<List<Generation>> submit(GenerationJob job) {
        CompletableFuture<BatchedGeneration.Outcome> queued = batcher.submit(job);
        CompletableFuture<List<Generation>> result = queued.thenApply(BatchedGeneration.Outcome::get);
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) { // the caller gave up: drop it from the queue, or stop it mid-call
                job.abandon();
                queued.cancel(false);
                observer.abandoned(1);
            }
        });
        return result;
    }

    /** Stops the batch worker, then frees the weights (see {@link VersionUnload}). */
    @Override
    public void close() {
        unload.run();
    }
}
