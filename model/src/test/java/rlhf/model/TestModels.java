package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;

/** Small models and helpers shared by tests. */
public final class TestModels {
    private TestModels() {
    }

    /** V=48, ctx=32, 2 layers, 2 heads, width 16, no dropout. */
    public static GptConfig tinyConfig() {
        return new GptConfig(48, 32, 2, 2, 16, 0f);
    }

    /** A random tiny model whose weights are scaled up so its logits are far from uniform. */
    public static GptModel tiny(long seed) {
        return tiny(tinyConfig(), seed);
    }

    /** The tiny config with rotary positions instead of learned ones. */
    public static GptConfig tinyRotaryConfig() {
        GptConfig c = tinyConfig();
        return new GptConfig(c.vocabSize(), c.contextLength(), c.layers(), c.heads(), c.width(), 0f,
                GptConfig.ROTARY_POSITIONS);
    }

    /** A random model of this config, weights scaled up as in {@link #tiny(long)}. */
    public static GptModel tiny(GptConfig config, long seed) {
        GptModel model = GptModel.create(config, seed);
        model.parameters().forEach((name, p) -> {
            if (!name.contains("ln_")) {
                p.muli(10f);
            }
        });
        return model;
    }

    /** Logits (T, V) of one unpadded sequence by a full forward pass, as float[T][V]. */
    public static float[][] fullLogits(GptModel model, int[] tokens) {
        try (NDManager m = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            NDArray logits = model.logits(model.hidden(m, TokenBatch.rightPadded(List.of(tokens)), false)); // (1, T, V)
            float[] flat = logits.toFloatArray();
            int v = model.config().vocabSize();
            float[][] out = new float[tokens.length][v];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(flat, t * v, out[t], 0, v);
            }
            return out;
        }
    }
}
