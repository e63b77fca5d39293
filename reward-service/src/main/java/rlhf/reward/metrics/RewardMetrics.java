package rlhf.reward.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.train.LiveArrays;

/**
 * Every meter of the reward service, in one place. Tags are bounded: the RPC name and the gRPC status code.
 *
 * <pre>
 *   rlhf.reward.scores              counter   items scored by a forward pass (rate → scores/s)
 *   rlhf.reward.batch.size          summary   items per forward pass (coalesced across calls)
 *   rlhf.reward.forward             timer     duration of one batched forward pass
 *   rlhf.reward.latency             timer     one RPC, arrival to answer {rpc, code}
 *   rlhf.reward.abandoned           counter   items withdrawn because the caller gave up (deadline, cancel)
 *   rlhf.reward.version             gauge     version unversioned calls are scored with (0: none loaded)
 *   rlhf.reward.versions.loaded     gauge     versions held in memory
 *   rlhf.ndarrays.live              gauge     NDArrays open in this process's engine, counted when scraped
 * </pre>
 */
@ApplicationScoped
public class RewardMetrics {

    /** Histogram bounds of rlhf.reward.latency: few enough per {rpc, code} series, fine where batching waits. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Counter scores;
    private final DistributionSummary batchSize;
    private final Timer forward;
    private final Counter abandoned;
    private final AtomicLong currentVersion = new AtomicLong();
    private final AtomicInteger loadedVersions = new AtomicInteger();

    public RewardMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.scores = Counter.builder("rlhf.reward.scores")
                .description("Prompt-answer pairs scored by a forward pass").register(registry);
        this.batchSize = DistributionSummary.builder("rlhf.reward.batch.size")
                .description("Pairs per batched forward pass, coalesced across concurrent calls")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                .register(registry);
        this.forward = Timer.builder("rlhf.reward.forward")
                .description("Duration of one batched reward-model forward pass").register(registry);
        this.abandoned = Counter.builder("rlhf.reward.abandoned")
                .description("Pairs withdrawn before scoring because the caller gave up (deadline passed, cancelled)")
                .register(registry);
        Gauge.builder("rlhf.reward.version", currentVersion, AtomicLong::doubleValue)
                .description("Reward model version that calls without an explicit version are scored with; 0: none")
                .register(registry);
        Gauge.builder("rlhf.reward.versions.loaded", loadedVersions, AtomicInteger::doubleValue)
                .description("Reward model versions held in memory").register(registry);
        Gauge.builder("rlhf.ndarrays.live", LiveArrays::inEngine)
                .description("NDArrays open in this process's DJL engine (loaded versions and batches in flight); "
                    + "growth between equally idle moments is a leak")
                .strongReference(true).register(registry);
    }


    /** One forward pass over {@code size} pairs took {@code nanos}. */
    public void batchDone(int size, long nanos) {
        scores.increment(size);
        batchSize.record(size);
        forward.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One RPC finished with {@code code} after {@code elapsed}. */
    public void callDone(String rpc, String code, Duration elapsed) {
        Timer.builder("rlhf.reward.latency")
                .description("Reward RPC latency, arrival to answer")
                .tag("rpc", rpc).tag("code", code)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record(elapsed);
    }

    /** {@code count} queued pairs were withdrawn because their caller gave up. */
    public void abandoned(int count) {
        abandoned.increment(count);
    }

    /** The version that unversioned calls now get, and how many versions are in memory. */
    public void versions(long current, int loaded) {
        currentVersion.set(current);
        loadedVersions.set(loaded);
    }
}
