package rlhf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decoder's invariants, for GPT-2's learned positions and for rotary ones. */
class GptModelTest {
    private static GptModel model;
    private static GptModel rotary;

    @BeforeAll
    static void setUp() {
        model = TestModels.tiny(7);
        rotary = TestModels.tiny(TestModels.tinyRotaryConfig(), 7);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        rotary.close();
    }

    static List<GptModel> bothPositionKinds() {
        return List.of(model, rotary);
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new GptConfig(10, 8, 1, 3, 16, 0f)).hasMessageContaining("divisible");
        assertThatThrownBy(() -> new GptConfig(0, 8, 1, 2, 16, 0f)).hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> new GptConfig(10, 8, 1, 2, 16, 1f)).hasMessageContaining("dropout");
        GptConfig c = GptConfig.gpt2Small();
        assertThat(GptConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThat(c.parameterCount()).isBetween(124_000_000L, 124_500_000L);
    }

    @ParameterizedTest(autoCloseArguments = false) // the models are shared and closed once, after all tests
    @MethodSource("bothPositionKinds")
    void aFutureTokenCannotChangeAPastLogit(GptModel model) {
        int[] a = {1, 5, 9, 3, 7, 2, 8, 4, 6, 11};
        int[] b = a.clone();
        b[6] = 40;
        float[][] la = TestModels.fullLogits(model, a);
        float[][] lb = TestModels.fullLogits(model, b);
        for (int t = 0; t < 6; t++) {
            assertThat(lb[t]).as("position %d", t).containsExactly(la[t], within(1e-6f));
        }
        assertThat(maxAbsDiff(la[6], lb[6])).as("the changed position itself changes").isGreaterThan(1e-3f);
        assertThat(maxAbsDiff(la[9], lb[9])).as("later positions change").isGreaterThan(1e-3f);
    }

    @ParameterizedTest(autoCloseArguments = false) // the models are shared and closed once, after all tests
    @MethodSource("bothPositionKinds")
    void leftPaddingGivesTheSameLogitsAsNoPadding(GptModel model) {
        int[] shortSeq = {3, 1, 4};
        int[] longSeq = {2, 7, 1, 8, 2, 8};
        float[][] alone = TestModels.fullLogits(model, shortSeq);
        try (NDManager m = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            TokenBatch batch = TokenBatch.leftPadded(List.of(longSeq, shortSeq));
            float[] flat = model.logits(model.hidden(m, batch, false)).toFloatArray(); // (2, 6, V)
            int v = model.config().vocabSize();
            for (int t = 0; t < 3; t++) {
                float[] row = new float[v];
                System.arraycopy(flat, (6 + 3 + t) * v, row, 0, v);
                assertThat(row).containsExactly(alone[t], within(1e-4f));
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the models are shared and closed once, after all tests
    @MethodSource("bothPositionKinds")
    void kvCacheGivesTheSameLogitsAsFullRecomputationAtEveryStep(GptModel model) {
        List<int[]> prompts = List.of(new int[] {5, 3, 8, 1, 9}, new int[] {2}, new int[] {7, 7, 4});
        int steps = 12;
        int v = model.config().vocabSize();
        List<List<Integer>> sequences = new ArrayList<>();
        prompts.forEach(p -> {
            List<Integer> s = new ArrayList<>();
            for (int x : p) {
                s.add(x);
            }
            sequences.add(s);
        });
        TokenBatch batch = TokenBatch.leftPadded(prompts);
        int p = batch.length();
        boolean[][] valid = new boolean[3][p + steps];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(batch.validMask()[i], 0, valid[i], 0, p);
        }
        float maxDiff = 0f;
        try (NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(m, model.config(), 3, p + steps)) {
            float[] cached;
            try (NDScope ignored = new NDScope()) {
                NDArray h = model.hidden(batch.tokens(m), batch.positions(m), AttentionBias.create(m, valid, 0, p), false, cache);
                cached = model.logits(h.get(new NDIndex(":, -1, :"))).toFloatArray(); // (B, V)
            }
            for (int step = 0; step < steps; step++) {
                long[] next = new long[3];
                long[] pos = new long[3];
                for (int i = 0; i < 3; i++) {
                    List<Integer> s = sequences.get(i);
                    float[] full = TestModels.fullLogits(model, s.stream().mapToInt(Integer::intValue).toArray())[s.size() - 1];
                    float[] row = new float[v];
                    System.arraycopy(cached, i * v, row, 0, v);
                    maxDiff = Math.max(maxDiff, maxAbsDiff(full, row));
                    assertThat(row).as("step %d sequence %d", step, i).containsExactly(full, within(1e-4f));
                    int token = argMax(row);
                    pos[i] = s.size();
                    s.add(token);
                    next[i] = token;
                    valid[i][p + step] = true;
                }
                try (NDScope ignored = new NDScope()) {
                    NDArray h = model.hidden(m.create(next, new Shape(3, 1)), m.create(pos, new Shape(3, 1)),
                            AttentionBias.create(m, valid, p + step, 1), false, cache);
                    cached = model.logits(h.get(new NDIndex(":, 0, :"))).toFloatArray();
                }
            }
        }
        assertThat(maxDiff).isLessThan(1e-4f);
    }

    @Test
    void rotaryAttentionDependsOnDistancesNotOnAbsolutePositions() {
        int[] tokens = {5, 3, 8, 1, 9, 2};
        float[][] at0 = logitsAt(rotary, tokens, 0);
        float[][] at9 = logitsAt(rotary, tokens, 9);
        float[][] learnedAt0 = logitsAt(model, tokens, 0);
        float[][] learnedAt9 = logitsAt(model, tokens, 9);
        for (int t = 0; t < tokens.length; t++) {
            assertThat(at9[t]).as("position %d", t).containsExactly(at0[t], within(2e-3f));
        }
        // the test can tell: learned embeddings make the same tokens at other positions give other logits
        assertThat(maxAbsDiff(learnedAt0[5], learnedAt9[5])).isGreaterThan(0.1f);
        // and rotation does act: swapping two earlier tokens changes the last logits (attention sees order)
        float[][] swapped = logitsAt(rotary, new int[] {3, 5, 8, 1, 9, 2}, 0);
        assertThat(maxAbsDiff(swapped[5], at0[5])).isGreaterThan(1e-2f);
    }

    @Test
    void rotaryConfigHasNoPositionParametersAndReadsBack() {
        GptConfig c = TestModels.tinyRotaryConfig();
        assertThat(GptModel.expectedShapes(c)).doesNotContainKey("wpe.weight");
        assertThat(GptModel.expectedShapes(TestModels.tinyConfig())).containsKey("wpe.weight");
        long shapes = GptModel.expectedShapes(c).values().stream().mapToLong(Shape::size).sum();
        assertThat(c.parameterCount()).isEqualTo(shapes);
        assertThat(TestModels.tinyConfig().parameterCount() - c.parameterCount()).isEqualTo(32L * 16);
        assertThat(GptConfig.fromJson(c.toJson())).isEqualTo(c);
        String beforeRotary = TestModels.tinyConfig().toJson().replaceAll(",\\s*\"positions\":\\s*\"learned\"", "");
        assertThat(beforeRotary).doesNotContain("positions");
        assertThat(GptConfig.fromJson(beforeRotary)).isEqualTo(TestModels.tinyConfig());
        assertThatThrownBy(() -> new GptConfig(10, 8, 1, 2, 16, 0f, "sinusoidal")).hasMessageContaining("positions");
        assertThatThrownBy(() -> new GptConfig(10, 8, 1, 2, 6, 0f, "rotary")).hasMessageContaining("even head width");
        try (GptModel copy = rotary.copy()) {
            assertThat(logitsAt(copy, new int[] {1, 2, 3}, 4)[2]).containsExactly(logitsAt(rotary, new int[] {1, 2, 3}, 4)[2],
                    within(1e-6f));
        }
    }

    /** Logits of one sequence whose positions start at {@code first} instead of 0. */
    private static float[][] logitsAt(GptModel m0, int[] tokens, int first) {
        int n = tokens.length;
        long[] ids = new long[n];
        long[] pos = new long[n];
        boolean[][] valid = new boolean[1][n];
        for (int i = 0; i < n; i++) {
            ids[i] = tokens[i];
            pos[i] = first + i;
            valid[0][i] = true;
        }
        try (NDManager m = m0.manager().newSubManager(); NDScope ignored = new NDScope()) {
            NDArray h = m0.hidden(m.create(ids, new Shape(1, n)), m.create(pos, new Shape(1, n)),
                    AttentionBias.create(m, valid, 0, n), false, null);
            float[] flat = m0.logits(h).toFloatArray();
            int v = m0.config().vocabSize();
            float[][] out = new float[n][v];
            for (int t = 0; t < n; t++) {
                System.arraycopy(flat, t * v, out[t], 0, v);
            }
            return out;
        }
    }

    @Test
    void rejectsSequencesLongerThanTheContext() {
        assertThatThrownBy(() -> TestModels.fullLogits(model, new int[33]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds contextLength 32");
    }

    @Test
    void headsHaveTheDocumentedShapes() {
        try (NDManager m = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            NDArray h = model.hidden(m, TokenBatch.rightPadded(List.of(new int[] {1, 2, 3}, new int[] {4, 5})), false);
            assertThat(h.getShape()).isEqualTo(new Shape(2, 3, 16));
            assertThat(model.logits(h).getShape()).isEqualTo(new Shape(2, 3, 48));
            assertThat(model.rewards(h).getShape()).isEqualTo(new Shape(2, 3));
            assertThat(model.values(h).getShape()).isEqualTo(new Shape(2, 3));
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float d = 0f;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static int argMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
