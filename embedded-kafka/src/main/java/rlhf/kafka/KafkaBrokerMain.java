package rlhf.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the in-JVM Kafka broker as its own process for local runs.
 *
 * <pre>
 * java -cp … rlhf.kafka.KafkaBrokerMain --data-dir target/kafka-data [--port 9092]
 * </pre>
 *
 * Prints {@code bootstrap.servers=localhost:PORT} once the broker and the contract's topics are ready, and
 * shuts the broker down cleanly on SIGTERM / Ctrl-C (the data dir stays, so a restart keeps the topics).
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of("target", "kafka-data");
        int port = 9092;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(requireValue(args, ++i, "--data-dir"));
                case "--port" -> port = parsePort(requireValue(args, ++i, "--port"));
                case "--help", "-h" -> {
                    System.out.println("usage: KafkaBrokerMain [--data-dir DIR] [--port PORT (0 = any free)]");
                    return;
                }
                default -> fail("unknown argument: " + args[i]);
            }
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port);
        var created = TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kafka: shutting down");
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println("kafka: data dir " + broker.dataDir().toAbsolutePath() + ", topics created: " + created);
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static String requireValue(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                fail("--port must be 0..65535, was " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            fail("--port must be a number, was " + value);
            return -1;
        }
    }

    private static void fail(String message) {
        System.err.println("kafka: " + message);
        System.exit(2);
    }
}
