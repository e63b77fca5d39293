package rlhf.model.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import ai.djl.ndarray.NDManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.train.AdamW;
import rlhf.model.train.CausalLmLoss;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;

/**
 * Pretrains a tiny GPT (4 layers, width 128, byte tokenizer) on the stand-in task-world corpus and compares the
 * held-out loss with the unigram entropy, in nats per token. System properties: {@code pretrain.steps} (default 800),
 * {@code pretrain.store} (publish the result as {@code pretrain/vN} there, optional).
 */
public final class Pretrain {
    private static final int CONTEXT = 128;
    private static final int BATCH = 16;

    private Pretrain() {
    }

    public static void main(String[] args) {
        int steps = Integer.getInteger("pretrain.steps", 800);
        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] train = corpus(tokenizer, 1, 1_000_000);
        int[] heldOut = corpus(tokenizer, 2, 100_000);
        int[][] heldOutWindows = new int[heldOut.length / (CONTEXT + 1)][];
        for (int i = 0; i < heldOutWindows.length; i++) {
            heldOutWindows[i] = java.util.Arrays.copyOfRange(heldOut, i * (CONTEXT + 1), (i + 1) * (CONTEXT + 1));
        }
        double unigram = unigramCrossEntropy(train, heldOut);
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, CONTEXT, 4, 4, 128, 0f);
        print("corpus: %,d train tokens, %,d held-out tokens; model %,d parameters; %d steps of %d x %d tokens",
                train.length, heldOut.length, config.parameterCount(), steps, BATCH, CONTEXT);
        Random random = new Random(7);
        long started = System.nanoTime();
        try (GptModel model = GptModel.create(config, 42); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0.1f))) {
            double initial = CausalLmLoss.evaluate(model, heldOutWindows, 32);
            model.setTrainable(true);
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(2e-3f, 2e-4f, 50, steps),
                    new TrainingLoop.Settings(steps, 1f, 50), System.out::println);
            loop.run((m, step) -> new TrainingLoop.Loss(
                    CausalLmLoss.loss(model, m, sampleWindows(train, random), true), (long) BATCH * CONTEXT));
            model.setTrainable(false);
            double loss = CausalLmLoss.evaluate(model, heldOutWindows, 32);
            double minutes = (System.nanoTime() - started) / 6e10;
            print("held-out loss %.4f nats/token (at init %.4f); unigram entropy %.4f nats/token; ratio %.2f; %.1f min",
                    loss, initial, unigram, loss / unigram, minutes);
            sample(model, tokenizer);
            String storeDir = System.getProperty("pretrain.store", "");
            if (!storeDir.isBlank()) {
                Checkpoint c = new CheckpointStore(Path.of(storeDir)).publish("pretrain", model, tokenizer,
                        new Lineage(List.of(), List.of("stand-in-corpus-seed-1"), Map.of("heldout.loss", loss,
                                "unigram.entropy", unigram)));
                print("published %s at %s", c.id(), c.directory());
            }
        }
    }

    private static void sample(GptModel model, ByteTokenizer tokenizer) {
        List<int[]> prompts = new ArrayList<>();
        for (String q : List.of("Q: What is 12 plus 7? A:", "Q: Reverse the words: red fox A:", "Q: Hi there! A:")) {
            prompts.add(tokenizer.encode(q));
        }
        GenerationEngine engine = new GenerationEngine(model, ByteTokenizer.END_OF_TEXT, 8);
        for (Generation g : engine.generate(prompts, SamplingParams.greedy(40))) {
            print("  %s|%s", tokenizer.decodeText(prompts.get(g.promptIndex())), tokenizer.decodeText(g.tokens()));
        }
    }

    private static int[] corpus(ByteTokenizer tokenizer, long seed, int tokens) {
        StandInCorpus generator = new StandInCorpus(seed);
        int[] out = new int[tokens];
        int n = 0;
        while (n < tokens) {
            int[] doc = tokenizer.encode(generator.document());
            for (int i = 0; i < doc.length && n < tokens; i++) {
                out[n++] = doc[i];
            }
            if (n < tokens) {
                out[n++] = ByteTokenizer.END_OF_TEXT;
            }
        }
        return out;
    }

    private static int[][] sampleWindows(int[] corpus, Random random) {
        int[][] windows = new int[BATCH][];
        for (int b = 0; b < BATCH; b++) {
            int start = random.nextInt(corpus.length - CONTEXT - 1);
            windows[b] = java.util.Arrays.copyOfRange(corpus, start, start + CONTEXT + 1);
        }
        return windows;
    }

    /** −(1/N) Σ log p̂(x) on held-out tokens, p̂ the add-one-smoothed unigram frequencies of the training tokens. */
    private static double unigramCrossEntropy(int[] train, int[] heldOut) {
        double[] counts = new double[ByteTokenizer.VOCAB_SIZE];
        java.util.Arrays.fill(counts, 1.0);
        for (int t : train) {
            counts[t]++;
        }
        double total = train.length + (double) counts.length;
        double sum = 0;
        for (int t : heldOut) {
            sum -= Math.log(counts[t] / total);
        }
        return sum / heldOut.length;
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
