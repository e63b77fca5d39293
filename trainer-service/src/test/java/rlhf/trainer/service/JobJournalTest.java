package rlhf.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.trainer.jobs.JobKind;

class JobJournalTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheJobsLeftRunningAreFoundAgainWithTheirParametersAndStartingPolicy() throws Exception {
        JobJournal journal = new JobJournal(dir.resolve("jobs"));
        assertThat(journal.running()).as("no journal yet").isEmpty();
        JobJournal.Entry done = journal.started("job-1", JobKind.SFT, Map.of("max-steps", "4"), 0);
        journal.write(done.finished(JobState.SUCCEEDED, ""));
        journal.started("job-2", JobKind.PPO, Map.of("iterations", "5", "epochs", "1"), 7);
        JobJournal.Entry failed = journal.started("job-3", JobKind.REWARD_MODEL, Map.of(), 9);
        journal.write(failed.finished(JobState.FAILED, "boom"));

        // A new process reads what the old one left.
        assertThat(new JobJournal(dir.resolve("jobs")).running()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("job-2");
            assertThat(e.jobKind()).isEqualTo(JobKind.PPO);
            assertThat(e.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("iterations", "5", "epochs", "1"));
            assertThat(e.policyAtStart()).isEqualTo(7);
        });
        assertThat(Files.readString(dir.resolve("jobs/job-3.json"))).contains("\"FAILED\"", "boom");
        try (var files = Files.list(dir.resolve("jobs"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left behind")
                    .containsExactlyInAnyOrder("job-1.json", "job-2.json", "job-3.json");
        }
    }
}
