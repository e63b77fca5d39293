package rlhf.gateway;

import java.util.List;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class FeedbackGatewayBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.feedback.v1.FeedbackService");
    }
}
