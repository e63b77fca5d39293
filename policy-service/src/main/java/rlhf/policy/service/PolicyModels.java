package rlhf.policy.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.grpc.Status;
import rlhf.model.GptConfig;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.store.Manifest;
import rlhf.service.BatchingExecutor;
import rlhf.service.VersionedModels;

/**
 * The model versions this replica samples from. Unversioned calls get the <em>served</em> version: the newest
 * policy, or the newest SFT model while no policy exists; newer versions announced later replace it without failing
 * a call (calls in flight finish on the version they leased). Any other stored base/SFT/policy version is loaded on
 * demand when a call names it and kept in an LRU of {@code loadedVersions} entries per kind (the served version of a
 * kind always stays).
 *
 * <p>Versions are read from this service's own mount of the store by number, never from an announcement's
 * {@code store_uri}; an announced sha256 must match the stored manifest's.
 */
public final class PolicyModels implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyModels.class);

    /** What builds a loaded version into a servable model. */
    public interface Factory {
        PolicyModel create(ModelId id, LoadedCheckpoint checkpoint, java.util.function.Consumer<PolicyModel> onClose);
    }

    private final CheckpointStore store;
    private final Factory factory;
    private final Map<PolicyKind, VersionedModels<PolicyModel>> versions = new EnumMap<>(PolicyKind.class);
    private final Set<PolicyModel> open = ConcurrentHashMap.newKeySet();
    private volatile ModelId served;
    private volatile String lastProblem;

    public PolicyModels(CheckpointStore store, int loadedVersions, Factory factory) {
        this.store = store;
        this.factory = factory;
        for (PolicyKind kind : PolicyKind.values()) {
            versions.put(kind, new VersionedModels<>(kind.storeDirectory(), loadedVersions,
                    version -> load(new ModelId(kind, version))));
        }
    }

    /** Builds the factory of the service's models from its batching limits and meters. */
    public static Factory factory(PolicyModel.Batching batching, GenerationObserver observer,
            BatchingExecutor.BatchListener batchListener) {
        return (id, checkpoint, onClose) -> new PolicyModel(id, checkpoint, batching, observer, batchListener, onClose);
    }

    public CheckpointStore store() {
        return store;
    }

    /** A version in use by one call; close it when the call is done. */
    public record Lease(VersionedModels<PolicyModel>.Lease lease) implements AutoCloseable {
        public PolicyModel model() {
            return lease.model();
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /**
     * Leases the served version ({@code requested} empty), the newest stored version of a kind (version 0) or an
     * exact version. UNAVAILABLE when nothing is served yet, NOT_FOUND for a version the store does not hold.
     */
    public Lease acquire(Optional<ModelId> requested) {
        if (requested.isEmpty()) {
            if (served == null) {
                throw Status.UNAVAILABLE.withDescription(notReadyReason().orElse("no policy or SFT model loaded yet"))
                        .asRuntimeException();
            }
            return new Lease(versions.get(served.kind()).acquire(0));
        }
        ModelId id = requested.get();
        List<Integer> stored = store.versions(id.kind().storeDirectory());
        if (id.version() == 0) {
            if (stored.isEmpty()) {
                throw Status.NOT_FOUND.withDescription("model: no " + id.kind().storeDirectory()
                        + " version is stored").asRuntimeException();
            }
            id = new ModelId(id.kind(), stored.get(stored.size() - 1));
        } else if (!stored.contains((int) Math.min(id.version(), Integer.MAX_VALUE))) {
            throw Status.NOT_FOUND.withDescription("model: " + id + " does not exist in the model store")
                    .asRuntimeException();
        }
        return new Lease(versions.get(id.kind()).acquire(id.version()));
    }

    /** The version unversioned calls get, if any. */
    public Optional<ModelId> served() {
        return Optional.ofNullable(served);
    }

    /** Versions held in memory, all kinds together. */
    public int loadedCount() {
        return versions.values().stream().mapToInt(VersionedModels::loadedCount).sum();
    }

    /** Why no unversioned call can be served yet; empty once a version is served. */
    public Optional<String> notReadyReason() {
        if (served != null) {
            return Optional.empty();
        }
        String problem = lastProblem;
        return Optional.of(problem != null ? problem
                : "no policy or SFT model in " + store.root() + " (rlhf.policy.model-store) and none announced on "
                        + "rlhf.model-versions yet");
    }

    /** The last load or announcement problem, if any. */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /** Serves the newest stored policy, else the newest stored SFT model; keeps what it has when the store is empty. */
    public void serveNewestStored() {
        for (PolicyKind kind : List.of(PolicyKind.POLICY, PolicyKind.SFT)) {
            List<Integer> stored = store.versions(kind.storeDirectory());
            if (!stored.isEmpty()) {
                serve(new ModelId(kind, stored.get(stored.size() - 1)), "");
                return;
            }
        }
        LOG.warnf("no policy or SFT model in %s yet; waiting for one on rlhf.model-versions", store.root());
    }

    /**
     * An announced version: served when it is a newer policy, or a newer SFT model while no policy is served.
     * {@code sha256} (may be empty) must match the stored weights.
     */
    public void announced(ModelId id, String sha256) {
        ModelId current = served;
        if (current != null && !isUpgrade(current, id)) {
            LOG.debugf("%s announced; serving %s, not switching", id, current);
            return;
        }
        serve(id, sha256);
    }

    private static boolean isUpgrade(ModelId current, ModelId candidate) {
        if (candidate.kind() == PolicyKind.POLICY) {
            return current.kind() != PolicyKind.POLICY || candidate.version() > current.version();
        }
        return candidate.kind() == PolicyKind.SFT && current.kind() == PolicyKind.SFT
                && candidate.version() > current.version();
    }

    private synchronized void serve(ModelId id, String sha256) {
        if (served != null && !isUpgrade(served, id)) {
            return;
        }
        Optional<String> problem = versions.get(id.kind()).adopt(id.version(), id.toString(), sha256,
                PolicyModel::weightsSha256, store.root() + " (rlhf.policy.model-store)");
        if (problem.isPresent()) {
            problem(problem.get());
            return;
        }
        served = id;
        lastProblem = null;
    }

    /** Every stored version of {@code kinds}, oldest first (by creation time, then kind and version). */
    public List<StoredVersion> list(List<PolicyKind> kinds) {
        List<StoredVersion> out = new ArrayList<>();
        for (PolicyKind kind : kinds) {
            for (int v : store.versions(kind.storeDirectory())) {
                try {
                    out.add(describe(new ModelId(kind, v), store.checkpoint(kind.storeDirectory(), v)));
                } catch (RuntimeException e) {
                    LOG.warnf("skipping %s/v%d in the listing: %s", kind.storeDirectory(), v, e.getMessage());
                }
            }
        }
        out.sort(Comparator.comparing(StoredVersion::createdAt).thenComparing(s -> s.id().kind())
                .thenComparingLong(s -> s.id().version()));
        return out;
    }

    private static StoredVersion describe(ModelId id, Checkpoint checkpoint) {
        Manifest m = checkpoint.manifest();
        return new StoredVersion(id, checkpoint.directory(), checkpoint.weightsSha256(),
                m.lineage().parents(), m.lineage().datasets(), m.lineage().metrics(),
                m.createdAt() == null ? "" : m.createdAt(), parameterCount(checkpoint.directory()));
    }

    private static long parameterCount(Path directory) {
        try {
            return GptConfig.fromJson(Files.readString(directory.resolve(CheckpointStore.CONFIG))).parameterCount();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private PolicyModel load(ModelId id) {
        if (id.version() < 1 || id.version() > Integer.MAX_VALUE) {
            throw new NoSuchElementException("no " + id);
        }
        LoadedCheckpoint checkpoint = store.load(id.kind().storeDirectory(), (int) id.version());
        PolicyModel model = factory.create(id, checkpoint, open::remove);
        open.add(model);
        LOG.infof("loaded %s from %s (%s)", id, checkpoint.checkpoint().directory(), checkpoint.model().config());
        return model;
    }

    private void problem(String message) {
        lastProblem = message;
        LOG.warn(message);
    }

    /** Frees every loaded version. */
    @Override
    public void close() {
        open.forEach(PolicyModel::close);
    }
}
