package rlhf.trainer.jobs;

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
 * r_θ(x, y): the reward head read at the last token of prompt + response (the response's end-of-text), as in
 * {@link Scorer}, but without the language-model head, which the reward model does not need. One call is one batched
 * forward of every sequence given.
 */
public final class RewardScoring {

    private RewardScoring() {
    }

    /** (N) differentiable rewards of the examples, in order; call inside an NDScope. */
    public static NDArray forward(GptModel model, NDManager manager, List<Scorer.Example> examples, boolean training) {
        List<int[]> sequences = new ArrayList<>(examples.size());
        long[] last = new long[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Scorer.Example e = examples.get(i);
            int[] seq = new int[e.prompt().length + e.response().length];
            System.arraycopy(e.prompt(), 0, seq, 0, e.prompt().length);
            System.arraycopy(e.response(), 0, seq, e.prompt().length, e.response().length);
            sequences.add(seq);
            last[i] = seq.length - 1L;
        }
        NDArray hidden = model.hidden(manager, TokenBatch.rightPadded(sequences), training); // (N, T, C)
        return model.rewards(hidden) // (N, T)
                .gather(manager.create(last, new Shape(examples.size(), 1)), 1).squeeze(1); // (N)
    }

    /** Rewards without gradients, {@code batchSize} sequences per forward. */
    public static float[] score(GptModel model, List<Scorer.Example> examples, int batchSize) {
        float[] rewards = new float[examples.size()];
        try (NDManager manager = model.manager().newSubManager()) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                int to = Math.min(examples.size(), from + batchSize);
                try (NDScope ignored = new NDScope()) {
                    float[] batch = forward(model, manager, examples.subList(from, to), false)
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(batch, 0, rewards, from, batch.length);
                }
            }
        }
        return rewards;
    }
}
