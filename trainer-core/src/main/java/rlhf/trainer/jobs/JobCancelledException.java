package rlhf.trainer.jobs;

/** Thrown inside a job when its cancellation was requested; the job publishes nothing. */
public final class JobCancelledException extends RuntimeException {

    public JobCancelledException(long step) {
        super("cancelled after step " + step);
    }
}
