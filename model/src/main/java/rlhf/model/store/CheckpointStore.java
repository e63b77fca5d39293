package rlhf.model.store;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.model.tokenizer.Tokenizers;

/**
 * Versioned checkpoints on a file system: {@code <root>/<kind>/v<N>/{config.json, weights.safetensors,
 * tokenizer.json, manifest.json}}.
 *
 * <p>Publishing writes everything into a temporary folder next to the versions, fsyncs every file and the folder,
 * then renames it to {@code vN} in one atomic step, so a reader sees either no {@code vN} or a complete one. Loading
 * verifies every file's size and sha256 against the manifest before any weight is read, so a corrupt or truncated
 * file fails with a {@link CheckpointCorruptException} naming it and nothing is half-loaded.
 */
public final class CheckpointStore {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "weights.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String MANIFEST = "manifest.json";
    private static final List<String> PAYLOAD = List.of(CONFIG, WEIGHTS, TOKENIZER);
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final Path root;

    public CheckpointStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Publishes the next version of {@code kind} atomically and returns it. */
    public Checkpoint publish(String kind, GptModel model, TextTokenizer tokenizer, Lineage lineage) {
        Path kindDir = kindDir(kind);
        Path staging = null;
        try {
            Files.createDirectories(kindDir);
            staging = Files.createTempDirectory(kindDir, ".staging-");
            makeReadableByAll(staging); // temp dirs are 0700; services reading the store may run as other users
            Map<String, Manifest.FileDigest> digests = new LinkedHashMap<>();
            digests.put(CONFIG, writeSynced(staging.resolve(CONFIG),
                    out -> out.write(model.config().toJson().getBytes(StandardCharsets.UTF_8))));
            digests.put(WEIGHTS, writeSynced(staging.resolve(WEIGHTS),
                    out -> model.namedArrays().encode(out, NDList.Encoding.SAFETENSORS)));
            digests.put(TOKENIZER, writeSynced(staging.resolve(TOKENIZER),
                    out -> out.write(tokenizer.toJson().getBytes(StandardCharsets.UTF_8))));
            String createdAt = Instant.now().toString();
            while (true) {
                int version = versions(kind).stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
                Manifest manifest = new Manifest(kind, version, createdAt, digests, lineage);
                Files.deleteIfExists(staging.resolve(MANIFEST)); // left by a lost race for the previous number
                Manifest.FileDigest manifestDigest = writeSynced(staging.resolve(MANIFEST),
                        out -> out.write(manifest.toJson().getBytes(StandardCharsets.UTF_8)));
                fsyncDirectory(staging);
                Path target = kindDir.resolve("v" + version);
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileSystemException raced) {
                    // Linux reports a taken, non-empty vN as a plain "Directory not empty" FileSystemException.
                    if (Files.exists(target)) {
                        continue; // another publisher took vN first; take the next number
                    }
                    throw raced;
                }
                staging = null;
                fsyncDirectory(kindDir);
                return new Checkpoint(kind, version, target, manifest, manifestDigest.sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + kind + " under " + root, e);
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    /** Published versions of {@code kind}, ascending; staging folders are not versions. */
    public List<Integer> versions(String kind) {
        Path kindDir = kindDir(kind);
        if (!Files.isDirectory(kindDir)) {
            return List.of();
        }
        List<Integer> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(kindDir)) {
            children.forEach(p -> {
                Matcher m = VERSION_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + kindDir, e);
        }
        versions.sort(Comparator.naturalOrder());
        return versions;
    }

    /** The newest version of {@code kind}, if any. */
    public Optional<Checkpoint> latest(String kind) {
        List<Integer> v = versions(kind);
        return v.isEmpty() ? Optional.empty() : Optional.of(checkpoint(kind, v.get(v.size() - 1)));
    }

    /** Reads the manifest of {@code kind/vN} (no payload verification). */
    public Checkpoint checkpoint(String kind, int version) {
        Path dir = kindDir(kind).resolve("v" + version);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchElementException("no checkpoint " + kind + "/v" + version + " under " + root);
        }
        Path manifestFile = dir.resolve(MANIFEST);
        try {
            byte[] bytes = Files.readAllBytes(manifestFile);
            Manifest manifest = Manifest.fromJson(new String(bytes, StandardCharsets.UTF_8));
            return new Checkpoint(kind, version, dir, manifest, sha256(bytes));
        } catch (NoSuchFileException e) {
            throw new CheckpointCorruptException(manifestFile, "missing", e);
        } catch (IOException e) {
            throw new CheckpointCorruptException(manifestFile, "unreadable", e);
        } catch (RuntimeException e) {
            throw new CheckpointCorruptException(manifestFile, "not a valid manifest: " + e.getMessage(), e);
        }
    }

    /** Checks every payload file against the manifest; throws naming the first bad file. */
    public void verify(Checkpoint checkpoint) {
        for (String name : PAYLOAD) {
            Path file = checkpoint.directory().resolve(name);
            Manifest.FileDigest expected = checkpoint.manifest().files().get(name);
            if (expected == null) {
                throw new CheckpointCorruptException(file, "not listed in " + MANIFEST);
            }
            if (!Files.isRegularFile(file)) {
                throw new CheckpointCorruptException(file, "missing");
            }
            try {
                long size = Files.size(file);
                if (size != expected.bytes()) {
                    throw new CheckpointCorruptException(file, "size " + size + " bytes, manifest says "
                            + expected.bytes() + " (truncated or modified)");
                }
                String actual = sha256(file);
                if (!actual.equals(expected.sha256())) {
                    throw new CheckpointCorruptException(file, "sha256 " + actual + " does not match manifest "
                            + expected.sha256());
                }
            } catch (IOException e) {
                throw new CheckpointCorruptException(file, "unreadable", e);
            }
        }
    }

    /** Verifies, then loads {@code kind/vN} into memory. */
    public LoadedCheckpoint load(String kind, int version) {
        return load(checkpoint(kind, version));
    }

    /** Verifies, then loads the newest version of {@code kind}. */
    public LoadedCheckpoint loadLatest(String kind) {
        return load(latest(kind).orElseThrow(() -> new NoSuchElementException("no checkpoint of kind " + kind)));
    }

    private LoadedCheckpoint load(Checkpoint checkpoint) {
        verify(checkpoint);
        Path dir = checkpoint.directory();
        GptConfig config;
        TextTokenizer tokenizer;
        try {
            config = GptConfig.fromJson(Files.readString(dir.resolve(CONFIG)));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointCorruptException(dir.resolve(CONFIG), "not a valid config: " + e.getMessage(), e);
        }
        try {
            tokenizer = Tokenizers.fromJson(Files.readString(dir.resolve(TOKENIZER)));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointCorruptException(dir.resolve(TOKENIZER), "not a valid tokenizer: " + e.getMessage(), e);
        }
        Path weights = dir.resolve(WEIGHTS);
        try (NDManager staging = NDManager.newBaseManager();
                InputStream in = Files.newInputStream(weights)) {
            GptModel model = GptModel.fromNamedArrays(config, NDList.decode(staging, in));
            return new LoadedCheckpoint(checkpoint, model, tokenizer);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw new CheckpointCorruptException(weights, "cannot load weights: " + e.getMessage(), e);
        }
    }

    private Path kindDir(String kind) {
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("kind must match " + KIND.pattern() + ", got '" + kind + "'");
        }
        return root.resolve(kind);
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a file, forces it to disk, and returns its digest as read back from disk. */
    private static Manifest.FileDigest writeSynced(Path file, Writer writer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
            writer.write(out);
            out.flush();
            channel.force(true);
        }
        return new Manifest.FileDigest(sha256(file), Files.size(file));
    }

    private static void makeReadableByAll(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException notPosix) {
            // e.g. Windows: default ACLs apply
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging folder is never listed as a version
        }
    }
}
