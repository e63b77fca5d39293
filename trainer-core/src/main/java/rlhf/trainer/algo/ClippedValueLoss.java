package rlhf.trainer.algo;

import ai.djl.ndarray.NDArray;
import rlhf.model.Scalars;

/**
 * The clipped value-function loss of PPO implementations (OpenAI baselines ppo2; used by InstructGPT-style
 * trainers): the new value may not move further than ε_v from the rollout-time value without being penalised
 * by the clipped term.
 *
 * <pre>
 *   V_clip = V_old + clip(V_θ − V_old, −ε_v, ε_v)
 *   L^V    = ½ · E_t[ max((V_θ − R_t)², (V_clip − R_t)²) ]
 * </pre>
 *
 * Shape legend: B responses, T tokens.
 */
public final class ClippedValueLoss {

    private ClippedValueLoss() {
    }

    /**
     * @param values    (B, T) V_θ(s_t), differentiable
     * @param oldValues (B, T) V_old(s_t) at rollout time
     * @param returns   (B, T) R_t from {@link Gae}
     */
    public static NDArray loss(NDArray values, NDArray oldValues, NDArray returns, NDArray actionMask,
            float valueClipEpsilon) {
        NDArray clippedValues = oldValues.add(values.sub(oldValues).clip(-valueClipEpsilon, valueClipEpsilon));
        NDArray unclippedLoss = values.sub(returns).square();
        NDArray clippedLoss = clippedValues.sub(returns).square();
        return Scalars.mul(unclippedLoss.maximum(clippedLoss).mul(actionMask).sum()
                .div(Scalars.maximum(actionMask.sum(), 1f)), 0.5f);
    }

    /** One token in plain Java. */
    public static double loss(double value, double oldValue, double ret, double valueClipEpsilon) {
        double clipped = oldValue + Math.max(-valueClipEpsilon, Math.min(valueClipEpsilon, value - oldValue));
        return 0.5 * Math.max((value - ret) * (value - ret), (clipped - ret) * (clipped - ret));
    }
}
