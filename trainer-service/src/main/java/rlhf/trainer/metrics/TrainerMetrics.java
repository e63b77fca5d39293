package rlhf.trainer.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.train.LiveArrays;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.StepProgress;

/**
 * Every meter of the trainer, in one place. Tag {@code kind} is the job kind ({@code pretrain}, {@code sft},
 * {@code reward_model}): bounded, never a job id.
 * <ul>
 * <li>{@code rlhf.train.loss} (gauge): training loss of the latest step, nats per token for LM losses</li>
 * <li>{@code rlhf.train.tokens.per.second} (gauge): throughput of the running phase</li>
 * <li>{@code rlhf.train.steps} (counter): optimizer steps taken</li>
 * <li>{@code rlhf.rm.accuracy}, {@code rlhf.rm.ece} (gauges): the latest reward model's held-out pairwise accuracy
 * and expected calibration error (NaN before the first evaluation)</li>
 * <li>PPO, per iteration (gauges, NaN before the first): {@code rlhf.ppo.kl} (mean Σ k1 per response, KL to the SFT
 * reference), {@code rlhf.ppo.kl.coef} (β used), {@code rlhf.ppo.clip.fraction}, {@code rlhf.ppo.approx.kl},
 * {@code rlhf.ppo.value.loss}, {@code rlhf.ppo.entropy}, {@code rlhf.ppo.reward.mean}, {@code rlhf.ppo.logprob.drift}
 * (mean |generator − trainer| log-prob per token)</li>
 * <li>{@code rlhf.ppo.rollouts}, {@code rlhf.ppo.stale.rollouts} (counters: rollouts learned from, rollouts dropped
 * as older than the staleness bound; their rate is rollouts/s)</li>
 * <li>{@code rlhf.ppo.time{phase}} (timer, one record per iteration, wall-clock): {@code generation} and
 * {@code scoring} (the trainer's wait for the rollouts, split in the proportion the workers reported), {@code reference} (recomputed log-probs, SFT reference and values), {@code update}
 * (the PPO epochs)</li>
 * <li>{@code rlhf.online.scheduled{outcome}} (counter): triggers of the weekly online iteration, {@code started},
 * {@code skipped_busy} (another job was running) or {@code refused} (bad parameters or a missing input)</li>
 * <li>{@code rlhf.ndarrays.live} (gauge): NDArrays open in this process's DJL engine, counted when scraped; between
 * jobs it should come back to the same number (the soak checks it)</li>
 * </ul>
 */
@ApplicationScoped
public class TrainerMetrics {

    private final Map<JobKind, AtomicReference<Double>> loss = new EnumMap<>(JobKind.class);
    private final Map<JobKind, AtomicReference<Double>> tokensPerSecond = new EnumMap<>(JobKind.class);
    private final Map<JobKind, Counter> steps = new EnumMap<>(JobKind.class);
    private final AtomicReference<Double> rmAccuracy = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> rmEce = new AtomicReference<>(Double.NaN);
    private final Map<String, AtomicReference<Double>> ppoGauges = new java.util.HashMap<>();
    private final Map<String, Counter> ppoCounters = new java.util.HashMap<>();
    private final Map<String, Timer> ppoTimers = new java.util.HashMap<>();

    private final MeterRegistry registry;

    public TrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (JobKind kind : JobKind.values()) {
            loss.put(kind, gauge(registry, "rlhf.train.loss", "training loss of the latest step", kind));
            tokensPerSecond.put(kind, gauge(registry, "rlhf.train.tokens.per.second",
                    "training throughput of the running phase", kind));
            steps.put(kind, Counter.builder("rlhf.train.steps").description("optimizer steps taken")
                    .tag("kind", kind.tag()).register(registry));
        }
        Gauge.builder("rlhf.rm.accuracy", rmAccuracy, AtomicReference::get)
                .description("held-out pairwise accuracy of the latest reward model").register(registry);
        Gauge.builder("rlhf.rm.ece", rmEce, AtomicReference::get)
                .description("held-out expected calibration error of the latest reward model").register(registry);
        registerPpo(registry);
        Gauge.builder("rlhf.ndarrays.live", LiveArrays::inEngine)
                .description("NDArrays open in this process's DJL engine (the running job's models, optimizer state "
                    + "and batches); growth between jobs is a leak")
                .strongReference(true).register(registry);
    }

    private void registerPpo(MeterRegistry registry) {
        Map<String, String> gauges = Map.of("ppo.kl", "KL(policy || SFT) per response, k1, of the last iteration",
                "ppo.kl.coef", "KL coefficient beta of the last iteration",
                "ppo.clip.fraction", "share of response tokens whose PPO ratio was clipped",
                "ppo.approx.kl", "k3 estimate of KL(old policy || new policy) per token over the last update",
                "ppo.value.loss", "clipped value loss of the last update",
                "ppo.entropy", "mean per-token policy entropy (nats) of the last update",
                "ppo.reward.mean", "mean reward-model score of the last iteration's rollouts",
                "ppo.logprob.drift", "mean |generator - trainer| log-prob per token of the last iteration");
        gauges.forEach((name, description) -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            Gauge.builder("rlhf." + name, value, AtomicReference::get).description(description).register(registry);
            ppoGauges.put(name, value);
        });
        ppoCounters.put("ppo.rollouts", Counter.builder("rlhf.ppo.rollouts")
                .description("rollouts PPO learned from").register(registry));
        ppoCounters.put("ppo.stale.rollouts", Counter.builder("rlhf.ppo.stale.rollouts")
                .description("rollouts dropped as older than the staleness bound").register(registry));
        for (String phase : new String[] {"generation", "scoring", "reference", "update"}) {
            ppoTimers.put("ppo.time." + phase, Timer.builder("rlhf.ppo.time").tag("phase", phase)
                    .description("time of a PPO iteration's phase").register(registry));
        }
    }

    private static AtomicReference<Double> gauge(MeterRegistry registry, String name, String description, JobKind kind) {
        AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
        Gauge.builder(name, value, AtomicReference::get).description(description).tag("kind", kind.tag())
                .register(registry);
        return value;
    }

    /** Records one optimizer step. */
    public void step(JobKind kind, StepProgress progress) {
        loss.get(kind).set(progress.loss());
        tokensPerSecond.get(kind).set(progress.tokensPerSecond());
        steps.get(kind).increment();
    }

    /**
     * Records a metric reported by a job: {@code rm.accuracy}, {@code rm.ece}, the PPO gauges by their names without
     * {@code rlhf.}, {@code ppo.rollouts} / {@code ppo.stale.rollouts} as increments, {@code ppo.time.<phase>} in
     * seconds; others are ignored.
     */
    public void evaluated(String name, double value) {
        if (name.equals("rm.accuracy")) {
            rmAccuracy.set(value);
        } else if (name.equals("rm.ece")) {
            rmEce.set(value);
        } else if (ppoGauges.containsKey(name)) {
            ppoGauges.get(name).set(value);
        } else if (ppoCounters.containsKey(name)) {
            ppoCounters.get(name).increment(value);
        } else if (ppoTimers.containsKey(name)) {
            ppoTimers.get(name).record(java.time.Duration.ofNanos(Math.round(value * 1e9)));
        }
    }

    /** One trigger of the scheduled online iteration and what it did. */
    public void scheduledOnline(String outcome) {
        Counter.builder("rlhf.online.scheduled").description("triggers of the weekly online iteration")
                .tag("outcome", outcome).register(registry).increment();
    }
}
