package rlhf.trainer.rest;

import java.util.Locale;

/** Job kinds of the contract that later issues implement (PPO, online iteration). */
final class JobKinds {

    private JobKinds() {
    }

    static void rejectLaterKinds(String kind) {
        String normalized = kind.trim().toUpperCase(Locale.ROOT).replace('-', '_').replaceFirst("^JOB_KIND_", "");
        if (normalized.equals("PPO") || normalized.equals("ONLINE_ITERATION")) {
            throw new UnsupportedOperationException("job kind " + normalized
                    + " is not implemented yet: it arrives with the PPO / online-iteration issues");
        }
    }
}
