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
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.model.train.WarmupCosineSchedule;

/** The iteration's math assembly on tiny hand-made rollouts with a tiny policy, reference and value model. */
class PpoLearnerTest {

    private static final int[] PROMPT = {60, 61, 62};
    private static final int GOOD = 70;
    private static final int BAD = 80;

    private GptModel policy;
    private GptModel reference;
    private GptModel value;

    @BeforeEach
    void models() {
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 16, 0f);
        policy = GptModel.create(config, 11);
        reference = policy.copy();
        value = GptModel.create(config, 12);
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

    /** Runs steps through a real TrainingLoop (AdamW over policy + value) and records each step. */
    private final class Recorder implements OptimizerStep, AutoCloseable {
        final List<TrainingLoop.StepResult> steps = new ArrayList<>();
        private final NDManager manager = policy.manager().newSubManager();
        private final AdamW adam;
        private final TrainingLoop loop;
        private final ActorCritic.Training training;

        Recorder(float lr) {
            ActorCritic actorCritic = new ActorCritic(policy, value);
            training = actorCritic.training();
            adam = new AdamW(actorCritic.parameters(), new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0f));
            loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(lr, lr, 0, 1000),
                    new TrainingLoop.Settings(1000, 1f, 0), line -> { });
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
            adam.close();
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
        Experience e = new ExperienceMaker(new Scorer(policy), new Scorer(reference), new Scorer(value),
                settings(1, false), 8).make(rollouts, 0.1);

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
        Experience e = new ExperienceMaker(new Scorer(policy), new Scorer(reference), new Scorer(value),
                settings(1, false), 8).make(List.of(off), 0.1);

        assertThat(e.stats().driftMean()).isCloseTo(0.375, within(1e-4));
        assertThat(e.stats().driftMax()).isCloseTo(0.5, within(1e-4));
    }

    @Test
    void lossDecreasesOnAFixedBatch() {
        PpoLearner learner = new PpoLearner(policy, reference, value, settings(6, false), KlCoefficient.fixed(0.05),
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
        PpoLearner learner = new PpoLearner(policy, reference, value, settings(4, true), KlCoefficient.fixed(0.01),
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
        assertThat(report.update().entropy()).isGreaterThan(0.0);
    }

    @Test
    void adaptiveKlCoefficientRisesAboveTheTargetAndFallsBelowIt() {
        try (GptModel far = GptModel.create(policy.config(), 99)) {
            // a sharp reference (scaled embeddings) gives the sampled tokens far lower log-probs than the policy
            // does: KL per response well above a target of 0.01 → β rises
            far.parameters().get("wte.weight").muli(30f);
            PpoLearner above = new PpoLearner(policy, far, value, settings(1, false),
                    KlCoefficient.adaptive(0.1, 0.01, 10), null);
            PpoLearner.IterationReport r;
            try (Recorder recorder = new Recorder(1e-5f)) {
                r = above.learn(goodAndBad(), recorder);
            }
            assertThat(r.stats().klMean()).isGreaterThan(0.01);
            assertThat(r.nextKlCoef()).isGreaterThan(r.klCoef());
            assertThat(above.klCoef()).isEqualTo(r.nextKlCoef());
        }
        // identical reference: KL ≈ 0, below a target of 5 → β falls by the clipped 20% × n/horizon
        PpoLearner below = new PpoLearner(policy, reference, value, settings(1, false),
                KlCoefficient.adaptive(0.1, 5, 10), null);
        try (Recorder recorder = new Recorder(1e-7f)) {
            PpoLearner.IterationReport r = below.learn(goodAndBad(), recorder);
            assertThat(r.nextKlCoef()).isCloseTo(0.1 * (1 - 0.2 * 8 / 10.0), within(1e-6));
        }
    }

    @Test
    void fixedKlCoefficientStays() {
        KlCoefficient fixed = KlCoefficient.fixed(0.02);
        assertThat(fixed.update(100, 64)).isEqualTo(0.02);
        assertThat(fixed.klCoef()).isEqualTo(0.02);
    }
}
