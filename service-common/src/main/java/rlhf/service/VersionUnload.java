package rlhf.service;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * How a loaded model version served by its own batch worker is unloaded, once: stop the worker (it finishes a batch
 * still running, e.g. for a caller that gave up mid-pass), then free the weights. On a thread of its own, because the
 * last lease of {@link VersionedModels} may end on the batch worker itself (completing a future runs the caller's
 * continuation there), and the worker cannot wait for itself.
 */
public final class VersionUnload {

    private static final Logger LOG = Logger.getLogger(VersionUnload.class);

    private final String name;
    private final BatchingExecutor<?, ?> worker;
    private final AutoCloseable weights;
    private final Runnable onUnload;
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param name     the version, e.g. {@code reward-v3}, for the thread and the log
     * @param onUnload told first, on the caller's thread (e.g. to forget the version in a set of open ones)
     */
    public VersionUnload(String name, BatchingExecutor<?, ?> worker, AutoCloseable weights, Runnable onUnload) {
        this.name = name;
        this.worker = worker;
        this.weights = weights;
        this.onUnload = onUnload;
    }

    /** Starts the unload; later calls do nothing. */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        onUnload.run();
        Thread unload = new Thread(() -> {
            worker.close();
            try {
                weights.close();
            } catch (Exception e) {
                LOG.warnf("freeing %s failed: %s", name, e.getMessage());
            }
            LOG.debugf("%s unloaded", name);
        }, name + "-unload");
        unload.setDaemon(true);
        unload.start();
    }
}
