package rlhf.trainer.ppo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.train.TrainingLoop;

/** The iteration's math assembly on tiny hand-made rollouts with a tiny policy, reference and value model. */
class PpoLearnerTest {

    private static final int[] PROMPT = {60, 61, 62};
    private static final int GOOD = 70;
    private static final int BAD = 80;

    private GptModel policy;
    private GptModel reference;
    private GptModel value;
    private Critic critic;

    @BeforeEach
    void models() {
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 16, 0f);
        policy = GptModel.create(config, 11);
        reference = policy.copy();
        value = GptModel.create(config, 12);
        critic = new Critic(value, 0);
    }

    @AfterEach
    void close() {
        policy.close();
        reference.close();
        value.close();
    }

    private static PpoSettings settings(int epochs, boolean normalizeRewards) {
        return PpoSettings.DEFAULTS.withEpochs(epochs).withMinibatchSize(4).withNormalizeRewards(normalizeRewards)
                .withSeed(3);
    }

    /** A rollout of {@code response} with the policy's own log-probs as the generator's. */
    private RolloutSample rollout(String id, int sample, int[] response, float reward) {
        float[] logProbs = new Scorer(policy).score(List.of(new Scorer.Example(PROMPT, response))).get(0).logProbs();
        return new RolloutSample(id, sample, PROMPT, response, logProbs, 1, reward, 1, 1, 5, 2, "", Map.of());
    }

    private List<RolloutSample> goodAndBad() {
        List<RolloutSample> rollouts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rollouts.add(rollout("p" + i, 0, new int[] {GOOD, GOOD + 1}, 1f));
            rollouts.add(rollout("p" + i, 1, new int[] {BAD, BAD + 1}, -1f));
        }
        return rollouts;
    }

    private static GaeEstimator gae() {
        return new GaeEstimator(1f, 0.95f);
    }

    /** Runs steps through a real TrainingLoop (actor and critic optimizers) and records each step. */
    private final class Recorder implements OptimizerStep, AutoCloseable {
        final List<TrainingLoop.StepResult> steps = new ArrayList<>();
        private final NDManager manager = policy.manager().newSubManager();
        private final PpoOptimizers optimizers;
        private final TrainingLoop loop;
        private final ActorCritic.Training training;

        Recorder(float lr) {
            this(lr, critic);
        }

        Recorder(float lr, Critic withCritic) {
            ActorCritic actorCritic = new ActorCritic(policy, withCritic);
            training = actorCritic.training();
            optimizers = new PpoOptimizers(actorCritic, new PpoOptimizers.Settings(lr, lr, 1f, lr, 1f, 1e-5f, 0), 1000);
            loop = new TrainingLoop(manager, optimizers.groups(), new TrainingLoop.Settings(1000, 0f, 0), line -> { },
                    new TrainingLoop.StepListener() { });
        }

        @Override
        public TrainingLoop.StepResult step(TrainingLoop.Objective objective) {
            TrainingLoop.StepResult r = loop.step(objective);
            steps.add(r);
            return r;
        }

        @Override
        public void close() {
            training.close();
            optimizers.close();
            manager.close();
        }
    }

    private double logProb(int[] response) {
        float[] lp = new Scorer(policy).score(List.of(new Scorer.Example(PROMPT, response))).get(0).logProbs();
        return lp[0] + lp[1];
    }

    @Test
    void onPolicyRolloutsHaveNoDriftAndNoKlToAnIdenticalReference() {
        List<RolloutSample> rollouts = goodAndBad();
        Experience e = new ExperienceMaker(new Scorer(policy), new Scorer(reference), new Scorer(value), gae(),
                false, 8).make(rollouts, 0.1);

        assertThat(e.stats().driftMean()).isLessThan(1e-4);
        assertThat(e.stats().klMean()).isCloseTo(0, within(1e-4));
        assertThat(e.stats().rewardMean()).isCloseTo(0, within(1e-6));
        // whitened advantages: mean 0, and the good answers' first token above the bad ones'
        assertThat(e.advantages().get(0)[0]).isGreaterThan(e.advantages().get(1)[0]);
        double sum = e.advantages().stream().mapToDouble(a -> a[0] + a[1]).sum();
        assertThat(sum).isCloseTo(0, within(1e-3));
    }

    @Test
    void driftMeasuresTheGeneratorsDifference() {
        RolloutSample r = rollout("p", 0, new int[] {GOOD, GOOD + 1}, 1f);
        float[] shifted = {r.logProbs()[0] + 0.5f, r.logProbs()[1] - 0.25f};
        RolloutSample off = new RolloutSample("p", 1, PROMPT, r.responseIds(), shifted, 1, 1f, 1, 1, 0, 0, "", Map.of());
        Experience e = new ExperienceMaker(new Scorer(policy), new Scorer(reference), new Scorer(value), gae(),
                false, 8).make(List.of(off), 0.1);

        assertThat(e.stats().driftMean()).isCloseTo(0.375, within(1e-4));
        assertThat(e.stats().driftMax()).isCloseTo(0.5, within(1e-4));
    }

    @Test
    void lossDecreasesOnAFixedBatch() {
        PpoLearner learner = new PpoLearner(policy, reference, critic, gae(), settings(6, false), KlCoefficient.fixed(0.05),
                null);
        try (Recorder recorder = new Recorder(3e-3f)) {
            learner.learn(goodAndBad(), recorder);
            List<TrainingLoop.StepResult> steps = recorder.steps;
            assertThat(steps).hasSize(12); // 6 epochs × 2 minibatches of 4
            double first = (steps.get(0).loss() + steps.get(1).loss()) / 2;
            double last = (steps.get(10).loss() + steps.get(11).loss()) / 2;
            assertThat(last).isLessThan(first);
        }
    }

    @Test
    void theUpdateMovesThePolicyTowardsHigherAdvantageTokens() {
        double goodBefore = logProb(new int[] {GOOD, GOOD + 1});
        double badBefore = logProb(new int[] {BAD, BAD + 1});
        PpoLearner learner = new PpoLearner(policy, reference, critic, gae(), settings(4, true), KlCoefficient.fixed(0.01),
                null);
        PpoLearner.IterationReport report;
        try (Recorder recorder = new Recorder(3e-3f)) {
            report = learner.learn(goodAndBad(), recorder);
        }

        assertThat(logProb(new int[] {GOOD, GOOD + 1})).isGreaterThan(goodBefore);
        assertThat(logProb(new int[] {BAD, BAD + 1})).isLessThan(badBefore);
        assertThat(report.update().steps()).isEqualTo(8);
        assertThat(report.update().clipFraction()).isBetween(0.0, 1.0);
        assertThat(report.update().approxKl()).isGreaterThanOrEqualTo(0.0);
        assertThat(report.update().entropy()).isNaN(); // coefficient 0: the vocabulary pass is not made
        assertThat(report.stats().entropy()).isGreaterThan(0.0); // the sampled tokens' estimate
    }

    @Test
    void adaptiveKlCoefficientRisesAboveTheTargetAndFallsBelowIt() {
        try (GptModel far = GptModel.create(policy.config(), 99)) {
            // a sharp reference (scaled embeddings) gives the sampled tokens far lower log-probs than the policy
            // does: KL per response well above a target of 0.01 → β rises
            far.parameters().get("wte.weight").muli(30f);
            PpoLearner above = new PpoLearner(policy, far, critic, gae(), settings(1, false),
                    KlCoefficient.adaptive(0.1, 0.01, KlCoefficient.Unit.PER_RESPONSE, 10), null);
            PpoLearner.IterationReport r;
            try (Recorder recorder = new Recorder(1e-5f)) {
                r = above.learn(goodAndBad(), recorder);
            }
            assertThat(r.stats().klMean()).isGreaterThan(0.01);
            assertThat(r.nextKlCoef()).isGreaterThan(r.klCoef());
            assertThat(above.klCoef()).isEqualTo(r.nextKlCoef());
        }
        // identical reference: KL ≈ 0, below a target of 5 → β falls by the clipped 20% × n/horizon
        PpoLearner below = new PpoLearner(policy, reference, critic, gae(), settings(1, false),
                KlCoefficient.adaptive(0.1, 5, KlCoefficient.Unit.PER_RESPONSE, 10), null);
        try (Recorder recorder = new Recorder(1e-7f)) {
            PpoLearner.IterationReport r = below.learn(goodAndBad(), recorder);
            assertThat(r.nextKlCoef()).isCloseTo(0.1 * (1 - 0.2 * 8 / 10.0), within(1e-6));
        }
    }

    @Test
    void fixedKlCoefficientStaysAndAPerTokenTargetReadsKlPerAnswerToken() {
        Experience.Stats stats = new Experience.Stats(0, 2.0, 2.0, 0, 0, 4, 0.5, 0); // 2 nats over 4 tokens
        KlCoefficient fixed = KlCoefficient.fixed(0.02);
        assertThat(fixed.update(stats, 64)).isEqualTo(0.02);
        assertThat(fixed.klCoef()).isEqualTo(0.02);
        // per token 0.5 against a target of 0.25: error clipped to +0.2 → β · (1 + 0.2 · 10/100)
        KlCoefficient perToken = KlCoefficient.adaptive(0.1, 0.25, KlCoefficient.Unit.PER_TOKEN, 100);
        assertThat(perToken.update(stats, 10)).isCloseTo(0.1 * 1.02, within(1e-9));
        // per response 2.0 against a target of 4: error −0.5 clipped to −0.2 → β · (1 − 0.2 · 10/100)
        KlCoefficient perResponse = KlCoefficient.adaptive(0.1, 4, KlCoefficient.Unit.PER_RESPONSE, 100);
        assertThat(perResponse.update(stats, 10)).isCloseTo(0.1 * 0.98, within(1e-9));
    }

    @Test
    void theGroupBaselineNeedsNoCriticAndGivesEachAnswerItsLeaveOneOutAdvantage() {
        // per prompt one answer rewarded 1, one −1: A = R_i − R_other = ±2 on every token, scaled by the std (2)
        Experience e = new ExperienceMaker(new Scorer(policy), new Scorer(reference), null,
                new GroupBaselineEstimator(), false, 8).make(goodAndBad(), 0.0);
        assertThat(e.hasCritic()).isFalse();
        assertThat(e.returns()).isNull();
        for (int i = 0; i < e.size(); i++) {
            float expected = i % 2 == 0 ? 1f : -1f;
            assertThat(e.advantages().get(i)).containsExactly(new float[] {expected, expected}, within(1e-5f));
        }
        assertThat(e.stats().alone()).isZero();
        // a prompt answered once has no baseline: advantage 0, counted
        Experience single = new ExperienceMaker(new Scorer(policy), new Scorer(reference), null,
                new GroupBaselineEstimator(), false, 8).make(goodAndBad().subList(0, 3), 0.0);
        assertThat(single.stats().alone()).isEqualTo(1);
        assertThat(single.advantages().get(2)).containsOnly(0f);
    }

    @Test
    void theCriticStartsAtZeroAndItsWarmUpLeavesThePolicyAlone() {
        try (Critic fromSft = Critic.fromSft(reference, 1)) {
            float[] values = new Scorer(fromSft.model()).score(List.of(new Scorer.Example(PROMPT, new int[] {GOOD, BAD})),
                    java.util.EnumSet.of(Scorer.Head.VALUES)).get(0).values();
            assertThat(values).containsOnly(0f);
            PpoLearner learner = new PpoLearner(policy, reference, fromSft, gae(), settings(2, true),
                    KlCoefficient.fixed(0.01), null);
            double goodBefore = logProb(new int[] {GOOD, GOOD + 1});
            try (Recorder recorder = new Recorder(3e-3f, fromSft)) {
                PpoLearner.IterationReport warmup = learner.learn(goodAndBad(), recorder);
                assertThat(warmup.criticOnly()).isTrue();
                assertThat(warmup.update().policyLoss()).isNaN();
                assertThat(logProb(new int[] {GOOD, GOOD + 1})).isCloseTo(goodBefore, within(1e-6));
                float[] after = new Scorer(fromSft.model()).score(List.of(new Scorer.Example(PROMPT,
                        new int[] {GOOD, BAD})), java.util.EnumSet.of(Scorer.Head.VALUES)).get(0).values();
                assertThat(after).isNotEqualTo(values); // the critic learned
                PpoLearner.IterationReport second = learner.learn(goodAndBad(), recorder);
                assertThat(second.criticOnly()).isFalse();
                assertThat(logProb(new int[] {GOOD, GOOD + 1})).isGreaterThan(goodBefore);
            }
        }
    }

    @Test
    void anEstimatorThatNeedsACriticRefusesToRunWithout() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PpoLearner(policy, reference, null, gae(),
                settings(1, false), KlCoefficient.fixed(0.1), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a critic");
    }
}
