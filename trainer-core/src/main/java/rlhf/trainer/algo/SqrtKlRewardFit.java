package rlhf.trainer.algo;

/**
 * The hh-rlhf observation (arXiv:2204.05862, §4.3) that RL reward grows roughly linearly in √KL(π ‖ π_0): a
 * least-squares fit reward ≈ intercept + slope · √KL over the policy versions, with its coefficient of
 * determination R².
 */
public final class SqrtKlRewardFit {

    /** reward ≈ intercept + slope · √KL, and R² of the fit. */
    public record Fit(double intercept, double slope, double rSquared, int points) {
    }

    private SqrtKlRewardFit() {
    }

    /**
     * @param kl      KL(π ‖ π_SFT) of each version, nats (≥ 0)
     * @param rewards mean reward of each version
     */
    public static Fit fit(double[] kl, double[] rewards) {
        int n = kl.length;
        if (n < 2 || rewards.length != n) {
            throw new IllegalArgumentException("need at least two (KL, reward) points of equal count");
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            if (kl[i] < 0) {
                throw new IllegalArgumentException("kl[" + i + "] must be >= 0");
            }
            double x = Math.sqrt(kl[i]);
            double y = rewards[i];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        double covariance = sxy - sx * sy / n;
        double varianceX = sxx - sx * sx / n;
        double varianceY = syy - sy * sy / n;
        double slope = varianceX == 0 ? 0 : covariance / varianceX;
        double intercept = (sy - slope * sx) / n;
        double rSquared = varianceX == 0 || varianceY == 0 ? 0 : covariance * covariance / (varianceX * varianceY);
        return new Fit(intercept, slope, rSquared, n);
    }
}
