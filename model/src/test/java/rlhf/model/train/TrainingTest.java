package rlhf.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.tokenizer.ByteTokenizer;

class TrainingTest {

    @Test
    void scheduleWarmsUpLinearlyThenFollowsACosine() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(1e-3f, 1e-4f, 10, 110);
        assertThat(s.lr(0)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(s.lr(9)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(s.lr(60)).isCloseTo(5.5e-4f, within(1e-9f)); // halfway: min + (peak - min)/2
        assertThat(s.lr(110)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(s.lr(500)).isCloseTo(1e-4f, within(1e-9f));
    }

    @Test
    void clippingScalesToTheMaxGlobalNormAndReportsTheNormBefore() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1f});
            NDArray b = m.create(new float[] {1f, 1f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(a.mul(3f).sum().add(b.mul(m.create(new float[] {4f, 0f})).sum())); // g = (3), (4, 0)
            }
            float norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 1f);
            assertThat(norm).isCloseTo(5f, within(1e-6f));
            assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {0.6f}, within(1e-6f));
            assertThat(b.getGradient().toFloatArray()).containsExactly(new float[] {0.8f, 0f}, within(1e-6f));
        }
    }

    @Test
    void groupsAreClippedAndSteppedEachWithTheirOwnNormAndLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray actor = m.create(new float[] {1f, 1f});
            NDArray critic = m.create(new float[] {1f});
            actor.setRequiresGradient(true);
            critic.setRequiresGradient(true);
            try (AdamW a = new AdamW(Map.of("a", actor), new AdamW.Settings(0.9f, 0.999f, 1e-8f, 0f));
                    AdamW c = new AdamW(Map.of("c", critic), new AdamW.Settings(0.9f, 0.999f, 1e-8f, 0f));
                    NDManager scope = m.newSubManager()) {
                TrainingLoop loop = new TrainingLoop(scope, List.of(
                        new TrainingLoop.Group("actor", a, new WarmupCosineSchedule(0.1f, 0.1f, 0, 10), 1f),
                        new TrainingLoop.Group("critic", c, new WarmupCosineSchedule(0.01f, 0.01f, 0, 10), 100f)),
                        new TrainingLoop.Settings(10, 0f, 0), line -> { }, new TrainingLoop.StepListener() { });
                // g_actor = (3, 4): norm 5, clipped to 1; g_critic = (50): norm 50, under its clip of 100
                TrainingLoop.StepResult r = loop.step((mgr, step) -> new TrainingLoop.Loss(
                        actor.mul(mgr.create(new float[] {3f, 4f})).sum().add(critic.mul(50f).sum()), 1));
                assertThat(r.groupNorms()).containsExactly(new float[] {5f, 50f}, within(1e-4f));
                assertThat(r.gradNorm()).isCloseTo(5f, within(1e-4f));
                assertThat(r.learningRate()).isCloseTo(0.1f, within(1e-9f));
                // Adam's first step moves each weight by its group's lr × sign(g), whatever the gradient's scale
                assertThat(actor.toFloatArray()).containsExactly(new float[] {0.9f, 0.9f}, within(1e-5f));
                assertThat(critic.toFloatArray()).containsExactly(new float[] {0.99f}, within(1e-5f));
            }
        }
    }

    @Test
    void adamWFirstStepMatchesTheHandComputedUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray matrix = m.create(new float[] {1f}, new Shape(1, 1));
            NDArray bias = m.create(new float[] {1f});
            matrix.setRequiresGradient(true);
            bias.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(matrix.mul(2f).sum().add(bias.mul(2f).sum())); // g = 2 for both
            }
            try (AdamW adam = new AdamW(Map.of("w", matrix, "b", bias), new AdamW.Settings(0.9f, 0.999f, 1e-8f, 0.1f))) {
                adam.step(0.1f);
                // m̂ = 2, v̂ = 4 → step lr·m̂/(√v̂ + ε) = 0.1; the matrix also decays by lr·λ = 1%
                assertThat(matrix.toFloatArray()[0]).isCloseTo(1f * 0.99f - 0.1f, within(1e-6f));
                assertThat(bias.toFloatArray()[0]).isCloseTo(0.9f, within(1e-6f));
                assertThat(bias.getGradient().toFloatArray()).containsExactly(0f);
            }
        }
    }

    @Test
    void aSmallRunMemorisesATinyCorpus() {
        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] corpus = tokenizer.encode("Q: What is 2 plus 3? A: 5. Q: Name 2 colors. A: red, blue. ");
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 2, 2, 32, 0f);
        List<String> log = new ArrayList<>();
        try (GptModel model = GptModel.create(config, 1); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0f))) {
            model.setTrainable(true);
            int[][] windows = windows(corpus, 16, 8);
            double before = CausalLmLoss.evaluate(model, windows, 8);
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(1e-2f, 1e-3f, 10, 150),
                    new TrainingLoop.Settings(150, 1f, 50), log::add);
            List<TrainingLoop.StepResult> results = loop.run((mgr, step) ->
                    new TrainingLoop.Loss(CausalLmLoss.loss(model, mgr, windows, true), 8L * 16));
            double after = CausalLmLoss.evaluate(model, windows, 8);
            assertThat(before).isGreaterThan(5.0); // ≈ ln 260 = 5.56 at init
            assertThat(after).isLessThan(0.5);
            assertThat(results.get(149).loss()).isLessThan(results.get(0).loss() / 5);
            assertThat(log).hasSize(3);
            assertThat(log.get(2)).startsWith("step 150/150 [####################] loss").contains("tok/s");
        }
    }

    @Test
    void aThousandStepsDoNotGrowTheNumberOfLiveNDArrays() {
        GptConfig config = new GptConfig(32, 8, 1, 2, 8, 0.1f);
        try (GptModel model = GptModel.create(config, 2); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), AdamW.Settings.gpt2())) {
            model.setTrainable(true);
            int[][] windows = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {9, 8, 7, 6, 5, 4, 3, 2, 1}};
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(1e-3f, 1e-4f, 10, 1000),
                    new TrainingLoop.Settings(1000, 1f, 0), line -> { });
            TrainingLoop.Objective objective = (mgr, step) ->
                    new TrainingLoop.Loss(CausalLmLoss.loss(model, mgr, windows, true), 16);
            loop.step(objective);
            int afterFirstStep = LiveArrays.count(manager);
            for (int i = 1; i < 1000; i++) {
                loop.step(objective);
            }
            assertThat(LiveArrays.count(manager)).isEqualTo(afterFirstStep);
            assertThat(afterFirstStep).isGreaterThanOrEqualTo(3 * model.parameters().size()); // weights + 2 moments
        }
    }

    static int[][] windows(int[] corpus, int length, int count) {
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) {
            int start = (i * 7) % (corpus.length - length - 1);
            out[i] = java.util.Arrays.copyOfRange(corpus, start, start + length + 1);
        }
        return out;
    }
}
