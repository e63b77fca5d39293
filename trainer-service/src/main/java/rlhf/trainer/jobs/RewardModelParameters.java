package rlhf.trainer.jobs;

import java.nio.file.Path;

/**
 * Parameters of {@link RewardModelJob}. InstructGPT trained its reward model for a single epoch (more overfits,
 * because the K-choose-2 pairs of one prompt are correlated).
 *
 * @param comparisons JSONL ranked comparisons (K answers, tiers best first)
 * @param sftVersion the SFT model to start from; 0 = the newest
 * @param promptsPerBatch comparisons per step; each is one batched forward of its K answers
 * @param calibrationBins bins of the reliability table
 * @param robustness the hh-rlhf train-PM / test-PM check, when enabled
 * @param calibrate temperature scaling after training: the reward head is multiplied by the factor that best fits the
 *        validation users' comparisons (the test users stay untouched, so their ECE is an honest held-out number)
 */
public record RewardModelParameters(Path comparisons, int sftVersion, int epochs, int promptsPerBatch, int maxSteps,
        OptimizerParameters optimizer, long seed, int calibrationBins, boolean robustnessCheck,
        RobustnessParameters robustness, boolean calibrate) {

    /** The comparisons file name looked up in a data folder. */
    public static final String COMPARISONS_FILE = "comparisons.jsonl";

    public static RewardModelParameters read(JobParameters p, Path dataDirectory) {
        return new RewardModelParameters(
                p.dataFile("data", dataDirectory, COMPARISONS_FILE),
                p.intIn("sft-version", 0, 0, Integer.MAX_VALUE),
                p.intIn("epochs", 1, 1, 1000),
                p.intIn("prompts-per-batch", 8, 1, 1024),
                p.intIn("max-steps", 0, 0, 10_000_000),
                OptimizerParameters.read(p, new OptimizerParameters(3e-4f, 3e-5f, 10, 0.1f, 1f)),
                p.longIn("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                p.intIn("calibration-bins", 10, 1, 100),
                p.bool("robustness-check", false),
                RobustnessParameters.read(p),
                p.bool("calibrate", true));
    }
}
