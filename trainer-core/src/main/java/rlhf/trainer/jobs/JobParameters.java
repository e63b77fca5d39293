package rlhf.trainer.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a job's string parameters (from the command line, REST or gRPC) into typed values with defaults and bounds.
 * Every value read is remembered with its default filled in ({@link #resolved()}); {@link #rejectUnknown()} fails on a
 * key nobody read. Errors are {@link InvalidParameterException}s naming the key.
 */
public final class JobParameters {

    private final Map<String, String> given;
    private final Map<String, String> resolved = new LinkedHashMap<>();

    public JobParameters(Map<String, String> given) {
        this.given = Map.copyOf(given);
    }

    public int intIn(String key, int otherwise, int min, int max) {
        long value = longIn(key, otherwise, min, max);
        return (int) value;
    }

    public long longIn(String key, long otherwise, long min, long max) {
        long value;
        try {
            value = given.containsKey(key) ? Long.parseLong(given.get(key).trim()) : otherwise;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(key, "not an integer: '" + given.get(key) + "'");
        }
        if (value < min || value > max) {
            throw new InvalidParameterException(key, value + " is outside [" + min + ", " + max + "]");
        }
        resolved.put(key, Long.toString(value));
        return value;
    }

    public float floatIn(String key, float otherwise, float min, float max) {
        float value;
        try {
            value = given.containsKey(key) ? Float.parseFloat(given.get(key).trim()) : otherwise;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(key, "not a number: '" + given.get(key) + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new InvalidParameterException(key, value + " is outside [" + min + ", " + max + "]");
        }
        resolved.put(key, Float.toString(value));
        return value;
    }

    public boolean bool(String key, boolean otherwise) {
        String raw = given.getOrDefault(key, Boolean.toString(otherwise)).trim().toLowerCase(Locale.ROOT);
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new InvalidParameterException(key, "must be true or false, got '" + given.get(key) + "'");
        }
        resolved.put(key, raw);
        return Boolean.parseBoolean(raw);
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String oneOf(String key, String otherwise, String... choices) {
        String value = given.getOrDefault(key, otherwise).trim().toLowerCase(Locale.ROOT);
        if (!java.util.Arrays.asList(choices).contains(value)) {
            throw new InvalidParameterException(key, "must be one of " + String.join(", ", choices) + ", got '"
                    + given.get(key) + "'");
        }
        resolved.put(key, value);
        return value;
    }

    /**
     * A data file: the parameter as a path (a folder means {@code defaultName} inside it), else {@code defaultName}
     * in {@code dataDirectory}.
     */
    public Path dataFile(String key, Path dataDirectory, String defaultName) {
        String raw = given.get(key);
        if (raw != null && raw.isBlank()) {
            throw new InvalidParameterException(key, "must not be blank");
        }
        Path path = raw == null ? dataDirectory.resolve(defaultName) : Path.of(raw.trim());
        if (path.toFile().isDirectory()) {
            path = path.resolve(defaultName);
        }
        resolved.put(key, path.toString());
        return path;
    }

    /** An optional file: the parameter as a path, or null when it is absent or blank (recorded as ""). */
    public Path optionalFile(String key) {
        String raw = given.get(key);
        if (raw == null || raw.isBlank()) {
            resolved.put(key, "");
            return null;
        }
        Path path = Path.of(raw.trim());
        resolved.put(key, path.toString());
        return path;
    }

    /**
     * Every given key that starts with {@code prefix}, the prefix removed (e.g. {@code rm.likelihood-weight} →
     * {@code likelihood-weight}): parameters handed on to a job that this one runs; its own check validates them.
     */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new TreeSet<>(given.keySet())) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(key.substring(prefix.length()), given.get(key));
                resolved.put(key, given.get(key));
            }
        }
        return out;
    }

    /** Fails on the first given key that no read asked for. */
    public void rejectUnknown() {
        for (String key : new TreeSet<>(given.keySet())) {
            if (!resolved.containsKey(key)) {
                throw new InvalidParameterException(key, "unknown parameter; known: " + String.join(", ", resolved.keySet()));
            }
        }
    }

    /** Every parameter read so far with its effective value, in reading order. */
    public Map<String, String> resolved() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }
}
