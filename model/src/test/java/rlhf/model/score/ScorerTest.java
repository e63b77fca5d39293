package rlhf.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rlhf.model.GptModel;
import rlhf.model.TestModels;
import rlhf.model.TokenBatch;

class ScorerTest {
    private static GptModel model;

    @BeforeAll
    static void setUp() {
        model = TestModels.tiny(5);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    @Test
    void scoresEqualLogSoftmaxEntropyAndHeadsOfAFullForward() {
        int[] prompt = {4, 8, 15};
        int[] response = {16, 23, 42};
        int[] whole = {4, 8, 15, 16, 23, 42};
        // A longer second example forces padding of the first.
        List<Scorer.Scores> scores = new Scorer(model).score(List.of(new Scorer.Example(prompt, response),
                new Scorer.Example(new int[] {1, 2, 3, 4, 5}, new int[] {6, 7, 8, 9})));
        Scorer.Scores s = scores.get(0);
        assertThat(s.logProbs()).hasSize(3);
        float[][] logits = TestModels.fullLogits(model, whole);
        float[] values;
        float reward;
        try (NDManager m = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            NDArray h = model.hidden(m, TokenBatch.rightPadded(List.of(whole)), false);
            values = model.values(h).toFloatArray();
            reward = model.rewards(h).toFloatArray()[5];
        }
        for (int j = 0; j < 3; j++) {
            double[] p = softmax(logits[2 + j]);
            double entropy = 0;
            for (double x : p) {
                entropy -= x > 0 ? x * Math.log(x) : 0;
            }
            assertThat(s.logProbs()[j]).isCloseTo((float) Math.log(p[response[j]]), within(1e-4f));
            assertThat(s.entropies()[j]).isCloseTo((float) entropy, within(1e-4f));
            assertThat(s.values()[j]).isCloseTo(values[2 + j], within(1e-4f));
        }
        assertThat(s.reward()).isCloseTo(reward, within(1e-4f));
        assertThat(scores.get(1).logProbs()).hasSize(4);
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
