package rlhf.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.pipeline.ModelEvaluation;

/** {@code rlhf evaluate}: the rubric's judgment of two stored models. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Judges two stored models on the held-out evaluation prompts with the task-world rubric: mean "
            + "Likert per category, refusal and compliance rates, and the win rate of X over Y with its 95%% interval.",
            "Default seed (used when --temperature > 0): 7."})
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    Folders folders;
    @Mixin
    Seed seed;

    @Option(names = "--x", paramLabel = "KIND[:V]", defaultValue = "sft",
            description = "The model judged, e.g. policy:3; newest version when omitted (default: ${DEFAULT-VALUE}).")
    String x;

    @Option(names = "--y", paramLabel = "KIND[:V]", defaultValue = "base",
            description = "The model it is judged against (default: ${DEFAULT-VALUE}).")
    String y;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
            description = "Sampling temperature of both models, one seed per prompt, judged beside greedy answers; 0 "
                + "judges greedy answers only (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Mixin
    Limit limit;

    @Override
    public Integer call() {
        ModelEvaluation.run(folders.store(), folders.data(), x, y, temperature, seed.orElse(7),
                limit.orAll());
        return 0;
    }
}
