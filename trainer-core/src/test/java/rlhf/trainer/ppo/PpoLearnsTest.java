package rlhf.trainer.ppo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.train.TrainingLoop;

/**
 * The learning claim in seconds: a tiny seeded policy, a known reward (1 when the answer's first token is one of the
 * 8 "good" ids of a 32-token vocabulary, else 0; about 0.25 at the start) and the job's learner (group baseline, fixed
 * KL to the starting policy, actor optimizer at the job's ε): fresh samples after 25 iterations must score at least
 * 0.35 more than before, and the policy must have left its reference (KL > 0). The pre-issue-12 learner (random value
 * model, one AdamW at ε 1e-8, its pipeline budget of lr 2e-5 and 2 samples per prompt) gains 0.05 on this task and
 * fails the margin; given this test's budget (lr 3e-3, 4 samples) it gains 0.73 as well: on this one-token reward its
 * critic offset and missing baseline did not stop it, its budget did (issue 12's note).
 */
class PpoLearnsTest {

    private static final int VOCAB = 32;
    private static final int END = 31;
    private static final int GOOD_BELOW = 8;

    @Test
    void ppoRaisesTheRewardOfFreshSamplesAndMovesAwayFromTheReference() {
        GptConfig config = new GptConfig(VOCAB, 16, 1, 2, 32, 0f);
        try (GptModel policy = GptModel.create(config, 5); GptModel reference = policy.copy()) {
            List<int[]> prompts = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                prompts.add(new int[] {10 + p, 20 + p});
            }
            double before = meanReward(policy, prompts, 1000);
            PpoLearner learner = new PpoLearner(policy, reference, null, new GroupBaselineEstimator(),
                    PpoSettings.DEFAULTS.withEpochs(2).withMinibatchSize(16), KlCoefficient.fixed(0.05), null);
            ActorCritic actorCritic = new ActorCritic(policy, null);
            PpoLearner.IterationReport last = null;
            try (NDManager manager = policy.manager().newSubManager();
                    PpoOptimizers optimizers = new PpoOptimizers(actorCritic,
                            new PpoOptimizers.Settings(3e-3f, 3e-3f, 1f, 3e-3f, 1f, 1e-5f, 0), 1000)) {
                TrainingLoop loop = new TrainingLoop(manager, optimizers.groups(),
                        new TrainingLoop.Settings(1000, 0f, 0).skippingNonFiniteGradients(), line -> { },
                        new TrainingLoop.StepListener() { });
                for (int it = 1; it <= 25; it++) {
                    List<RolloutSample> rollouts = rollouts(policy, prompts, it);
                    try (ActorCritic.Training ignored = actorCritic.training()) {
                        last = learner.learn(rollouts, loop::step);
                    }
                }
            }
            double after = meanReward(policy, prompts, 2000);
            assertThat(before).isBetween(0.1, 0.4);
            assertThat(after).as("mean reward of fresh samples: %.3f before, %.3f after", before, after)
                    .isGreaterThan(before + 0.35);
            assertThat(last.stats().klMean()).isGreaterThan(0.05);
        }
    }

    private static float reward(int[] response) {
        return response[0] < GOOD_BELOW ? 1f : 0f;
    }

    /** 4 samples of 3 tokens per prompt at temperature 1, rewarded. */
    private static List<RolloutSample> rollouts(GptModel policy, List<int[]> prompts, int iteration) {
        List<RolloutSample> out = new ArrayList<>();
        for (Generation g : generate(policy, prompts, 4, iteration)) {
            out.add(new RolloutSample("p" + g.promptIndex(), g.sampleIndex(), prompts.get(g.promptIndex()),
                    g.tokens(), g.logProbs(), iteration, reward(g.tokens()), 0, iteration, 0, 0, "", Map.of()));
        }
        return out;
    }

    private static double meanReward(GptModel policy, List<int[]> prompts, long seed) {
        return generate(policy, prompts, 64, seed).stream().mapToDouble(g -> reward(g.tokens())).average().orElseThrow();
    }

    private static List<Generation> generate(GptModel policy, List<int[]> prompts, int n, long seed) {
        return new GenerationEngine(policy, END, 64).generate(prompts,
                SamplingParams.sampling(3, 1f, seed).withSamplesPerPrompt(n)).stream()
                .filter(g -> g.tokens().length > 0).toList();
    }
}
