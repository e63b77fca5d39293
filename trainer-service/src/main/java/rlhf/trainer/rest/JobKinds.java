package rlhf.trainer.rest;

import java.util.Locale;

/** Job kinds of the contract that a later issue implements (the online iteration). */
final class JobKinds {

    private JobKinds() {
    }

    static void rejectLaterKinds(String kind) {
        String normalized = kind.trim().toUpperCase(Locale.ROOT).replace('-', '_').replaceFirst("^JOB_KIND_", "");
        if (normalized.equals("ONLINE_ITERATION")) {
            throw new UnsupportedOperationException("job kind " + normalized
                    + " is not implemented yet: it arrives with the online-iteration issue");
        }
    }
}
