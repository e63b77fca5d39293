package rlhf.trainer.jobs.training;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;
import rlhf.trainer.jobs.JobCancelledException;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.StepProgress;

/**
 * A phase of a job's optimizer steps: model/'s one {@link TrainingLoop} (forward + backward + clip in a scope, AdamW
 * outside it) with the job's warmup-cosine schedule, a listener that checks for cancellation before each step and
 * reports each step to the {@link JobMonitor}, and a failure on a non-finite loss. PPO also turns on the loop's guard
 * against non-finite gradients ({@link #skippingNonFiniteGradients}).
 */
public final class MonitoredTraining {

    private final TrainingLoop loop;
    private final Progress progress;

    private MonitoredTraining(NDManager manager, AdamW optimizer, OptimizerParameters p, int totalSteps,
            JobMonitor monitor, String phase, boolean skipNonFinite) {
        int warmup = Math.min(p.warmupSteps(), totalSteps - 1);
        TrainingLoop.Settings settings = new TrainingLoop.Settings(totalSteps, p.maxGradNorm(), 0);
        this.progress = new Progress(monitor, phase, totalSteps);
        this.loop = new TrainingLoop(manager, optimizer,
                new WarmupCosineSchedule(p.learningRate(), p.minLearningRate(), warmup, totalSteps),
                skipNonFinite ? settings.skippingNonFiniteGradients() : settings, line -> { },
                progress);
    }

    private MonitoredTraining(NDManager manager, List<TrainingLoop.Group> groups, int totalSteps, JobMonitor monitor,
            String phase) {
        this.progress = new Progress(monitor, phase, totalSteps);
        this.loop = new TrainingLoop(manager, groups,
                new TrainingLoop.Settings(totalSteps, 0f, 0).skippingNonFiniteGradients(), line -> { }, progress);
    }

    /**
     * A phase over parameter groups, each with its own optimizer, schedule and clip (PPO's actor and critic), that
     * refuses steps whose gradient norm is not finite.
     */
    public static MonitoredTraining ofGroups(NDManager manager, List<TrainingLoop.Group> groups, int totalSteps,
            JobMonitor monitor, String phase) {
        return new MonitoredTraining(manager, groups, totalSteps, monitor, phase);
    }

    /** A phase that applies every step; a non-finite loss fails the job. */
    public MonitoredTraining(NDManager manager, AdamW optimizer, OptimizerParameters p, int totalSteps,
            JobMonitor monitor, String phase) {
        this(manager, optimizer, p, totalSteps, monitor, phase, false);
    }

    /** A phase that also refuses (skips and counts) steps whose gradient norm is not finite. */
    public static MonitoredTraining skippingNonFiniteGradients(NDManager manager, AdamW optimizer,
            OptimizerParameters p, int totalSteps, JobMonitor monitor, String phase) {
        return new MonitoredTraining(manager, optimizer, p, totalSteps, monitor, phase, true);
    }

    /** AdamW with GPT-2's betas and the job's weight decay. */
    public static AdamW adamW(Map<String, NDArray> parameters, OptimizerParameters p) {
        return new AdamW(parameters, new AdamW.Settings(0.9f, 0.95f, 1e-8f, p.weightDecay()));
    }

    /** Runs {@code totalSteps} steps. */
    public void run(TrainingLoop.Objective objective) {
        loop.run(objective);
    }

    /** One step (cancellation checked before, progress reported after). */
    public TrainingLoop.StepResult step(TrainingLoop.Objective objective) {
        return loop.step(objective);
    }

    /** Steps refused for a non-finite gradient so far. */
    public int skipped() {
        return loop.skipped();
    }

    /** The loss of the last step (NaN before the first). */
    public float lastLoss() {
        return progress.lastLoss;
    }

    /** Tokens the steps so far covered. */
    public long tokens() {
        return progress.tokens;
    }

    /** Cancellation before a step; after it, the non-finite-loss failure, a log line for a skip, and the progress. */
    private static final class Progress implements TrainingLoop.StepListener {
        private final JobMonitor monitor;
        private final String phase;
        private final int totalSteps;
        private final long started = System.nanoTime();
        private long tokens;
        private float lastLoss = Float.NaN;

        Progress(JobMonitor monitor, String phase, int totalSteps) {
            this.monitor = monitor;
            this.phase = phase;
            this.totalSteps = totalSteps;
        }

        @Override
        public void before(int step) {
            if (monitor.cancelRequested()) {
                throw new JobCancelledException(step);
            }
        }

        @Override
        public void after(TrainingLoop.StepResult r) {
            int done = r.step() + 1;
            if (!Float.isFinite(r.loss())) {
                throw new IllegalStateException(phase + ": loss is " + r.loss() + " at step " + done
                        + "; lower the learning rate");
            }
            if (r.skipped()) {
                monitor.log(phase + ": step " + done + " skipped: gradient norm " + r.gradNorm() + " at loss " + r.loss());
            }
            tokens += r.tokens();
            lastLoss = r.loss();
            double seconds = (System.nanoTime() - started) / 1e9;
            monitor.progress(new StepProgress(phase, done, totalSteps, r.loss(), tokens / seconds, tokens, Map.of()));
        }
    }
}
