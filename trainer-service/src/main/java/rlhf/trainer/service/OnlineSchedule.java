package rlhf.trainer.service;

import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import rlhf.trainer.config.TrainerConfig;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.metrics.TrainerMetrics;

/**
 * Starts the weekly {@code ONLINE_ITERATION} on the cron of {@code rlhf.trainer.online.cron}. Never two at once: the
 * runner runs one job at a time, so a trigger that finds any job running is skipped (and counted), never queued; the
 * scheduler does not make up runs missed while the trainer was down.
 */
@ApplicationScoped
public class OnlineSchedule {

    private static final Logger LOG = Logger.getLogger(OnlineSchedule.class);

    /** What one trigger did. */
    public enum Outcome { STARTED, SKIPPED_BUSY, REFUSED }

    private final JobRunner runner;
    private final TrainerConfig config;
    private final TrainerMetrics metrics;

    public OnlineSchedule(JobRunner runner, TrainerConfig config, TrainerMetrics metrics) {
        this.runner = runner;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(identity = "online-iteration", cron = "${rlhf.trainer.online.cron:0 0 3 ? * MON}",
            timeZone = "${rlhf.trainer.online.time-zone:UTC}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void weekly() {
        trigger();
    }

    /** Starts the online iteration with the configured parameters unless a job is running. */
    public Outcome trigger() {
        Map<String, String> parameters = config.online().parameters();
        Outcome outcome;
        try {
            JobSnapshot job = runner.start(JobKind.ONLINE_ITERATION, parameters);
            LOG.infof("scheduled online iteration started as %s", job.id());
            outcome = Outcome.STARTED;
        } catch (JobBusyException e) {
            LOG.warnf("scheduled online iteration skipped: %s", e.getMessage());
            outcome = Outcome.SKIPPED_BUSY;
        } catch (RuntimeException e) {
            LOG.errorf("scheduled online iteration refused: %s", e.getMessage());
            outcome = Outcome.REFUSED;
        }
        metrics.scheduledOnline(outcome.name().toLowerCase(java.util.Locale.ROOT));
        return outcome;
    }
}
