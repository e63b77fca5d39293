package rlhf.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.jboss.logging.Logger;

import io.grpc.Status;

/**
 * The model versions a service holds in memory, swapped without failing a call: every call works on a
 * {@link Lease} of one version; publishing a new version makes it current for new calls, while calls in flight
 * finish on the version they leased, which is closed only when its last lease ends. Older versions requested
 * explicitly are loaded on demand and kept in a small LRU cache.
 *
 * @param <M> a loaded model (closed when evicted or replaced)
 */
public final class VersionedModels<M extends AutoCloseable> {

    private static final Logger LOG = Logger.getLogger(VersionedModels.class);

    /** A version in use by one call; close it when the call is done. */
    public final class Lease implements AutoCloseable {
        private final Entry<M> entry;
        private boolean closed;

        private Lease(Entry<M> entry) {
            this.entry = entry;
        }

        public long version() {
            return entry.version;
        }

        public M model() {
            return entry.model;
        }

        @Override
        public void close() {
            synchronized (VersionedModels.this) {
                if (!closed) {
                    closed = true;
                    release(entry);
                }
            }
        }
    }

    private static final class Entry<M> {
        final long version;
        final M model;
        int leases;
        boolean retired;

        Entry(long version, M model) {
            this.version = version;
            this.model = model;
        }
    }

    private final String what;
    private final int capacity;
    private final LongFunction<M> loader;
    private final Map<Long, Entry<M>> loaded = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first
    private Entry<M> current;

    /**
     * @param what     what the models are, for messages ("reward model")
     * @param capacity versions kept loaded at once (≥ 1; the current one always stays)
     * @param loader   loads a stored version; throws {@link java.util.NoSuchElementException} when it does not exist
     */
    public VersionedModels(String what, int capacity, LongFunction<M> loader) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.what = what;
        this.capacity = capacity;
        this.loader = loader;
    }

    /** The version new unversioned calls get, if any is loaded. */
    public synchronized Optional<Long> currentVersion() {
        return Optional.ofNullable(current).map(e -> e.version);
    }

    /**
     * Leases {@code version}, or the current version when {@code version} is 0. UNAVAILABLE when nothing is loaded
     * yet, NOT_FOUND when the version does not exist.
     */
    public Lease acquire(long version) {
        synchronized (this) {
            if (version == 0) {
                if (current == null) {
                    throw Status.UNAVAILABLE.withDescription("no " + what + " loaded yet").asRuntimeException();
                }
                return lease(current);
            }
            Entry<M> e = loaded.get(version);
            if (e != null) {
                return lease(e);
            }
        }
        M model = load(version); // outside the lock: other calls go on while a version loads
        synchronized (this) {
            Entry<M> e = loaded.get(version);
            if (e != null) { // loaded concurrently by another call
                closeQuietly(model);
                return lease(e);
            }
            e = new Entry<>(version, model);
            loaded.put(version, e);
            Lease lease = lease(e);
            evictBeyondCapacity();
            return lease;
        }
    }

    /** Makes {@code model} the current version; the previous one retires when its last call ends. */
    public void publish(long version, M model) {
        synchronized (this) {
            Entry<M> existing = loaded.get(version);
            if (existing != null && existing == current) {
                closeQuietly(model);
                return;
            }
            Entry<M> e = existing != null ? existing : new Entry<>(version, model);
            if (existing != null) {
                closeQuietly(model);
            }
            loaded.put(version, e);
            e.retired = false;
            current = e;
            evictBeyondCapacity();
        }
        LOG.infof("%s v%d is now current", what, version);
    }

    /**
     * Adopts a version announced on {@code rlhf.model-versions}: loads it from this replica's own store (never from the
     * announcement's URI: another service may mount the volume elsewhere), checks the announced sha256 against the
     * loaded weights, and makes it current. A version that is not stored, fails to load or does not match is closed and
     * never served; the answer says why in words.
     *
     * @param name          the version in messages, e.g. {@code reward/v3}
     * @param sha256        the announced weights' sha256; empty when none was announced
     * @param weightsSha256 the sha256 of a loaded model's weights
     * @param store         where this replica reads versions, with its config key, for messages
     * @return empty when adopted, else the problem
     */
    public Optional<String> adopt(long version, String name, String sha256, Function<M, String> weightsSha256,
            String store) {
        M model;
        try {
            model = loader.apply(version);
        } catch (NoSuchElementException e) {
            return Optional.of(name + " is not in this service's store " + store + "; not loaded");
        } catch (RuntimeException e) {
            return Optional.of(name + " failed to load from " + store + ": " + e.getMessage());
        }
        String stored = weightsSha256.apply(model);
        if (!sha256.isEmpty() && !sha256.equalsIgnoreCase(stored)) {
            closeQuietly(model);
            return Optional.of(name + " was announced with weights sha256 " + sha256 + " but " + store + " holds "
                    + stored + "; not loaded");
        }
        publish(version, model);
        return Optional.empty();
    }

    private M load(long version) {
        try {
            return loader.apply(version);
        } catch (NoSuchElementException e) {
            throw Status.NOT_FOUND.withDescription(what + " version " + version + " does not exist").asRuntimeException();
        }
    }

    private Lease lease(Entry<M> e) {
        e.leases++;
        return new Lease(e);
    }

    private void release(Entry<M> e) {
        e.leases--;
        if (e.retired && e.leases == 0) {
            closeQuietly(e.model);
        }
    }

    private void evictBeyondCapacity() {
        var it = loaded.values().iterator();
        while (loaded.size() > capacity && it.hasNext()) {
            Entry<M> e = it.next();
            if (e == current) {
                continue;
            }
            it.remove();
            e.retired = true;
            if (e.leases == 0) {
                closeQuietly(e.model);
            }
        }
    }

    /** Versions loaded right now (for metrics and tests). */
    public synchronized int loadedCount() {
        return loaded.size();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warnf("closing a retired model failed: %s", e.getMessage());
        }
    }
}
