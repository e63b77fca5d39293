package rlhf.trainer.jobs.pretrain;

import java.nio.file.Path;

import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobParameters;
import rlhf.trainer.jobs.training.OptimizerParameters;

/**
 * Parameters of {@link PretrainJob}; the defaults fit 2 CPU cores: a 4-layer, width-128 GPT with rotary positions
 * over 128 tokens (≈ 0.85M parameters with the task world's word vocabulary), 5,000 steps of 8 × 128 tokens (about
 * 12 minutes on one core; 3,000 steps leave the SFT model far weaker at copying words, see issue 4's notes).
 *
 * @param corpus JSONL corpus ({@code {"text"}} or {@code {"prompt", "answer"}} lines)
 * @param heldOutFraction share of documents held out for the held-out loss
 * @param evalWindows at most this many held-out windows are evaluated
 * @param tokenizer {@code words}: a {@link rlhf.model.tokenizer.WordTokenizer} learned from the training documents
 *        (pieces seen at least {@code vocabMinCount} times, at most {@code vocabMaxPieces}); {@code bytes}: a
 *        {@link rlhf.model.tokenizer.ByteTokenizer}
 * @param numbers for the word tokenizer: {@code digits} cuts numbers into digits (arithmetic is then learned digit by
 *        digit), {@code whole} keeps a frequent number as one piece
 * @param leadingSpace for the word tokenizer: encode each text as if a space preceded it, so a word has one id at the
 *        start of an answer and inside a prompt
 * @param positions {@code rotary} (RoPE: attention depends on distances, which a tiny model needs to copy words from
 *        anywhere in a prompt) or {@code learned} (GPT-2's position embeddings)
 */
public record PretrainParameters(Path corpus, int layers, int width, int heads, int context, float dropout, int steps,
        int batchSize, OptimizerParameters optimizer, float heldOutFraction, int evalWindows, long seed,
        String tokenizer, int vocabMinCount, int vocabMaxPieces, String numbers, boolean leadingSpace,
        String positions) {

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
                p.intIn("context", 128, 8, 4096),
                p.floatIn("dropout", 0f, 0f, 0.9f),
                p.intIn("steps", 5000, 1, 1_000_000),
                p.intIn("batch-size", 8, 1, 1024),
                OptimizerParameters.read(p, new OptimizerParameters(2e-3f, 2e-4f, 50, 0.1f, 1f)),
                p.floatIn("held-out-fraction", 0.05f, 0.001f, 0.5f),
                p.intIn("eval-windows", 64, 1, 100_000),
                p.longIn("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                p.oneOf("tokenizer", "words", "words", "bytes"),
                p.intIn("vocab-min-count", 5, 1, 1_000_000),
                p.intIn("vocab-max-pieces", 4096, 0, 1_000_000),
                p.oneOf("numbers", "digits", "digits", "whole"),
                p.bool("leading-space", true),
                p.oneOf("positions", "rotary", "rotary", "learned"));
    }
}
