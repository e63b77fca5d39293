package rlhf.trainer.jobs;

/** How a running job reports progress and learns that it should stop; implemented by the command line and the runner. */
public interface JobMonitor {

    /** Called after every optimizer step. */
    void progress(StepProgress progress);

    /** Called once per evaluation result, e.g. {@code rm.test.accuracy}. */
    default void metric(String name, double value) {
    }

    /** A human-readable line (phase starts, evaluation tables). */
    void log(String line);

    /** Whether the job should stop after its current step. */
    boolean cancelRequested();
}
