package rlhf.trainer;

import java.util.List;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;
import rlhf.trainer.v1.ListJobsRequest;
import rlhf.trainer.v1.TrainerServiceGrpc;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.trainer.v1.TrainerService");
    }

    @Override
    protected void callUnimplementedRpc(ManagedChannel channel) {
        TrainerServiceGrpc.newBlockingStub(channel).listJobs(ListJobsRequest.getDefaultInstance());
    }
}
