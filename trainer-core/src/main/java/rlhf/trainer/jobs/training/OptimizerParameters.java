package rlhf.trainer.jobs.training;

import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobParameters;

/**
 * How a job descends: AdamW (β = 0.9, 0.95) at a warmup + cosine learning rate, with global-norm clipping.
 *
 * @param learningRate peak learning rate
 * @param minLearningRate learning rate at the end of the cosine
 * @param warmupSteps linear warmup steps (clamped below the job's step count)
 * @param weightDecay AdamW's decoupled decay λ (matrices only)
 * @param maxGradNorm global gradient-norm clip; 0 disables
 */
public record OptimizerParameters(float learningRate, float minLearningRate, int warmupSteps, float weightDecay,
        float maxGradNorm) {

    public OptimizerParameters {
        if (minLearningRate > learningRate) {
            throw new InvalidParameterException("min-lr", minLearningRate + " exceeds lr " + learningRate);
        }
    }

    /** Reads {@code lr}, {@code min-lr}, {@code warmup-steps}, {@code weight-decay}, {@code max-grad-norm}. */
    public static OptimizerParameters read(JobParameters p, OptimizerParameters defaults) {
        return new OptimizerParameters(
                p.floatIn("lr", defaults.learningRate(), 1e-7f, 1f),
                p.floatIn("min-lr", defaults.minLearningRate(), 0f, 1f),
                p.intIn("warmup-steps", defaults.warmupSteps(), 0, 100_000),
                p.floatIn("weight-decay", defaults.weightDecay(), 0f, 1f),
                p.floatIn("max-grad-norm", defaults.maxGradNorm(), 0f, 1000f));
    }
}
