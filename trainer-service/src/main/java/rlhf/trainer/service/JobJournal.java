package rlhf.trainer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import rlhf.trainer.jobs.JobKind;

/**
 * What the trainer was doing, on disk: one small JSON file per job ({@code <dir>/<job id>.json}), written when the job
 * starts and again when it ends, each time to a temporary file moved into place, so a crash leaves the old or the new
 * record and never half of one. A record still {@code RUNNING} when the trainer starts belongs to a process that died
 * during the job (SIGKILL, OOM, a lost node): {@link JobRunner} resumes it when it can.
 */
final class JobJournal {

    /** One job as recorded. {@code policyAtStart}: the newest policy version when the job started (0: none). */
    record Entry(String id, String kind, Map<String, String> parameters, String state, long policyAtStart,
            String startedAt, String finishedAt, String note) {

        Entry finished(JobState outcome, String why) {
            return new Entry(id, kind, parameters, outcome.name(), policyAtStart, startedAt, Instant.now().toString(),
                    why);
        }

        JobKind jobKind() {
            return JobKind.valueOf(kind);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    JobJournal(Path dir) {
        this.dir = dir;
    }

    Entry started(String id, JobKind kind, Map<String, String> parameters, long policyAtStart) {
        Entry e = new Entry(id, kind.name(), Map.copyOf(parameters), JobState.RUNNING.name(), policyAtStart,
                Instant.now().toString(), null, "");
        write(e);
        return e;
    }

    void write(Entry e) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(e.id() + ".json.tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), e);
            Files.move(tmp, dir.resolve(e.id() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the job journal " + dir + " (rlhf.trainer.journal-dir)", ex);
        }
    }

    /** Jobs recorded as running: at start-up, those of a process that died during them. Oldest first. */
    List<Entry> running() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Entry e = JSON.readValue(f.toFile(), Entry.class);
                if (JobState.RUNNING.name().equals(e.state())) {
                    out.add(e);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the job journal " + dir, ex);
        }
        out.sort(java.util.Comparator.comparing(Entry::startedAt));
        return out;
    }
}
