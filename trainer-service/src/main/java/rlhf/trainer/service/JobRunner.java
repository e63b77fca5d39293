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
import rlhf.trainer.config.TrainerConfig;
import rlhf.trainer.jobs.JobCancelledException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.ppo.PpoConnections;
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
    private TrackedJob active;

    public JobRunner(TrainerConfig config, KafkaConnectionConfig kafka, ModelVersionPublisher announcer,
            TrainerMetrics metrics) {
        PpoConnections ppo = new PpoConnections(
                () -> new KafkaRolloutExchange(kafka.bootstrapServers(), config.ppoGroupId(), config.announceTimeout()),
                result -> announcer.announce(ModelVersions.of(result)));
        this.factory = new JobFactory(new CheckpointStore(Path.of(config.modelStore())), Path.of(config.dataDir()),
                ppo, ComparisonSnapshot.source(kafka.bootstrapServers()));
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
            tracked.finish(JobState.SUCCEEDED, "");
        } catch (JobCancelledException e) {
            LOG.infof("job %s: %s", tracked.id(), e.getMessage());
            tracked.finish(JobState.CANCELLED, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.errorf(e, "job %s failed: %s", tracked.id(), e.getMessage());
            tracked.finish(JobState.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
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
        synchronized (this) {
            if (active != null) {
                active.requestCancel();
            }
        }
        worker.shutdown();
    }
}
