package rlhf.trainer.ppo;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import rlhf.model.GptModel;

/**
 * The value model V(s_t) that {@link GaeEstimator} needs: a copy of the SFT model (its backbone already reads the task)
 * whose value head starts at zero, so its first estimates are 0 in the units of the returns it is trained on (shaped,
 * normalised rewards) instead of in the reward model's units; its first {@code warmupIterations} iterations train it
 * alone, so the policy's first updates do not follow a critic that has not seen a return yet. It has its own
 * optimizer, learning rate and clipping ({@link PpoOptimizers}). It lives only in the trainer: a restarted job starts
 * it again.
 *
 * @param model            the value network (owned: {@link #close()} frees it)
 * @param warmupIterations iterations that train the critic only
 */
public record Critic(GptModel model, int warmupIterations) implements AutoCloseable {

    public Critic {
        if (warmupIterations < 0) {
            throw new IllegalArgumentException("warmupIterations must be >= 0");
        }
    }

    /** A copy of {@code sft} with a zero value head. */
    public static Critic fromSft(GptModel sft, int warmupIterations) {
        GptModel value = sft.copy();
        Map<String, NDArray> p = value.parameters();
        p.get("value_head.weight").set(new float[Math.toIntExact(p.get("value_head.weight").size())]);
        p.get("value_head.bias").set(new float[Math.toIntExact(p.get("value_head.bias").size())]);
        return new Critic(value, warmupIterations);
    }

    @Override
    public void close() {
        model.close();
    }
}
