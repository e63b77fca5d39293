package rlhf.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.taskworld.TaskWorldData;

/** {@code rlhf data}: writes the task world's data sets. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Writes the task world's data sets (pretraining corpus, SFT demonstrations, RM, PPO and "
            + "evaluation prompts) as JSONL into the data folder.", "Default seed: 1."})
final class DataCommand implements Callable<Integer> {

    @Mixin
    Folders.WorkDir work;
    @Mixin
    Folders.Data data;
    @Mixin
    Seed seed;

    @Option(names = "--corpus", paramLabel = "DOCUMENTS",
            description = "Documents of the pretraining corpus (default: the task world's full size).")
    Integer corpus;

    @Override
    public Integer call() {
        long s = seed.orElse(1);
        TaskWorldData.Sizes sizes = corpus == null ? TaskWorldData.Sizes.DEFAULT
                : TaskWorldData.Sizes.DEFAULT.withCorpus(corpus);
        System.out.println("task world: writing data sets to " + data.in(work).toAbsolutePath() + " (seed " + s + ")");
        Map<String, Integer> counts = new TaskWorldData(s).writeAll(data.in(work), sizes,
                line -> System.out.println("  " + line));
        System.out.println("task world: " + counts.values().stream().mapToInt(Integer::intValue).sum() + " records");
        return 0;
    }
}
