package rlhf.trainer.mapping;

import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.StepProgress;
import rlhf.trainer.kafka.ModelVersions;
import rlhf.trainer.service.JobSnapshot;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobProgress;
import rlhf.trainer.v1.JobState;

/** Jobs between the runner's records and the admin contract's protos. */
public final class Jobs {

    private Jobs() {
    }

    public static Job toProto(JobSnapshot s) {
        Job.Builder job = Job.newBuilder().setJobId(s.id()).setKind(kind(s.kind())).setState(state(s.state()))
                .putAllParameters(s.parameters()).setStartedAt(ModelVersions.timestamp(s.startedAt()))
                .setError(s.error());
        if (s.progress() != null) {
            StepProgress p = s.progress();
            job.setProgress(JobProgress.newBuilder().setStep(p.step()).setTotalSteps(p.totalSteps()).setLoss(p.loss())
                    .setTokensPerSecond(p.tokensPerSecond()).putAllMetrics(s.metrics()));
        }
        if (s.finishedAt() != null) {
            job.setFinishedAt(ModelVersions.timestamp(s.finishedAt()));
        }
        s.published().forEach(r -> job.addPublished(ModelVersions.of(r)));
        return job.build();
    }

    public static rlhf.trainer.v1.JobKind kind(JobKind kind) {
        return switch (kind) {
            case PRETRAIN -> rlhf.trainer.v1.JobKind.JOB_KIND_PRETRAIN;
            case SFT -> rlhf.trainer.v1.JobKind.JOB_KIND_SFT;
            case REWARD_MODEL -> rlhf.trainer.v1.JobKind.JOB_KIND_REWARD_MODEL;
            case PPO -> rlhf.trainer.v1.JobKind.JOB_KIND_PPO;
            case ONLINE_ITERATION -> rlhf.trainer.v1.JobKind.JOB_KIND_ONLINE_ITERATION;
        };
    }

    private static JobState state(rlhf.trainer.service.JobState state) {
        return switch (state) {
            case RUNNING -> JobState.JOB_STATE_RUNNING;
            case SUCCEEDED -> JobState.JOB_STATE_SUCCEEDED;
            case FAILED -> JobState.JOB_STATE_FAILED;
            case CANCELLED -> JobState.JOB_STATE_CANCELLED;
        };
    }
}
