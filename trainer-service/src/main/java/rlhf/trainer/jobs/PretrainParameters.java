package rlhf.trainer.jobs;

import java.nio.file.Path;

/**
 * Parameters of {@link PretrainJob}; the defaults fit 2 CPU cores (a 4-layer, width-128 GPT with 256 positions,
 * ≈ 0.8M parameters, 800 steps of 8 × 256 tokens: a few minutes).
 *
 * @param corpus JSONL corpus ({@code {"text"}} or {@code {"prompt", "answer"}} lines)
 * @param heldOutFraction share of documents held out for the held-out loss
 * @param evalWindows at most this many held-out windows are evaluated
 * @param tokenizer {@code words}: a {@link rlhf.model.tokenizer.WordTokenizer} learned from the training documents
 *        (pieces seen at least {@code vocabMinCount} times, at most {@code vocabMaxPieces}); {@code bytes}: a
 *        {@link rlhf.model.tokenizer.ByteTokenizer}
 */
public record PretrainParameters(Path corpus, int layers, int width, int heads, int context, float dropout, int steps,
        int batchSize, OptimizerParameters optimizer, float heldOutFraction, int evalWindows, long seed,
        String tokenizer, int vocabMinCount, int vocabMaxPieces) {

    /** The corpus file name looked up in a data folder. */
    public static final String CORPUS_FILE = "pretrain-corpus.jsonl";

    public PretrainParameters {
        if (width % heads != 0) {
            throw new InvalidParameterException("heads", "width " + width + " must be divisible by heads " + heads);
        }
    }

    /** Reads the parameters (see the keys in the code) with these defaults. */
    public static PretrainParameters read(JobParameters p, Path dataDirectory) {
        return new PretrainParameters(
                p.dataFile("data", dataDirectory, CORPUS_FILE),
                p.intIn("layers", 4, 1, 48),
                p.intIn("width", 128, 8, 4096),
                p.intIn("heads", 4, 1, 64),
                p.intIn("context", 256, 8, 4096),
                p.floatIn("dropout", 0f, 0f, 0.9f),
                p.intIn("steps", 800, 1, 1_000_000),
                p.intIn("batch-size", 8, 1, 1024),
                OptimizerParameters.read(p, new OptimizerParameters(2e-3f, 2e-4f, 50, 0.1f, 1f)),
                p.floatIn("held-out-fraction", 0.05f, 0.001f, 0.5f),
                p.intIn("eval-windows", 64, 1, 100_000),
                p.longIn("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                p.oneOf("tokenizer", "words", "words", "bytes"),
                p.intIn("vocab-min-count", 5, 1, 1_000_000),
                p.intIn("vocab-max-pieces", 4096, 0, 1_000_000));
    }
}
