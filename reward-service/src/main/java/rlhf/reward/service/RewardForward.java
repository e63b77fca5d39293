package rlhf.reward.service;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import rlhf.model.GptModel;
import rlhf.model.TokenBatch;
import rlhf.model.score.Scorer;

/**
 * The reward model's forward for serving: r_θ(x, y) = reward head at the last token of prompt ⧺ response, for a
 * right-padded batch, the same number {@link Scorer} reports as {@code reward}. Unlike Scorer it never builds the
 * (B, T, V) logits, which for GPT-2's vocabulary would be ~13 GB at B = 64, T = 1024 and are not needed here.
 *
 * <p>Shape legend: B sequences, T = longest prompt + response, C model width.
 */
final class RewardForward {

    private final GptModel model;

    RewardForward(GptModel model) {
        this.model = model;
    }

    /** One forward pass over the batch; rewards in input order. */
    float[] rewards(List<Scorer.Example> examples) {
        int b = examples.size();
        List<int[]> sequences = new ArrayList<>(b);
        long[] lastToken = new long[b];
        for (int i = 0; i < b; i++) {
            Scorer.Example e = examples.get(i);
            int[] seq = new int[e.prompt().length + e.response().length];
            System.arraycopy(e.prompt(), 0, seq, 0, e.prompt().length);
            System.arraycopy(e.response(), 0, seq, e.prompt().length, e.response().length);
            sequences.add(seq);
            lastToken[i] = seq.length - 1L;
        }
        // Every array of the pass lives in this scope and dies with it; only the float[] leaves (threads, wire).
        try (NDManager manager = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            TokenBatch batch = TokenBatch.rightPadded(sequences);
            NDArray hidden = model.hidden(manager, batch, false); // (B, T, C)
            NDArray rewards = model.rewards(hidden) // (B, T)
                    .gather(manager.create(lastToken, new Shape(b, 1)), 1).squeeze(1); // (B)
            return rewards.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
