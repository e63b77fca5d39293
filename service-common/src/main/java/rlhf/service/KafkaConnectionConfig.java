package rlhf.service;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotBlank;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/** How a service reaches the Kafka cluster. Validated at boot: a bad value stops the service with its name. */
@ConfigMapping(prefix = "rlhf.kafka")
public interface KafkaConnectionConfig {

    /**
     * Comma-separated host:port list of brokers. Defaults to the standard {@code kafka.bootstrap.servers}
     * property (which the test resources and Kubernetes set), else a local broker.
     */
    @WithDefault("${kafka.bootstrap.servers:localhost:9092}")
    @NotBlank
    String bootstrapServers();

    /**
     * How long the readiness check waits for the cluster to answer: 100 ms .. 30 s (a probe must answer
     * quickly, but a too-short wait makes readiness flap).
     */
    @WithDefault("2s")
    @DurationMin(millis = 100)
    @DurationMax(seconds = 30)
    Duration healthTimeout();
}
