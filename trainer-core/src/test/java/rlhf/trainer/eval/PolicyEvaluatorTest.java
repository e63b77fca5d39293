package rlhf.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.tokenizer.ByteTokenizer;

/** KL to the reference and reward of sampled answers, against answers computed by hand. */
class PolicyEvaluatorTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 1, 2, 16, 0f);
    private static final List<String> PROMPTS = List.of("What is 2 plus 3?", "Hi there!", "Name 2 colors.",
            "Reverse the words: red fox blue owl gold cat green seal pink duck gray wolf white frog black bear");

    @Test
    void identicalModelsAreAtKlExactlyZero() {
        try (GptModel policy = GptModel.create(CONFIG, 5); GptModel reference = policy.copy()) {
            PolicyEvaluator evaluator = new PolicyEvaluator(reference, null, TOKENIZER,
                    new PolicyEvaluator.Settings(1f, 7, 8, 3)); // batch 3: two scoring chunks; the last prompt is cut
            PolicyEvaluator.Result r = evaluator.evaluate(policy, PROMPTS, PolicyEvaluator.Progress.NONE);
            assertThat(r.samples()).hasSize(PROMPTS.size()).allSatisfy(s -> {
                assertThat(s.kl()).isEqualTo(0.0);
                assertThat(s.k3()).isEqualTo(0.0);
                assertThat(s.reward()).isNaN();
            });
            assertThat(r.meanKl()).isEqualTo(0.0);
            assertThat(r.meanK3()).isEqualTo(0.0);
            assertThat(r.meanReward()).isEmpty();
            assertThat(r.meanResponseTokens()).isBetween(1.0, 8.0);
            // seeded: the same answers again
            assertThat(evaluator.evaluate(policy, PROMPTS, PolicyEvaluator.Progress.NONE).samples())
                    .extracting(PolicyEvaluator.Sample::answer)
                    .containsExactlyElementsOf(r.samples().stream().map(PolicyEvaluator.Sample::answer).toList());
        }
    }

    /**
     * The reference's final layer norm outputs 0 everywhere, so its next-token distribution is uniform, q = 1/V. The
     * policy's outputs e_0 and its embedding column 0 is s at token k and 0 elsewhere, so its logits are s at k and 0
     * elsewhere at every step: p(k) = e^s / (e^s + V − 1), p(other) = 1 / (e^s + V − 1). A reward head of weight 0
     * and bias 0.75 scores every answer 0.75.
     */
    @Test
    void knownLogitShiftGivesTheHandComputedKlAndReward() {
        int v = ByteTokenizer.VOCAB_SIZE;
        int k = TOKENIZER.encode("a")[0];
        float s = 3f;
        try (GptModel reference = GptModel.create(CONFIG, 5); GptModel policy = reference.copy();
                GptModel reward = GptModel.create(CONFIG, 6)) {
            reference.parameters().get("ln_f.weight").muli(0f);
            reference.parameters().get("ln_f.bias").muli(0f);
            policy.parameters().get("ln_f.weight").muli(0f);
            NDArray bias = policy.parameters().get("ln_f.bias");
            bias.muli(0f);
            bias.set(new NDIndex("0"), 1f);
            NDArray wte = policy.parameters().get("wte.weight");
            wte.set(new NDIndex(":, 0"), 0f);
            wte.set(new NDIndex(k + ", 0"), s);
            reward.parameters().get("reward_head.weight").muli(0f);
            reward.parameters().get("reward_head.bias").muli(0f).addi(0.75f);

            double z = Math.exp(s) + v - 1;
            double logPk = s - Math.log(z);
            double logPOther = -Math.log(z);
            double logQ = -Math.log(v);

            // Greedy: k at every step, never end-of-text: 5 tokens of log p(k) − log q each.
            PolicyEvaluator greedy = new PolicyEvaluator(reference, reward, TOKENIZER,
                    new PolicyEvaluator.Settings(0f, 0, 5, 4));
            PolicyEvaluator.Result g = greedy.evaluate(policy, PROMPTS, PolicyEvaluator.Progress.NONE);
            assertThat(g.samples()).allSatisfy(x -> {
                assertThat(x.answer()).isEqualTo("aaaaa");
                assertThat(x.kl()).isCloseTo(5 * (logPk - logQ), within(1e-4));
            });
            // s − ln(e^3 + 259) + ln 260 = 3 − 5.63152 + 5.56068 = 2.92916 nats per token
            assertThat(g.meanKl()).isCloseTo(5 * 2.92916, within(1e-3));
            double rho = Math.exp(logQ - logPk);
            assertThat(g.meanK3()).isCloseTo(5 * (rho - 1 - Math.log(rho)), within(1e-4));
            assertThat(g.meanReward()).hasValueCloseTo(0.75, within(1e-6));

            // Sampled: each answer's KL is the sum over its own tokens.
            PolicyEvaluator sampled = new PolicyEvaluator(reference, reward, TOKENIZER,
                    new PolicyEvaluator.Settings(1f, 11, 12, 4));
            PolicyEvaluator.Result r = sampled.evaluate(policy, PROMPTS, PolicyEvaluator.Progress.NONE);
            double sum = 0;
            for (PolicyEvaluator.Sample x : r.samples()) {
                double expected = 0;
                for (int id : x.responseIds()) {
                    expected += (id == k ? logPk : logPOther) - logQ;
                }
                assertThat(x.kl()).isCloseTo(expected, within(1e-4));
                assertThat(x.reward()).isCloseTo(0.75f, within(1e-6f));
                sum += expected;
            }
            assertThat(r.meanKl()).isCloseTo(sum / PROMPTS.size(), within(1e-4));
        }
    }

    @Test
    void reportsProgressAndRejectsWhatCannotWork() {
        try (GptModel policy = GptModel.create(CONFIG, 5)) {
            PolicyEvaluator evaluator = new PolicyEvaluator(policy, null, TOKENIZER,
                    new PolicyEvaluator.Settings(0f, 0, 4, 2));
            int[] answered = new int[1];
            int[] scored = new int[1];
            evaluator.evaluate(policy, PROMPTS, new PolicyEvaluator.Progress() {
                @Override
                public void answered(int done, int total) {
                    answered[0] = done;
                    assertThat(total).isEqualTo(PROMPTS.size());
                }

                @Override
                public void scored(int done, int total) {
                    scored[0] = done;
                }
            });
            assertThat(answered[0]).isEqualTo(PROMPTS.size());
            assertThat(scored[0]).isEqualTo(PROMPTS.size());
            assertThatThrownBy(() -> evaluator.evaluate(policy, List.of(), PolicyEvaluator.Progress.NONE))
                    .hasMessageContaining("no prompts");
            PolicyEvaluator tooLong = new PolicyEvaluator(policy, null, TOKENIZER,
                    new PolicyEvaluator.Settings(0f, 0, 64, 2));
            assertThatThrownBy(() -> tooLong.evaluate(policy, PROMPTS, PolicyEvaluator.Progress.NONE))
                    .hasMessageContaining("no room");
            assertThatThrownBy(() -> new PolicyEvaluator.Settings(-1f, 0, 4, 2)).hasMessageContaining("temperature");
        }
    }
}
