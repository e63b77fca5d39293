package rlhf.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;
import rlhf.trainer.algo.PairwiseRankingLoss;
import rlhf.trainer.algo.RankingPairs;

/**
 * P3: reward-model training throughput with InstructGPT's K-way batching against pair-by-pair training, K = 9, in
 * one JVM run. Both sides take full training steps (forward, backward, global-norm clip, AdamW) over 72 sequences
 * per step, so the forward batch is the same size:
 * <ul>
 * <li>K-way: 8 prompts × 9 answers in one forward; the loss covers all 8 × 36 = 288 pairs;</li>
 * <li>pair by pair: the 36 pairs of one prompt, each pair's winner and loser forwarded separately (72 forwards of an
 * answer), the loss over those 36 pairs.</li>
 * </ul>
 * Steps alternate between the two sides so that load from other processes hits both alike. System properties:
 * {@code bench.rounds} (default 10), {@code bench.promptTokens} (40), {@code bench.maxAnswerTokens} (32).
 */
public final class RewardModelBench {

    private static final int K = 9;
    private static final int PROMPTS_PER_STEP = 8;

    private RewardModelBench() {
    }

    /** One prompt with K answers, every answer in its own tier (36 pairs). */
    private record Ranked(List<Scorer.Example> answers, List<int[]> pairs) {
    }

    public static void main(String[] args) {
        int rounds = Integer.getInteger("bench.rounds", 10);
        GptConfig config = new GptConfig(260, 256, 4, 4, 128, 0f);
        Random random = new Random(1);
        List<Ranked> data = new ArrayList<>();
        for (int i = 0; i < PROMPTS_PER_STEP * 4; i++) {
            data.add(ranked(random, Integer.getInteger("bench.promptTokens", 40),
                    Integer.getInteger("bench.maxAnswerTokens", 32)));
        }
        print("P3 reward-model training, K=%d (%d pairs per prompt), model %,d parameters, %d rounds",
                K, data.get(0).pairs().size(), config.parameterCount(), rounds);
        try (GptModel model = GptModel.create(config, 1); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), AdamW.Settings.gpt2())) {
            model.setTrainable(true);
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(1e-4f, 1e-5f, 0, 1000),
                    new TrainingLoop.Settings(1000, 1f, 0), line -> { });
            measure(loop, model, data, 2); // warm-up: allocator, lazy kernels
            double[] seconds = measure(loop, model, data, rounds);
            report(seconds, rounds);
        }
    }

    /** Alternates K-way and pair-by-pair steps; returns the total seconds of each side. */
    private static double[] measure(TrainingLoop loop, GptModel model, List<Ranked> data, int rounds) {
        double kWay = 0;
        double pairwise = 0;
        for (int r = 0; r < rounds; r++) {
            List<Ranked> batch = data.subList((r % 4) * PROMPTS_PER_STEP, (r % 4 + 1) * PROMPTS_PER_STEP);
            kWay += loop.step((m, s) -> kWayLoss(model, m, batch)).seconds();
            Ranked one = data.get(r % data.size());
            pairwise += loop.step((m, s) -> pairByPairLoss(model, m, one)).seconds();
        }
        return new double[] {kWay, pairwise};
    }

    /** One forward over the K answers of each prompt; every pair reuses those K rewards. */
    private static TrainingLoop.Loss kWayLoss(GptModel model, NDManager m, List<Ranked> batch) {
        List<Scorer.Example> answers = new ArrayList<>();
        List<List<int[]>> pairs = new ArrayList<>();
        int[] perPrompt = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            answers.addAll(batch.get(i).answers());
            pairs.add(batch.get(i).pairs());
            perPrompt[i] = K;
        }
        return new TrainingLoop.Loss(PairwiseRankingLoss.loss(SequenceRewards.forward(model, m, answers, true),
                PairwiseRankingLoss.batchPairs(pairs, perPrompt)), tokens(answers));
    }

    /** Each pair forwards its winner and its loser: 2 × 36 sequences for one prompt's 36 pairs. */
    private static TrainingLoop.Loss pairByPairLoss(GptModel model, NDManager m, Ranked one) {
        List<Scorer.Example> sequences = new ArrayList<>();
        List<List<int[]>> pairs = new ArrayList<>();
        int[] perPair = new int[one.pairs().size()];
        for (int i = 0; i < perPair.length; i++) {
            int[] pair = one.pairs().get(i);
            sequences.add(one.answers().get(pair[0]));
            sequences.add(one.answers().get(pair[1]));
            pairs.add(List.<int[]>of(new int[] {0, 1}));
            perPair[i] = 2;
        }
        return new TrainingLoop.Loss(PairwiseRankingLoss.loss(SequenceRewards.forward(model, m, sequences, true),
                PairwiseRankingLoss.batchPairs(pairs, perPair)), tokens(sequences));
    }

    private static void report(double[] seconds, int rounds) {
        double kWayPairs = (double) rounds * PROMPTS_PER_STEP * 36;
        double pairwisePairs = (double) rounds * 36;
        double kWayRate = kWayPairs / seconds[0];
        double pairwiseRate = pairwisePairs / seconds[1];
        print("K-way:        %d steps, %.2f s, %.1f pairs/s (%.2f comparisons/s, 72 sequences per step)", rounds,
                seconds[0], kWayRate, kWayRate / 36);
        print("pair by pair: %d steps, %.2f s, %.1f pairs/s (%.2f comparisons/s, 72 sequences per step)", rounds,
                seconds[1], pairwiseRate, pairwiseRate / 36);
        print("P3 ratio (K-way / pair by pair, pairs/s): %.2fx  (target >= 3.5x)", kWayRate / pairwiseRate);
    }

    private static Ranked ranked(Random random, int promptTokens, int maxAnswerTokens) {
        int[] prompt = tokens(random, promptTokens);
        List<Scorer.Example> answers = new ArrayList<>();
        List<int[]> tiers = new ArrayList<>();
        for (int k = 0; k < K; k++) {
            answers.add(new Scorer.Example(prompt, tokens(random, 4 + random.nextInt(maxAnswerTokens - 3))));
            tiers.add(new int[] {k});
        }
        return new Ranked(answers, RankingPairs.of(tiers, K));
    }

    private static int[] tokens(Random random, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(256);
        }
        return ids;
    }

    private static long tokens(List<Scorer.Example> examples) {
        return examples.stream().mapToLong(e -> e.prompt().length + e.response().length).sum();
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
