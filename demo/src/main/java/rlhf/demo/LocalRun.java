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
 * ./mvnw -B install -DskipTests &amp;&amp; ./rlhf demo
 * </pre>
 *
 * The command's options ({@code ./rlhf demo --help}) are this class's parameters.
 */
public final class LocalRun {

    private LocalRun() {
    }

    /**
     * Starts the broker and the four services, runs the pipeline unless the work dir already holds a reward model or
     * {@code serveOnly}, then serves until Ctrl-C (or returns once done with {@code exitWhenDone}).
     *
     * @param root the repository root: the services' apps lie under {@code <module>/target/quarkus-app}
     */
    public static void run(Path root, Path workDir, int kafkaPort, boolean serveOnly, boolean exitWhenDone,
            Pipeline.Settings settings) throws InterruptedException {
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
        stack.portOf("feedback-gateway").ifPresent(port -> System.out.println("feedback-gateway: admin API key of "
                + "this run " + stack.gatewayApiKey() + " (e.g. RLHF_API_KEY=" + stack.gatewayApiKey()
                + " ./rlhf import hh-rlhf FILE --gateway http://localhost:" + port + "); chat page http://localhost:"
                + port + "/chat/, labeling page http://localhost:" + port + "/label/ (this key works on both)"));
        stack.portOf("trainer-service").ifPresent(port -> System.out.println("trainer-service: admin API key of this "
                + "run " + stack.trainerAdminToken() + " (curl -H 'Authorization: Bearer " + stack.trainerAdminToken()
                + "' -H 'Content-Type: application/json' -d '{\"kind\":\"SFT\"}' http://localhost:" + port
                + "/admin/jobs)"));
        if (!serveOnly && !Pipeline.alreadyTrained(stack.modelStore())) {
            new Pipeline(stack, settings, System.out::println).run();
        }
        if (exitWhenDone) {
            return; // the caller exits the JVM; the shutdown hook stops everything
        }
        System.out.println("local run: serving; Ctrl-C to stop");
        done.await();
    }
}
