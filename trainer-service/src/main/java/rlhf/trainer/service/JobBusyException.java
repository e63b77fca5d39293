package rlhf.trainer.service;

/** Another job is running; the trainer runs one at a time. */
public final class JobBusyException extends RuntimeException {

    public JobBusyException(String runningJobId) {
        super("trainer busy: job " + runningJobId + " is running; retry when it has finished or cancel it");
    }
}
