package rlhf.reward.service;

import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;

/**
 * The reward model's forward for serving: r_θ(x, y) as {@link SequenceRewards} defines it (the reward head at the last
 * token of prompt ⧺ response, plus the likelihood term for a model that has one), for a right-padded batch; the same
 * number {@link Scorer} reports as {@code reward}.
 */
final class RewardForward {

    private final GptModel model;

    RewardForward(GptModel model) {
        this.model = model;
    }

    /** One forward pass over the batch; rewards in input order. */
    float[] rewards(List<Scorer.Example> examples) {
        // Every array of the pass lives in this scope and dies with it; only the float[] leaves (threads, wire).
        try (NDManager manager = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            return SequenceRewards.forward(model, manager, examples, false).toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }
}
