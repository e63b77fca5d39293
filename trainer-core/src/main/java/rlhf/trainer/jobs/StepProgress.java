package rlhf.trainer.jobs;

import java.util.Map;

/**
 * Progress of a running job after one optimizer step.
 *
 * @param phase what is being trained, e.g. {@code sft} or {@code rm train-PM}
 * @param tokensPerSecond tokens processed per second since the phase began
 * @param metrics job-specific numbers known so far (e.g. {@code rm.accuracy} once evaluated)
 */
public record StepProgress(String phase, long step, long totalSteps, double loss, double tokensPerSecond,
        long tokens, Map<String, Double> metrics) {

    public StepProgress {
        metrics = Map.copyOf(metrics);
    }
}
