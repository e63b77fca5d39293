package rlhf.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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

    /**
     * What a forward computes. Each costs: the log-probs need the LM logits (B, T, V), the entropy a softmax over them,
     * the values only the value head; a critic asks for {@link #VALUES} alone, a KL reference for {@link #LOG_PROBS}.
     */
    public enum Head {
        LOG_PROBS, ENTROPY, VALUES, REWARD;

        /** Every head (what {@link #forward(NDManager, List, boolean)} computes). */
        public static final Set<Head> ALL = EnumSet.allOf(Head.class);
    }

    /** Plain-array scores of one example, each array of the response's length (null for a head not asked for). */
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
     * One forward over the batch computing every head, tracked by autograd when called inside a GradientCollector.
     * Arrays are created in {@code manager}; call it inside an NDScope.
     */
    public ScoreTensors forward(NDManager manager, List<Example> examples, boolean training) {
        return forward(manager, examples, training, Head.ALL);
    }

    /**
     * One forward computing only {@code heads}; the tensors of the others are null. The reward reads the log-probs
     * when the model's reward has a likelihood term, so asking for it computes them too.
     */
    public ScoreTensors forward(NDManager manager, List<Example> examples, boolean training, Set<Head> heads) {
        PackedExamples packed = new PackedExamples(examples);
        NDArray hidden = model.hidden(manager, packed.batch, training); // (B, T, C)
        NDArray index = packed.predictedFrom(manager); // (B, R)
        NDArray actionMask = packed.responseMask(manager); // (B, R)
        NDArray responseLogp = null;
        NDArray entropy = null;
        boolean logits = heads.contains(Head.LOG_PROBS) || heads.contains(Head.ENTROPY) || heads.contains(Head.REWARD);
        if (logits) {
            NDArray logp = model.logits(hidden).logSoftmax(2); // (B, T, V)
            NDArray tokenLogp = logp.gather(packed.nextTokens(manager), 2).squeeze(2); // (B, T)
            responseLogp = tokenLogp.gather(index, 1).mul(actionMask); // (B, R)
            if (heads.contains(Head.ENTROPY)) {
                entropy = logp.exp().mul(logp).sum(new int[] {2}).neg().gather(index, 1).mul(actionMask); // (B, R)
            }
        }
        NDArray rewards = heads.contains(Head.REWARD) ? SequenceRewards.readout(model, // (B)
                SequenceRewards.headRewards(model, hidden, packed.lastToken(manager)), responseLogp, actionMask) : null;
        NDArray values = heads.contains(Head.VALUES)
                ? model.values(hidden).gather(index, 1).mul(actionMask) // (B, R)
                : null;
        return new ScoreTensors(heads.contains(Head.LOG_PROBS) ? responseLogp : null, entropy, values, rewards,
                actionMask);
    }

    /** Scores of every head without gradients, returned as plain arrays (safe to pass to other threads). */
    public List<Scores> score(List<Example> examples) {
        return score(examples, Head.ALL);
    }

    /** Scores of {@code heads} without gradients (null arrays for the others). */
    public List<Scores> score(List<Example> examples, Set<Head> heads) {
        try (NDManager manager = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            ScoreTensors s = forward(manager, examples, false, heads);
            int r = (int) s.actionMask().getShape().get(1);
            float[] logProbs = floats(s.logProbs());
            float[] entropies = floats(s.entropies());
            float[] values = floats(s.values());
            float[] rewards = s.rewards() == null ? null : s.rewards().toType(DataType.FLOAT32, false).toFloatArray();
            List<Scores> out = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                int len = examples.get(i).response.length;
                out.add(new Scores(slice(logProbs, i * r, len), slice(entropies, i * r, len),
                        slice(values, i * r, len), rewards == null ? Float.NaN : rewards[i]));
            }
            return out;
        }
    }

    private static float[] floats(NDArray a) {
        return a == null ? null : a.toFloatArray();
    }

    private static float[] slice(float[] a, int from, int length) {
        if (a == null) {
            return null;
        }
        float[] out = new float[length];
        System.arraycopy(a, from, out, 0, length);
        return out;
    }
}
