package rlhf.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import rlhf.demo.soak.Soak;
import rlhf.demo.soak.SoakReport;
import rlhf.demo.soak.SoakSettings;

/** {@code rlhf soak}: the whole stack under mixed load for a stated time; fails on errors or memory growth. */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts the embedded Kafka broker and the four services (free ports), trains tiny models through "
            + "the trainer's admin API if the work folder holds none, then runs mixed load for the stated time: chat and "
            + "comparisons through the gateway, Generate and Score over gRPC, and a PPO job restarted whenever it ends. "
            + "After the warm-up and at the end it holds the load and samples each service's RSS and live NDArrays. "
            + "Prints calls, errors and latency percentiles per load kind and the memory per service, and writes "
            + "soak-report.json and soak-report.md into the work folder.",
            "Exit code 0 only with no error, every load kind called, a PPO version published after the warm-up, and no "
                + "service grown past the bounds. Default seed (of the tiny task world and models): 1."})
final class SoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "5",
            description = "Minutes of load, the warm-up included; fractions allowed (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "target/soak",
            description = "The soak's folder: broker data, logs, models and the report. Its own broker runs here, so "
                + "not a folder a running ./rlhf demo uses; a stopped demo's folder soaks the demo's models "
                + "(default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--clients", paramLabel = "C", defaultValue = "" + SoakSettings.CLIENTS,
            description = "Concurrent closed-loop clients per request kind (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--warmup-seconds", paramLabel = "S",
            description = "Seconds of load before the first memory sample (default: a tenth of the load, at least 30, "
                + "at most half).")
    Integer warmupSeconds;

    @Option(names = "--ppo-iterations", paramLabel = "N", defaultValue = "" + SoakSettings.PPO_ITERATIONS,
            description = "Iterations of each PPO job (4 prompts x 2 samples, 16 new tokens each) before it is "
                + "started again (default: ${DEFAULT-VALUE}).")
    int ppoIterations;

    @Option(names = "--max-rss-growth", paramLabel = "PCT", defaultValue = "" + (int) (100 * SoakSettings.MAX_RSS_GROWTH),
            description = "Most a service's RSS may grow from the first sample to the last (each after a full GC), in "
                + "percent; the gateway may add 1 KiB per comparison appended, for the dedup index it keeps by design "
                + "(default: ${DEFAULT-VALUE}).")
    double maxRssGrowthPercent;

    @Option(names = "--array-slack", paramLabel = "N", defaultValue = "" + SoakSettings.ARRAY_SLACK,
            description = "Most a service's live NDArrays may grow from the first sample to the last "
                + "(default: ${DEFAULT-VALUE}).")
    int arraySlack;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
            description = "The embedded broker's port; 0 takes any free port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Mixin
    Seed seed;

    @Override
    public Integer call() throws InterruptedException {
        SoakSettings settings = settings();
        Path root = new DemoCommand.Stack().repositoryRoot(); // where ./rlhf lives; its --kafka-port is not ours
        SoakReport report = Soak.run(root, workDir, kafkaPort, settings, System.out::println);
        System.out.println();
        System.out.print(report.markdown());
        System.out.println("report: " + report.write(workDir).toAbsolutePath() + " (and soak-report.json)");
        return report.passed() ? 0 : Rlhf.FAILED;
    }

    private SoakSettings settings() {
        Duration load = Duration.ofMillis(Math.round(minutes * 60_000));
        try {
            SoakSettings s = SoakSettings.of(load).withClients(clients).withPpoIterations(ppoIterations)
                    .withMaxRssGrowth(maxRssGrowthPercent / 100).withArraySlack(arraySlack).withSeed(seed.orElse(1));
            return warmupSeconds == null ? s : s.withWarmup(Duration.ofSeconds(warmupSeconds));
        } catch (IllegalArgumentException e) { // the settings name their fields; say which option set it
            String message = e.getMessage();
            for (String[] field : new String[][] {{"load", "--minutes"}, {"warmup", "--warmup-seconds"},
                {"clients", "--clients"}, {"ppoIterations", "--ppo-iterations"},
                {"maxRssGrowth and arraySlack", "--max-rss-growth and --array-slack"}}) {
                if (message.startsWith(field[0] + ":") || message.startsWith(field[0] + " ")) {
                    message = field[1] + message.substring(field[0].length());
                }
            }
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
