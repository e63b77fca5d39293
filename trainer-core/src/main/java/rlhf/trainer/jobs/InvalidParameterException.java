package rlhf.trainer.jobs;

/** A job parameter that is unknown, malformed or out of bounds; {@link #parameter()} names it. */
public final class InvalidParameterException extends IllegalArgumentException {

    private final String parameter;

    public InvalidParameterException(String parameter, String reason) {
        super("parameter '" + parameter + "': " + reason);
        this.parameter = parameter;
    }

    /** The parameter's key, e.g. {@code steps}. */
    public String parameter() {
        return parameter;
    }
}
