package rlhf.model.store;

import rlhf.model.GptModel;
import rlhf.model.tokenizer.TextTokenizer;

/** A verified checkpoint in memory; closing it frees the weights and the tokenizer. */
public record LoadedCheckpoint(Checkpoint checkpoint, GptModel model, TextTokenizer tokenizer)
        implements AutoCloseable {
    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
