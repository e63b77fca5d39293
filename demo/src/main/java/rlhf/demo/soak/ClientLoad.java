package rlhf.demo.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Closed-loop clients, {@code clients} per request kind: each sends its next call as soon as the last one answered.
 * {@link #pause()} lets the calls in flight finish and holds every client before its next one (a fair read-write
 * lock: a call holds the read lock, a pause takes the write lock), so memory is sampled with no request in the
 * services.
 */
final class ClientLoad implements AutoCloseable {

    static final List<LoadKind> KINDS = List.of(LoadKind.CHAT, LoadKind.COMPARISON, LoadKind.GENERATE,
            LoadKind.SCORE);

    private final Requests requests;
    private final Map<LoadKind, PhasedStats> stats = new EnumMap<>(LoadKind.class);
    private final Map<LoadKind, AtomicLong> sequence = new EnumMap<>(LoadKind.class);
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    ClientLoad(Requests requests, int clients) {
        this.requests = requests;
        for (LoadKind kind : KINDS) {
            stats.put(kind, new PhasedStats());
            sequence.put(kind, new AtomicLong());
            for (int c = 0; c < clients; c++) {
                threads.add(new Thread(() -> loop(kind), "soak-" + kind.name().toLowerCase() + "-" + c));
            }
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void loop(LoadKind kind) {
        while (running) {
            gate.readLock().lock();
            try {
                if (!running) {
                    return;
                }
                long start = System.nanoTime();
                Requests.Outcome outcome = requests.call(kind, sequence.get(kind).getAndIncrement());
                CallStats current = stats.get(kind).current();
                if (outcome.ok()) {
                    current.success(System.nanoTime() - start);
                } else {
                    current.error(outcome.status());
                }
            } finally {
                gate.readLock().unlock();
            }
        }
    }

    /** Waits for the calls in flight; no client starts another until {@link #resume()}. */
    void pause() {
        gate.writeLock().lock();
    }

    /** Lets the clients go on (by the thread that paused them). */
    void resume() {
        gate.writeLock().unlock();
    }

    /** From now on calls count for the measured window (call while paused). */
    void startMeasuring() {
        stats.values().forEach(PhasedStats::startMeasuring);
    }

    PhasedStats stats(LoadKind kind) {
        return stats.get(kind);
    }

    /** Stops every client after its current call and waits for them. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        boolean held = gate.isWriteLockedByCurrentThread();
        if (held) {
            resume(); // paused clients wake up, see running == false and end
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
    }
}
