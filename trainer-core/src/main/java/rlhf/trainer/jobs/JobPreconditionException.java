package rlhf.trainer.jobs;

/** A job's inputs do not exist yet, e.g. no SFT model for the reward model, or a missing data file. */
public class JobPreconditionException extends RuntimeException {

    public JobPreconditionException(String message) {
        super(message);
    }
}
