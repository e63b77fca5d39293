package rlhf.trainer.jobs.sft;

import java.nio.file.Path;

import rlhf.trainer.jobs.JobParameters;
import rlhf.trainer.jobs.training.OptimizerParameters;

/**
 * Parameters of {@link SftJob}. InstructGPT trained SFT for 16 epochs with cosine decay and picked by validation
 * reward; a few epochs suffice for the task world's small demonstration set.
 *
 * @param demonstrations JSONL demonstrations (chat messages ending with the assistant's answer)
 * @param baseVersion the base model version to start from; 0 = the newest
 * @param maxSteps stop after this many steps; 0 = all epochs
 */
public record SftParameters(Path demonstrations, int baseVersion, int epochs, int batchSize, int maxSteps,
        OptimizerParameters optimizer, long seed) {

    /** The demonstrations file name looked up in a data folder. */
    public static final String DEMONSTRATIONS_FILE = "sft-demonstrations.jsonl";

    public static SftParameters read(JobParameters p, Path dataDirectory) {
        return new SftParameters(
                p.dataFile("data", dataDirectory, DEMONSTRATIONS_FILE),
                p.intIn("base-version", 0, 0, Integer.MAX_VALUE),
                p.intIn("epochs", 3, 1, 1000),
                p.intIn("batch-size", 16, 1, 1024),
                p.intIn("max-steps", 0, 0, 10_000_000),
                OptimizerParameters.read(p, new OptimizerParameters(5e-4f, 5e-5f, 10, 0.1f, 1f)),
                p.longIn("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
