package rlhf.trainer.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.model.store.CheckpointStore;
import rlhf.model.v1.ModelVersion;
import rlhf.service.KafkaConnectionConfig;
import rlhf.wire.ModelStoreLayout;
import rlhf.trainer.config.TrainerConfig;
import rlhf.trainer.jobs.JobCancelledException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.trainer.kafka.AnnouncedVersions;
import rlhf.trainer.kafka.ComparisonSnapshot;
import rlhf.trainer.kafka.KafkaRolloutExchange;
import rlhf.trainer.kafka.ModelVersions;
import rlhf.trainer.messaging.ModelVersionPublisher;
import rlhf.trainer.metrics.TrainerMetrics;

/**
 * Runs the trainer's jobs, one at a time, on one worker thread (DJL allows one gradient recorder per process, and a
 * second job would halve the first's CPU): validates parameters and preconditions synchronously, so the caller learns
 * at once what is wrong, then trains, publishes to the store and announces the version on Kafka. The REST and gRPC
 * admin edges both call this.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobFactory factory;
    private final ModelVersionPublisher announcer;
    private final TrainerMetrics metrics;
    private final TrainerConfig config;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainer-job");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, TrackedJob> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, JobJournal.Entry> journaled = new java.util.concurrent.ConcurrentHashMap<>();
    private final JobJournal journal;
    private final CheckpointStore store;
    private final String bootstrapServers;
    private TrackedJob active;
    private volatile boolean shuttingDown;

    public JobRunner(TrainerConfig config, KafkaConnectionConfig kafka, ModelVersionPublisher announcer,
            TrainerMetrics metrics) {
        PpoConnections ppo = new PpoConnections(
                () -> new KafkaRolloutExchange(kafka.bootstrapServers(), config.ppoGroupId(), config.announceTimeout()),
                result -> announcer.announce(ModelVersions.of(result)));
        this.store = new CheckpointStore(Path.of(config.modelStore()));
        this.factory = new JobFactory(store, Path.of(config.dataDir()), ppo,
                ComparisonSnapshot.source(kafka.bootstrapServers()));
        this.journal = new JobJournal(config.journalDir().map(Path::of).orElse(Path.of(config.dataDir(), "jobs")));
        this.bootstrapServers = kafka.bootstrapServers();
        this.announcer = announcer;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Starts a job.
     *
     * @throws rlhf.trainer.jobs.InvalidParameterException a parameter is unknown or out of bounds
     * @throws JobBusyException another job is running
     * @throws rlhf.trainer.jobs.JobPreconditionException an input model or data file is missing
     */
    public synchronized JobSnapshot start(JobKind kind, Map<String, String> parameters) {
        TrainingJob job = factory.create(kind, parameters);
        if (active != null && !active.finished()) {
            throw new JobBusyException(active.id());
        }
        job.checkPreconditions();
        TrackedJob tracked = new TrackedJob("job-" + UUID.randomUUID().toString().substring(0, 8), job, metrics,
                config.progressInterval());
        journaled.put(tracked.id(), journal.started(tracked.id(), kind, parameters,
                store.latest(ModelStoreLayout.POLICY).map(c -> (long) c.version()).orElse(0L)));
        jobs.put(tracked.id(), tracked);
        active = tracked;
        LOG.infof("job %s: %s started with %s", tracked.id(), kind, job.parameters());
        worker.submit(() -> execute(tracked));
        return tracked.snapshot();
    }

    private void execute(TrackedJob tracked) {
        try {
            JobResult result = tracked.job().run(tracked);
            tracked.published(result);
            if (tracked.job().announcesItself()) {
                LOG.infof("job %s: published %s (announced by the job)", tracked.id(), result.checkpoint().id());
            } else {
                ModelVersion version = ModelVersions.of(result);
                long offset = announcer.announce(version);
                LOG.infof("job %s: published %s, announced at offset %d", tracked.id(), result.checkpoint().id(),
                        offset);
            }
            finish(tracked, JobState.SUCCEEDED, "");
        } catch (JobCancelledException e) {
            LOG.infof("job %s: %s", tracked.id(), e.getMessage());
            finish(tracked, JobState.CANCELLED, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.errorf(e, "job %s failed: %s", tracked.id(), e.getMessage());
            finish(tracked, JobState.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Ends a job in memory and in the journal. A job cancelled because the trainer is shutting down stays "running" in
     * the journal, so the next trainer process resumes it as it would after a crash.
     */
    private void finish(TrackedJob tracked, JobState outcome, String why) {
        tracked.finish(outcome, why);
        JobJournal.Entry entry = journaled.remove(tracked.id());
        if (entry == null) {
            return;
        }
        try {
            if (outcome == JobState.CANCELLED && shuttingDown) {
                journal.write(new JobJournal.Entry(entry.id(), entry.kind(), entry.parameters(), entry.state(),
                        entry.policyAtStart(), entry.startedAt(), null, "stopped by the trainer's shutdown"));
            } else {
                journal.write(entry.finished(outcome, why));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: %s", tracked.id(), e.getMessage());
        }
    }

    /**
     * At start-up: the jobs the journal still records as running were cut off by the death (or shutdown) of the process
     * before this one. A PPO job is resumed — from the newest published policy (its β from that version's manifest),
     * with the iterations it had left, re-reading the rollouts whose offsets it had not committed; a version it
     * published but did not live to announce is announced first. Other kinds are recorded as failed (run them again:
     * they start from their inputs, and nothing half-written was published).
     */
    void resumeInterrupted(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        if (!config.resumeInterrupted()) {
            return;
        }
        for (JobJournal.Entry e : journal.running()) {
            try {
                resume(e);
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "job %s (interrupted %s) not resumed: %s", e.id(), e.kind(), ex.getMessage());
                journal.write(e.finished(JobState.FAILED, "interrupted; not resumed: " + ex.getMessage()));
            }
        }
    }

    private void resume(JobJournal.Entry e) {
        if (e.jobKind() != JobKind.PPO) {
            LOG.warnf("job %s (%s) was interrupted by the end of the trainer process; start it again", e.id(), e.kind());
            journal.write(e.finished(JobState.FAILED, "interrupted by the end of the trainer process; not resumable"));
            return;
        }
        java.util.Optional<rlhf.model.store.Checkpoint> latest = store.latest(ModelStoreLayout.POLICY);
        long newest = latest.map(c -> (long) c.version()).orElse(0L);
        long done = Math.max(0, newest - Math.max(1, e.policyAtStart()));
        if (newest > e.policyAtStart() && !AnnouncedVersions.contains(bootstrapServers,
                rlhf.common.v1.ModelKind.MODEL_KIND_POLICY, newest, config.announceTimeout())) {
            try (rlhf.model.store.LoadedCheckpoint c = store.load(ModelStoreLayout.POLICY, (int) newest)) {
                long offset = announcer.announce(ModelVersions.of(new JobResult(JobKind.PPO, c.checkpoint(), List.of(),
                        c.model().config().parameterCount(), List.of())));
                LOG.infof("job %s: announced %s, published before the trainer stopped, at offset %d", e.id(),
                        c.checkpoint().id(), offset);
            }
        }
        int iterations = Integer.parseInt(factory.create(JobKind.PPO, e.parameters()).parameters().get("iterations"));
        long left = iterations - done;
        if (left <= 0) {
            journal.write(e.finished(JobState.SUCCEEDED, "every iteration was published before the trainer stopped"));
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>(e.parameters());
        parameters.put("iterations", Long.toString(left));
        JobSnapshot resumed = start(JobKind.PPO, parameters);
        LOG.infof("job %s: PPO interrupted after %d of %d iterations (newest policy v%d); resumed as %s with %d left",
                e.id(), done, iterations, newest, resumed.id(), left);
        journal.write(e.finished(JobState.FAILED, "interrupted after " + done + " of " + iterations
                + " iterations; resumed as " + resumed.id()));
    }

    /** @throws JobNotFoundException for an unknown id */
    public JobSnapshot get(String id) {
        return find(id).snapshot();
    }

    /** Every job of this process, newest first. */
    public List<JobSnapshot> list() {
        List<JobSnapshot> all;
        synchronized (jobs) {
            all = new ArrayList<>(jobs.values().stream().map(TrackedJob::snapshot).toList());
        }
        Collections.reverse(all);
        return all;
    }

    /** Asks a running job to stop after its current step; a finished job is returned as it is. */
    public JobSnapshot cancel(String id) {
        TrackedJob job = find(id);
        if (!job.finished()) {
            job.requestCancel();
        }
        return job.snapshot();
    }

    private TrackedJob find(String id) {
        TrackedJob job = jobs.get(id);
        if (job == null) {
            throw new JobNotFoundException(id);
        }
        return job;
    }

    @PreDestroy
    void stop() {
        shuttingDown = true;
        synchronized (this) {
            if (active != null) {
                active.requestCancel();
            }
        }
        worker.shutdown();
    }
}
