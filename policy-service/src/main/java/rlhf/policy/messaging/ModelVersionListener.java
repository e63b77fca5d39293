package rlhf.policy.messaging;

import java.util.Set;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.mapping.ModelRefs;
import rlhf.policy.service.PolicyModels;
import rlhf.service.KafkaConnectionConfig;
import rlhf.service.KafkaReadinessCheck;
import rlhf.service.ModelVersionWatcher;

/**
 * Serves the newest stored policy (or SFT) version at boot, then follows {@code rlhf.model-versions} for newer
 * POLICY and SFT versions. The watcher starts once the cluster answers: it gives up for good when the topic's
 * metadata does not arrive at its start, so a replica that boots before Kafka would otherwise never hot-swap.
 */
@ApplicationScoped
public class ModelVersionListener {

    private final PolicyModels models;
    private final KafkaConnectionConfig kafka;
    private final KafkaReadinessCheck kafkaReadiness;
    private volatile boolean running = true;
    private ModelVersionWatcher watcher;
    private Thread starter;

    public ModelVersionListener(PolicyModels models, KafkaConnectionConfig kafka,
            @Readiness KafkaReadinessCheck kafkaReadiness) {
        this.models = models;
        this.kafka = kafka;
        this.kafkaReadiness = kafkaReadiness;
    }

    void onStart(@Observes StartupEvent event) {
        models.serveNewestStored();
        starter = new Thread(this::watchWhenKafkaAnswers, "policy-model-watch-starter");
        starter.setDaemon(true);
        starter.start();
    }

    void onAnnounced(ModelVersion announced) {
        ModelRefs.policyKind(announced.getKind()).ifPresent(kind -> models.announced(
                new rlhf.policy.service.ModelId(kind, announced.getVersion()), announced.getSha256()));
    }

    private void watchWhenKafkaAnswers() {
        while (running) {
            if (kafkaReadiness.call().getStatus() == HealthCheckResponse.Status.UP) {
                synchronized (this) {
                    if (running) {
                        watcher = new ModelVersionWatcher(kafka.bootstrapServers(), "policy-service-model-versions",
                                Set.of(ModelKind.MODEL_KIND_POLICY, ModelKind.MODEL_KIND_SFT))
                                .onVersion(this::onAnnounced).start();
                    }
                }
                return;
            }
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            running = false;
            if (watcher != null) {
                watcher.close();
            }
        }
        if (starter != null) {
            starter.interrupt();
        }
    }
}
