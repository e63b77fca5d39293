package rlhf.policy;

import java.util.List;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.Prompt;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class PolicyServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.policy.v1.PolicyService");
    }

    @Override
    protected void callUnimplementedRpc(ManagedChannel channel) {
        PolicyServiceGrpc.newBlockingStub(channel).generate(GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText("What is 2 plus 3?")).build());
    }
}
