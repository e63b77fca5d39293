package rlhf.trainer;

import java.util.List;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceBootContract;
import rlhf.trainer.v1.JobKind;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerServiceGrpc;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.trainer.v1.TrainerService");
    }

    /** The online iteration arrives with its own issue; until then StartJob answers UNIMPLEMENTED for that kind. */
    @Override
    protected void callUnimplementedRpc(ManagedChannel channel) {
        TrainerServiceGrpc.newBlockingStub(channel)
                .startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_ONLINE_ITERATION).build());
    }
}
