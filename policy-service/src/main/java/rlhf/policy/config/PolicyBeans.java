package rlhf.policy.config;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import rlhf.model.store.CheckpointStore;
import rlhf.policy.metrics.PolicyMetrics;
import rlhf.policy.service.BestOfNSampler;
import rlhf.policy.service.ModelId;
import rlhf.policy.service.PolicyGenerator;
import rlhf.policy.service.PolicyModel;
import rlhf.policy.service.PolicyModels;
import rlhf.policy.service.RequestBounds;
import rlhf.policy.service.RewardScorer;
import rlhf.policy.service.RolloutSampler;
import rlhf.policy.service.SamplingLimits;

/** Builds the service's plain-Java parts from the validated config; the transports inject them. */
@Singleton
public class PolicyBeans {

    @Produces
    @Singleton
    PolicyModels models(PolicyServiceConfig config, PolicyMetrics metrics) {
        PolicyModel.Batching batching = new PolicyModel.Batching(config.maxBatchSize(), config.maxBatchWait(),
                config.maxQueuedRequests());
        PolicyModels models = new PolicyModels(new CheckpointStore(Path.of(config.modelStore())),
                config.loadedVersions(), PolicyModels.factory(batching, metrics, metrics::batchDone));
        metrics.watchVersions(() -> models.served().map(ModelId::version).orElse(0L), models::loadedCount);
        return models;
    }

    void close(@Disposes PolicyModels models) {
        models.close();
    }

    @Produces
    @Singleton
    PolicyGenerator generator(PolicyModels models, PolicyServiceConfig config) {
        return new PolicyGenerator(models, new SamplingLimits(config.maxSamplesPerRequest(), config.maxNewTokens(),
                config.defaultMaxNewTokens()), new RequestBounds(config.maxPromptChars(), config.maxChatMessages(),
                config.maxStopSequences(), config.maxStopChars()));
    }

    /** Threads that wait on the reward service; generation never blocks on scoring. */
    @Produces
    @Singleton
    @Named("scoring")
    ExecutorService scoringPool(PolicyServiceConfig config) {
        return Executors.newFixedThreadPool(config.rollout().scoringThreads(), daemonThreads("reward-scoring"));
    }

    void close(@Disposes @Named("scoring") ExecutorService pool) {
        pool.shutdownNow();
    }

    @Produces
    @Singleton
    BestOfNSampler bestOfN(PolicyGenerator generator, RewardScorer scorer, @Named("scoring") ExecutorService pool) {
        return new BestOfNSampler(generator, scorer, pool);
    }

    @Produces
    @Singleton
    RolloutSampler rollouts(PolicyGenerator generator, RewardScorer scorer, @Named("scoring") ExecutorService pool,
            PolicyMetrics metrics) {
        return new RolloutSampler(generator, scorer, pool, metrics);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
