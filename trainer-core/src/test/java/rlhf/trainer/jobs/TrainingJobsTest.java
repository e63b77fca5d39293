package rlhf.trainer.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.trainer.jobs.reward.BestOfNRobustness;
import rlhf.trainer.jobs.training.ContextFit;
import rlhf.wire.ModelStoreLayout;

/** The three jobs on tiny models and synthetic data: each must learn, publish with lineage, and load back. */
class TrainingJobsTest {

    @TempDir
    Path dir;

    private JobFactory factory() {
        return new JobFactory(new CheckpointStore(dir.resolve("store")), dir.resolve("data"));
    }

    @Test
    void pretrainLowersTheHeldOutLossBelowTheUnigramEntropyAndPublishesABaseModel() {
        TestData.corpus(dir.resolve("data"), 400);
        RecordingMonitor monitor = new RecordingMonitor();
        JobResult result = factory().create(JobKind.PRETRAIN, Map.of("layers", "1", "width", "32", "heads", "2",
                "context", "32", "steps", "80", "batch-size", "8", "lr", "0.005", "warmup-steps", "5"))
                .run(monitor);

        Map<String, Double> m = result.metrics();
        assertThat(m.get("pretrain.heldout.loss.initial")).isGreaterThan(5.0); // ≈ ln 260 at init
        assertThat(m.get("pretrain.heldout.loss")).isLessThan(m.get("pretrain.unigram.entropy"));
        assertThat(result.checkpoint().id()).isEqualTo("base/v1");
        assertThat(result.datasets()).singleElement().satisfies(d -> {
            assertThat(d.records()).isEqualTo(400);
            assertThat(d.sha256()).hasSize(64);
        });
        assertThat(result.checkpoint().manifest().lineage().datasets().get(0)).contains("records=400");
        assertThat(monitor.steps).hasSize(80).last().satisfies(s -> {
            assertThat(s.step()).isEqualTo(80);
            assertThat(s.tokensPerSecond()).isPositive();
        });
    }

    @Test
    void sftLowersTheHeldOutAnswerLossAndRecordsTheBaseAsParent() {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.BASE);
        TestData.demonstrations(dir.resolve("data"), 120);
        JobResult result = factory().create(JobKind.SFT, Map.of("epochs", "4", "batch-size", "8", "lr", "0.003",
                "warmup-steps", "3")).run(new RecordingMonitor());

        Map<String, Double> m = result.metrics();
        assertThat(m.get("sft.heldout.loss")).isLessThan(0.6 * m.get("sft.heldout.loss.initial"));
        assertThat(result.parents()).containsExactly("base/v1");
        assertThat(result.checkpoint().id()).isEqualTo("sft/v1");
    }

    @Test
    void rewardModelReachesHighHeldOutAccuracyAndItsCheckpointLoadsBack() {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        TestData.comparisons(dir.resolve("data"), 300);
        RecordingMonitor monitor = new RecordingMonitor();
        JobResult result = factory().create(JobKind.REWARD_MODEL, Map.of("epochs", "5", "lr", "0.002",
                "prompts-per-batch", "8", "warmup-steps", "3", "likelihood-weight", "0")).run(monitor);

        Map<String, Double> m = result.metrics();
        assertThat(m.get("rm.heldout.accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(m.get("rm.heldout.rubric_accuracy")).isEqualTo(1.0); // noise-free labels: the rubric is the ceiling
        // with noise-free labels the labeler's order is the rubric's, so both accuracies count the same pairs alike
        assertThat(m.get("rm.heldout.accuracy_vs_rubric")).isCloseTo(m.get("rm.heldout.accuracy"), within(1e-9));
        assertThat(m).containsKeys("rm.validation.ece", "rm.test.ece", "rm.pairwise_accuracy", "rm.ece");
        // per category (the comparisons' metadata): the pairs add up to the whole
        assertThat(m.get("rm.heldout.category.even.pairs") + m.get("rm.heldout.category.odd.pairs"))
                .isEqualTo(m.get("rm.heldout.pairs"));
        assertThat(m).containsKeys("rm.heldout.category.even.accuracy", "rm.heldout.category.odd.accuracy_vs_rubric");
        assertThat(result.report()).anyMatch(l -> l.trim().startsWith("even") && l.contains("against the rubric"));
        // temperature scaling never makes the validation fit worse; it is reported with the scale it applied
        assertThat(m.get("rm.calibration.validation.nll.after")).isLessThanOrEqualTo(m.get("rm.calibration.validation.nll.before"));
        assertThat(m.get("rm.calibration.scale")).isBetween(0.01, 20.0);
        assertThat(result.report()).anyMatch(l -> l.contains("P(a>b) bin"));
        assertThat(monitor.metrics).containsKeys("rm.accuracy", "rm.ece");
        assertThat(result.parents()).containsExactly("sft/v1");

        try (LoadedCheckpoint rm = store.load(ModelStoreLayout.REWARD, result.checkpoint().version())) {
            List<ChatMessage> prompt = List.of(ChatMessage.user("Rate answer 0."));
            float[] r = SequenceRewards.score(rm.model(), List.of(
                    ContextFit.example(rm.tokenizer(), prompt, "awful.", 64),
                    ContextFit.example(rm.tokenizer(), prompt, "perfect.", 64)), 2);
            assertThat(r[1]).isGreaterThan(r[0]);
            float scorerReward = new Scorer(rm.model()).score(List.of(
                    ContextFit.example(rm.tokenizer(), prompt, "perfect.", 64))).get(0).reward();
            assertThat(scorerReward).isCloseTo(r[1], org.assertj.core.api.Assertions.within(1e-4f));
        }
    }

    @Test
    void aRewardModelWithTheLikelihoodTermIsTrainedCalibratedAndPublishedWithIt() {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        TestData.comparisons(dir.resolve("data"), 200);
        JobResult result = factory().create(JobKind.REWARD_MODEL, Map.of("epochs", "3", "lr", "0.002",
                "warmup-steps", "3", "likelihood-weight", "1", "label-smoothing", "0.1")).run(new RecordingMonitor());

        Map<String, Double> m = result.metrics();
        assertThat(m.get("rm.heldout.accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(m.get("rm.calibration.validation.nll.after")).isLessThanOrEqualTo(m.get("rm.calibration.validation.nll.before"));
        assertThat(m).containsKeys("rm.calibration.bound", "rm.calibration.max_probability");
        try (LoadedCheckpoint rm = store.load(ModelStoreLayout.REWARD, result.checkpoint().version())) {
            assertThat(rm.model().config().rewardLikelihood()).isTrue();
            assertThat((double) rm.model().config().rewardBound()).isEqualTo(m.get("rm.calibration.bound"), within(1e-6));
            assertThat(rm.model().likelihoodWeight().toFloatArray()[0]).isNotEqualTo(1f); // trained, then scaled
            List<ChatMessage> prompt = List.of(ChatMessage.user("Rate answer 1."));
            List<Scorer.Example> answers = List.of(ContextFit.example(rm.tokenizer(), prompt, "awful.", 64),
                    ContextFit.example(rm.tokenizer(), prompt, "perfect.", 64));
            float[] r = SequenceRewards.score(rm.model(), answers, 2);
            assertThat(r[1]).isGreaterThan(r[0]);
            // what the reward service serves (SequenceRewards) is what Scorer reports
            assertThat(new Scorer(rm.model()).score(answers).get(1).reward()).isCloseTo(r[1], within(1e-4f));
            if (rm.model().config().rewardBound() > 0) {
                assertThat((double) Math.abs(r[1] - r[0])).isLessThan(rm.model().config().rewardBound());
            }
        }
    }

    @Test
    void theGateKeepsTheChampionAgainstAWeekOfFlippedLabelsAndPromotesAGoodChallenger() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        Path good = TestData.comparisons(dir.resolve("data"), 300);
        Path regression = java.nio.file.Files.copy(good, dir.resolve("regression.jsonl"));
        Map<String, String> training = Map.of("epochs", "5", "lr", "0.002", "prompts-per-batch", "8",
                "warmup-steps", "3", "likelihood-weight", "0");
        factory().create(JobKind.REWARD_MODEL, training).run(new RecordingMonitor()); // the champion, reward/v1

        // A week whose labelers ranked every comparison upside down: each ranking's tiers reversed.
        Path flipped = dir.resolve("flipped.jsonl");
        List<String> lines = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(good)) {
            com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            com.google.gson.JsonArray reversed = new com.google.gson.JsonArray();
            com.google.gson.JsonArray ranking = o.getAsJsonArray("ranking");
            for (int t = ranking.size() - 1; t >= 0; t--) {
                reversed.add(ranking.get(t));
            }
            o.add("ranking", reversed);
            lines.add(o.toString());
        }
        java.nio.file.Files.write(flipped, lines);
        Map<String, String> gated = new java.util.HashMap<>(training);
        gated.putAll(Map.of("gate", "true", "gate-regression", regression.toString()));
        Map<String, String> flippedWeek = new java.util.HashMap<>(gated);
        flippedWeek.put("data", flipped.toString());
        assertThatThrownBy(() -> factory().create(JobKind.REWARD_MODEL, flippedWeek).run(new RecordingMonitor()))
                .isInstanceOf(JobPreconditionException.class)
                .hasMessageContaining("kept the champion")
                .hasMessageContaining("regression set accuracy")
                .hasMessageContaining("nothing published");
        assertThat(store.versions(ModelStoreLayout.REWARD)).as("the champion keeps serving").containsExactly(1);

        JobResult promoted = factory().create(JobKind.REWARD_MODEL, gated).run(new RecordingMonitor());
        assertThat(promoted.checkpoint().version()).isEqualTo(2);
        assertThat(promoted.metrics()).containsKeys("rm.gate.regression.accuracy", "rm.gate.champion.validation.accuracy");
        assertThat(promoted.report()).anyMatch(l -> l.startsWith("rm gate: promoted: "));
    }

    @Test
    void robustnessCheckScoresTheTrainPmsBestOfNPickWithTheTestPm() {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        TestData.comparisons(dir.resolve("data"), 120);
        JobResult result = factory().create(JobKind.REWARD_MODEL, Map.of("epochs", "2", "lr", "0.002",
                "robustness-check", "true", "robustness-prompts", "4", "robustness-max-new-tokens", "6"))
                .run(new RecordingMonitor());

        Map<String, Double> m = result.metrics();
        double previous = Double.NEGATIVE_INFINITY;
        for (int n : BestOfNRobustness.N) {
            double trainPm = m.get("robustness.best_of_" + n + ".train_pm");
            assertThat(trainPm).as("train-PM score of its own best-of-%d pick", n).isGreaterThanOrEqualTo(previous);
            assertThat(m).containsKey("robustness.best_of_" + n + ".test_pm");
            previous = trainPm;
        }
        assertThat(result.report()).anyMatch(l -> l.contains("train-PM | test-PM"));
    }

    @Test
    void cancellationStopsBeforeTheNextStepAndPublishesNothing() {
        TestData.corpus(dir.resolve("data"), 200);
        RecordingMonitor monitor = new RecordingMonitor() {
            @Override
            public void progress(StepProgress progress) {
                super.progress(progress);
                cancel = progress.step() == 3;
            }
        };
        TrainingJob job = factory().create(JobKind.PRETRAIN, Map.of("layers", "1", "width", "32", "heads", "2",
                "context", "32", "steps", "50"));
        assertThatThrownBy(() -> job.run(monitor)).isInstanceOf(JobCancelledException.class);
        assertThat(monitor.steps).hasSize(3);
        assertThat(new CheckpointStore(dir.resolve("store")).versions(ModelStoreLayout.BASE)).isEmpty();
    }

    @Test
    void theRewardModelNeedsAnSftModel() {
        TestData.comparisons(dir.resolve("data"), 20);
        TrainingJob job = factory().create(JobKind.REWARD_MODEL, Map.of());
        assertThatThrownBy(job::checkPreconditions).isInstanceOf(JobPreconditionException.class)
                .hasMessageContaining("no sft model");
    }
}
