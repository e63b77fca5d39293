package rlhf.policy.service;

/** Why a sample ended, as callers see it. */
public enum Finish {
    /** The model produced end-of-text. */
    END_OF_TEXT,
    /** A stop string appeared. */
    STOP_SEQUENCE,
    /** The sample used its max_new_tokens. */
    LENGTH,
    /** The sample filled the model's context (the default budget was clipped to it). */
    CONTEXT_FULL
}
