package rlhf.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A generic gradient-descent loop: objective → backward → clip → AdamW at the scheduled learning rate, with a
 * progress line (step, loss, tokens/s). It knows nothing about GPT; the objective builds the loss.
 *
 * <p>Memory discipline: each step's forward, backward and clipping run inside one NDScope, which closes every array
 * they created; the optimizer step runs after that scope closes, because its state must outlive every step.
 */
public final class TrainingLoop {
    private final NDManager manager;
    private final AdamW optimizer;
    private final WarmupCosineSchedule schedule;
    private final Settings settings;
    private final Consumer<String> log;
    private int step;

    /** What the objective returns: a scalar loss and how many tokens it covered (for tokens/s). */
    public record Loss(NDArray value, long tokens) {
    }

    /** Builds the loss of one step; arrays go in {@code manager} and are closed after the step. */
    @FunctionalInterface
    public interface Objective {
        Loss loss(NDManager manager, int step);
    }

    /**
     * @param steps       total steps of {@link #run}
     * @param maxGradNorm global-norm clip (≤ 0 disables)
     * @param logEvery    a progress line every this many steps (and on the last); 0 disables
     */
    public record Settings(int steps, float maxGradNorm, int logEvery) {
        public Settings {
            if (steps <= 0 || logEvery < 0) {
                throw new IllegalArgumentException("steps must be positive and logEvery >= 0");
            }
        }
    }

    /** The outcome of one step. */
    public record StepResult(int step, float loss, float gradNorm, float learningRate, long tokens, double seconds) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    public TrainingLoop(NDManager manager, AdamW optimizer, WarmupCosineSchedule schedule, Settings settings,
            Consumer<String> log) {
        this.manager = manager;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.settings = settings;
        this.log = log;
    }

    /** Runs {@code settings.steps()} steps from the current one. */
    public List<StepResult> run(Objective objective) {
        List<StepResult> results = new ArrayList<>();
        long started = System.nanoTime();
        long tokens = 0;
        for (int i = 0; i < settings.steps(); i++) {
            StepResult r = step(objective);
            results.add(r);
            tokens += r.tokens();
            boolean last = i == settings.steps() - 1;
            if (settings.logEvery() > 0 && ((i + 1) % settings.logEvery() == 0 || last)) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                log.accept(progressLine(i + 1, r, tokens / elapsed, elapsed));
            }
        }
        return results;
    }

    /** One step: forward + backward + clip inside a scope, then the optimizer outside it. */
    public StepResult step(Objective objective) {
        long start = System.nanoTime();
        float lr = schedule.lr(step);
        float lossValue;
        float norm;
        long tokens;
        try (NDScope ignored = new NDScope()) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                Loss loss = objective.loss(manager, step);
                collector.backward(loss.value());
                lossValue = loss.value().getFloat();
                tokens = loss.tokens();
            }
            norm = GradientClipping.clipByGlobalNorm(optimizer.parameters(), settings.maxGradNorm());
        }
        optimizer.step(lr);
        StepResult result = new StepResult(step, lossValue, norm, lr, tokens, (System.nanoTime() - start) / 1e9);
        step++;
        return result;
    }

    private String progressLine(int done, StepResult r, double tokensPerSecond, double elapsed) {
        int width = 20;
        int filled = (int) Math.round(width * (double) done / settings.steps());
        double eta = elapsed / done * (settings.steps() - done);
        return String.format(Locale.ROOT, "step %d/%d [%s%s] loss %.4f | lr %.2e | grad-norm %.3f | %,.0f tok/s | eta %ds",
                done, settings.steps(), "#".repeat(filled), ".".repeat(width - filled), r.loss(), r.learningRate(),
                r.gradNorm(), tokensPerSecond, Math.round(eta));
    }
}
