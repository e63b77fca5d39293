package rlhf.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The model module is plain Java + DJL: main code imports only java.*, ai.djl.*, Gson (via DJL) and itself. */
class LayeringTest {
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);
    private static final List<String> ALLOWED = List.of("java.", "ai.djl.", "com.google.gson.", "rlhf.model.");

    @Test
    void mainCodeImportsOnlyJavaDjlAndItself() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(2);
                    assertThat(ALLOWED).as("%s imports %s", file, imported).anyMatch(imported::startsWith);
                }
            }
        }
    }
}
