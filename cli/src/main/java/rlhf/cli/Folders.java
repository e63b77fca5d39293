package rlhf.cli;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The folders the commands share, each option declared once and mixed into the commands that use it: the run's work
 * folder, and the model store and data folder inside it unless named. {@code ./rlhf demo} fills
 * {@code target/local-run}; every other command then finds its models and data there without a flag. A command that
 * uses all three mixes in {@code Folders}; one that uses fewer mixes in the parts.
 */
final class Folders {

    @Mixin
    WorkDir work;
    @Mixin
    Store store;
    @Mixin
    Data data;

    Path workDir() {
        return work.path;
    }

    Path store() {
        return store.in(work);
    }

    Path data() {
        return data.in(work);
    }

    /** {@code --work-dir}. */
    static final class WorkDir {
        @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "target/local-run",
                description = "The run's folder; --store and --data default inside it (default: ${DEFAULT-VALUE}).")
        Path path;
    }

    /** {@code --store}. */
    static final class Store {
        @Option(names = "--store", paramLabel = "DIR",
                description = "The model store of <kind>/v<N>/ folders (default: <work-dir>/model-store).")
        Path path;

        Path in(WorkDir work) {
            return path != null ? path : work.path.resolve("model-store");
        }
    }

    /** {@code --data}. */
    static final class Data {
        @Option(names = "--data", paramLabel = "DIR",
                description = "The folder of the JSONL data sets; a training job also takes its data file here "
                    + "(default: <work-dir>/taskworld).")
        Path path;

        Path in(WorkDir work) {
            return path != null ? path : work.path.resolve("taskworld");
        }
    }
}

