package rlhf.reward.service;

import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.common.v1.ModelKind;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.v1.ModelVersion;
import rlhf.reward.config.RewardServiceConfig;
import rlhf.reward.metrics.RewardMetrics;
import rlhf.service.KafkaConnectionConfig;
import rlhf.service.ModelVersionWatcher;
import rlhf.service.VersionedModels;
import rlhf.wire.ModelStoreLayout;

/**
 * The reward model versions this replica serves: at boot the newest stored version; afterwards every newer version
 * announced on {@code rlhf.model-versions}, loaded and verified before it becomes current (calls in flight finish on
 * the version they started with); older versions on demand when a call names one.
 *
 * <p>Versions are read from this service's own mount of the store by version number, not from the announcement's
 * {@code store_uri} (the trainer may mount the same volume at another path); the announcement's sha256 must match
 * the loaded manifest's, so a store that does not hold the announced weights is never served.
 */
@ApplicationScoped
public class RewardModels {

    private static final Logger LOG = Logger.getLogger(RewardModels.class);
    static final String KIND = ModelStoreLayout.REWARD;

    private final RewardServiceConfig config;
    private final RewardMetrics metrics;
    private final KafkaConnectionConfig kafka;
    private final CheckpointStore store;
    private final VersionedModels<RewardModel> versions;
    private final Set<RewardModel> open = ConcurrentHashMap.newKeySet();
    private volatile String lastProblem; // null when the last load or announcement succeeded
    private ModelVersionWatcher watcher;

    public RewardModels(RewardServiceConfig config, RewardMetrics metrics, KafkaConnectionConfig kafka) {
        this.config = config;
        this.metrics = metrics;
        this.kafka = kafka;
        this.store = new CheckpointStore(Path.of(config.modelStore()));
        this.versions = new VersionedModels<>("reward model", config.loadedVersions(), this::load);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.maxQueuedItems() < config.maxItemsPerRequest()) {
            throw new IllegalStateException("rlhf.reward.max-queued-items (" + config.maxQueuedItems()
                    + ") must be >= rlhf.reward.max-items-per-request (" + config.maxItemsPerRequest() + ")");
        }
        loadNewestStored();
        // The watcher waits for the cluster itself: a replica may boot before Kafka and still hot-swap.
        watcher = new ModelVersionWatcher(kafka.bootstrapServers(), "reward-service-model-versions",
                Set.of(ModelKind.MODEL_KIND_REWARD)).onVersion(this::onAnnounced).start();
    }

    /** Leases {@code version} (0: the current one) for one call; see {@link VersionedModels#acquire}. */
    public VersionedModels<RewardModel>.Lease acquire(long version) {
        VersionedModels<RewardModel>.Lease lease = versions.acquire(version);
        if (version != 0) {
            reportVersions(); // an explicit version may just have been loaded, evicting another
        }
        return lease;
    }

    /**
     * What this replica serves, for readiness.
     *
     * @param currentVersion the version unversioned calls get; empty: nothing can be scored
     * @param loadedVersions versions in memory
     * @param store          the store root versions are read from
     * @param lastProblem    the last failure to load or follow a version, if the newest attempt failed
     */
    public record ServingState(Optional<Long> currentVersion, int loadedVersions, Path store, Optional<String> lastProblem) {
    }

    public ServingState state() {
        return new ServingState(versions.currentVersion(), versions.loadedCount(), store.root(),
                Optional.ofNullable(lastProblem));
    }

    private void loadNewestStored() {
        Optional<Integer> newest = store.versions(KIND).stream().max(Integer::compare);
        if (newest.isEmpty()) {
            LOG.warnf("no reward model in %s yet; waiting for one on rlhf.model-versions", store.root().resolve(KIND));
            return;
        }
        try {
            versions.publish(newest.get(), load(newest.get()));
            reportVersions();
        } catch (RuntimeException e) {
            problem("loading reward v" + newest.get() + " from " + store.root() + " failed: " + e.getMessage());
        }
    }

    /** Follows announcements; a newer, verified version becomes current. */
    void onAnnounced(ModelVersion announced) {
        long version = announced.getVersion();
        Optional<Long> current = versions.currentVersion();
        if (version < 1 || current.isPresent() && version <= current.get()) {
            LOG.debugf("reward v%d announced; serving v%s already, not going back", version, current.orElse(0L));
            return;
        }
        Optional<String> problem = versions.adopt(version, "announced reward v" + version, announced.getSha256(),
                RewardModel::weightsSha256, store.root() + " (rlhf.reward.model-store)");
        if (problem.isPresent()) {
            problem(problem.get());
            return;
        }
        lastProblem = null;
        reportVersions();
    }

    private RewardModel load(long version) {
        if (version < 1 || version > Integer.MAX_VALUE) {
            throw new NoSuchElementException("no reward/v" + version);
        }
        LoadedCheckpoint checkpoint = store.load(KIND, (int) version);
        RewardModel model = new RewardModel(version, checkpoint,
                new RewardModel.Batching(config.maxBatchSize(), config.maxBatchWait(), config.maxQueuedItems()),
                metrics::batchDone, open::remove);
        open.add(model);
        LOG.infof("loaded reward v%d from %s (%s)", version, checkpoint.checkpoint().directory(), model.config());
        return model;
    }

    private void problem(String message) {
        lastProblem = message;
        LOG.warn(message);
    }

    private void reportVersions() {
        metrics.versions(versions.currentVersion().orElse(0L), versions.loadedCount());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
        open.forEach(RewardModel::close);
    }
}
