package rlhf.trainer.jobs.reward;

import java.nio.file.Path;

import rlhf.trainer.jobs.JobParameters;
import rlhf.trainer.jobs.training.OptimizerParameters;

/**
 * Parameters of {@link RewardModelJob}. InstructGPT trained its reward model for a single epoch (more overfits,
 * because the K-choose-2 pairs of one prompt are correlated). The defaults keep the likelihood term on (β = 1) and the
 * learning rate at 1e-4: on the task world (issue 4's notes, fourth session) the SFT model's own mean log-probability
 * already orders 0.907 of the held-out pairs as the rubric does, and a higher rate (3e-4) or more epochs trains that
 * knowledge away faster than the head learns (0.885 after 2 epochs at 3e-4, 0.871 after 4).
 *
 * @param comparisons JSONL ranked comparisons (K answers, tiers best first)
 * @param humanComparisons {@code human-data}: a second comparisons file trained on beside {@code data} (the online
 *        iteration's snapshot of the human comparisons: old + new), recorded as its own data set; null = none
 * @param sftVersion the SFT model to start from; 0 = the newest
 * @param promptsPerBatch comparisons per step; each is one batched forward of its K answers
 * @param calibrationBins bins of the reliability table
 * @param robustness the hh-rlhf train-PM / test-PM check, when enabled
 * @param calibrate temperature scaling after training: the reward head is multiplied by the factor that best fits the
 *        validation users' comparisons (the test users stay untouched, so their ECE is an honest held-out number)
 * @param likelihoodWeight the initial β of the reward's likelihood term ({@link rlhf.model.score.SequenceRewards}):
 *        r = head + β · mean log π(y | x) under the reward model's own LM head, β trained with the rest; 0 = the reward
 *        head alone, as in InstructGPT
 * @param labelSmoothing ε of the conservative ranking loss ({@link rlhf.trainer.algo.PairwiseRankingLoss}): the
 *        assumed rate of flipped labels; 0 = InstructGPT's eq. 1
 * @param fromChampion {@code init=champion}: continue from the newest published reward model (its calibration bound
 *        lifted, re-calibrated at the end) instead of starting from the SFT model ({@code init=sft}, the default and
 *        InstructGPT's / hh-rlhf's way) — the online iteration's cheap weekly retrain on new + replayed data
 */
public record RewardModelParameters(Path comparisons, Path humanComparisons, int sftVersion, int epochs, int promptsPerBatch, int maxSteps,
        OptimizerParameters optimizer, long seed, int calibrationBins, boolean robustnessCheck,
        RobustnessParameters robustness, boolean calibrate, float likelihoodWeight,
        float labelSmoothing, Gate gate, boolean fromChampion) {

    /**
     * The online iteration's gate (off unless {@code gate=true}): the trained model is published only if it passes
     * {@link rlhf.trainer.online.RewardModelGate} against the newest published reward model, both measured on this
     * data's validation users and on the frozen regression comparisons.
     *
     * @param regression the frozen regression set (ranked comparisons), required when the gate is on
     */
    public record Gate(boolean enabled, rlhf.trainer.online.RewardModelGate.Settings settings, Path regression) {
    }

    /** The regression set's file name looked up in a data folder. */
    public static final String REGRESSION_FILE = "regression-comparisons.jsonl";

    /** The comparisons file name looked up in a data folder. */
    public static final String COMPARISONS_FILE = "comparisons.jsonl";

    public static RewardModelParameters read(JobParameters p, Path dataDirectory) {
        return new RewardModelParameters(
                p.dataFile("data", dataDirectory, COMPARISONS_FILE),
                p.optionalFile("human-data"),
                p.intIn("sft-version", 0, 0, Integer.MAX_VALUE),
                p.intIn("epochs", 1, 1, 1000),
                p.intIn("prompts-per-batch", 8, 1, 1024),
                p.intIn("max-steps", 0, 0, 10_000_000),
                OptimizerParameters.read(p, new OptimizerParameters(1e-4f, 1e-5f, 10, 0.1f, 1f)),
                p.longIn("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                p.intIn("calibration-bins", 10, 1, 100),
                p.bool("robustness-check", false),
                RobustnessParameters.read(p),
                p.bool("calibrate", true),
                p.floatIn("likelihood-weight", 1f, 0f, 100f),
                p.floatIn("label-smoothing", 0f, 0f, 0.49f),
                new Gate(p.bool("gate", false), new rlhf.trainer.online.RewardModelGate.Settings(
                        p.floatIn("gate-max-accuracy-drop", 0.02f, 0f, 1f), p.floatIn("gate-max-ece", 0.1f, 0.001f, 1f),
                        p.floatIn("gate-min-regression-accuracy", 0.8f, 0f, 1f)),
                        p.dataFile("gate-regression", dataDirectory, REGRESSION_FILE)),
                p.oneOf("init", "sft", "sft", "champion").equals("champion"));
    }
}
