package rlhf.trainer.ppo;

/**
 * Means over one iteration's optimizer steps.
 *
 * @param policyLoss   −L^CLIP
 * @param valueLoss    the clipped value loss
 * @param entropy      mean per-token entropy of the policy (nats)
 * @param clipFraction share of tokens whose ratio was clipped
 * @param approxKl     k3 estimate of KL(π_old ‖ π_θ) per token
 * @param ptxLoss      pretraining LM loss (NaN when PPO-ptx is off)
 * @param loss         the total loss
 * @param steps        optimizer steps taken
 */
public record UpdateReport(double policyLoss, double valueLoss, double entropy, double clipFraction, double approxKl,
        double ptxLoss, double loss, int steps) {
}
