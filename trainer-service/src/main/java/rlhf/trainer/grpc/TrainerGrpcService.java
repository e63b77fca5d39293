package rlhf.trainer.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import rlhf.service.NotYetImplemented;
import rlhf.trainer.v1.CancelJobRequest;
import rlhf.trainer.v1.GetJobRequest;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.ListJobsRequest;
import rlhf.trainer.v1.ListJobsResponse;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerService;
import rlhf.trainer.v1.TrainerServiceGrpc;

/** gRPC admin edge of the trainer. Jobs (pretrain, SFT, reward model, PPO) come with their issues; until then each RPC says so. */
@GrpcService
public class TrainerGrpcService implements TrainerService {

    private static final String WHEN = "the SFT / reward-model issue (training jobs)";

    @Override
    public Uni<Job> startJob(StartJobRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(TrainerServiceGrpc.getStartJobMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<Job> getJob(GetJobRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(TrainerServiceGrpc.getGetJobMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<ListJobsResponse> listJobs(ListJobsRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(TrainerServiceGrpc.getListJobsMethod().getFullMethodName(), WHEN));
    }

    @Override
    public Uni<Job> cancelJob(CancelJobRequest request) {
        return Uni.createFrom().failure(NotYetImplemented.rpc(TrainerServiceGrpc.getCancelJobMethod().getFullMethodName(), WHEN));
    }
}
