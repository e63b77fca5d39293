package rlhf.trainer.algo;

/**
 * Running mean and variance (Welford's algorithm) for reward normalisation in PPO: rewards are scaled to unit
 * variance with statistics over all rollouts seen so far, so the KL coefficient and the value loss keep their
 * scale as the reward model or the policy change.
 */
public final class RunningMoments {

    private long count;
    private double mean;
    private double m2;

    /** Adds a batch of observations. */
    public void update(float[] values) {
        for (float v : values) {
            count++;
            double delta = v - mean;
            mean += delta / count;
            m2 += delta * (v - mean);
        }
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation; 1 until two observations exist. */
    public double std() {
        return count < 2 ? 1 : Math.sqrt(m2 / count);
    }

    /** (x − mean) / std, or only / std when {@code center} is false. */
    public float normalize(float x, boolean center) {
        double std = Math.max(std(), 1e-8);
        return (float) ((center ? x - mean : x) / std);
    }
}
