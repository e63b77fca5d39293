package rlhf.kafka;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Hands the JVM-wide test broker ({@link KafkaBrokers#shared()}) to a {@code @QuarkusTest} application as
 * {@code kafka.bootstrap.servers}. The broker outlives single test classes (one broker per test JVM).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** Config key the services read their broker address from. */
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    @Override
    public Map<String, String> start() {
        return Map.of(BOOTSTRAP_SERVERS, KafkaBrokers.shared().bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker is shared by every test class of this JVM; a shutdown hook stops it.
    }
}
