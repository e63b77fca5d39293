package rlhf.trainer.jobs;

/**
 * A gate of the online iteration refused a challenger: nothing was published and the champion keeps serving. A job run
 * on its own fails with it (its message names every reason); the online iteration records it and goes on.
 */
public final class GateRefusedException extends JobPreconditionException {

    public GateRefusedException(String message) {
        super(message);
    }
}
