package rlhf.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rlhf.model.GptModel;
import rlhf.model.TestModels;
import rlhf.model.score.Scorer;

class GenerationEngineTest {
    private static final int EOT = 47;
    private static final List<int[]> PROMPTS = List.of(new int[] {5, 3, 8, 1, 9}, new int[] {2}, new int[] {7, 7, 4});
    private static GptModel model;

    @BeforeAll
    static void setUp() {
        model = GptModel.create(TestModels.tinyConfig(), 11); // unscaled: smooth distributions for sampling
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private static GenerationEngine engine(int maxBatch) {
        return new GenerationEngine(model, EOT, maxBatch);
    }

    @Test
    void seededSamplingIsReproducibleAndIndependentOfBatching() {
        SamplingParams params = SamplingParams.sampling(10, 1.0f, 1234).withSamplesPerPrompt(3).withStopAtEndOfText(false);
        List<Generation> a = engine(16).generate(PROMPTS, params);
        List<Generation> b = engine(16).generate(PROMPTS, params);
        List<Generation> oneByOne = engine(1).generate(PROMPTS, params);
        assertThat(a).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(b.get(i).tokens()).containsExactly(a.get(i).tokens());
            assertThat(oneByOne.get(i).tokens()).as("sequence %d alone", i).containsExactly(a.get(i).tokens());
            assertThat(a.get(i).promptIndex()).isEqualTo(i / 3);
            assertThat(a.get(i).sampleIndex()).isEqualTo(i % 3);
        }
        List<Generation> other = engine(16).generate(PROMPTS, new SamplingParams(10, 1f, 0, 1f, 99, 3, List.of(), false));
        assertThat(other.stream().map(g -> Arrays.toString(g.tokens())).toList())
                .isNotEqualTo(a.stream().map(g -> Arrays.toString(g.tokens())).toList());
        assertThat(Arrays.toString(a.get(0).tokens())).as("samples of one prompt differ")
                .isNotEqualTo(Arrays.toString(a.get(1).tokens()));
    }

    @Test
    void reportedLogProbsEqualTeacherForcedScoresOfTheSameTokens() {
        // The KV-cache path and the full forward must agree on every sampled token's log-prob.
        SamplingParams params = SamplingParams.sampling(12, 1.0f, 5).withStopAtEndOfText(false);
        List<Generation> gens = engine(8).generate(PROMPTS, params);
        List<Scorer.Example> examples = new ArrayList<>();
        for (Generation g : gens) {
            examples.add(new Scorer.Example(PROMPTS.get(g.promptIndex()), g.tokens()));
        }
        List<Scorer.Scores> scores = new Scorer(model).score(examples);
        for (int i = 0; i < gens.size(); i++) {
            assertThat(gens.get(i).logProbs()).containsExactly(scores.get(i).logProbs(), within(1e-4f));
            // temperature 1 without truncation: the sampling distribution is the raw one
            assertThat(gens.get(i).samplingLogProbs()).containsExactly(gens.get(i).logProbs(), within(1e-4f));
        }
    }

    @Test
    void temperatureAndTruncationChangeOnlyTheSamplingLogProbs() {
        List<Generation> hot = engine(8).generate(PROMPTS, SamplingParams.sampling(6, 2f, 5).withTopK(5).withStopAtEndOfText(false));
        for (Generation g : hot) {
            for (int t = 0; t < g.tokens().length; t++) {
                assertThat(g.samplingLogProbs()[t]).isNotCloseTo(g.logProbs()[t], within(1e-6f));
            }
        }
        List<Generation> topOne = engine(8).generate(PROMPTS, SamplingParams.sampling(6, 1f, 5).withTopK(1).withStopAtEndOfText(false));
        List<Generation> greedy = engine(8).generate(PROMPTS, SamplingParams.greedy(6).withStopAtEndOfText(false));
        for (int i = 0; i < greedy.size(); i++) {
            assertThat(topOne.get(i).tokens()).containsExactly(greedy.get(i).tokens());
            assertThat(topOne.get(i).samplingLogProbs()).containsOnly(0f);
        }
    }

    @Test
    void endOfTextAndStopSequencesEndEachSequenceOnItsOwn() {
        List<Generation> free = engine(8).generate(PROMPTS, SamplingParams.greedy(8).withStopAtEndOfText(false));
        assertThat(free).allSatisfy(g -> assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH));
        int[] first = free.get(0).tokens();
        int[] stop = {first[2], first[3]};
        List<Generation> stopped = engine(8).generate(PROMPTS,
                SamplingParams.greedy(8).withStopAtEndOfText(false).withStopSequences(List.of(stop)));
        Generation g0 = stopped.get(0);
        assertThat(g0.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        int end = indexOfSuffix(first, stop);
        assertThat(g0.tokens()).containsExactly(Arrays.copyOf(first, end));

        int eot = first[1];
        List<Generation> withEot = new GenerationEngine(model, eot, 8).generate(PROMPTS, SamplingParams.greedy(8));
        assertThat(withEot.get(0).finishReason()).isEqualTo(FinishReason.END_OF_TEXT);
        assertThat(withEot.get(0).tokens()).containsExactly(Arrays.copyOf(first, firstIndexOf(first, eot) + 1));
        for (int i = 1; i < 3; i++) {
            int[] other = free.get(i).tokens();
            int at = firstIndexOf(other, eot);
            int[] expected = at < 0 ? other : Arrays.copyOf(other, at + 1);
            assertThat(withEot.get(i).tokens()).as("sequence %d unaffected by others' end", i).containsExactly(expected);
        }
    }

    @Test
    void streamingCallbackSeesEveryTokenInOrder() {
        List<List<Integer>> streamed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            streamed.add(new ArrayList<>());
        }
        int[] finished = new int[1];
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(int sequence, int token, float logProb) {
                streamed.get(sequence).add(token);
            }

            @Override
            public void onFinish(int sequence, Generation generation) {
                finished[0]++;
            }
        };
        List<Generation> gens = engine(4).generate(PROMPTS.subList(0, 2),
                SamplingParams.sampling(7, 0.8f, 3).withTopP(0.9f).withSamplesPerPrompt(3), listener);
        assertThat(finished[0]).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            assertThat(streamed.get(i).stream().mapToInt(Integer::intValue).toArray()).containsExactly(gens.get(i).tokens());
        }
    }

    @Test
    void rejectsPromptsThatDoNotFit() {
        assertThatThrownBy(() -> engine(4).generate(List.of(new int[30]), SamplingParams.greedy(8)))
                .hasMessageContaining("context length 32");
        assertThatThrownBy(() -> engine(4).generate(List.of(new int[] {99}), SamplingParams.greedy(8)))
                .hasMessageContaining("token id 99");
    }

    private static int firstIndexOf(int[] a, int x) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfSuffix(int[] tokens, int[] stop) {
        for (int end = stop.length; end <= tokens.length; end++) {
            if (Arrays.equals(Arrays.copyOfRange(tokens, end - stop.length, end), stop)) {
                return end;
            }
        }
        return -1;
    }
}
