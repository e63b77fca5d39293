package rlhf.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;

/**
 * {@code rlhf_ndarrays_live} counts every open array of the engine: a loaded model's weights, arrays of its
 * sub-managers and of unrelated base managers; closing them brings it back.
 */
class LiveArraysGaugeTest {

    @Test
    void countsLoadedModelsSubManagersAndOtherManagersAndFallsBackWhenTheyClose() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new TrainerMetrics(registry);
        long before = scraped(registry);
        try (GptModel model = GptModel.create(new GptConfig(16, 8, 1, 2, 8, 0f), 1)) {
            long withModel = scraped(registry);
            assertThat(withModel - before).isGreaterThanOrEqualTo(model.parameters().size());
            try (NDManager batch = model.manager().newSubManager(); NDManager other = NDManager.newBaseManager()) {
                batch.zeros(new Shape(2, 3));
                batch.newSubManager().ones(new Shape(4)); // a grandchild, left for its parent to close
                other.ones(new Shape(1));
                assertThat(scraped(registry)).isEqualTo(withModel + 3);
            }
            assertThat(scraped(registry)).isEqualTo(withModel);
        }
        assertThat(scraped(registry)).isEqualTo(before);
    }

    /** The gauge's value as Prometheus scrapes it. */
    static long scraped(PrometheusMeterRegistry registry) {
        return registry.scrape().lines().filter(l -> l.startsWith("rlhf_ndarrays_live ")).findFirst()
                .map(l -> Math.round(Double.parseDouble(l.substring(l.indexOf(' ') + 1))))
                .orElseThrow(() -> new AssertionError("no rlhf_ndarrays_live in the scrape"));
    }
}
