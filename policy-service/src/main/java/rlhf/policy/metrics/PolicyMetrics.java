package rlhf.policy.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.train.LiveArrays;
import rlhf.policy.service.GenerationObserver;
import rlhf.policy.service.RolloutSampler;

/**
 * Every meter of the policy service, in one place. Tags are bounded: RPC name, gRPC status code, dead-letter class.
 *
 * <pre>
 *   rlhf.policy.generated.tokens     counter   tokens sampled by the engine (rate → tokens/s)
 *   rlhf.policy.generation           timer     one batched engine call (prefill + decode of all its sequences)
 *   rlhf.policy.batch.size           summary   sequences (requests × n) per engine call
 *   rlhf.policy.batch.requests       summary   requests coalesced per batch of the batch worker
 *   rlhf.policy.abandoned            counter   requests dropped or stopped because the caller gave up
 *   rlhf.policy.latency              timer     one RPC, arrival to answer {rpc, code}
 *   rlhf.policy.version              gauge     version unversioned calls are served from (0: none)
 *   rlhf.policy.versions.loaded      gauge     versions held in memory
 *   rlhf.rollout.generation          timer     sampling one rollout request's n answers
 *   rlhf.rollout.scoring             timer     waiting for the reward service for one rollout request
 *   rlhf.rollouts                    counter   rollouts published (acknowledged by Kafka)
 *   rlhf.rollout.dead.letters        counter   prompt records sent to rlhf.dead-letter {error_class}
 *   rlhf.ndarrays.live               gauge     NDArrays open in this process's engine, counted when scraped
 * </pre>
 */
@ApplicationScoped
public class PolicyMetrics implements GenerationObserver, RolloutSampler.Observer {

    private final MeterRegistry registry;
    private final Counter generatedTokens;
    private final Timer generation;
    private final DistributionSummary batchSize;
    private final DistributionSummary batchRequests;
    private final Counter abandoned;
    private final Timer rolloutGeneration;
    private final Timer rolloutScoring;
    private final Counter rollouts;

    public PolicyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.generatedTokens = Counter.builder("rlhf.policy.generated.tokens")
                .description("Tokens sampled by the generation engine").register(registry);
        this.generation = Timer.builder("rlhf.policy.generation")
                .description("Duration of one batched engine call (prefill and decode of all its sequences)")
                .register(registry);
        this.batchSize = DistributionSummary.builder("rlhf.policy.batch.size")
                .description("Sequences (requests x samples) decoded together in one engine call")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        this.batchRequests = DistributionSummary.builder("rlhf.policy.batch.requests")
                .description("Requests coalesced into one batch by the batch worker").register(registry);
        this.abandoned = Counter.builder("rlhf.policy.abandoned")
                .description("Requests dropped or stopped mid-generation because the caller gave up").register(registry);
        this.rolloutGeneration = Timer.builder("rlhf.rollout.generation")
                .description("Sampling the answers of one rollout request").register(registry);
        this.rolloutScoring = Timer.builder("rlhf.rollout.scoring")
                .description("Waiting for the reward service to score one rollout request").register(registry);
        this.rollouts = Counter.builder("rlhf.rollouts")
                .description("Rollouts published to rlhf.rollouts and acknowledged").register(registry);
        deadLetters("INVALID_PAYLOAD"); // present from boot, so a dashboard sees 0 rather than no series
        Gauge.builder("rlhf.ndarrays.live", LiveArrays::inEngine)
                .description("NDArrays open in this process's DJL engine (loaded versions and requests in flight); "
                    + "growth between equally idle moments is a leak")
                .strongReference(true).register(registry);
    }


    @Override
    public void engineCall(int sequences, int tokens, long nanos) {
        generatedTokens.increment(tokens);
        batchSize.record(sequences);
        generation.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void abandoned(int requests) {
        abandoned.increment(requests);
    }

    /** The batch worker ran a batch of {@code requests} requests. */
    public void batchDone(int requests, long nanos) {
        batchRequests.record(requests);
    }

    /** One RPC finished with {@code code} after {@code elapsed}. */
    public void callDone(String rpc, String code, Duration elapsed) {
        Timer.builder("rlhf.policy.latency").description("Policy RPC latency, arrival to answer")
                .tag("rpc", rpc).tag("code", code).register(registry).record(elapsed);
    }

    /** Follows the served version (0: none) and the number of versions in memory. */
    public void watchVersions(LongSupplier served, IntSupplier loaded) {
        Gauge.builder("rlhf.policy.version", served, s -> s.getAsLong())
                .description("Version that calls without an explicit model are served from (policy, or SFT while no "
                        + "policy exists); 0: none")
                .strongReference(true).register(registry);
        Gauge.builder("rlhf.policy.versions.loaded", loaded, l -> l.getAsInt())
                .description("Model versions held in memory").strongReference(true).register(registry);
    }

    @Override
    public void generated(long nanos) {
        rolloutGeneration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void scored(long nanos) {
        rolloutScoring.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code count} rollouts were acknowledged by Kafka. */
    public void rolloutsPublished(int count) {
        rollouts.increment(count);
    }

    /** {@code count} prompt records of {@code errorClass} went to the dead-letter topic. */
    public void deadLettered(String errorClass, int count) {
        deadLetters(errorClass).increment(count);
    }

    private Counter deadLetters(String errorClass) {
        return Counter.builder("rlhf.rollout.dead.letters")
                .description("Prompt records sent to rlhf.dead-letter, by error class")
                .tag("error_class", errorClass).register(registry);
    }
}
