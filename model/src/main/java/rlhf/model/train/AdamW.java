package rlhf.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, arXiv:1711.05101):
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   θ ← θ·(1 − lr·λ) − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * </pre>
 * Decay applies to matrices only (not to biases, LayerNorm gains or the heads' biases), as in GPT-2/nanoGPT.
 * The moment buffers are created eagerly in the optimizer's own manager, so a step may run anywhere; it must run
 * outside a GradientCollector (PyTorch forbids in-place updates of leaves while recording). Gradients are zeroed
 * after each step because PyTorch accumulates them.
 */
public final class AdamW implements AutoCloseable {
    private final List<NDArray> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final List<Boolean> decays = new ArrayList<>();
    private final Settings settings;
    private final NDManager state;
    private int steps;

    /**
     * @param beta1       β1, first-moment decay
     * @param beta2       β2, second-moment decay
     * @param epsilon     ε, denominator floor
     * @param weightDecay λ, decoupled decay per unit learning rate
     */
    public record Settings(float beta1, float beta2, float epsilon, float weightDecay) {
        public Settings {
            if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(epsilon > 0f) || !(weightDecay >= 0f)) {
                throw new IllegalArgumentException("epsilon must be > 0 and weightDecay >= 0");
            }
        }

        /** nanoGPT's GPT-2 settings: β = (0.9, 0.95), ε = 1e-8, λ = 0.1. */
        public static Settings gpt2() {
            return new Settings(0.9f, 0.95f, 1e-8f, 0.1f);
        }
    }

    public AdamW(Map<String, NDArray> namedParameters, Settings settings) {
        this.settings = settings;
        NDManager any = namedParameters.values().iterator().next().getManager();
        this.state = any.newSubManager();
        namedParameters.forEach((name, p) -> {
            parameters.add(p);
            firstMoments.add(state.zeros(p.getShape()));
            secondMoments.add(state.zeros(p.getShape()));
            decays.add(p.getShape().dimension() >= 2);
        });
    }

    /** Parameters in update order. */
    public List<NDArray> parameters() {
        return parameters;
    }

    /** Steps taken so far (t). */
    public int steps() {
        return steps;
    }

    /** Applies one update with learning rate {@code lr} from the accumulated gradients, then zeroes them. */
    public void step(float lr) {
        steps++;
        float b1 = settings.beta1();
        float b2 = settings.beta2();
        float correction1 = 1f - (float) Math.pow(b1, steps);
        float correction2 = 1f - (float) Math.pow(b2, steps);
        for (int i = 0; i < parameters.size(); i++) {
            // One scope per tensor bounds the temporaries to one parameter's size.
            try (NDScope ignored = new NDScope()) {
                NDArray p = parameters.get(i);
                NDArray g = p.getGradient();
                NDArray m = firstMoments.get(i).muli(b1).addi(g.mul(1f - b1));
                NDArray v = secondMoments.get(i).muli(b2).addi(g.square().muli(1f - b2));
                if (decays.get(i) && settings.weightDecay() > 0f) {
                    p.muli(1f - lr * settings.weightDecay());
                }
                NDArray denominator = v.div(correction2).sqrt().addi(settings.epsilon());
                p.subi(m.mul(lr / correction1).divi(denominator));
                g.muli(0f);
            }
        }
    }

    /** Zeroes every gradient without updating (e.g. after a skipped step). */
    public void zeroGradients() {
        for (NDArray p : parameters) {
            try (NDArray g = p.getGradient()) {
                g.muli(0f);
            }
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
