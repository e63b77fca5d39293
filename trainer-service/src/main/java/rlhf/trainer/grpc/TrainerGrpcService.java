package rlhf.trainer.grpc;

import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.mapping.Jobs;
import rlhf.trainer.service.JobBusyException;
import rlhf.trainer.service.JobNotFoundException;
import rlhf.trainer.service.JobRunner;
import rlhf.trainer.v1.CancelJobRequest;
import rlhf.trainer.v1.GetJobRequest;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.ListJobsRequest;
import rlhf.trainer.v1.ListJobsResponse;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerService;
import rlhf.trainer.v1.TrainerServiceGrpc;

/**
 * gRPC admin edge of the trainer: the same {@link JobRunner} as the REST API, errors as gRPC statuses; every call
 * passes {@link AdminAuthorization} first.
 */
@GrpcService
@Blocking
@RegisterInterceptor(AdminAuthorization.class)
public class TrainerGrpcService implements TrainerService {

    private final JobRunner runner;

    public TrainerGrpcService(JobRunner runner) {
        this.runner = runner;
    }

    @Override
    public Uni<Job> startJob(StartJobRequest request) {
        return call(() -> Jobs.toProto(runner.start(kind(request.getKind()), request.getParametersMap())));
    }

    @Override
    public Uni<Job> getJob(GetJobRequest request) {
        return call(() -> Jobs.toProto(runner.get(requireId(request.getJobId()))));
    }

    @Override
    public Uni<ListJobsResponse> listJobs(ListJobsRequest request) {
        return call(() -> ListJobsResponse.newBuilder()
                .addAllJobs(runner.list().stream().map(Jobs::toProto).toList()).build());
    }

    @Override
    public Uni<Job> cancelJob(CancelJobRequest request) {
        return call(() -> Jobs.toProto(runner.cancel(requireId(request.getJobId()))));
    }

    private static JobKind kind(rlhf.trainer.v1.JobKind kind) {
        return switch (kind) {
            case JOB_KIND_PRETRAIN -> JobKind.PRETRAIN;
            case JOB_KIND_SFT -> JobKind.SFT;
            case JOB_KIND_REWARD_MODEL -> JobKind.REWARD_MODEL;
            case JOB_KIND_PPO -> JobKind.PPO;
            case JOB_KIND_ONLINE_ITERATION -> JobKind.ONLINE_ITERATION;
            default -> throw new InvalidParameterException("kind", "required: JOB_KIND_PRETRAIN, JOB_KIND_SFT, "
                    + "JOB_KIND_REWARD_MODEL, JOB_KIND_PPO or JOB_KIND_ONLINE_ITERATION, got " + kind);
        };
    }

    private static String requireId(String id) {
        if (id.isBlank()) {
            throw new InvalidParameterException("job_id", "required");
        }
        return id;
    }

    private static <T> Uni<T> call(Supplier<T> body) {
        try {
            return Uni.createFrom().item(body.get());
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(status(e));
        }
    }

    /** The one error mapping of the gRPC edge. */
    static StatusRuntimeException status(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        Status status;
        if (e instanceof InvalidParameterException) {
            status = Status.INVALID_ARGUMENT;
        } else if (e instanceof JobBusyException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (e instanceof JobNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (e instanceof JobPreconditionException) {
            status = Status.FAILED_PRECONDITION;
        } else {
            status = Status.INTERNAL;
        }
        return status.withDescription(e.getMessage()).asRuntimeException();
    }
}
