package rlhf.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The fault table: one markdown row per injected fault (what was injected, what was lost, time to recover, details),
 * each test class writing its own file under {@code target/fault-table/} (emptied when the class starts), and
 * {@link #text()} joining them under one header.
 */
final class FaultTable {

    static final Path DIR = Path.of("target", "fault-table");
    private static final String HEADER = "| fault | injected | lost | recovery | details |\n|---|---|---|---|---|\n";

    private FaultTable() {
    }

    /** Empties the rows of a test class (it runs again). */
    static void reset(Class<?> owner) {
        try {
            Files.createDirectories(DIR);
            Files.deleteIfExists(file(owner));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void row(Class<?> owner, String fault, String injected, String lost, String recovery, String details) {
        String line = "| " + String.join(" | ", fault, injected, lost, recovery, details + " (" + Instant.now() + ")")
                .replace("\n", " ") + " |\n";
        try {
            Files.createDirectories(DIR);
            Files.writeString(file(owner), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print("fault table: " + line);
    }

    /** Every class's rows under one header. */
    static String text() {
        StringBuilder out = new StringBuilder(HEADER);
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.sorted().toList()) {
                out.append(Files.readString(f));
            }
        } catch (IOException e) {
            return out.toString();
        }
        return out.toString();
    }

    private static Path file(Class<?> owner) {
        return DIR.resolve(owner.getSimpleName() + ".md");
    }
}
