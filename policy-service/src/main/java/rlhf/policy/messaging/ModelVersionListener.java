package rlhf.policy.messaging;

import java.util.Set;


import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import rlhf.common.v1.ModelKind;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.mapping.ModelRefs;
import rlhf.policy.service.PolicyModels;
import rlhf.service.KafkaConnectionConfig;
import rlhf.service.ModelVersionWatcher;

/**
 * Serves the newest stored policy (or SFT) version at boot, then follows {@code rlhf.model-versions} for newer
 * POLICY and SFT versions (the watcher waits for the cluster itself, so a replica may boot before Kafka).
 */
@ApplicationScoped
public class ModelVersionListener {

    private final PolicyModels models;
    private final KafkaConnectionConfig kafka;
    private ModelVersionWatcher watcher;

    public ModelVersionListener(PolicyModels models, KafkaConnectionConfig kafka) {
        this.models = models;
        this.kafka = kafka;
    }

    void onStart(@Observes StartupEvent event) {
        models.serveNewestStored();
        watcher = new ModelVersionWatcher(kafka.bootstrapServers(), "policy-service-model-versions",
                Set.of(ModelKind.MODEL_KIND_POLICY, ModelKind.MODEL_KIND_SFT)).onVersion(this::onAnnounced).start();
    }

    void onAnnounced(ModelVersion announced) {
        ModelRefs.policyKind(announced.getKind()).ifPresent(kind -> models.announced(
                new rlhf.policy.service.ModelId(kind, announced.getVersion()), announced.getSha256()));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.close();
        }
    }
}
