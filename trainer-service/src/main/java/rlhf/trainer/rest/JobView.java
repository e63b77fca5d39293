package rlhf.trainer.rest;

import java.util.List;
import java.util.Map;

import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.StepProgress;
import rlhf.trainer.service.JobSnapshot;

/** A job as the REST admin API shows it. */
public record JobView(String id, String kind, String state, Map<String, String> parameters, Progress progress,
        Map<String, Double> metrics, String startedAt, String finishedAt, List<Version> published, String error) {

    /** Latest step of the running phase. */
    public record Progress(String phase, long step, long totalSteps, double loss, double tokensPerSecond) {
    }

    /** A published model version. */
    public record Version(String kind, int version, String storeUri, String sha256, List<String> parents,
            Map<String, Double> metrics) {
    }

    static JobView of(JobSnapshot s) {
        StepProgress p = s.progress();
        return new JobView(s.id(), s.kind().name(), s.state().name(), s.parameters(),
                p == null ? null : new Progress(p.phase(), p.step(), p.totalSteps(), p.loss(), p.tokensPerSecond()),
                s.metrics(), s.startedAt().toString(), s.finishedAt() == null ? null : s.finishedAt().toString(),
                s.published().stream().map(JobView::version).toList(), s.error());
    }

    private static Version version(JobResult r) {
        return new Version(r.checkpoint().kind(), r.checkpoint().version(),
                r.checkpoint().directory().toAbsolutePath().normalize().toUri().toString(),
                r.checkpoint().manifest().files().get("weights.safetensors").sha256(), r.parents(), r.metrics());
    }
}
