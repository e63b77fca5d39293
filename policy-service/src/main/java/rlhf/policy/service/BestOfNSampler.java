package rlhf.policy.service;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import rlhf.service.InvalidInputException;

/** Best-of-n (rejection sampling): n candidates from the policy, scored in one ScoreBatch, the best returned. */
public final class BestOfNSampler {

    private final PolicyGenerator generator;
    private final RewardScorer scorer;
    private final Executor scoring;

    /** @param scoring where the blocking reward calls run (never the batch worker, which must keep generating) */
    public BestOfNSampler(PolicyGenerator generator, RewardScorer scorer, Executor scoring) {
        this.generator = generator;
        this.scorer = scorer;
        this.scoring = scoring;
    }

    /** Cancelling the future gives up the generation (if still running) and ignores the scores. */
    public CompletableFuture<BestOfN> sample(GenerationRequest request, long rewardVersion) {
        if (rewardVersion < 0) {
            throw new InvalidInputException("reward_version", rewardVersion + " < 0");
        }
        CompletableFuture<Generated> generated = generator.generate(request, 2, TokenSink.NONE);
        return Futures.mapAsync(generated, g -> BestOfN.of(g, scorer.score(items(g), rewardVersion)), scoring);
    }

    static List<RewardScorer.Item> items(Generated g) {
        return g.completions().stream().map(c -> new RewardScorer.Item(g.promptIds(), c.tokenIds())).toList();
    }
}
