package rlhf.trainer.jobs;

import java.util.Map;

import ai.djl.ndarray.NDManager;
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;

/**
 * A phase of optimizer steps (model/'s {@link TrainingLoop}: forward + backward + clip in a scope, AdamW outside it)
 * that checks for cancellation before each step and reports each step to the {@link JobMonitor}.
 */
final class MonitoredTraining {

    private final TrainingLoop loop;
    private final JobMonitor monitor;
    private final String phase;
    private final int totalSteps;
    private final long started = System.nanoTime();
    private long tokens;
    private int done;
    private float lastLoss = Float.NaN;

    MonitoredTraining(NDManager manager, AdamW optimizer, OptimizerParameters p, int totalSteps, JobMonitor monitor,
            String phase) {
        int warmup = Math.min(p.warmupSteps(), totalSteps - 1);
        this.loop = new TrainingLoop(manager, optimizer,
                new WarmupCosineSchedule(p.learningRate(), p.minLearningRate(), warmup, totalSteps),
                new TrainingLoop.Settings(totalSteps, p.maxGradNorm(), 0), line -> { });
        this.monitor = monitor;
        this.phase = phase;
        this.totalSteps = totalSteps;
    }

    /** AdamW with GPT-2's betas and the job's weight decay. */
    static AdamW adamW(Map<String, ai.djl.ndarray.NDArray> parameters, OptimizerParameters p) {
        return new AdamW(parameters, new AdamW.Settings(0.9f, 0.95f, 1e-8f, p.weightDecay()));
    }

    /** Runs every step of the phase. */
    void run(TrainingLoop.Objective objective) {
        while (done < totalSteps) {
            step(objective);
        }
    }

    TrainingLoop.StepResult step(TrainingLoop.Objective objective) {
        if (monitor.cancelRequested()) {
            throw new JobCancelledException(done);
        }
        TrainingLoop.StepResult r = loop.step(objective);
        if (!Float.isFinite(r.loss())) {
            throw new IllegalStateException(phase + ": loss is " + r.loss() + " at step " + (done + 1)
                    + "; lower the learning rate");
        }
        done++;
        tokens += r.tokens();
        lastLoss = r.loss();
        double seconds = (System.nanoTime() - started) / 1e9;
        monitor.progress(new StepProgress(phase, done, totalSteps, r.loss(), tokens / seconds, tokens, Map.of()));
        return r;
    }

    float lastLoss() {
        return lastLoss;
    }

    long tokens() {
        return tokens;
    }
}
