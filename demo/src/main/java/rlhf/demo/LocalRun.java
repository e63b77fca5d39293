package rlhf.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * One command that runs the system locally: the embedded Kafka broker plus the four services, until Ctrl-C.
 *
 * <pre>
 * ./mvnw -B install -DskipTests &amp;&amp; ./mvnw -B -pl demo exec:java
 * </pre>
 *
 * Options (exec.args): {@code --work-dir DIR} (default target/local-run), {@code --kafka-port P} (default 9092),
 * {@code --exit-when-ready} (start, check, stop: a smoke run).
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of("target", "local-run");
        int kafkaPort = 9092;
        boolean exitWhenReady = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work-dir" -> workDir = Path.of(args[++i]);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(args[++i]);
                case "--exit-when-ready" -> exitWhenReady = true;
                default -> {
                    System.err.println("usage: LocalRun [--work-dir DIR] [--kafka-port P] [--exit-when-ready]");
                    System.exit(2);
                }
            }
        }
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
        System.out.println("local run: all services ready (HTTP and gRPC on each port; /q/health, /q/metrics)");
        if (exitWhenReady) {
            System.exit(0); // the shutdown hook stops everything
        }
        System.out.println("local run: Ctrl-C to stop");
        done.await();
    }
}
