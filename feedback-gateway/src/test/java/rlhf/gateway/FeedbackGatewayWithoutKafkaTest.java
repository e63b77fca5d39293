package rlhf.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import rlhf.service.testing.UnreachableKafkaContract;
import rlhf.service.testing.UnreachableKafkaProfile;

@QuarkusTest
@TestProfile(UnreachableKafkaProfile.class)
class FeedbackGatewayWithoutKafkaTest extends UnreachableKafkaContract {
}
