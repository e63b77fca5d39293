package rlhf.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * Reads a JSONL file (one JSON object per line, blank lines skipped) into records; a line that is not a JSON object or
 * that its mapper rejects fails with a {@link DataFormatException} naming {@code file:line}.
 */
public final class JsonlFile {

    private JsonlFile() {
    }

    /** Every record of {@code file}, in order. */
    public static <T> List<T> read(Path file, Function<JsonObject, T> mapper) {
        List<T> records = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    records.add(parse(file, number, line, mapper));
                }
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("data file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return records;
    }

    private static <T> T parse(Path file, long number, String line, Function<JsonObject, T> mapper) {
        try {
            JsonElement element = JsonParser.parseString(line);
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException("expected a JSON object, got " + abbreviate(line));
            }
            return mapper.apply(element.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new DataFormatException(file, number, "not valid JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new DataFormatException(file, number, e.getMessage(), e);
        }
    }

    /** Lineage entry of a file that was read: its name, file URI, sha256 of its bytes and the records used. */
    public static DatasetRef reference(Path file, long records) {
        return new DatasetRef(file.getFileName().toString(), file.toAbsolutePath().normalize().toUri().toString(),
                sha256(file), records);
    }

    /** Hex sha256 of a file's bytes. */
    public static String sha256(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
