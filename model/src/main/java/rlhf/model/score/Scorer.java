package rlhf.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import rlhf.model.GptModel;

/**
 * Teacher-forced scoring of (prompt, response) pairs in one forward pass: per response token the log-probability,
 * the entropy of the policy at that step and the value estimate, plus the reward r(x, y) of {@link SequenceRewards}
 * (InstructGPT's reward model reads the final token).
 *
 * <p>Response token j of an example is predicted from position P + j − 1 (P = prompt length), so the prompt must
 * hold at least one token. Values are V(s) at that same position: the state before the token is chosen.
 * Shape legend: B examples, T = max(P + R) padded length, R = max response length, V vocabulary.
 */
public final class Scorer {
    private final GptModel model;

    public Scorer(GptModel model) {
        this.model = model;
    }

    /** One (prompt, response) pair; both non-empty. */
    public record Example(int[] prompt, int[] response) {
        public Example {
            if (prompt.length == 0) {
                throw new IllegalArgumentException("prompt must hold at least one token");
            }
            if (response.length == 0) {
                throw new IllegalArgumentException("response must hold at least one token");
            }
        }
    }

    /** Plain-array scores of one example, each array of the response's length. */
    public record Scores(float[] logProbs, float[] entropies, float[] values, float reward) {
    }

    /**
     * Differentiable scores; padded response slots hold 0 and are marked 0 in {@code actionMask}.
     *
     * @param logProbs   (B, R) log π(a_t | s_t)
     * @param entropies  (B, R) H(π(· | s_t)) in nats
     * @param values     (B, R) V(s_t) from the value head
     * @param rewards    (B) r(x, y) as {@link SequenceRewards} defines it
     * @param actionMask (B, R) 1 for real response tokens, 0 for padding
     */
    public record ScoreTensors(NDArray logProbs, NDArray entropies, NDArray values, NDArray rewards,
            NDArray actionMask) {
    }

    /**
     * One forward over the batch, tracked by autograd when called inside a GradientCollector. Arrays are created in
     * {@code manager}; call it inside an NDScope.
     */
    public ScoreTensors forward(NDManager manager, List<Example> examples, boolean training) {
        PackedExamples packed = new PackedExamples(examples);
        NDArray hidden = model.hidden(manager, packed.batch, training); // (B, T, C)
        NDArray logp = model.logits(hidden).logSoftmax(2); // (B, T, V)
        NDArray tokenLogp = logp.gather(packed.nextTokens(manager), 2).squeeze(2); // (B, T)
        NDArray entropy = logp.exp().mul(logp).sum(new int[] {2}).neg(); // (B, T)
        NDArray index = packed.predictedFrom(manager); // (B, R)
        NDArray actionMask = packed.responseMask(manager); // (B, R)
        NDArray responseLogp = tokenLogp.gather(index, 1).mul(actionMask); // (B, R)
        NDArray rewards = SequenceRewards.readout(model, // (B)
                SequenceRewards.headRewards(model, hidden, packed.lastToken(manager)), responseLogp, actionMask);
        return new ScoreTensors(
                responseLogp,
                entropy.gather(index, 1).mul(actionMask), // (B, R)
                model.values(hidden).gather(index, 1).mul(actionMask), // (B, R)
                rewards,
                actionMask);
    }

    /** Scores without gradients, returned as plain arrays (safe to pass to other threads). */
    public List<Scores> score(List<Example> examples) {
        try (NDManager manager = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            ScoreTensors s = forward(manager, examples, false);
            int r = (int) s.logProbs().getShape().get(1);
            float[] logProbs = s.logProbs().toFloatArray();
            float[] entropies = s.entropies().toFloatArray();
            float[] values = s.values().toFloatArray();
            float[] rewards = s.rewards().toType(DataType.FLOAT32, false).toFloatArray();
            List<Scores> out = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                int len = examples.get(i).response.length;
                out.add(new Scores(slice(logProbs, i * r, len), slice(entropies, i * r, len),
                        slice(values, i * r, len), rewards[i]));
            }
            return out;
        }
    }

    private static float[] slice(float[] a, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(a, from, out, 0, length);
        return out;
    }
}
