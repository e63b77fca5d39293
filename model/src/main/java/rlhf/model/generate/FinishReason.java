package rlhf.model.generate;

/** Why a sample ended. */
public enum FinishReason {
    /** It emitted the end-of-text token. */
    END_OF_TEXT,
    /** Its tokens ended with one of the stop sequences. */
    STOP_SEQUENCE,
    /** It reached maxNewTokens. */
    LENGTH
}
