package rlhf.kafka;

import java.nio.file.Path;
import java.util.Locale;

import org.testcontainers.DockerClientFactory;

/**
 * One Kafka broker per JVM for tests: Testcontainers' KafkaContainer where a Docker engine answers, the in-JVM
 * KRaft broker otherwise. The broker starts on first use, gets the contract's topics, and stops when the JVM
 * exits.
 *
 * <p>System property {@code rlhf.kafka.broker} = {@code auto} (default), {@code embedded} or
 * {@code container} overrides the choice.
 */
public final class KafkaBrokers {

    private static KafkaBroker shared;

    private KafkaBrokers() {
    }

    /** System property holding the address of the broker this JVM started (shared across class loaders). */
    static final String SHARED_ADDRESS = "embedded-kafka.shared.bootstrap-servers";

    /** The JVM-wide broker, started (with topics) on first call. */
    public static synchronized KafkaBroker shared() {
        String address = System.getProperty(SHARED_ADDRESS);
        if (shared == null && address != null) {
            // Started by this class in another class loader (e.g. a second Quarkus test app): use that broker.
            shared = new KafkaBroker() {
                @Override
                public String bootstrapServers() {
                    return address;
                }

                @Override
                public void close() {
                    // owned by the class loader that started it
                }
            };
        }
        if (shared == null) {
            KafkaBroker broker = startFresh();
            TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
            shared = broker;
            System.setProperty(SHARED_ADDRESS, broker.bootstrapServers());
        }
        return shared;
    }

    private static KafkaBroker startFresh() {
        String mode = System.getProperty("rlhf.kafka.broker", "auto").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "embedded" -> startEmbedded();
            case "container" -> ContainerKafkaBroker.start();
            case "auto" -> dockerAvailable() ? ContainerKafkaBroker.start() : startEmbedded();
            default -> throw new IllegalArgumentException(
                    "rlhf.kafka.broker must be auto, embedded or container, was: " + mode);
        };
    }

    /** True when a Docker engine answers (not merely when the docker client is installed). */
    public static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(Path.of("/var/run/docker.sock"))) {
            return false; // no engine socket: skip Testcontainers' probe, which logs an ERROR when it finds none
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static KafkaBroker startEmbedded() {
        // Under target/ of the module whose tests run, unique per JVM so parallel forks never share a log dir.
        Path dir = Path.of("target", "embedded-kafka", "broker-" + ProcessHandle.current().pid());
        return EmbeddedKafkaBroker.start(dir);
    }
}
