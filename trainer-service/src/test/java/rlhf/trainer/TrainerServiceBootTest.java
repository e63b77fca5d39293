package rlhf.trainer;

import java.util.List;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.trainer.v1.TrainerService");
    }
}
