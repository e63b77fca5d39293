package rlhf.trainer.service;

/** Lifecycle of a job: RUNNING → SUCCEEDED | FAILED | CANCELLED (the trainer runs one job at a time, no queue). */
public enum JobState {
    RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean finished() {
        return this != RUNNING;
    }
}
