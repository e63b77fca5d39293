package rlhf.trainer.ppo;

/**
 * Means over one iteration's optimizer steps.
 *
 * Each mean is over the steps that computed it; NaN where none did.
 *
 * @param policyLoss   −L^CLIP (NaN during the critic's warm-up)
 * @param valueLoss    the clipped value loss (NaN without a critic)
 * @param entropy      mean per-token entropy of the policy over the vocabulary (NaN at entropy coefficient 0:
 *                     {@link Experience.Stats#entropy()} estimates it from the samples instead)
 * @param clipFraction share of tokens whose ratio was clipped
 * @param approxKl     k3 estimate of KL(π_old ‖ π_θ) per token
 * @param ptxLoss      pretraining LM loss (NaN when PPO-ptx is off)
 * @param loss         the total loss
 * @param steps        optimizer steps taken
 */
public record UpdateReport(double policyLoss, double valueLoss, double entropy, double clipFraction, double approxKl,
        double ptxLoss, double loss, int steps) {
}
