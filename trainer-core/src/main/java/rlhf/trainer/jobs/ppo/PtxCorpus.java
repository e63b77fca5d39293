package rlhf.trainer.jobs.ppo;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.data.CorpusDocument;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.ppo.PretrainingBatches;

/** PPO-ptx's pretraining batches: random windows of the pretraining corpus, as the PRETRAIN job draws them. */
final class PtxCorpus implements PretrainingBatches {

    private final int[] tokens;
    private final int batchSize;
    private final int window;
    private final Random random;

    PtxCorpus(List<CorpusDocument> documents, TextTokenizer tokenizer, int batchSize, int window, int context,
            long seed) {
        this.tokens = documents.stream().flatMapToInt(d -> Arrays.stream(d.tokens(tokenizer))).toArray();
        this.batchSize = batchSize;
        this.window = Math.min(window, Math.min(context, tokens.length - 2));
        if (this.window < 2) {
            throw new JobPreconditionException("the PPO-ptx corpus holds only " + tokens.length + " tokens");
        }
        this.random = new Random(seed);
    }

    @Override
    public int[][] next() {
        int[][] windows = new int[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            int start = random.nextInt(tokens.length - window);
            windows[b] = Arrays.copyOfRange(tokens, start, start + window + 1);
        }
        return windows;
    }
}
