package rlhf.reward.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/** {@code rlhf_ndarrays_live} of the reward service counts the engine's open arrays, sub-managers included. */
class LiveArraysGaugeTest {

    @Test
    void countsOpenArraysOfEveryManager() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RewardMetrics(registry);
        long before = scraped(registry);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.zeros(new Shape(2));
            manager.newSubManager().ones(new Shape(3));
            assertThat(scraped(registry)).isEqualTo(before + 2);
        }
        assertThat(scraped(registry)).isEqualTo(before);
    }

    static long scraped(PrometheusMeterRegistry registry) {
        return registry.scrape().lines().filter(l -> l.startsWith("rlhf_ndarrays_live ")).findFirst()
                .map(l -> Math.round(Double.parseDouble(l.substring(l.indexOf(' ') + 1))))
                .orElseThrow(() -> new AssertionError("no rlhf_ndarrays_live in the scrape"));
    }
}
