package rlhf.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.TokenBatch;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.generate.TokenListener;
import rlhf.model.train.AdamW;
import rlhf.model.train.CausalLmLoss;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;

/**
 * Throughput ratios of the model module, each measured within this one JVM run (see BENCHMARKS.md):
 * P1 KV-cache generation vs recomputing the prefix, P2 batch-32 vs batch-1 generation, P4 training-step FLOP/s vs
 * float32 GEMM FLOP/s. System properties: {@code bench.parts} (comma list of p1,p2,p4,p4tw; default all),
 * {@code bench.recomputeStride} (time every k-th recompute step, default 8).
 */
public final class ModelBench {
    private static final int PROMPT = 32;

    private ModelBench() {
    }

    public static void main(String[] args) {
        Set<String> parts = Set.of(System.getProperty("bench.parts", "p1,p2,p4,p4tw").split(","));
        int stride = Integer.getInteger("bench.recomputeStride", 8);
        print("machine: %d cpus, %s, java %s, torch threads %s", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"),
                System.getProperty("ai.djl.pytorch.num_threads"));
        double gemm = gemmFlops();
        print("GEMM float32 (2048x768)·(768x3072): %.1f GFLOP/s", gemm / 1e9);
        GptConfig small = GptConfig.gpt2Small().withDropout(0f);
        if (parts.contains("p1") || parts.contains("p2")) {
            try (GptModel model = GptModel.create(small, 1)) {
                print("GPT-2 small: %,d parameters", small.parameterCount());
                if (parts.contains("p1")) {
                    p1(model, stride);
                }
                if (parts.contains("p2")) {
                    p2(model);
                }
            }
        }
        if (parts.contains("p4")) {
            p4("GPT-2 small", small, 4, 512, gemm, 2);
        }
        if (parts.contains("p4tw")) {
            p4("task-world (4L, 128w, ctx 128, V 260)", new GptConfig(260, 128, 4, 4, 128, 0f), 16, 128, gemm, 20);
        }
    }

    /** P1: 256 new tokens for one prompt, KV cache vs a full forward over the whole prefix per token. */
    private static void p1(GptModel model, int stride) {
        int newTokens = 256;
        int[] prompt = randomTokens(PROMPT, model.config().vocabSize(), 5);
        GenerationEngine engine = new GenerationEngine(model, 0, 1);
        SamplingParams greedy = SamplingParams.greedy(newTokens).withStopAtEndOfText(false);
        engine.generate(List.of(prompt), SamplingParams.greedy(8)); // warm-up
        long t0 = System.nanoTime();
        int[] generated = engine.generate(List.of(prompt), greedy).get(0).tokens();
        double kvSeconds = (System.nanoTime() - t0) / 1e9;

        // Recompute baseline: per new token, a forward over prompt + generated-so-far, LM head on the last position
        // only (the cheapest honest no-cache loop). Every stride-th step is timed; the others are interpolated.
        recomputeStep(model, prompt, generated, 0); // warm-up
        double recomputeSeconds = 0;
        for (int step = 0; step < newTokens; step += stride) {
            long s = System.nanoTime();
            recomputeStep(model, prompt, generated, step);
            recomputeSeconds += (System.nanoTime() - s) / 1e9 * Math.min(stride, newTokens - step);
        }
        print("P1 KV cache: %d tokens in %.2f s (%.1f tok/s); recompute: %.2f s (%d of %d steps timed, rest "
                + "extrapolated, step cost ~linear in prefix); ratio %.1fx (target >= 10x)", newTokens, kvSeconds,
                newTokens / kvSeconds, recomputeSeconds, (newTokens + stride - 1) / stride, newTokens,
                recomputeSeconds / kvSeconds);
    }

    private static void recomputeStep(GptModel model, int[] prompt, int[] generated, int step) {
        int[] prefix = new int[prompt.length + step];
        System.arraycopy(prompt, 0, prefix, 0, prompt.length);
        System.arraycopy(generated, 0, prefix, prompt.length, step);
        try (NDManager m = model.manager().newSubManager(); NDScope ignored = new NDScope()) {
            NDArray h = model.hidden(m, TokenBatch.rightPadded(List.of(prefix)), false); // (1, T, C)
            NDArray logits = model.logits(h.get(new NDIndex(":, -1, :"))); // (1, V)
            logits.argMax(1).toLongArray();
        }
    }

    /**
     * P2: tokens/s of 32 sequences decoded together vs one at a time (temperature 1 sampling, 32-token prompts,
     * 64 new tokens). Headline: whole generate() calls, prefill included; also reported: decode only, timed from the
     * first streamed token.
     */
    private static void p2(GptModel model) {
        int newTokens = 64;
        SamplingParams params = SamplingParams.sampling(newTokens, 1f, 7).withStopAtEndOfText(false);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            prompts.add(randomTokens(PROMPT, model.config().vocabSize(), 100 + i));
        }
        GenerationEngine engine = new GenerationEngine(model, 0, 32);
        double[] single = throughput(engine, prompts.subList(0, 1), params);
        double[] batched = throughput(engine, prompts, params);
        print("P2 batch 1: %.1f tok/s; batch 32: %.1f tok/s; ratio %.1fx (target >= 8x). Decode only (after the "
                + "first token): batch 1 %.1f tok/s, batch 32 %.1f tok/s, ratio %.1fx", single[0], batched[0],
                batched[0] / single[0], single[1], batched[1], batched[1] / single[1]);
    }

    /** {whole-call tokens/s, decode-only tokens/s} of one generate() call after a warm-up. */
    private static double[] throughput(GenerationEngine engine, List<int[]> prompts, SamplingParams params) {
        engine.generate(prompts, SamplingParams.greedy(4));
        long[] firstToken = {0};
        TokenListener listener = (sequence, token, logProb) -> {
            if (firstToken[0] == 0) {
                firstToken[0] = System.nanoTime();
            }
        };
        long t0 = System.nanoTime();
        engine.generate(prompts, params, listener);
        long t1 = System.nanoTime();
        double total = (double) prompts.size() * params.maxNewTokens();
        return new double[] {total / ((t1 - t0) / 1e9),
            (total - prompts.size()) / ((t1 - firstToken[0]) / 1e9)};
    }

    /**
     * P4: achieved training FLOP/s ÷ GEMM FLOP/s. FLOPs per token = 6·N + 12·L·T·C (Kaplan et al. 2020 / PaLM
     * appendix B): N = parameters without the position table (the tied embedding counts once, as the LM head).
     */
    private static void p4(String label, GptConfig config, int batch, int length, double gemm, int timedSteps) {
        long n = config.parameterCount() - (long) config.contextLength() * config.width();
        double flopsPerToken = 6.0 * n + 12.0 * config.layers() * length * config.width();
        int[][] windows = new int[batch][];
        for (int b = 0; b < batch; b++) {
            windows[b] = randomTokens(length + 1, config.vocabSize(), 1000 + b);
        }
        try (GptModel model = GptModel.create(config, 3); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), AdamW.Settings.gpt2())) {
            model.setTrainable(true);
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(1e-4f, 1e-5f, 1, 100),
                    new TrainingLoop.Settings(1, 1f, 0), line -> { });
            TrainingLoop.Objective objective = (m, step) ->
                    new TrainingLoop.Loss(CausalLmLoss.loss(model, m, windows, true), (long) batch * length);
            loop.step(objective); // warm-up (allocator, lazy init)
            List<Double> seconds = new ArrayList<>();
            for (int i = 0; i < timedSteps; i++) {
                seconds.add(loop.step(objective).seconds());
            }
            Collections.sort(seconds);
            double median = seconds.get(seconds.size() / 2);
            double achieved = flopsPerToken * batch * length / median;
            print("P4 %s: %d tokens/step (B=%d, T=%d), %.3f s/step (median of %d), %.1f GFLOP/s achieved "
                    + "(%.2f GFLOP/token); ratio to GEMM %.2f (target >= 0.5)", label, batch * length, batch, length,
                    median, timedSteps, achieved / 1e9, flopsPerToken / 1e9, achieved / gemm);
        }
    }

    /** float32 GEMM FLOP/s of the engine on the MLP's shape, best of 5 after warm-up. */
    private static double gemmFlops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(2048, 768));
            NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(768, 3072));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 7; i++) {
                try (NDScope ignored = new NDScope()) {
                    long t0 = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.getFloat(0, 0); // forces completion
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (i >= 2) {
                        best = Math.min(best, s);
                    }
                }
            }
            return 2.0 * 2048 * 768 * 3072 / best;
        }
    }

    private static int[] randomTokens(int length, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[length];
        for (int i = 0; i < length; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
