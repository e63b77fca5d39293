package rlhf.policy.service;

import java.util.Objects;

import rlhf.service.InvalidInputException;

/**
 * One stored model version, e.g. {@code policy/v3}; version 0 in a request means the newest stored version of the
 * kind, never in an answer.
 */
public record ModelId(PolicyKind kind, long version) {

    public ModelId {
        Objects.requireNonNull(kind, "kind");
        if (version < 0) {
            throw new InvalidInputException("model.version", version + " < 0");
        }
    }

    @Override
    public String toString() {
        return kind.storeDirectory() + "/v" + version;
    }
}
