package rlhf.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import rlhf.model.AttentionBias;
import rlhf.model.GptModel;
import rlhf.model.KvCache;
import rlhf.model.TokenBatch;

/**
 * Batched autoregressive generation with a preallocated KV cache: one prefill over the left-padded prompts, then
 * one single-column forward per new token. Prompts are left-padded so every sequence writes the same cache column
 * each step; padding is hidden by the attention bias and position ids count only real tokens.
 *
 * <p>Token choice happens in Java on the softmax rows ({@link Sampler}) with one seeded RNG per sample. A finished
 * sample keeps its slot in the batch (its later columns are masked) until the whole micro-batch ends.
 */
public final class GenerationEngine {
    private final GptModel model;
    private final int endOfTextId;
    private final int maxBatchSize;

    /**
     * @param maxBatchSize sequences (prompts × n) decoded together; more are split into micro-batches, which does not
     *                     change any result because every sample has its own RNG
     */
    public GenerationEngine(GptModel model, int endOfTextId, int maxBatchSize) {
        if (endOfTextId < 0 || endOfTextId >= model.config().vocabSize()) {
            throw new IllegalArgumentException("endOfTextId " + endOfTextId + " is outside the vocabulary");
        }
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        this.model = model;
        this.endOfTextId = endOfTextId;
        this.maxBatchSize = maxBatchSize;
    }

    public List<Generation> generate(List<int[]> prompts, SamplingParams params) {
        return generate(prompts, params, TokenListener.NONE);
    }

    /** n samples per prompt, in order prompt 0 sample 0 … prompt 0 sample n-1, prompt 1 sample 0, … */
    public List<Generation> generate(List<int[]> prompts, SamplingParams params, TokenListener listener) {
        int n = params.samplesPerPrompt();
        List<Sequence> sequences = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            int[] prompt = prompts.get(p);
            validatePrompt(p, prompt, params);
            for (int s = 0; s < n; s++) {
                int index = p * n + s;
                sequences.add(new Sequence(index, p, s, prompt, Sampler.random(params.seed(), index)));
            }
        }
        List<Generation> results = new ArrayList<>(sequences.size());
        for (int from = 0; from < sequences.size(); from += maxBatchSize) {
            List<Sequence> chunk = sequences.subList(from, Math.min(sequences.size(), from + maxBatchSize));
            decode(chunk, params, listener);
            chunk.forEach(s -> results.add(s.result));
        }
        return results;
    }

    private void validatePrompt(int index, int[] prompt, SamplingParams params) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt " + index + " is empty");
        }
        int context = model.config().contextLength();
        if (prompt.length + params.maxNewTokens() > context) {
            throw new IllegalArgumentException("prompt " + index + " has " + prompt.length + " tokens; with maxNewTokens "
                    + params.maxNewTokens() + " it exceeds the context length " + context);
        }
        for (int id : prompt) {
            if (id < 0 || id >= model.config().vocabSize()) {
                throw new IllegalArgumentException("prompt " + index + " has token id " + id + " outside [0, "
                        + model.config().vocabSize() + ")");
            }
        }
    }

    private void decode(List<Sequence> batch, SamplingParams params, TokenListener listener) {
        int b = batch.size();
        TokenBatch prompts = TokenBatch.leftPadded(batch.stream().map(s -> s.prompt).toList());
        int promptColumns = prompts.length();
        int capacity = promptColumns + params.maxNewTokens();
        boolean[][] keyValid = new boolean[b][capacity];
        for (int i = 0; i < b; i++) {
            System.arraycopy(prompts.validMask()[i], 0, keyValid[i], 0, promptColumns);
        }
        try (NDManager manager = model.manager().newSubManager();
                KvCache cache = new KvCache(manager, model.config(), b, capacity)) {
            long[] tokens = null;
            long[] positions = null;
            for (int step = 0; step < params.maxNewTokens(); step++) {
                try (NDScope ignored = new NDScope()) {
                    NDArray hidden;
                    if (step == 0) {
                        hidden = model.hidden(prompts.tokens(manager), prompts.positions(manager),
                                AttentionBias.create(manager, keyValid, 0, promptColumns), false, cache); // (B, P, C)
                    } else {
                        hidden = model.hidden(manager.create(tokens, new Shape(b, 1)),
                                manager.create(positions, new Shape(b, 1)),
                                AttentionBias.create(manager, keyValid, promptColumns + step - 1, 1), false,
                                cache); // (B, 1, C)
                    }
                    NDArray logits = model.logits(hidden.get(new NDIndex(":, -1, :"))); // (B, V)
                    chooseAll(batch, logits, params, listener, step == params.maxNewTokens() - 1);
                }
                tokens = new long[b];
                positions = new long[b];
                boolean anyActive = false;
                for (int i = 0; i < b; i++) {
                    Sequence s = batch.get(i);
                    boolean choseThisStep = s.tokens.size() == step + 1;
                    // A finished sample's column holds an arbitrary id that nobody may attend to.
                    tokens[i] = choseThisStep ? s.tokens.get(step) : 0;
                    positions[i] = s.prompt.length + (long) step;
                    keyValid[i][promptColumns + step] = choseThisStep;
                    anyActive |= s.result == null;
                }
                if (!anyActive) {
                    break;
                }
            }
        }
    }

    /**
     * Picks the next token of every unfinished sample from the (B, V) logits. Only the tempered probabilities
     * travel to Java (none for greedy); the raw log-probs of the chosen tokens are gathered on the engine side.
     */
    private void chooseAll(List<Sequence> batch, NDArray logits, SamplingParams params, TokenListener listener,
            boolean lastStep) {
        int b = batch.size();
        int v = model.config().vocabSize();
        long[] chosen = new long[b];
        double[] samplingLogProbs = new double[b];
        if (params.greedy()) {
            chosen = logits.argMax(1).toLongArray(); // ties: first index
        } else {
            float[] probs = logits.div(params.temperature()).softmax(1).toFloatArray(); // (B, V)
            for (int i = 0; i < b; i++) {
                Sequence s = batch.get(i);
                if (s.result == null) {
                    chosen[i] = sample(s, probs, i * v, v, params, samplingLogProbs, i);
                }
            }
        }
        NDArray index = logits.getManager().create(chosen, new Shape(b, 1)); // (B, 1)
        float[] raw = logits.logSoftmax(1).gather(index, 1).toFloatArray(); // (B)
        for (int i = 0; i < b; i++) {
            Sequence s = batch.get(i);
            if (s.result != null) {
                continue;
            }
            int token = (int) chosen[i];
            s.tokens.add(token);
            s.logProbs.add(raw[i]);
            s.samplingLogProbs.add((float) samplingLogProbs[i]);
            listener.onToken(s.index, token, raw[i]);
            FinishReason reason = finishReason(s, params, lastStep);
            if (reason != null) {
                s.finish(reason);
                listener.onFinish(s.index, s.result);
            }
        }
    }

    private static int sample(Sequence s, float[] probs, int offset, int v, SamplingParams params,
            double[] samplingLogProbs, int row) {
        if (params.topK() == 0 && params.topP() >= 1f) {
            double[] logq = new double[1];
            int token = Sampler.sampleFull(probs, offset, v, s.random, logq);
            samplingLogProbs[row] = logq[0];
            return token;
        }
        Sampler.Distribution dist = Sampler.truncate(probs, offset, v, params.topK(), params.topP());
        int k = Sampler.sample(dist, s.random);
        samplingLogProbs[row] = Math.log(dist.probs()[k]);
        return dist.ids()[k];
    }

    private FinishReason finishReason(Sequence s, SamplingParams params, boolean lastStep) {
        int last = s.tokens.get(s.tokens.size() - 1);
        if (params.stopAtEndOfText() && last == endOfTextId) {
            return FinishReason.END_OF_TEXT;
        }
        for (int[] stop : params.stopSequences()) {
            if (endsWith(s.tokens, stop)) {
                return FinishReason.STOP_SEQUENCE;
            }
        }
        return lastStep ? FinishReason.LENGTH : null;
    }

    private static boolean endsWith(List<Integer> tokens, int[] suffix) {
        int start = tokens.size() - suffix.length;
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (tokens.get(start + i) != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Mutable per-sample state while decoding. */
    private static final class Sequence {
        final int index;
        final int promptIndex;
        final int sampleIndex;
        final int[] prompt;
        final SplittableRandom random;
        final List<Integer> tokens = new ArrayList<>();
        final List<Float> logProbs = new ArrayList<>();
        final List<Float> samplingLogProbs = new ArrayList<>();
        Generation result;

        Sequence(int index, int promptIndex, int sampleIndex, int[] prompt, SplittableRandom random) {
            this.index = index;
            this.promptIndex = promptIndex;
            this.sampleIndex = sampleIndex;
            this.prompt = prompt;
            this.random = random;
        }

        void finish(FinishReason reason) {
            int[] t = tokens.stream().mapToInt(Integer::intValue).toArray();
            float[] lp = new float[t.length];
            float[] slp = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                lp[i] = logProbs.get(i);
                slp[i] = samplingLogProbs.get(i);
            }
            result = new Generation(promptIndex, sampleIndex, t, lp, slp, reason);
        }
    }
}
