package rlhf.policy.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import rlhf.service.InvalidInputException;

/**
 * One PPO rollout task: n samples from the requested policy version with the raw log-probs PPO needs, then one
 * ScoreBatch for all of them with the generator's own token ids (policy and reward model share the tokenizer).
 * Tasks submitted together share engine calls on the version's batch worker.
 */
public final class RolloutSampler {

    /** Observes the two phases, for metrics. */
    public interface Observer {
        void generated(long nanos);

        void scored(long nanos);
    }

    private final PolicyGenerator generator;
    private final RewardScorer scorer;
    private final Executor scoring;
    private final Observer observer;

    public RolloutSampler(PolicyGenerator generator, RewardScorer scorer, Executor scoring, Observer observer) {
        this.generator = generator;
        this.scorer = scorer;
        this.scoring = scoring;
        this.observer = observer;
    }

    /** Fails with {@link InvalidInputException} or a gRPC status (NOT_FOUND, the reward service's failure, …). */
    public CompletableFuture<ScoredRollouts> run(RolloutTask task) {
        CompletableFuture<Generated> generated;
        try {
            generated = generator.generate(task.generation(), 1, TokenSink.NONE);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Futures.mapAsync(generated, g -> {
            observer.generated(g.generationNanos());
            long start = System.nanoTime();
            RewardScorer.Rewards rewards;
            try {
                rewards = scorer.score(BestOfNSampler.items(g), task.rewardVersion());
            } catch (io.grpc.StatusRuntimeException e) {
                throw new ScoringFailedException(e);
            }
            long scoringNanos = System.nanoTime() - start;
            if (rewards.rewards().length != g.completions().size()) {
                throw new ScoringFailedException(io.grpc.Status.INTERNAL.withDescription("reward service: "
                        + rewards.rewards().length + " rewards for " + g.completions().size() + " items")
                        .asRuntimeException());
            }
            observer.scored(scoringNanos);
            return new ScoredRollouts(task, g, rewards.rewards(), rewards.rewardVersion(), g.generationNanos() / 1e6,
                    scoringNanos / 1e6);
        }, scoring);
    }
}
