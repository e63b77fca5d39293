package rlhf.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.pipeline.VersionEvaluation;
import rlhf.trainer.eval.PolicyEvaluator;

/** {@code rlhf evaluate-versions}: every policy version against SFT. */
@Command(name = "evaluate-versions", mixinStandardHelpOptions = true,
        description = {"Judges SFT and every policy version on the held-out prompts: rubric win rate over SFT with its "
            + "95%% interval, Likert per category, refusal and compliance, KL to SFT, reward-model score, the "
            + "sqrt(KL)-vs-reward fit and Elo ratings; prints a table and writes a JSON report.",
            "Default seed: 7."})
final class EvaluateVersionsCommand implements Callable<Integer> {

    @Mixin
    Folders folders;
    @Mixin
    Seed seed;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The JSON report (default: <work-dir>/version-evaluation.json).")
    Path out;

    @Option(names = "--versions", paramLabel = "V", split = ",",
            description = "Policy versions to judge, e.g. 1,3,5 (default: every version in the store).")
    List<Integer> versions = List.of();

    @Option(names = "--sft", paramLabel = "V", defaultValue = "0",
            description = "The reference SFT version; 0 is the newest (default: ${DEFAULT-VALUE}).")
    int sft;

    @Option(names = "--reward", paramLabel = "V|none", defaultValue = "0",
            description = "The reward model's version; 0 is the newest, 'none' skips the scores (default: "
                + "${DEFAULT-VALUE}).")
    String reward;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
            description = "Sampling temperature of every model (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "48",
            description = "Longest answer in tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
            description = "Prompts answered per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    Limit limit;

    @Override
    public Integer call() {
        int rewardVersion = "none".equals(reward) ? -1 : parseVersion(reward);
        VersionEvaluation.Options options = new VersionEvaluation.Options(folders.store(), versions, sft, rewardVersion,
                new PolicyEvaluator.Settings(temperature, seed.orElse(7), maxNewTokens, batch));
        VersionEvaluation.run(folders.data(), out != null ? out : folders.workDir().resolve("version-evaluation.json"),
                limit.orAll(), options);
        return 0;
    }

    private static int parseVersion(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new rlhf.trainer.jobs.InvalidParameterException("reward", "must be a version or 'none', got '"
                    + value + "'");
        }
    }
}
