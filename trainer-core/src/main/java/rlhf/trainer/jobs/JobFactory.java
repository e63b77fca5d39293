package rlhf.trainer.jobs;

import java.nio.file.Path;
import java.util.Map;

import rlhf.model.store.CheckpointStore;
import rlhf.trainer.jobs.online.ComparisonSnapshots;
import rlhf.trainer.jobs.online.OnlineConnections;
import rlhf.trainer.jobs.online.OnlineIterationJob;
import rlhf.trainer.jobs.online.OnlineParameters;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.trainer.jobs.ppo.PpoJob;
import rlhf.trainer.jobs.ppo.PpoParameters;
import rlhf.trainer.jobs.pretrain.PretrainJob;
import rlhf.trainer.jobs.pretrain.PretrainParameters;
import rlhf.trainer.jobs.reward.RewardModelJob;
import rlhf.trainer.jobs.reward.RewardModelParameters;
import rlhf.trainer.jobs.sft.SftJob;
import rlhf.trainer.jobs.sft.SftParameters;

/**
 * Builds a job of a kind from string parameters (command line, REST, gRPC alike): validates every value, rejects
 * unknown keys, fills in defaults. Data files default to their conventional names in {@code dataDirectory}.
 */
public final class JobFactory {

    private final CheckpointStore store;
    private final Path dataDirectory;
    private final PpoConnections ppo;
    private final OnlineConnections online;

    /** A factory whose PPO jobs fail their precondition check: they need Kafka. */
    public JobFactory(CheckpointStore store, Path dataDirectory) {
        this(store, dataDirectory, null);
    }

    /** @param ppo the rollout exchange and announcer of PPO jobs; null when no Kafka cluster is configured */
    public JobFactory(CheckpointStore store, Path dataDirectory, PpoConnections ppo) {
        this(store, dataDirectory, ppo, null);
    }

    /**
     * @param ppo       the rollout exchange and announcer of PPO jobs; null when no Kafka cluster is configured
     * @param snapshots the human comparisons of the online iteration; null when no Kafka cluster is configured
     */
    public JobFactory(CheckpointStore store, Path dataDirectory, PpoConnections ppo, ComparisonSnapshots snapshots) {
        this.store = store;
        this.dataDirectory = dataDirectory;
        this.ppo = ppo;
        this.online = ppo == null || snapshots == null ? null : new OnlineConnections(snapshots, ppo);
    }

    /** @throws InvalidParameterException naming the first bad or unknown parameter */
    public TrainingJob create(JobKind kind, Map<String, String> given) {
        JobParameters p = new JobParameters(given);
        TrainingJob job = switch (kind) {
            case PRETRAIN -> new PretrainJob(store, PretrainParameters.read(p, dataDirectory), p.resolved());
            case SFT -> new SftJob(store, SftParameters.read(p, dataDirectory), p.resolved());
            case REWARD_MODEL -> new RewardModelJob(store, RewardModelParameters.read(p, dataDirectory), p.resolved());
            case PPO -> new PpoJob(store, PpoParameters.read(p, dataDirectory), p.resolved(), ppo);
            case ONLINE_ITERATION -> new OnlineIterationJob(store, OnlineParameters.read(p, dataDirectory),
                    p.resolved(), online, this).validated();
        };
        p.rejectUnknown();
        return job;
    }

    /**
     * Every parameter a job of {@code kind} reads, with its default (data files resolved in {@code dataDirectory}), in
     * reading order: what a command line or a form offers.
     */
    public static Map<String, String> defaults(JobKind kind, Path dataDirectory) {
        JobParameters p = new JobParameters(Map.of());
        switch (kind) {
            case PRETRAIN -> PretrainParameters.read(p, dataDirectory);
            case SFT -> SftParameters.read(p, dataDirectory);
            case REWARD_MODEL -> RewardModelParameters.read(p, dataDirectory);
            case PPO -> PpoParameters.read(p, dataDirectory);
            case ONLINE_ITERATION -> OnlineParameters.read(p, dataDirectory);
        }
        return p.resolved();
    }

    /** Where data files are looked up by conventional name. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    public CheckpointStore store() {
        return store;
    }
}
