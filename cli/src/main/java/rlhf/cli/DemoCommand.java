package rlhf.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.LocalRun;
import rlhf.demo.pipeline.Pipeline;

/** {@code rlhf demo}: the main job on the embedded default. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job on an embedded default: starts a real Kafka broker in this JVM and the four "
            + "services as processes, then drives InstructGPT's stages through their public APIs (task-world data, "
            + "pretrain, SFT, labeler comparisons, reward model, PPO over Kafka, rubric evaluation) and keeps serving "
            + "until Ctrl-C. A work folder that already holds a reward model skips the pipeline and just serves.",
            "Services listen on 8081-8084. Default seed: 1."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    Folders.WorkDir work;
    @Mixin
    Seed seed;
    @Mixin
    Stack stack;

    @Option(names = "--serve-only", description = "Only start the broker and the services.")
    boolean serveOnly;

    @Option(names = {"--exit-when-done", "--exit-when-ready"},
            description = "Stop after the pipeline (with --serve-only: once every service is ready).")
    boolean exitWhenDone;

    @Option(names = "--pretrain-steps", paramLabel = "N",
            description = "Pretraining steps (default: " + Pipeline.PRETRAIN_STEPS + ").")
    Integer pretrainSteps;

    @Option(names = "--rm-prompts", paramLabel = "N",
            description = "RM prompts the labeler ranks answers to (default: all).")
    Integer rmPrompts;

    @Option(names = "--ppo-iterations", paramLabel = "N",
            description = "PPO iterations; 0 skips PPO (default: " + Pipeline.PPO_ITERATIONS + ").")
    Integer ppoIterations;

    @Option(names = "--weeks", paramLabel = "N",
            description = "Simulated weeks of online feedback after the pipeline: chat users and labelers through the "
                + "gateway, one gated online iteration each; 0 skips them (default: "
                + rlhf.demo.pipeline.Pipeline.WEEKS + ").")
    Integer weeks;

    @Override
    public Integer call() throws InterruptedException {
        Pipeline.Settings settings = Pipeline.Settings.DEFAULT.withSeed(seed.orElse(1));
        if (pretrainSteps != null) {
            settings = settings.withPretrainSteps(pretrainSteps);
        }
        if (rmPrompts != null) {
            settings = settings.withRmPrompts(rmPrompts);
        }
        if (ppoIterations != null) {
            settings = settings.withPpoIterations(ppoIterations);
        }
        if (weeks != null) {
            settings = settings.withWeeks(weeks);
        }
        LocalRun.run(stack.repositoryRoot(), work.path, stack.kafkaPort, serveOnly, exitWhenDone, settings);
        return 0;
    }

    /** Where the local stack comes from and which Kafka port it takes; shared by {@code demo} and {@code serve}. */
    static final class Stack {
        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
                description = "The embedded broker's port; 0 takes any free port (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        /** The checkout the services' apps were built in: the launcher's folder, else the current one. */
        Path repositoryRoot() {
            Path root = Path.of(System.getProperty("rlhf.home", "")).toAbsolutePath();
            if (!Files.isRegularFile(root.resolve("policy-service/target/quarkus-app/quarkus-run.jar"))) {
                throw new IllegalStateException("no service apps under " + root + ": run ./rlhf from the repository "
                        + "after ./mvnw -B install -DskipTests");
            }
            return root;
        }
    }
}
