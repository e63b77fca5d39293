package rlhf.trainer.jobs;

import java.nio.file.Path;
import java.util.Map;

import rlhf.model.store.CheckpointStore;

/**
 * Builds a job of a kind from string parameters (command line, REST, gRPC alike): validates every value, rejects
 * unknown keys, fills in defaults. Data files default to their conventional names in {@code dataDirectory}.
 */
public final class JobFactory {

    private final CheckpointStore store;
    private final Path dataDirectory;
    private final PpoConnections ppo;

    /** A factory whose PPO jobs fail their precondition check: they need Kafka. */
    public JobFactory(CheckpointStore store, Path dataDirectory) {
        this(store, dataDirectory, null);
    }

    /** @param ppo the rollout exchange and announcer of PPO jobs; null when no Kafka cluster is configured */
    public JobFactory(CheckpointStore store, Path dataDirectory, PpoConnections ppo) {
        this.store = store;
        this.dataDirectory = dataDirectory;
        this.ppo = ppo;
    }

    /** @throws InvalidParameterException naming the first bad or unknown parameter */
    public TrainingJob create(JobKind kind, Map<String, String> given) {
        JobParameters p = new JobParameters(given);
        TrainingJob job = switch (kind) {
            case PRETRAIN -> new PretrainJob(store, PretrainParameters.read(p, dataDirectory), p.resolved());
            case SFT -> new SftJob(store, SftParameters.read(p, dataDirectory), p.resolved());
            case REWARD_MODEL -> new RewardModelJob(store, RewardModelParameters.read(p, dataDirectory), p.resolved());
            case PPO -> new PpoJob(store, PpoParameters.read(p, dataDirectory), p.resolved(), ppo);
        };
        p.rejectUnknown();
        return job;
    }

    public CheckpointStore store() {
        return store;
    }
}
