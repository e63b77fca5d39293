package rlhf.model.train;

/**
 * Learning rate: linear warmup from peak/warmupSteps to the peak over {@code warmupSteps}, then cosine decay to
 * {@code minLr} at {@code totalSteps} (Loshchilov &amp; Hutter, arXiv:1608.03983; GPT-2/3 practice), constant after.
 */
public record WarmupCosineSchedule(float peakLr, float minLr, int warmupSteps, int totalSteps) {

    public WarmupCosineSchedule {
        if (!(peakLr > 0f) || !(minLr >= 0f) || minLr > peakLr) {
            throw new IllegalArgumentException("need 0 <= minLr <= peakLr and peakLr > 0");
        }
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps, got " + warmupSteps + ", "
                    + totalSteps);
        }
    }

    /** The learning rate of 0-based {@code step}. */
    public float lr(int step) {
        if (step < warmupSteps) {
            return peakLr * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return (float) (minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}
