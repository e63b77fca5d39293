package rlhf.trainer.messaging;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.v1.ModelVersion;
import rlhf.service.KafkaConnectionConfig;
import rlhf.trainer.config.TrainerConfig;
import rlhf.trainer.kafka.ModelVersionAnnouncer;

/** The service's announcer of new model versions, on the configured Kafka cluster. */
@ApplicationScoped
public class ModelVersionPublisher {

    private final ModelVersionAnnouncer announcer;

    public ModelVersionPublisher(KafkaConnectionConfig kafka, TrainerConfig config) {
        this.announcer = new ModelVersionAnnouncer(kafka.bootstrapServers(), config.announceTimeout());
    }

    /** Announces and waits for the acknowledgement. */
    public long announce(ModelVersion version) {
        return announcer.announce(version);
    }

    @PreDestroy
    void close() {
        announcer.close();
    }
}
