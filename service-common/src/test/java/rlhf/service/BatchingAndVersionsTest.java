package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

class BatchingAndVersionsTest {

    @Test
    void concurrentItemsShareBatchesAndEachGetsItsOwnResult() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (BatchingExecutor<Integer, Integer> ex = new BatchingExecutor<>("test", 8, Duration.ofMillis(50), 100,
                items -> {
                    await(release);
                    return items.stream().map(i -> i * i).toList();
                }, (size, nanos) -> sizes.add(size))) {
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(ex.submit(i));
            }
            release.countDown();
            for (int i = 0; i < 20; i++) {
                assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i * i);
            }
        }
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        assertThat(sizes).allSatisfy(s -> assertThat(s).isBetween(1, 8));
        assertThat(sizes.size()).isLessThanOrEqualTo(6); // 20 items in batches of up to 8, not 20 calls
    }

    @Test
    void fullQueueFailsFastWithResourceExhausted() {
        CountDownLatch release = new CountDownLatch(1);
        try (BatchingExecutor<Integer, Integer> ex = new BatchingExecutor<>("test", 1, Duration.ZERO, 2,
                items -> {
                    await(release);
                    return items;
                }, (s, n) -> { })) {
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(ex.submit(i));
            }
            assertThat(futures).anySatisfy(f -> assertThat(f).isCompletedExceptionally());
            StatusRuntimeException e = (StatusRuntimeException) futures.stream().filter(CompletableFuture::isCompletedExceptionally)
                    .findFirst().orElseThrow().handle((v, t) -> t).join();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            release.countDown();
        }
    }

    @Test
    void swappedOutVersionClosesOnlyAfterItsLastCall() {
        List<String> closed = new CopyOnWriteArrayList<>();
        VersionedModels<Closeable> models = new VersionedModels<>("test model", 1, v -> new Closeable("v" + v, closed));
        assertThatThrownBy(() -> models.acquire(0)).isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("UNAVAILABLE");
        models.publish(1, new Closeable("v1", closed));
        VersionedModels<Closeable>.Lease inFlight = models.acquire(0);
        models.publish(2, new Closeable("v2", closed));
        assertThat(closed).isEmpty(); // v1 still serves the call in flight
        try (var next = models.acquire(0)) {
            assertThat(next.version()).isEqualTo(2);
        }
        assertThat(inFlight.model().name).isEqualTo("v1");
        inFlight.close();
        assertThat(closed).containsExactly("v1");
    }

    @Test
    void explicitVersionsLoadOnDemandAndUnknownOnesAreNotFound() {
        List<String> closed = new CopyOnWriteArrayList<>();
        VersionedModels<Closeable> models = new VersionedModels<>("test model", 2, v -> {
            if (v > 5) {
                throw new java.util.NoSuchElementException();
            }
            return new Closeable("v" + v, closed);
        });
        models.publish(5, new Closeable("v5", closed));
        try (var old = models.acquire(3)) {
            assertThat(old.model().name).isEqualTo("v3");
        }
        try (var older = models.acquire(2)) { // capacity 2: v3 evicted, v5 (current) stays
            assertThat(older.version()).isEqualTo(2);
        }
        assertThat(closed).containsExactly("v3");
        assertThatThrownBy(() -> models.acquire(9)).hasMessageContaining("NOT_FOUND").hasMessageContaining("version 9");
    }

    private static final class Closeable implements AutoCloseable {
        final String name;
        final List<String> closed;
        final AtomicBoolean done = new AtomicBoolean();

        Closeable(String name, List<String> closed) {
            this.name = name;
            this.closed = closed;
        }

        @Override
        public void close() {
            if (done.compareAndSet(false, true)) {
                closed.add(name);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
