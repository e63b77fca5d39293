package rlhf.trainer.data;

import java.nio.file.Path;

/** A record of a data file that does not match its documented format; the message starts with {@code file:line}. */
public final class DataFormatException extends IllegalArgumentException {

    private final Path file;
    private final long line;

    public DataFormatException(Path file, long line, String reason, Throwable cause) {
        super(file + ":" + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    /** The file holding the bad record. */
    public Path file() {
        return file;
    }

    /** 1-based line number of the bad record. */
    public long line() {
        return line;
    }
}
