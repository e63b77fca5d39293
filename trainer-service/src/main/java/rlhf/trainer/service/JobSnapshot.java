package rlhf.trainer.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.StepProgress;

/**
 * A job's state at one moment, safe to hand to any thread.
 *
 * @param progress latest step, null before the first
 * @param metrics evaluation metrics reported so far (e.g. {@code rm.accuracy})
 * @param finishedAt null while running
 * @param published what the job published (at most one version per job today)
 * @param error why it failed or was cancelled; empty otherwise
 */
public record JobSnapshot(String id, JobKind kind, JobState state, Map<String, String> parameters,
        StepProgress progress, Map<String, Double> metrics, Instant startedAt, Instant finishedAt,
        List<JobResult> published, String error) {

    public JobSnapshot {
        parameters = Map.copyOf(parameters);
        metrics = Map.copyOf(metrics);
        published = List.copyOf(published);
    }
}
