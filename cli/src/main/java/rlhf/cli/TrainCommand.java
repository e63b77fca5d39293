package rlhf.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import rlhf.model.store.CheckpointStore;
import rlhf.model.v1.ModelVersion;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.trainer.kafka.KafkaRolloutExchange;
import rlhf.trainer.kafka.ModelVersionAnnouncer;
import rlhf.trainer.kafka.ComparisonSnapshot;
import rlhf.trainer.kafka.ModelVersions;

/**
 * {@code rlhf train pretrain|sft|reward-model|ppo|online}: one training job in this process. Each job's options are its
 * parameters, read from the job itself ({@link JobFactory#defaults}), so the command line, REST and gRPC take the same
 * keys and the help shows every default.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Runs one training job in this process and publishes its model to the store.")
final class TrainCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a job: pretrain, sft, reward-model, ppo or online");
    }

    /** Adds one subcommand per job kind, with an option per job parameter. */
    static void addJobs(CommandLine train) {
        for (JobKind kind : JobKind.values()) {
            JobCommand job = new JobCommand(kind);
            CommandLine line = new CommandLine(job);
            CommandSpec jobSpec = line.getCommandSpec();
            jobSpec.usageMessage().description(description(kind));
            JobFactory.defaults(kind, Path.of("<data>")).forEach((key, value) -> {
                if (!key.equals("data")) { // --data takes a folder or the job's data file
                    OptionSpec option = OptionSpec.builder("--" + key).paramLabel("VALUE").type(String.class)
                            .description("Default: " + value + ".").build();
                    jobSpec.addOption(option);
                    job.parameterOptions.put(key, option);
                }
            });
            if (kind == JobKind.ONLINE_ITERATION) {
                train.addSubcommand(name(kind), line, "online");
            } else {
                train.addSubcommand(name(kind), line);
            }
        }
    }

    static String name(JobKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String description(JobKind kind) {
        return switch (kind) {
            case PRETRAIN -> "Pretrains a language model from scratch on the corpus -> base/vN.";
            case SFT -> "Fine-tunes the newest base model on the demonstrations -> sft/vN.";
            case REWARD_MODEL -> "Trains a reward model from the SFT model on ranked comparisons -> reward/vN.";
            case PPO -> "PPO against the reward model with a KL penalty to the SFT policy -> policy/vN per iteration; "
                    + "rollouts travel over Kafka (--kafka), so the policy and reward services must be running.";
            case ONLINE_ITERATION -> "One week of iterated online RLHF (alias: online): snapshot of the human "
                    + "comparisons on Kafka (--kafka) -> reward model on old + new behind its gate -> PPO from the serving "
                    + "policy -> policy gate -> one announced policy/vN (the promoted candidate, or the champion again).";
        };
    }

    /** One job kind as a command. */
    @Command(mixinStandardHelpOptions = true)
    static final class JobCommand implements Callable<Integer> {
        private final JobKind kind;
        /** The job's parameters as options, by parameter key. */
        private final Map<String, OptionSpec> parameterOptions = new LinkedHashMap<>();

        @Spec
        CommandSpec spec;
        @Mixin
        Folders folders;

        @Option(names = "--kafka", paramLabel = "HOST:PORT",
                description = "Announce published versions on rlhf.model-versions; PPO needs it (its rollouts travel "
                    + "on Kafka).")
        String kafka;

        @Option(names = "--group-id", paramLabel = "ID", defaultValue = "trainer-ppo",
                description = "PPO's consumer group on rlhf.rollouts (default: ${DEFAULT-VALUE}).")
        String groupId;

        JobCommand(JobKind kind) {
            this.kind = kind;
        }

        @Override
        public Integer call() {
            PrintStream out = System.out;
            Path dataPath = folders.data();
            Map<String, String> parameters = parameters();
            if (!Files.isDirectory(dataPath)) {
                parameters.put("data", dataPath.toString()); // a file: the job's data parameter
            }
            try (ModelVersionAnnouncer announcer = kafka == null ? null
                    : new ModelVersionAnnouncer(kafka, Duration.ofSeconds(30))) {
                PpoConnections ppo = kafka == null ? null : new PpoConnections(
                        () -> new KafkaRolloutExchange(kafka, groupId, Duration.ofSeconds(30)),
                        r -> announce(r, announcer, out));
                JobFactory factory = new JobFactory(new CheckpointStore(folders.store()), dataPath, ppo,
                        kafka == null ? null : ComparisonSnapshot.source(kafka));
                TrainingJob job = factory.create(kind, parameters);
                out.println(kind + " with " + new TreeMap<>(job.parameters()));
                JobResult result = job.run(new ConsoleMonitor(out, Duration.ofSeconds(5)));
                report(result, out);
                if (announcer != null && !job.announcesItself()) {
                    announce(result, announcer, out);
                }
                return 0;
            }
        }

        /** The job parameters given on the command line, by key. */
        private Map<String, String> parameters() {
            Map<String, String> given = new LinkedHashMap<>();
            parameterOptions.forEach((key, option) -> {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    given.put(key, option.getValue());
                }
            });
            return given;
        }

        private static void report(JobResult result, PrintStream out) {
            result.report().forEach(out::println);
            out.println("published " + result.checkpoint().id() + " at " + result.checkpoint().directory());
            out.println("parents " + result.parents());
            result.datasets().forEach(d -> out.println("dataset " + d.lineageEntry()));
            new TreeMap<>(result.metrics()).forEach((k, v) -> out.printf(Locale.ROOT, "  %s = %.4f%n", k, v));
        }

        private static long announce(JobResult result, ModelVersionAnnouncer announcer, PrintStream out) {
            ModelVersion version = ModelVersions.of(result);
            long offset = announcer.announce(version);
            out.println("announced " + version.getKind() + " v" + version.getVersion()
                    + " on rlhf.model-versions at offset " + offset);
            return offset;
        }
    }
}
