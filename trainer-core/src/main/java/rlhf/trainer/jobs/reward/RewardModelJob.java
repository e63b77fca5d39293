package rlhf.trainer.jobs.reward;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.algo.PreferenceCalibration;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.data.RankedComparison;
import rlhf.trainer.data.Split;
import rlhf.trainer.jobs.GateRefusedException;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.training.CheckpointInputs;
import rlhf.trainer.jobs.training.Publication;
import rlhf.trainer.online.GateDecision;
import rlhf.trainer.online.RewardModelGate;
import rlhf.wire.ModelStoreLayout;

/**
 * The reward model (InstructGPT §3.5, eq. 1): initialised from the newest SFT model with its scalar reward head,
 * trained on the split=train rankings with K-way batching, evaluated on the validation and test users (pairwise
 * accuracy, ECE, reliability table), optionally checked for robustness (hh-rlhf train-PM vs test-PM best-of-n), and
 * published as {@code reward/vN} with the SFT version as its parent.
 */
public final class RewardModelJob implements TrainingJob {

    private final CheckpointStore store;
    private final RewardModelParameters p;
    private final Map<String, String> parameters;

    public RewardModelJob(CheckpointStore store, RewardModelParameters parameters, Map<String, String> resolved) {
        this.store = store;
        this.p = parameters;
        this.parameters = Map.copyOf(resolved);
    }

    @Override
    public JobKind kind() {
        return JobKind.REWARD_MODEL;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public void checkPreconditions() {
        CheckpointInputs.require(store, ModelStoreLayout.SFT, p.sftVersion(), "sft-version", "an SFT job");
        if (p.fromChampion()) {
            CheckpointInputs.require(store, ModelStoreLayout.REWARD, 0, "init", "a REWARD_MODEL job (init=champion)");
        }
        if (!Files.isRegularFile(p.comparisons())) {
            throw new JobPreconditionException("comparisons not found: " + p.comparisons() + " (parameter 'data')");
        }
        if (p.humanComparisons() != null && !Files.isRegularFile(p.humanComparisons())) {
            throw new JobPreconditionException("comparisons not found: " + p.humanComparisons()
                    + " (parameter 'human-data')");
        }
        if (p.gate().enabled() && !Files.isRegularFile(p.gate().regression())) {
            throw new JobPreconditionException("the gate's regression set not found: " + p.gate().regression()
                    + " (parameter 'gate-regression')");
        }
    }

    /** The comparisons by split, encoded for the model. */
    private record Splits(List<EncodedComparison> train, List<EncodedComparison> validation,
            List<EncodedComparison> test) {
    }

    @Override
    public JobResult run(JobMonitor monitor) {
        checkPreconditions();
        List<RankedComparison> comparisons = new ArrayList<>(RankedComparison.read(p.comparisons()));
        List<DatasetRef> datasets = new ArrayList<>(List.of(JsonlFile.reference(p.comparisons(), comparisons.size())));
        if (p.humanComparisons() != null) {
            List<RankedComparison> human = RankedComparison.read(p.humanComparisons());
            comparisons.addAll(human);
            datasets.add(JsonlFile.reference(p.humanComparisons(), human.size()));
        }
        try (LoadedCheckpoint loaded = p.fromChampion()
                        ? store.load(ModelStoreLayout.REWARD, store.latest(ModelStoreLayout.REWARD).orElseThrow().version())
                        : CheckpointInputs.load(store, ModelStoreLayout.SFT, p.sftVersion());
                GptModel rewardModel = p.fromChampion()
                        ? loaded.model().derive(loaded.model().config().withRewardBound(0f), Map.of())
                        : p.likelihoodWeight() > 0 ? loaded.model().withRewardLikelihood(p.likelihoodWeight()) : null) {
            // where the reward model starts: the SFT checkpoint's weights (plus β when the likelihood term is on), or
            // the champion with its calibration bound lifted (its rewards s·(u − μ): the same order, unsquashed)
            LoadedCheckpoint start = rewardModel == null ? loaded
                    : new LoadedCheckpoint(loaded.checkpoint(), rewardModel, loaded.tokenizer());
            Splits splits = encode(comparisons, start.tokenizer(), start.model().config().contextLength());
            if (splits.train().isEmpty()) {
                throw new JobPreconditionException("no split=train comparisons in " + p.comparisons()
                        + (p.humanComparisons() == null ? "" : " or " + p.humanComparisons()));
            }
            monitor.log(String.format(Locale.ROOT, "rm: from %s, %,d train / %,d validation / %,d test comparisons",
                    start.checkpoint().id(), splits.train().size(), splits.validation().size(), splits.test().size()));
            Map<String, Double> metrics = new LinkedHashMap<>();
            List<String> report = new ArrayList<>();
            RewardModelTrainer trainer = new RewardModelTrainer(p);
            if (p.robustnessCheck()) {
                robustness(start, trainer, splits, metrics, report, monitor);
            }
            float loss = trainer.train(start.model(), splits.train(), monitor, "rm");
            metrics.put("rm.train.loss", (double) loss);
            if (p.calibrate() && !splits.validation().isEmpty()) {
                uncalibrated(start.model(), splits, metrics, report);
                try (GptModel calibrated = calibrate(start.model(), splits.validation(), metrics, report)) {
                    return evaluateAndPublish(new LoadedCheckpoint(start.checkpoint(), calibrated, start.tokenizer()),
                            splits, datasets, metrics, report, monitor);
                }
            }
            return evaluateAndPublish(start, splits, datasets, metrics, report, monitor);
        }
    }

    /** Evaluates {@code rm} (the trained model, under its SFT parent's checkpoint) and publishes it. */
    private JobResult evaluateAndPublish(LoadedCheckpoint rm, Splits splits, List<DatasetRef> datasets,
            Map<String, Double> metrics, List<String> report, JobMonitor monitor) {
        evaluate(rm, splits, metrics, report, monitor);
        if (p.gate().enabled()) {
            gate(rm, splits, metrics, report);
        }
        report.forEach(monitor::log);
        return Publication.publish(store, kind(), ModelStoreLayout.REWARD, rm.model(), rm.tokenizer(),
                List.of(rm.checkpoint().id()), datasets, metrics, report);
    }

    /**
     * The online iteration's reward-model gate: the challenger and the newest published reward model (the champion),
     * both measured on this data's validation users and on the frozen regression set; a failed rule stops the job
     * before anything is published, naming every reason.
     */
    private void gate(LoadedCheckpoint challenger, Splits splits, Map<String, Double> metrics, List<String> report) {
        if (splits.validation().isEmpty()) {
            throw new JobPreconditionException("reward-model gate: no validation comparisons to judge on");
        }
        int context = challenger.model().config().contextLength();
        List<EncodedComparison> regression = RankedComparison.read(p.gate().regression()).stream()
                .map(c -> EncodedComparison.encode(c, challenger.tokenizer(), context)).toList();
        RewardModelGate.Measured measured = measure("challenger", challenger.model(), splits.validation(), regression);
        Optional<RewardModelGate.Measured> champion = store.latest(ModelStoreLayout.REWARD).map(c -> {
            try (LoadedCheckpoint loaded = store.load(ModelStoreLayout.REWARD, c.version())) {
                return measure(c.id(), loaded.model(), splits.validation(), regression);
            }
        });
        GateDecision decision = new RewardModelGate(p.gate().settings()).judge(champion, measured);
        metrics.put("rm.gate.regression.accuracy", measured.regressionAccuracy());
        champion.ifPresent(c -> {
            metrics.put("rm.gate.champion.validation.accuracy", c.validationAccuracy());
            metrics.put("rm.gate.champion.regression.accuracy", c.regressionAccuracy());
        });
        report.add("rm gate: " + decision.summary());
        if (!decision.promote()) {
            throw new GateRefusedException("reward-model gate: " + decision.summary() + "; nothing published");
        }
    }

    private RewardModelGate.Measured measure(String name, GptModel model, List<EncodedComparison> validation,
            List<EncodedComparison> regression) {
        RewardModelEvaluation.Result v = RewardModelEvaluation.evaluate(model, validation, p.calibrationBins());
        double regressionAccuracy = regression.isEmpty() ? 1.0
                : RewardModelEvaluation.evaluate(model, regression, p.calibrationBins()).calibration().pairwiseAccuracy();
        return new RewardModelGate.Measured(name, v.calibration().pairwiseAccuracy(),
                v.calibration().expectedCalibrationError(), regressionAccuracy);
    }

    private static Splits encode(List<RankedComparison> comparisons, TextTokenizer tokenizer, int context) {
        Map<Split, List<EncodedComparison>> bySplit = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            bySplit.put(s, new ArrayList<>());
        }
        for (RankedComparison c : comparisons) {
            bySplit.get(c.split()).add(EncodedComparison.encode(c, tokenizer, context));
        }
        return new Splits(bySplit.get(Split.TRAIN), bySplit.get(Split.VALIDATION), bySplit.get(Split.TEST));
    }

    /**
     * Calibration on the validation users: fits the bounded temperature scaling of
     * {@link PreferenceCalibration#fitBounded} to the trained (unbounded) rewards u and returns a new model that serves
     * r = (c/2)·tanh(2·s·(u − μ)/c): the reward head's weight and β of the likelihood term are multiplied by s, the
     * head's bias becomes s·(b − μ), and c becomes the config's reward bound (0 when plain scaling fits better). Every
     * answer keeps its place in every ranking, so accuracy is unchanged; the test users are not used.
     */
    private static GptModel calibrate(GptModel model, List<EncodedComparison> validation, Map<String, Double> metrics,
            List<String> report) {
        List<Scorer.Example> answers = new ArrayList<>();
        validation.forEach(c -> answers.addAll(c.answers()));
        float[] rewards = SequenceRewards.score(model, answers, 64);
        List<double[]> pairs = new ArrayList<>();
        int offset = 0;
        for (EncodedComparison c : validation) {
            for (int[] pair : c.pairs()) {
                pairs.add(new double[] {rewards[offset + pair[0]], rewards[offset + pair[1]]});
            }
            offset += c.answers().size();
        }
        double[] winners = pairs.stream().mapToDouble(w -> w[0]).toArray();
        double[] losers = pairs.stream().mapToDouble(w -> w[1]).toArray();
        PreferenceCalibration.Squash squash = PreferenceCalibration.fitBounded(winners, losers);
        Map<String, float[]> scaled = new LinkedHashMap<>();
        scaled.put("reward_head.weight", scaled(model, "reward_head.weight", squash.scale(), 0));
        scaled.put("reward_head.bias", scaled(model, "reward_head.bias", squash.scale(), squash.center()));
        if (model.config().rewardLikelihood()) {
            scaled.put(GptModel.LIKELIHOOD_WEIGHT, scaled(model, GptModel.LIKELIHOOD_WEIGHT, squash.scale(), 0));
        }
        GptModel calibrated = model.derive(model.config().withRewardBound((float) squash.bound()), scaled);
        double before = PreferenceCalibration.squashedLoss(winners, losers, new PreferenceCalibration.Squash(1, 0, 0));
        double after = PreferenceCalibration.squashedLoss(winners, losers, squash);
        metrics.put("rm.calibration.scale", squash.scale());
        metrics.put("rm.calibration.bound", squash.bound());
        metrics.put("rm.calibration.max_probability", squash.maxProbability());
        metrics.put("rm.calibration.validation.nll.before", before);
        metrics.put("rm.calibration.validation.nll.after", after);
        report.add(String.format(Locale.ROOT, "rm calibration: rewards scaled by %.4f around %.4f%s (fitted on %d "
                + "validation pairs: NLL %.4f -> %.4f); accuracy is unchanged, test users were not used",
                squash.scale(), squash.center(), squash.bound() > 0 ? String.format(Locale.ROOT,
                        " and bounded by margins of %.4f, so P(a>b) <= %.4f", squash.bound(), squash.maxProbability())
                        : ", unbounded", winners.length, before, after));
        return calibrated;
    }

    /**
     * ECE of the trained model before calibration, on the validation users (where the calibration is fitted) and the
     * test users (held out from it): what the calibration step is measured against.
     */
    private void uncalibrated(GptModel model, Splits splits, Map<String, Double> metrics, List<String> report) {
        for (Map.Entry<String, List<EncodedComparison>> set : Map.of("validation", splits.validation(), "test",
                splits.test()).entrySet()) {
            if (!set.getValue().isEmpty()) {
                RewardModelEvaluation.Result r = RewardModelEvaluation.evaluate(model, set.getValue(), p.calibrationBins());
                metrics.put("rm." + set.getKey() + ".ece.uncalibrated", r.calibration().expectedCalibrationError());
                report.add(String.format(Locale.ROOT, "rm %s before calibration: ECE %.4f, loss %.4f", set.getKey(),
                        r.calibration().expectedCalibrationError(), r.loss()));
            }
        }
    }

    /** s·(p − shift) for each value p of the named parameter. */
    private static float[] scaled(GptModel model, String name, double s, double shift) {
        float[] values = model.parameters().get(name).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (s * (values[i] - shift));
        }
        return values;
    }

    private void evaluate(LoadedCheckpoint model, Splits splits, Map<String, Double> metrics, List<String> report,
            JobMonitor monitor) {
        List<EncodedComparison> heldOut = new ArrayList<>(splits.validation());
        heldOut.addAll(splits.test());
        Map<String, List<EncodedComparison>> sets = new LinkedHashMap<>();
        sets.put("validation", splits.validation());
        sets.put("test", splits.test());
        sets.put("heldout", heldOut);
        for (Map.Entry<String, List<EncodedComparison>> set : sets.entrySet()) {
            if (set.getValue().isEmpty()) {
                continue;
            }
            RewardModelEvaluation.Result r = RewardModelEvaluation.evaluate(model.model(), set.getValue(),
                    p.calibrationBins());
            String prefix = "rm." + set.getKey() + ".";
            metrics.put(prefix + "accuracy", r.calibration().pairwiseAccuracy());
            metrics.put(prefix + "ece", r.calibration().expectedCalibrationError());
            metrics.put(prefix + "loss", r.loss());
            metrics.put(prefix + "pairs", (double) r.calibration().pairs());
            if (set.getKey().equals("test")) { // the reliability diagram of the held-out users, for reports
                List<rlhf.trainer.algo.PreferenceCalibration.Bin> bins = r.calibration().bins();
                for (int b = 0; b < bins.size(); b++) {
                    if (bins.get(b).count() == 0) {
                        continue;
                    }
                    String bin = String.format(Locale.ROOT, "%sbin.%02d.", prefix, b);
                    metrics.put(bin + "pairs", (double) bins.get(b).count());
                    metrics.put(bin + "predicted", bins.get(b).meanPredicted());
                    metrics.put(bin + "observed", bins.get(b).observed());
                }
            }
            if (!Double.isNaN(r.oracleAccuracy())) {
                metrics.put(prefix + "rubric_accuracy", r.oracleAccuracy());
                metrics.put(prefix + "accuracy_vs_rubric", r.accuracyVsRubric());
            }
            if (set.getKey().equals("heldout")) {
                for (RewardModelEvaluation.CategoryResult c : r.byCategory()) {
                    String category = prefix + "category." + c.category() + ".";
                    metrics.put(category + "pairs", (double) c.pairs());
                    metrics.put(category + "accuracy", c.accuracy());
                    if (!Double.isNaN(c.accuracyVsRubric())) {
                        metrics.put(category + "accuracy_vs_rubric", c.accuracyVsRubric());
                    }
                }
            }
            report.addAll(r.lines(set.getKey()));
        }
        if (!heldOut.isEmpty()) {
            metrics.put("rm.pairwise_accuracy", metrics.get("rm.heldout.accuracy"));
            metrics.put("rm.ece", metrics.get("rm.heldout.ece"));
            monitor.metric("rm.accuracy", metrics.get("rm.heldout.accuracy"));
            monitor.metric("rm.ece", metrics.get("rm.heldout.ece"));
        }
    }

    private void robustness(LoadedCheckpoint sft, RewardModelTrainer trainer, Splits splits, Map<String, Double> metrics,
            List<String> report, JobMonitor monitor) {
        Set<String> seen = new LinkedHashSet<>();
        List<int[]> prompts = new ArrayList<>();
        List<EncodedComparison> heldOut = new ArrayList<>(splits.validation());
        heldOut.addAll(splits.test());
        for (EncodedComparison c : heldOut) {
            if (prompts.size() < p.robustness().prompts() && seen.add(c.source().prompt().toString())) {
                prompts.add(PromptResponse.promptIds(sft.tokenizer(), c.source().prompt()));
            }
        }
        List<BestOfNRobustness.Row> rows = new BestOfNRobustness(trainer, p.robustness())
                .run(sft.model(), sft.tokenizer(), splits.train(), prompts, monitor);
        metrics.putAll(BestOfNRobustness.metrics(rows));
        report.addAll(BestOfNRobustness.lines(rows, prompts.size()));
    }
}
