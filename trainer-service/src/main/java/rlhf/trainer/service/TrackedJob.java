package rlhf.trainer.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.StepProgress;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.metrics.TrainerMetrics;

/** One job in the runner: its monitor (progress, metrics, cancellation) and its lifecycle. */
final class TrackedJob implements JobMonitor {

    private static final Logger LOG = Logger.getLogger(TrackedJob.class);

    private final String id;
    private final TrainingJob job;
    private final TrainerMetrics meters;
    private final Duration progressInterval;
    private final Instant startedAt = Instant.now();
    private final Map<String, Double> metrics = new ConcurrentHashMap<>();
    private final List<JobResult> published = new ArrayList<>();
    private volatile StepProgress progress;
    private volatile JobState state = JobState.RUNNING;
    private volatile boolean cancelRequested;
    private volatile Instant finishedAt;
    private volatile String error = "";
    private long lastLogNanos = System.nanoTime();

    TrackedJob(String id, TrainingJob job, TrainerMetrics meters, Duration progressInterval) {
        this.id = id;
        this.job = job;
        this.meters = meters;
        this.progressInterval = progressInterval;
    }

    String id() {
        return id;
    }

    TrainingJob job() {
        return job;
    }

    @Override
    public void progress(StepProgress p) {
        progress = p;
        meters.step(job.kind(), p);
        long now = System.nanoTime();
        if (now - lastLogNanos >= progressInterval.toNanos() || p.step() == p.totalSteps()) {
            lastLogNanos = now;
            LOG.infof("%s", String.format(Locale.ROOT, "job %s %s step %d/%d loss %.4f | %,.0f tok/s", id, p.phase(),
                    p.step(), p.totalSteps(), p.loss(), p.tokensPerSecond()));
        }
    }

    @Override
    public void metric(String name, double value) {
        metrics.put(name, value);
        meters.evaluated(name, value);
    }

    @Override
    public void log(String line) {
        LOG.infof("job %s: %s", id, line);
    }

    @Override
    public boolean cancelRequested() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    synchronized void published(JobResult result) {
        published.add(result);
    }

    void finish(JobState outcome, String reason) {
        error = reason;
        finishedAt = Instant.now();
        state = outcome;
    }

    boolean finished() {
        return state.finished();
    }

    synchronized JobSnapshot snapshot() {
        return new JobSnapshot(id, job.kind(), state, job.parameters(), progress, metrics, startedAt, finishedAt,
                published, error);
    }
}
