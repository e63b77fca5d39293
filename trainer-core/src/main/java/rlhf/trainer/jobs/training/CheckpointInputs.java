package rlhf.trainer.jobs.training;

import java.util.NoSuchElementException;

import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.trainer.jobs.JobPreconditionException;

/** Finds and loads the model a job starts from, or says which precondition is missing. */
public final class CheckpointInputs {

    private CheckpointInputs() {
    }

    /** Fails when {@code kind} has no version (or not {@code version}; 0 = any). */
    public static void require(CheckpointStore store, String kind, int version, String parameter, String producedBy) {
        if (version == 0 && store.latest(kind).isEmpty()) {
            throw new JobPreconditionException("no " + kind + " model in the store " + store.root()
                    + ": run " + producedBy + " first");
        }
        if (version > 0 && !store.versions(kind).contains(version)) {
            throw new JobPreconditionException("no " + kind + "/v" + version + " in the store " + store.root()
                    + " (parameter '" + parameter + "')");
        }
    }

    /** Verifies and loads {@code kind/vN}, the newest when {@code version} is 0. */
    public static LoadedCheckpoint load(CheckpointStore store, String kind, int version) {
        try {
            return version == 0 ? store.loadLatest(kind) : store.load(kind, version);
        } catch (NoSuchElementException e) {
            throw new JobPreconditionException(e.getMessage());
        }
    }

    /** The newest policy, or the newest SFT model while no policy exists (what a policy-service serves). */
    public static rlhf.model.store.Checkpoint latestPolicyOrSft(CheckpointStore store) {
        return store.latest(rlhf.wire.ModelStoreLayout.POLICY).or(() -> store.latest(rlhf.wire.ModelStoreLayout.SFT))
                .orElseThrow(() -> new rlhf.trainer.jobs.JobPreconditionException("no policy and no SFT model in the "
                        + "store: run an SFT job first"));
    }
}
