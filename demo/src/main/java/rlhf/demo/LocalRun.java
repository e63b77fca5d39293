package rlhf.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import rlhf.demo.pipeline.Pipeline;

/**
 * The main job on an embedded default: a real Kafka broker in this JVM, the four services as processes, and the
 * task-world pipeline driven through their public APIs (pretrain → SFT → labeler comparisons → reward model →
 * PPO with the policy and reward services serving the rollouts → rubric evaluation → the reward service serving the
 * new version). Then it keeps serving until Ctrl-C.
 *
 * <pre>
 * ./mvnw -B install -DskipTests &amp;&amp; ./mvnw -B -pl demo exec:java
 * </pre>
 *
 * Options (exec.args): {@code --work-dir DIR} (default target/local-run; a work dir that already holds a reward
 * model skips the pipeline), {@code --kafka-port P} (default 9092), {@code --serve-only}, {@code --pretrain-steps N},
 * {@code --rm-prompts N}, {@code --ppo-iterations N} (0 skips PPO), {@code --exit-when-done} (stop after the pipeline
 * or, with --serve-only, once ready).
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of("target", "local-run");
        int kafkaPort = 9092;
        boolean serveOnly = false;
        boolean exitWhenDone = false;
        Pipeline.Settings settings = Pipeline.Settings.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work-dir" -> workDir = Path.of(args[++i]);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(args[++i]);
                case "--serve-only" -> serveOnly = true;
                case "--exit-when-done", "--exit-when-ready" -> exitWhenDone = true;
                case "--pretrain-steps" -> settings = new Pipeline.Settings(settings.seed(), Integer.parseInt(args[++i]),
                        settings.labelerNoise(), settings.rmPrompts(), settings.ppoIterations());
                case "--rm-prompts" -> settings = new Pipeline.Settings(settings.seed(), settings.pretrainSteps(),
                        settings.labelerNoise(), Integer.parseInt(args[++i]), settings.ppoIterations());
                case "--ppo-iterations" -> settings = new Pipeline.Settings(settings.seed(), settings.pretrainSteps(),
                        settings.labelerNoise(), settings.rmPrompts(), Integer.parseInt(args[++i]));
                default -> {
                    System.err.println("usage: LocalRun [--work-dir DIR] [--kafka-port P] [--serve-only] "
                            + "[--pretrain-steps N] [--rm-prompts N] [--ppo-iterations N] [--exit-when-done]");
                    System.exit(2);
                }
            }
        }
        System.setProperty("ai.djl.offline", "true"); // the pipeline samples from stored models in this JVM
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path root = Path.of("").toAbsolutePath();
        System.out.println("local run: starting Kafka and 4 services (work dir " + workDir.toAbsolutePath() + ")");
        LocalStack stack = LocalStack.start(root, workDir, kafkaPort, LocalStack.defaultServices());
        System.out.println("kafka: bootstrap.servers=" + stack.bootstrapServers());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("local run: stopping");
            stack.close();
            done.countDown();
        }, "local-run-shutdown"));
        stack.awaitReady(Duration.ofMinutes(3), line -> System.out.println("  " + line));
        System.out.println("local run: all services up (HTTP and gRPC on each port; /q/health, /q/metrics)");
        if (!serveOnly && !Pipeline.alreadyTrained(stack.modelStore())) {
            new Pipeline(stack, settings, System.out::println).run();
        }
        if (exitWhenDone) {
            System.exit(0); // the shutdown hook stops everything
        }
        System.out.println("local run: serving; Ctrl-C to stop");
        done.await();
    }
}
