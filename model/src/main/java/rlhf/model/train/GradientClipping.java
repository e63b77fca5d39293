package rlhf.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * Clipping by global norm (Pascanu et al. arXiv:1211.5063): if ‖g‖₂ over all parameters exceeds c, every gradient
 * is scaled by c / ‖g‖₂, which keeps the update's direction.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Clips in place; returns the norm before clipping. {@code maxNorm} ≤ 0 or infinite only measures. */
    public static float clipByGlobalNorm(List<NDArray> parameters, float maxNorm) {
        try (NDScope ignored = new NDScope()) {
            double sumOfSquares = 0;
            NDArray[] grads = new NDArray[parameters.size()];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = parameters.get(i).getGradient();
                sumOfSquares += grads[i].square().sum().getFloat();
            }
            float norm = (float) Math.sqrt(sumOfSquares);
            if (maxNorm > 0f && Float.isFinite(maxNorm) && norm > maxNorm) {
                float scale = maxNorm / (norm + 1e-6f);
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }
}
