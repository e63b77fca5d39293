package rlhf.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.TestModels;

class SequenceRewardsTest {
    private static final List<Scorer.Example> EXAMPLES = List.of(
            new Scorer.Example(new int[] {4, 8, 15}, new int[] {16, 23, 42}),
            new Scorer.Example(new int[] {1, 2, 3, 4, 5}, new int[] {6, 7, 8, 9}), // longer: pads the first
            new Scorer.Example(new int[] {9}, new int[] {10}));
    private static GptModel head;
    private static GptModel withLikelihood;

    @BeforeAll
    static void setUp() {
        head = TestModels.tiny(5);
        withLikelihood = head.withRewardLikelihood(2.5f);
    }

    @AfterAll
    static void tearDown() {
        head.close();
        withLikelihood.close();
    }

    @Test
    void withoutTheLikelihoodTermTheRewardIsTheHeadAtTheLastToken() {
        float[] rewards = SequenceRewards.score(head, EXAMPLES, 2);
        List<Scorer.Scores> scores = new Scorer(head).score(EXAMPLES);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            assertThat(rewards[i]).isCloseTo(scores.get(i).reward(), within(1e-4f));
        }
        assertThat(head.config().rewardLikelihood()).isFalse();
        assertThatThrownBy(head::likelihoodWeight).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLikelihoodTermAddsBetaTimesTheMeanResponseLogProbability() {
        float[] plain = SequenceRewards.score(head, EXAMPLES, 8);
        float[] rewards = SequenceRewards.score(withLikelihood, EXAMPLES, 2);
        List<Scorer.Scores> scores = new Scorer(head).score(EXAMPLES); // same weights, so the same log-probabilities
        for (int i = 0; i < EXAMPLES.size(); i++) {
            double sum = 0;
            for (float lp : scores.get(i).logProbs()) {
                sum += lp;
            }
            double expected = plain[i] + 2.5 * sum / EXAMPLES.get(i).response().length;
            assertThat((double) rewards[i]).isCloseTo(expected, within(1e-4));
            assertThat((double) rewards[i]).isNotCloseTo(plain[i], within(1e-2)); // the term is really there
        }
        // Scorer reports the same reward as the serving and training path.
        List<Scorer.Scores> withTerm = new Scorer(withLikelihood).score(EXAMPLES);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            assertThat(withTerm.get(i).reward()).isCloseTo(rewards[i], within(1e-4f));
        }
    }

    @Test
    void betaIsATrainedParameterAndEveryOtherWeightIsCopied() {
        GptConfig config = withLikelihood.config();
        assertThat(config.rewardLikelihood()).isTrue();
        assertThat(config.withRewardLikelihood(false)).isEqualTo(head.config());
        assertThat(config.parameterCount()).isEqualTo(head.config().parameterCount() + 1);
        assertThat(withLikelihood.likelihoodWeight().toFloatArray()).containsExactly(2.5f);
        assertThat(withLikelihood.parameters()).containsKey(GptModel.LIKELIHOOD_WEIGHT);
        head.parameters().forEach((name, p) ->
                assertThat(withLikelihood.parameters().get(name).toFloatArray()).containsExactly(p.toFloatArray()));
        assertThat(GptConfig.fromJson(config.toJson())).isEqualTo(config);
        // A fresh model of this config starts at β = 1.
        try (GptModel fresh = GptModel.create(config, 3)) {
            assertThat(fresh.likelihoodWeight().toFloatArray()).containsExactly(1f);
        }
        // The ranking loss reaches β: d r / d β is the mean response log-probability.
        try (GptModel copy = withLikelihood.copy(); NDManager m = copy.manager().newSubManager();
                NDScope ignored = new NDScope()) {
            copy.setTrainable(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray r = SequenceRewards.forward(copy, m, EXAMPLES.subList(2, 3), true);
                gc.backward(r.sum());
            }
            float logp = new Scorer(head).score(EXAMPLES.subList(2, 3)).get(0).logProbs()[0];
            assertThat(copy.likelihoodWeight().getGradient().toFloatArray()[0]).isCloseTo(logp, within(1e-4f));
        }
    }

    @Test
    void configsWrittenBeforeTheLikelihoodTermReadBackWithout() {
        String old = "{\"vocabSize\": 48, \"contextLength\": 32, \"layers\": 2, \"heads\": 2, \"width\": 16,"
                + " \"dropout\": 0.0, \"positions\": \"rotary\"}";
        assertThat(GptConfig.fromJson(old).rewardLikelihood()).isFalse();
    }
}
