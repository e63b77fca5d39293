package rlhf.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;

/**
 * A generic gradient-descent loop: objective → backward → clip → AdamW at the scheduled learning rate, with a
 * progress line (step, loss, tokens/s). It knows nothing about GPT; the objective builds the loss.
 *
 * <p>Memory discipline: each step's forward, backward and clipping run inside one NDScope, which closes every array
 * they created; the optimizer step runs after that scope closes, because its state must outlive every step.
 *
 * <p>Two options make it the one loop of every trainer: a {@link StepListener} sees each step before it runs (to cancel
 * it by throwing) and after (progress), and {@link Settings#skipNonFiniteGradients()} refuses a step whose gradient
 * norm is NaN or infinite — gradients reset, weights untouched, the step counted — where AdamW would turn every weight
 * into NaN. PPO needs the guard: on the task world a finite loss gave a non-finite gradient about once per 80 steps at
 * lr 5e-5.
 *
 * <p>Parameters may form {@link Group}s (PPO's actor and critic): one backward for the summed loss, then each group is
 * clipped by its own global norm and stepped by its own AdamW at its own scheduled learning rate. A non-finite norm in
 * any group refuses the whole step.
 */
public final class TrainingLoop {
    private final NDManager manager;
    private final List<Group> groups;
    private final Settings settings;
    private final Consumer<String> log;
    private final StepListener listener;
    private int step;
    private int skipped;

    /**
     * Parameters that descend together: their own optimizer, learning-rate schedule and global-norm clip.
     *
     * @param maxGradNorm this group's global-norm clip (≤ 0 disables)
     */
    public record Group(String name, AdamW optimizer, WarmupCosineSchedule schedule, float maxGradNorm) {
    }

    /** What the objective returns: a scalar loss and how many tokens it covered (for tokens/s). */
    public record Loss(NDArray value, long tokens) {
    }

    /** Builds the loss of one step; arrays go in {@code manager} and are closed after the step. */
    @FunctionalInterface
    public interface Objective {
        Loss loss(NDManager manager, int step);
    }

    /**
     * @param steps                  total steps of {@link #run}
     * @param maxGradNorm            global-norm clip (≤ 0 disables)
     * @param logEvery               a progress line every this many steps (and on the last); 0 disables
     * @param skipNonFiniteGradients refuse (skip and count) a step whose gradient norm is not finite
     */
    public record Settings(int steps, float maxGradNorm, int logEvery, boolean skipNonFiniteGradients) {
        public Settings {
            if (steps <= 0 || logEvery < 0) {
                throw new IllegalArgumentException("steps must be positive and logEvery >= 0");
            }
        }

        /** Settings that apply every step, finite or not. */
        public Settings(int steps, float maxGradNorm, int logEvery) {
            this(steps, maxGradNorm, logEvery, false);
        }

        /** The same settings, refusing steps with a non-finite gradient. */
        public Settings skippingNonFiniteGradients() {
            return new Settings(steps, maxGradNorm, logEvery, true);
        }
    }

    /**
     * The outcome of one step.
     *
     * @param gradNorm     the first group's gradient norm before clipping
     * @param learningRate the first group's learning rate
     * @param skipped      the optimizers did not apply it: a gradient norm was not finite
     * @param groupNorms   every group's gradient norm before clipping, in group order
     */
    public record StepResult(int step, float loss, float gradNorm, float learningRate, long tokens, double seconds,
            boolean skipped, float[] groupNorms) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    /** Sees every step: {@code before} may throw to stop the loop before the step runs. */
    public interface StepListener {
        /** Before step {@code step} (0-based) runs. */
        default void before(int step) {
        }

        /** After a step ran (applied or skipped). */
        default void after(StepResult result) {
        }
    }

    public TrainingLoop(NDManager manager, AdamW optimizer, WarmupCosineSchedule schedule, Settings settings,
            Consumer<String> log) {
        this(manager, optimizer, schedule, settings, log, new StepListener() { });
    }

    public TrainingLoop(NDManager manager, AdamW optimizer, WarmupCosineSchedule schedule, Settings settings,
            Consumer<String> log, StepListener listener) {
        this(manager, List.of(new Group("all", optimizer, schedule, settings.maxGradNorm())), settings, log, listener);
    }

    /** A loop over parameter groups ({@code settings.maxGradNorm()} is unused: each group has its own clip). */
    public TrainingLoop(NDManager manager, List<Group> groups, Settings settings, Consumer<String> log,
            StepListener listener) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a training loop needs at least one parameter group");
        }
        this.manager = manager;
        this.groups = List.copyOf(groups);
        this.settings = settings;
        this.log = log;
        this.listener = listener;
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

    /** One step: forward + backward + clip inside a scope, then the optimizer outside it (or the guard's refusal). */
    public StepResult step(Objective objective) {
        listener.before(step);
        long start = System.nanoTime();
        float lossValue;
        float[] norms = new float[groups.size()];
        long tokens;
        try (NDScope ignored = new NDScope()) {
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                Loss loss = objective.loss(manager, step);
                collector.backward(loss.value());
                lossValue = loss.value().getFloat();
                tokens = loss.tokens();
            }
            for (int g = 0; g < norms.length; g++) {
                norms[g] = GradientClipping.clipByGlobalNorm(groups.get(g).optimizer().parameters(),
                        groups.get(g).maxGradNorm());
            }
        }
        boolean finite = true;
        for (float norm : norms) {
            finite &= Float.isFinite(norm);
        }
        boolean skip = settings.skipNonFiniteGradients() && !finite;
        if (skip) {
            skipped++;
            resetGradients();
        } else {
            for (Group group : groups) {
                group.optimizer().step(group.schedule().lr(step));
            }
        }
        StepResult result = new StepResult(step, lossValue, norms[0], groups.get(0).schedule().lr(step), tokens,
                (System.nanoTime() - start) / 1e9, skip, norms);
        step++;
        listener.after(result);
        return result;
    }

    /** Steps refused for a non-finite gradient so far. */
    public int skipped() {
        return skipped;
    }

    private void resetGradients() {
        for (Group group : groups) {
            for (NDArray parameter : group.optimizer().parameters()) {
                try (NDArray gradient = parameter.getGradient()) {
                    gradient.set(new float[Math.toIntExact(gradient.size())]); // × 0 would keep NaN
                }
            }
        }
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
