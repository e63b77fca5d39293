package rlhf.trainer.ppo;

import rlhf.model.train.TrainingLoop;

/**
 * One optimizer step on an objective (forward + backward + clip in a scope, AdamW after it): model/'s
 * {@link TrainingLoop#step}, wrapped by the job to check cancellation and report progress.
 */
@FunctionalInterface
public interface OptimizerStep {

    TrainingLoop.StepResult step(TrainingLoop.Objective objective);
}
