package rlhf.policy.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.tokenizer.ByteTokenizer;

/** How the batch worker turns concurrent jobs into engine calls. */
class BatchedGenerationTest {

    private static GptModel model;
    private static GenerationEngine engine;

    @BeforeAll
    static void tinyModel() {
        model = GptModel.create(new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 1, 2, 16, 0f), 3);
        engine = new GenerationEngine(model, ByteTokenizer.END_OF_TEXT, 32);
    }

    @AfterAll
    static void free() {
        model.close();
    }

    private static final class Calls implements GenerationObserver {
        final List<Integer> sequences = new ArrayList<>();

        @Override
        public void engineCall(int sequences, int tokens, long nanos) {
            this.sequences.add(sequences);
        }

        @Override
        public void abandoned(int requests) {
        }
    }

    private static SamplingParams params(int n, long seed) {
        return new SamplingParams(6, 1f, 0, 1f, seed, n, List.of(), true);
    }

    @Test
    void unseededJobsWithEqualParametersShareOneEngineCallAndSeededJobsRunAlone() {
        Calls calls = new Calls();
        BatchedGeneration batch = new BatchedGeneration(engine, calls);
        int[] a = {ByteTokenizer.USER, 'h', 'i', ByteTokenizer.END_OF_TEXT, ByteTokenizer.ASSISTANT};
        int[] b = {ByteTokenizer.USER, 'y', 'o', ByteTokenizer.END_OF_TEXT, ByteTokenizer.ASSISTANT};
        GenerationJob first = new GenerationJob(a, params(3, 0), false, GenerationJob.Listener.NONE);
        GenerationJob second = new GenerationJob(b, params(2, 0), false, GenerationJob.Listener.NONE);
        GenerationJob seeded = new GenerationJob(a, params(2, 77), true, GenerationJob.Listener.NONE);

        List<BatchedGeneration.Outcome> outcomes = batch.run(List.of(first, seeded, second));

        assertThat(calls.sequences).containsExactly(5, 2); // 3 + 2 unseeded samples together, the seeded job alone
        assertThat(outcomes.get(0).get()).extracting(Generation::sampleIndex).containsExactly(0, 1, 2);
        assertThat(outcomes.get(2).get()).extracting(Generation::sampleIndex).containsExactly(0, 1);
        List<Generation> alone = engine.generate(List.of(a), params(2, 77));
        List<Generation> batched = outcomes.get(1).get();
        for (int s = 0; s < 2; s++) {
            assertThat(batched.get(s).tokens()).isEqualTo(alone.get(s).tokens());
            assertThat(batched.get(s).logProbs()).isEqualTo(alone.get(s).logProbs());
        }
    }

    @Test
    void aCallWhoseCallersAllGaveUpStopsAtTheNextToken() {
        Calls calls = new Calls();
        BatchedGeneration batch = new BatchedGeneration(engine, calls);
        int[] prompt = {ByteTokenizer.USER, 'q', ByteTokenizer.END_OF_TEXT, ByteTokenizer.ASSISTANT};
        List<Integer> seen = new ArrayList<>();
        GenerationJob[] job = new GenerationJob[1];
        job[0] = new GenerationJob(prompt, params(1, 5), true, new GenerationJob.Listener() {
            @Override
            public void onToken(int sampleIndex, int tokenId, float logProb) {
                seen.add(tokenId);
                job[0].abandon();
            }
        });

        BatchedGeneration.Outcome outcome = batch.run(List.of(job[0])).get(0);

        assertThat(seen).hasSize(1);
        assertThat(outcome.failure()).hasMessageContaining("CANCELLED");
        assertThat(calls.sequences).isEmpty();
    }
}
