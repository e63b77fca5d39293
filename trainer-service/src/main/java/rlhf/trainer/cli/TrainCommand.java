package rlhf.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import rlhf.model.store.CheckpointStore;
import rlhf.model.v1.ModelVersion;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.PpoConnections;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.mapping.ModelVersions;
import rlhf.trainer.messaging.KafkaRolloutExchange;
import rlhf.trainer.messaging.ModelVersionAnnouncer;

/**
 * The training jobs as a command:
 *
 * <pre>
 *   train pretrain|sft|reward-model|ppo [--store DIR] [--data DIR|FILE] [--kafka HOST:PORT] [--group-id ID]
 *         [--PARAMETER VALUE …]
 * </pre>
 *
 * {@code --store} is the model store (default {@code model-store}), {@code --data} a data file or a folder holding
 * the job's conventionally named file (default {@code data}), {@code --kafka} announces the published version on
 * {@code rlhf.model-versions} (PPO needs it: its rollouts travel on Kafka, and it announces every version it
 * publishes; {@code --group-id}, default {@code trainer-ppo}, is its consumer group on {@code rlhf.rollouts}); every other {@code --key value} is a job parameter (the same keys as the admin API).
 * Sets DJL's offline, no-tracking and one-thread properties before DJL starts, so it is safe under
 * {@code exec:java}.
 */
public final class TrainCommand {

    private static final String USAGE = "usage: train pretrain|sft|reward-model|ppo [--store DIR] [--data DIR|FILE] "
            + "[--kafka HOST:PORT] [--group-id ID] [--PARAMETER VALUE ...]";

    private TrainCommand() {
    }

    public static void main(String[] args) {
        applyDjlDefaults();
        int status = run(args, System.out, System.err);
        if (status != 0) {
            throw new IllegalStateException("train failed (status " + status + "); see the message above");
        }
    }

    /** Runs the command; returns 0 on success, 2 on a usage error, 1 on a failed job. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options;
        JobKind kind;
        try {
            if (args.length == 0 || args[0].startsWith("--")) {
                throw new InvalidParameterException("kind", "missing");
            }
            kind = JobKind.parse(args[0]);
            options = options(List.of(args).subList(1, args.length));
        } catch (InvalidParameterException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String store = options.getOrDefault("store", "model-store");
        String data = options.getOrDefault("data", "data");
        String kafka = options.remove("kafka");
        String groupId = options.getOrDefault("group-id", "trainer-ppo");
        options.remove("group-id");
        options.remove("store");
        if (!Path.of(data).toFile().isDirectory()) {
            options.put("data", data); // a file: the job's data parameter
        } else {
            options.remove("data");
        }
        try (ModelVersionAnnouncer announcer = kafka == null ? null
                : new ModelVersionAnnouncer(kafka, Duration.ofSeconds(30))) {
            PpoConnections ppo = kafka == null ? null : new PpoConnections(
                    () -> new KafkaRolloutExchange(kafka, groupId, Duration.ofSeconds(30)),
                    r -> announce(r, announcer, out));
            JobFactory factory = new JobFactory(new CheckpointStore(Path.of(store)), Path.of(data), ppo);
            TrainingJob job = factory.create(kind, options);
            out.println(kind + " with " + new TreeMap<>(job.parameters()));
            JobResult result = job.run(new ConsoleMonitor(out, Duration.ofSeconds(5)));
            report(result, out);
            if (announcer != null && !job.announcesItself()) {
                announce(result, announcer, out);
            }
            return 0;
        } catch (InvalidParameterException e) {
            err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println(kind + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String key = args.get(i);
            if (!key.startsWith("--") || key.length() < 3) {
                throw new InvalidParameterException(key, "expected --key value");
            }
            if (i + 1 >= args.size()) {
                throw new InvalidParameterException(key.substring(2), "missing value");
            }
            options.put(key.substring(2), args.get(i + 1));
        }
        return options;
    }

    private static void report(JobResult result, PrintStream out) {
        result.report().forEach(out::println);
        out.println("published " + result.checkpoint().id() + " at " + result.checkpoint().directory());
        out.println("parents " + result.parents());
        result.datasets().forEach(d -> out.println("dataset " + d.lineageEntry()));
        new TreeMap<>(result.metrics()).forEach((k, v) -> out.printf(java.util.Locale.ROOT, "  %s = %.4f%n", k, v));
    }

    private static long announce(JobResult result, ModelVersionAnnouncer announcer, PrintStream out) {
        ModelVersion version = ModelVersions.of(result);
        long offset = announcer.announce(version);
        out.println("announced " + version.getKind() + " v" + version.getVersion() + " on rlhf.model-versions at offset "
                + offset);
        return offset;
    }

    /** DJL offline, untracked, one libtorch thread — unless the launcher said otherwise. */
    static void applyDjlDefaults() {
        Map<String, String> defaults = Map.of("ai.djl.offline", "true", "OPT_OUT_TRACKING", "true",
                "ai.djl.pytorch.num_threads", "1", "ai.djl.pytorch.num_interop_threads", "1");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
