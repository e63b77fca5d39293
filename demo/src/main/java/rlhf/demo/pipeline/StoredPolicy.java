package rlhf.demo.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.PromptResponse;

/**
 * A stored policy-like model (base, SFT or policy) loaded in this process to answer task-world prompts, the way
 * a labeling tool would ask a deployed model for candidates. Answers are decoded up to end-of-text.
 */
public final class StoredPolicy implements AutoCloseable {

    private final LoadedCheckpoint checkpoint;
    private final GenerationEngine engine;

    private StoredPolicy(LoadedCheckpoint checkpoint, int maxBatch) {
        this.checkpoint = checkpoint;
        this.engine = new GenerationEngine(checkpoint.model(), checkpoint.tokenizer().endOfTextId(), maxBatch);
    }

    /** Loads {@code kind} version {@code version} (0: newest) from the store. */
    public static StoredPolicy load(Path store, String kind, int version) {
        CheckpointStore s = new CheckpointStore(store);
        LoadedCheckpoint c = version == 0 ? s.loadLatest(kind) : s.load(kind, version);
        return new StoredPolicy(c, 64);
    }

    public String kind() {
        return checkpoint.checkpoint().kind();
    }

    public int version() {
        return checkpoint.checkpoint().version();
    }

    /**
     * {@code n} answers to each prompt.
     *
     * @param temperature 0: greedy (then n must be 1)
     * @return per prompt, its n answers in sample order
     */
    public List<List<String>> answer(List<String> prompts, int n, float temperature, long seed, int maxNewTokens) {
        int context = checkpoint.model().config().contextLength();
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            int[] promptIds = PromptResponse.promptIds(checkpoint.tokenizer(), p);
            int room = context - maxNewTokens;
            if (room < 1) {
                throw new IllegalArgumentException(maxNewTokens + " new tokens leave no room in the context of " + context);
            }
            // As in training: a prompt too long for the context loses its oldest tokens (the start of a few-shot
            // preamble), never the question at its end.
            ids.add(promptIds.length <= room ? promptIds
                    : java.util.Arrays.copyOfRange(promptIds, promptIds.length - room, promptIds.length));
        }
        SamplingParams params = temperature == 0 ? SamplingParams.greedy(maxNewTokens)
                : SamplingParams.sampling(maxNewTokens, temperature, seed).withSamplesPerPrompt(n);
        List<List<String>> answers = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            answers.add(new ArrayList<>());
        }
        for (Generation g : engine.generate(ids, params)) {
            answers.get(g.promptIndex()).add(PromptResponse.answerText(checkpoint.tokenizer(), g.tokens()));
        }
        return answers;
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
