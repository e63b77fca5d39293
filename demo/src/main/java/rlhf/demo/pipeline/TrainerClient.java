package rlhf.demo.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import rlhf.trainer.v1.GetJobRequest;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.trainer.v1.JobState;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerServiceGrpc;

/** Runs trainer jobs through the trainer's public admin API (gRPC TrainerService) and follows their progress. */
public final class TrainerClient implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final TrainerServiceGrpc.TrainerServiceBlockingStub stub;

    /** @param adminToken the trainer's admin API key, sent as {@code authorization: Bearer <key>} on every call */
    public TrainerClient(int port, String adminToken) {
        this.channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + adminToken);
        this.stub = TrainerServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Starts a job, prints a progress line now and then, and returns it once it ended; fails unless it succeeded. */
    public Job run(JobKind kind, Map<String, String> parameters, Duration timeout, Consumer<String> progress)
            throws InterruptedException {
        Job job = start(kind, parameters);
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastStep = -1;
        while (!ended(job.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(kind + " did not finish within " + timeout);
            }
            Thread.sleep(2_000);
            job = get(job.getJobId());
            if (job.hasProgress() && job.getProgress().getStep() != lastStep) {
                lastStep = job.getProgress().getStep();
                progress.accept(String.format("%s step %d/%d loss %.4f %,.0f tok/s", kind.name().substring(9).toLowerCase(),
                        lastStep, job.getProgress().getTotalSteps(), job.getProgress().getLoss(),
                        job.getProgress().getTokensPerSecond()));
            }
        }
        if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new IllegalStateException(kind + " ended " + job.getState() + ": " + job.getError());
        }
        return job;
    }

    /** Starts a job and returns at once (its state RUNNING); follow it with {@link #get}. */
    public Job start(JobKind kind, Map<String, String> parameters) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .startJob(StartJobRequest.newBuilder().setKind(kind).putAllParameters(parameters).build());
    }

    /** A job of this trainer process, by id. */
    public Job get(String jobId) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    }

    /** Asks a job to stop after its current step; returns it as it is now. */
    public Job cancel(String jobId) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .cancelJob(rlhf.trainer.v1.CancelJobRequest.newBuilder().setJobId(jobId).build());
    }

    /** Every job of this trainer process, newest first. */
    public java.util.List<Job> list() {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .listJobs(rlhf.trainer.v1.ListJobsRequest.getDefaultInstance()).getJobsList();
    }

    /** Whether a job state is final (succeeded, failed or cancelled). */
    public static boolean ended(JobState s) {
        return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
