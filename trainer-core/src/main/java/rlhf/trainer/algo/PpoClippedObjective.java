package rlhf.trainer.algo;

import ai.djl.ndarray.NDArray;
import rlhf.model.Scalars;

/**
 * PPO's clipped surrogate objective (Schulman et al., arXiv:1707.06347, eq. 7), maximised; the loss is its
 * negative, averaged over the real (unmasked) response tokens:
 *
 * <pre>
 *   ratio_t = π_θ(a_t|s_t) / π_old(a_t|s_t) = exp(logProbs − oldLogProbs)
 *   L^CLIP  = E_t[ min(ratio_t · A_t, clip(ratio_t, 1 − ε, 1 + ε) · A_t) ]
 * </pre>
 *
 * Also reports the clip fraction (share of tokens where the clipped term is the smaller one) and the approximate
 * KL(π_old ‖ π_θ) by the k3 estimator, E[(ratio − 1) − log ratio]. Shape legend: B responses, T tokens.
 */
public final class PpoClippedObjective {

    /** Loss to minimise and diagnostics (scalars; the loss is differentiable). */
    public record Output(NDArray loss, NDArray clipFraction, NDArray approxKl) {
    }

    private PpoClippedObjective() {
    }

    /**
     * @param logProbs    (B, T) log π_θ(a_t|s_t), differentiable
     * @param oldLogProbs (B, T) log π_old(a_t|s_t) at rollout time
     * @param advantages  (B, T) A_t (normalised by the caller if wanted)
     * @param actionMask  (B, T) 1 for real response tokens
     * @param clipEpsilon ε
     */
    public static Output compute(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, NDArray actionMask,
            float clipEpsilon) {
        NDArray logRatio = logProbs.sub(oldLogProbs); // (B, T)
        NDArray ratio = logRatio.exp();
        NDArray unclipped = ratio.mul(advantages);
        NDArray clipped = ratio.clip(1 - clipEpsilon, 1 + clipEpsilon).mul(advantages);
        NDArray objective = unclipped.minimum(clipped); // (B, T)
        NDArray tokens = Scalars.maximum(actionMask.sum(), 1f);
        NDArray loss = objective.mul(actionMask).sum().div(tokens).neg();
        NDArray clipFraction = clipped.lt(unclipped).toType(actionMask.getDataType(), false).mul(actionMask).sum().div(tokens);
        NDArray approxKl = ratio.sub(1f).sub(logRatio).mul(actionMask).sum().div(tokens);
        return new Output(loss, clipFraction, approxKl);
    }

    /** The per-token objective in plain Java: min(ratio·A, clip(ratio, 1−ε, 1+ε)·A). */
    public static double objective(double ratio, double advantage, double clipEpsilon) {
        double clippedRatio = Math.max(1 - clipEpsilon, Math.min(1 + clipEpsilon, ratio));
        return Math.min(ratio * advantage, clippedRatio * advantage);
    }
}
