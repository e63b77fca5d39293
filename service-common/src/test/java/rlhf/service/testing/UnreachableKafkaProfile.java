package rlhf.service.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Boots a service against an address where no broker listens (port 1 refuses connections). */
public class UnreachableKafkaProfile implements QuarkusTestProfile {

    public static final String ADDRESS = "localhost:1";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rlhf.kafka.bootstrap-servers", ADDRESS, "rlhf.kafka.health-timeout", "500ms");
    }
}
