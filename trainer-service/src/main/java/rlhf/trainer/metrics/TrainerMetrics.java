package rlhf.trainer.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
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
 * </ul>
 */
@ApplicationScoped
public class TrainerMetrics {

    private final Map<JobKind, AtomicReference<Double>> loss = new EnumMap<>(JobKind.class);
    private final Map<JobKind, AtomicReference<Double>> tokensPerSecond = new EnumMap<>(JobKind.class);
    private final Map<JobKind, Counter> steps = new EnumMap<>(JobKind.class);
    private final AtomicReference<Double> rmAccuracy = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> rmEce = new AtomicReference<>(Double.NaN);

    public TrainerMetrics(MeterRegistry registry) {
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

    /** Records an evaluation metric reported by a job ({@code rm.accuracy}, {@code rm.ece}); others are ignored. */
    public void evaluated(String name, double value) {
        if (name.equals("rm.accuracy")) {
            rmAccuracy.set(value);
        } else if (name.equals("rm.ece")) {
            rmEce.set(value);
        }
    }
}
