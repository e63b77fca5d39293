package rlhf.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.Status;

/**
 * Coalesces concurrent requests into batched calls: a single worker thread takes the first waiting item, waits
 * at most {@code maxWait} for more (up to {@code maxBatch}), runs the batch function once, and completes each
 * caller's future with its own result. One forward pass over B sequences costs far less than B passes on
 * these models, so under load callers share work; alone, a caller waits at most {@code maxWait} extra.
 *
 * <p>The queue is bounded: when full, {@link #submit} fails fast with RESOURCE_EXHAUSTED instead of letting
 * latency grow without limit. Items whose caller has already given up (cancelled future, e.g. a passed gRPC
 * deadline) are dropped before the batch runs.
 *
 * @param <I> one request item
 * @param <O> its result
 */
public final class BatchingExecutor<I, O> implements AutoCloseable {

    /** Observes each batch run, for metrics. */
    public interface BatchListener {
        void batchDone(int size, long nanos);
    }

    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    private final BlockingQueue<Pending<I, O>> queue;
    private final Function<List<I>, List<O>> batchFunction;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BatchListener listener;
    private final Thread worker;
    private volatile boolean running = true;

    public BatchingExecutor(String name, int maxBatch, java.time.Duration maxWait, int queueCapacity,
            Function<List<I>, List<O>> batchFunction, BatchListener listener) {
        if (maxBatch < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatch and queueCapacity must be >= 1");
        }
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchFunction = batchFunction;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.listener = listener;
        this.worker = new Thread(this::loop, name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues one item; the future completes with its result, or exceptionally with a gRPC status. */
    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
        } else if (!queue.offer(new Pending<>(item, result))) {
            result.completeExceptionally(Status.RESOURCE_EXHAUSTED
                    .withDescription("server busy: " + queue.size() + " requests queued; retry with backoff")
                    .asRuntimeException());
        }
        return result;
    }

    /** Items waiting right now. */
    public int queued() {
        return queue.size();
    }

    private void loop() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Pending<I, O> next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Pending<I, O>> batch) {
        batch.removeIf(p -> p.result().isDone()); // the caller gave up (deadline, cancel): do not spend compute on it
        if (batch.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            List<O> results = batchFunction.apply(batch.stream().map(Pending::item).toList());
            if (results.size() != batch.size()) {
                throw new IllegalStateException("batch function returned " + results.size() + " results for " + batch.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        } finally {
            listener.batchDone(batch.size(), System.nanoTime() - start);
        }
    }

    /** Stops taking items, finishes what is queued, and stops the worker. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
