package rlhf.policy.messaging;

import java.util.List;

import rlhf.ops.v1.DeadLetter;
import rlhf.policy.v1.Rollout;

/** What became of one prompt record: rollouts to publish, a dead letter, or a transient failure to retry later. */
sealed interface RecordOutcome {

    /** Every sample, scored. */
    record Rollouts(String promptId, List<Rollout> rollouts) implements RecordOutcome {
    }

    /** The record cannot be processed; it goes to rlhf.dead-letter and its offset is committed. */
    record Dead(DeadLetter letter) implements RecordOutcome {
    }

    /** The server was too busy (queue full) or shutting down: process the record again later, uncommitted. */
    record Retry(String cause) implements RecordOutcome {
    }
}
