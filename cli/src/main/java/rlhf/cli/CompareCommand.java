package rlhf.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.pipeline.ComparisonMaker;
import rlhf.demo.pipeline.LabelerComparisons;

/** {@code rlhf compare}: labeler comparisons of SFT answers, the reward model's training data. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Samples K = 4..9 answers of the newest SFT model to each RM prompt and has a simulated labeler "
            + "rank them with ties; writes comparisons.jsonl into the data folder.")
final class CompareCommand implements Callable<Integer> {

    @Mixin
    Folders folders;

    @Option(names = "--noise", paramLabel = "P", defaultValue = "0.1",
            description = "The labeler's noise: the chance of a random order (default: ${DEFAULT-VALUE}).")
    double noise;

    @Mixin
    Limit limit;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sampling temperature of the answers (default: " + ComparisonMaker.DEFAULT_TEMPERATURE + ").")
    Float temperature;

    @Override
    public Integer call() {
        LabelerComparisons.run(folders.store(), folders.data(), noise, limit.orAll(),
                temperature == null ? ComparisonMaker.DEFAULT_TEMPERATURE : temperature);
        return 0;
    }
}
