package rlhf.model.store;

import java.nio.file.Path;

/** A checkpoint file is missing, truncated or does not match its manifest; {@link #file()} names it. */
public final class CheckpointCorruptException extends RuntimeException {
    private final transient Path file;

    public CheckpointCorruptException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public CheckpointCorruptException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
