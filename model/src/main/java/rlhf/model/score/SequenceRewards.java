package rlhf.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import rlhf.model.GptModel;
import rlhf.model.Scalars;

/**
 * A reward model's r(x, y) for (prompt x, response y): the reward head read at the last token of x ⧺ y (InstructGPT
 * §3.5), plus, when the model's config has {@code rewardLikelihood}, β · (1/|y|) Σ_t log π(y_t | x, y_<t) under the
 * model's own LM head, β being the trained parameter {@link GptModel#LIKELIHOOD_WEIGHT}. The second term is the
 * length-normalised, reference-free implicit reward of SimPO (Meng et al. 2024): it hands the reward model what the
 * language model it was initialised from already knows about which answers are likely, instead of making the scalar
 * head rediscover it from a few thousand comparisons; the ranking loss trains it together with the head.
 *
 * <p>When the config has a {@code rewardBound} c, the sum u above is read out as r = (c/2)·tanh(2u/c): r ≈ u for
 * small u, and |r_a − r_b| &lt; c, so σ(r_a − r_b) never exceeds σ(c). Labelers who flip a pair with probability ε are
 * never more consistent than 1 − ε, and a reward model whose margins may grow without bound is overconfident on
 * exactly the pairs it finds easiest; calibration fits c on validation comparisons (ε = 0.1 gives c ≈ ln 9).
 *
 * <p>Without the likelihood term the (B, T, V) logits are never built, which for GPT-2's vocabulary would be ~13 GB at
 * B = 64, T = 1024. Shape legend: B examples, T padded length, R longest response, V vocabulary.
 */
public final class SequenceRewards {

    private SequenceRewards() {
    }

    /** (B) differentiable rewards in input order; arrays are created in {@code manager}; call inside an NDScope. */
    public static NDArray forward(GptModel model, NDManager manager, List<Scorer.Example> examples, boolean training) {
        PackedExamples packed = new PackedExamples(examples);
        NDArray hidden = model.hidden(manager, packed.batch, training); // (B, T, C)
        NDArray head = headRewards(model, hidden, packed.lastToken(manager)); // (B)
        if (!model.config().rewardLikelihood()) {
            return bounded(model, head);
        }
        NDArray tokenLogp = model.logits(hidden).logSoftmax(2).gather(packed.nextTokens(manager), 2).squeeze(2); // (B, T)
        NDArray mask = packed.responseMask(manager);
        return readout(model, head, tokenLogp.gather(packed.predictedFrom(manager), 1).mul(mask), mask);
    }

    /** Rewards without gradients, {@code batchSize} examples per forward. */
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

    /** (B) the reward head at each sequence's last token; {@code lastToken} is (B, 1). */
    static NDArray headRewards(GptModel model, NDArray hidden, NDArray lastToken) {
        return model.rewards(hidden).gather(lastToken, 1).squeeze(1);
    }

    /**
     * head + β · mean log-probability of the response tokens (or {@code head} alone when the config has no likelihood
     * term), bounded when the config has a bound.
     *
     * @param head             (B) reward head at the last token
     * @param responseLogProbs (B, R) log π of each response token, 0 at padding
     * @param mask             (B, R) 1 for response tokens
     */
    static NDArray readout(GptModel model, NDArray head, NDArray responseLogProbs, NDArray mask) {
        if (!model.config().rewardLikelihood()) {
            return bounded(model, head);
        }
        NDArray meanLogp = responseLogProbs.sum(new int[] {1}).div(mask.sum(new int[] {1})); // (B)
        return bounded(model, head.add(meanLogp.mul(model.likelihoodWeight())));
    }

    /** (c/2)·tanh(2u/c) for the config's bound c, or u itself when unbounded. */
    private static NDArray bounded(GptModel model, NDArray u) {
        float c = model.config().rewardBound();
        return c > 0 ? Scalars.mul(Scalars.mul(u, 2f / c).tanh(), c / 2f) : u;
    }

    /** The same bound on a plain number: (c/2)·tanh(2u/c), or u when c = 0. */
    public static double bounded(double u, double c) {
        return c > 0 ? c / 2 * Math.tanh(2 * u / c) : u;
    }
}
